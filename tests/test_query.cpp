// bpf_prog_query_opts and bpf_prog_query through the seam.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "historical_sizes.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>

using namespace sysbpf_test;
using sysbpf::kernel::ProgQueryAttr;

namespace {
uintptr_t p(const void *x) { return reinterpret_cast<uintptr_t>(x); }

template <class T>
T sized(size_t sz)
{
    T o;
    std::memset(&o, 0, sizeof(o));
    o.sz = sz;
    return o;
}

// A kernel that reports attach_flags, count and revision and returns `ret`.
FakeKernel::Answer reports(__u32 flags, __u32 count, __u64 revision, long ret = 0)
{
    return [=](int, void *attr, unsigned) {
        auto *a = static_cast<ProgQueryAttr *>(attr);
        a->attach_flags = flags;
        a->prog_cnt = count;
        a->revision = revision;
        return ret;
    };
}

__u32 ids[4], pflags[4], lids[4], lflags[4];
} // namespace

TEST_CASE("prog_query_opts: BPF_PROG_QUERY, 64 bytes, every input in place")
{
    FakeKernel k;
    k.then(reports(BPF_F_ALLOW_MULTI, 2, 9));
    LIBBPF_OPTS(bpf_prog_query_opts, o, .query_flags = BPF_F_QUERY_EFFECTIVE, .prog_ids = ids,
                .prog_cnt = 4, .prog_attach_flags = pflags, .link_ids = lids,
                .link_attach_flags = lflags);
    CHECK(bpf_prog_query_opts(6, BPF_CGROUP_INET_INGRESS, &o) == 0);
    REQUIRE(k.calls.size() == 1);
    CHECK(k.calls[0].cmd == BPF_PROG_QUERY);
    CHECK(k.calls[0].size == 64);
    ProgQueryAttr e{};
    e.target_fd = 6;
    e.attach_type = BPF_CGROUP_INET_INGRESS;
    e.query_flags = BPF_F_QUERY_EFFECTIVE;
    e.prog_ids = p(ids);
    e.prog_cnt = 4;
    e.prog_attach_flags = p(pflags);
    e.link_ids = p(lids);
    e.link_attach_flags = p(lflags);
    auto a = k.attr<ProgQueryAttr>();
    CHECK(std::memcmp(&a, &e, ProgQueryAttr::kSize) == 0);
    CHECK(o.attach_flags == BPF_F_ALLOW_MULTI);
    CHECK(o.count == 2);
    CHECK(o.revision == 9);
    // input fields are left as they were
    CHECK(o.query_flags == BPF_F_QUERY_EFFECTIVE);
    CHECK(o.prog_ids == ids);
}

TEST_CASE("prog_query_opts: NULL opts sends zeros and writes nothing")
{
    FakeKernel k;
    k.then(reports(1, 2, 3));
    CHECK(bpf_prog_query_opts(6, BPF_CGROUP_INET_EGRESS, nullptr) == 0);
    ProgQueryAttr e{};
    e.target_fd = 6;
    e.attach_type = BPF_CGROUP_INET_EGRESS;
    auto a = k.attr<ProgQueryAttr>();
    CHECK(std::memcmp(&a, &e, ProgQueryAttr::kSize) == 0);
}

TEST_CASE("prog_query_opts: outputs are written back even when the kernel fails")
{
    FakeKernel k;
    k.then(reports(0, 7, 4, -ENOSPC));
    LIBBPF_OPTS(bpf_prog_query_opts, o, .prog_ids = ids, .count = 1);
    o.attach_flags = 55;
    errno = 0;
    CHECK(bpf_prog_query_opts(6, BPF_CGROUP_INET_INGRESS, &o) == -ENOSPC);
    CHECK(errno == ENOSPC);
    CHECK(o.count == 7);
    CHECK(o.revision == 4);
    CHECK(o.attach_flags == 0);
}

TEST_CASE("prog_query_opts: every historical size; inputs read and outputs written only within sz")
{
    for (size_t sz : historical::prog_query) {
        INFO("sz " << sz);
        FakeKernel k;
        k.then(reports(2, 3, 4));
        auto o = sized<struct bpf_prog_query_opts>(sz);
        o.query_flags = 1;
        o.prog_ids = ids;
        o.count = 4;
        o.prog_attach_flags = pflags; // every release
        o.link_ids = lids;            // since 1.3
        o.link_attach_flags = lflags; // since 1.3
        o.revision = 99;              // since 1.3
        CHECK(bpf_prog_query_opts(6, BPF_CGROUP_INET_INGRESS, &o) == 0);
        auto a = k.attr<ProgQueryAttr>();
        CHECK(a.query_flags == 1);
        CHECK(a.prog_ids == p(ids));
        CHECK(a.prog_cnt == 4);
        CHECK(a.prog_attach_flags == p(pflags));
        const auto in = [sz](size_t end) { return sz >= end; };
        CHECK(a.link_ids == (in(SYSBPF_END_OF(bpf_prog_query_opts, link_ids)) ? p(lids) : 0));
        CHECK(a.link_attach_flags ==
              (in(SYSBPF_END_OF(bpf_prog_query_opts, link_attach_flags)) ? p(lflags) : 0));
        CHECK(o.attach_flags == 2);
        CHECK(o.count == 3);
        CHECK(o.revision == (in(SYSBPF_END_OF(bpf_prog_query_opts, revision)) ? 4u : 99u));
    }
    FakeKernel k;
    k.then(reports(2, 3, 4));
    auto o = sized<struct bpf_prog_query_opts>(SYSBPF_END_OF(bpf_prog_query_opts, attach_flags));
    o.query_flags = 1;
    o.prog_ids = ids;
    o.count = 4;
    CHECK(bpf_prog_query_opts(6, BPF_CGROUP_INET_INGRESS, &o) == 0);
    auto a = k.attr<ProgQueryAttr>();
    CHECK(a.query_flags == 1);
    CHECK(a.prog_ids == 0);
    CHECK(a.prog_cnt == 0);
    CHECK(o.attach_flags == 2);
    CHECK(o.count == 4); // not ours to write
}

TEST_CASE("prog_query_opts: bad opts fail with EINVAL before any syscall, outputs untouched")
{
    FakeKernel k;
    unsigned char big[72] = {};
    auto *o = reinterpret_cast<struct bpf_prog_query_opts *>(big);
    o->sz = sizeof(big);
    o->count = 5;
    big[70] = 1;
    errno = 0;
    CHECK(bpf_prog_query_opts(6, BPF_CGROUP_INET_INGRESS, o) == -EINVAL);
    CHECK(errno == EINVAL);
    CHECK(o->count == 5);
    o->sz = 3;
    CHECK(bpf_prog_query_opts(6, BPF_CGROUP_INET_INGRESS, o) == -EINVAL);
    CHECK(k.calls.empty());
}

TEST_CASE("prog_query: goes through the 64-byte opts form")
{
    FakeKernel k;
    k.then(reports(BPF_F_ALLOW_OVERRIDE, 2, 8));
    __u32 flags = 0, cnt = 4;
    CHECK(bpf_prog_query(6, BPF_CGROUP_INET_INGRESS, BPF_F_QUERY_EFFECTIVE, &flags, ids, &cnt) == 0);
    CHECK(k.calls[0].cmd == BPF_PROG_QUERY);
    CHECK(k.calls[0].size == 64);
    ProgQueryAttr e{};
    e.target_fd = 6;
    e.attach_type = BPF_CGROUP_INET_INGRESS;
    e.query_flags = BPF_F_QUERY_EFFECTIVE;
    e.prog_ids = p(ids);
    e.prog_cnt = 4;
    auto a = k.attr<ProgQueryAttr>();
    CHECK(std::memcmp(&a, &e, ProgQueryAttr::kSize) == 0);
    CHECK(flags == BPF_F_ALLOW_OVERRIDE);
    CHECK(cnt == 2);
}

TEST_CASE("prog_query: attach_flags may be NULL; outputs written even on failure")
{
    FakeKernel k;
    k.then(reports(1, 3, 0));
    __u32 cnt = 0;
    CHECK(bpf_prog_query(6, BPF_CGROUP_INET_INGRESS, 0, nullptr, nullptr, &cnt) == 0);
    CHECK(cnt == 3);
    CHECK(k.attr<ProgQueryAttr>().prog_ids == 0);

    k.then(reports(BPF_F_ALLOW_MULTI, 9, 0, -ENOSPC));
    __u32 flags = 0;
    cnt = 1;
    errno = 0;
    CHECK(bpf_prog_query(6, BPF_CGROUP_INET_INGRESS, 0, &flags, ids, &cnt) == -ENOSPC);
    CHECK(errno == ENOSPC);
    CHECK(cnt == 9);
    CHECK(flags == BPF_F_ALLOW_MULTI);
    errno = 4321;
    k.then(reports(0, 0, 0));
    CHECK(bpf_prog_query(6, BPF_CGROUP_INET_INGRESS, 0, &flags, ids, &cnt) == 0);
    CHECK(errno == 4321);
}
