#!/usr/bin/env python3
"""Client scenario: a real client's error paths under `sysbpf run --inject`,
and the verifier's reasons under `sysbpf run --verifier-log`.
`ip link set dev V xdp obj ... sec xdp` (iproute2 over libbpf.so.1) on a veth
in a private network namespace, with bpf_prog_load failing with an injected
EPERM: ip must report the failure its own way, exit non-zero, and leave no
program attached. Without the injection the same command attaches (the
companion), so the failure is the injection's.

Then `ip ... xdp obj rejected.bpf.o` (unchecked packet access) under
`--verifier-log DIR`: libbpf's first load carries no log, so sysbpf repeats
it and DIR gets one file whose log names the verifier's reason.

usage: scenario_inject.py LIBSYSBPF VERSION_SCRIPT NET_HOOKS_OBJECT SYSBPF_TOOL REJECTED_OBJECT
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clientlib  # noqa: E402

DEV, PEER = "sbinj0", "sbinj1"


def scenario(s):
    obj, tool = sys.argv[3], os.path.abspath(sys.argv[4])
    s.require_client("ip")
    s.require_object(obj, "net_hooks.bpf.o")
    s.veth_pair(DEV, PEER)
    attach = ["ip", "link", "set", "dev", DEV, "xdp", "obj", obj, "sec", "xdp"]

    def attached():
        show = s.sh("ip", "-d", "link", "show", "dev", DEV)
        return [l.strip() for l in show.stdout.splitlines() if "prog/xdp" in l]

    def run(extra, stats):
        env = clientlib.plain_env()
        env["SYSBPF_STATS"] = stats
        return subprocess.run([tool, "run"] + extra + ["--"] + attach, capture_output=True, text=True,
                              timeout=60, env=env)

    # Companion: through sysbpf run, without injection, ip attaches.
    ok = run([], os.path.join(s.tmp, "stats.ok"))
    s.expect(ok.returncode == 0 and len(attached()) == 1,
             f"without injection: exit {ok.returncode}, attached {attached()}\n{ok.stderr}")
    s.sh("ip", "link", "set", "dev", DEV, "xdp", "off")
    s.expect(not attached(), "xdp off left a program attached")

    stats = os.path.join(s.tmp, "stats.inj")
    r = run(["--inject", "bpf_prog_load:EPERM"], stats)
    s.expect(r.returncode != 0, f"ip succeeded although every bpf_prog_load failed:\n{r.stdout}{r.stderr}")
    s.expect("Operation not permitted" in r.stderr or "-EPERM" in r.stderr or "-1" in r.stderr,
             f"ip did not report the EPERM:\n{r.stderr}")
    s.expect(not attached(), f"a program stayed attached after the injected failure: {attached()}")
    rows = [l.split() for l in open(stats) if l.startswith("bpf_prog_load ")]
    s.expect(rows and rows[0][-1].startswith("injected:") and int(rows[0][-1].split(":")[1]) >= 1
             and "EPERM:" + rows[0][-1].split(":")[1] in rows[0],
             f"stats do not show the injected EPERMs: {rows}")
    err_lines = [l for l in r.stderr.splitlines() if l.strip()]
    print(f"  ip under --inject bpf_prog_load:EPERM: exit {r.returncode}, nothing attached; ip said:")
    for l in err_lines[-3:]:
        print(f"    {l}")
    print(f"  stats: {' '.join(rows[0])}")
    s.checks += 5

    bad = s.require_object(sys.argv[5], "rejected.bpf.o")
    logs = os.path.join(s.tmp, "vlog")
    os.mkdir(logs)
    env = clientlib.plain_env()
    r = subprocess.run([tool, "run", "--verifier-log", logs, "--", "ip", "link", "set", "dev", DEV,
                        "xdp", "obj", bad, "sec", "xdp"], capture_output=True, text=True, timeout=60,
                       env=env)
    s.expect(r.returncode != 0 and not attached(), f"the rejected program loaded: {r.returncode}")
    files = sorted(os.listdir(logs))
    s.expect(len(files) >= 1, f"no verifier log file; ip said:\n{r.stderr}")
    text = open(os.path.join(logs, files[0])).read()
    s.expect("prog_type: BPF_PROG_TYPE_XDP" in text and "errno: EACCES (13)" in text
             and "invalid access to packet" in text, f"{files[0]}:\n{text}")
    reason = next(l for l in text.splitlines() if "invalid access to packet" in l)
    print(f"  ip ... xdp obj rejected.bpf.o under --verifier-log: {len(files)} file(s); {files[0]} says "
          f"{reason.strip()!r}")
    s.checks += 3


if __name__ == "__main__":
    clientlib.main("inject", scenario, sys.argv[1], sys.argv[2])
