// bpf_token_create through the seam.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "historical_sizes.hpp"
#include "opts_rules.hpp"
#include "wire_bytes.hpp"

#include <bpf/bpf.h>

#include <cerrno>

using namespace sysbpf_test;

TEST_CASE("token_create: command 36, exact 8 bytes (flags, then bpffs_fd), the fd comes back")
{
    FakeKernel k;
    k.then_return(12);
    errno = 4321;
    CHECK(bpf_token_create(9, nullptr) == 12);
    CHECK(errno == 4321);
    REQUIRE(k.calls.size() == 1);
    CHECK(k.calls[0].cmd == 36); // BPF_TOKEN_CREATE (newer than the host header)
    CHECK(k.calls[0].size == 8);
    CHECK(k.calls[0].bytes == Wire(8).u32(4, 9).bytes);
}

TEST_CASE("token_create: flags from every historical opts size; none from sz 8")
{
    for (size_t sz : historical::token_create) {
        FakeKernel k;
        k.then_return(12);
        bpf_token_create_opts o{};
        o.sz = sz;
        o.flags = 6;
        INFO("sz " << sz);
        CHECK(bpf_token_create(9, &o) == 12);
        CHECK(k.calls.at(0).bytes == Wire(8).u32(0, 6).u32(4, 9).bytes);
    }
    FakeKernel k;
    k.then_return(12);
    bpf_token_create_opts o{};
    o.sz = sizeof(size_t);
    o.flags = 6;
    CHECK(bpf_token_create(9, &o) == 12);
    CHECK(k.calls.at(0).bytes == Wire(8).u32(4, 9).bytes);
}

TEST_CASE("token_create: opts sz rules")
{
    check_opts_sz_rules<bpf_token_create_opts>(
        [](bpf_token_create_opts *o) { return bpf_token_create(9, o); }, 12);
}

TEST_CASE("token_create: a kernel error is -errno with errno set")
{
    FakeKernel k;
    k.then_return(-EOPNOTSUPP);
    errno = 0;
    CHECK(bpf_token_create(9, nullptr) == -EOPNOTSUPP);
    CHECK(errno == EOPNOTSUPP);
}
