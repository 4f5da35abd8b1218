// bpf_prog_attach[_opts] and bpf_prog_detach[2|_opts] through the seam.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "historical_sizes.hpp"
#include "kernel/prog_attach_flags.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>

using namespace sysbpf_test;
using sysbpf::kernel::ProgAttachAttr;
using sysbpf::kernel::kAttachAfter;
using sysbpf::kernel::kAttachBefore;
using sysbpf::kernel::kAttachById;

namespace {
template <class T>
T sized(size_t sz)
{
    T o;
    std::memset(&o, 0, sizeof(o));
    o.sz = sz;
    return o;
}

ProgAttachAttr expected(__u32 target, __u32 prog, __u32 type, __u32 flags)
{
    ProgAttachAttr a{};
    a.target_fd = target;
    a.attach_bpf_fd = prog;
    a.attach_type = type;
    a.attach_flags = flags;
    return a;
}

bool same(const ProgAttachAttr &a, const ProgAttachAttr &b)
{
    return std::memcmp(&a, &b, ProgAttachAttr::kSize) == 0;
}
} // namespace

TEST_CASE("prog_attach: BPF_PROG_ATTACH, 32 bytes, flags and nothing else")
{
    FakeKernel k;
    CHECK(bpf_prog_attach(5, 6, BPF_CGROUP_INET_INGRESS, BPF_F_ALLOW_MULTI) == 0);
    REQUIRE(k.calls.size() == 1);
    CHECK(k.calls[0].cmd == BPF_PROG_ATTACH);
    CHECK(k.calls[0].size == 32);
    CHECK(same(k.attr<ProgAttachAttr>(),
               expected(6, 5, BPF_CGROUP_INET_INGRESS, BPF_F_ALLOW_MULTI)));
}

TEST_CASE("prog_attach_opts: replace_fd, relative_fd and expected_revision in place")
{
    FakeKernel k;
    LIBBPF_OPTS(bpf_prog_attach_opts, o, .flags = BPF_F_ALLOW_MULTI | BPF_F_REPLACE,
                .replace_fd = 8, .relative_fd = 9, .expected_revision = 0x1122334455ull);
    CHECK(bpf_prog_attach_opts(5, 6, BPF_CGROUP_INET_EGRESS, &o) == 0);
    CHECK(k.calls[0].size == 32);
    auto e = expected(6, 5, BPF_CGROUP_INET_EGRESS, BPF_F_ALLOW_MULTI | BPF_F_REPLACE);
    e.replace_bpf_fd = 8;
    e.relative_fd = 9;
    e.expected_revision = 0x1122334455ull;
    CHECK(same(k.attr<ProgAttachAttr>(), e));
}

TEST_CASE("prog_attach_opts: relative_id goes in the relative slot with BPF_F_ID added")
{
    FakeKernel k;
    LIBBPF_OPTS(bpf_prog_attach_opts, o, .flags = kAttachBefore, .relative_id = 77);
    CHECK(bpf_prog_attach_opts(5, 6, BPF_CGROUP_INET_INGRESS, &o) == 0);
    auto e = expected(6, 5, BPF_CGROUP_INET_INGRESS, kAttachBefore | kAttachById);
    e.relative_fd = 77;
    CHECK(same(k.attr<ProgAttachAttr>(), e));
    // BPF_F_ID passed by the caller with a relative_fd is sent as given.
    LIBBPF_OPTS(bpf_prog_attach_opts, o2, .flags = kAttachAfter | kAttachById, .relative_fd = 4);
    CHECK(bpf_prog_attach_opts(5, 6, BPF_CGROUP_INET_INGRESS, &o2) == 0);
    CHECK(k.attr<ProgAttachAttr>(1).attach_flags == (kAttachAfter | kAttachById));
    CHECK(k.attr<ProgAttachAttr>(1).relative_fd == 4);
}

TEST_CASE("prog_attach_opts / detach_opts: relative_fd and relative_id together is EINVAL, no syscall")
{
    FakeKernel k;
    LIBBPF_OPTS(bpf_prog_attach_opts, a, .relative_fd = 3, .relative_id = 4);
    errno = 0;
    CHECK(bpf_prog_attach_opts(5, 6, BPF_CGROUP_INET_INGRESS, &a) == -EINVAL);
    CHECK(errno == EINVAL);
    LIBBPF_OPTS(bpf_prog_detach_opts, d, .relative_fd = 3, .relative_id = 4);
    errno = 0;
    CHECK(bpf_prog_detach_opts(5, 6, BPF_CGROUP_INET_INGRESS, &d) == -EINVAL);
    CHECK(errno == EINVAL);
    CHECK(k.calls.empty());
    // A negative relative_fd still counts as given.
    LIBBPF_OPTS(bpf_prog_attach_opts, n, .relative_fd = -1, .relative_id = 4);
    CHECK(bpf_prog_attach_opts(5, 6, BPF_CGROUP_INET_INGRESS, &n) == -EINVAL);
    CHECK(k.calls.empty());
}

TEST_CASE("prog_attach_opts: every historical opts size; fields past sz are not read")
{
    for (size_t sz : historical::prog_attach) {
        INFO("sz " << sz);
        FakeKernel k;
        auto o = sized<struct bpf_prog_attach_opts>(sz);
        o.flags = BPF_F_REPLACE;
        o.replace_fd = 7;           // 12..16, every release
        o.relative_fd = 8;          // 16..20, since 1.3
        o.relative_id = 9;          // both set: EINVAL only when both are read
        o.expected_revision = 10;   // 24..32, since 1.3
        int r = bpf_prog_attach_opts(5, 6, BPF_CGROUP_INET_INGRESS, &o);
        if (sz < SYSBPF_END_OF(bpf_prog_attach_opts, relative_id)) {
            CHECK(r == 0);
            auto e = expected(6, 5, BPF_CGROUP_INET_INGRESS, BPF_F_REPLACE);
            e.replace_bpf_fd = 7;
            CHECK(same(k.attr<ProgAttachAttr>(), e));
        } else {
            CHECK(r == -EINVAL);
            CHECK(k.calls.empty());
            o.relative_id = 0;
            CHECK(bpf_prog_attach_opts(5, 6, BPF_CGROUP_INET_INGRESS, &o) == 0);
            auto e = expected(6, 5, BPF_CGROUP_INET_INGRESS, BPF_F_REPLACE);
            e.replace_bpf_fd = 7;
            e.relative_fd = 8;
            e.expected_revision = 10;
            CHECK(same(k.attr<ProgAttachAttr>(), e));
        }
    }
    FakeKernel k;
    auto o = sized<struct bpf_prog_attach_opts>(
        SYSBPF_END_OF(bpf_prog_attach_opts, relative_fd)); // relative_fd in, relative_id out
    o.relative_fd = 8;
    o.relative_id = 9;
    CHECK(bpf_prog_attach_opts(5, 6, BPF_CGROUP_INET_INGRESS, &o) == 0);
    CHECK(k.attr<ProgAttachAttr>().relative_fd == 8);
    CHECK(k.attr<ProgAttachAttr>().attach_flags == 0);
}

TEST_CASE("prog_attach_opts: NULL opts and bad opts")
{
    FakeKernel k;
    CHECK(bpf_prog_attach_opts(5, 6, BPF_CGROUP_INET_INGRESS, nullptr) == 0);
    CHECK(same(k.attr<ProgAttachAttr>(), expected(6, 5, BPF_CGROUP_INET_INGRESS, 0)));
    unsigned char big[48] = {};
    auto *o = reinterpret_cast<struct bpf_prog_attach_opts *>(big);
    o->sz = sizeof(big);
    const size_t known = SYSBPF_END_OF(bpf_prog_attach_opts, expected_revision);
    big[known] = 1;
    CHECK(bpf_prog_attach_opts(5, 6, BPF_CGROUP_INET_INGRESS, o) == -EINVAL);
    CHECK(errno == EINVAL);
    big[known] = 0;
    o->sz = sizeof(size_t) - 1;
    CHECK(bpf_prog_attach_opts(5, 6, BPF_CGROUP_INET_INGRESS, o) == -EINVAL);
    CHECK(k.calls.size() == 1);
    o->sz = sizeof(big);
    CHECK(bpf_prog_attach_opts(5, 6, BPF_CGROUP_INET_INGRESS, o) == 0);
    CHECK(k.calls.size() == 2);
}

TEST_CASE("prog_detach / detach2: BPF_PROG_DETACH, 32 bytes")
{
    FakeKernel k;
    CHECK(bpf_prog_detach(6, BPF_CGROUP_INET_SOCK_CREATE) == 0);
    CHECK(bpf_prog_detach2(5, 6, BPF_CGROUP_INET_EGRESS) == 0);
    REQUIRE(k.calls.size() == 2);
    CHECK(k.calls[0].cmd == BPF_PROG_DETACH);
    CHECK(k.calls[0].size == 32);
    CHECK(same(k.attr<ProgAttachAttr>(0), expected(6, 0, BPF_CGROUP_INET_SOCK_CREATE, 0)));
    CHECK(k.calls[1].cmd == BPF_PROG_DETACH);
    CHECK(k.calls[1].size == 32);
    CHECK(same(k.attr<ProgAttachAttr>(1), expected(6, 5, BPF_CGROUP_INET_EGRESS, 0)));
}

TEST_CASE("prog_detach_opts: flags, relative fd/id and expected_revision; never a replace fd")
{
    FakeKernel k;
    LIBBPF_OPTS(bpf_prog_detach_opts, o, .flags = kAttachAfter, .relative_fd = 12,
                .expected_revision = 3);
    CHECK(bpf_prog_detach_opts(5, 6, BPF_CGROUP_INET_INGRESS, &o) == 0);
    auto e = expected(6, 5, BPF_CGROUP_INET_INGRESS, kAttachAfter);
    e.relative_fd = 12;
    e.expected_revision = 3;
    CHECK(same(k.attr<ProgAttachAttr>(0), e));

    LIBBPF_OPTS(bpf_prog_detach_opts, byid, .flags = kAttachBefore, .relative_id = 99);
    CHECK(bpf_prog_detach_opts(5, 6, BPF_CGROUP_INET_INGRESS, &byid) == 0);
    e = expected(6, 5, BPF_CGROUP_INET_INGRESS, kAttachBefore | kAttachById);
    e.relative_fd = 99;
    CHECK(same(k.attr<ProgAttachAttr>(1), e));
    CHECK(k.calls[1].size == 32);
}

TEST_CASE("prog_detach_opts: every historical opts size; fields past sz are not read")
{
    for (size_t sz : historical::prog_detach) {
        FakeKernel k;
        auto o = sized<struct bpf_prog_detach_opts>(sz);
        o.flags = 1;
        o.relative_fd = 2;
        o.expected_revision = 4;
        CHECK(bpf_prog_detach_opts(5, 6, BPF_CGROUP_INET_INGRESS, &o) == 0);
        auto a = k.attr<ProgAttachAttr>();
        CHECK(a.attach_flags == 1);
        CHECK(a.relative_fd == 2);
        CHECK(a.expected_revision == 4);
    }
    FakeKernel k;
    auto o = sized<struct bpf_prog_detach_opts>(
        offsetof(struct bpf_prog_detach_opts, expected_revision)); // revision outside
    o.relative_id = 2;
    o.expected_revision = 4;
    CHECK(bpf_prog_detach_opts(5, 6, BPF_CGROUP_INET_INGRESS, &o) == 0);
    CHECK(k.attr<ProgAttachAttr>().attach_flags == kAttachById);
    CHECK(k.attr<ProgAttachAttr>().relative_fd == 2);
    CHECK(k.attr<ProgAttachAttr>().expected_revision == 0);
    unsigned char big[40] = {};
    auto *b = reinterpret_cast<struct bpf_prog_detach_opts *>(big);
    b->sz = sizeof(big);
    big[39] = 1;
    CHECK(bpf_prog_detach_opts(5, 6, BPF_CGROUP_INET_INGRESS, b) == -EINVAL);
    CHECK(k.calls.size() == 1);
}

TEST_CASE("attach/detach: kernel errors come back as -errno with errno set; success keeps errno")
{
    FakeKernel k;
    k.then_return(-EPERM);
    k.then_return(-ENOENT);
    k.then_return(-ESTALE);
    errno = 0;
    CHECK(bpf_prog_attach(5, 6, BPF_CGROUP_INET_INGRESS, 0) == -EPERM);
    CHECK(errno == EPERM);
    CHECK(bpf_prog_detach2(5, 6, BPF_CGROUP_INET_INGRESS) == -ENOENT);
    CHECK(errno == ENOENT);
    LIBBPF_OPTS(bpf_prog_detach_opts, o, .expected_revision = 1);
    CHECK(bpf_prog_detach_opts(5, 6, BPF_CGROUP_INET_INGRESS, &o) == -ESTALE);
    CHECK(errno == ESTALE);
    errno = 4321;
    CHECK(bpf_prog_attach(5, 6, BPF_CGROUP_INET_INGRESS, 0) == 0);
    CHECK(bpf_prog_detach(6, BPF_CGROUP_INET_INGRESS) == 0);
    CHECK(errno == 4321);
}
