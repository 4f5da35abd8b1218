#include "features.hpp"

#include "kernel/attr.hpp"
#include "sys/syscall.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

namespace sysbpf::features {
namespace {

std::atomic<bool> g_names_refused{false};

enum class Memcg : int { Unknown, Charged, Memlock };
std::atomic<Memcg> g_memcg{Memcg::Unknown};
// The once-per-process RLIMIT_MEMLOCK raise: not tried yet, being tried by
// one thread, done, or refused (setrlimit failed, or the limit is 0).
enum class Raise : int { NotYet, Raising, Raised, Refused };
std::atomic<Raise> g_raise{Raise::NotYet};
std::atomic<std::size_t> g_memlock_rlim{static_cast<std::size_t>(RLIM_INFINITY)};

// Loads "<first_insn>; exit" as a socket filter, the way libbpf's feature
// probes do (attr sent up to prog_token_fd), with up to `attempts` tries on
// EAGAIN. Returns 0 once loaded (the fd is closed here), or -errno.
long load_probe(kernel::u64 first_insn, const char *name, int attempts) noexcept
{
    constexpr kernel::u64 kExit = 0x95;
    constexpr unsigned kProbeSize = offsetof(kernel::ProgLoadAttr, prog_token_fd) + 4;
    const kernel::u64 insns[] = {first_insn, kExit};
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
    constexpr kernel::u64 kCallCoarseNs = 0x85 | (kernel::u64{160} << 32); // call #160
    bool loaded = load_probe(kCallCoarseNs, nullptr, 1) == 0; // libbpf tries once
    return loaded ? Memcg::Charged : Memcg::Memlock;
}

} // namespace

bool names_refused() noexcept { return g_names_refused.load(std::memory_order_relaxed); }
void note_names_refused() noexcept { g_names_refused.store(true, std::memory_order_relaxed); }

bool prog_names_refused_by_probe() noexcept
{
    constexpr kernel::u64 kMovR0Zero = 0xb7; // r0 = 0
    if (load_probe(kMovR0Zero, "sysbpf_namechk", 5) != -E2BIG) // libbpf: load attempts
        return false;
    note_names_refused();
    return true;
}

int set_memlock_rlim(std::size_t bytes) noexcept
{
    if (g_raise.load() != Raise::NotYet)
        return -EBUSY;
    g_memlock_rlim.store(bytes);
    return 0;
}

MemlockTicket memlock_ticket() noexcept
{
    const Raise r = g_raise.load();
    return MemlockTicket{r == Raise::Raised || r == Raise::Refused};
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
    Raise expected = Raise::NotYet;
    if (!g_raise.compare_exchange_strong(expected, Raise::Raising)) {
        // Another thread raises (or raised) the limit after this call was
        // issued: retry under it, as a single-threaded process would have
        // issued the call only after the raise.
        while ((expected = g_raise.load()) == Raise::Raising)
            ::sched_yield();
        return expected == Raise::Raised;
    }
    const std::size_t bytes = g_memlock_rlim.load();
    bool raised = false;
    if (bytes != 0) {
        rlimit r{bytes, bytes};
        // A refused raise must not leave its errno behind: the call may
        // still succeed later (a logged retry), and success leaves errno.
        const int saved = errno;
        raised = ::setrlimit(RLIMIT_MEMLOCK, &r) == 0;
        errno = saved;
    }
    g_raise.store(raised ? Raise::Raised : Raise::Refused);
    return raised;
}

void reset_for_tests() noexcept
{
    g_names_refused = false;
    g_memcg = Memcg::Unknown;
    g_raise = Raise::NotYet;
    g_memlock_rlim = static_cast<std::size_t>(RLIM_INFINITY);
}

} // namespace sysbpf::features
