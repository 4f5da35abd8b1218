// What the running kernel supports, learned from its answers to real calls
// rather than from probes up front, cached, safe to use from any thread.
#pragma once

#include <atomic>
#include <cstddef>

namespace sysbpf::features {

namespace detail {
extern std::atomic<bool> g_names_refused __attribute__((visibility("hidden")));
// The once-per-process RLIMIT_MEMLOCK raise: not tried yet, being tried by
// one thread, done, or refused (setrlimit failed, or the limit is 0).
enum class Raise : int { NotYet, Raising, Raised, Refused };
extern std::atomic<Raise> g_raise __attribute__((visibility("hidden")));
}

// Object names (map_name, prog_name) arrived in Linux 4.15. Until a kernel
// refuses a named call, names are assumed to work. Inline: every named
// create asks.
inline bool names_refused() noexcept
{
    return detail::g_names_refused.load(std::memory_order_relaxed);
}
void note_names_refused() noexcept;

// After a named BPF_PROG_LOAD failed with E2BIG: loads a tiny named socket
// filter, as libbpf's name probe does, to tell a kernel without object names
// (< 4.15, which sees non-zero bytes past the attr it knows) from a real E2BIG.
// When names are refused, notes it and returns true. Any other answer,
// including one the probe cannot interpret, returns false. Once a probe has
// loaded, returns false without probing again.
bool prog_names_refused_by_probe() noexcept;

// libbpf_set_memlock_rlim(): -EBUSY once the limit has been raised.
int set_memlock_rlim(std::size_t bytes) noexcept;

// Taken just before a create/load is first issued: whether RLIMIT_MEMLOCK
// had already been raised by then.
struct MemlockTicket {
    bool raised_before;
};
// Inline: every create and load takes one.
inline MemlockTicket memlock_ticket() noexcept
{
    const detail::Raise r = detail::g_raise.load(std::memory_order_relaxed);
    return MemlockTicket{r == detail::Raise::Raised || r == detail::Raise::Refused};
}

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
