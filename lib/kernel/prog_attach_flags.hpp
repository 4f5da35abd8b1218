// Flags of BPF_PROG_ATTACH / BPF_PROG_DETACH (attach_flags) newer than the
// build host's <linux/bpf.h>. Values from the kernel ABI.
#pragma once

#include "kernel/attr.hpp"

namespace sysbpf::kernel {

inline constexpr u32 kAttachBefore = 1u << 3; // BPF_F_BEFORE
inline constexpr u32 kAttachAfter = 1u << 4;  // BPF_F_AFTER
inline constexpr u32 kAttachById = 1u << 5;   // BPF_F_ID: relative_id, not relative_fd

} // namespace sysbpf::kernel
