#!/usr/bin/env python3
"""Shows that each ABI checker can fail: runs it against a deliberately wrong
expectation and requires a failing exit and a report naming the symbol,
function or field that was made wrong."""
import argparse
import os
import pathlib
import shutil
import sys

from abilib import run, tmpdir

HERE = pathlib.Path(__file__).parent


def mutate(src, dst, edits):
    """Copies an expectation file, applying (old line, new line or None) edits;
    every old line must exist, so a stale edit cannot pass unnoticed."""
    lines = pathlib.Path(src).read_text().splitlines()
    for old, new in edits:
        if old not in lines:
            sys.exit(f"mutation target not found in {src}: {old!r}")
        i = lines.index(old)
        lines[i:i + 1] = [] if new is None else [new]
    pathlib.Path(dst).write_text("\n".join(lines) + "\n")
    return dst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--readelf", default="readelf")
    ap.add_argument("--clang", default="clang")
    ap.add_argument("--cc", default="gcc")
    ap.add_argument("--cxx", default="g++")
    ap.add_argument("--lib", required=True)
    ap.add_argument("--ours", required=True)
    ap.add_argument("--client", required=True)
    ap.add_argument("--expected-dir", required=True)
    ap.add_argument("--historical", help="the abi-historical-callers binary")
    args = ap.parse_args()
    exp = pathlib.Path(args.expected_dir)
    failures = checks = 0

    def expect_failure(what, script, script_args, must_name, cmd=None, env=None):
        nonlocal failures, checks
        checks += 1
        out = run(cmd or [sys.executable, str(HERE / script), *script_args], env=env)
        text = out.stdout + out.stderr
        missing = [m for m in must_name if m not in text]
        if out.returncode in (0, 77) or missing:
            failures += 1
            print(f"NOT CAUGHT: {what}: exit {out.returncode}, report lacks {missing}\n{text}")
        else:
            print(f"caught: {what}: exit {out.returncode}, report names {must_name}")

    with tmpdir() as d:
        wrong = mutate(exp / "symbols.tsv", f"{d}/symbols.tsv", [
            ("bpf_map_create\tLIBBPF_0.6.0", "bpf_map_create\tLIBBPF_0.5.0"),
            ("bpf_map_freeze\tLIBBPF_0.0.3", None),
            ("bpf_prog_load\tLIBBPF_0.6.0", "bpf_prog_load\tLIBBPF_0.6.0\nbpf_not_exported\tLIBBPF_1.7.0"),
        ])
        common = ["--readelf", args.readelf, "--lib", args.lib, "--nodes", str(exp / "version-nodes.txt")]
        expect_failure("symbols: wrong node, unlisted export, absent function", "check_symbols.py",
                       [*common, "--expected", wrong, "--missing", "fail"],
                       ["bpf_map_create: exported as bpf_map_create@@LIBBPF_0.6.0, expected bpf_map_create@@LIBBPF_0.5.0",
                        "bpf_map_freeze: exported but not",
                        "bpf_not_exported: not exported"])
        expect_failure("symbols: NEEDED and SONAME", "check_symbols.py",
                       [*common, "--expected", str(exp / "symbols.tsv"), "--missing", "ignore",
                        "--needed", "libc.so.6,libelf.so.1", "--soname", "libbpf.so.1"],
                       ["NEEDED ['libc.so.6'", "expected ['libc.so.6', 'libelf.so.1']",
                        "SONAME ['libsysbpf.so.1'], expected libbpf.so.1"])

        create = "bpf_map_create\tC\tint (enum bpf_map_type, const char *, __u32, __u32, __u32, const struct bpf_map_create_opts *)"
        update = "bpf_map_update_elem\tC++\tint (int, const void *, const void *, __u64)"
        wrong = mutate(exp / "prototypes.tsv", f"{d}/prototypes.tsv", [
            (create, create.replace("const struct", "struct")),
            (update, update.replace("__u64", "unsigned long")),
            ("bpf_map_freeze\tC\tint (int)", None),
        ])
        expect_failure("prototypes: const dropped (C), same-size other type (C++), undeclared in v1.7.0",
                       "check_prototypes.py",
                       ["--clang", args.clang, "--cc", args.cc, "--cxx", args.cxx, "--ours", args.ours,
                        "--expected", wrong, "--history", str(exp / "prototype-history.tsv")],
                       ["bpf_map_create (C): type differs from libbpf v1.7.0",
                        "bpf_map_update_elem (C++): type differs from libbpf v1.7.0",
                        "bpf_map_freeze (C): declared by our bpf.h, not by libbpf v1.7.0"])

        wrong = mutate(exp / "layouts.tsv", f"{d}/layouts.tsv", [
            ("v1.0.0\tbpf_prog_load_opts\tfield\tlog_buf\t96\t8", "v1.0.0\tbpf_prog_load_opts\tfield\tlog_buf\t100\t8"),
            ("v1.4.0\tbpf_map_create_opts\tstruct\t-\t56\t8", "v1.4.0\tbpf_map_create_opts\tstruct\t-\t80\t8"),
            ("v1.7.0\tbpf_btf_load_opts\tfield\ttoken_fd\t32\t4", "v1.7.0\tbpf_btf_load_opts\tfield\ttoken_fd\t32\t8"),
            ("v1.7.0\tbpf_map_create_opts\tlast_field\texcl_prog_hash_size\t64\t4",
             "v1.7.0\tbpf_map_create_opts\tlast_field\texcl_prog_hash_size\t60\t4"),
            ("v1.7.0\tbpf_token_create_opts\tfield\tflags\t8\t4", None),
        ])
        expect_failure("layouts: moved field, shrunk struct, resized field, moved __last_field, extra member",
                       "check_layouts.py",
                       ["--clang", args.clang, "--cc", args.cc, "--ours", args.ours, "--expected", wrong],
                       ["bpf_prog_load_opts.log_buf: offset/size 96/8 in ours, 100/8 in libbpf v1.0.0",
                        "struct bpf_map_create_opts: sizeof 72 in ours, 80 in libbpf v1.4.0",
                        "bpf_btf_load_opts.token_fd: offset/size 32/4 in ours, 32/8 in libbpf v1.7.0",
                        "bpf_map_create_opts__last_field",
                        "bpf_token_create_opts.flags: member of ours, not of libbpf v1.7.0"])

        expect_failure("drop-in: calls not served by sysbpf", "check_dropin.py",
                       ["--readelf", args.readelf, "--client", args.client, "--preload", args.lib,
                        "--expected", str(exp / "symbols.tsv"), "--no-preload"],
                       ["bpf_map_create: bound to libbpf.so.1 [LIBBPF_0.6.0], expected libsysbpf.so.1"])

        if args.historical:
            # Older releases' sizes that were never shipped: a 1.0 caller
            # without the log fields of bpf_prog_load_opts, one without
            # replace_prog_fd in bpf_prog_attach_opts. The callers' outcomes
            # then differ from today's, and the check must say where.
            hist = pathlib.Path(d) / "historical"
            shutil.copytree(exp, hist)
            mutate(exp / "layouts.tsv", hist / "layouts.tsv", [
                ("v1.0.0\tbpf_prog_load_opts\tstruct\t-\t104\t8", "v1.0.0\tbpf_prog_load_opts\tstruct\t-\t88\t8"),
                ("v1.0.0\tbpf_prog_attach_opts\tstruct\t-\t16\t8", "v1.0.0\tbpf_prog_attach_opts\tstruct\t-\t12\t8"),
            ])
            expect_failure("historical callers: sizes whose callers lack fields today's use", None, [],
                           ["bpf_prog_load with today's sizeof 120", "opts sz 88 (libbpf v1.0.0",
                            "bpf_prog_attach_opts with today's sizeof 32", "opts sz 12 (libbpf v1.0.0"],
                           cmd=[args.historical, "abi: each older release's opts size behaves like today's"],
                           env={**os.environ, "SYSBPF_ABI_EXPECTED": str(hist)})
        else:
            print("historical callers: no --historical binary (built only with Catch2), not demonstrated")

    print(f"{failures} deliberate difference(s) not caught" if failures else "every checker caught its deliberate differences")
    print(f"{checks - failures} passed, {failures} failed, 0 skipped")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
