#!/usr/bin/env python3
"""Debian symbols file check: abi/libsysbpf1.symbols, the file a packager
installs as debian/libsysbpf1.symbols, names exactly what the built library
exports: dpkg-gensymbols -c4 fails on any symbol or library missing from the
file or from the library. Each bpf.h function is listed under the node of
expected/symbols.tsv, with the sysbpf version that first shipped it.

With --can-fail, runs the check on doctored copies of the file (one symbol
dropped, one added) and requires each to fail, naming the symbol.

usage: check_debian_symbols.py --dpkg-gensymbols PATH --lib LIBSYSBPF
       --symbols libsysbpf1.symbols --expected expected/symbols.tsv
       --version 1.7.0 [--can-fail]
"""
import argparse
import os
import re
import sys
import tempfile

from abilib import Report, rows, run

PACKAGE = "libsysbpf1"
ENTRY = re.compile(r"^ (\S+)@(\S+) (\S+)$")


def gensymbols(args, symbols):
    """dpkg-gensymbols -c4 against symbols; (exit status, output)."""
    with tempfile.TemporaryDirectory(prefix="sysbpf-symbols-") as d:
        os.mkdir(os.path.join(d, "debian"))
        with open(os.path.join(d, "debian", "control"), "w") as f:
            f.write(f"Source: sysbpf\n\nPackage: {PACKAGE}\nArchitecture: any\n")
        # As built for the package (Debian revision -1): dpkg-gensymbols
        # forgives a lost symbol whose minimal version is the version built.
        p = run([args.dpkg_gensymbols, f"-p{PACKAGE}", f"-v{args.version}-1", "-c4",
                 f"-e{os.path.realpath(args.lib)}", f"-I{os.path.abspath(symbols)}",
                 f"-O{os.path.join(d, 'generated.symbols')}"], cwd=d)
        return p.returncode, p.stdout + p.stderr


def check(args, symbols, r):
    rc, out = gensymbols(args, symbols)
    if rc != 0:
        r.fail(f"dpkg-gensymbols -c4 exit {rc}:\n{out}")
    elif "warning" in out:
        r.fail(f"dpkg-gensymbols warns:\n{out}")

    expected = {name: node for name, node in rows(args.expected)}
    listed = {}
    with open(symbols) as f:
        lines = f.read().splitlines()
    if not lines or lines[0] != f"libsysbpf.so.1 {PACKAGE} #MINVER#":
        r.fail(f"first line {lines[:1]}, expected 'libsysbpf.so.1 {PACKAGE} #MINVER#'")
    for line in lines[1:]:
        m = ENTRY.match(line)
        if m:
            listed[m.group(1)] = (m.group(2), m.group(3))
    for name, node in sorted(expected.items()):
        if name not in listed:
            r.fail(f"{name}: bpf.h function not in {os.path.basename(symbols)}")
        elif listed[name][0] != node:
            r.fail(f"{name}: listed under {listed[name][0]}, expected/symbols.tsv says {node}")
    nodes = sorted(set(expected.values()))
    for name, (node, _) in listed.items():
        if name not in expected and name != node:
            r.fail(f"{name}@{node}: listed but not a bpf.h function nor a version node")
    r.note(f"{len(listed)} symbols listed ({sum(n in expected for n in listed)} bpf.h functions, "
           f"{sum(n == v for n, (v, _) in listed.items())} version nodes, {len(nodes)} of them holding a function)")
    return rc, out


def can_fail(args):
    """The check on doctored copies must fail, each naming its symbol."""
    with open(args.symbols) as f:
        text = f.read()
    drop = " bpf_map_freeze@LIBBPF_0.0.3 1.7.0\n"
    if drop not in text:
        print(f"FAIL: {args.symbols} lacks the line to drop: {drop!r}")
        return 1
    cases = [
        ("symbol exported but not listed", text.replace(drop, ""), "bpf_map_freeze@LIBBPF_0.0.3"),
        ("symbol listed but not exported", text + " bpf_not_exported@LIBBPF_1.7.0 1.7.0\n",
         "bpf_not_exported@LIBBPF_1.7.0"),
    ]
    failures = 0
    with tempfile.TemporaryDirectory(prefix="sysbpf-symbols-doctored-") as d:
        for what, content, sym in cases:
            path = os.path.join(d, "libsysbpf1.symbols")
            with open(path, "w") as f:
                f.write(content)
            r = Report("debian-symbols")
            rc, out = check(args, path, r)
            if rc == 0 or not r.failures or sym not in out:
                failures += 1
                print(f"NOT CAUGHT: {what}: dpkg-gensymbols exit {rc}, output lacks {sym}\n{out}")
            else:
                print(f"caught: {what}: dpkg-gensymbols exit {rc}, diff names {sym}")
    print(f"debian-symbols-can-fail: {len(cases) - failures} of {len(cases)} doctored files caught")
    print(f"{0 if failures else 1} passed, {1 if failures else 0} failed, 0 skipped")
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dpkg-gensymbols", required=True)
    ap.add_argument("--lib", required=True)
    ap.add_argument("--symbols", required=True)
    ap.add_argument("--expected", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--can-fail", action="store_true")
    args = ap.parse_args()
    if args.can_fail:
        return can_fail(args)
    r = Report("debian-symbols")
    check(args, args.symbols, r)
    return r.finish(os.path.basename(args.symbols))


if __name__ == "__main__":
    sys.exit(main())
