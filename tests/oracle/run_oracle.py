#!/usr/bin/env python3
"""The oracle suite: the same calls through libbpf 1.7.0 and through sysbpf,
compared on the wire (see README.md here).

1. libbpf 1.7.0 from Debian's source package (libbpf_source.py); without it
   the test is skipped (exit 77) with the reason.
2. The driver built twice, against each library's bpf.h, linked statically.
3. Both run under their own tracer; the record streams are compared case by
   case; a difference is accepted only as an entry of the deliberate list.
4. Broken candidates: sysbpf rebuilt with one change each (mutants below);
   the oracle must report every one.
"""
import argparse
import concurrent.futures
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import libbpf_source  # noqa: E402

SKIP = 77


def skip(reason):
    print(f"SKIP: {reason}")
    print("0 passed, 0 failed, 1 skipped")
    return SKIP
DRIVER_SOURCES = ["tracer.cpp", "driver.cpp", "cases_map.cpp", "cases_load.cpp", "cases_obj.cpp",
                  "cases_attach.cpp", "cases_link.cpp", "cases_ids.cpp", "cases_misc.cpp",
                  "cases_injected.cpp", "cases_unprivileged.cpp", "cases_token.cpp"]
CXXFLAGS = ["-std=gnu++20", "-O1", "-g0", "-Wall", "-Wextra", "-Werror", "-Wno-missing-field-initializers"]

# Broken candidates: (name, library source, text, replacement, a case the
# break must show in). Each text must occur exactly once.
MUTANTS = [
    ("field dropped: map_extra", "api/map_create.cpp",
     "    a.map_extra = SYSBPF_OPT(o, map_extra, 0);\n", "",
     "map_create opts sz72 fill=extra"),
    ("errno changed: negative attempts", "api/prog_load.cpp",
     "            if (attempts < 0)\n                return sys::c_return(-EINVAL);",
     "            if (attempts < 0)\n                return sys::c_return(-E2BIG);",
     "prog_load opts sz120 fill=neg_attempts"),
    ("retry removed: log_level 0 reload with a log", "api/prog_load.cpp",
     "    if (fd < 0 && log_level == 0 && log_buf) {",
     "    if (false && fd < 0 && log_level == 0 && log_buf) {",
     "prog_load log level=0 size=4096 buf=1 insns=noexit"),
    ("retry removed: EAGAIN", "api/prog_load.cpp",
     "    for (int left = attempts; fd == -EAGAIN && --left > 0;)",
     "    for (int left = attempts; false && fd == -EAGAIN && --left > 0;)",
     "injected prog_load_named -11 x2"),
]


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def compile_driver(cxx, includes, objdir, srcdir, pool):
    os.makedirs(objdir, exist_ok=True)
    jobs = []
    for src in DRIVER_SOURCES:
        obj = os.path.join(objdir, src + ".o")
        cmd = [*cxx, *CXXFLAGS, *[f"-I{i}" for i in includes], "-c", os.path.join(srcdir, src), "-o", obj]
        jobs.append((obj, pool.submit(run, cmd)))
    objs = []
    for obj, fut in jobs:
        r = fut.result()
        if r.returncode != 0:
            raise RuntimeError(f"compiling {obj}:\n{r.stderr[-3000:]}")
        objs.append(obj)
    return objs


def link(cxx, objs, libs, out):
    r = run([*cxx, "-static-pie", *objs, *libs, "-o", out])
    if r.returncode != 0:
        raise RuntimeError(f"linking {out}:\n{r.stderr[-3000:]}")


def cgroup2_root():
    with open("/proc/self/mounts") as f:
        for line in f:
            parts = line.split()
            if parts[2] == "cgroup2":
                return parts[1]
    return None


class SetupRefused(Exception):
    """The host refused what a run needs (exit 3); the record says why."""


def run_driver(exe, args=()):
    """The driver's record stream; each run gets a cgroup of its own."""
    root = cgroup2_root()
    cg = os.path.join(root, f"sysbpf-oracle-{os.getpid()}-{os.path.basename(exe)}")
    os.mkdir(cg)
    try:
        r = run([exe, cg, *args], timeout=600)
    finally:
        os.rmdir(cg)
    if r.returncode == 1 and "traced child ended with 3" in r.stderr:
        why = [l.strip() for l in r.stdout.splitlines() if "set-up refused" in l]
        raise SetupRefused(why[-1] if why else r.stderr.strip())
    if r.returncode != 0:
        raise RuntimeError(f"{exe} {' '.join(args)} exited {r.returncode}:\n{r.stderr[-2000:]}")
    return r.stdout


def summary(label, counts):
    total = sum(counts.values())
    return (f"{label}{total} cases: {counts['identical']} identical, {counts['deliberate']} deliberate, "
            f"{counts['unexplained']} unexplained")


def compare_runs(lib_out, ours_out, entries):
    counts, details = compare.compare(lib_out, ours_out, entries)
    if counts is None:
        counts = {"identical": 0, "deliberate": 0, "unexplained": 1}
    return counts, details


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True, help="a directory in the build tree")
    ap.add_argument("--cxx", required=True)
    ap.add_argument("--sysbpf-lib", required=True, help="libsysbpf.a")
    ap.add_argument("--sysbpf-include", required=True)
    ap.add_argument("--lib-src", required=True, help="the library's lib/ directory")
    ap.add_argument("--compile-commands", required=True)
    ap.add_argument("--deliberate", required=True, help="abi/deliberate-differences.tsv")
    ap.add_argument("--no-mutants", action="store_true")
    args = ap.parse_args()
    started = time.monotonic()
    cxx = args.cxx.split()
    srcdir = os.path.dirname(os.path.abspath(__file__))

    if os.geteuid() != 0:
        return skip("the oracle traces bpf() calls that need root (CAP_BPF, CAP_SYS_ADMIN); not root")
    if not cgroup2_root():
        return skip("no cgroup2 mount in /proc/self/mounts (the attach cases need one)")
    try:
        lib_includes, libbpf_a, libbpf_libs = libbpf_source.build(os.path.join(args.work, "libbpf"))
    except libbpf_source.Unavailable as e:
        return skip(f"libbpf {libbpf_source.VERSION} cannot be had: {e}")
    except libbpf_source.Mismatch as e:
        print(f"FAIL: {e}")
        print("0 passed, 1 failed, 0 skipped")
        return 1
    print(f"libbpf {libbpf_source.VERSION}: {libbpf_a} (orig tarball sha256 {libbpf_source.ORIG_SHA256})")

    entries = compare.read_entries(args.deliberate)
    unknown = [i for i in compare.RULES if i not in entries]
    if unknown:
        print(f"FAIL: rules without an entry in {args.deliberate}: {unknown}")
        return 1
    uapi = lib_includes[1]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        lib_objs = compile_driver(cxx, lib_includes, os.path.join(args.work, "obj-libbpf"), srcdir, pool)
        ours_objs = compile_driver(cxx, [args.sysbpf_include, uapi], os.path.join(args.work, "obj-sysbpf"),
                                   srcdir, pool)
    drv_lib = os.path.join(args.work, "oracle-driver-libbpf")
    drv_ours = os.path.join(args.work, "oracle-driver-sysbpf")
    link(cxx, lib_objs, [libbpf_a, *libbpf_libs], drv_lib)
    link(cxx, ours_objs, [args.sysbpf_lib], drv_ours)

    rc = 0
    checks_failed = 0
    results = {}
    records = {}
    skipped = 0
    for mode in ("privileged", "unprivileged", "token"):
        extra = [] if mode == "privileged" else [mode]
        try:
            lib_out = run_driver(drv_lib, extra)
            ours_out = run_driver(drv_ours, extra)
        except SetupRefused as e:
            # Tokens need Linux 6.9 and user namespaces; the rest still counts.
            print(f"SKIP: {mode} run: {e}")
            skipped += 1
            continue
        with open(os.path.join(args.work, f"records-{mode}-libbpf.txt"), "w") as f:
            f.write(lib_out)
        with open(os.path.join(args.work, f"records-{mode}-sysbpf.txt"), "w") as f:
            f.write(ours_out)
        results[mode] = compare_runs(lib_out, ours_out, entries)
        records[mode] = (lib_out, ours_out)
    counts = {k: sum(results[m][0][k] for m in results) for k in ("identical", "deliberate", "unexplained")}
    for mode, (c, details) in results.items():
        print(summary(f"  {mode}: ", c))
        used = {}
        for name, kind, info in details:
            if kind == "deliberate" and not name.startswith("setup:"):
                for rid in info:
                    used[rid] = used.get(rid, 0) + 1
            elif kind == "unexplained":
                print(f"UNEXPLAINED {mode}: {name}")
                for line in info:
                    print(f"    {line[:400]}")
        for rid, n in sorted(used.items()):
            print(f"    deliberate '{rid}': {n} cases")
    print(summary("", counts))
    if counts["unexplained"]:
        rc = 1
    if counts["identical"] + counts["deliberate"] < 1000:
        print("FAIL: fewer than 1000 cases compared")
        rc = 1

    # Every entry must be needed: without it, some case is unexplained.
    for rid in entries:
        without = [e for e in entries if e != rid]
        n = sum(compare_runs(a, b, without)[0]["unexplained"] for a, b in records.values())
        print(f"without entry '{rid}': {n} unexplained cases")
        if n == 0:
            print(f"FAIL: entry '{rid}' of {args.deliberate} explains no case")
            checks_failed += 1
            rc = 1

    if not args.no_mutants:
        lib_priv = open(os.path.join(args.work, "records-privileged-libbpf.txt")).read()
        missed = check_mutants(args, cxx, ours_objs, lib_priv, entries)
        checks_failed += missed
        rc |= 1 if missed else 0
    print(f"oracle wall time: {time.monotonic() - started:.0f} s")
    # The closing line every test binary prints (.ci/summarize adds them up):
    # cases compared, plus the broken-candidate and list checks.
    passed = counts["identical"] + counts["deliberate"] + len(entries) + len(MUTANTS) - checks_failed
    print(f"{passed} passed, {counts['unexplained'] + checks_failed} failed, {skipped} skipped")
    return rc


def check_mutants(args, cxx, ours_objs, lib_out, entries):
    """Each broken candidate must leave unexplained differences, among them
    the case named for it."""
    with open(args.compile_commands) as f:
        commands = json.load(f)
    missed = 0
    for name, rel, text, repl, must_case in MUTANTS:
        src = os.path.realpath(os.path.join(args.lib_src, rel))
        entry = next((c for c in commands
                      if os.path.realpath(os.path.join(c["directory"], c["file"])) == src), None)
        if entry is None:
            print(f"FAIL: broken candidate '{name}': no compile command for {src}")
            missed += 1
            continue
        code = open(src).read()
        if code.count(text) != 1:
            print(f"FAIL: broken candidate '{name}': the text to change occurs {code.count(text)} times in {rel}")
            missed += 1
            continue
        with tempfile.TemporaryDirectory(dir=args.work) as tmp:
            mutated = os.path.join(tmp, os.path.basename(src))
            with open(mutated, "w") as f:
                f.write(code.replace(text, repl))
            member = os.path.basename(entry["output"])
            obj = os.path.join(tmp, member)
            cmd = shlex.split(entry["command"])
            i = cmd.index("-o")
            cmd[i + 1] = obj
            cmd = [mutated if c == entry["file"] else c for c in cmd]
            # The copy's own includes resolve through -I../lib as before.
            cmd = [c for c in cmd if c not in ("-MD",)]
            for flag in ("-MQ", "-MF"):
                while flag in cmd:
                    j = cmd.index(flag)
                    del cmd[j:j + 2]
            r = run(cmd, cwd=entry["directory"])
            if r.returncode != 0:
                print(f"FAIL: broken candidate '{name}' does not compile:\n{r.stderr[-2000:]}")
                missed += 1
                continue
            archive = os.path.join(tmp, "libsysbpf-broken.a")
            shutil.copy(args.sysbpf_lib, archive)
            r = run(["ar", "r", archive, obj])
            if r.returncode != 0:
                print(f"FAIL: broken candidate '{name}': ar: {r.stderr}")
                missed += 1
                continue
            exe = os.path.join(tmp, "oracle-driver-broken")
            link(cxx, ours_objs, [archive], exe)
            counts, details = compare_runs(lib_out, run_driver(exe), entries)
        bad = [d[0] for d in details if d[1] == "unexplained"]
        caught = must_case in bad
        print(f"broken candidate '{name}': {counts['unexplained']} unexplained cases"
              f"{', including ' + repr(must_case) if caught else ''} -> {'reported' if caught else 'MISSED'}")
        if not caught:
            print(f"    unexplained: {bad[:8]}")
            missed += 1
    return missed


if __name__ == "__main__":
    sys.exit(main())
