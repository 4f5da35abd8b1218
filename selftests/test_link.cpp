// Links on the real kernel: bpf_link_create for every kind this kernel can
// attach (perf_event tracepoints, cgroup, XDP, tcx, netfilter, uprobe_multi,
// sockmap, sk_lookup, struct_ops), bpf_link_update and bpf_link_detach, link info, and
// documented errors. Kinds the kernel cannot do are skipped with its errno.
#include "harness/harness.hpp"
#include "kernel_helpers.hpp"
#include "kernel_refusal.hpp"
#include "link_btf.hpp"
#include "link_cgroup.hpp"
#include "link_fixtures.hpp"
#include "link_netns.hpp"
#include "link_tracefs.hpp"

#include <bpf/bpf.h>

#include <arpa/inet.h>
#include <cerrno>
#include <climits>
#include <cstring>
#include <cstdio>
#include <fcntl.h>
#include <linux/netfilter.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

// LIBBPF_OPTS leaves the fields it is not given to its memset.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace selftest;
using namespace selftest::links;

namespace {

// Attach types and constants newer than the host's <linux/bpf.h>.
constexpr auto kTcxIngress = static_cast<bpf_attach_type>(46);
constexpr auto kTcxEgress = static_cast<bpf_attach_type>(47);
constexpr auto kNetkitPrimary = static_cast<bpf_attach_type>(54);
constexpr auto kNetfilter = static_cast<bpf_attach_type>(45);
constexpr auto kTraceKprobeMulti = static_cast<bpf_attach_type>(42);
constexpr auto kTraceUprobeMulti = static_cast<bpf_attach_type>(48);
constexpr auto kProgNetfilter = static_cast<bpf_prog_type>(32);
constexpr __u32 kLinkSockmap = 14;
constexpr __u32 kFlagBefore = 1u << 3; // BPF_F_BEFORE
constexpr __u32 kFlagLink = 1u << 13;  // BPF_F_LINK: the anchor is a link
constexpr __s32 kTcxNext = -1;         // tcx: run the next program
constexpr __s32 kTcxPass = 0;
constexpr __s32 kNfAccept = 1;
constexpr int kPerfTracepoint = 5; // BPF_PERF_EVENT_TRACEPOINT

__u32 map_id_of(int map_fd)
{
    bpf_map_info mi{};
    __u32 len = sizeof(mi);
    return bpf_map_get_info_by_fd(map_fd, &mi, &len) == 0 ? mi.id : 0;
}

void reset_u64(int map_fd)
{
    __u32 key = 0;
    __u64 zero = 0;
    REQUIRE(bpf_map_update_elem(map_fd, &key, &zero, BPF_ANY) == 0);
}

// A veth pair v0 <-> v1, both up, in the caller's private namespace.
bool veth_pair(PrivateNetns &ns)
{
    return ns.add_veth("v0", "v1") == 0 && ns.set_up("v0") == 0 && ns.set_up("v1") == 0;
}

// This test binary's file offset of `fn` and the file it lives in, for
// uprobes. -1 if not found.
long file_offset_of(const void *fn, std::string &path)
{
    FILE *f = std::fopen("/proc/self/maps", "r");
    if (!f)
        return -1;
    auto addr = reinterpret_cast<unsigned long>(fn);
    char line[4096];
    long found = -1;
    while (std::fgets(line, sizeof(line), f)) {
        unsigned long start, end, off;
        char perms[8], file[4096];
        if (std::sscanf(line, "%lx-%lx %7s %lx %*s %*s %4095s", &start, &end, perms, &off, file) == 5 &&
            addr >= start && addr < end && perms[2] == 'x') {
            found = static_cast<long>(addr - start + off);
            path = file;
            break;
        }
    }
    std::fclose(f);
    return found;
}

} // namespace

extern "C" __attribute__((noinline, used)) int sysbpf_selftest_uprobe_target(int x)
{
    asm volatile("" ::: "memory");
    return x * 3 + 1;
}

// ---------------------------------------------------------------- perf_event

TEST_CASE("link_create: perf_event link on a tracepoint runs the program with its bpf_cookie")
{
    long id = tracepoint_id("raw_syscalls", "sys_enter");
    if (id < 0) {
        SKIP_IF_REFUSED(tracefs_refusal(static_cast<int>(-id)));
        FAIL("tracepoint raw_syscalls:sys_enter: " << errstr(static_cast<int>(-id)));
    }
    Fd event(open_tracepoint_event(id));
    REQUIRE(event >= 0);
    Fd map(u64_array(1));
    REQUIRE(map >= 3);
    std::string skip;
    Fd prog(load_cookie_prog(BPF_PROG_TYPE_TRACEPOINT, map, (bpf_attach_type)0, 0, "tracepoint programs, 5.15",
                             &skip));
    if (prog < 0 && !skip.empty())
        SKIP_TEST(skip);
    REQUIRE(prog >= 3);
    int fds = open_fd_count();

    LIBBPF_OPTS(bpf_link_create_opts, o, .perf_event = {.bpf_cookie = 0x1234567890abcdefULL});
    errno = 0;
    Fd link(bpf_link_create(prog, event, BPF_PERF_EVENT, &o));
    REQUIRE(link >= 3);
    CHECK(errno == 0);
    CHECK(cloexec(link));
    some_syscall();
    CHECK(read_u64(map, 0) == 0x1234567890abcdefULL);

    LinkInfo info;
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.type() == kLinkPerfEvent);
    CHECK(info.prog_id() == prog_id(prog));

    link.reset();
    settle();
    reset_u64(map);
    some_syscall();
    CHECK(read_u64(map, 0) == 0);
    CHECK(open_fd_count() == fds);
}

TEST_CASE("link_create: perf_event link info names the tracepoint and its bpf_cookie (6.6+)")
{
    long id = tracepoint_id("raw_syscalls", "sys_enter");
    if (id < 0) {
        SKIP_IF_REFUSED(tracefs_refusal(static_cast<int>(-id)));
        FAIL("tracepoint raw_syscalls:sys_enter: " << errstr(static_cast<int>(-id)));
    }
    Fd event(open_tracepoint_event(id));
    REQUIRE(event >= 0);
    Fd map(u64_array(1));
    REQUIRE(map >= 3);
    std::string skip;
    Fd prog(load_cookie_prog(BPF_PROG_TYPE_TRACEPOINT, map, (bpf_attach_type)0, 0, "tracepoint programs, 5.15",
                             &skip));
    if (prog < 0 && !skip.empty())
        SKIP_TEST(skip);
    REQUIRE(prog >= 3);
    LIBBPF_OPTS(bpf_link_create_opts, o, .perf_event = {.bpf_cookie = 0x1234567890abcdefULL});
    Fd link(bpf_link_create(prog, event, BPF_PERF_EVENT, &o));
    REQUIRE(link >= 3);
    LinkInfo info;
    REQUIRE(link_info(link, info) == 0);
    REQUIRE(info.type() == kLinkPerfEvent);
    // perf_event.type: BPF_PERF_EVENT_UNSPEC (0) from kernels without
    // ->fill_link_info for perf_event links (added in 6.6).
    LinkInfo raw;
    if (info.u32_at(16) == 0 && raw_link_info(link, raw) == 0 && raw.u32_at(16) == 0)
        SKIP_TEST("kernel fills no perf_event link info (6.6+): perf_event.type is BPF_PERF_EVENT_UNSPEC, "
                  "raw BPF_OBJ_GET_INFO_BY_FD too");
    CHECK(info.u32_at(16) == kPerfTracepoint);
    CHECK(info.u64_at(40) == 0x1234567890abcdefULL); // perf_event.tracepoint.cookie
}

TEST_CASE("link_create: perf_event errors")
{
    Fd prog(load_prog(BPF_PROG_TYPE_TRACEPOINT, return_imm(0)));
    REQUIRE(prog >= 3);
    int fds = open_fd_count();
    // Kernels before 5.15 know no BPF_PERF_EVENT attach type: EINVAL first.
    std::string no_links;
    VmlinuxBtf btf;
    if (btf.ok() && !btf.has_enumerator("bpf_attach_type", "BPF_PERF_EVENT") &&
        raw_link_create(prog, closed_fd(), BPF_PERF_EVENT) == EINVAL)
        no_links = "kernel without perf_event links (5.15+): its BTF's enum bpf_attach_type has no "
                   "BPF_PERF_EVENT; raw BPF_LINK_CREATE gives EINVAL";
    SECTION("EBADF for a target that is not open")
    {
        if (!no_links.empty())
            SKIP_TEST(no_links);
        errno = 0;
        CHECK(no_leak(bpf_link_create(prog, closed_fd(), BPF_PERF_EVENT, nullptr)) == -EBADF);
        CHECK(errno == EBADF);
    }
    SECTION("EBADF for a target that is not a perf event")
    {
        if (!no_links.empty())
            SKIP_TEST(no_links);
        Fd map(u64_array(1));
        CHECK(no_leak(bpf_link_create(prog, map, BPF_PERF_EVENT, nullptr)) == -EBADF);
        CHECK(errno == EBADF);
    }
    SECTION("EINVAL for opts bytes past perf_event, before the kernel is asked")
    {
        LIBBPF_OPTS(bpf_link_create_opts, o);
        o.uprobe_multi.pid = 1;
        CHECK(no_leak(bpf_link_create(prog, 0, BPF_PERF_EVENT, &o)) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    CHECK(open_fd_count() == fds);
}

// ---------------------------------------------------------------- generic errors

TEST_CASE("link_create: documented errors for any kind")
{
    Fd xdp(load_prog(BPF_PROG_TYPE_XDP, return_imm(XDP_PASS)));
    REQUIRE(xdp >= 3);
    int fds = open_fd_count();
    SECTION("EINVAL for an attach type the kernel does not know")
    {
        errno = 0;
        CHECK(no_leak(bpf_link_create(xdp, 1, static_cast<bpf_attach_type>(9999), nullptr)) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EINVAL for an attach type of another program type")
    {
        CHECK(no_leak(bpf_link_create(xdp, 1, BPF_CGROUP_INET_EGRESS, nullptr)) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EBADF for a program fd that is not open")
    {
        CHECK(no_leak(bpf_link_create(closed_fd(), 1, BPF_XDP, nullptr)) == -EBADF);
        CHECK(errno == EBADF);
    }
    SECTION("EINVAL for a program fd that is a map")
    {
        Fd map(u64_array(1));
        CHECK(no_leak(bpf_link_create(map, 1, BPF_XDP, nullptr)) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EINVAL for opts sz below sizeof(size_t), before the kernel is asked")
    {
        bpf_link_create_opts o{};
        o.sz = sizeof(size_t) - 1;
        CHECK(no_leak(bpf_link_create(xdp, 1, BPF_XDP, &o)) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    CHECK(open_fd_count() == fds);
}

TEST_CASE("link_detach / link_update: documented errors on non-links")
{
    Fd map(u64_array(1));
    REQUIRE(map >= 3);
    Fd prog(load_prog(BPF_PROG_TYPE_XDP, return_imm(XDP_PASS)));
    REQUIRE(prog >= 3);
    errno = 0;
    CHECK(bpf_link_detach(closed_fd()) == -EBADF);
    CHECK(errno == EBADF);
    CHECK(bpf_link_detach(map) == -EINVAL);
    CHECK(errno == EINVAL);
    CHECK(bpf_link_update(closed_fd(), prog, nullptr) == -EBADF);
    CHECK(errno == EBADF);
    CHECK(bpf_link_update(map, prog, nullptr) == -EINVAL);
    CHECK(errno == EINVAL);
    LIBBPF_OPTS(bpf_link_update_opts, both, .old_prog_fd = 5, .old_map_fd = 6);
    CHECK(bpf_link_update(map, prog, &both) == -EINVAL); // refused before the kernel
    CHECK(errno == EINVAL);
}

// ---------------------------------------------------------------- cgroup

namespace {

struct CgroupProgs {
    Fd drop{load_prog(BPF_PROG_TYPE_CGROUP_SKB, return_imm(0), BPF_CGROUP_INET_EGRESS)};
    Fd pass{load_prog(BPF_PROG_TYPE_CGROUP_SKB, return_imm(1), BPF_CGROUP_INET_EGRESS)};
};

int child_send(const TempCgroup &cg)
{
    return cg.run_inside([] { return send_udp_loopback(); });
}

} // namespace

TEST_CASE("link_create: cgroup egress link drops a member's packets until closed")
{
    TempCgroup cg;
    if (!cg.ok()) {
        SKIP_IF_REFUSED(cgroup2_refusal(-cg.error()));
        FAIL("no cgroup v2 directory: " << errstr(-cg.error()));
    }
    CgroupProgs p;
    REQUIRE(p.drop >= 3);
    REQUIRE(child_send(cg) == 0);

    Fd link(bpf_link_create(p.drop, cg.fd(), BPF_CGROUP_INET_EGRESS, nullptr));
    REQUIRE(link >= 3);
    CHECK(cloexec(link));
    CHECK(child_send(cg) == EPERM);

    LinkInfo info;
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.type() == kLinkCgroup);
    CHECK(info.prog_id() == prog_id(p.drop));
    struct stat st;
    REQUIRE(::stat(cg.path().c_str(), &st) == 0);
    CHECK(info.u64_at(16) == st.st_ino); // cgroup.cgroup_id
    CHECK(info.u32_at(24) == BPF_CGROUP_INET_EGRESS);

    link.reset();
    CHECK(child_send(cg) == 0);
}

TEST_CASE("link_update: replaces a cgroup link's program; BPF_F_REPLACE checks the old one")
{
    TempCgroup cg;
    if (!cg.ok()) {
        SKIP_IF_REFUSED(cgroup2_refusal(-cg.error()));
        FAIL("no cgroup v2 directory: " << errstr(-cg.error()));
    }
    CgroupProgs p;
    REQUIRE(p.drop >= 3);
    REQUIRE(p.pass >= 3);
    Fd link(bpf_link_create(p.drop, cg.fd(), BPF_CGROUP_INET_EGRESS, nullptr));
    REQUIRE(link >= 3);
    REQUIRE(child_send(cg) == EPERM);

    errno = 0;
    REQUIRE(bpf_link_update(link, p.pass, nullptr) == 0);
    CHECK(errno == 0);
    LinkInfo info;
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.prog_id() == prog_id(p.pass));
    CHECK(child_send(cg) == 0);

    // BPF_F_REPLACE with the wrong old program: EPERM, nothing changes.
    LIBBPF_OPTS(bpf_link_update_opts, wrong, .flags = BPF_F_REPLACE, .old_prog_fd = (__u32)p.drop.get());
    CHECK(bpf_link_update(link, p.drop, &wrong) == -EPERM);
    CHECK(errno == EPERM);
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.prog_id() == prog_id(p.pass));

    // With the right one: replaced.
    LIBBPF_OPTS(bpf_link_update_opts, right, .flags = BPF_F_REPLACE, .old_prog_fd = (__u32)p.pass.get());
    CHECK(bpf_link_update(link, p.drop, &right) == 0);
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.prog_id() == prog_id(p.drop));
    CHECK(child_send(cg) == EPERM);

    // A program of another type: EINVAL.
    Fd xdp(load_prog(BPF_PROG_TYPE_XDP, return_imm(XDP_PASS)));
    CHECK(bpf_link_update(link, xdp, nullptr) == -EINVAL);
    CHECK(errno == EINVAL);
}

TEST_CASE("link_detach: a detached cgroup link reports no cgroup and refuses updates")
{
    TempCgroup cg;
    if (!cg.ok()) {
        SKIP_IF_REFUSED(cgroup2_refusal(-cg.error()));
        FAIL("no cgroup v2 directory: " << errstr(-cg.error()));
    }
    CgroupProgs p;
    REQUIRE(p.drop >= 3);
    Fd link(bpf_link_create(p.drop, cg.fd(), BPF_CGROUP_INET_EGRESS, nullptr));
    REQUIRE(link >= 3);
    REQUIRE(child_send(cg) == EPERM);

    errno = 0;
    CHECK(bpf_link_detach(link) == 0);
    CHECK(errno == 0);
    CHECK(child_send(cg) == 0); // the fd is open, the program is gone
    LinkInfo info;
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.type() == kLinkCgroup);
    CHECK(info.u64_at(16) == 0); // no cgroup any more
    CHECK(bpf_link_update(link, p.pass, nullptr) == -ENOLINK);
    CHECK(errno == ENOLINK);
}

TEST_CASE("link_create: cgroup links in order (BPF_F_BEFORE by fd and by id), expected_revision")
{
    TempCgroup cg;
    if (!cg.ok()) {
        SKIP_IF_REFUSED(cgroup2_refusal(-cg.error()));
        FAIL("no cgroup v2 directory: " << errstr(-cg.error()));
    }
    Fd map(u64_array(1));
    REQUIRE(map >= 3);
    Fd a(load_prog(BPF_PROG_TYPE_CGROUP_SKB, tag_prog(map, 1, 1), BPF_CGROUP_INET_EGRESS));
    Fd b(load_prog(BPF_PROG_TYPE_CGROUP_SKB, tag_prog(map, 2, 1), BPF_CGROUP_INET_EGRESS));
    REQUIRE(a >= 3);
    REQUIRE(b >= 3);
    Fd la(bpf_link_create(a, cg.fd(), BPF_CGROUP_INET_EGRESS, nullptr));
    REQUIRE(la >= 3);

    // A program attached through a link is anchored by its link
    // (BPF_F_LINK); kernels without cgroup ordering refuse the flags.
    LIBBPF_OPTS(bpf_link_create_opts, before_fd, .flags = kFlagBefore | kFlagLink);
    before_fd.cgroup.relative_fd = static_cast<__u32>(la.get());
    int r = bpf_link_create(b, cg.fd(), BPF_CGROUP_INET_EGRESS, &before_fd);
    if (r < 0) {
        RawAttr raw = link_create_attr(b, cg.fd(), BPF_CGROUP_INET_EGRESS, kFlagBefore | kFlagLink);
        raw.u32(16, static_cast<__u32>(la.get())); // cgroup.relative_fd
        SKIP_IF_REFUSED(kernel_lacks(kCgroupMprog, -r, raw_bpf_err(BPF_LINK_CREATE, raw), "BPF_LINK_CREATE",
                                     no_cgroup_mprog()));
    }
    REQUIRE(r >= 3);
    Fd lb(r);
    CHECK(child_send(cg) == 0);
    CHECK(read_u64(map, 0) == 1); // b ran first, a last

    // Appended (no anchor): b runs last.
    lb.reset();
    lb = Fd(bpf_link_create(b, cg.fd(), BPF_CGROUP_INET_EGRESS, nullptr));
    REQUIRE(lb >= 3);
    CHECK(child_send(cg) == 0);
    CHECK(read_u64(map, 0) == 2);

    // Anchor by link id: BPF_F_ID is added for the caller.
    lb.reset();
    LinkInfo info;
    REQUIRE(link_info(la, info) == 0);
    LIBBPF_OPTS(bpf_link_create_opts, before_id, .flags = kFlagBefore | kFlagLink);
    before_id.cgroup.relative_id = info.id();
    lb = Fd(bpf_link_create(b, cg.fd(), BPF_CGROUP_INET_EGRESS, &before_id));
    REQUIRE(lb >= 3);
    CHECK(child_send(cg) == 0);
    CHECK(read_u64(map, 0) == 1);
    lb.reset();

    // Anchored by the program instead of its link: EINVAL.
    LIBBPF_OPTS(bpf_link_create_opts, by_prog, .flags = kFlagBefore);
    by_prog.cgroup.relative_fd = static_cast<__u32>(a.get());
    errno = 0;
    CHECK(no_leak(bpf_link_create(b, cg.fd(), BPF_CGROUP_INET_EGRESS, &by_prog)) == -EINVAL);
    CHECK(errno == EINVAL);

    // A stale expected_revision: ESTALE.
    Fd c(load_prog(BPF_PROG_TYPE_CGROUP_SKB, return_imm(1), BPF_CGROUP_INET_EGRESS));
    LIBBPF_OPTS(bpf_link_create_opts, stale);
    stale.cgroup.expected_revision = 1000;
    errno = 0;
    CHECK(no_leak(bpf_link_create(c, cg.fd(), BPF_CGROUP_INET_EGRESS, &stale)) == -ESTALE);
    CHECK(errno == ESTALE);
    // Both anchors at once: refused before the kernel is asked.
    LIBBPF_OPTS(bpf_link_create_opts, both, .flags = kFlagBefore);
    both.cgroup.relative_fd = static_cast<__u32>(a.get());
    both.cgroup.relative_id = prog_id(a);
    CHECK(no_leak(bpf_link_create(c, cg.fd(), BPF_CGROUP_INET_EGRESS, &both)) == -EINVAL);
}

TEST_CASE("link_create: cgroup errors")
{
    CgroupProgs p;
    REQUIRE(p.drop >= 3);
    int fds = open_fd_count();
    SECTION("EBADF for a cgroup fd that is not open")
    {
        CHECK(no_leak(bpf_link_create(p.drop, closed_fd(), BPF_CGROUP_INET_EGRESS, nullptr)) == -EBADF);
        CHECK(errno == EBADF);
    }
    SECTION("EBADF for a target that is not a cgroup directory")
    {
        Fd f(::open("/proc/self/stat", O_RDONLY | O_CLOEXEC));
        REQUIRE(f >= 0);
        CHECK(no_leak(bpf_link_create(p.drop, f, BPF_CGROUP_INET_EGRESS, nullptr)) == -EBADF);
        CHECK(errno == EBADF);
    }
    SECTION("EINVAL for an attach type of another program type (cgroup_skb at bind)")
    {
        TempCgroup cg;
        REQUIRE(cg.ok());
        CHECK(no_leak(bpf_link_create(p.drop, cg.fd(), BPF_CGROUP_INET4_BIND, nullptr)) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    CHECK(open_fd_count() == fds);
}

// ---------------------------------------------------------------- XDP and tcx

TEST_CASE("link_create: XDP link on a veth sees a frame; update, detach, EBUSY")
{
    PrivateNetns ns;
    if (!ns.ok()) {
        SKIP_IF_REFUSED(netns_refusal(-ns.error()));
        FAIL("no network namespace: " << errstr(-ns.error()));
    }
    REQUIRE(veth_pair(ns));
    int ifindex = static_cast<int>(::if_nametoindex("v1"));
    REQUIRE(ifindex > 0);
    Fd map(u64_array(1));
    REQUIRE(map >= 3);
    Fd count(load_prog(BPF_PROG_TYPE_XDP, count_prog(map, XDP_PASS)));
    Fd other(load_prog(BPF_PROG_TYPE_XDP, return_imm(XDP_PASS)));
    REQUIRE(count >= 3);
    REQUIRE(other >= 3);

    Fd link(bpf_link_create(count, ifindex, BPF_XDP, nullptr));
    REQUIRE(link >= 3);
    CHECK(cloexec(link));
    REQUIRE(ns.send_frame("v0") == 0);
    CHECK(read_u64_at_least(map, 0, 1) >= 1); // veth delivers on the receiver's NAPI poll

    LinkInfo info;
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.type() == kLinkXdp);
    CHECK(info.u32_at(16) == static_cast<__u32>(ifindex));

    // One XDP link per device and mode.
    errno = 0;
    CHECK(no_leak(bpf_link_create(other, ifindex, BPF_XDP, nullptr)) == -EBUSY);
    CHECK(errno == EBUSY);

    REQUIRE(bpf_link_update(link, other, nullptr) == 0);
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.prog_id() == prog_id(other));

    REQUIRE(bpf_link_detach(link) == 0);
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.u32_at(16) == 0); // no device any more
    // The device is free again.
    Fd again(bpf_link_create(count, ifindex, BPF_XDP, nullptr));
    CHECK(again >= 3);
}

TEST_CASE("link_create: XDP errors")
{
    PrivateNetns ns;
    if (!ns.ok()) {
        SKIP_IF_REFUSED(netns_refusal(-ns.error()));
        FAIL("no network namespace: " << errstr(-ns.error()));
    }
    Fd prog(load_prog(BPF_PROG_TYPE_XDP, return_imm(XDP_PASS)));
    REQUIRE(prog >= 3);
    errno = 0;
    // No such device: EINVAL (not ENODEV, unlike tcx).
    CHECK(no_leak(bpf_link_create(prog, 999999, BPF_XDP, nullptr)) == -EINVAL);
    CHECK(errno == EINVAL);
    LIBBPF_OPTS(bpf_link_create_opts, o, .flags = 0x8000);
    CHECK(no_leak(bpf_link_create(prog, 1, BPF_XDP, &o)) == -EINVAL); // unknown XDP flag
    CHECK(errno == EINVAL);
}

// Why a tcx link of prog on ifindex was refused with err, when the kernel
// has no tcx: the raw BPF_LINK_CREATE is refused alike and the kernel's BTF
// does not know BPF_TCX_INGRESS.
std::string no_tcx(int err, int prog, int ifindex)
{
    return kernel_lacks("tcx links (6.6+)", err,
                        raw_bpf_err(BPF_LINK_CREATE, link_create_attr(prog, ifindex, kTcxIngress)),
                        "BPF_LINK_CREATE", btf_lacks("bpf_attach_type", "BPF_TCX_INGRESS"));
}

TEST_CASE("link_create: tcx ingress link sees a frame; link info; detach")
{
    PrivateNetns ns;
    if (!ns.ok()) {
        SKIP_IF_REFUSED(netns_refusal(-ns.error()));
        FAIL("no network namespace: " << errstr(-ns.error()));
    }
    REQUIRE(veth_pair(ns));
    int ifindex = static_cast<int>(::if_nametoindex("v1"));
    Fd map(u64_array(1));
    REQUIRE(map >= 3);
    Fd count(load_prog(BPF_PROG_TYPE_SCHED_CLS, count_prog(map, kTcxPass), kTcxIngress));
    REQUIRE(count >= 3);

    Fd link(bpf_link_create(count, ifindex, kTcxIngress, nullptr));
    if (link < 0)
        SKIP_IF_REFUSED(no_tcx(errno, count, ifindex));
    CHECK(cloexec(link));
    REQUIRE(ns.send_frame("v0") == 0);
    CHECK(read_u64_at_least(map, 0, 1) >= 1);

    LinkInfo info;
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.type() == kLinkTcx);
    CHECK(info.u32_at(16) == static_cast<__u32>(ifindex));
    CHECK(info.u32_at(20) == static_cast<__u32>(kTcxIngress));

    REQUIRE(bpf_link_detach(link) == 0);
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.u32_at(16) == 0);
    reset_u64(map);
    REQUIRE(ns.send_frame("v0") == 0);
    settle();
    CHECK(read_u64(map, 0) == 0);
}

TEST_CASE("link_create: tcx order by relative fd and id, expected_revision, errors")
{
    PrivateNetns ns;
    if (!ns.ok()) {
        SKIP_IF_REFUSED(netns_refusal(-ns.error()));
        FAIL("no network namespace: " << errstr(-ns.error()));
    }
    REQUIRE(veth_pair(ns));
    int ifindex = static_cast<int>(::if_nametoindex("v1"));
    Fd map(u64_array(1));
    REQUIRE(map >= 3);
    Fd a(load_prog(BPF_PROG_TYPE_SCHED_CLS, tag_prog(map, 1, kTcxNext), kTcxIngress));
    Fd b(load_prog(BPF_PROG_TYPE_SCHED_CLS, tag_prog(map, 2, kTcxNext), kTcxIngress));
    REQUIRE(a >= 3);
    REQUIRE(b >= 3);
    Fd la(bpf_link_create(a, ifindex, kTcxIngress, nullptr));
    if (la < 0)
        SKIP_IF_REFUSED(no_tcx(errno, a, ifindex));

    auto last_tag = [&] {
        reset_u64(map);
        REQUIRE(ns.send_frame("v0") == 0);
        settle();
        return read_u64(map, 0);
    };

    Fd lb(bpf_link_create(b, ifindex, kTcxIngress, nullptr));
    REQUIRE(lb >= 3);
    CHECK(last_tag() == 2); // appended: a, b

    lb.reset();
    LIBBPF_OPTS(bpf_link_create_opts, by_fd, .flags = kFlagBefore);
    by_fd.tcx.relative_fd = static_cast<__u32>(a.get());
    lb = Fd(bpf_link_create(b, ifindex, kTcxIngress, &by_fd));
    REQUIRE(lb >= 3);
    CHECK(last_tag() == 1); // b, a

    lb.reset();
    LIBBPF_OPTS(bpf_link_create_opts, by_id, .flags = kFlagBefore);
    by_id.tcx.relative_id = prog_id(a);
    lb = Fd(bpf_link_create(b, ifindex, kTcxIngress, &by_id));
    REQUIRE(lb >= 3);
    CHECK(last_tag() == 1);

    Fd c(load_prog(BPF_PROG_TYPE_SCHED_CLS, return_imm(kTcxNext), kTcxIngress));
    LIBBPF_OPTS(bpf_link_create_opts, stale);
    stale.tcx.expected_revision = 1000;
    errno = 0;
    CHECK(no_leak(bpf_link_create(c, ifindex, kTcxIngress, &stale)) == -ESTALE);
    CHECK(errno == ESTALE);
    // Anchor on a program that is not attached here: ENOENT.
    LIBBPF_OPTS(bpf_link_create_opts, absent, .flags = kFlagBefore);
    absent.tcx.relative_fd = static_cast<__u32>(c.get());
    CHECK(no_leak(bpf_link_create(c, ifindex, kTcxIngress, &absent)) == -ENOENT);
    CHECK(errno == ENOENT);
    // A program of another type: EINVAL.
    Fd xdp(load_prog(BPF_PROG_TYPE_XDP, return_imm(XDP_PASS)));
    CHECK(no_leak(bpf_link_create(xdp, ifindex, kTcxEgress, nullptr)) == -EINVAL);
    CHECK(errno == EINVAL);
    CHECK(no_leak(bpf_link_create(c, 999999, kTcxIngress, nullptr)) == -ENODEV);
    CHECK(errno == ENODEV);
}

TEST_CASE("link_create: netkit link on a netkit primary")
{
    PrivateNetns ns;
    if (!ns.ok()) {
        SKIP_IF_REFUSED(netns_refusal(-ns.error()));
        FAIL("no network namespace: " << errstr(-ns.error()));
    }
    // The netlink request is the test's own: its refusal is the kernel's.
    int r = ns.add_netkit("nk0", "nk1");
    if (r == -EOPNOTSUPP) {
        std::string lacks = btf_lacks("bpf_attach_type", "BPF_NETKIT_PRIMARY");
        if (!lacks.empty())
            SKIP_TEST("kernel without netkit (6.7+): " + lacks + "; RTM_NEWLINK of kind netkit gives EOPNOTSUPP");
        // The driver's transmit function: in the kernel or a loaded module.
        if (!kallsyms_has("netkit_xmit"))
            SKIP_TEST("kernel without the netkit driver (CONFIG_NETKIT): /proc/kallsyms has no netkit_xmit; "
                      "RTM_NEWLINK of kind netkit gives EOPNOTSUPP, though its BTF's enum bpf_attach_type has "
                      "BPF_NETKIT_PRIMARY");
    }
    REQUIRE(r == 0);
    int ifindex = static_cast<int>(::if_nametoindex("nk0"));
    Fd prog(load_prog(BPF_PROG_TYPE_SCHED_CLS, return_imm(kTcxNext), kNetkitPrimary));
    REQUIRE(prog >= 3);
    Fd link(bpf_link_create(prog, ifindex, kNetkitPrimary, nullptr));
    REQUIRE(link >= 3);
    LinkInfo info;
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.type() == kLinkNetkit);
    CHECK(info.u32_at(16) == static_cast<__u32>(ifindex));
    CHECK(info.u32_at(20) == static_cast<__u32>(kNetkitPrimary));
}

// ---------------------------------------------------------------- netfilter

TEST_CASE("link_create: netfilter link counts local IPv4 input; info; errors")
{
    PrivateNetns ns;
    if (!ns.ok()) {
        SKIP_IF_REFUSED(netns_refusal(-ns.error()));
        FAIL("no network namespace: " << errstr(-ns.error()));
    }
    Fd map(u64_array(1));
    REQUIRE(map >= 3);
    Prog nf = count_prog(map, kNfAccept);
    Fd prog(load_prog(kProgNetfilter, nf, kNetfilter));
    if (prog < 0) {
        int err = errno;
        SKIP_IF_REFUSED(kernel_lacks("netfilter programs (6.4+)", err,
                                     raw_prog_load(ProgLoad{kProgNetfilter, nf.data(), nf.size(), kNetfilter}).err,
                                     "BPF_PROG_LOAD", btf_lacks("bpf_prog_type", "BPF_PROG_TYPE_NETFILTER")));
    }
    REQUIRE(prog >= 3);

    LIBBPF_OPTS(bpf_link_create_opts, o,
                .netfilter = {.pf = NFPROTO_IPV4, .hooknum = 1 /* NF_INET_LOCAL_IN */, .priority = -50});
    Fd link(bpf_link_create(prog, 0, kNetfilter, &o)); // the program loaded: the kernel has them
    REQUIRE(link >= 3);
    CHECK(cloexec(link));
    CHECK(send_udp_loopback() == 0);
    CHECK(read_u64(map, 0) >= 1);

    LinkInfo info;
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.type() == kLinkNetfilter);
    CHECK(info.u32_at(16) == NFPROTO_IPV4);
    CHECK(info.u32_at(20) == 1);
    CHECK(static_cast<__s32>(info.u32_at(24)) == -50);
    CHECK(info.u32_at(28) == 0);

    // The first and last priorities are reserved.
    LIBBPF_OPTS(bpf_link_create_opts, first, .netfilter = {.pf = NFPROTO_IPV4, .hooknum = 1, .priority = INT_MIN});
    errno = 0;
    CHECK(no_leak(bpf_link_create(prog, 0, kNetfilter, &first)) == -ERANGE);
    CHECK(errno == ERANGE);
    LIBBPF_OPTS(bpf_link_create_opts, hook, .netfilter = {.pf = NFPROTO_IPV4, .hooknum = 99, .priority = 1});
    CHECK(no_leak(bpf_link_create(prog, 0, kNetfilter, &hook)) == -EPROTO);
    CHECK(errno == EPROTO);
    LIBBPF_OPTS(bpf_link_create_opts, pf, .netfilter = {.pf = 99, .hooknum = 1, .priority = 1});
    CHECK(no_leak(bpf_link_create(prog, 0, kNetfilter, &pf)) == -EAFNOSUPPORT);
    CHECK(errno == EAFNOSUPPORT);
}

// ---------------------------------------------------------------- multi-probes

TEST_CASE("link_create: kprobe_multi link")
{
    Fd prog(load_prog(BPF_PROG_TYPE_KPROBE, return_imm(0), kTraceKprobeMulti));
    REQUIRE(prog >= 3);
    const char *syms[] = {"do_sys_openat2"};
    LIBBPF_OPTS(bpf_link_create_opts, o);
    o.kprobe_multi.cnt = 1;
    o.kprobe_multi.syms = syms;
    int r = bpf_link_create(prog, 0, kTraceKprobeMulti, &o);
    if (r < 0) {
        CHECK(errno == -r);
        RawAttr raw = link_create_attr(prog, 0, kTraceKprobeMulti);
        raw.u32(20, 1).ptr(24, syms); // kprobe_multi.cnt, .syms
        const int raw_err = raw_bpf_err(BPF_LINK_CREATE, raw);
        SKIP_IF_REFUSED(kernel_lacks("kprobe_multi links (5.18+)", -r, raw_err, "BPF_LINK_CREATE",
                                     btf_lacks("bpf_attach_type", "BPF_TRACE_KPROBE_MULTI")));
        // The kernel knows the attach type; kprobe_multi links need fprobe.
        if (-r == EOPNOTSUPP && !kallsyms_has("register_fprobe"))
            SKIP_IF_REFUSED(raw_refused_same("kernel built without CONFIG_FPROBE: /proc/kallsyms has no "
                                             "register_fprobe", -r, raw_err, "BPF_LINK_CREATE"));
    }
    REQUIRE(r >= 3);
    Fd link(r);
    LinkInfo info;
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.type() == kLinkKprobeMulti);
    CHECK(info.u32_at(24) == 1); // kprobe_multi.count
}

TEST_CASE("link_create: uprobe_multi link on a function of this binary, with cookie and pid")
{
    std::string path;
    long off = file_offset_of(reinterpret_cast<const void *>(&sysbpf_selftest_uprobe_target), path);
    REQUIRE(off > 0);
    Fd map(u64_array(1));
    REQUIRE(map >= 3);
    std::string skip;
    Fd prog(load_cookie_prog(BPF_PROG_TYPE_KPROBE, map, kTraceUprobeMulti, 0, "kprobe programs, 5.15", &skip));
    if (prog < 0 && !skip.empty())
        SKIP_TEST(skip);
    REQUIRE(prog >= 3);

    unsigned long offsets[] = {static_cast<unsigned long>(off)};
    __u64 cookies[] = {0x600d0000beefULL};
    LIBBPF_OPTS(bpf_link_create_opts, o);
    o.uprobe_multi.path = path.c_str();
    o.uprobe_multi.offsets = offsets;
    o.uprobe_multi.cookies = cookies;
    o.uprobe_multi.cnt = 1;
    o.uprobe_multi.pid = static_cast<__u32>(::getpid());
    Fd link(bpf_link_create(prog, 0, kTraceUprobeMulti, &o));
    if (link < 0) {
        int err = errno;
        RawAttr raw = link_create_attr(prog, 0, kTraceUprobeMulti);
        raw.ptr(16, path.c_str()).ptr(24, offsets).ptr(40, cookies).u32(48, 1).u32(56, o.uprobe_multi.pid);
        SKIP_IF_REFUSED(kernel_lacks("uprobe_multi links (6.6+)", err, raw_bpf_err(BPF_LINK_CREATE, raw),
                                     "BPF_LINK_CREATE", btf_lacks("bpf_attach_type", "BPF_TRACE_UPROBE_MULTI")));
    }
    REQUIRE(link >= 3);
    CHECK(cloexec(link));

    int (*volatile target)(int) = sysbpf_selftest_uprobe_target;
    CHECK(target(2) == 7);
    CHECK(read_u64(map, 0) == 0x600d0000beefULL);

    LinkInfo info;
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.type() == kLinkUprobeMulti);
    CHECK(info.u32_at(52) == 1); // count
    CHECK(info.u32_at(60) == static_cast<__u32>(::getpid()));

    link.reset();
    reset_u64(map);
    CHECK(target(3) == 10);
    CHECK(read_u64(map, 0) == 0);

    // A path that does not exist: ENOENT. No offsets: EINVAL.
    o.uprobe_multi.path = "/nonexistent/sysbpf";
    errno = 0;
    CHECK(no_leak(bpf_link_create(prog, 0, kTraceUprobeMulti, &o)) == -ENOENT);
    CHECK(errno == ENOENT);
    o.uprobe_multi.path = path.c_str();
    o.uprobe_multi.cnt = 0;
    CHECK(no_leak(bpf_link_create(prog, 0, kTraceUprobeMulti, &o)) == -EINVAL);
    CHECK(errno == EINVAL);
}

// ---------------------------------------------------------------- tracing

namespace {

// Loads a tracing program of `type` for kernel function `fn`; fd or -errno.
// When the host's policy refuses the load, *skip gets the reason (see
// kernel_refusal.hpp).
int load_tracing(bpf_prog_type prog_type, bpf_attach_type type, const char *fn, const char *kind,
                 std::string *skip, std::string *log = nullptr)
{
    VmlinuxBtf btf;
    __u32 id = btf.ok() ? btf.find(VmlinuxBtf::kFunc, fn) : 0;
    if (!id)
        return -ENOENT;
    const Prog p = return_imm(0);
    int fd = load_prog(prog_type, p, type, id, log);
    if (fd >= 0)
        return fd;
    int err = errno;
    *skip = host_policy_refusal(ProgLoad{prog_type, p.data(), p.size(), type, id}, err, kind);
    return -err;
}

constexpr __u64 kTracingCookie = 99;
constexpr __u64 kNoCookieInfo = ~0ULL; // the kernel itself reports 0

// Links `prog` with cookie kTracingCookie, checks the link info and sets
// *cookie to the cookie the info reports. Returns the skip reason when the
// kernel takes no such link in BPF_LINK_CREATE (before 5.19: fentry and the
// like only through BPF_RAW_TRACEPOINT_OPEN, without a cookie), else "".
std::string tracing_link(int prog, bpf_attach_type type, const char *kind, __u64 *cookie)
{
    *cookie = 0;
    LIBBPF_OPTS(bpf_link_create_opts, o, .tracing = {.cookie = kTracingCookie});
    Fd link(bpf_link_create(prog, 0, type, &o));
    if (link < 0 && errno == EINVAL && raw_link_create(prog, 0, type, kTracingCookie) == EINVAL &&
        raw_link_create(prog, 0, type) == EINVAL)
        return std::string("kernel takes no ") + kind +
               " links in BPF_LINK_CREATE, so no cookie (5.19+); raw bpf() refused the same way, with "
               "and without a cookie: EINVAL";
    REQUIRE(link >= 3);
    LinkInfo info;
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.type() == kLinkTracing);
    CHECK(info.u32_at(16) == static_cast<__u32>(type));
    *cookie = info.u64_at(32);
    LinkInfo raw;
    if (*cookie == 0 && raw_link_info(link, raw) == 0 && raw.u64_at(32) == 0)
        *cookie = kNoCookieInfo;
    return "";
}

// tracing.cookie in bpf_link_info came in 6.17; older kernels leave those
// bytes 0 (the unit tests check the library sends the cookie).
const char kNoTracingCookieInfo[] =
    "kernel reports no cookie in tracing link info (6.17+): 0, raw BPF_OBJ_GET_INFO_BY_FD too";

} // namespace

// The companion of kernel_lacks / raw_refused_same / btf_lacks /
// kallsyms_has: each claims nothing when the kernel has what it asks about.
TEST_CASE("kernel_lacks: not claimed when the BTF has the enumerator or the raw call is accepted")
{
    REQUIRE(VmlinuxBtf().ok());
    CHECK(btf_lacks("bpf_prog_type", "BPF_PROG_TYPE_SOCKET_FILTER").empty());
    CHECK(btf_lacks(nullptr, "BPF_F_WRONLY", "BPF_F_RDONLY").empty());
    CHECK(btf_lacks("sysbpf_no_such_enum", "BPF_X").empty());
    const std::string lacks = btf_lacks("bpf_prog_type", "BPF_PROG_TYPE_SYSBPF_NONE");
    CHECK(lacks == "its BTF's enum bpf_prog_type has no BPF_PROG_TYPE_SYSBPF_NONE");
    CHECK(!btf_lacks(nullptr, "BPF_F_SYSBPF_NONE", "BPF_F_RDONLY").empty());

    RawAttr array;
    array.u32(0, BPF_MAP_TYPE_ARRAY).u32(4, 4).u32(8, 4).u32(12, 1); // type, key, value, entries
    CHECK(raw_bpf_err(BPF_MAP_CREATE, array) == 0);
    CHECK(raw_refused_same("why", EINVAL, raw_bpf_err(BPF_MAP_CREATE, array), "BPF_MAP_CREATE").empty());
    RawAttr empty = array;
    empty.u32(12, 0); // no entries: EINVAL
    const int refused = raw_bpf_err(BPF_MAP_CREATE, empty);
    CHECK(refused == EINVAL);
    CHECK(raw_refused_same("why", EPERM, refused, "BPF_MAP_CREATE").empty());
    CHECK(raw_refused_same("why", EINVAL, refused, "BPF_MAP_CREATE") ==
          "why; raw bpf(BPF_MAP_CREATE) refused the same way, EINVAL");
    CHECK(kernel_lacks("x", EINVAL, refused, "BPF_MAP_CREATE", "").empty());
    CHECK(!kernel_lacks("x", EINVAL, refused, "BPF_MAP_CREATE", lacks).empty());
    CHECK(raw_bpf_err(BPF_LINK_CREATE, link_create_attr(100000, 0, BPF_CGROUP_INET_INGRESS)) == EBADF);

    CHECK(kallsyms_has("bpf_map_new_fd"));
    CHECK(!kallsyms_has("sysbpf_no_such_symbol"));
}

// The companion of the skips above: host_policy_refusal claims a refusal
// only when the raw call is refused the same way, before the verifier.
TEST_CASE("host_policy_refusal: not claimed when the raw load succeeds or is refused otherwise")
{
    const Prog ok = return_imm(0);
    ProgLoad loads{BPF_PROG_TYPE_SOCKET_FILTER, ok.data(), ok.size()};
    CHECK(raw_prog_load(loads).err == 0);
    CHECK(host_policy_refusal(loads, EPERM, "socket filter").empty());

    const Prog bad = {exit_insn()}; // r0 not set: the verifier refuses with EACCES
    ProgLoad refused{BPF_PROG_TYPE_SOCKET_FILTER, bad.data(), bad.size()};
    RawLoad raw = raw_prog_load(refused);
    CHECK(raw.err == EACCES);
    CHECK(raw.verified);
    CHECK(host_policy_refusal(refused, EPERM, "socket filter").empty());
    CHECK(host_policy_refusal(refused, EACCES, "socket filter").empty());
    CHECK(kernel_refusal_with_log(refused, EACCES, "R0 !read_ok", "why").find("why (raw bpf()") == 0);
    CHECK(kernel_refusal_with_log(refused, EINVAL, "R0 !read_ok", "why").empty());
    CHECK(kernel_refusal_with_log(refused, EACCES, "no such line", "why").empty());
}

TEST_CASE("link_create: fentry link")
{
    std::string skip;
    int fd = load_tracing(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, "bpf_fentry_test1", "fentry", &skip);
    if (fd < 0 && !skip.empty())
        SKIP_TEST(skip);
    REQUIRE(fd >= 3);
    Fd prog(fd);
    __u64 cookie;
    skip = tracing_link(prog, BPF_TRACE_FENTRY, "fentry", &cookie);
    if (!skip.empty())
        SKIP_TEST(skip);
    if (cookie == kNoCookieInfo)
        SKIP_TEST(kNoTracingCookieInfo);
    CHECK(cookie == kTracingCookie);
}

TEST_CASE("link_create: fexit link")
{
    std::string skip;
    int fd = load_tracing(BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, "bpf_fentry_test1", "fexit", &skip);
    if (fd < 0 && !skip.empty())
        SKIP_TEST(skip);
    REQUIRE(fd >= 3);
    Fd prog(fd);
    __u64 cookie;
    skip = tracing_link(prog, BPF_TRACE_FEXIT, "fexit", &cookie);
    if (!skip.empty())
        SKIP_TEST(skip);
    if (cookie == kNoCookieInfo)
        SKIP_TEST(kNoTracingCookieInfo);
    CHECK(cookie == kTracingCookie);
}

TEST_CASE("link_create: fmod_ret link")
{
    std::string log;
    // A security_* hook: fmod_ret may modify those on every kernel, while
    // bpf_modify_return_test() needs CONFIG_FUNCTION_ERROR_INJECTION, which
    // Debian's 6.1 cloud kernel lacks ("is not modifiable": EINVAL). The
    // program returns 0, so the hook runs unchanged while linked; a hook called
    // rarely (on tun device creation): patching a hot one such as
    // security_file_open locked both CPUs of the emulated 6.1 VM up.
    std::string skip;
    int fd = load_tracing(BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, "security_tun_dev_create", "fmod_ret", &skip, &log);
    if (fd < 0 && !skip.empty())
        SKIP_TEST(skip);
    INFO(log);
    REQUIRE(fd >= 3);
    Fd prog(fd);
    __u64 cookie;
    skip = tracing_link(prog, BPF_MODIFY_RETURN, "fmod_ret", &cookie);
    if (!skip.empty())
        SKIP_TEST(skip);
    if (cookie == kNoCookieInfo)
        SKIP_TEST(kNoTracingCookieInfo);
    CHECK(cookie == kTracingCookie);
}

TEST_CASE("link_create: LSM link")
{
    std::string skip;
    int fd = load_tracing(BPF_PROG_TYPE_LSM, BPF_LSM_MAC, "bpf_lsm_file_open", "LSM", &skip);
    if (fd < 0 && !skip.empty())
        SKIP_TEST(skip);
    REQUIRE(fd >= 3);
    Fd prog(fd);
    __u64 cookie;
    skip = tracing_link(prog, BPF_LSM_MAC, "LSM", &cookie);
    if (!skip.empty())
        SKIP_TEST(skip);
    if (cookie == kNoCookieInfo)
        SKIP_TEST(kNoTracingCookieInfo);
    CHECK(cookie == kTracingCookie);
}

// ---------------------------------------------------------------- sockmap, sk_lookup

TEST_CASE("link_create: sockmap verdict link; EBUSY for a second; update; detach")
{
    Fd map(bpf_map_create(BPF_MAP_TYPE_SOCKMAP, nullptr, 4, 4, 1, nullptr));
    REQUIRE(map >= 3);
    Fd p1(load_prog(BPF_PROG_TYPE_SK_SKB, return_imm(SK_PASS), BPF_SK_SKB_STREAM_VERDICT));
    Fd p2(load_prog(BPF_PROG_TYPE_SK_SKB, return_imm(SK_PASS), BPF_SK_SKB_STREAM_VERDICT));
    REQUIRE(p1 >= 3);
    REQUIRE(p2 >= 3);
    Fd link(bpf_link_create(p1, map, BPF_SK_SKB_STREAM_VERDICT, nullptr));
    if (link < 0) {
        int err = errno;
        SKIP_IF_REFUSED(kernel_lacks("sockmap links (6.10+)", err,
                                     raw_bpf_err(BPF_LINK_CREATE, link_create_attr(p1, map, BPF_SK_SKB_STREAM_VERDICT)),
                                     "BPF_LINK_CREATE", btf_lacks("bpf_link_type", "BPF_LINK_TYPE_SOCKMAP")));
    }
    REQUIRE(link >= 3);
    CHECK(cloexec(link));

    LinkInfo info;
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.type() == kLinkSockmap);
    CHECK(info.u32_at(16) == map_id_of(map));
    CHECK(info.u32_at(20) == BPF_SK_SKB_STREAM_VERDICT);

    errno = 0;
    CHECK(no_leak(bpf_link_create(p2, map, BPF_SK_SKB_STREAM_VERDICT, nullptr)) == -EBUSY);
    CHECK(errno == EBUSY);

    REQUIRE(bpf_link_update(link, p2, nullptr) == 0);
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.prog_id() == prog_id(p2));

    REQUIRE(bpf_link_detach(link) == 0);
    Fd again(bpf_link_create(p1, map, BPF_SK_SKB_STREAM_VERDICT, nullptr));
    CHECK(again >= 3);
}

TEST_CASE("link_create: sk_lookup link on a network namespace runs on delivery")
{
    PrivateNetns ns;
    if (!ns.ok()) {
        SKIP_IF_REFUSED(netns_refusal(-ns.error()));
        FAIL("no network namespace: " << errstr(-ns.error()));
    }
    Fd netns(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    REQUIRE(netns >= 0);
    Fd map(u64_array(1));
    REQUIRE(map >= 3);
    Fd prog(load_prog(BPF_PROG_TYPE_SK_LOOKUP, count_prog(map, SK_PASS), BPF_SK_LOOKUP));
    REQUIRE(prog >= 3);
    Fd link(bpf_link_create(prog, netns, BPF_SK_LOOKUP, nullptr));
    REQUIRE(link >= 3);

    // A bound receiver, so that delivery looks a socket up.
    Fd rx(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(9);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(rx, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0);
    CHECK(send_udp_loopback() == 0);
    CHECK(read_u64(map, 0) >= 1);

    LinkInfo info;
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.type() == kLinkNetns);
    struct stat st;
    REQUIRE(::fstat(netns, &st) == 0);
    CHECK(info.u32_at(16) == st.st_ino); // netns.netns_ino
    CHECK(info.u32_at(20) == BPF_SK_LOOKUP);
}

// ---------------------------------------------------------------- struct_ops

namespace {

constexpr auto kStructOps = static_cast<bpf_attach_type>(44);
constexpr auto kMapStructOps = static_cast<bpf_map_type>(26);

// A tcp_congestion_ops struct_ops map named `name`, with minimal programs
// for the required callbacks, ready to be linked. The programs' fds are kept
// in `progs`. Returns the map fd or -errno; *why explains a failure.
int tcp_ca_map(const VmlinuxBtf &btf, int btf_fd, const char *name, std::vector<Fd> &progs,
               std::string *why)
{
    const char *ops = "tcp_congestion_ops", *value = "bpf_struct_ops_tcp_congestion_ops";
    __u32 ops_id = btf.find(VmlinuxBtf::kStruct, ops);
    __u32 value_id = btf.find(VmlinuxBtf::kStruct, value);
    long value_size = btf.struct_size(value), data = btf.member_offset(value, "data");
    long name_off = btf.member_offset(ops, "name");
    if (!ops_id || !value_id || value_size <= 0 || data < 0 || name_off < 0) {
        *why = "tcp_congestion_ops struct_ops types not in vmlinux BTF";
        return -ENOENT;
    }
    std::vector<unsigned char> v(static_cast<size_t>(value_size));
    for (const char *member : {"ssthresh", "undo_cwnd", "cong_avoid"}) {
        long idx = btf.member_index(ops, member), off = btf.member_offset(ops, member);
        int fd = load_prog(BPF_PROG_TYPE_STRUCT_OPS, return_imm(1), static_cast<bpf_attach_type>(idx), ops_id);
        if (fd < 0) {
            *why = std::string("struct_ops program for ") + member + " does not load: " + errstr(errno);
            return -errno;
        }
        progs.emplace_back(fd);
        __u64 as_u64 = static_cast<__u64>(fd);
        std::memcpy(&v[data + off], &as_u64, sizeof(as_u64));
    }
    std::strncpy(reinterpret_cast<char *>(&v[data + name_off]), name, 15);
    LIBBPF_OPTS(bpf_map_create_opts, o, .btf_fd = static_cast<__u32>(btf_fd),
                .btf_vmlinux_value_type_id = value_id, .map_flags = kFlagLink);
    int map = bpf_map_create(kMapStructOps, nullptr, 4, static_cast<__u32>(value_size), 1, &o);
    if (map < 0) {
        int err = errno;
        RawAttr raw; // map_type, key_size, value_size, max_entries, map_flags ... btf_fd, btf_vmlinux_value_type_id
        raw.u32(0, kMapStructOps).u32(4, 4).u32(8, static_cast<__u32>(value_size)).u32(12, 1).u32(16, kFlagLink);
        raw.u32(48, static_cast<__u32>(btf_fd)).u32(60, value_id);
        *why = kernel_lacks("struct_ops links (6.4+)", err, raw_bpf_err(BPF_MAP_CREATE, raw), "BPF_MAP_CREATE",
                            btf_lacks(nullptr, "BPF_F_LINK", "BPF_F_RDONLY"));
        return -err;
    }
    __u32 key = 0;
    if (bpf_map_update_elem(map, &key, v.data(), BPF_ANY) != 0) {
        int e = errno;
        ::close(map);
        *why = "struct_ops map update: " + errstr(e);
        return -e;
    }
    return map;
}

bool tcp_ca_registered(const std::string &name)
{
    FILE *f = std::fopen("/proc/sys/net/ipv4/tcp_available_congestion_control", "r");
    if (!f)
        return false;
    char word[64];
    bool found = false;
    while (!found && std::fscanf(f, "%63s", word) == 1)
        found = name == word;
    std::fclose(f);
    return found;
}

} // namespace

TEST_CASE("link_create: struct_ops link registers a TCP congestion control; update by map")
{
    VmlinuxBtf btf;
    REQUIRE(btf.ok());
    Fd btf_fd(load_min_btf());
    REQUIRE(btf_fd >= 3);
    // Unique per process; registered only while the link holds it.
    std::string name = "sysbpf" + std::to_string(::getpid());
    std::vector<Fd> progs;
    std::string why;
    Fd map1(tcp_ca_map(btf, btf_fd, name.c_str(), progs, &why));
    if (map1 == -ENOENT || (map1 < 0 && why.rfind("kernel without", 0) == 0))
        SKIP_TEST(why); // the kernel's BTF lacks the types, or the kernel lacks struct_ops links
    INFO(why);
    REQUIRE(map1 >= 3);
    Fd map2(tcp_ca_map(btf, btf_fd, name.c_str(), progs, &why));
    REQUIRE(map2 >= 3);
    REQUIRE_FALSE(tcp_ca_registered(name));

    Fd link(bpf_link_create(map1, 0, kStructOps, nullptr));
    REQUIRE(link >= 3);
    CHECK(cloexec(link));
    CHECK(tcp_ca_registered(name));
    LinkInfo info;
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.type() == kLinkStructOps);
    CHECK(info.u32_at(16) == map_id_of(map1)); // struct_ops.map_id

    // The same map again: its congestion control is registered already.
    errno = 0;
    CHECK(no_leak(bpf_link_create(map1, 0, kStructOps, nullptr)) == -EEXIST);
    CHECK(errno == EEXIST);

    // BPF_F_REPLACE checks the map the link holds (old_map_fd).
    LIBBPF_OPTS(bpf_link_update_opts, wrong, .flags = BPF_F_REPLACE, .old_map_fd = (__u32)map2.get());
    CHECK(bpf_link_update(link, map2, &wrong) == -EPERM);
    CHECK(errno == EPERM);
    LIBBPF_OPTS(bpf_link_update_opts, right, .flags = BPF_F_REPLACE, .old_map_fd = (__u32)map1.get());
    CHECK(bpf_link_update(link, map2, &right) == 0);
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.u32_at(16) == map_id_of(map2));
    CHECK(tcp_ca_registered(name));

    REQUIRE(bpf_link_detach(link) == 0);
    CHECK_FALSE(tcp_ca_registered(name));
}
