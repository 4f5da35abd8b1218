#!/usr/bin/env python3
"""Proves errno_coverage.py fails on each fault it is there to catch.

Runs it on bpf_map_freeze(3) as it is (must pass), then on doctored copies of
the page: an entry without its proof tag, an entry whose errno its proof does
not produce, and a page missing an errno the selftests produce. Each must
fail with its own message.

Usage: errno_coverage_fails.py CHECKER PAGES_DIR EXEMPTIONS SELFTEST_BINARY...
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

PAGE = "bpf_map_freeze"


def run(checker, pages, exemptions, binaries):
    proc = subprocess.run([sys.executable, checker, "--pages", pages, "--page", PAGE,
                           "--exemptions", exemptions] + binaries,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc.returncode, proc.stdout


def entry(text, errno_name, proof_part):
    """Span of the ERRORS entry `.TP` / `.B errno_name` whose proof contains proof_part."""
    for m in re.finditer(r"^\.TP\n\.BR? " + errno_name + r"\b.*?(?=^\.TP|^\.SH)", text, re.S | re.M):
        if proof_part in m.group(0):
            return m.start(), m.end()
    raise SystemExit(f"{PAGE}.3: no {errno_name} entry proven by {proof_part!r}; update this test")


def main():
    checker, pages, exemptions, binaries = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    original = open(os.path.join(pages, PAGE + ".3"), encoding="utf-8").read()
    # (name, doctoring, message the checker must print)
    cases = [
        ("as it is", lambda t: t, None),
        ("an entry without its proof tag",
         lambda t: t.replace('.\\" proof: selftest-errors "map_freeze: a writable mmap of the map gives EBUSY"\n', "", 1),
         "no proof tag and no exemption"),
        ("an entry whose proof does not produce its errno",
         lambda t: t[:entry(t, "EBUSY", "writable mmap")[0]] +
         t[entry(t, "EBUSY", "writable mmap")[0]:].replace(".B EBUSY", ".B EEXIST", 1),
         "does not make bpf_map_freeze fail with EEXIST"),
        ("a page missing an errno the selftests produce",
         lambda t: t[:entry(t, "EBUSY", "writable mmap")[0]] + t[entry(t, "EBUSY", "writable mmap")[1]:],
         "makes bpf_map_freeze fail with EBUSY, which its page does not document"),
    ]
    failures = 0
    for name, doctor, message in cases:
        with tempfile.TemporaryDirectory(prefix="sysbpf-errno-fails-") as tmp:
            doctored = doctor(original)
            if message and doctored == original:
                raise SystemExit(f"doctoring '{name}' changed nothing; update this test")
            with open(os.path.join(tmp, PAGE + ".3"), "w", encoding="utf-8") as f:
                f.write(doctored)
            rc, out = run(checker, tmp, exemptions, binaries)
        if message is None:
            ok = rc == 0
        else:
            ok = rc != 0 and message in out
        print(f"{'ok  ' if ok else 'FAIL'} {name}: exit {rc}" + (f", says '{message}'" if ok and message else ""))
        if not ok:
            failures += 1
            print(out)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
