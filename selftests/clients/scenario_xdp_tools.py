#!/usr/bin/env python3
"""Client scenario 3: xdp-tools. `xdp-loader load`, `status` and `unload` on a
veth in the test's private network namespace, with a private bpffs at
/sys/fs/bpf (so libxdp tries its dispatcher first, then falls back when the
kernel refuses freplace). xdp-loader uses libxdp over libbpf.so.1; with sysbpf
preloaded, every bpf.h call of both lands in sysbpf.

usage: scenario_xdp_tools.py LIBSYSBPF VERSION_SCRIPT NET_HOOKS_OBJECT
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clientlib  # noqa: E402

DEV, PEER = "sbxdp0", "sbxdp1"


def status_line(run):
    """The status table's row for DEV, without the program id."""
    rows = [l.split() for l in run.stdout.splitlines() if l.startswith(DEV)]
    return [re.sub(r"^\d+$", "_", f) for f in rows[0]] if rows else None


def scenario(s):
    obj = sys.argv[3]
    loader = s.require_client("xdp-loader")
    s.require_object(obj, "net_hooks.bpf.o")
    s.veth_pair(DEV, PEER)
    # Private to this test's mount namespace: hides nothing outside it.
    s.mount_bpffs("/sys/fs/bpf")

    def load_status_unload(preload):
        s.client(["xdp-loader", "load", "-m", "skb", DEV, obj, "-s", "xdp"], preload)
        st = s.client(["xdp-loader", "status", DEV], preload)
        loaded = status_line(st)
        s.expect(loaded and loaded[1] == "xdp_hook" and loaded[2] == "skb",
                 "xdp-loader status does not show xdp_hook in skb mode", st)
        s.client(["xdp-loader", "unload", "-a", DEV], preload)
        st = s.client(["xdp-loader", "status", DEV], preload, makes_calls=False)
        s.expect("<No XDP program loaded!>" in st.stdout, "xdp-loader status shows a program after unload", st)
        s.mount_bpffs("/sys/fs/bpf")  # the next run starts from an empty bpffs too
        return loaded

    s.agree("xdp-loader load/status/unload", load_status_unload)


if __name__ == "__main__":
    clientlib.main("xdp-tools", scenario, sys.argv[1], sys.argv[2])
