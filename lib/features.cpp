#include "features.hpp"

#include "kernel/attr.hpp"
#include "sys/syscall.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <sys/resource.h>
#include <unistd.h>

namespace sysbpf::features {

std::atomic<bool> detail::g_names_refused{false};
std::atomic<detail::Raise> detail::g_raise{detail::Raise::NotYet};

namespace {

// Set once a name probe has loaded: the kernel takes names, and a later
// E2BIG is the caller's own (libbpf, too, probes once per process).
std::atomic<bool> g_names_accepted{false};
enum class Memcg : int { Unknown, Charged, Memlock };
std::atomic<Memcg> g_memcg{Memcg::Unknown};
// rlim_t, as libbpf keeps it: RLIM_INFINITY must survive where size_t is
// narrower than rlim_t (32-bit targets).
std::atomic<rlim_t> g_memlock_rlim{RLIM_INFINITY};

// Loads "<first_insn>; exit" as a socket filter, the way libbpf's feature
// probes do (attr sent up to prog_token_fd), with up to `attempts` tries on
// EAGAIN. Returns 0 once loaded (the fd is closed here), or -errno.
long load_probe(kernel::Insn first_insn, const char *name, int attempts) noexcept
{
    constexpr kernel::Insn kExit{0x95, 0, 0, 0, 0}; // exit
    constexpr unsigned kProbeSize = offsetof(kernel::ProgLoadAttr, prog_token_fd) + 4;
    const kernel::Insn insns[] = {first_insn, kExit};
    kernel::ProgLoadAttr a{};
    a.prog_type = 1; // BPF_PROG_TYPE_SOCKET_FILTER
    a.insn_cnt = 2;
    a.insns = kernel::ptr(insns);
    a.license = kernel::ptr("GPL");
    if (name)
        std::memcpy(a.prog_name, name, std::strlen(name) + 1);
    long fd;
    do {
        fd = sys::call_fd(kernel::Cmd::ProgLoad, a, kProbeSize);
    } while (fd == -EAGAIN && --attempts > 0);
    if (fd < 0)
        return fd;
    ::close(static_cast<int>(fd));
    return 0;
}

// libbpf's probe for memcg accounting: bpf_ktime_get_coarse_ns() arrived in
// the same release (5.11), so a program calling it loads only there.
Memcg probe_memcg() noexcept
{
    constexpr kernel::Insn kCallCoarseNs{0x85, 0, 0, 0, 160}; // call #160
    bool loaded = load_probe(kCallCoarseNs, nullptr, 1) == 0; // libbpf tries once
    return loaded ? Memcg::Charged : Memcg::Memlock;
}

} // namespace

void note_names_refused() noexcept
{
    detail::g_names_refused.store(true, std::memory_order_relaxed);
}

bool prog_names_refused_by_probe() noexcept
{
    constexpr kernel::Insn kMovR0Zero{0xb7, 0, 0, 0, 0}; // r0 = 0
    if (g_names_accepted.load(std::memory_order_relaxed))
        return false;
    const long r = load_probe(kMovR0Zero, "sysbpf_namechk", 5); // libbpf: load attempts
    if (r == 0)
        g_names_accepted.store(true, std::memory_order_relaxed);
    if (r != -E2BIG)
        return false;
    note_names_refused();
    return true;
}

int set_memlock_rlim(std::size_t bytes) noexcept
{
    if (detail::g_raise.load() != detail::Raise::NotYet)
        return -EBUSY;
    g_memlock_rlim.store(static_cast<rlim_t>(bytes));
    return 0;
}

bool raise_memlock_after_eperm(MemlockTicket ticket) noexcept
{
    Memcg m = g_memcg.load();
    if (m == Memcg::Unknown) {
        m = probe_memcg();
        g_memcg.store(m);
    }
    if (m == Memcg::Charged)
        return false;
    if (ticket.raised_before)
        return false; // the call already ran under the raised limit
    detail::Raise expected = detail::Raise::NotYet;
    const bool first = detail::g_raise.compare_exchange_strong(expected, detail::Raise::Raising);
    if (!first && expected != detail::Raise::Raising)
        return expected == detail::Raise::Raised; // decided before this call
    // This call raises the limit: it is the first, or another raise is under
    // way (in another thread, or in the code a signal handler interrupted on
    // this one). Nothing waits for another raise to finish (a handler would
    // wait for itself forever): each raises to the same value, and setrlimit
    // is async-signal-safe and idempotent.
    const rlim_t bytes = g_memlock_rlim.load();
    bool raised = false;
    if (bytes != 0) {
        rlimit r{bytes, bytes};
        // A refused raise must not leave its errno behind: the call may
        // still succeed later (a logged retry), and success leaves errno.
        const int saved = errno;
        raised = ::setrlimit(RLIMIT_MEMLOCK, &r) == 0;
        errno = saved;
    }
    if (first)
        detail::g_raise.store(raised ? detail::Raise::Raised : detail::Raise::Refused);
    return raised;
}

void reset_for_tests() noexcept
{
    detail::g_names_refused = false;
    g_names_accepted = false;
    g_memcg = Memcg::Unknown;
    detail::g_raise = detail::Raise::NotYet;
    g_memlock_rlim = RLIM_INFINITY;
}

} // namespace sysbpf::features
