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
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import drivers  # noqa: E402
import libbpf_source  # noqa: E402

SKIP = 77


def skip(reason):
    print(f"SKIP: {reason}")
    print("0 passed, 0 failed, 1 skipped")
    return SKIP
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


def cgroup2_root():
    with open("/proc/self/mounts") as f:
        for line in f:
            parts = line.split()
            if parts[2] == "cgroup2":
                return parts[1]
    return None


class SetupRefused(Exception):
    """The host refused what a run needs (exit 3); the record says why."""


def driver_output(what, rc, out, err):
    """A driver run's record stream; SetupRefused when it says the set-up was
    refused, RuntimeError when it failed otherwise."""
    if rc == 1 and "traced child ended with 3" in err:
        why = [l.strip() for l in out.splitlines() if "set-up refused" in l]
        raise SetupRefused(why[-1] if why else err.strip())
    if rc != 0:
        failed = [l.strip() for l in out.splitlines() if "set-up failed" in l]
        raise RuntimeError(f"{what} exited {rc}:\n{''.join(l + chr(10) for l in failed)}{err[-2000:]}")
    return out


def run_driver(exe, args=()):
    """The driver's record stream; each run gets a cgroup of its own."""
    root = cgroup2_root()
    cg = os.path.join(root, f"sysbpf-oracle-{os.getpid()}-{os.path.basename(exe)}")
    os.mkdir(cg)
    try:
        r = drivers.run([exe, cg, *args], timeout=600)
    finally:
        os.rmdir(cg)
    return driver_output(f"{exe} {' '.join(args)}", r.returncode, r.stdout, r.stderr)


def summary(label, counts):
    total = sum(counts.values())
    return (f"{label}{total} cases: {counts['identical']} identical, {counts['deliberate']} deliberate, "
            f"{counts['unexplained']} unexplained")


def compare_runs(lib_out, ours_out, entries, release):
    counts, details = compare.compare(lib_out, ours_out, entries, release)
    if counts is None:
        counts = {"identical": 0, "deliberate": 0, "unexplained": 1}
    return counts, details


def add_arguments(ap):
    ap.add_argument("--work", required=True, help="a directory in the build tree")
    ap.add_argument("--cxx", required=True)
    ap.add_argument("--sysbpf-lib", required=True, help="libsysbpf.a")
    ap.add_argument("--sysbpf-include", required=True)
    ap.add_argument("--lib-src", required=True, help="the library's lib/ directory")
    ap.add_argument("--compile-commands", required=True)
    ap.add_argument("--deliberate", required=True, help="abi/deliberate-differences.tsv")


def prepare(args):
    """(drivers.Drivers, deliberate entries) or (None, exit code) after
    printing why (skip: libbpf cannot be had; failure: it is not the one
    recorded, or a rule has no entry)."""
    try:
        built = drivers.build(args.work, args.cxx.split(), args.sysbpf_lib, args.sysbpf_include)
    except libbpf_source.Unavailable as e:
        return None, skip(f"libbpf {libbpf_source.VERSION} cannot be had: {e}")
    except libbpf_source.Mismatch as e:
        print(f"FAIL: {e}")
        print("0 passed, 1 failed, 0 skipped")
        return None, 1
    print(f"libbpf {libbpf_source.VERSION} (orig tarball sha256 {libbpf_source.ORIG_SHA256}); "
          f"drivers {built.libbpf}, {built.sysbpf}")
    entries = compare.read_entries(args.deliberate)
    unknown = [i for i in compare.RULES if i not in entries]
    if unknown:
        print(f"FAIL: rules without an entry in {args.deliberate}: {unknown}")
        print("0 passed, 1 failed, 0 skipped")
        return None, 1
    return built, entries


def report(records, entries, kernel):
    """Compares each mode's records and prints the counts. Returns (counts
    summed over the modes, entries checked, checks failed): every entry that
    applies to this kernel (its `kernels` column) must be needed, that is,
    without it some case is unexplained."""
    results = {mode: compare_runs(lib, ours, entries, kernel) for mode, (lib, ours) in records.items()}
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
    failed, checked = 0, 0
    if counts["identical"] + counts["deliberate"] < 1000:
        print("FAIL: fewer than 1000 cases compared")
        failed += 1
    for rid, scope in entries.items():
        if not compare.kernel_in(kernel, scope):
            print(f"entry '{rid}' applies to kernels {scope}, not {kernel}: not checked")
            continue
        without = {e: s for e, s in entries.items() if e != rid}
        n = sum(compare_runs(a, b, without, kernel)[0]["unexplained"] for a, b in records.values())
        print(f"without entry '{rid}': {n} unexplained cases")
        checked += 1
        if n == 0:
            print(f"FAIL: entry '{rid}' explains no case on {kernel}")
            failed += 1
    return counts, checked, failed


def check_broken(name, lib_out, broken_out, must_case, entries, kernel):
    """Whether the broken candidate's records leave unexplained cases, among
    them must_case; prints the verdict."""
    counts, details = compare_runs(lib_out, broken_out, entries, kernel)
    bad = [d[0] for d in details if d[1] == "unexplained"]
    caught = must_case in bad
    print(f"broken candidate '{name}': {counts['unexplained']} unexplained cases"
          f"{', including ' + repr(must_case) if caught else ''} -> {'reported' if caught else 'MISSED'}")
    if not caught:
        print(f"    unexplained: {bad[:8]}")
    return caught


def main():
    ap = argparse.ArgumentParser()
    add_arguments(ap)
    ap.add_argument("--no-mutants", action="store_true")
    args = ap.parse_args()
    started = time.monotonic()

    if os.geteuid() != 0:
        return skip("the oracle traces bpf() calls that need root (CAP_BPF, CAP_SYS_ADMIN); not root")
    if not cgroup2_root():
        return skip("no cgroup2 mount in /proc/self/mounts (the attach cases need one)")
    built, entries = prepare(args)
    if built is None:
        return entries

    records = {}
    skipped = 0
    for mode in ("privileged", "unprivileged", "token"):
        extra = [] if mode == "privileged" else [mode]
        try:
            lib_out = run_driver(built.libbpf, extra)
            ours_out = run_driver(built.sysbpf, extra)
        except SetupRefused as e:
            # Tokens need Linux 6.9 and user namespaces; the rest still counts.
            print(f"SKIP: {mode} run: {e}")
            skipped += 1
            continue
        for lib, out in (("libbpf", lib_out), ("sysbpf", ours_out)):
            with open(os.path.join(args.work, f"records-{mode}-{lib}.txt"), "w") as f:
                f.write(out)
        records[mode] = (lib_out, ours_out)
    counts, checked, checks_failed = report(records, entries, os.uname().release)

    if not args.no_mutants:
        checks_failed += check_mutants(args, built, records["privileged"][0], entries)
    token_checks = 0
    if "token" in records:
        token_checks = 1
        checks_failed += not check_token_failure_needs_evidence(built.sysbpf, args.work)
    print(f"oracle wall time: {time.monotonic() - started:.0f} s")
    # The closing line every test binary prints (.ci/summarize adds them up):
    # cases compared, plus the broken-candidate and list checks.
    passed = counts["identical"] + counts["deliberate"] + checked + len(MUTANTS) + token_checks - checks_failed
    print(f"{passed} passed, {counts['unexplained'] + checks_failed} failed, {skipped} skipped")
    return 1 if counts["unexplained"] or checks_failed else 0


def check_token_failure_needs_evidence(exe, work):
    """Companion of the token run's skip: a set-up refused on a kernel that
    has tokens, with no host policy to name, fails the run. A chroot makes it
    so here: the kernel refuses a user namespace to a chrooted process."""
    root = tempfile.mkdtemp(prefix="chroot-", dir=work)
    cg = os.path.join(cgroup2_root(), f"sysbpf-oracle-{os.getpid()}-chroot")
    script = ('mount --make-rprivate / && mount --bind "$1" "$1" && mkdir -p "$1/proc" "$1/sys" "$1/tmp" && '
              'mount --rbind /proc "$1/proc" && mount --rbind /sys "$1/sys" && '
              'exec chroot "$1" /oracle-driver "$2" token')
    try:
        shutil.copy(exe, os.path.join(root, "oracle-driver"))
        os.mkdir(cg)
        r = drivers.run(["unshare", "-m", "sh", "-c", script, "sh", root, cg], timeout=120)
        driver_output("the token run in a chroot", r.returncode, r.stdout, r.stderr)
        print("FAIL: the token run in a chroot ran; the companion proves nothing")
        return False
    except SetupRefused as e:
        print(f"FAIL: the token run in a chroot was taken for the kernel's refusal: {e}")
        return False
    except RuntimeError as e:
        if "token set-up failed: unshare(CLONE_NEWUSER)" not in str(e):
            print(f"FAIL: the token run in a chroot failed otherwise: {e}")
            return False
        print("token run in a chroot (user namespace refused, no evidence why): reported as failed")
        return True
    finally:
        if os.path.isdir(cg):
            os.rmdir(cg)
        shutil.rmtree(root, ignore_errors=True)


def check_mutants(args, built, lib_out, entries):
    """Each broken candidate must leave unexplained differences, among them
    the case named for it. Returns how many did not."""
    missed = 0
    for name, rel, text, repl, must_case in MUTANTS:
        exe = os.path.join(args.work, "oracle-driver-broken")
        problem = drivers.build_broken(built, args.cxx.split(), args.sysbpf_lib, args.lib_src,
                                       args.compile_commands, rel, text, repl, exe)
        if problem:
            print(f"FAIL: broken candidate '{name}': {problem}")
            missed += 1
            continue
        try:
            caught = check_broken(name, lib_out, run_driver(exe), must_case, entries, os.uname().release)
        finally:
            os.remove(exe)
        missed += not caught
    return missed


if __name__ == "__main__":
    sys.exit(main())
