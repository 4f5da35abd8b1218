#!/usr/bin/env python3
"""The oracle on Debian's kernel of one series, in a QEMU VM: one boot runs
both drivers (the host run's binaries) privileged, as nobody and through a
BPF token, then the broken candidates that only this kernel can show; the
records come back gzipped and base64-encoded on the VM's results port and are
compared here with the host run's compare.py and deliberate list.

usage: oracle_on_kernel.py --series 5.10 <run_oracle.py's arguments>
Exit 77 when the kernel or the VM tools cannot be had, or libbpf 1.7.0.
The VM machinery is selftests/vm's (kernel_package, initramfs, run_on_kernel).
"""
import argparse
import base64
import gzip
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "selftests", "vm"))
import compare  # noqa: E402
import drivers  # noqa: E402
import initramfs  # noqa: E402
import kernel_package  # noqa: E402
import run_on_kernel  # noqa: E402
import run_oracle  # noqa: E402
from kernel_series import SERIES  # noqa: E402

MODES = ("privileged", "unprivileged", "token")
# The injected cases are the host run's: their answers are the tracer's, not
# the kernel's.
DRIVER_ARG = {"privileged": " uninjected", "unprivileged": " unprivileged", "token": " token"}

# Broken candidates only an old kernel shows: (name, kernels, lib source,
# text, replacement, mode, a case the break must show in). The host run's
# candidates are not run again here.
OLD_KERNEL_MUTANTS = [
    ("retry removed: RLIMIT_MEMLOCK raise after EPERM", "< 5.11", "features.cpp",
     "    if (m == Memcg::Charged)\n        return false;",
     "    if (m == Memcg::Charged || true)\n        return false;",
     "privileged", "map_create above 64 KiB memlock"),
]


def command(name, exe, mode):
    """The VM's shell command for one driver run: its own cgroup, the record
    stream gzipped and base64-encoded, the driver's exit code kept."""
    cg = f"/sys/fs/cgroup/{name}"
    arg = DRIVER_ARG[mode]
    return (f"mkdir {cg} || exit 125; s=$(date +%s); /selftests/{exe} {cg}{arg} >/run/{name}.out; rc=$?; "
            f"echo \"oracle-vm: {name}: $(($(date +%s) - s)) s\" >&2; "
            f"rmdir {cg}; gzip -1 -c /run/{name}.out | base64; rm -f /run/{name}.out; exit $rc")


def records(outputs, errors, rcs, name):
    """A run's record stream, decoded; driver_output's exceptions."""
    if name not in rcs:
        raise RuntimeError(f"{name}: {'still running' if name in outputs else 'never started'} "
                           "when the VM stopped")
    try:
        text = gzip.decompress(base64.b64decode(outputs[name])).decode()
    except (ValueError, OSError, EOFError) as e:
        raise RuntimeError(f"{name}: its records do not decode ({e}): {errors.get(name, '')[-500:]}")
    return run_oracle.driver_output(name, rcs[name], text, errors.get(name, ""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--series", required=True, choices=sorted(SERIES))
    ap.add_argument("--cache", default=kernel_package.default_cache())
    run_oracle.add_arguments(ap)
    args = ap.parse_args()
    started = time.monotonic()
    series = SERIES[args.series]
    vm_timeout = int(os.environ.get("SYSBPF_VM_TIMEOUT", "600"))
    work = os.path.join(args.work, "vm-" + series.name)
    os.makedirs(work, exist_ok=True)

    tool = run_on_kernel.missing_tool()
    if tool:
        return run_oracle.skip(f"{tool} is not installed (bash .ci/install-deps installs it)")
    built, entries = run_oracle.prepare(args)
    if built is None:
        return entries
    try:
        kernel = kernel_package.get_kernel(series, args.cache, work)
    except kernel_package.Unavailable as e:
        return run_oracle.skip(f"kernel {series.name}: {e}")
    print(f"{series.name} kernel: {kernel.release} from {', '.join(kernel.packages)}")

    binaries = {"oracle-driver-libbpf": built.libbpf, "oracle-driver-sysbpf": built.sysbpf}
    commands = [(f"{lib}-{mode}", command(f"{lib}-{mode}", f"oracle-driver-{lib}", mode))
                for mode in MODES for lib in ("libbpf", "sysbpf")]
    mutants = [m for m in OLD_KERNEL_MUTANTS if compare.kernel_in(kernel.release, m[1])]
    build_failed = 0
    for i, (name, _, rel, text, repl, mode, _) in enumerate(mutants):
        exe = os.path.join(work, f"oracle-driver-broken{i}")
        problem = drivers.build_broken(built, args.cxx.split(), args.sysbpf_lib, args.lib_src,
                                       args.compile_commands, rel, text, repl, exe)
        if problem:
            print(f"FAIL: broken candidate '{name}': {problem}")
            build_failed += 1
            continue
        binaries[f"oracle-driver-broken{i}"] = exe
        commands.append((f"broken{i}", command(f"broken{i}", f"oracle-driver-broken{i}", mode)))
    image = initramfs.build(work, kernel, binaries, vm_timeout, commands=commands)
    print(f"initramfs: {os.path.getsize(image) / 1e6:.1f} MB; booting ({time.monotonic() - started:.0f} s so far)")
    booted = time.monotonic()
    text, console, problem = run_on_kernel.run_vm(kernel, image, work, vm_timeout, smp=1)
    print(f"VM run: {time.monotonic() - booted:.0f} s")
    release, outputs, errors, rcs = run_on_kernel.parse_sections(text)
    for name in rcs:
        print("".join(l + "\n" for l in errors.get(name, "").splitlines() if l.startswith("oracle-vm: ")), end="")
    if problem is None and "@@SYSBPF-VM END@@" not in text:
        problem = "the VM stopped before its last run ended"
    if problem is None and not (release or "").startswith(series.name + "."):
        problem = f"the VM ran kernel {release!r}, not {series.name}"
    if problem:
        print(f"FAIL: VM problem: {problem}\nlast console lines:")
        print("".join(f"  | {line}\n" for line in console.splitlines()[-40:]), end="")
        print("0 passed, 1 failed, 0 skipped")
        return 1

    recs, skipped, failed = {}, 0, build_failed
    for mode in MODES:
        try:
            lib_out = records(outputs, errors, rcs, f"libbpf-{mode}")
            ours_out = records(outputs, errors, rcs, f"sysbpf-{mode}")
        except run_oracle.SetupRefused as e:
            print(f"SKIP: {mode} run on {release}: {e}")
            skipped += 1
            continue
        except RuntimeError as e:
            print(f"FAIL: {mode} run on {release}: {e}")
            failed += 1
            continue
        for lib, out in (("libbpf", lib_out), ("sysbpf", ours_out)):
            with open(os.path.join(work, f"records-{mode}-{lib}.txt"), "w") as f:
                f.write(out)
        recs[mode] = (lib_out, ours_out)
    print(f"on {release}:")
    counts, checked, checks_failed = run_oracle.report(recs, entries, release)
    failed += checks_failed

    for i, (name, _, _, _, _, mode, must_case) in enumerate(mutants):
        if f"oracle-driver-broken{i}" not in binaries:
            continue
        try:
            broken = records(outputs, errors, rcs, f"broken{i}")
        except (RuntimeError, run_oracle.SetupRefused) as e:
            print(f"FAIL: broken candidate '{name}': {e}")
            failed += 1
            continue
        if mode not in recs:
            print(f"FAIL: broken candidate '{name}': no libbpf records of the {mode} run")
            failed += 1
            continue
        failed += not run_oracle.check_broken(name, recs[mode][0], broken, must_case, entries, release)
    print(f"oracle on {series.name} wall time: {time.monotonic() - started:.0f} s")
    passed = counts["identical"] + counts["deliberate"] + checked + len(mutants) - failed
    print(f"{max(passed, 0)} passed, {counts['unexplained'] + failed} failed, {skipped} skipped")
    return 1 if counts["unexplained"] or failed else 0


if __name__ == "__main__":
    sys.exit(main())
