#include "features.hpp"

#include "kernel/attr.hpp"
#include "sys/syscall.hpp"

#include <atomic>
#include <cerrno>
#include <sys/resource.h>
#include <unistd.h>

namespace sysbpf::features {
namespace {

std::atomic<bool> g_names_refused{false};

enum class Memcg : int { Unknown, Charged, Memlock };
std::atomic<Memcg> g_memcg{Memcg::Unknown};
std::atomic<bool> g_memlock_raised{false};
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
    if (g_memlock_raised.load())
        return -EBUSY;
    g_memlock_rlim.store(bytes);
    return 0;
}

bool raise_memlock_after_eperm() noexcept
{
    Memcg m = g_memcg.load();
    if (m == Memcg::Unknown) {
        m = probe_memcg();
        g_memcg.store(m);
    }
    if (m == Memcg::Charged)
        return false;
    if (g_memlock_raised.exchange(true))
        return false; // raised before: this EPERM is not about memlock
    std::size_t bytes = g_memlock_rlim.load();
    if (bytes == 0)
        return false;
    rlimit r{bytes, bytes};
    // A refused raise must not leave its errno behind: the call may still
    // succeed later (a logged retry), and success leaves errno alone.
    const int saved = errno;
    const bool raised = ::setrlimit(RLIMIT_MEMLOCK, &r) == 0;
    errno = saved;
    return raised;
}

void reset_for_tests() noexcept
{
    g_names_refused = false;
    g_memcg = Memcg::Unknown;
    g_memlock_raised = false;
    g_memlock_rlim = static_cast<std::size_t>(RLIM_INFINITY);
}

} // namespace sysbpf::features
