// Raw tracepoints on the real kernel: bpf_raw_tracepoint_open[_opts] with
// raw_tracepoint and BTF-typed (tp_btf) programs, cookies, link info,
// documented errors, and bpf_link_create's fallback to this command.
#include "harness/harness.hpp"
#include "kernel_helpers.hpp"
#include "kernel_refusal.hpp"
#include "link_btf.hpp"
#include "link_fixtures.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <sys/syscall.h>
#include <unistd.h>

// LIBBPF_OPTS leaves the fields it is not given to its memset.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace selftest;
using namespace selftest::links;

namespace {

// The raw tracepoint name a link reports (bpf_link_info.raw_tracepoint).
std::string raw_tp_name(int link_fd, LinkInfo &info)
{
    static char name[64];
    name[0] = 0;
    __u64 p = reinterpret_cast<uintptr_t>(name);
    __u32 len = sizeof(name);
    std::memcpy(info.raw + 16, &p, sizeof(p)); // tp_name
    std::memcpy(info.raw + 24, &len, sizeof(len)); // tp_name_len
    return link_info(link_fd, info) == 0 ? std::string(name) : std::string("<no info>");
}

// bpf_get_attach_cookie() in raw_tp and tp_btf programs came in 6.10; older
// verifiers refuse the call (see cookie_helper_refusal). "" when the
// failure is not that refusal (the test then fails).
std::string cookie_refusal(bpf_prog_type type, const Prog &p, bpf_attach_type expected, __u32 btf_id,
                           int err)
{
    ProgLoad l{type, p.data(), p.size(), expected, btf_id};
    std::string r = cookie_helper_refusal(l, err, "raw_tp and tp_btf programs, 6.10");
    return r.empty() ? host_policy_refusal(l, err, "tp_btf") : r;
}

// Loads a tp_btf program for sys_enter; *why gets the skip reason when the
// kernel refuses it (empty for any other failure).
int load_tp_btf(const Prog &p, std::string *why)
{
    VmlinuxBtf btf;
    __u32 target = btf.ok() ? btf.find(VmlinuxBtf::kTypedef, "btf_trace_sys_enter") : 0;
    if (!target) {
        *why = "no btf_trace_sys_enter in vmlinux BTF: ENOENT";
        return -ENOENT;
    }
    std::string log;
    int fd = load_prog(BPF_PROG_TYPE_TRACING, p, BPF_TRACE_RAW_TP, target, &log);
    if (fd < 0) {
        int err = errno;
        *why = cookie_refusal(BPF_PROG_TYPE_TRACING, p, BPF_TRACE_RAW_TP, target, err);
        UNSCOPED_INFO("verifier: " << log);
    }
    return fd;
}

// The cookie a raw_tracepoint link reports, read with a raw
// BPF_OBJ_GET_INFO_BY_FD (bpf_link_info.raw_tracepoint.cookie, 6.16+; older
// kernels leave it 0): evidence that a 0 is the kernel's answer.
__u64 raw_info_cookie(int link_fd)
{
    alignas(8) unsigned char info[256] = {};
    bpf_attr a{};
    a.info.bpf_fd = static_cast<__u32>(link_fd);
    a.info.info_len = sizeof(info);
    a.info.info = reinterpret_cast<uintptr_t>(info);
    if (::syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)) != 0)
        return ~0ULL;
    __u64 cookie;
    std::memcpy(&cookie, info + 32, sizeof(cookie));
    return cookie;
}

const char kNoRawTpCookieInfo[] =
    "kernel reports no cookie in raw_tracepoint link info (6.16+): 0, raw BPF_OBJ_GET_INFO_BY_FD too";

} // namespace

TEST_CASE("raw_tracepoint_open: a raw_tracepoint program runs on sys_enter until closed")
{
    Fd map(u64_array(1));
    REQUIRE(map >= 3);
    Fd prog(load_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, count_prog(map, 0)));
    REQUIRE(prog >= 3);
    int fds = open_fd_count();

    errno = 0;
    Fd link(bpf_raw_tracepoint_open("sys_enter", prog));
    REQUIRE(link >= 3);
    CHECK(errno == 0);
    CHECK(cloexec(link));
    some_syscall();
    CHECK(read_u64(map, 0) >= 1);

    LinkInfo info;
    CHECK(raw_tp_name(link, info) == "sys_enter");
    CHECK(info.type() == kLinkRawTracepoint);
    CHECK(info.prog_id() == prog_id(prog));
    CHECK(info.u32_at(24) == sizeof("sys_enter")); // tp_name_len, NUL included
    CHECK(info.u64_at(32) == 0);                   // no cookie

    link.reset();
    settle();
    __u32 key = 0;
    __u64 zero = 0;
    REQUIRE(bpf_map_update_elem(map, &key, &zero, BPF_ANY) == 0);
    some_syscall();
    CHECK(read_u64(map, 0) == 0);
    CHECK(open_fd_count() == fds);
}

TEST_CASE("raw_tracepoint_open_opts: the cookie reaches the program and the link info")
{
    Fd map(u64_array(1));
    REQUIRE(map >= 3);
    std::string log;
    const Prog p = record_cookie_prog(map, 0);
    Fd prog(load_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, p, (bpf_attach_type)0, 0, &log));
    if (prog < 0) {
        std::string why = cookie_refusal(BPF_PROG_TYPE_RAW_TRACEPOINT, p, (bpf_attach_type)0, 0, errno);
        if (!why.empty())
            SKIP_TEST(why);
    }
    INFO(log);
    REQUIRE(prog >= 3);
    LIBBPF_OPTS(bpf_raw_tp_opts, o, .tp_name = "sys_enter", .cookie = 0x5eb0f00dcafe0001ULL);
    Fd link(bpf_raw_tracepoint_open_opts(prog, &o));
    REQUIRE(link >= 3);
    CHECK(cloexec(link));
    some_syscall();
    CHECK(read_u64(map, 0) == 0x5eb0f00dcafe0001ULL);
    LinkInfo info;
    CHECK(raw_tp_name(link, info) == "sys_enter");
    if (info.u64_at(32) == 0 && raw_info_cookie(link) == 0)
        SKIP_TEST(kNoRawTpCookieInfo);
    CHECK(info.u64_at(32) == 0x5eb0f00dcafe0001ULL);
}

TEST_CASE("raw_tracepoint_open: a tp_btf program attaches to its own target with no name")
{
    Fd map(u64_array(1));
    REQUIRE(map >= 3);
    std::string why;
    Fd prog(load_tp_btf(record_cookie_prog(map, 0), &why));
    if (prog < 0 && !why.empty())
        SKIP_TEST(why);
    REQUIRE(prog >= 3);

    LIBBPF_OPTS(bpf_raw_tp_opts, o, .cookie = 77);
    Fd link(bpf_raw_tracepoint_open_opts(prog, &o));
    REQUIRE(link >= 3);
    some_syscall();
    CHECK(read_u64(map, 0) == 77);
    LinkInfo info;
    CHECK(raw_tp_name(link, info) == "sys_enter");
    CHECK(info.type() == kLinkRawTracepoint);

    link.reset();
    Fd plain(bpf_raw_tracepoint_open(nullptr, prog));
    REQUIRE(plain >= 3);
    some_syscall();
    CHECK(read_u64(map, 0) == 0); // attached without a cookie
}

TEST_CASE("raw_tracepoint_open: documented errors")
{
    Fd prog(load_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, return_imm(0)));
    REQUIRE(prog >= 3);
    int fds = open_fd_count();
    SECTION("ENOENT for a tracepoint that does not exist")
    {
        errno = 0;
        CHECK(no_leak(bpf_raw_tracepoint_open("no_such_tracepoint_xyz", prog)) == -ENOENT);
        CHECK(errno == ENOENT);
    }
    SECTION("EFAULT for no name with a raw_tracepoint program (the name is copied in)")
    {
        CHECK(no_leak(bpf_raw_tracepoint_open(nullptr, prog)) == -EFAULT);
        CHECK(errno == EFAULT);
    }
    SECTION("EBADF for a program fd that is not open")
    {
        CHECK(no_leak(bpf_raw_tracepoint_open("sys_enter", closed_fd())) == -EBADF);
        CHECK(errno == EBADF);
    }
    SECTION("EINVAL for a program of another type")
    {
        Fd sock(load_prog(BPF_PROG_TYPE_SOCKET_FILTER, return_imm(0)));
        REQUIRE(sock >= 3);
        CHECK(no_leak(bpf_raw_tracepoint_open("sys_enter", sock)) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EINVAL for opts with sz below 8, before the kernel is asked")
    {
        bpf_raw_tp_opts o{};
        o.sz = 4;
        o.tp_name = "sys_enter";
        CHECK(no_leak(bpf_raw_tracepoint_open_opts(prog, &o)) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EINVAL for opts with unknown non-zero trailing bytes")
    {
        alignas(8) unsigned char b[40] = {};
        auto *o = reinterpret_cast<bpf_raw_tp_opts *>(b);
        o->sz = sizeof(b);
        o->tp_name = "sys_enter";
        b[33] = 1;
        CHECK(no_leak(bpf_raw_tracepoint_open_opts(prog, o)) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    CHECK(open_fd_count() == fds);
}

TEST_CASE("link_create: raw tracepoint kinds fall back to BPF_RAW_TRACEPOINT_OPEN on EINVAL")
{
    // BPF_LINK_CREATE refuses raw_tracepoint-typed programs (EINVAL). With
    // nothing but the program given, bpf_link_create retries as
    // BPF_RAW_TRACEPOINT_OPEN without a name, whose own error (EFAULT: no
    // name to copy) is what the caller sees; with any opts set it gives up.
    Fd prog(load_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, return_imm(0)));
    REQUIRE(prog >= 3);
    errno = 0;
    CHECK(no_leak(bpf_link_create(prog, 0, BPF_TRACE_RAW_TP, nullptr)) == -EFAULT);
    CHECK(errno == EFAULT);

    LIBBPF_OPTS(bpf_link_create_opts, o, .tracing = {.cookie = 1});
    CHECK(no_leak(bpf_link_create(prog, 0, BPF_TRACE_RAW_TP, &o)) == -EINVAL);
    CHECK(errno == EINVAL);
}

TEST_CASE("link_create: a tp_btf program links with BPF_TRACE_RAW_TP and a tracing cookie")
{
    Fd map(u64_array(1));
    REQUIRE(map >= 3);
    std::string why;
    Fd prog(load_tp_btf(record_cookie_prog(map, 0), &why));
    if (prog < 0 && !why.empty())
        SKIP_TEST(why);
    REQUIRE(prog >= 3);

    LIBBPF_OPTS(bpf_link_create_opts, o, .tracing = {.cookie = 0xabcdef});
    Fd link(bpf_link_create(prog, 0, BPF_TRACE_RAW_TP, &o));
    REQUIRE(link >= 3);
    CHECK(cloexec(link));
    some_syscall();
    CHECK(read_u64(map, 0) == 0xabcdef);
    LinkInfo info;
    CHECK(raw_tp_name(link, info) == "sys_enter");
    CHECK(info.prog_id() == prog_id(prog));
    if (info.u64_at(32) == 0 && raw_info_cookie(link) == 0)
        SKIP_TEST(kNoRawTpCookieInfo);
    CHECK(info.u64_at(32) == 0xabcdef);
}

TEST_CASE("raw_tracepoint_open_opts: errors through opts")
{
    Fd prog(load_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, return_imm(0)));
    REQUIRE(prog >= 3);
    int fds = open_fd_count();
    SECTION("ENOENT for a tracepoint that does not exist")
    {
        LIBBPF_OPTS(bpf_raw_tp_opts, o, .tp_name = "no_such_tracepoint_xyz");
        errno = 0;
        CHECK(no_leak(bpf_raw_tracepoint_open_opts(prog, &o)) == -ENOENT);
        CHECK(errno == ENOENT);
    }
    SECTION("EBADF for a program fd that is not open")
    {
        LIBBPF_OPTS(bpf_raw_tp_opts, o, .tp_name = "sys_enter");
        CHECK(no_leak(bpf_raw_tracepoint_open_opts(closed_fd(), &o)) == -EBADF);
        CHECK(errno == EBADF);
    }
    SECTION("EINVAL for a program of another type")
    {
        Fd sock(load_prog(BPF_PROG_TYPE_SOCKET_FILTER, return_imm(0)));
        REQUIRE(sock >= 3);
        LIBBPF_OPTS(bpf_raw_tp_opts, o, .tp_name = "sys_enter", .cookie = 7);
        CHECK(no_leak(bpf_raw_tracepoint_open_opts(sock, &o)) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    CHECK(open_fd_count() == fds);
}
