// bpf_link_create, bpf_link_detach, bpf_link_update and bpf_iter_create
// through the seam: exact attr bytes per attach-type kind, opts sizes, the
// raw tracepoint fallback.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "historical_sizes.hpp"
#include "kernel/attach_type.hpp"
#include "kernel/prog_attach_flags.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>
#include <vector>

// LIBBPF_OPTS leaves the fields it is not given to its memset.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace sysbpf_test;
using sysbpf::kernel::AttachType;
using sysbpf::kernel::LinkCreateAttr;
namespace tail = sysbpf::kernel::link_tail;

namespace {

bpf_attach_type at(AttachType t) { return static_cast<bpf_attach_type>(t); }

template <class Tail>
LinkCreateAttr<Tail> expect_head(__u32 prog, __u32 target, AttachType t, __u32 flags = 0)
{
    LinkCreateAttr<Tail> a{};
    a.prog_fd = prog;
    a.target_fd = target;
    a.attach_type = static_cast<__u32>(t);
    a.flags = flags;
    return a;
}

// Call `i` was BPF_LINK_CREATE with exactly these 64 bytes.
template <class Tail>
void check_sent(const FakeKernel &k, const LinkCreateAttr<Tail> &expect, size_t i = 0)
{
    REQUIRE(k.calls.size() > i);
    CHECK(k.calls[i].cmd == BPF_LINK_CREATE);
    CHECK(k.calls[i].size == 64);
    REQUIRE(k.calls[i].bytes.size() == 64);
    CHECK(std::memcmp(k.calls[i].bytes.data(), &expect, 64) == 0);
}

// opts as a raw buffer, for stray bytes and odd sizes.
struct RawOpts {
    alignas(8) unsigned char b[96] = {};
    explicit RawOpts(size_t sz) { std::memcpy(b, &sz, sizeof(sz)); }
    bpf_link_create_opts *get() { return reinterpret_cast<bpf_link_create_opts *>(b); }
};

constexpr AttachType kCgroupKinds[] = {
    AttachType::CgroupInetIngress,      AttachType::CgroupInetEgress,
    AttachType::CgroupInetSockCreate,   AttachType::CgroupInetSockRelease,
    AttachType::CgroupInet4Bind,        AttachType::CgroupInet6Bind,
    AttachType::CgroupInet4PostBind,    AttachType::CgroupInet6PostBind,
    AttachType::CgroupInet4Connect,     AttachType::CgroupInet6Connect,
    AttachType::CgroupUnixConnect,      AttachType::CgroupInet4Getpeername,
    AttachType::CgroupInet6Getpeername, AttachType::CgroupUnixGetpeername,
    AttachType::CgroupInet4Getsockname, AttachType::CgroupInet6Getsockname,
    AttachType::CgroupUnixGetsockname,  AttachType::CgroupUdp4Sendmsg,
    AttachType::CgroupUdp6Sendmsg,      AttachType::CgroupUnixSendmsg,
    AttachType::CgroupUdp4Recvmsg,      AttachType::CgroupUdp6Recvmsg,
    AttachType::CgroupUnixRecvmsg,      AttachType::CgroupSockOps,
    AttachType::CgroupDevice,           AttachType::CgroupSysctl,
    AttachType::CgroupGetsockopt,       AttachType::CgroupSetsockopt,
    AttachType::LsmCgroup,
};

constexpr AttachType kTracingKinds[] = {
    AttachType::TraceRawTp, AttachType::TraceFentry,   AttachType::TraceFexit,
    AttachType::ModifyReturn, AttachType::TraceFsession, AttachType::LsmMac,
};

// Kinds that take nothing but flags.
constexpr AttachType kPlainKinds[] = {
    AttachType::Xdp,           AttachType::SkSkbStreamParser, AttachType::SkSkbStreamVerdict,
    AttachType::SkMsgVerdict,  AttachType::SkSkbVerdict,      AttachType::StructOps,
    AttachType::SkLookup,      AttachType::FlowDissector,     AttachType::LircMode2,
    AttachType::XdpDevmap,     AttachType::SkReuseportSelect,
};

} // namespace

TEST_CASE("link_create: plain attach (XDP), NULL opts: head only, 64 bytes")
{
    FakeKernel k;
    k.then_return(42);
    errno = 1234;
    CHECK(bpf_link_create(5, 7, BPF_XDP, nullptr) == 42);
    CHECK(errno == 1234); // success leaves errno alone
    REQUIRE(k.calls.size() == 1);
    check_sent(k, expect_head<tail::None>(5, 7, AttachType::Xdp));
}

TEST_CASE("link_create: plain kinds send flags and nothing else")
{
    for (AttachType t : kPlainKinds) {
        INFO("attach type " << static_cast<unsigned>(t));
        FakeKernel k;
        k.then_return(3);
        LIBBPF_OPTS(bpf_link_create_opts, o, .flags = 0x1234);
        CHECK(bpf_link_create(5, 7, at(t), &o) == 3);
        check_sent(k, expect_head<tail::None>(5, 7, t, 0x1234));
    }
}

TEST_CASE("link_create: plain kinds refuse any byte after flags")
{
    static const __u64 cookie = 1;
    for (AttachType t : kPlainKinds) {
        INFO("attach type " << static_cast<unsigned>(t));
        FakeKernel k;
        LIBBPF_OPTS(bpf_link_create_opts, o1, .iter_info = (bpf_iter_link_info *)&cookie);
        CHECK(bpf_link_create(5, 7, at(t), &o1) == -EINVAL);
        LIBBPF_OPTS(bpf_link_create_opts, o2, .tcx = {.relative_fd = 0, .relative_id = 9});
        CHECK(bpf_link_create(5, 7, at(t), &o2) == -EINVAL);
        LIBBPF_OPTS(bpf_link_create_opts, o3);
        o3.uprobe_multi.pid = 1;
        CHECK(bpf_link_create(5, 7, at(t), &o3) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK(k.calls.empty());
    }
}

TEST_CASE("link_create: target_btf_id (freplace) goes into the first tail word")
{
    FakeKernel k;
    k.then_return(9);
    LIBBPF_OPTS(bpf_link_create_opts, o, .flags = 2, .target_btf_id = 77);
    CHECK(bpf_link_create(5, 6, (bpf_attach_type)0, &o) == 9);
    auto e = expect_head<tail::TargetBtfId>(5, 6, AttachType::CgroupInetIngress, 2);
    e.tail.target_btf_id = 77;
    check_sent(k, e);
}

TEST_CASE("link_create: target_btf_id wins over every attach type's own fields")
{
    for (AttachType t : {AttachType::TraceFentry, AttachType::TcxIngress, AttachType::PerfEvent,
                         AttachType::TraceIter, AttachType::CgroupInetEgress}) {
        INFO("attach type " << static_cast<unsigned>(t));
        FakeKernel k;
        k.then_return(3);
        LIBBPF_OPTS(bpf_link_create_opts, o, .target_btf_id = 5);
        CHECK(bpf_link_create(4, 0, at(t), &o) == 3);
        auto e = expect_head<tail::TargetBtfId>(4, 0, t);
        e.tail.target_btf_id = 5;
        check_sent(k, e);
    }
}

TEST_CASE("link_create: target_btf_id with an iter_info pointer: the pointer is ignored")
{
    FakeKernel k;
    k.then_return(3);
    bpf_iter_link_info info{};
    LIBBPF_OPTS(bpf_link_create_opts, o, .iter_info = &info, .target_btf_id = 5);
    CHECK(bpf_link_create(4, 0, BPF_TRACE_ITER, &o) == 3);
    auto e = expect_head<tail::TargetBtfId>(4, 0, AttachType::TraceIter);
    e.tail.target_btf_id = 5;
    check_sent(k, e);
}

TEST_CASE("link_create: target_btf_id refuses iter_info_len and any union field")
{
    FakeKernel k;
    LIBBPF_OPTS(bpf_link_create_opts, o1, .iter_info_len = 8, .target_btf_id = 5);
    CHECK(bpf_link_create(4, 0, BPF_TRACE_ITER, &o1) == -EINVAL);
    // Even the tracing cookie of the very attach type: libbpf takes the
    // target_btf_id path first and requires the union to be zero.
    LIBBPF_OPTS(bpf_link_create_opts, o2, .target_btf_id = 5, .tracing = {.cookie = 1});
    CHECK(bpf_link_create(4, 0, BPF_TRACE_FENTRY, &o2) == -EINVAL);
    LIBBPF_OPTS(bpf_link_create_opts, o3, .target_btf_id = 5);
    o3.uprobe_multi.pid = 3; // the last byte libbpf knows
    CHECK(bpf_link_create(4, 0, BPF_TRACE_FENTRY, &o3) == -EINVAL);
    CHECK(errno == EINVAL);
    CHECK(k.calls.empty());
}

TEST_CASE("link_create: tracing kinds send the cookie at tail offset 8")
{
    for (AttachType t : kTracingKinds) {
        INFO("attach type " << static_cast<unsigned>(t));
        FakeKernel k;
        k.then_return(3);
        LIBBPF_OPTS(bpf_link_create_opts, o, .flags = 1,
                    .tracing = {.cookie = 0x1122334455667788ULL});
        CHECK(bpf_link_create(4, 8, at(t), &o) == 3);
        auto e = expect_head<tail::Tracing>(4, 8, t, 1);
        e.tail.cookie = 0x1122334455667788ULL;
        check_sent(k, e);

        LIBBPF_OPTS(bpf_link_create_opts, bad, .tracing = {.cookie = 1});
        bad.uprobe_multi.offsets = reinterpret_cast<const unsigned long *>(8); // byte 48
        CHECK(bpf_link_create(4, 8, at(t), &bad) == -EINVAL);
        CHECK(k.calls.size() == 1);
    }
}

TEST_CASE("link_create: iterator with iter_info and iter_info_len")
{
    FakeKernel k;
    k.then_return(3);
    bpf_iter_link_info info{};
    info.map.map_fd = 12;
    LIBBPF_OPTS(bpf_link_create_opts, o, .iter_info = &info, .iter_info_len = sizeof(info));
    CHECK(bpf_link_create(4, 0, BPF_TRACE_ITER, &o) == 3);
    auto e = expect_head<tail::Iter>(4, 0, AttachType::TraceIter);
    e.tail.iter_info = reinterpret_cast<uintptr_t>(&info);
    e.tail.iter_info_len = sizeof(info);
    check_sent(k, e);
}

TEST_CASE("link_create: iterator with iter_info_len refuses union bytes; without, ignores them")
{
    FakeKernel k;
    bpf_iter_link_info info{};
    LIBBPF_OPTS(bpf_link_create_opts, o, .iter_info = &info, .iter_info_len = sizeof(info),
                .perf_event = {.bpf_cookie = 1});
    CHECK(bpf_link_create(4, 0, BPF_TRACE_ITER, &o) == -EINVAL);
    CHECK(k.calls.empty());

    // libbpf has no zero check for the iterator kind itself.
    k.then_return(3);
    o.iter_info_len = 0;
    CHECK(bpf_link_create(4, 0, BPF_TRACE_ITER, &o) == 3);
    auto e = expect_head<tail::Iter>(4, 0, AttachType::TraceIter);
    e.tail.iter_info = reinterpret_cast<uintptr_t>(&info);
    check_sent(k, e);
}

TEST_CASE("link_create: perf_event bpf_cookie")
{
    FakeKernel k;
    k.then_return(3);
    LIBBPF_OPTS(bpf_link_create_opts, o, .perf_event = {.bpf_cookie = 0xdeadbeefcafeULL});
    CHECK(bpf_link_create(4, 11, BPF_PERF_EVENT, &o) == 3);
    auto e = expect_head<tail::PerfEvent>(4, 11, AttachType::PerfEvent);
    e.tail.bpf_cookie = 0xdeadbeefcafeULL;
    check_sent(k, e);

    RawOpts bad(sizeof(bpf_link_create_opts));
    bad.b[40] = 1; // just past perf_event
    CHECK(bpf_link_create(4, 11, BPF_PERF_EVENT, bad.get()) == -EINVAL);
    CHECK(k.calls.size() == 1);
}

TEST_CASE("link_create: kprobe_multi and kprobe_session")
{
    const char *syms[] = {"a", "b"};
    unsigned long addrs[2] = {};
    __u64 cookies[2] = {};
    for (AttachType t : {AttachType::TraceKprobeMulti, AttachType::TraceKprobeSession}) {
        FakeKernel k;
        k.then_return(3);
        LIBBPF_OPTS(bpf_link_create_opts, o, .flags = 0);
        o.kprobe_multi.flags = 1;
        o.kprobe_multi.cnt = 2;
        o.kprobe_multi.syms = syms;
        o.kprobe_multi.addrs = addrs;
        o.kprobe_multi.cookies = cookies;
        CHECK(bpf_link_create(4, 0, at(t), &o) == 3);
        auto e = expect_head<tail::KprobeMulti>(4, 0, t);
        e.tail.flags = 1;
        e.tail.cnt = 2;
        e.tail.syms = reinterpret_cast<uintptr_t>(syms);
        e.tail.addrs = reinterpret_cast<uintptr_t>(addrs);
        e.tail.cookies = reinterpret_cast<uintptr_t>(cookies);
        check_sent(k, e);

        o.uprobe_multi.pid = 1; // past kprobe_multi
        CHECK(bpf_link_create(4, 0, at(t), &o) == -EINVAL);
        CHECK(k.calls.size() == 1);
    }
}

TEST_CASE("link_create: uprobe_multi and uprobe_session")
{
    unsigned long offsets[2] = {}, refs[2] = {};
    __u64 cookies[2] = {};
    for (AttachType t : {AttachType::TraceUprobeMulti, AttachType::TraceUprobeSession}) {
        FakeKernel k;
        k.then_return(3);
        LIBBPF_OPTS(bpf_link_create_opts, o);
        o.uprobe_multi.flags = 1;
        o.uprobe_multi.cnt = 2;
        o.uprobe_multi.path = "/bin/true";
        o.uprobe_multi.offsets = offsets;
        o.uprobe_multi.ref_ctr_offsets = refs;
        o.uprobe_multi.cookies = cookies;
        o.uprobe_multi.pid = 1234;
        CHECK(bpf_link_create(4, 0, at(t), &o) == 3);
        auto e = expect_head<tail::UprobeMulti>(4, 0, t);
        e.tail.flags = 1;
        e.tail.cnt = 2;
        e.tail.path = reinterpret_cast<uintptr_t>(o.uprobe_multi.path);
        e.tail.offsets = reinterpret_cast<uintptr_t>(offsets);
        e.tail.ref_ctr_offsets = reinterpret_cast<uintptr_t>(refs);
        e.tail.cookies = reinterpret_cast<uintptr_t>(cookies);
        e.tail.pid = 1234;
        check_sent(k, e);
    }
}

TEST_CASE("link_create: netfilter")
{
    FakeKernel k;
    k.then_return(3);
    LIBBPF_OPTS(bpf_link_create_opts, o,
                .netfilter = {.pf = 2, .hooknum = 1, .priority = -100, .flags = 1});
    CHECK(bpf_link_create(4, 0, at(AttachType::Netfilter), &o) == 3);
    auto e = expect_head<tail::Netfilter>(4, 0, AttachType::Netfilter);
    e.tail.pf = 2;
    e.tail.hooknum = 1;
    e.tail.priority = -100;
    e.tail.flags = 1;
    check_sent(k, e);

    RawOpts bad(sizeof(bpf_link_create_opts));
    bad.b[SYSBPF_END_OF(bpf_link_create_opts, netfilter)] = 1; // past netfilter
    CHECK(bpf_link_create(4, 0, at(AttachType::Netfilter), bad.get()) == -EINVAL);
    CHECK(k.calls.size() == 1);
}

TEST_CASE("link_create: tcx, netkit and every cgroup kind share the mprog tail")
{
    std::vector<AttachType> kinds = {AttachType::TcxIngress, AttachType::TcxEgress,
                                     AttachType::NetkitPrimary, AttachType::NetkitPeer};
    kinds.insert(kinds.end(), std::begin(kCgroupKinds), std::end(kCgroupKinds));
    for (AttachType t : kinds) {
        INFO("attach type " << static_cast<unsigned>(t));
        FakeKernel k;
        k.then_return(3);
        k.then_return(4);

        // Anchor by fd: flags as given.
        LIBBPF_OPTS(bpf_link_create_opts, o, .flags = sysbpf::kernel::kAttachBefore);
        o.cgroup.relative_fd = 21;
        o.cgroup.expected_revision = 0x100000002ULL;
        CHECK(bpf_link_create(4, 9, at(t), &o) == 3);
        auto e = expect_head<tail::Mprog>(4, 9, t, sysbpf::kernel::kAttachBefore);
        e.tail.relative_fd = 21;
        e.tail.expected_revision = 0x100000002ULL;
        check_sent(k, e, 0);

        // Anchor by id: BPF_F_ID is added.
        o.cgroup.relative_fd = 0;
        o.cgroup.relative_id = 99;
        CHECK(bpf_link_create(4, 9, at(t), &o) == 4);
        e.flags = sysbpf::kernel::kAttachBefore | sysbpf::kernel::kAttachById;
        e.tail.relative_fd = 99;
        check_sent(k, e, 1);

        // Both ways at once, or bytes past the mprog fields: EINVAL.
        o.cgroup.relative_fd = 21;
        CHECK(bpf_link_create(4, 9, at(t), &o) == -EINVAL);
        o.cgroup.relative_fd = 0;
        o.uprobe_multi.ref_ctr_offsets = reinterpret_cast<const unsigned long *>(1); // byte 56
        CHECK(bpf_link_create(4, 9, at(t), &o) == -EINVAL);
        CHECK(k.calls.size() == 2);
    }
}

TEST_CASE("link_create: sz rules")
{
    FakeKernel k;
    SECTION("sz smaller than sz itself")
    {
        RawOpts o(sizeof(size_t) - 1);
        CHECK(bpf_link_create(4, 0, BPF_XDP, o.get()) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("non-zero byte past the last known field (uprobe_multi.pid)")
    {
        const size_t known = SYSBPF_END_OF(bpf_link_create_opts, uprobe_multi.pid);
        RawOpts o(known + 4);
        o.b[known + 1] = 1;
        CHECK(bpf_link_create(4, 0, at(AttachType::TraceUprobeMulti), o.get()) == -EINVAL);
        RawOpts big(96);
        big.b[90] = 1;
        CHECK(bpf_link_create(4, 0, at(AttachType::TraceUprobeMulti), big.get()) == -EINVAL);
    }
    CHECK(k.calls.empty());
    SECTION("a larger struct with a zero tail is accepted")
    {
        RawOpts big(96);
        k.then_return(3);
        CHECK(bpf_link_create(4, 0, BPF_XDP, big.get()) == 3);
        CHECK(k.calls.size() == 1);
    }
}

TEST_CASE("link_create: every historical opts size")
{
    unsigned long offsets[1] = {};
    __u64 cookies[1] = {};
    for (size_t sz : historical::link_create) {
        INFO("sz " << sz);
        FakeKernel k;
        k.then_return(3);
        k.then_return(4);
        // uprobe_multi: cookies and pid exist only in 1.3's larger struct.
        const bool v13 = sz >= SYSBPF_END_OF(bpf_link_create_opts, uprobe_multi.pid);
        bpf_link_create_opts o{};
        o.sz = sz;
        o.flags = 1;
        o.uprobe_multi.cnt = 1;
        o.uprobe_multi.path = "/p";
        o.uprobe_multi.offsets = offsets;
        if (v13) {
            o.uprobe_multi.cookies = cookies;
            o.uprobe_multi.pid = 7;
        }
        CHECK(bpf_link_create(4, 0, at(AttachType::TraceUprobeMulti), &o) == 3);
        auto e = expect_head<tail::UprobeMulti>(4, 0, AttachType::TraceUprobeMulti, 1);
        e.tail.cnt = 1;
        e.tail.path = reinterpret_cast<uintptr_t>(o.uprobe_multi.path);
        e.tail.offsets = reinterpret_cast<uintptr_t>(offsets);
        if (v13) {
            e.tail.cookies = reinterpret_cast<uintptr_t>(cookies);
            e.tail.pid = 7;
        }
        check_sent(k, e, 0);

        // The 64-byte struct holds everything the older kinds take.
        bpf_link_create_opts t{};
        t.sz = sz;
        t.perf_event.bpf_cookie = 5;
        CHECK(bpf_link_create(4, 3, BPF_PERF_EVENT, &t) == 4);
        auto pe = expect_head<tail::PerfEvent>(4, 3, AttachType::PerfEvent);
        pe.tail.bpf_cookie = 5;
        check_sent(k, pe, 1);
    }
}

TEST_CASE("link_create: a kernel error other than EINVAL comes back as is")
{
    FakeKernel k;
    k.then_return(-EPERM);
    errno = 0;
    CHECK(bpf_link_create(4, 0, BPF_TRACE_FENTRY, nullptr) == -EPERM);
    CHECK(errno == EPERM);
    CHECK(k.calls.size() == 1); // no fallback
}

TEST_CASE("link_create: EINVAL falls back to BPF_RAW_TRACEPOINT_OPEN for tracing kinds")
{
    for (AttachType t : {AttachType::TraceRawTp, AttachType::LsmMac, AttachType::TraceFentry,
                         AttachType::TraceFexit, AttachType::ModifyReturn}) {
        INFO("attach type " << static_cast<unsigned>(t));
        for (bool with_opts : {false, true}) {
            FakeKernel k;
            k.then_return(-EINVAL);
            k.then_return(17);
            LIBBPF_OPTS(bpf_link_create_opts, o); // all zero: still falls back
            CHECK(bpf_link_create(6, 0, at(t), with_opts ? &o : nullptr) == 17);
            REQUIRE(k.calls.size() == 2);
            check_sent(k, expect_head<tail::Tracing>(6, 0, t), 0);
            CHECK(k.calls[1].cmd == BPF_RAW_TRACEPOINT_OPEN);
            CHECK(k.calls[1].size == 24);
            sysbpf::kernel::RawTracepointAttr r{};
            r.prog_fd = 6;
            REQUIRE(k.calls[1].bytes.size() == 24);
            CHECK(std::memcmp(k.calls[1].bytes.data(), &r, 24) == 0);
        }
    }
}

TEST_CASE("link_create: the fallback's own error is what the caller gets")
{
    FakeKernel k;
    k.then_return(-EINVAL);
    k.then_return(-ENOENT);
    errno = 0;
    CHECK(bpf_link_create(6, 0, BPF_TRACE_RAW_TP, nullptr) == -ENOENT);
    CHECK(errno == ENOENT);
    CHECK(k.calls.size() == 2);
}

TEST_CASE("link_create: no fallback when the caller asked for more than the program")
{
    struct Case {
        const char *what;
        AttachType type;
        int target_fd;
        bpf_link_create_opts opts;
    };
    auto zero = []() {
        bpf_link_create_opts o{};
        o.sz = sizeof(o);
        return o;
    };
    std::vector<Case> cases;
    cases.push_back({"target fd", AttachType::TraceFentry, 5, zero()});
    auto o = zero();
    o.flags = 1;
    cases.push_back({"flags", AttachType::TraceFentry, 0, o});
    o = zero();
    o.target_btf_id = 3;
    cases.push_back({"target_btf_id", AttachType::TraceFentry, 0, o});
    o = zero();
    o.tracing.cookie = 3;
    cases.push_back({"cookie", AttachType::TraceRawTp, 0, o});
    o = zero();
    o.iter_info = reinterpret_cast<bpf_iter_link_info *>(&o);
    cases.push_back({"iter_info pointer", AttachType::LsmMac, 0, o});
    cases.push_back({"fsession kind", AttachType::TraceFsession, 0, zero()});
    cases.push_back({"XDP kind", AttachType::Xdp, 0, zero()});
    cases.push_back({"iterator kind", AttachType::TraceIter, 0, zero()});
    cases.push_back({"tcx kind", AttachType::TcxIngress, 0, zero()});
    for (auto &c : cases) {
        INFO(c.what);
        FakeKernel k;
        k.then_return(-EINVAL);
        errno = 0;
        CHECK(bpf_link_create(6, c.target_fd, at(c.type), &c.opts) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK(k.calls.size() == 1);
    }
}

TEST_CASE("link_detach: 4 bytes, link fd")
{
    FakeKernel k;
    CHECK(bpf_link_detach(33) == 0);
    REQUIRE(k.calls.size() == 1);
    CHECK(k.calls[0].cmd == BPF_LINK_DETACH);
    CHECK(k.calls[0].size == 4);
    CHECK(k.attr<sysbpf::kernel::LinkDetachAttr>().link_fd == 33);
    k.then_return(-EOPNOTSUPP);
    CHECK(bpf_link_detach(33) == -EOPNOTSUPP);
    CHECK(errno == EOPNOTSUPP);
}

TEST_CASE("link_update: NULL opts sends 16 bytes with the new program only")
{
    FakeKernel k;
    CHECK(bpf_link_update(8, 9, nullptr) == 0);
    REQUIRE(k.calls.size() == 1);
    CHECK(k.calls[0].cmd == BPF_LINK_UPDATE);
    CHECK(k.calls[0].size == 16);
    sysbpf::kernel::LinkUpdateAttr e{};
    e.link_fd = 8;
    e.new_prog_fd = 9;
    CHECK(std::memcmp(k.calls[0].bytes.data(), &e, 16) == 0);
}

TEST_CASE("link_update: flags and old_prog_fd / old_map_fd share one attr field")
{
    FakeKernel k;
    LIBBPF_OPTS(bpf_link_update_opts, o, .flags = BPF_F_REPLACE, .old_prog_fd = 12);
    CHECK(bpf_link_update(8, 9, &o) == 0);
    auto a = k.attr<sysbpf::kernel::LinkUpdateAttr>(0);
    CHECK(a.flags == BPF_F_REPLACE);
    CHECK(a.old_prog_fd == 12);

    LIBBPF_OPTS(bpf_link_update_opts, m, .flags = BPF_F_REPLACE, .old_map_fd = 13);
    CHECK(bpf_link_update(8, 9, &m) == 0);
    CHECK(k.attr<sysbpf::kernel::LinkUpdateAttr>(1).old_prog_fd == 13);

    LIBBPF_OPTS(bpf_link_update_opts, both, .old_prog_fd = 12, .old_map_fd = 13);
    CHECK(bpf_link_update(8, 9, &both) == -EINVAL);
    CHECK(errno == EINVAL);
    CHECK(k.calls.size() == 2);
}

TEST_CASE("link_update: every historical opts size")
{
    for (size_t sz : historical::link_update) {
        INFO("sz " << sz);
        FakeKernel k;
        bpf_link_update_opts o{};
        o.sz = sz;
        o.flags = 4;
        o.old_prog_fd = 5;
        if (sz < SYSBPF_END_OF(bpf_link_update_opts, old_map_fd))
            o.old_map_fd = 6; // past 1.0's struct: never read
        CHECK(bpf_link_update(1, 2, &o) == 0);
        REQUIRE(k.calls.size() == 1);
        CHECK(k.calls[0].size == 16);
        auto a = k.attr<sysbpf::kernel::LinkUpdateAttr>();
        CHECK(a.flags == 4);
        CHECK(a.old_prog_fd == 5);
    }
    FakeKernel k;
    bpf_link_update_opts o{};
    o.sz = sizeof(o);
    o.old_map_fd = 6;
    CHECK(bpf_link_update(1, 2, &o) == 0);
    CHECK(k.attr<sysbpf::kernel::LinkUpdateAttr>().old_prog_fd == 6);
}

TEST_CASE("link_update: sz rules and kernel errors")
{
    FakeKernel k;
    alignas(8) unsigned char b[32] = {};
    auto *o = reinterpret_cast<bpf_link_update_opts *>(b);
    const size_t known = SYSBPF_END_OF(bpf_link_update_opts, old_map_fd);
    o->sz = sizeof(size_t) - 1;
    CHECK(bpf_link_update(1, 2, o) == -EINVAL);
    o->sz = 32;
    b[known + 1] = 1; // past old_map_fd
    CHECK(bpf_link_update(1, 2, o) == -EINVAL);
    CHECK(errno == EINVAL);
    CHECK(k.calls.empty());
    b[known + 1] = 0;
    k.then_return(-EPERM);
    CHECK(bpf_link_update(1, 2, o) == -EPERM);
    CHECK(errno == EPERM);
}

TEST_CASE("iter_create: 8 bytes, returns the new fd")
{
    FakeKernel k;
    k.then_return(23);
    CHECK(bpf_iter_create(5) == 23);
    REQUIRE(k.calls.size() == 1);
    CHECK(k.calls[0].cmd == BPF_ITER_CREATE);
    CHECK(k.calls[0].size == 8);
    sysbpf::kernel::IterCreateAttr e{};
    e.link_fd = 5;
    CHECK(std::memcmp(k.calls[0].bytes.data(), &e, 8) == 0);
    k.then_return(-EINVAL);
    CHECK(bpf_iter_create(5) == -EINVAL);
    CHECK(errno == EINVAL);
}
