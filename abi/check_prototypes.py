#!/usr/bin/env python3
"""Prototype check: every function our bpf.h declares has the type libbpf
v1.7.0 declares (recorded in abi/expected/prototypes.tsv) and the type the
installed upstream <bpf/bpf.h> (Debian's libbpf-dev) declares, in C and in C++,
except where the installed header has an older release's type that libbpf
itself changed since (abi/expected/prototype-history.tsv).

clang lists what each header declares. The types are then checked by the
compiler: a translation unit that includes our header asserts, per function,
  C:   __builtin_types_compatible_p(__typeof__(fn), <expected type>)
  C++: std::is_same<decltype(fn), <expected type>>   (exact, no enum/int slack)
"""
import argparse
import re
import sys

from abilib import Report, bpf_h_decls, compiler, rows, run, tmpdir

LANGS = {
    "C": ("c", "-std=gnu11", "_Static_assert(__builtin_types_compatible_p(__typeof__({fn}), {ty}), \"{msg}\");"),
    "C++": ("cc", "-std=gnu++17", "static_assert(std::is_same<decltype({fn}), {ty}>::value, \"{msg}\");"),
}


def check_types(r, cc, ours, lang, claims):
    """claims: [(function, source, type)]; compiles the assertions against ours."""
    ext, std, assertion = LANGS[lang]
    lines = ["#include <bpf/bpf.h>", "#include <type_traits>" if lang == "C++" else ""]
    where = {}
    for fn, source, ty in claims:
        msg = f"{fn} ({lang}): type differs from {source}, which declares {ty}"
        lines.append(assertion.format(fn=fn, ty=ty, msg=msg))
        where[len(lines)] = msg
    with tmpdir() as d:
        src = f"{d}/prototypes.{ext}"
        with open(src, "w") as f:
            f.write("\n".join(lines) + "\n")
        out = run([*cc, std, "-fsyntax-only", "-fmax-errors=0", "-I", ours, src])
    for line in out.stderr.splitlines():
        m = re.match(rf"{re.escape(src)}:(\d+):\d+: error: (.*)", line)
        if m:
            msg = where.get(int(m.group(1)), "")
            if "static assertion failed" in m.group(2):
                r.fail(msg)
            else:
                r.fail(f"{msg or 'prototype check'}: {m.group(2)}")
    if out.returncode and not r.failures:
        r.fail(f"compiling the {lang} assertions failed:\n{out.stderr}")
    return len(claims)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clang", default="clang")
    ap.add_argument("--cc", default="gcc")
    ap.add_argument("--cxx", default="g++")
    ap.add_argument("--ours", required=True, help="our include directory")
    ap.add_argument("--upstream", default="/usr/include", help="include directory with upstream bpf/bpf.h")
    ap.add_argument("--expected", required=True, help="prototypes.tsv: name, language, type")
    ap.add_argument("--history", required=True,
                    help="prototype-history.tsv: older upstream types that v1.7.0 changed on purpose")
    args = ap.parse_args()

    r = Report("prototypes")
    recorded = {}
    for name, lang, ty in rows(args.expected):
        recorded.setdefault(lang, {})[name] = ty
    changed = {(name, lang, ty): rels for name, lang, ty, rels in rows(args.history)}
    checked = 0
    for lang in LANGS:
        ours, _ = bpf_h_decls(args.clang, args.ours, lang)
        upstream, _ = bpf_h_decls(args.clang, args.upstream, lang)
        expected = recorded[lang]
        for fn in expected:
            if fn not in ours:
                r.fail(f"{fn} ({lang}): declared by libbpf v1.7.0, not by our bpf.h")
        for fn in ours:
            if fn not in expected:
                r.fail(f"{fn} ({lang}): declared by our bpf.h, not by libbpf v1.7.0")
        for fn in upstream:
            if fn not in ours:
                r.fail(f"{fn} ({lang}): declared by {args.upstream}/bpf/bpf.h, not by our bpf.h")
        claims = [(fn, "libbpf v1.7.0", ty) for fn, ty in expected.items() if fn in ours]
        for fn, ty in upstream.items():
            if (fn, lang, ty) in changed:
                r.note(f"{fn} ({lang}): {args.upstream}/bpf/bpf.h declares the {changed[fn, lang, ty]} type {ty}; "
                       "libbpf changed it since, ours follows v1.7.0")
            elif fn in ours:
                claims.append((fn, f"{args.upstream}/bpf/bpf.h", ty))
        cc = compiler(args.cc if lang == "C" else args.cxx)
        checked += check_types(r, cc, args.ours, lang, claims)
        r.note(f"{lang}: {len(ours)} functions declared; {len(upstream)} in {args.upstream}/bpf/bpf.h")
    r.note(f"{checked} function types asserted by the compiler")
    return r.finish("prototypes")


if __name__ == "__main__":
    sys.exit(main())
