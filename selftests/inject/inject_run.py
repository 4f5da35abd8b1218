#!/usr/bin/env python3
"""`sysbpf run --inject RULES -- CMD`: CMD runs with the rules in force (the
schedule is the injection's: selftest-inject shows it without them); the
option without rules is a usage error (exit 2).

usage: inject_run.py INJECT_CHILD SYSBPF_TOOL
"""
import os
import subprocess
import sys

CHILD, TOOL = (os.path.abspath(p) for p in sys.argv[1:3])


def main():
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYSBPF_") and k != "LD_PRELOAD"}
    r = subprocess.run([TOOL, "run", "--inject", "bpf_map_create:ENOMEM:nth=2", "--", CHILD, "create", "3"],
                       capture_output=True, text=True, timeout=60, env=env)
    if r.returncode != 0 or "create: . ENOMEM .\n" not in r.stdout:
        print(f"FAIL: sysbpf run --inject: exit {r.returncode}\n{r.stdout}{r.stderr}")
        return 1
    print("sysbpf run --inject bpf_map_create:ENOMEM:nth=2: create: . ENOMEM .")
    r = subprocess.run([TOOL, "run", "--inject"], capture_output=True, text=True, timeout=60, env=env)
    if r.returncode != 2:
        print(f"FAIL: sysbpf run --inject without rules: exit {r.returncode}\n{r.stderr}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
