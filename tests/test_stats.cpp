// bpf_enable_stats through the seam.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "wire_bytes.hpp"

#include <bpf/bpf.h>

#include <cerrno>

using namespace sysbpf_test;

TEST_CASE("enable_stats: command 32, exact 4 bytes, the fd comes back")
{
    FakeKernel k;
    k.then_return(11);
    errno = 4321;
    CHECK(bpf_enable_stats(BPF_STATS_RUN_TIME) == 11);
    CHECK(errno == 4321);
    REQUIRE(k.calls.size() == 1);
    CHECK(k.calls[0].cmd == BPF_ENABLE_STATS);
    CHECK(k.calls[0].size == 4);
    CHECK(k.calls[0].bytes == Wire(4).u32(0, BPF_STATS_RUN_TIME).bytes);
}

TEST_CASE("enable_stats: any type value is passed through (the kernel judges it)")
{
    FakeKernel k;
    k.then_return(-EINVAL);
    errno = 0;
    CHECK(bpf_enable_stats(0x7fff) == -EINVAL);
    CHECK(errno == EINVAL);
    CHECK(k.calls[0].bytes == Wire(4).u32(0, 0x7fff).bytes);
}
