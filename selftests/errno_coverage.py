#!/usr/bin/env python3
"""Checks that every error the headers document is one a selftest produces.

Reads the documented (function, errno) pairs from the `@retval -EXXX` lines of
each function's doc comment, runs every selftest binary with SYSBPF_STATS set
(the library then writes, at exit, each function's errors by errno), and fails
if a documented pair was produced by no selftest, unless the exemptions file
lists it with the reason. Prints what was covered, exempted and missing.

Usage: errno_coverage.py --exemptions FILE --header H [--header H ...] BINARY...
"""

import argparse
import errno
import os
import re
import subprocess
import sys
import tempfile

# The kernel's internal codes that reach user space unchanged (include/linux/errno.h).
KERNEL_ERRNOS = {"ENOTSUPP": 524}

DOC_COMMENT = re.compile(r"/\*\*(.*?)\*/", re.S)
DECLARATION = re.compile(r"\s*LIBBPF_API\s+[^;{]*?\b(\w+)\s*\(")
RETVAL = re.compile(r"@retval\s+-(E[A-Z0-9_]+)\b")


def errno_number(name):
    if name in KERNEL_ERRNOS:
        return KERNEL_ERRNOS[name]
    if name.isdigit():
        return int(name)
    value = getattr(errno, name, None)
    if not isinstance(value, int):
        raise ValueError(f"unknown errno name {name}")
    return value


def errno_name(number):
    for name, value in KERNEL_ERRNOS.items():
        if value == number:
            return name
    if number == errno.EOPNOTSUPP:
        return "EOPNOTSUPP"  # Python's errorcode says ENOTSUP, the same value
    return errno.errorcode.get(number, str(number))


def documented_pairs(headers):
    """{(function, errno number)} from the doc comment right before each declaration."""
    pairs = set()
    functions = set()
    for path in headers:
        text = open(path, encoding="utf-8").read()
        for m in DOC_COMMENT.finditer(text):
            decl = DECLARATION.match(text, m.end())
            if not decl:
                continue
            function = decl.group(1)
            functions.add(function)
            for name in RETVAL.findall(m.group(1)):
                pairs.add((function, errno_number(name)))
    return pairs, functions


def read_exemptions(path):
    """{(function, errno number): reason}; lines are `function ERRNO reason`."""
    exemptions = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 2)
            if len(parts) < 3:
                raise SystemExit(f"{path}:{lineno}: want `function ERRNO reason`")
            function, name, reason = parts
            exemptions[(function, errno_number(name.lstrip("-")))] = reason
    return exemptions


def parse_stats(text):
    """{(function, errno number)} from SYSBPF_STATS tables (several may be appended)."""
    observed = set()
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 4 or fields[0] in ("function", "total"):
            continue
        for item in fields[4:]:
            name, _, count = item.rpartition(":")
            if name and count.isdigit() and int(count) > 0:
                observed.add((fields[0], errno_number(name)))
    return observed


def run_selftests(binaries):
    """Runs each binary with SYSBPF_STATS; returns observed pairs and failures."""
    observed = set()
    failures = []
    with tempfile.TemporaryDirectory(prefix="sysbpf-errno-") as tmp:
        for i, binary in enumerate(binaries):
            stats = os.path.join(tmp, f"stats-{i}.txt")
            env = dict(os.environ, SYSBPF_STATS=stats)
            env.pop("SYSBPF_TRACE", None)
            try:
                proc = subprocess.run([os.path.abspath(binary)], env=env, cwd=tmp, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, timeout=300, text=True)
                rc = proc.returncode
            except subprocess.TimeoutExpired:
                rc = "timeout"
            name = os.path.basename(binary)
            if rc not in (0, 77):
                failures.append(f"{name}: exit {rc}")
            if os.path.exists(stats):
                observed |= parse_stats(open(stats, encoding="utf-8").read())
            print(f"ran {name}: exit {rc}")
    return observed, failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--header", action="append", required=True)
    ap.add_argument("--exemptions", required=True)
    ap.add_argument("binaries", nargs="+")
    args = ap.parse_args()

    documented, functions = documented_pairs(args.header)
    exemptions = read_exemptions(args.exemptions)
    observed, failures = run_selftests(args.binaries)

    problems = []
    for pair in sorted(set(exemptions) - documented):
        problems.append(f"exemption for an undocumented pair: {pair[0]} {errno_name(pair[1])}")

    covered = documented & observed
    exempted = {p for p in documented - observed if p in exemptions}
    missing = documented - observed - exempted

    print()
    print(f"{len(functions)} functions documented, {len(documented)} (function, errno) pairs")
    print(f"  covered by a selftest: {len(covered)}")
    print(f"  exempted: {len(exempted)}")
    for f, e in sorted(exempted):
        print(f"    {f} -{errno_name(e)}: {exemptions[(f, e)]}")
    print(f"  missing: {len(missing)}")
    for f, e in sorted(missing):
        print(f"    {f} -{errno_name(e)}: documented, but no selftest produced it")
    for pair in sorted(set(exemptions) & observed):
        print(f"  note: {pair[0]} -{errno_name(pair[1])} is exempted but a selftest produced it")
    undocumented = sorted(p for p in observed - documented if p[0] in functions)
    if undocumented:
        print(f"  produced by selftests but not documented (not an error): "
              + ", ".join(f"{f} -{errno_name(e)}" for f, e in undocumented))
    for f in failures:
        print(f"  note: selftest {f}")
    for p in problems:
        print(f"  error: {p}")
    pct = 100.0 * (len(covered) + len(exempted)) / len(documented) if documented else 100.0
    print(f"{pct:.0f}% of documented pairs covered or exempted")
    return 1 if missing or problems or not documented else 0


if __name__ == "__main__":
    sys.exit(main())
