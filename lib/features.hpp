// What the running kernel supports, learned from its answers to real calls
// rather than from probes up front, cached, safe to use from any thread.
#pragma once

#include <cstddef>

namespace sysbpf::features {

// Object names (map_name, prog_name) arrived in Linux 4.15. Until a kernel
// refuses a named call, names are assumed to work.
bool names_refused() noexcept;
void note_names_refused() noexcept;

// After a named BPF_PROG_LOAD failed with E2BIG: loads a tiny named socket
// filter, as libbpf's name probe does, to tell a kernel without object names
// (< 4.15, which sees non-zero bytes past the attr it knows) from a real E2BIG.
// When names are refused, notes it and returns true. Any other answer,
// including one the probe cannot interpret, returns false.
bool prog_names_refused_by_probe() noexcept;

// libbpf_set_memlock_rlim(): -EBUSY once the limit has been raised.
int set_memlock_rlim(std::size_t bytes) noexcept;

// Taken just before a create/load is first issued: whether RLIMIT_MEMLOCK
// had already been raised by then.
struct MemlockTicket {
    bool raised_before;
};
MemlockTicket memlock_ticket() noexcept;

// Called after a create/load issued under `ticket` failed with EPERM. On
// kernels that still charge BPF memory to RLIMIT_MEMLOCK (before 5.11),
// raises the limit once per process, as libbpf does, and returns true when
// the caller should retry: this call raised it, or another thread raised it
// after the call was issued. Otherwise (memcg kernel, limit raised before the
// call, raise refused) false.
bool raise_memlock_after_eperm(MemlockTicket ticket) noexcept;

// Test hook: forget everything learned.
void reset_for_tests() noexcept;

} // namespace sysbpf::features
