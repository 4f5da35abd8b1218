#!/usr/bin/env python3
"""`sysbpf run --verifier-log DIR -- CMD`: CMD's failing load (no log of its
own) leaves one file in DIR holding the verifier's log, and CMD sees the
kernel's EACCES (selftest-verifier-log checks the file against the log).

usage: vlog_run.py VLOG_CHILD SYSBPF_TOOL
"""
import os
import subprocess
import sys
import tempfile

CHILD, TOOL = (os.path.abspath(p) for p in sys.argv[1:3])


def main():
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYSBPF_") and k != "LD_PRELOAD"}
    with tempfile.TemporaryDirectory(prefix="sysbpf-vlog-run-") as d:
        r = subprocess.run([TOOL, "run", "--verifier-log", d, "--", CHILD, "nolog"], capture_output=True,
                           text=True, timeout=60, env=env)
        files = sorted(os.listdir(d))
        if r.returncode != 0 or not r.stdout.startswith("ret -13 errno 13 ") or len(files) != 1:
            print(f"FAIL: sysbpf run --verifier-log: exit {r.returncode}, files {files}\n{r.stdout}{r.stderr}")
            return 1
        with open(os.path.join(d, files[0])) as f:
            text = f.read()
        if "function: bpf_prog_load\n" not in text or "R0 !read_ok" not in text:
            print(f"FAIL: {files[0]}:\n{text}")
            return 1
        print(f"sysbpf run --verifier-log: {files[0]} holds the verifier's log")
    return 0


if __name__ == "__main__":
    sys.exit(main())
