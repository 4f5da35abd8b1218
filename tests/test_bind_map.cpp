// bpf_prog_bind_map through the seam.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "historical_sizes.hpp"
#include "opts_rules.hpp"
#include "wire_bytes.hpp"

#include <bpf/bpf.h>

#include <cerrno>

using namespace sysbpf_test;

TEST_CASE("prog_bind_map: command 35, exact 12 bytes, NULL opts")
{
    FakeKernel k;
    errno = 4321;
    CHECK(bpf_prog_bind_map(7, 8, nullptr) == 0);
    CHECK(errno == 4321);
    REQUIRE(k.calls.size() == 1);
    CHECK(k.calls[0].cmd == BPF_PROG_BIND_MAP);
    CHECK(k.calls[0].size == 12);
    CHECK(k.calls[0].bytes == Wire(12).u32(0, 7).u32(4, 8).bytes);
}

TEST_CASE("prog_bind_map: flags from every historical opts size; none from sz 8")
{
    for (size_t sz : historical::prog_bind) {
        FakeKernel k;
        bpf_prog_bind_opts o{};
        o.sz = sz;
        o.flags = 3;
        INFO("sz " << sz);
        CHECK(bpf_prog_bind_map(7, 8, &o) == 0);
        CHECK(k.calls.at(0).bytes == Wire(12).u32(0, 7).u32(4, 8).u32(8, 3).bytes);
    }
    FakeKernel k;
    bpf_prog_bind_opts o{};
    o.sz = sizeof(size_t); // a struct holding only sz: flags is not the caller's
    o.flags = 3;
    CHECK(bpf_prog_bind_map(7, 8, &o) == 0);
    CHECK(k.calls.at(0).bytes == Wire(12).u32(0, 7).u32(4, 8).bytes);
}

TEST_CASE("prog_bind_map: opts sz rules")
{
    check_opts_sz_rules<bpf_prog_bind_opts>(
        [](bpf_prog_bind_opts *o) { return bpf_prog_bind_map(7, 8, o); }, 12);
}

TEST_CASE("prog_bind_map: a kernel error is -errno with errno set")
{
    FakeKernel k;
    k.then_return(-EBADF);
    errno = 0;
    CHECK(bpf_prog_bind_map(7, 8, nullptr) == -EBADF);
    CHECK(errno == EBADF);
}
