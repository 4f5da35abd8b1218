// bpf_prog_stream_read through the seam.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "historical_sizes.hpp"
#include "opts_rules.hpp"
#include "wire_bytes.hpp"

#include <bpf/bpf.h>

#include <cerrno>

using namespace sysbpf_test;

namespace {
constexpr __u32 kStderr = 2; // BPF_STDERR
}

TEST_CASE("prog_stream_read: command 37, exact 24 bytes, returns the byte count")
{
    FakeKernel k;
    k.then_return(17);
    char buf[100];
    errno = 4321;
    CHECK(bpf_prog_stream_read(6, kStderr, buf, sizeof(buf), nullptr) == 17);
    CHECK(errno == 4321);
    REQUIRE(k.calls.size() == 1);
    CHECK(k.calls[0].cmd == 37); // BPF_PROG_STREAM_READ_BY_FD (newer than the host header)
    CHECK(k.calls[0].size == 24);
    Wire w(24);
    w.ptr(0, buf).u32(8, sizeof(buf)).u32(12, kStderr).u32(16, 6);
    CHECK(k.calls[0].bytes == w.bytes);
}

TEST_CASE("prog_stream_read: an empty stream reads 0")
{
    FakeKernel k;
    char buf[8];
    CHECK(bpf_prog_stream_read(6, 1, buf, sizeof(buf), nullptr) == 0);
}

TEST_CASE("prog_stream_read: every historical opts size is accepted (sz is its only field)")
{
    for (size_t sz : historical::stream_read) {
        FakeKernel k;
        k.then_return(5);
        bpf_prog_stream_read_opts o{};
        o.sz = sz;
        char buf[8];
        INFO("sz " << sz);
        CHECK(bpf_prog_stream_read(6, 1, buf, sizeof(buf), &o) == 5);
        CHECK(k.calls.at(0).bytes == Wire(24).ptr(0, buf).u32(8, 8).u32(12, 1).u32(16, 6).bytes);
    }
}

TEST_CASE("prog_stream_read: opts sz rules")
{
    static char buf[8];
    check_opts_sz_rules<bpf_prog_stream_read_opts>(
        [](bpf_prog_stream_read_opts *o) { return bpf_prog_stream_read(6, 1, buf, 8, o); }, 8);
}

TEST_CASE("prog_stream_read: a kernel error is -errno with errno set")
{
    FakeKernel k;
    k.then_return(-ENOENT);
    char buf[8];
    errno = 0;
    CHECK(bpf_prog_stream_read(6, 99, buf, sizeof(buf), nullptr) == -ENOENT);
    CHECK(errno == ENOENT);
}
