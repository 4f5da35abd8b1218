#!/usr/bin/env python3
"""Client scenario 1: libbpf's own object loader (our libbpf_loader, linked
with -lbpf) loads packet_stats.bpf.o, runs it, reads and updates its maps and
pins; with sysbpf preloaded every bpf.h call libbpf makes lands in sysbpf.

usage: scenario_libbpf.py LIBSYSBPF VERSION_SCRIPT LOADER OBJECT
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clientlib  # noqa: E402
from clientlib import Skip  # noqa: E402

EXPECTED = """program: count_packet type 6
retvals: 2 2 1
counters[0]: 3
lengths: 64=2 200=1
percpu_runs total: 3
arrivals: 64 64 200
events: 64 64 200
globals: runs=3 weighted_bytes=984 last_len=200
update frozen .rodata: EPERM
delete missing key: ENOENT
counters pinned: yes
pinned lengths: 200=1
pinned program retval: 2
reused counters: [0]=4 [1]=42
done
"""


def scenario(s):
    lib, script, loader, obj = sys.argv[1:5]
    if not loader or not os.path.exists(loader):
        raise Skip("libbpf_loader was not built: libbpf-dev (pkg-config libbpf) missing at configure time")
    s.require_object(obj, "packet_stats.bpf.o")
    pins = os.path.join(s.tmp, "bpffs")

    def fresh_bpffs():
        if os.path.ismount(pins):
            s.sh("umount", pins)
        s.mount_bpffs(pins)

    def check(r):
        s.expect(r.rc == 0 and r.stdout == EXPECTED,
                 f"libbpf_loader output differs from the expected:\n{EXPECTED}", r)
        left = set(os.listdir(pins)) - {"progs.debug", "maps.debug"}  # the kernel's own
        s.expect(not left, f"pins left behind: {sorted(left)}")

    r = s.both([loader, obj, pins], check=check, setup=fresh_bpffs)
    used = set(r.served)
    for fn in ("bpf_map_create", "bpf_prog_load", "bpf_btf_load", "bpf_map_update_elem",
               "bpf_map_lookup_elem", "bpf_map_lookup_and_delete_elem", "bpf_map_delete_elem",
               "bpf_map_get_next_key", "bpf_map_freeze", "bpf_prog_test_run_opts", "bpf_obj_pin",
               "bpf_obj_get", "bpf_obj_get_info_by_fd"):
        s.expect(fn in used, f"{fn} was not among the calls sysbpf served: {sorted(used)}")


if __name__ == "__main__":
    clientlib.main("libbpf-loader", scenario, sys.argv[1], sys.argv[2])
