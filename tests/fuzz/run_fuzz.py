#!/usr/bin/env python3
"""Runs a libFuzzer target for a bounded time as a test: new inputs go to a
scratch directory (the seed corpus in the source tree is only read), crash
inputs to --artifacts. Prints the number of executions and the harness's
closing line. With --skip REASON, reports the test as skipped (exit 77)."""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--skip")
ap.add_argument("--seconds", type=int, default=60)
ap.add_argument("--artifacts")
ap.add_argument("fuzzer", nargs="?")
ap.add_argument("corpus", nargs="?")
a = ap.parse_args()

name = os.path.basename(a.fuzzer or "fuzz")
if a.skip:
    print(f"SKIP: {name}: {a.skip}")
    print("0 passed, 0 failed, 1 skipped")
    sys.exit(77)

os.makedirs(a.artifacts, exist_ok=True)
with tempfile.TemporaryDirectory(prefix="sysbpf-fuzz-") as scratch:
    cmd = [a.fuzzer, f"-max_total_time={a.seconds}", "-timeout=10", "-rss_limit_mb=2048",
           "-max_len=512", "-print_final_stats=1", "-detect_leaks=1",
           f"-artifact_prefix={a.artifacts}/", scratch, a.corpus]
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       errors="replace", env=env)
out = p.stdout
runs = re.search(r"stat::number_of_executed_units:\s*(\d+)", out)
secs = re.search(r"Done (\d+) runs in (\d+) second", out)
execs = int(runs.group(1)) if runs else 0
if p.returncode != 0 or execs == 0:
    print(out[-6000:])
    print(f"{name}: FAILED (exit {p.returncode}) after {execs} executions")
    print("0 passed, 1 failed, 0 skipped")
    sys.exit(1)
cov = re.findall(r"cov: (\d+) ft: (\d+)", out)
print(f"{name}: {execs} executions in {secs.group(2) if secs else a.seconds} s, "
      f"coverage {cov[-1][0] if cov else '?'} edges, 0 crashes, 0 leaks")
print("1 passed, 0 failed, 0 skipped")
