// The lazy RLIMIT_MEMLOCK raise when several threads' first creates fail
// with EPERM at once, through the seam with a kernel that charges memlock
// (before 5.11): each call must end as in a single-threaded process, where
// the first EPERM raises the limit and every later create succeeds. Runs in
// the 'threads' suite too, so ThreadSanitizer sees the feature state.
#include "features.hpp"
#include "fd_table.hpp"
#include "harness/harness.hpp"
#include "kernel/cmd.hpp"
#include "sys/syscall.hpp"

#include <bpf/bpf.h>

#include <atomic>
#include <cerrno>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

constexpr int kThreads = 8;

std::atomic<int> g_first_calls{0};
rlim_t g_wanted = 0;

// A pre-5.11 kernel: creates fail with EPERM until RLIMIT_MEMLOCK reaches
// g_wanted; the memcg probe (a program load) fails. The first kThreads
// creates are held until all of them have been issued, so all of them fail.
long memlock_kernel(int cmd, void *, unsigned) noexcept
{
    if (cmd != static_cast<int>(sysbpf::kernel::Cmd::MapCreate))
        return -EINVAL;
    rlimit r{};
    ::getrlimit(RLIMIT_MEMLOCK, &r);
    if (r.rlim_cur >= g_wanted)
        return sysbpf_test::fds::fresh();
    if (g_first_calls.fetch_add(1) < kThreads)
        while (g_first_calls.load() < kThreads)
            std::this_thread::yield();
    return -EPERM;
}

} // namespace

TEST_CASE("memlock: first creates racing on a memlock-charging kernel all succeed, as one thread's would")
{
    rlimit old{};
    REQUIRE(::getrlimit(RLIMIT_MEMLOCK, &old) == 0);
    g_wanted = old.rlim_max == RLIM_INFINITY ? rlim_t(64) << 20 : old.rlim_max;
    rlimit low = old;
    low.rlim_cur = g_wanted / 2;
    if (::setrlimit(RLIMIT_MEMLOCK, &low) != 0)
        SKIP_TEST("cannot lower RLIMIT_MEMLOCK: " + std::to_string(errno));

    sysbpf::features::reset_for_tests();
    REQUIRE(libbpf_set_memlock_rlim(g_wanted) == 0);
    sysbpf::sys::bpf_fn = memlock_kernel;
    g_first_calls = 0;

    std::vector<int> results(kThreads);
    std::vector<std::thread> ts;
    for (int i = 0; i < kThreads; i++)
        ts.emplace_back([&results, i] {
            results[static_cast<size_t>(i)] =
                bpf_map_create(BPF_MAP_TYPE_ARRAY, "race", 4, 8, 1, nullptr);
        });
    for (auto &t : ts)
        t.join();
    sysbpf::sys::bpf_fn = sysbpf::sys::raw_bpf;

    for (int r : results) {
        CHECK(r >= 3);
        if (r >= 0)
            ::close(r);
    }
    // As in a single-threaded process: the limit was raised once, and no
    // second raise is allowed.
    CHECK(libbpf_set_memlock_rlim(g_wanted) == -EBUSY);
    sysbpf::features::reset_for_tests();
    ::setrlimit(RLIMIT_MEMLOCK, &old);
}
