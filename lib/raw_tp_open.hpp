// BPF_RAW_TRACEPOINT_OPEN, shared by bpf_raw_tracepoint_open*() and the
// fallback of bpf_link_create() for kernels without tracing links.
#pragma once

#include "kernel/attr.hpp"

namespace sysbpf {

// Returns the link fd (>= 3) or -errno; does not touch errno.
long raw_tracepoint_open(int prog_fd, const char *tp_name, kernel::u64 cookie) noexcept;

} // namespace sysbpf
