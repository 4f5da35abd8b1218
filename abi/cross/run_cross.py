#!/usr/bin/env python3
"""One architecture of the cross suite: configures a cross build of this
source tree with the architecture's cross file (Debian's g++-<triplet>,
-Werror), builds only the library and the tests that run under qemu-user
(unit, faults, fuzz-corpus), and runs them there together with the target's
abi checks (58 symbols with their nodes, NEEDED libc only, struct layouts).
Prints each test's counts and the total; exits 1 on any failure, 77 (skipped)
when the toolchain or qemu-user is missing, naming the package."""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

TARGETS = ["lib/libsysbpf.so.1.7.0", "tests/unit-tests", "tests/feature-races",
           "tests/fault-injection", "tests/fuzz-corpus"]
SUITES = ["unit", "faults", "fuzz", "abi"]


def cross_binaries(cross_file):
    text = open(cross_file).read()
    cxx = re.search(r"^cpp = '([^']+)'", text, re.M).group(1)
    qemu = re.search(r"^qemu = \['([^']+)'", text, re.M).group(1)
    return cxx, qemu


def run(cmd, **kw):
    print("+ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--build", required=True)
    a = ap.parse_args()

    cross_file = os.path.join(a.source, "abi", "cross", a.arch + ".ini")
    cxx, qemu = cross_binaries(cross_file)
    for prog, pkg in ((cxx, "g++-" + cxx[:-len("-g++")]), (qemu, "qemu-user")):
        if not shutil.which(prog):
            print(f"SKIP: {a.arch}: {prog} not installed (Debian: {pkg}; .ci/install-deps installs it)")
            print("0 passed, 0 failed, 1 skipped")
            return 77

    start = time.monotonic()
    if not os.path.exists(os.path.join(a.build, "build.ninja")):
        p = run(["meson", "setup", a.build, a.source, "--cross-file", cross_file, "-Dwerror=true"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode:
            print(p.stdout)
            print(f"{a.arch}: meson setup failed")
            return 1
    p = run(["ninja", "-C", a.build] + TARGETS)
    if p.returncode:
        print(f"{a.arch}: build failed (warnings are errors)")
        return 1
    built = time.monotonic()
    args = ["meson", "test", "-C", a.build, "--no-rebuild", "--print-errorlogs"]
    for s in SUITES:
        args += ["--suite", s]
    p = run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    tested = time.monotonic()

    totals = [0, 0, 0]
    failed = p.returncode != 0
    log = os.path.join(a.build, "meson-logs", "testlog.json")
    with open(log) as f:
        for line in f:
            t = json.loads(line)
            out = t.get("stdout") or ""
            m = re.findall(r"^(\d+) passed, (\d+) failed, (\d+) skipped$", out, re.M)
            if m:
                counts = [int(x) for x in m[-1]]
            else:
                counts = [int(t["result"] == "OK"), int(t["result"] not in ("OK", "SKIP")),
                          int(t["result"] == "SKIP")]
            totals = [x + y for x, y in zip(totals, counts)]
            print(f"{a.arch}: {t['name']}: {t['result']}: "
                  f"{counts[0]} passed, {counts[1]} failed, {counts[2]} skipped")
            if t["result"] not in ("OK", "SKIP"):
                failed = True
                print(out[-4000:])
    print(f"{a.arch}: build {built - start:.0f} s, tests under {qemu} {tested - built:.0f} s")
    print(f"{totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")
    return 1 if failed or totals[1] else 0


if __name__ == "__main__":
    sys.exit(main())
