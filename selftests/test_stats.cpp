// bpf_enable_stats on the real kernel: run-time statistics are gathered
// exactly while a stats fd is open.
#include "harness/harness.hpp"
#include "kernel_helpers.hpp"
#include "misc_fixtures.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstdio>

using namespace selftest;
using namespace selftest::misc;

namespace {

const unsigned char kPacket[64] = {};

struct Stats {
    __u64 run_cnt = 0, run_time_ns = 0;
};

Stats stats_of(int prog_fd)
{
    bpf_prog_info info{};
    Stats s;
    if (prog_info(prog_fd, info) == 0) {
        s.run_cnt = info.run_cnt;
        s.run_time_ns = info.run_time_ns;
    }
    return s;
}

// Runs a socket filter `times` times through BPF_PROG_TEST_RUN.
bool run(int prog_fd, __u32 times)
{
    __u32 retval = 0;
    return test_run_skb(prog_fd, kPacket, sizeof(kPacket), times, &retval) == 0;
}

// The kernel.bpf_stats_enabled sysctl: 1 while someone has turned stats on
// through it (a stats fd does not show there).
int stats_sysctl()
{
    FILE *f = std::fopen("/proc/sys/kernel/bpf_stats_enabled", "r");
    int v = -1;
    if (f) {
        if (std::fscanf(f, "%d", &v) != 1)
            v = -1;
        std::fclose(f);
    }
    return v;
}

} // namespace

TEST_CASE("enable_stats: while the fd is open, every run is counted and timed")
{
    Fd prog(load_prog(BPF_PROG_TYPE_SOCKET_FILTER, "st_stats", return_imm(0)));
    REQUIRE(prog >= 3);
    errno = 4321;
    Fd stats(bpf_enable_stats(BPF_STATS_RUN_TIME));
    INFO(errstr(-stats.get()));
    REQUIRE(stats >= 3);
    CHECK(errno == 4321);
    CHECK(cloexec(stats));
    Stats before = stats_of(prog);
    REQUIRE(run(prog, 10));
    Stats after = stats_of(prog);
    CHECK(after.run_cnt - before.run_cnt == 10);
    CHECK(after.run_time_ns > before.run_time_ns);
}

TEST_CASE("enable_stats: counting stops when the last stats fd closes")
{
    if (stats_sysctl() != 0)
        SKIP_TEST("kernel.bpf_stats_enabled is not 0: stats are on system-wide");
    Fd prog(load_prog(BPF_PROG_TYPE_SOCKET_FILTER, "st_stats", return_imm(0)));
    REQUIRE(prog >= 3);
    REQUIRE(run(prog, 5));
    CHECK(stats_of(prog).run_cnt == 0); // no stats fd yet

    Fd a(bpf_enable_stats(BPF_STATS_RUN_TIME));
    Fd b(bpf_enable_stats(BPF_STATS_RUN_TIME));
    REQUIRE(a >= 3);
    REQUIRE(b >= 3);
    CHECK(a.get() != b.get());
    REQUIRE(run(prog, 3));
    CHECK(stats_of(prog).run_cnt == 3);
    a.reset(); // one fd still open: still counting
    REQUIRE(run(prog, 4));
    CHECK(stats_of(prog).run_cnt == 7);
    b.reset();
    REQUIRE(run(prog, 6));
    CHECK(stats_of(prog).run_cnt == 7);
}

TEST_CASE("enable_stats: EINVAL for a stats type the kernel does not know")
{
    int before = open_fd_count();
    for (int type : {1, 2, 0x7fff, -1}) {
        INFO("type " << type);
        errno = 0;
        CHECK(bpf_enable_stats(type) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    CHECK(open_fd_count() == before);
}
