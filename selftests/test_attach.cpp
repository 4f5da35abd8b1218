// Attaching cgroup_skb programs to a throw-away cgroup v2 directory, and
// querying the hook, on the real kernel.
#include "harness/harness.hpp"
#include "kernel_helpers.hpp"
#include "kernel_refusal.hpp"
#include "obj_attach_fixtures.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

using namespace selftest;
using Ids = std::vector<__u32>;

namespace {
constexpr bpf_attach_type kIngress = BPF_CGROUP_INET_INGRESS;

Ids ids(int cg) { return attached_ids(cg, kIngress); }

__u64 revision(int cg)
{
    LIBBPF_OPTS(bpf_prog_query_opts, q);
    return bpf_prog_query_opts(cg, kIngress, &q) == 0 ? q.revision : 0;
}

int attach_multi(int prog, int cg) { return bpf_prog_attach(prog, cg, kIngress, BPF_F_ALLOW_MULTI); }

// A raw bpf(BPF_PROG_QUERY) of cg's ingress hook, with prog_attach_flags
// (6.0) set or not: 0 or the errno.
int raw_query(int cg, bool with_flags)
{
    __u32 ids[4], flags[4];
    bpf_attr a;
    std::memset(&a, 0, sizeof(a));
    a.query.target_fd = static_cast<__u32>(cg);
    a.query.attach_type = kIngress;
    a.query.prog_ids = reinterpret_cast<uintptr_t>(ids);
    a.query.prog_cnt = 4;
    if (with_flags)
        a.query.prog_attach_flags = reinterpret_cast<uintptr_t>(flags);
    return ::syscall(__NR_bpf, BPF_PROG_QUERY, &a, sizeof(a)) == 0 ? 0 : errno;
}

// The skip reason when the kernel refuses prog_attach_flags in a query
// (before 6.0: EINVAL for the bytes past BPF_PROG_QUERY's last field), shown
// by raw calls with and without it; else "".
std::string prog_attach_flags_refusal(int cg)
{
    if (raw_query(cg, true) != EINVAL || raw_query(cg, false) != 0)
        return "";
    return "kernel lacks prog_attach_flags in BPF_PROG_QUERY (6.0+): raw bpf() gives EINVAL with it, "
           "0 without";
}
} // namespace

TEST_CASE("prog_attach: BPF_F_ALLOW_MULTI programs in attach order; query ids, count, flags")
{
    Cgroup cg;
    if (!cg.ok()) {
        SKIP_IF_REFUSED(cgroup2_refusal(cg.error()));
        FAIL("no cgroup v2 directory: " << errstr(cg.error()));
    }
    Fd p1 = load_cgroup_skb(), p2 = load_cgroup_skb();
    REQUIRE(p1 >= 3);
    REQUIRE(p2 >= 3);
    const __u32 id1 = prog_id(p1), id2 = prog_id(p2);

    errno = 1234;
    REQUIRE(attach_multi(p1, cg.fd()) == 0);
    REQUIRE(attach_multi(p2, cg.fd()) == 0);
    CHECK(errno == 1234);

    __u32 got[4] = {}, flags[4] = {};
    LIBBPF_OPTS(bpf_prog_query_opts, q, .prog_ids = got, .count = 4, .prog_attach_flags = flags);
    int r = bpf_prog_query_opts(cg.fd(), kIngress, &q);
    const std::string no_flags = r == -EINVAL ? prog_attach_flags_refusal(cg.fd()) : "";
    if (!no_flags.empty()) { // the rest of the query without them
        q.prog_attach_flags = nullptr;
        q.count = 4;
        r = bpf_prog_query_opts(cg.fd(), kIngress, &q);
    }
    REQUIRE(r == 0);
    CHECK(q.count == 2);
    CHECK(got[0] == id1);
    CHECK(got[1] == id2);
    CHECK(q.attach_flags == BPF_F_ALLOW_MULTI);
    if (no_flags.empty()) {
        CHECK(flags[0] == BPF_F_ALLOW_MULTI);
        CHECK(flags[1] == BPF_F_ALLOW_MULTI);
    }

    // count only: no id array
    LIBBPF_OPTS(bpf_prog_query_opts, c);
    REQUIRE(bpf_prog_query_opts(cg.fd(), kIngress, &c) == 0);
    CHECK(c.count == 2);
    CHECK(c.attach_flags == BPF_F_ALLOW_MULTI);

    // too small an array: ENOSPC, the first ids, and the real count
    __u32 one[1] = {};
    LIBBPF_OPTS(bpf_prog_query_opts, s, .prog_ids = one, .count = 1);
    CHECK(bpf_prog_query_opts(cg.fd(), kIngress, &s) == -ENOSPC);
    CHECK(errno == ENOSPC);
    CHECK(s.count == 2);
    CHECK(one[0] == id1);

    // the other hook is empty
    LIBBPF_OPTS(bpf_prog_query_opts, e);
    REQUIRE(bpf_prog_query_opts(cg.fd(), BPF_CGROUP_INET_EGRESS, &e) == 0);
    CHECK(e.count == 0);
    if (!no_flags.empty())
        SKIP_TEST(no_flags);
}

TEST_CASE("prog_query: the legacy form fills attach_flags, ids and prog_cnt")
{
    Cgroup cg;
    if (!cg.ok()) {
        SKIP_IF_REFUSED(cgroup2_refusal(cg.error()));
        FAIL("no cgroup v2 directory: " << errstr(cg.error()));
    }
    Fd p1 = load_cgroup_skb(), p2 = load_cgroup_skb();
    REQUIRE(attach_multi(p1, cg.fd()) == 0);
    REQUIRE(attach_multi(p2, cg.fd()) == 0);
    __u32 flags = 0, got[4] = {}, cnt = 4;
    errno = 1234;
    REQUIRE(bpf_prog_query(cg.fd(), kIngress, 0, &flags, got, &cnt) == 0);
    CHECK(errno == 1234);
    CHECK(flags == BPF_F_ALLOW_MULTI);
    CHECK(cnt == 2);
    CHECK(got[0] == prog_id(p1));
    CHECK(got[1] == prog_id(p2));
    cnt = 0;
    REQUIRE(bpf_prog_query(cg.fd(), kIngress, 0, nullptr, nullptr, &cnt) == 0);
    CHECK(cnt == 2);
    cnt = 1;
    CHECK(bpf_prog_query(cg.fd(), kIngress, 0, &flags, got, &cnt) == -ENOSPC);
    CHECK(errno == ENOSPC);
    CHECK(cnt == 2);
}

TEST_CASE("prog_attach: without flags a new program replaces the old; mixing modes is EPERM")
{
    Cgroup cg;
    if (!cg.ok()) {
        SKIP_IF_REFUSED(cgroup2_refusal(cg.error()));
        FAIL("no cgroup v2 directory: " << errstr(cg.error()));
    }
    Fd p1 = load_cgroup_skb(), p2 = load_cgroup_skb(), p3 = load_cgroup_skb();
    REQUIRE(bpf_prog_attach(p1, cg.fd(), kIngress, 0) == 0);
    REQUIRE(bpf_prog_attach(p2, cg.fd(), kIngress, 0) == 0);
    CHECK(ids(cg.fd()) == Ids{prog_id(p2)});
    CHECK(attach_multi(p3, cg.fd()) == -EPERM);
    CHECK(errno == EPERM);

    // bpf_prog_detach: no program needed when only one can be attached
    REQUIRE(bpf_prog_detach(cg.fd(), kIngress) == 0);
    CHECK(ids(cg.fd()).empty());

    REQUIRE(bpf_prog_attach(p1, cg.fd(), kIngress, BPF_F_ALLOW_OVERRIDE) == 0);
    LIBBPF_OPTS(bpf_prog_query_opts, q);
    REQUIRE(bpf_prog_query_opts(cg.fd(), kIngress, &q) == 0);
    CHECK(q.attach_flags == BPF_F_ALLOW_OVERRIDE);
    REQUIRE(bpf_prog_detach2(p1, cg.fd(), kIngress) == 0);

    REQUIRE(attach_multi(p1, cg.fd()) == 0);
    CHECK(bpf_prog_attach(p2, cg.fd(), kIngress, 0) == -EPERM);
    CHECK(errno == EPERM);
    CHECK(ids(cg.fd()) == Ids{prog_id(p1)});
}

TEST_CASE("prog_attach_opts: BPF_F_REPLACE swaps a program in place")
{
    Cgroup cg;
    if (!cg.ok()) {
        SKIP_IF_REFUSED(cgroup2_refusal(cg.error()));
        FAIL("no cgroup v2 directory: " << errstr(cg.error()));
    }
    Fd p1 = load_cgroup_skb(), p2 = load_cgroup_skb(), p3 = load_cgroup_skb();
    Fd p4 = load_cgroup_skb();
    REQUIRE(attach_multi(p1, cg.fd()) == 0);
    REQUIRE(attach_multi(p2, cg.fd()) == 0);

    LIBBPF_OPTS(bpf_prog_attach_opts, o, .flags = BPF_F_ALLOW_MULTI | BPF_F_REPLACE,
                .replace_fd = p1);
    REQUIRE(bpf_prog_attach_opts(p3, cg.fd(), kIngress, &o) == 0);
    CHECK(ids(cg.fd()) == (Ids{prog_id(p3), prog_id(p2)}));

    // p1 is no longer attached: nothing to replace
    int r = bpf_prog_attach_opts(p4, cg.fd(), kIngress, &o);
    CHECK(r == -ENOENT);
    CHECK(errno == -r);
    // BPF_F_REPLACE needs BPF_F_ALLOW_MULTI
    LIBBPF_OPTS(bpf_prog_attach_opts, single, .flags = BPF_F_REPLACE, .replace_fd = p2);
    CHECK(bpf_prog_attach_opts(p4, cg.fd(), kIngress, &single) == -EINVAL);
    CHECK(errno == EINVAL);
    CHECK(ids(cg.fd()) == (Ids{prog_id(p3), prog_id(p2)}));
}

TEST_CASE("prog_detach2 / detach_opts remove one program; ENOENT when it is not attached")
{
    Cgroup cg;
    if (!cg.ok()) {
        SKIP_IF_REFUSED(cgroup2_refusal(cg.error()));
        FAIL("no cgroup v2 directory: " << errstr(cg.error()));
    }
    Fd p1 = load_cgroup_skb(), p2 = load_cgroup_skb(), p3 = load_cgroup_skb();
    Fd spare = load_cgroup_skb();
    for (int p : {p1.get(), p2.get(), p3.get()})
        REQUIRE(attach_multi(p, cg.fd()) == 0);

    // several attached: detaching "whatever is there" is refused
    CHECK(bpf_prog_detach(cg.fd(), kIngress) == -EINVAL);
    CHECK(errno == EINVAL);

    errno = 1234;
    REQUIRE(bpf_prog_detach2(p2, cg.fd(), kIngress) == 0);
    CHECK(errno == 1234);
    CHECK(ids(cg.fd()) == (Ids{prog_id(p1), prog_id(p3)}));
    REQUIRE(bpf_prog_detach_opts(p1, cg.fd(), kIngress, nullptr) == 0);
    CHECK(ids(cg.fd()) == Ids{prog_id(p3)});

    CHECK(bpf_prog_detach2(p2, cg.fd(), kIngress) == -ENOENT);
    CHECK(errno == ENOENT);
    CHECK(bpf_prog_detach_opts(spare, cg.fd(), kIngress, nullptr) == -ENOENT);
    CHECK(errno == ENOENT);
    CHECK(bpf_prog_detach2(p3, cg.fd(), BPF_CGROUP_INET_EGRESS) == -ENOENT);

    LIBBPF_OPTS(bpf_prog_detach_opts, o);
    REQUIRE(bpf_prog_detach_opts(p3, cg.fd(), kIngress, &o) == 0);
    CHECK(ids(cg.fd()).empty());
}

TEST_CASE("prog_attach_opts: BPF_F_BEFORE / BPF_F_AFTER ordering by relative fd and id")
{
    Cgroup cg;
    if (!cg.ok()) {
        SKIP_IF_REFUSED(cgroup2_refusal(cg.error()));
        FAIL("no cgroup v2 directory: " << errstr(cg.error()));
    }
    Fd p1 = load_cgroup_skb(), p2 = load_cgroup_skb(), p3 = load_cgroup_skb();
    Fd p4 = load_cgroup_skb(), p5 = load_cgroup_skb(), loose = load_cgroup_skb();
    REQUIRE(attach_multi(p1, cg.fd()) == 0);
    LIBBPF_OPTS(bpf_prog_attach_opts, before1, .flags = BPF_F_ALLOW_MULTI | kFlagBefore,
                .relative_fd = p1);
    int r = bpf_prog_attach_opts(p2, cg.fd(), kIngress, &before1);
    if (r == -EINVAL) {
        RawAttr raw; // target_fd, attach_bpf_fd, attach_type, attach_flags, relative_fd
        raw.u32(0, static_cast<__u32>(cg.fd())).u32(4, static_cast<__u32>(p2.get())).u32(8, kIngress);
        raw.u32(12, BPF_F_ALLOW_MULTI | kFlagBefore).u32(16, static_cast<__u32>(p1.get()));
        SKIP_IF_REFUSED(kernel_lacks(kCgroupMprog, -r, raw_bpf_err(BPF_PROG_ATTACH, raw), "BPF_PROG_ATTACH",
                                     no_cgroup_mprog()));
    }
    REQUIRE(r == 0);
    const __u32 id1 = prog_id(p1), id2 = prog_id(p2), id3 = prog_id(p3), id4 = prog_id(p4),
                id5 = prog_id(p5);
    CHECK(ids(cg.fd()) == (Ids{id2, id1}));

    // by id: the library adds BPF_F_ID
    LIBBPF_OPTS(bpf_prog_attach_opts, after2, .flags = BPF_F_ALLOW_MULTI | kFlagAfter,
                .relative_id = id2);
    REQUIRE(bpf_prog_attach_opts(p3, cg.fd(), kIngress, &after2) == 0);
    CHECK(ids(cg.fd()) == (Ids{id2, id3, id1}));

    // no anchor: the very front or the very end
    LIBBPF_OPTS(bpf_prog_attach_opts, front, .flags = BPF_F_ALLOW_MULTI | kFlagBefore);
    REQUIRE(bpf_prog_attach_opts(p4, cg.fd(), kIngress, &front) == 0);
    LIBBPF_OPTS(bpf_prog_attach_opts, back, .flags = BPF_F_ALLOW_MULTI | kFlagAfter);
    REQUIRE(bpf_prog_attach_opts(p5, cg.fd(), kIngress, &back) == 0);
    const Ids order{id4, id2, id3, id1, id5};
    CHECK(ids(cg.fd()) == order);

    SECTION("ENOENT: the anchor is not attached")
    {
        LIBBPF_OPTS(bpf_prog_attach_opts, o, .flags = BPF_F_ALLOW_MULTI | kFlagBefore,
                    .relative_fd = loose);
        Fd p = load_cgroup_skb();
        CHECK(bpf_prog_attach_opts(p, cg.fd(), kIngress, &o) == -ENOENT);
        CHECK(errno == ENOENT);
    }
    SECTION("EPERM: ordering flags without BPF_F_ALLOW_MULTI")
    {
        LIBBPF_OPTS(bpf_prog_attach_opts, o, .flags = kFlagAfter, .relative_id = id1);
        CHECK(bpf_prog_attach_opts(loose, cg.fd(), kIngress, &o) == -EPERM);
        CHECK(errno == EPERM);
    }
    SECTION("EINVAL: an anchor without BPF_F_BEFORE or BPF_F_AFTER")
    {
        LIBBPF_OPTS(bpf_prog_attach_opts, o, .flags = BPF_F_ALLOW_MULTI, .relative_fd = p1);
        CHECK(bpf_prog_attach_opts(loose, cg.fd(), kIngress, &o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EINVAL from the library: both relative_fd and relative_id")
    {
        LIBBPF_OPTS(bpf_prog_attach_opts, o, .flags = BPF_F_ALLOW_MULTI | kFlagBefore,
                    .relative_fd = p1, .relative_id = id1);
        CHECK(bpf_prog_attach_opts(loose, cg.fd(), kIngress, &o) == -EINVAL);
        CHECK(errno == EINVAL);
        LIBBPF_OPTS(bpf_prog_detach_opts, d, .relative_fd = p1, .relative_id = id1);
        CHECK(bpf_prog_detach_opts(p1, cg.fd(), kIngress, &d) == -EINVAL);
    }
    SECTION("EINVAL: cgroup detach takes no ordering flags or anchor (measured on 6.18)")
    {
        LIBBPF_OPTS(bpf_prog_detach_opts, d, .flags = kFlagBefore, .relative_fd = p1);
        CHECK(bpf_prog_detach_opts(p3, cg.fd(), kIngress, &d) == -EINVAL);
        CHECK(errno == EINVAL);
        LIBBPF_OPTS(bpf_prog_detach_opts, di, .flags = kFlagAfter, .relative_id = id2);
        CHECK(bpf_prog_detach_opts(p3, cg.fd(), kIngress, &di) == -EINVAL);
    }
    CHECK(ids(cg.fd()) == order);
}

TEST_CASE("expected_revision: attach and detach at a stale revision fail with ESTALE")
{
    Cgroup cg;
    if (!cg.ok()) {
        SKIP_IF_REFUSED(cgroup2_refusal(cg.error()));
        FAIL("no cgroup v2 directory: " << errstr(cg.error()));
    }
    const __u64 rev0 = revision(cg.fd());
    if (rev0 == 0) {
        RawAttr query; // target_fd, attach_type; revision at 56
        query.u32(0, static_cast<__u32>(cg.fd())).u32(4, kIngress);
        __u64 raw_rev = 1;
        if (raw_bpf(BPF_PROG_QUERY, query) == 0)
            std::memcpy(&raw_rev, query.bytes + 56, sizeof(raw_rev));
        const std::string lacks = no_cgroup_mprog();
        if (raw_rev == 0 && !lacks.empty())
            SKIP_TEST(std::string("kernel without ") + kCgroupMprog + ": " + lacks +
                      "; raw bpf(BPF_PROG_QUERY) reports revision 0 too");
    }
    REQUIRE(rev0 != 0);
    Fd p1 = load_cgroup_skb(), p2 = load_cgroup_skb();

    LIBBPF_OPTS(bpf_prog_attach_opts, at0, .flags = BPF_F_ALLOW_MULTI, .expected_revision = rev0);
    REQUIRE(bpf_prog_attach_opts(p1, cg.fd(), kIngress, &at0) == 0);
    const __u64 rev1 = revision(cg.fd());
    CHECK(rev1 == rev0 + 1);

    CHECK(bpf_prog_attach_opts(p2, cg.fd(), kIngress, &at0) == -ESTALE);
    CHECK(errno == ESTALE);
    CHECK(ids(cg.fd()) == Ids{prog_id(p1)});
    CHECK(revision(cg.fd()) == rev1);

    LIBBPF_OPTS(bpf_prog_detach_opts, dt0, .expected_revision = rev0);
    CHECK(bpf_prog_detach_opts(p1, cg.fd(), kIngress, &dt0) == -ESTALE);
    CHECK(errno == ESTALE);
    LIBBPF_OPTS(bpf_prog_detach_opts, dt1, .expected_revision = rev1);
    REQUIRE(bpf_prog_detach_opts(p1, cg.fd(), kIngress, &dt1) == 0);
    CHECK(ids(cg.fd()).empty());
    CHECK(revision(cg.fd()) == rev1 + 1);
}

TEST_CASE("prog_query_opts: BPF_F_QUERY_EFFECTIVE shows what a child cgroup inherits")
{
    Cgroup parent;
    if (!parent.ok()) {
        SKIP_IF_REFUSED(cgroup2_refusal(parent.error()));
        FAIL("no cgroup v2 directory: " << errstr(parent.error()));
    }
    Cgroup child(&parent);
    REQUIRE(child.ok());
    Fd p1 = load_cgroup_skb(), p2 = load_cgroup_skb();
    REQUIRE(attach_multi(p1, parent.fd()) == 0);
    REQUIRE(attach_multi(p2, child.fd()) == 0);

    CHECK(ids(child.fd()) == Ids{prog_id(p2)});
    __u32 got[4] = {};
    LIBBPF_OPTS(bpf_prog_query_opts, q, .query_flags = BPF_F_QUERY_EFFECTIVE, .prog_ids = got,
                .count = 4);
    REQUIRE(bpf_prog_query_opts(child.fd(), kIngress, &q) == 0);
    REQUIRE(q.count == 2);
    // the effective array runs the child's programs first
    CHECK(got[0] == prog_id(p2));
    CHECK(got[1] == prog_id(p1));

    // per-program flags make no sense for the effective set
    __u32 flags[4];
    LIBBPF_OPTS(bpf_prog_query_opts, bad, .query_flags = BPF_F_QUERY_EFFECTIVE, .prog_ids = got,
                .count = 4, .prog_attach_flags = flags);
    CHECK(bpf_prog_query_opts(child.fd(), kIngress, &bad) == -EINVAL);
    CHECK(errno == EINVAL);
}

TEST_CASE("prog_attach / detach / query: documented errors")
{
    Cgroup cg;
    if (!cg.ok()) {
        SKIP_IF_REFUSED(cgroup2_refusal(cg.error()));
        FAIL("no cgroup v2 directory: " << errstr(cg.error()));
    }
    Fd prog = load_cgroup_skb();
    REQUIRE(prog >= 3);
    Fd map(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr));
    REQUIRE(map >= 3);
    int fds_before = open_fd_count();

    SECTION("EINVAL: attach type that does not fit the program type")
    {
        CHECK(bpf_prog_attach(prog, cg.fd(), BPF_CGROUP_INET_SOCK_CREATE, 0) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK(bpf_prog_attach(prog, cg.fd(), static_cast<bpf_attach_type>(9999), 0) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EINVAL: a map fd is not a program")
    {
        CHECK(bpf_prog_attach(map, cg.fd(), kIngress, 0) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EINVAL: the same program twice at one hook")
    {
        REQUIRE(attach_multi(prog, cg.fd()) == 0);
        CHECK(attach_multi(prog, cg.fd()) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK(ids(cg.fd()).size() == 1);
    }
    SECTION("EBADF: target or program fd not open")
    {
        CHECK(bpf_prog_attach(prog, 100000, kIngress, 0) == -EBADF);
        CHECK(errno == EBADF);
        CHECK(bpf_prog_attach(100000, cg.fd(), kIngress, 0) == -EBADF);
        CHECK(errno == EBADF);
        CHECK(bpf_prog_detach2(prog, 100000, kIngress) == -EBADF);
        CHECK(errno == EBADF);
        CHECK(bpf_prog_detach(-1, kIngress) == -EBADF);
        CHECK(errno == EBADF);
        LIBBPF_OPTS(bpf_prog_query_opts, q);
        CHECK(bpf_prog_query_opts(100000, kIngress, &q) == -EBADF);
        CHECK(errno == EBADF);
    }
    SECTION("EBADF: querying an fd that is not a cgroup")
    {
        LIBBPF_OPTS(bpf_prog_query_opts, q);
        CHECK(bpf_prog_query_opts(map, kIngress, &q) == -EBADF);
        CHECK(errno == EBADF);
    }
    SECTION("EINVAL: query with unknown query_flags or attach type")
    {
        LIBBPF_OPTS(bpf_prog_query_opts, q, .query_flags = 1u << 8);
        CHECK(bpf_prog_query_opts(cg.fd(), kIngress, &q) == -EINVAL);
        CHECK(errno == EINVAL);
        LIBBPF_OPTS(bpf_prog_query_opts, t);
        CHECK(bpf_prog_query_opts(cg.fd(), static_cast<bpf_attach_type>(9999), &t) == -EINVAL);
    }
    SECTION("EINVAL for bad opts, before the kernel is asked")
    {
        struct bpf_prog_attach_opts o{};
        o.sz = 2;
        CHECK(bpf_prog_attach_opts(prog, cg.fd(), kIngress, &o) == -EINVAL);
        CHECK(errno == EINVAL);
        unsigned char big[48] = {};
        auto *q = reinterpret_cast<struct bpf_prog_query_opts *>(big);
        q->sz = sizeof(big); // smaller than today's struct is fine...
        CHECK(bpf_prog_query_opts(cg.fd(), kIngress, q) == 0);
        unsigned char huge[80] = {};
        auto *h = reinterpret_cast<struct bpf_prog_query_opts *>(huge);
        h->sz = sizeof(huge);
        huge[72] = 1; // ...a larger one needs a zero tail
        CHECK(bpf_prog_query_opts(cg.fd(), kIngress, h) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    CHECK(open_fd_count() == fds_before);
}
