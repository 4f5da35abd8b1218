#include "features.hpp"

#include "kernel/attr.hpp"
#include "sys/syscall.hpp"

#include <atomic>
#include <cerrno>
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

// libbpf's probe for memcg accounting: bpf_ktime_get_coarse_ns() arrived in
// the same release (5.11), so a program calling it loads only there.
Memcg probe_memcg() noexcept
{
    constexpr kernel::u64 kCallCoarseNs = 0x85 | (kernel::u64{160} << 32); // call #160
    constexpr kernel::u64 kExit = 0x95;
    const kernel::u64 insns[] = {kCallCoarseNs, kExit};
    kernel::ProgLoadAttr a{};
    a.prog_type = 1; // BPF_PROG_TYPE_SOCKET_FILTER
    a.insn_cnt = 2;
    a.insns = kernel::ptr(insns);
    a.license = kernel::ptr("GPL");
    long fd = sys::call_fd(kernel::Cmd::ProgLoad, a, offsetof(kernel::ProgLoadAttr, prog_token_fd) + 4);
    if (fd < 0)
        return Memcg::Memlock;
    ::close(static_cast<int>(fd));
    return Memcg::Charged;
}

} // namespace

bool names_refused() noexcept { return g_names_refused.load(std::memory_order_relaxed); }
void note_names_refused() noexcept { g_names_refused.store(true, std::memory_order_relaxed); }

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
