#!/usr/bin/env python3
"""Runs the benchmark and prints the results as markdown: wall time (ns/op,
interleaved, best of rounds), user-space instructions per call (callgrind),
and cold start (bpf() calls counted by strace, and time).

usage: run_bench.py BENCH_EXE [--results selftests/RESULTS.md]
With --results, replaces the section between the bench markers in that file.
"""
import datetime
import os
import platform
import re
import subprocess
import sys
import tempfile

IMPLS = ["raw", "libbpf", "sysbpf"]
# Calls per callgrind run: enough to make per-call counts exact.
CALLGRIND_N = {"map_walk_65536": 1, "prog_load_50k": 2, "prog_load_small": 50,
               "map_lookup_batch_1000": 50, "map_update_batch_1000": 50}


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def instructions(bench, op, impl):
    n = CALLGRIND_N.get(op, 1000)
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        run(["valgrind", "--tool=callgrind", "--instr-atstart=no",
             "--callgrind-out-file=" + out, bench, "--callgrind", op, impl, str(n)])
        total = 0
        for name in os.listdir(d):
            with open(os.path.join(d, name)) as f:
                text = f.read()
            if "desc: Trigger: Client Request: " + op not in text:
                continue
            m = re.search(r"^totals: (\d+)", text, re.M)
            total = int(m.group(1)) if m else 0
        return total / n


def cold_start(bench, impl):
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "strace")
        out = run(["strace", "-f", "-qq", "-e", "trace=bpf", "-o", log, bench, "--cold", impl])
        with open(log) as f:
            calls = [l for l in f if "bpf(" in l]
        first_create = next(i for i, l in enumerate(calls) if "BPF_MAP_CREATE" in l and "cold_map" in l)
    times = dict(kv.split("=") for kv in out.split()[1:])
    return first_create + 1, len(calls), times


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    libbpf = run(["dpkg-query", "-W", "-f=${Version}", "libbpf1"]).strip()
    return (f"{datetime.date.today()}, Linux {platform.release()}, {cpu}, {os.cpu_count()} CPUs, "
            f"libbpf {libbpf}")


def main():
    bench = sys.argv[1]
    results = sys.argv[sys.argv.index("--results") + 1] if "--results" in sys.argv else None
    if results:
        splice(results, None)  # fail before measuring when the section is missing
    ops = run([bench, "--ops"]).split()
    lines = [f"Measured {machine()}.", "", "Wall time, interleaved in one process, best of 7 rounds "
             "(noise: median over best round, worst of the three):", ""]
    lines += run([bench]).strip().splitlines()
    lines += ["", "User-space instructions per call (callgrind; the kernel's work is not counted):", "",
              "| operation | raw | libbpf | sysbpf | sysbpf/libbpf | sysbpf/raw |", "|---|---:|---:|---:|---:|---:|"]
    for op in ops:
        ir = {i: instructions(bench, op, i) for i in IMPLS}
        lines.append(f"| {op} | {ir['raw']:.0f} | {ir['libbpf']:.0f} | {ir['sysbpf']:.0f} | "
                     f"{ir['sysbpf'] / ir['libbpf']:.3f} | {ir['sysbpf'] / ir['raw']:.3f} |")
    lines += ["", "Cold start, fresh process: one named map, then one named program:", "",
              "| implementation | bpf() calls up to the map | bpf() calls in all | map_create µs | prog_load µs |",
              "|---|---:|---:|---:|---:|"]
    for impl in ["libbpf", "sysbpf"]:
        first, total, t = cold_start(bench, impl)
        lines.append(f"| {impl} | {first} | {total} | {t['map_create_us']} | {t['prog_load_us']} |")
    text = "\n".join(lines)
    print(text)
    if results:
        splice(results, text)


def splice(path, text):
    """Replaces what lies between the bench markers in the file at path (with
    text None, only checks that they are there)."""
    with open(path) as f:
        doc = f.read()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    section = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if not section.search(doc):
        sys.exit(f"{path}: no {start} ... {end} section to replace")
    if text is None:
        return
    with open(path, "w") as f:
        f.write(section.sub(lambda _: start + "\n" + text + "\n" + end, doc))


if __name__ == "__main__":
    main()
