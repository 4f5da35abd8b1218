// bpf_prog_assoc_struct_ops through the seam.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "historical_sizes.hpp"
#include "opts_rules.hpp"
#include "wire_bytes.hpp"

#include <bpf/bpf.h>

#include <cerrno>

using namespace sysbpf_test;

namespace {
constexpr int kProgAssocStructOps = 38; // BPF_PROG_ASSOC_STRUCT_OPS, newer than the host header
}

TEST_CASE("prog_assoc_struct_ops: command 38, exact 12 bytes (map_fd first), NULL opts")
{
    FakeKernel k;
    errno = 4321;
    CHECK(bpf_prog_assoc_struct_ops(7, 8, nullptr) == 0);
    CHECK(errno == 4321);
    REQUIRE(k.calls.size() == 1);
    CHECK(k.calls[0].cmd == kProgAssocStructOps);
    CHECK(k.calls[0].size == 12);
    CHECK(k.calls[0].bytes == Wire(12).u32(0, 8).u32(4, 7).bytes);
}

TEST_CASE("prog_assoc_struct_ops: flags from every historical opts size; none from sz 8")
{
    for (size_t sz : historical::assoc_struct_ops) {
        FakeKernel k;
        bpf_prog_assoc_struct_ops_opts o{};
        o.sz = sz;
        o.flags = 1;
        INFO("sz " << sz);
        CHECK(bpf_prog_assoc_struct_ops(7, 8, &o) == 0);
        CHECK(k.calls.at(0).bytes == Wire(12).u32(0, 8).u32(4, 7).u32(8, 1).bytes);
    }
    FakeKernel k;
    bpf_prog_assoc_struct_ops_opts o{};
    o.sz = sizeof(size_t);
    o.flags = 1;
    CHECK(bpf_prog_assoc_struct_ops(7, 8, &o) == 0);
    CHECK(k.calls.at(0).bytes == Wire(12).u32(0, 8).u32(4, 7).bytes);
}

TEST_CASE("prog_assoc_struct_ops: opts sz rules")
{
    check_opts_sz_rules<bpf_prog_assoc_struct_ops_opts>(
        [](bpf_prog_assoc_struct_ops_opts *o) { return bpf_prog_assoc_struct_ops(7, 8, o); }, 12);
}

TEST_CASE("prog_assoc_struct_ops: a kernel error is -errno with errno set")
{
    FakeKernel k;
    k.then_return(-EINVAL);
    errno = 0;
    CHECK(bpf_prog_assoc_struct_ops(7, 8, nullptr) == -EINVAL);
    CHECK(errno == EINVAL);
}
