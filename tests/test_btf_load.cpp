// bpf_btf_load through the seam: attr bytes, opts sizes, log rules, fallbacks.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "historical_sizes.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <sys/resource.h>
#include <unistd.h>

using namespace sysbpf_test;
using sysbpf::kernel::BtfLoadAttr;

namespace {

constexpr __u32 kTokenFdFlag = 1u << 16; // BPF_F_TOKEN_FD (Linux 6.9)

const unsigned char blob[64] = {0x9f, 0xeb, 1, 0};
char log_buf[256];

uintptr_t p(const void *x) { return reinterpret_cast<uintptr_t>(x); }

// A kernel answer: writes btf_log_true_size, returns r.
FakeKernel::Answer answer(long r, unsigned true_size)
{
    return [r, true_size](int, void *attr, unsigned) {
        static_cast<BtfLoadAttr *>(attr)->btf_log_true_size = true_size;
        return r;
    };
}

} // namespace

TEST_CASE("btf_load: sends 40 bytes with every argument in place")
{
    FakeKernel k;
    k.then_return(30);
    LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log_buf, .log_level = 2,
                .log_size = sizeof(log_buf), .btf_flags = kTokenFdFlag, .token_fd = 12);
    CHECK(bpf_btf_load(blob, sizeof(blob), &o) == 30);
    REQUIRE(k.calls.size() == 1);
    CHECK(k.calls[0].cmd == BPF_BTF_LOAD);
    CHECK(k.calls[0].size == 40);
    BtfLoadAttr expect{};
    expect.btf = p(blob);
    expect.btf_log_buf = p(log_buf);
    expect.btf_size = sizeof(blob);
    expect.btf_log_size = sizeof(log_buf);
    expect.btf_log_level = 2;
    expect.btf_flags = kTokenFdFlag;
    expect.btf_token_fd = 12;
    CHECK(std::memcmp(k.calls[0].bytes.data(), &expect, 40) == 0);
    auto a = k.attr<BtfLoadAttr>();
    CHECK(a.btf == p(blob));
    CHECK(a.btf_size == sizeof(blob));
    CHECK(a.btf_log_buf == p(log_buf));
    CHECK(a.btf_log_size == sizeof(log_buf));
    CHECK(a.btf_log_level == 2);
    CHECK(a.btf_log_true_size == 0);
    CHECK(a.btf_flags == kTokenFdFlag);
    CHECK(a.btf_token_fd == 12);
}

TEST_CASE("btf_load: NULL opts send only the blob")
{
    FakeKernel k;
    k.then_return(4);
    errno = 99;
    CHECK(bpf_btf_load(blob, 24, nullptr) == 4);
    CHECK(errno == 99);
    BtfLoadAttr expect{};
    expect.btf = p(blob);
    expect.btf_size = 24;
    REQUIRE(k.calls.size() == 1);
    CHECK(std::memcmp(k.calls[0].bytes.data(), &expect, 40) == 0);
}

TEST_CASE("btf_load: btf_size is truncated to 32 bits, as libbpf does")
{
    if (sizeof(size_t) <= 4)
        SKIP_TEST("size_t is 32 bits on this target: a btf_size cannot be wider than the attr's");
    FakeKernel k;
    k.then_return(-E2BIG);
    CHECK(bpf_btf_load(blob, static_cast<size_t>((std::uint64_t{1} << 32) + 16), nullptr) == -E2BIG);
    CHECK(k.attr<BtfLoadAttr>().btf_size == 16);
}

TEST_CASE("btf_load: every historical opts size is honoured")
{
    for (size_t sz : historical::btf_load) {
        INFO("sz " << sz);
        FakeKernel k;
        k.then(answer(5, 77));
        bpf_btf_load_opts o{};
        o.log_buf = log_buf;
        o.log_level = 1;
        o.log_size = 100;
        o.log_true_size = 0xdead;
        o.btf_flags = 6; // since 1.4 (1.2's sz covers it: read)
        o.token_fd = 7;  // since 1.4
        o.sz = sz;
        REQUIRE(bpf_btf_load(blob, 8, &o) == 5);
        auto a = k.attr<BtfLoadAttr>();
        CHECK(a.btf_log_buf == p(log_buf));
        CHECK(a.btf_log_level == 1);
        CHECK(a.btf_log_size == 100);
        CHECK(a.btf_flags == (sz >= SYSBPF_END_OF(bpf_btf_load_opts, btf_flags) ? 6u : 0u));
        CHECK(a.btf_token_fd == (sz >= SYSBPF_END_OF(bpf_btf_load_opts, token_fd) ? 7 : 0));
        CHECK(o.log_true_size ==
              (sz >= SYSBPF_END_OF(bpf_btf_load_opts, log_true_size) ? 77u : 0xdeadu));
    }
}

TEST_CASE("btf_load: sz rules")
{
    unsigned char buf[64] = {};
    auto *o = reinterpret_cast<bpf_btf_load_opts *>(buf);
    SECTION("sz below sizeof(size_t): EINVAL before any syscall")
    {
        for (size_t sz : {size_t{0}, size_t{1}, sizeof(size_t) - 1}) {
            FakeKernel k;
            o->sz = sz;
            errno = 0;
            CHECK(bpf_btf_load(blob, 8, o) == -EINVAL);
            CHECK(errno == EINVAL);
            CHECK(k.calls.empty());
        }
    }
    SECTION("sz of sizeof(size_t): nothing but sz, accepted")
    {
        FakeKernel k;
        k.then_return(3);
        o->sz = sizeof(size_t);
        o->log_level = 1;
        CHECK(bpf_btf_load(blob, 8, o) == 3);
        CHECK(k.attr<BtfLoadAttr>().btf_log_level == 0);
    }
    SECTION("larger struct with a zero tail is accepted")
    {
        FakeKernel k;
        k.then_return(3);
        o->sz = sizeof(buf);
        o->token_fd = 8;
        CHECK(bpf_btf_load(blob, 8, o) == 3);
        CHECK(k.attr<BtfLoadAttr>().btf_token_fd == 8);
    }
    SECTION("non-zero byte in today's tail padding or past it: EINVAL, no syscall")
    {
        FakeKernel k;
        o->sz = sizeof(buf);
        const size_t known = SYSBPF_END_OF(bpf_btf_load_opts, token_fd);
        buf[known] = 1; // padding after token_fd, or past the struct
        CHECK(bpf_btf_load(blob, 8, o) == -EINVAL);
        CHECK(errno == EINVAL);
        buf[known] = 0;
        buf[63] = 1;
        CHECK(bpf_btf_load(blob, 8, o) == -EINVAL);
        o->sz = known + 4;
        buf[63] = 0;
        buf[known + 3] = 1;
        CHECK(bpf_btf_load(blob, 8, o) == -EINVAL);
        CHECK(k.calls.empty());
    }
}

TEST_CASE("btf_load: log_size without log_buf is EINVAL before any syscall")
{
    FakeKernel k;
    for (__u32 level : {0u, 1u}) {
        LIBBPF_OPTS(bpf_btf_load_opts, o, .log_level = level, .log_size = 64);
        errno = 0;
        CHECK(bpf_btf_load(blob, 8, &o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    CHECK(k.calls.empty());
}

TEST_CASE("btf_load: log_buf without log_size goes to the kernel as is")
{
    FakeKernel k;
    k.then_return(-EINVAL);
    LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log_buf, .log_level = 1);
    CHECK(bpf_btf_load(blob, 8, &o) == -EINVAL);
    REQUIRE(k.calls.size() == 1);
    auto a = k.attr<BtfLoadAttr>();
    CHECK(a.btf_log_buf == p(log_buf));
    CHECK(a.btf_log_size == 0);
    CHECK(a.btf_log_level == 1);
}

TEST_CASE("btf_load: log_level 0 with a log_buf")
{
    LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log_buf, .log_size = sizeof(log_buf));
    SECTION("success: one quiet call, no log sent")
    {
        FakeKernel k;
        k.then_return(6);
        CHECK(bpf_btf_load(blob, 8, &o) == 6);
        REQUIRE(k.calls.size() == 1);
        auto a = k.attr<BtfLoadAttr>();
        CHECK(a.btf_log_buf == 0);
        CHECK(a.btf_log_size == 0);
        CHECK(a.btf_log_level == 0);
        CHECK(o.log_true_size == 0);
    }
    SECTION("failure: retried once with the log at level 1; that answer stands")
    {
        FakeKernel k;
        k.then_return(-EINVAL);
        k.then(answer(-EINVAL, 120));
        errno = 0;
        CHECK(bpf_btf_load(blob, 8, &o) == -EINVAL);
        CHECK(errno == EINVAL);
        REQUIRE(k.calls.size() == 2);
        CHECK(k.attr<BtfLoadAttr>(0).btf_log_level == 0);
        CHECK(k.attr<BtfLoadAttr>(0).btf_log_buf == 0);
        auto a = k.attr<BtfLoadAttr>(1);
        CHECK(a.btf_log_buf == p(log_buf));
        CHECK(a.btf_log_size == sizeof(log_buf));
        CHECK(a.btf_log_level == 1);
        CHECK(a.btf == p(blob));
        CHECK(a.btf_size == 8);
        CHECK(o.log_true_size == 120);
    }
    SECTION("failure then success on the retry: the retry's fd is returned")
    {
        FakeKernel k;
        k.then_return(-ENOMEM);
        k.then_return(9);
        errno = 55;
        CHECK(bpf_btf_load(blob, 8, &o) == 9);
        CHECK(k.calls.size() == 2);
    }
}

TEST_CASE("btf_load: no log retry without a log_buf or with a log_level set")
{
    SECTION("log_level 0, no buffer")
    {
        FakeKernel k;
        k.then_return(-EINVAL);
        LIBBPF_OPTS(bpf_btf_load_opts, o);
        CHECK(bpf_btf_load(blob, 8, &o) == -EINVAL);
        CHECK(k.calls.size() == 1);
    }
    SECTION("log_level 1")
    {
        FakeKernel k;
        k.then(answer(-EINVAL, 30));
        LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log_buf, .log_level = 1,
                    .log_size = sizeof(log_buf));
        CHECK(bpf_btf_load(blob, 8, &o) == -EINVAL);
        CHECK(k.calls.size() == 1);
        CHECK(o.log_true_size == 30);
    }
}

TEST_CASE("btf_load: log_true_size is written back on failure, only inside sz")
{
    SECTION("ENOSPC from a short buffer: the true size comes back")
    {
        FakeKernel k;
        k.then(answer(-ENOSPC, 4000));
        LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log_buf, .log_level = 1, .log_size = 16);
        CHECK(bpf_btf_load(blob, 8, &o) == -ENOSPC);
        CHECK(errno == ENOSPC);
        CHECK(o.log_true_size == 4000);
    }
    SECTION("sz of libbpf 1.0: the byte after the struct is never written")
    {
        FakeKernel k;
        k.then(answer(-ENOSPC, 4000));
        bpf_btf_load_opts o{};
        o.sz = *historical::btf_load.begin();
        o.log_buf = log_buf;
        o.log_level = 1;
        o.log_size = 16;
        o.log_true_size = 0x1234;
        CHECK(bpf_btf_load(blob, 8, &o) == -ENOSPC);
        CHECK(o.log_true_size == 0x1234);
    }
    SECTION("a kernel that does not report it: 0 is written, as libbpf does")
    {
        FakeKernel k;
        k.then_return(7);
        LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log_buf, .log_level = 1,
                    .log_size = sizeof(log_buf), .log_true_size = 99);
        CHECK(bpf_btf_load(blob, 8, &o) == 7);
        CHECK(o.log_true_size == 0);
    }
}

TEST_CASE("btf_load: modern kernel EPERM is not retried")
{
    FakeKernel k;
    k.then_return(-EPERM); // load
    k.then([](int cmd, void *, unsigned) { return cmd == BPF_PROG_LOAD ? 9L : -1L; });
    int saved9 = dup(0); // the fake's "fd 9" gets closed by the probe: make it real
    dup2(saved9, 9);
    errno = 0;
    CHECK(bpf_btf_load(blob, 8, nullptr) == -EPERM);
    CHECK(errno == EPERM);
    REQUIRE(k.calls.size() == 2);
    CHECK(k.calls[1].cmd == BPF_PROG_LOAD);
    close(saved9);
}

TEST_CASE("btf_load: old kernel EPERM raises RLIMIT_MEMLOCK once and retries, then the log")
{
    FakeKernel k;
    k.then_return(-EPERM);  // load
    k.then_return(-EINVAL); // memcg probe: helper unknown
    k.then_return(-EINVAL); // retried load, still quiet
    k.then(answer(12, 0));  // log retry
    struct rlimit cur;
    getrlimit(RLIMIT_MEMLOCK, &cur);
    REQUIRE(libbpf_set_memlock_rlim(cur.rlim_max) == 0);
    LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log_buf, .log_size = sizeof(log_buf));
    CHECK(bpf_btf_load(blob, 8, &o) == 12);
    REQUIRE(k.calls.size() == 4);
    CHECK(k.calls[0].cmd == BPF_BTF_LOAD);
    CHECK(k.calls[1].cmd == BPF_PROG_LOAD);
    CHECK(k.calls[2].cmd == BPF_BTF_LOAD);
    CHECK(k.attr<BtfLoadAttr>(2).btf_log_level == 0);
    CHECK(k.calls[3].cmd == BPF_BTF_LOAD);
    CHECK(k.attr<BtfLoadAttr>(3).btf_log_level == 1);
    CHECK(libbpf_set_memlock_rlim(1 << 20) == -EBUSY);
}

TEST_CASE("btf_load: btf carries no name: E2BIG is returned without a retry")
{
    FakeKernel k;
    k.then_return(-E2BIG);
    CHECK(bpf_btf_load(blob, 8, nullptr) == -E2BIG);
    CHECK(errno == E2BIG);
    CHECK(k.calls.size() == 1);
}
