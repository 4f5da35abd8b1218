#!/usr/bin/env python3
"""Runs selftest binaries on Debian's cloud kernel of one series
(kernel_series.py) in a QEMU VM (TCG, no KVM needed), prints the summary and
writes it to RESULTS (JSON, for results.py), and exits 1 when a selftest fails
in the VM, 77 (skip) when the VM cannot be run.

usage: run_on_kernel.py --series 6.1 [--cache DIR] --work DIR [--results FILE]
                        [--helper BINARY]... SELFTEST...
The binaries may come from any build directory (a helper is a binary some
selftest starts by its absolute build path: the VM has it at the same path).
Environment: SYSBPF_VM_KERNEL_PKG (see kernel_package.py), SYSBPF_VM_TIMEOUT
(seconds for the whole VM run, default 240), SYSBPF_VM_TEST_TIMEOUT (seconds
per binary, default 120).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import initramfs  # noqa: E402
import kernel_package  # noqa: E402
from kernel_series import SERIES  # noqa: E402
from selftest_output import Result, describe_rc  # noqa: E402
from summary import print_summary  # noqa: E402

SKIP = 77
MARKER = re.compile(r"^@@SYSBPF-VM (\S+)(?: (.*))?@@$")


def skip(series, reason):
    print(f"kernel-{series}: skipped: {reason}")
    sys.exit(SKIP)


def area_name(binary):
    name = os.path.basename(binary)
    return name[len("selftest-"):] if name.startswith("selftest-") else name


def test_names(binary, run_with=()):
    out = subprocess.run([*run_with, binary, "--list-test-names-only"], capture_output=True,
                         text=True, timeout=60).stdout
    return [n for n in out.splitlines() if n.strip() and not re.match(r"^\d+ passed, ", n)]


def missing_tool():
    """The first tool a VM run needs that is not installed, or None."""
    for tool in ["qemu-system-x86_64", "busybox", "cpio", "gzip", "ldd", "strip", "dpkg-deb"]:
        if not shutil.which(tool, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin"):
            return tool
    return None


def run_vm(kernel, image, work, timeout, smp=2):
    """Boots the VM; returns (results port text, console text, what went wrong or None).
    smp=1 for work that switches between processes all the time (a ptrace
    tracer and its child): under TCG each wake-up on another vCPU waits for
    the host to schedule that vCPU's thread."""
    console = os.path.join(work, "console.log")
    report = os.path.join(work, "results.log")
    for f in (console, report):
        if os.path.exists(f):
            os.remove(f)
    cmd = ["nice", "-n", "10", "qemu-system-x86_64",
           "-accel", "tcg", "-cpu", "max", "-smp", str(smp), "-m", "1G",
           "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
           "-serial", "file:" + console, "-serial", "file:" + report,
           "-kernel", kernel.image, "-initrd", image,
           "-append", "console=ttyS0 panic=-1 quiet"]
    print("$ " + " ".join(cmd))
    qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    problem = None
    try:
        out, _ = qemu.communicate(timeout=timeout)
        if qemu.returncode != 0:
            problem = f"qemu exited with {qemu.returncode}: {out.strip()[-500:]}"
    except subprocess.TimeoutExpired:
        qemu.kill()
        qemu.communicate()
        problem = f"the VM ran out of its {timeout} s"

    def read(path):
        if not os.path.exists(path):
            return ""
        with open(path, errors="replace") as f:
            return f.read().replace("\r", "")

    return read(report), read(console), problem


def parse_sections(text):
    """The results port read back: (kernel release, {name: output},
    {name: stderr} of command entries, {name: exit code} of the entries that
    ended)."""
    release, outputs, errors, current, rcs = None, {}, {}, None, {}
    for line in text.splitlines(keepends=True):
        m = MARKER.match(line.rstrip("\n"))
        if not m:
            if current:
                current[1][current[0]] += line
            continue
        what, arg = m.group(1), m.group(2) or ""
        if what == "BEGIN":
            release = arg
        elif what == "TEST-BEGIN":
            current = (arg, outputs)
            outputs[arg] = ""
        elif what == "STDERR":
            current = (arg, errors)
            errors[arg] = ""
        elif what == "TEST-END":
            name, _, rc = arg.partition(" rc=")
            rcs[name] = int(rc)
            current = None
    return release, outputs, errors, rcs


def parse_report(text, binaries, names):
    """{area: Result} from the results port, and the VM's kernel release."""
    release, outputs, _, rcs = parse_sections(text)
    results = {}
    for area in binaries:
        if area in rcs:
            rc = rcs[area]
        elif area in outputs:
            rc = "still running when the VM stopped"
        else:
            rc = "never started: the VM stopped before"
        results[area] = Result(area, outputs.get(area, ""), rc, names[area])
    return results, release


def print_failed_outputs(label, results):
    for r in results.values():
        if not r.failed:
            continue
        print(f"\n--- {r.area} on {label} ({describe_rc(r.rc)}) ---")
        print("".join(f"  | {line}\n" for line in r.output.splitlines()), end="")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--series", required=True, choices=sorted(SERIES))
    ap.add_argument("--cache", default=kernel_package.default_cache())
    ap.add_argument("--work", required=True)
    ap.add_argument("--results")
    ap.add_argument("--helper", action="append", default=[])
    ap.add_argument("--run-with", default="",
                    help="selftests of another architecture: what runs them here (qemu-user), "
                         "to list their tests; they run only in the VM")
    ap.add_argument("--sysroot", help="with --run-with: where their libraries are")
    ap.add_argument("selftests", nargs="+")
    args = ap.parse_args()
    run_with = args.run_with.split()
    foreign = (run_with, args.sysroot) if run_with else None
    series = SERIES[args.series]
    vm_timeout = int(os.environ.get("SYSBPF_VM_TIMEOUT", "240"))
    test_timeout = int(os.environ.get("SYSBPF_VM_TEST_TIMEOUT", "120"))

    tool = missing_tool()
    if tool:
        skip(series.name, f"{tool} is not installed (bash .ci/install-deps installs it)")
    binaries = {area_name(b): os.path.abspath(b) for b in args.selftests}
    names = {area: test_names(b, run_with) for area, b in binaries.items()}
    os.makedirs(args.work, exist_ok=True)

    try:
        kernel = kernel_package.get_kernel(series, args.cache, args.work)
    except kernel_package.Unavailable as e:
        skip(series.name, str(e))
    print(f"{series.name} kernel: {kernel.release} from {', '.join(kernel.packages)}")
    image = initramfs.build(args.work, kernel, binaries, test_timeout, args.helper, foreign)
    print(f"initramfs: {os.path.getsize(image) / 1e6:.1f} MB")
    text, console, problem = run_vm(kernel, image, args.work, vm_timeout)
    vm_results, release = parse_report(text, binaries, names)
    if problem is None and "@@SYSBPF-VM END@@" not in text:
        problem = "the VM stopped before its last selftest ended"
    if problem is None and not (release or "").startswith(series.name + "."):
        problem = f"the VM ran kernel {release!r}, not {series.name}"

    vm_label = f"Debian {release or kernel.release} (VM)"
    print_failed_outputs(vm_label, vm_results)
    print_summary([(vm_label, vm_results)])
    print(f"\nlogs: {args.work}/results.log (selftests in the VM), {args.work}/console.log (VM console)")
    if args.results:
        with open(args.results, "w") as f:
            json.dump({"series": series.name, "label": vm_label, "problem": problem,
                       "results": {a: r.as_dict() for a, r in vm_results.items()}}, f, indent=1)
    failed = sum(r.failed for r in vm_results.values())
    if problem:
        print(f"\nVM problem: {problem}\nlast console lines:")
        print("".join(f"  | {line}\n" for line in console.splitlines()[-40:]), end="")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
