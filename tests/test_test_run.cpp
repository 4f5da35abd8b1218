// bpf_prog_test_run_opts through the seam: attr bytes, outputs, opts sizes.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "historical_sizes.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

// LIBBPF_OPTS with a few designated fields is the API's intended use.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace sysbpf_test;
using sysbpf::kernel::TestRunAttr;

namespace {

uint64_t addr(const void *p) { return reinterpret_cast<uintptr_t>(p); }

// The kernel's side of a run: outputs written into the attr.
FakeKernel::Answer kernel_writes_outputs(long result)
{
    return [result](int, void *attr, unsigned) {
        auto *a = static_cast<TestRunAttr *>(attr);
        a->retval = 2;
        a->data_size_out = 60;
        a->ctx_size_out = 20;
        a->duration = 345;
        return result;
    };
}

} // namespace

TEST_CASE("test_run: sends 80 bytes with every opts field in place")
{
    FakeKernel k;
    k.then_return(0);
    unsigned char din[64], dout[128], cin[16], cout[32];
    LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = din, .data_out = dout,
                .data_size_in = sizeof(din), .data_size_out = sizeof(dout), .ctx_in = cin,
                .ctx_out = cout, .ctx_size_in = sizeof(cin), .ctx_size_out = sizeof(cout),
                .retval = 77, .repeat = 1000, .duration = 5, .flags = 3, .cpu = 4,
                .batch_size = 64);
    CHECK(bpf_prog_test_run_opts(42, &o) == 0);
    REQUIRE(k.calls.size() == 1);
    CHECK(k.calls[0].cmd == BPF_PROG_TEST_RUN);
    CHECK(k.calls[0].size == 80);

    TestRunAttr expect{};
    expect.prog_fd = 42;
    expect.data_size_in = sizeof(din);
    expect.data_size_out = sizeof(dout);
    expect.data_in = addr(din);
    expect.data_out = addr(dout);
    expect.repeat = 1000;
    expect.duration = 5; // libbpf passes the caller's value in, too
    expect.ctx_size_in = sizeof(cin);
    expect.ctx_size_out = sizeof(cout);
    expect.ctx_in = addr(cin);
    expect.ctx_out = addr(cout);
    expect.flags = 3;
    expect.cpu = 4;
    expect.batch_size = 64;
    auto a = k.attr<TestRunAttr>();
    CHECK(std::memcmp(&a, &expect, TestRunAttr::kSize) == 0);
    CHECK(a.retval == 0); // retval is an output only
}

TEST_CASE("test_run: NULL opts sends only the prog fd")
{
    FakeKernel k;
    k.then_return(0);
    CHECK(bpf_prog_test_run_opts(7, nullptr) == 0);
    REQUIRE(k.calls.size() == 1);
    TestRunAttr expect{};
    expect.prog_fd = 7;
    auto a = k.attr<TestRunAttr>();
    CHECK(std::memcmp(&a, &expect, TestRunAttr::kSize) == 0);
}

TEST_CASE("test_run: a negative repeat travels as its u32 bits")
{
    FakeKernel k;
    k.then_return(0);
    LIBBPF_OPTS(bpf_test_run_opts, o, .repeat = -1);
    bpf_prog_test_run_opts(3, &o);
    CHECK(k.attr<TestRunAttr>().repeat == 0xffffffffu);
}

TEST_CASE("test_run: outputs are written back on success")
{
    FakeKernel k;
    k.then(kernel_writes_outputs(0));
    LIBBPF_OPTS(bpf_test_run_opts, o, .data_size_out = 100, .ctx_size_out = 50);
    errno = 1234;
    CHECK(bpf_prog_test_run_opts(3, &o) == 0);
    CHECK(errno == 1234);
    CHECK(o.retval == 2);
    CHECK(o.data_size_out == 60);
    CHECK(o.ctx_size_out == 20);
    CHECK(o.duration == 345);
}

TEST_CASE("test_run: outputs are written back on failure too")
{
    FakeKernel k;
    k.then(kernel_writes_outputs(-ENOSPC));
    LIBBPF_OPTS(bpf_test_run_opts, o, .data_size_out = 10);
    errno = 0;
    CHECK(bpf_prog_test_run_opts(3, &o) == -ENOSPC);
    CHECK(errno == ENOSPC);
    CHECK(o.data_size_out == 60);
    CHECK(o.ctx_size_out == 20);
    CHECK(o.duration == 345);
    CHECK(o.retval == 2);
}

TEST_CASE("test_run: outputs the kernel left alone come back as sent")
{
    FakeKernel k;
    k.then_return(-EBADF);
    LIBBPF_OPTS(bpf_test_run_opts, o, .data_size_out = 10, .ctx_size_out = 11, .retval = 9,
                .duration = 8);
    CHECK(bpf_prog_test_run_opts(3, &o) == -EBADF);
    CHECK(o.data_size_out == 10);
    CHECK(o.ctx_size_out == 11);
    CHECK(o.duration == 8);
    CHECK(o.retval == 0); // never sent: the attr's zero comes back, as in libbpf
}

TEST_CASE("test_run: every historical opts size is honoured")
{
    for (size_t sz : historical::test_run) {
        INFO("sz " << sz);
        FakeKernel k;
        k.then(kernel_writes_outputs(0));
        bpf_test_run_opts o{};
        o.sz = sz;
        o.batch_size = 9;
        CHECK(bpf_prog_test_run_opts(3, &o) == 0);
        CHECK(k.calls[0].size == 80);
        CHECK(k.attr<TestRunAttr>().batch_size == 9);
        CHECK(o.retval == 2);
        CHECK(o.duration == 345);
    }
}

TEST_CASE("test_run: a shorter struct is read and written only within sz")
{
    FakeKernel k;
    k.fallback = kernel_writes_outputs(0);
    bpf_test_run_opts o{};
    o.data_size_out = 100;
    o.ctx_size_out = 100;
    o.retval = 1;
    o.repeat = 5;
    o.duration = 6;
    o.cpu = 7;
    SECTION("sz up to ctx_size_out")
    {
        o.sz = SYSBPF_END_OF(bpf_test_run_opts, ctx_size_out);
        CHECK(bpf_prog_test_run_opts(3, &o) == 0);
        auto a = k.attr<TestRunAttr>();
        CHECK(a.ctx_size_out == 100);
        CHECK(a.repeat == 0);
        CHECK(a.duration == 0);
        CHECK(a.cpu == 0);
        CHECK(o.ctx_size_out == 20);
        CHECK(o.data_size_out == 60);
        CHECK(o.retval == 1); // past sz: untouched
        CHECK(o.duration == 6);
    }
    SECTION("sz up to retval: retval written, repeat not read")
    {
        o.sz = SYSBPF_END_OF(bpf_test_run_opts, retval);
        CHECK(bpf_prog_test_run_opts(3, &o) == 0);
        CHECK(k.attr<TestRunAttr>().repeat == 0);
        CHECK(o.retval == 2);
        CHECK(o.duration == 6);
    }
    SECTION("sz up to duration: duration read and written, cpu not read")
    {
        o.sz = SYSBPF_END_OF(bpf_test_run_opts, duration);
        CHECK(bpf_prog_test_run_opts(3, &o) == 0);
        auto a = k.attr<TestRunAttr>();
        CHECK(a.repeat == 5);
        CHECK(a.duration == 6);
        CHECK(a.cpu == 0);
        CHECK(o.duration == 345);
    }
}

TEST_CASE("test_run: bad opts fail with EINVAL before any syscall")
{
    FakeKernel k;
    unsigned char big[96] = {};
    auto *o = reinterpret_cast<bpf_test_run_opts *>(big);
    for (size_t sz : {size_t{0}, size_t{1}, sizeof(size_t) - 1}) {
        o->sz = sz;
        errno = 0;
        CHECK(bpf_prog_test_run_opts(3, o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    o->sz = sizeof(big);
    big[88] = 1; // past batch_size in a newer caller's struct
    CHECK(bpf_prog_test_run_opts(3, o) == -EINVAL);
    CHECK(errno == EINVAL);
    CHECK(k.calls.empty());
    big[88] = 0;
    k.then_return(0);
    CHECK(bpf_prog_test_run_opts(3, o) == 0);
    CHECK(k.calls.size() == 1);
}

TEST_CASE("test_run: a kernel error comes back as -errno with errno set")
{
    FakeKernel k;
    k.then_return(-524);
    errno = 0;
    CHECK(bpf_prog_test_run_opts(3, nullptr) == -524);
    CHECK(errno == 524);
}
