// bpf_raw_tracepoint_open and bpf_raw_tracepoint_open_opts through the seam.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "historical_sizes.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>

// LIBBPF_OPTS leaves the fields it is not given to its memset.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace sysbpf_test;
using sysbpf::kernel::RawTracepointAttr;

namespace {

void check_sent(const FakeKernel &k, const char *name, __u32 prog_fd, __u64 cookie, size_t i = 0)
{
    REQUIRE(k.calls.size() > i);
    CHECK(k.calls[i].cmd == BPF_RAW_TRACEPOINT_OPEN);
    CHECK(k.calls[i].size == 24);
    RawTracepointAttr e{};
    e.name = reinterpret_cast<uintptr_t>(name);
    e.prog_fd = prog_fd;
    e.cookie = cookie;
    REQUIRE(k.calls[i].bytes.size() == 24);
    CHECK(std::memcmp(k.calls[i].bytes.data(), &e, 24) == 0);
}

} // namespace

TEST_CASE("raw_tracepoint_open: name and program, 24 bytes, no cookie")
{
    FakeKernel k;
    k.then_return(31);
    static const char name[] = "sys_enter";
    errno = 4321;
    CHECK(bpf_raw_tracepoint_open(name, 7) == 31);
    CHECK(errno == 4321);
    check_sent(k, name, 7, 0);
}

TEST_CASE("raw_tracepoint_open: NULL name is sent as 0 (program's own target)")
{
    FakeKernel k;
    k.then_return(3);
    CHECK(bpf_raw_tracepoint_open(nullptr, 7) == 3);
    check_sent(k, nullptr, 7, 0);
}

TEST_CASE("raw_tracepoint_open: kernel errors come back as -errno with errno set")
{
    FakeKernel k;
    k.then_return(-ENOENT);
    errno = 0;
    CHECK(bpf_raw_tracepoint_open("nope", 7) == -ENOENT);
    CHECK(errno == ENOENT);
}

TEST_CASE("raw_tracepoint_open_opts: tp_name and cookie")
{
    FakeKernel k;
    k.then_return(3);
    static const char name[] = "sched_switch";
    LIBBPF_OPTS(bpf_raw_tp_opts, o, .tp_name = name, .cookie = 0xa1b2c3d4e5f60718ULL);
    CHECK(bpf_raw_tracepoint_open_opts(9, &o) == 3);
    check_sent(k, name, 9, 0xa1b2c3d4e5f60718ULL);
}

TEST_CASE("raw_tracepoint_open_opts: NULL opts sends neither name nor cookie")
{
    FakeKernel k;
    k.then_return(3);
    CHECK(bpf_raw_tracepoint_open_opts(9, nullptr) == 3);
    check_sent(k, nullptr, 9, 0);
}

TEST_CASE("raw_tracepoint_open_opts: every historical opts size")
{
    for (size_t sz : historical::raw_tp) {
        FakeKernel k;
        k.then_return(3);
        bpf_raw_tp_opts o{};
        o.sz = sz;
        o.tp_name = "x";
        o.cookie = 5;
        CHECK(bpf_raw_tracepoint_open_opts(2, &o) == 3);
        check_sent(k, o.tp_name, 2, 5);
    }
}

TEST_CASE("raw_tracepoint_open_opts: sz rules")
{
    FakeKernel k;
    alignas(8) unsigned char b[40] = {};
    auto *o = reinterpret_cast<bpf_raw_tp_opts *>(b);
    static const char name[] = "n";
    SECTION("sz below sizeof(size_t)")
    {
        o->sz = sizeof(size_t) - 1;
        CHECK(bpf_raw_tracepoint_open_opts(2, o) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK(k.calls.empty());
    }
    SECTION("non-zero byte past cookie")
    {
        o->sz = 40;
        b[30] = 1;
        CHECK(bpf_raw_tracepoint_open_opts(2, o) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK(k.calls.empty());
    }
    SECTION("larger struct with a zero tail")
    {
        o->sz = 40;
        o->tp_name = name;
        o->cookie = 8;
        k.then_return(3);
        CHECK(bpf_raw_tracepoint_open_opts(2, o) == 3);
        check_sent(k, name, 2, 8);
    }
    SECTION("a struct that ends before cookie has no cookie")
    {
        o->sz = offsetof(struct bpf_raw_tp_opts, cookie);
        o->tp_name = name;
        o->cookie = 8; // outside the caller's struct
        k.then_return(3);
        CHECK(bpf_raw_tracepoint_open_opts(2, o) == 3);
        check_sent(k, name, 2, 0);
    }
}
