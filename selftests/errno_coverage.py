#!/usr/bin/env python3
"""Checks every ERRORS entry of the man pages against the selftest that proves it.

Each entry of a page's ERRORS section (`.TP`, then `.B EXXX`, then the
condition) carries a roff comment naming its proof:

    .\\" proof: BINARY "TEST CASE" ["SECTION"]
    .\\" exempt: ID          (ID and its reason in the exemptions file)

For each proof the selftest BINARY runs only that Catch2 test case (and
section) with SYSBPF_STATS set; the library writes, at exit, each function's
errors by errno. The check fails when
  - an entry has neither a proof nor an exemption;
  - a proof's case does not pass, or does not make the page's function fail
    with the entry's errno;
  - a whole selftest binary, run once, makes a function fail with an errno no
    entry of that function's page documents.

Usage: errno_coverage.py --pages DIR --exemptions FILE [--page NAME ...]
                         [--no-proofs] BINARY...
"""

import argparse
import errno
import os
import re
import shlex
import subprocess
import sys
import tempfile

# The kernel's internal codes that reach user space unchanged (include/linux/errno.h).
KERNEL_ERRNOS = {"ENOTSUPP": 524}
ERRNO_LINE = re.compile(r"^\.BR?\s+(E[A-Z0-9]+)\b")
TAG = re.compile(r'^\.\\"\s*(proof|exempt):\s*(.*)$')


def errno_number(name):
    if name in KERNEL_ERRNOS:
        return KERNEL_ERRNOS[name]
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


class Entry:
    def __init__(self, page, line, function, name):
        self.page, self.line, self.function, self.name = page, line, function, name
        self.errno = errno_number(name)
        self.proofs = []  # (binary, case, section or None)
        self.exempt = None
        self.text = []

    def where(self):
        return f"{os.path.basename(self.page)}:{self.line}: {self.function} {self.name}"


def read_page(path):
    """Entries of the ERRORS section; the page's function is its file name."""
    function = os.path.basename(path).rsplit(".", 1)[0]
    entries, problems = [], []
    section, entry, expect_errno = None, None, False
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith(".SH"):
                section = line[3:].strip().strip('"')
                entry, expect_errno = None, False
                continue
            if section != "ERRORS":
                continue
            if line.startswith(".TP"):
                expect_errno, entry = True, None
                continue
            if expect_errno:
                expect_errno = False
                m = ERRNO_LINE.match(line)
                if not m:
                    problems.append(f"{path}:{lineno}: an ERRORS entry must start with .B EXXX")
                    continue
                entry = Entry(path, lineno, function, m.group(1))
                entries.append(entry)
                continue
            m = TAG.match(line)
            if m and entry is None:
                problems.append(f"{path}:{lineno}: a {m.group(1)} tag outside an ERRORS entry")
            elif m and m.group(1) == "proof":
                words = shlex.split(m.group(2))
                if len(words) not in (2, 3):
                    problems.append(f'{path}:{lineno}: want `proof: BINARY "CASE" ["SECTION"]`')
                else:
                    entry.proofs.append((words[0], words[1], words[2] if len(words) == 3 else None))
            elif m:
                entry.exempt = m.group(2).strip()
            elif entry is not None and not line.startswith(".PP"):
                entry.text.append(line)
    return function, entries, problems


def read_exemptions(path):
    """{id: (function, errno, reason)}; lines are `ID function ERRNO reason`."""
    exemptions = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 3)
            if len(parts) < 4:
                raise SystemExit(f"{path}:{lineno}: want `ID function ERRNO reason`")
            exemptions[parts[0]] = (parts[1], errno_number(parts[2]), parts[3])
    return exemptions


def parse_stats(path):
    """{(function, errno number)} from a SYSBPF_STATS table."""
    observed = set()
    if not os.path.exists(path):
        return observed
    for line in open(path, encoding="utf-8"):
        fields = line.split()
        if len(fields) < 4 or fields[0] in ("function", "total"):
            continue
        for item in fields[4:]:
            name, _, count = item.rpartition(":")
            if name and count.isdigit() and int(count) > 0:
                observed.add((fields[0], int(name) if name.lstrip("-").isdigit() else errno_number(name)))
    return observed


def catch2_spec(name):
    """A Catch2 test-spec matching exactly the test case `name`."""
    return re.sub(r"([\\,\[\]*~\"])", r"\\\1", name)


def run(binary, args, tmp, tag):
    stats = os.path.join(tmp, f"stats-{tag}.txt")
    env = dict(os.environ, SYSBPF_STATS=stats)
    env.pop("SYSBPF_TRACE", None)
    try:
        proc = subprocess.run([os.path.abspath(binary)] + args, env=env, cwd=tmp,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300,
                              text=True, errors="replace")
        rc, out = proc.returncode, proc.stdout
    except subprocess.TimeoutExpired:
        rc, out = "timeout", ""
    return rc, out, parse_stats(stats)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", required=True, help="directory of the section 3 pages")
    ap.add_argument("--page", action="append", help="check only these functions' pages")
    ap.add_argument("--exemptions", required=True)
    ap.add_argument("binaries", nargs="+")
    args = ap.parse_args()

    problems = []
    pages = sorted(p for p in os.listdir(args.pages) if p.endswith(".3"))
    if args.page:
        pages = [p for p in pages if p[:-2] in args.page]
    functions, entries = set(), []
    for p in pages:
        function, page_entries, page_problems = read_page(os.path.join(args.pages, p))
        functions.add(function)
        entries += page_entries
        problems += page_problems
    exemptions = read_exemptions(args.exemptions)
    binaries = {os.path.basename(b): b for b in args.binaries}

    used_exemptions = set()
    proven = exempted = 0
    with tempfile.TemporaryDirectory(prefix="sysbpf-errno-") as tmp:
        listed = {}
        for name, path in binaries.items():
            rc, out, _ = run(path, ["--list-test-names-only"], tmp, f"list-{name}")
            listed[name] = {l.strip() for l in out.splitlines() if l.strip()}

        runs = {}
        for i, e in enumerate(entries):
            if not e.proofs and not e.exempt:
                problems.append(f"{e.where()}: no proof tag and no exemption")
                continue
            if e.exempt:
                ex = exemptions.get(e.exempt)
                if not ex:
                    problems.append(f"{e.where()}: exemption `{e.exempt}` is not in the exemptions file")
                elif ex[:2] != (e.function, e.errno):
                    problems.append(f"{e.where()}: exemption `{e.exempt}` is for {ex[0]} {errno_name(ex[1])}")
                else:
                    used_exemptions.add(e.exempt)
                    exempted += 1
                    print(f"exempt  {e.where()}: {ex[2]}")
                continue
            ok = True
            for binary, case, section in e.proofs:
                label = f'{binary} "{case}"' + (f' "{section}"' if section else "")
                if binary not in binaries:
                    problems.append(f"{e.where()}: proof names an unknown binary {binary}")
                    ok = False
                    continue
                if case not in listed[binary]:
                    problems.append(f"{e.where()}: {binary} has no test case \"{case}\"")
                    ok = False
                    continue
                key = (binary, case, section)
                if key not in runs:
                    cargs = [catch2_spec(case)] + (["-c", section] if section else [])
                    runs[key] = run(binaries[binary], cargs, tmp, f"case-{len(runs)}")
                rc, out, observed = runs[key]
                summary = out.strip().splitlines()[-1] if out.strip() else ""
                if rc != 0 or not summary.startswith("1 passed"):
                    problems.append(f"{e.where()}: proof {label} did not pass ({summary or rc})")
                    ok = False
                elif (e.function, e.errno) not in observed:
                    problems.append(f"{e.where()}: proof {label} does not make {e.function} fail with {e.name}")
                    ok = False
                else:
                    print(f"proven  {e.where()}: {label}")
            proven += ok

        for unused in sorted(set(exemptions) - used_exemptions):
            if not args.page:
                problems.append(f"exemption `{unused}` is used by no ERRORS entry")

        documented = {(e.function, e.errno) for e in entries}
        for name, path in binaries.items():
            rc, out, observed = run(path, [], tmp, f"whole-{name}")
            print(f"ran {name}: exit {rc}")
            for f, n in sorted(observed):
                if f in functions and (f, n) not in documented:
                    problems.append(f"{name} makes {f} fail with {errno_name(n)}, which its page does not document")

    print()
    print(f"{len(pages)} pages, {len(entries)} ERRORS entries: {proven} proven, {exempted} exempted")
    for p in problems:
        print(f"error: {p}")
    return 1 if problems or not entries else 0


if __name__ == "__main__":
    sys.exit(main())
