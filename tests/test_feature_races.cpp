// First calls that race the library's lazily learned facts, through the seam
// with old kernels the host cannot be: one that charges BPF memory to
// RLIMIT_MEMLOCK (before 5.11) and one without object names (before 4.15).
// Each call must end as in a single-threaded process. Runs in the 'threads'
// suite too, so ThreadSanitizer sees the feature state.
#include "features.hpp"
#include "fd_table.hpp"
#include "harness/harness.hpp"
#include "kernel/cmd.hpp"
#include "sys/syscall.hpp"

#include <bpf/bpf.h>

#include <atomic>
#include <cstring>
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
    // Lowering a soft limit below the hard one needs no privilege.
    REQUIRE(::setrlimit(RLIMIT_MEMLOCK, &low) == 0);

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

namespace {

std::atomic<int> g_named_calls{0};

// A pre-4.15 kernel: any non-zero byte in the name field (past the attr it
// knows) gives E2BIG; nameless creates and loads succeed. The first
// kThreads named calls are held until all have been issued.
long nameless_kernel(int cmd, void *attr, unsigned) noexcept
{
    using sysbpf::kernel::Cmd;
    const char *name = nullptr;
    if (cmd == static_cast<int>(Cmd::MapCreate))
        name = static_cast<sysbpf::kernel::MapCreateAttr *>(attr)->map_name;
    else if (cmd == static_cast<int>(Cmd::ProgLoad))
        name = static_cast<sysbpf::kernel::ProgLoadAttr *>(attr)->prog_name;
    else
        return -EINVAL;
    if (name[0]) {
        if (g_named_calls.fetch_add(1) < kThreads)
            while (g_named_calls.load() < kThreads)
                std::this_thread::yield();
        return -E2BIG;
    }
    return sysbpf_test::fds::fresh();
}

} // namespace

TEST_CASE("names: first named creates and loads racing on a kernel without names all succeed")
{
    for (bool load : {false, true}) {
        sysbpf::features::reset_for_tests();
        sysbpf::sys::bpf_fn = nameless_kernel;
        g_named_calls = 0;
        const bpf_insn insns[2] = {{0xb7, 0, 0, 0, 0}, {0x95, 0, 0, 0, 0}};
        std::vector<int> results(kThreads);
        std::vector<std::thread> ts;
        for (int i = 0; i < kThreads; i++)
            ts.emplace_back([&results, &insns, i, load] {
                results[static_cast<size_t>(i)] =
                    load ? bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "race", "GPL", insns, 2,
                                         nullptr)
                         : bpf_map_create(BPF_MAP_TYPE_ARRAY, "race", 4, 8, 1, nullptr);
            });
        for (auto &t : ts)
            t.join();
        sysbpf::sys::bpf_fn = sysbpf::sys::raw_bpf;
        INFO((load ? "bpf_prog_load" : "bpf_map_create"));
        for (int r : results) {
            CHECK(r >= 3);
            if (r >= 0)
                ::close(r);
        }
        CHECK(sysbpf::features::names_refused());
    }
    sysbpf::features::reset_for_tests();
}
