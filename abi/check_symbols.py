#!/usr/bin/env python3
"""Symbol check: libsysbpf.so.1 exports exactly libbpf 1.7's bpf.h functions,
each as a GLOBAL DEFAULT FUNC under libbpf's default (@@) version node, plus the
version nodes themselves; it needs only libc.so.6 (and the dynamic loader,
whose __tls_get_addr serves the library's default-model TLS) and its soname is
libsysbpf.so.1. With --reference, every bpf.h function that library (Debian's
libbpf.so.1) exports must come from sysbpf under the same node.

Expected functions the library does not export yet are handled by --missing:
  fail    each is a failure (the complete-ABI promise)
  skip    they are listed and the run ends as skipped (exit 77) if nothing else failed
  ignore  they are listed as pending; only wrong exports fail
"""
import argparse
import re
import sys

from abilib import Report, rows, run


def dynamic_symbols(readelf, lib):
    """{name: (version, default, type, bind, vis, ndx)} of the defined dynamic symbols."""
    out = run([readelf, "--dyn-syms", "--wide", lib])
    if out.returncode:
        sys.exit(f"readelf failed on {lib}: {out.stderr}")
    syms = {}
    for line in out.stdout.splitlines():
        f = line.split()
        if len(f) < 8 or not f[0].rstrip(":").isdigit() or f[6] == "UND" or f[4] == "LOCAL":
            continue
        name, version, default = f[7], None, False
        if "@@" in name:
            name, version = name.split("@@")
            default = True
        elif "@" in name:
            name, version = name.split("@")
        syms[name] = (version, default, f[3], f[4], f[5], f[6])
    return syms


def dynamic_section(readelf, lib):
    out = run([readelf, "--dynamic", "--wide", lib])
    needed = [l.split("[")[1].rstrip("]") for l in out.stdout.splitlines() if "(NEEDED)" in l]
    soname = [l.split("[")[1].rstrip("]") for l in out.stdout.splitlines() if "(SONAME)" in l]
    return needed, soname


# The dynamic loader's soname on each architecture: ld-linux-x86-64.so.2,
# ld-linux-aarch64.so.1, ld-linux.so.2, ld64.so.1 (s390x), ld64.so.2 (ppc64le),
# ld-linux-riscv64-lp64d.so.1.
LOADER = re.compile(r"^ld(64)?(-[\w.-]+)?\.so\.\d+$")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--readelf", default="readelf")
    ap.add_argument("--lib", required=True)
    ap.add_argument("--expected", required=True, help="symbols.tsv: name, node")
    ap.add_argument("--nodes", required=True, help="version-nodes.txt")
    ap.add_argument("--reference", help="an upstream libbpf.so.1 to compare with")
    ap.add_argument("--needed", default="libc.so.6", help="comma-separated NEEDED list")
    ap.add_argument("--soname", default="libsysbpf.so.1")
    ap.add_argument("--missing", choices=["fail", "skip", "ignore"], default="fail")
    args = ap.parse_args()

    r = Report("symbols")
    expected = {name: node for name, node in rows(args.expected)}
    nodes = [n[0] for n in rows(args.nodes)]
    syms = dynamic_symbols(args.readelf, args.lib)

    for name, (version, default, typ, bind, vis, ndx) in sorted(syms.items()):
        if ndx == "ABS" and version is None and name in nodes:
            continue  # a version node's own symbol
        if name not in expected:
            r.fail(f"{name}: exported but not a libbpf {nodes[-1]} bpf.h function")
            continue
        where = f"{name}@{'@' if default else ''}{version}"
        if version != expected[name]:
            r.fail(f"{name}: exported as {where}, expected {name}@@{expected[name]}")
        elif not default:
            r.fail(f"{name}: exported as non-default version {where}, expected @@")
        if (typ, bind, vis) != ("FUNC", "GLOBAL", "DEFAULT"):
            r.fail(f"{name}: {typ} {bind} {vis}, expected FUNC GLOBAL DEFAULT")
    for node in nodes:
        if node not in syms:
            r.fail(f"{node}: version node not defined")

    missing = [n for n in expected if n not in syms]

    ref = {}
    if args.reference:
        ref = dynamic_symbols(args.readelf, args.reference)
        shared = [n for n in expected if n in ref]
        for name in shared:
            if ref[name][0] != expected[name]:
                r.fail(f"{name}: {args.reference} has @{ref[name][0]}, expectation file says @{expected[name]}")
            if name in syms and syms[name][0] != ref[name][0]:
                r.fail(f"{name}: sysbpf @{syms[name][0]}, {args.reference} @{ref[name][0]}")
        r.note(f"{len(shared)} bpf.h functions exported by {args.reference}; "
               f"{sum(n in syms for n in shared)} of them exported by sysbpf")

    needed, soname = dynamic_section(args.readelf, args.lib)
    if [n for n in needed if not LOADER.match(n)] != args.needed.split(","):
        r.fail(f"NEEDED {needed}, expected {args.needed.split(',')}")
    if soname != [args.soname]:
        r.fail(f"SONAME {soname}, expected {args.soname}")

    r.note(f"{len(expected) - len(missing)} of {len(expected)} bpf.h functions exported")
    for name in missing:
        if args.missing == "fail":
            also = f"; {args.reference} exports it" if name in ref else ""
            r.fail(f"{name}: not exported (expected {name}@@{expected[name]}{also})")
        else:
            also = f" ({args.reference} exports it)" if name in ref else ""
            r.note(f"pending: {name}@@{expected[name]} not exported yet{also}")
    skip = None
    if missing and args.missing == "skip":
        skip = f"{len(missing)} bpf.h functions not exported yet (abi_require_complete=false)"
    return r.finish("exports", skip)


if __name__ == "__main__":
    sys.exit(main())
