// Fixtures for the task-fd-query, stats, bind-map, stream and
// assoc-struct-ops selftests: programs built from raw instructions, and raw
// bpf(2) calls for commands whose library functions are not under test here
// (raw tracepoint open, test run, BTF load), so these tests do not depend on
// them.
#pragma once

#include "kernel_helpers.hpp"

#include <bpf/bpf.h>

#include <vector>

namespace selftest::misc {

// bpf(2) itself: >= 0 or -errno.
long raw_bpf(int cmd, void *attr, unsigned size);

// Loads `insns` as `type` (GPL), named `name`. Returns the fd or -errno.
int load_prog(bpf_prog_type type, const char *name, const std::vector<bpf_insn> &insns);

// A raw tracepoint program that returns 0.
int load_raw_tp_prog(const char *name = "st_raw_tp");

// BPF_RAW_TRACEPOINT_OPEN: attaches prog_fd to the raw tracepoint `tp`;
// returns the link fd or -errno.
long raw_tp_open(const char *tp, int prog_fd);

// BPF_PROG_TEST_RUN of a socket filter over `data`, `repeat` times.
long test_run_skb(int prog_fd, const void *data, __u32 size, __u32 repeat, __u32 *retval);

// BPF_BTF_LOAD of the smallest useful BTF (one "int"): a BTF fd for
// commands that need one whatever its content. Returns the fd or -errno.
int load_tiny_btf();

// bpf_prog_get_info_by_fd, with the map ids copied into *map_ids if given.
// Returns 0 or -errno.
int prog_info(int prog_fd, bpf_prog_info &info, std::vector<__u32> *map_ids = nullptr);

} // namespace selftest::misc
