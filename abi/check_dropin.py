#!/usr/bin/env python3
"""Link-time drop-in check: a client built against the installed upstream
headers and linked with -lbpf runs twice, once as built and once with
libsysbpf.so.1 in LD_PRELOAD. Both runs must exit 0 with the same output, and
the dynamic loader's own account (LD_DEBUG=bindings, LD_BIND_NOW=1 so every
import binds at start) must show each bpf.h function the client imports bound
to libbpf.so.1 in the first run and to libsysbpf.so.1, same version node, in
the second.

--no-preload runs the second run without LD_PRELOAD, to show the check fails
when sysbpf is not the one serving the calls.
"""
import argparse
import os
import re
import sys

from abilib import Report, rows, run

BINDING = re.compile(r"binding file (\S+) \[\d+\] to (\S+) \[\d+\]: normal symbol `([^']+)' \[([^\]]+)\]")


def imports(readelf, client, functions):
    """{name: version} of the bpf.h functions the client imports."""
    out = run([readelf, "--dyn-syms", "--wide", client]).stdout
    found = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 8 and f[6] == "UND" and "@" in f[7]:
            name, version = f[7].split("@", 1)
            if name in functions:
                found[name] = version
    return found


def bindings(client, preload):
    env = dict(os.environ, LD_DEBUG="bindings", LD_BIND_NOW="1")
    env.pop("LD_PRELOAD", None)
    if preload:
        env["LD_PRELOAD"] = preload
    p = run([client], env=env)
    bound = {}
    for m in BINDING.finditer(p.stderr):
        if os.path.realpath(m.group(1)) == os.path.realpath(client):
            bound[m.group(3)] = (os.path.basename(m.group(2)), m.group(4))
    return p, bound


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--readelf", default="readelf")
    ap.add_argument("--client", required=True)
    ap.add_argument("--preload", required=True, help="path of libsysbpf.so.1")
    ap.add_argument("--expected", required=True, help="symbols.tsv: the bpf.h functions")
    ap.add_argument("--no-preload", action="store_true")
    args = ap.parse_args()

    r = Report("dropin")
    functions = {name for name, _ in rows(args.expected)}
    wanted = imports(args.readelf, args.client, functions)
    if not wanted:
        r.fail(f"{args.client} imports no bpf.h function")
    r.note(f"{args.client} imports {len(wanted)} bpf.h functions: {' '.join(sorted(wanted))}")

    runs = {}
    for label, preload, provider in [("libbpf", None, "libbpf.so.1"),
                                     ("sysbpf", None if args.no_preload else args.preload, "libsysbpf.so.1")]:
        p, bound = bindings(args.client, preload)
        runs[label] = p
        if p.returncode:
            r.fail(f"run with {label}: exit status {p.returncode}\n{p.stdout}")
        for name, version in sorted(wanted.items()):
            got = bound.get(name)
            if got != (provider, version):
                where = f"{got[0]} [{got[1]}]" if got else "nothing"
                r.fail(f"{name}: bound to {where}, expected {provider} [{version}] (run with {label})")
        r.note(f"run with {label}: {sum(bound.get(n) == (provider, v) for n, v in wanted.items())} "
               f"of {len(wanted)} bound to {provider}")

    a, b = runs["libbpf"].stdout, runs["sysbpf"].stdout
    if a != b:
        diff = [f"  line {i + 1}:\n    libbpf: {x}\n    sysbpf: {y}"
                for i, (x, y) in enumerate(zip(a.splitlines(), b.splitlines())) if x != y]
        r.fail("output differs:\n" + "\n".join(diff or ["  (different length)"]))
    else:
        r.note(f"both runs printed the same {len(a.splitlines())} lines:\n{a}")
    return r.finish("drop-in runs")


if __name__ == "__main__":
    sys.exit(main())
