#!/usr/bin/env python3
"""Client scenario 2: iproute2. `ip link set dev V xdp obj ... sec xdp` and
`ip -d link show`, then `tc qdisc add ... clsact`, `tc filter add ... bpf da
obj ... sec tc` and `tc filter show`, on a veth in the test's private network
namespace. ip and tc load objects through libbpf.so.1; with sysbpf preloaded,
their every bpf.h call lands in sysbpf.

usage: scenario_iproute2.py LIBSYSBPF VERSION_SCRIPT NET_HOOKS_OBJECT
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clientlib  # noqa: E402

DEV, PEER = "sbip0", "sbip1"


def normalize(text):
    """Drops what differs between two loads of the same program."""
    text = re.sub(r"\b(id|load_time|btf_id|created_by_uid|memlock|map_ids) \S+", r"\1 _", text)
    return text.strip()


def scenario(s):
    obj = sys.argv[3]
    s.require_client("ip")
    s.require_client("tc")
    s.require_object(obj, "net_hooks.bpf.o")
    s.veth_pair(DEV, PEER)

    def xdp(preload):
        s.sh("ip", "link", "set", "dev", DEV, "xdp", "off")
        s.client(["ip", "link", "set", "dev", DEV, "xdp", "obj", obj, "sec", "xdp"], preload)
        # ip reads the program's name and tag with its own bpf() calls, not
        # libbpf's: this step need make no bpf.h call.
        show = s.client(["ip", "-d", "link", "show", "dev", DEV], preload, makes_calls=False)
        lines = [l.strip() for l in show.stdout.splitlines() if "prog/xdp" in l]
        s.expect(len(lines) == 1 and " name xdp_hook " in lines[0],
                 "ip -d link does not show xdp_hook attached", show)
        s.sh("ip", "link", "set", "dev", DEV, "xdp", "off")
        return normalize(lines[0])

    def tc_filter(preload):
        s.sh("tc", "qdisc", "add", "dev", DEV, "clsact")
        try:
            s.client(["tc", "filter", "add", "dev", DEV, "ingress", "bpf", "da", "obj", obj, "sec", "tc"],
                     preload)
            show = s.client(["tc", "filter", "show", "dev", DEV, "ingress"], preload, makes_calls=False)
            s.expect(re.search(r"direct-action .* name tc_hook tag [0-9a-f]+", show.stdout),
                     "tc filter show does not list tc_hook", show)
            return normalize(show.stdout)
        finally:
            s.sh("tc", "qdisc", "del", "dev", DEV, "clsact")

    s.agree("ip link xdp", xdp)
    s.agree("tc filter bpf", tc_filter)


if __name__ == "__main__":
    clientlib.main("iproute2", scenario, sys.argv[1], sys.argv[2])
