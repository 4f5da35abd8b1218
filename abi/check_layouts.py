#!/usr/bin/env python3
"""Struct layout check for every struct bpf.h defines: sizeof, alignof, each
named member's offset and size, and what <struct>__last_field names.

Layouts are measured by compiling and running a small C program per header set
(offsetof/sizeof/_Alignof through the headers themselves, the __last_field
macro included). Ours is compared with
  - the installed upstream header (Debian's libbpf-dev), for what it has;
  - every recorded release in abi/expected/layouts.tsv: members a release has
    must sit at the same offset with the same size in ours, a struct may only
    grow, and the target release (v1.7.0) must match exactly.
"""
import argparse
import sys

from abilib import Report, bpf_h_decls, compiler, field_paths, rows, run, tmpdir

PROGRAM_HEAD = r"""#include <stdio.h>
#include <stddef.h>
#include <bpf/bpf.h>
#define STR_(x) #x
#define STR(x) STR_(x)
#define MEMBER(S, m) offsetof(struct S, m), sizeof(((struct S *)0)->m)
int main(void)
{
"""


def layout_program(records):
    body = []
    for s, paths in records.items():
        body.append(f'printf("{s}\\tstruct\\t-\\t%zu\\t%zu\\n", sizeof(struct {s}), _Alignof(struct {s}));')
        for p in paths:
            body.append(f'printf("{s}\\tfield\\t{p}\\t%zu\\t%zu\\n", MEMBER({s}, {p}));')
        body += [f"#ifdef {s}__last_field",
                 f'printf("{s}\\tlast_field\\t%s\\t%zu\\t%zu\\n", STR({s}__last_field), MEMBER({s}, {s}__last_field));',
                 "#endif"]
    return PROGRAM_HEAD + "\n".join(body) + "\nreturn 0;\n}\n"


def parse(lines):
    """{struct: {"struct": (sizeof, alignof), "field": {path: (off, size)}, "last_field": (path, off, size)}}"""
    layouts = {}
    for s, kind, name, a, b in lines:
        l = layouts.setdefault(s, {"field": {}, "last_field": None})
        if kind == "struct":
            l["struct"] = (int(a), int(b))
        elif kind == "field":
            l["field"][name] = (int(a), int(b))
        elif kind == "last_field":
            l["last_field"] = (name, int(a), int(b))
    return layouts


def measure(clang, cc, include_dir, run_with=()):
    _, records = bpf_h_decls(clang, include_dir, "C")
    with tmpdir() as d:
        with open(f"{d}/layout.c", "w") as f:
            f.write(layout_program({s: field_paths(rec) for s, rec in records.items()}))
        out = run([*cc, "-std=gnu11", "-I", include_dir, "-o", f"{d}/layout", f"{d}/layout.c"])
        if out.returncode:
            sys.exit(f"layout program does not compile against {include_dir}:\n{out.stderr}")
        out = run([*run_with, f"{d}/layout"])
    return parse(line.split("\t") for line in out.stdout.splitlines())


def compare(r, ours, theirs, label, exact):
    """Members `theirs` has must be where ours has them; exact: nothing else either."""
    n = 0
    for s, t in theirs.items():
        o = ours.get(s)
        if o is None:
            r.fail(f"struct {s}: defined by {label}, not by our bpf.h")
            continue
        (osz, oal), (tsz, tal) = o["struct"], t["struct"]
        if oal != tal:
            r.fail(f"struct {s}: alignof {oal} in ours, {tal} in {label}")
        if (osz != tsz) if exact else (osz < tsz):
            r.fail(f"struct {s}: sizeof {osz} in ours, {tsz} in {label}")
        for path, (off, size) in t["field"].items():
            n += 1
            if path not in o["field"]:
                r.fail(f"{s}.{path}: member of {label}, missing in ours")
            elif o["field"][path] != (off, size):
                r.fail(f"{s}.{path}: offset/size {o['field'][path][0]}/{o['field'][path][1]} in ours, "
                       f"{off}/{size} in {label}")
        if exact:
            for path in o["field"]:
                if path not in t["field"]:
                    r.fail(f"{s}.{path}: member of ours, not of {label}")
            if o["last_field"] != t["last_field"]:
                r.fail(f"{s}__last_field: {o['last_field']} in ours, {t['last_field']} in {label}")
        elif t["last_field"]:
            path, off, size = t["last_field"]
            if o["field"].get(path) != (off, size):
                r.fail(f"{s}__last_field of {label} ({path}, ends at {off + size}) is not at the same place in ours")
    if exact:
        for s in ours:
            if s not in theirs:
                r.fail(f"struct {s}: defined by our bpf.h, not by {label}")
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clang", default="clang")
    ap.add_argument("--cc", default="gcc")
    ap.add_argument("--ours", required=True, help="our include directory")
    ap.add_argument("--upstream", default="/usr/include", help="include directory with upstream bpf/bpf.h")
    ap.add_argument("--expected", required=True, help="layouts.tsv")
    ap.add_argument("--target", default="v1.7.0", help="the release ours must match exactly")
    ap.add_argument("--run-with", default="", help="runs a target program (a cross build's qemu-user)")
    ap.add_argument("--data-model", default="LP64", choices=["LP64", "ILP32"],
                    help="the target's; the recorded releases are LP64 layouts")
    args = ap.parse_args()

    r = Report("layouts")
    cc = compiler(args.cc)
    run_with = args.run_with.split()
    ours = measure(args.clang, cc, args.ours, run_with)
    upstream = measure(args.clang, cc, args.upstream, run_with)
    n = compare(r, ours, upstream, f"{args.upstream}/bpf/bpf.h", exact=False)
    r.note(f"{len(upstream)} structs, {n} members compared with {args.upstream}/bpf/bpf.h")

    if args.data_model != "LP64":
        # The recorded releases were measured on x86_64; on ILP32 the
        # installed upstream header, built for the target, is the reference.
        r.note(f"recorded releases not compared: they are LP64 layouts, the target is {args.data_model}")
        return r.finish("struct layouts")
    releases = {}
    for rel, *row in rows(args.expected):
        releases.setdefault(rel, []).append(row)
    if args.target not in releases:
        r.fail(f"no recorded layout for the target release {args.target}")
    for rel, recorded in releases.items():
        n = compare(r, ours, parse(recorded), f"libbpf {rel}", exact=rel == args.target)
        r.note(f"{rel}: {len(parse(recorded))} structs, {n} members compared")
    return r.finish("struct layouts")


if __name__ == "__main__":
    sys.exit(main())
