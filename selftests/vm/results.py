#!/usr/bin/env python3
"""Writes the kernel matrix document: the selftests run on the host kernel now,
beside the results the kernel-<series> suites wrote at their last run.

usage: results.py --output FILE [--results RESULTS.json]... SELFTEST...
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from selftest_output import Result, Stored  # noqa: E402
from summary import summary_text  # noqa: E402
from run_on_kernel import area_name, test_names  # noqa: E402

HEADER = """# Selftests per kernel

Every selftest binary (but `threads`, which soft-locked a TCG guest once) on
the host kernel and on Debian's cloud kernels booted in QEMU (TCG, no KVM,
2 vCPUs, 1 GiB): `meson test -C build --suite kernel-5.10` (`kernel-6.1`,
`kernel-6.12`, `kernel-7.2`) runs one VM and fails when a selftest fails in it;
it skips (exit 77) with the reason when qemu, busybox or cpio is missing or no
kernel of the series can be had. `meson compile -C build kernel-results` runs
the host column and writes this file from the suites' last results.

Each series takes the newest `linux-image-<release>-cloud-amd64` of its Debian
suite (`selftests/vm/kernel_series.py`: bullseye, bookworm, trixie, sid; in
7.x `linux-binary-*` and `linux-modules-*`), through apt with a private
configuration whose archive is read from the machine's own apt sources. The
.deb files are cached in `${XDG_CACHE_HOME:-~/.cache}/sysbpf/kernels/`, each
checked against the SHA256 and size of apt's package index. The initramfs
holds busybox, the selftest binaries (from any build directory, given on the
command line) and their libraries without debug info, and veth, dummy,
sch_ingress, cls_bpf and act_bpf with their dependencies.

A skip is never counted as a pass; the reasons are listed per kernel below.

"""


def run_on_host(binary, names, timeout=300):
    try:
        r = subprocess.run([binary], capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
        out, rc = r.stdout + r.stderr, r.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode(errors="replace"), f"killed after {timeout} s"
    return Result(area_name(binary), out, rc, names)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--output", required=True)
    ap.add_argument("--results", action="append", default=[])
    ap.add_argument("selftests", nargs="+")
    args = ap.parse_args()
    binaries = args.selftests
    kernels = []
    host = f"host {platform.release()}"
    if os.geteuid() == 0:
        kernels.append((host, {area_name(b): run_on_host(b, test_names(b)) for b in binaries}))
    else:
        kernels.append((host, "not root, and the selftests need CAP_BPF"))
    for path in args.results:
        series = os.path.basename(path)[len("results-"):-len(".json")]
        if not os.path.exists(path):
            kernels.append((f"Debian {series} (VM)", "its suite has not run in this build"))
            continue
        with open(path) as f:
            d = json.load(f)
        label = d["label"] + (f" – {d['problem']}" if d.get("problem") else "")
        kernels.append((label, {a: Stored(a, r) for a, r in d["results"].items()}))
    text = HEADER + f"Measured {datetime.date.today().isoformat()}.\n" + summary_text(kernels)
    with open(args.output, "w") as f:
        f.write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
