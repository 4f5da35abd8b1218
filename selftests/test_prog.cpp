// Program loads on the real kernel: program types, maps, verifier logs,
// documented errors, fd hygiene, a large program.
#include "harness/harness.hpp"
#include "kernel_helpers.hpp"
#include "kernel_refusal.hpp"
#include "log_probes.hpp"
#include "prog_fixtures.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstddef>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

// LIBBPF_OPTS with a few designated fields is the API's intended use.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace selftest;
using namespace selftest::prog;

namespace {

int load(bpf_prog_type type, const Insns &p, bpf_prog_load_opts *o = nullptr,
         const char *name = nullptr, const char *license = "GPL")
{
    return bpf_prog_load(type, name, license, p.data(), p.size(), o);
}

bool contains(const std::string &s, const char *what) { return s.find(what) != std::string::npos; }

bool tag_set(const bpf_prog_info &info)
{
    for (unsigned char b : info.tag)
        if (b)
            return true;
    return false;
}

__u64 element0(int map_fd)
{
    __u32 key = 0;
    __u64 v = ~0ull;
    REQUIRE(bpf_map_lookup_elem(map_fd, &key, &v) == 0);
    return v;
}

int run_xdp_once(int prog_fd)
{
    unsigned char pkt[64] = {};
    LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkt, .data_size_in = sizeof(pkt));
    return bpf_prog_test_run_opts(prog_fd, &t);
}

// A raw bpf(BPF_PROG_LOAD) of p with fd_array and, when cnt is non-zero,
// fd_array_cnt (6.14; after log_true_size and prog_token_fd, which follow
// the host header's core_relo_rec_size); the attr is passed with room for it.
// 0 (the program is closed) or the errno: the kernel's own answer.
int raw_load_fd_array(bpf_prog_type type, const Insns &p, const int *fds, __u32 cnt)
{
    alignas(8) unsigned char buf[256] = {};
    auto *a = reinterpret_cast<bpf_attr *>(buf);
    a->prog_type = type;
    a->insns = reinterpret_cast<uintptr_t>(p.data());
    a->insn_cnt = static_cast<__u32>(p.size());
    a->license = reinterpret_cast<uintptr_t>("GPL");
    a->fd_array = reinterpret_cast<uintptr_t>(fds);
    const size_t cnt_off = offsetof(bpf_attr, core_relo_rec_size) + 12;
    std::memcpy(buf + cnt_off, &cnt, sizeof(cnt));
    long fd = ::syscall(__NR_bpf, BPF_PROG_LOAD, buf, cnt_off + 8);
    if (fd < 0)
        return errno;
    ::close(static_cast<int>(fd));
    return 0;
}

} // namespace

TEST_CASE("prog_load: one program of each common type loads and shows in prog info")
{
    struct Case {
        bpf_prog_type type;
        const char *name;
        __s32 ret;
        bpf_attach_type expected;
    };
    const Case cases[] = {
        {BPF_PROG_TYPE_SOCKET_FILTER, "st_sockfilter", 0, BPF_CGROUP_INET_INGRESS},
        {BPF_PROG_TYPE_XDP, "st_xdp", XDP_PASS, BPF_CGROUP_INET_INGRESS},
        {BPF_PROG_TYPE_SCHED_CLS, "st_tc", 0, BPF_CGROUP_INET_INGRESS},
        {BPF_PROG_TYPE_TRACEPOINT, "st_tracepoint", 0, BPF_CGROUP_INET_INGRESS},
        {BPF_PROG_TYPE_CGROUP_SKB, "st_cgroup_skb", 1, BPF_CGROUP_INET_EGRESS},
    };
    for (const Case &c : cases) {
        INFO(c.name);
        Insns p = return_imm(c.ret);
        LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = c.expected);
        errno = 0;
        Fd fd(load(c.type, p, &o, c.name));
        REQUIRE(fd >= 3);
        CHECK(errno == 0);
        CHECK(cloexec(fd));
        bpf_prog_info info;
        REQUIRE(prog_info(fd, info) == 0);
        CHECK(info.type == c.type);
        CHECK(std::string(info.name) == c.name);
        CHECK(info.xlated_prog_len == p.size() * sizeof(bpf_insn));
        CHECK(tag_set(info));
        CHECK(info.id != 0);
        CHECK(info.nr_map_ids == 0);
        CHECK(info.gpl_compatible == 1);
    }
}

TEST_CASE("prog_load: a 20-character name is cut to 15; a bad character is EINVAL")
{
    Insns p = return_imm(0);
    Fd fd(load(BPF_PROG_TYPE_SOCKET_FILTER, p, nullptr, "abcdefghijklmnopqrst"));
    REQUIRE(fd >= 3);
    bpf_prog_info info;
    REQUIRE(prog_info(fd, info) == 0);
    CHECK(std::string(info.name) == "abcdefghijklmno");

    errno = 0;
    CHECK(load(BPF_PROG_TYPE_SOCKET_FILTER, p, nullptr, "bad name!") == -EINVAL);
    CHECK(errno == EINVAL);
}

TEST_CASE("prog_load: a map referenced by fd through BPF_LD_IMM64 is bound and used")
{
    Fd map(bpf_map_create(BPF_MAP_TYPE_ARRAY, "st_counter", 4, 8, 1, nullptr));
    REQUIRE(map >= 3);
    Insns p = count_runs_then_return({BPF_PSEUDO_MAP_FD, map.get()}, XDP_PASS);
    Fd fd(load(BPF_PROG_TYPE_XDP, p));
    REQUIRE(fd >= 3);

    bpf_map_info minfo{};
    __u32 mlen = sizeof(minfo);
    REQUIRE(bpf_map_get_info_by_fd(map, &minfo, &mlen) == 0);
    __u32 map_ids[4] = {};
    bpf_prog_info info{};
    info.nr_map_ids = 4;
    info.map_ids = reinterpret_cast<uintptr_t>(map_ids);
    __u32 len = sizeof(info);
    REQUIRE(bpf_prog_get_info_by_fd(fd, &info, &len) == 0);
    CHECK(info.nr_map_ids == 1);
    CHECK(map_ids[0] == minfo.id);

    REQUIRE(run_xdp_once(fd) == 0);
    REQUIRE(run_xdp_once(fd) == 0);
    CHECK(element0(map) == 2);
}

TEST_CASE("prog_load: a map referenced by index into fd_array (BPF_PSEUDO_MAP_IDX)")
{
    Fd map(bpf_map_create(BPF_MAP_TYPE_ARRAY, "st_counter", 4, 8, 1, nullptr));
    REQUIRE(map >= 3);
    Fd other(bpf_map_create(BPF_MAP_TYPE_ARRAY, "st_other", 4, 8, 1, nullptr));
    REQUIRE(other >= 3);
    const int fds[2] = {other.get(), map.get()};
    Insns p = count_runs_then_return({BPF_PSEUDO_MAP_IDX, 1}, XDP_PASS);
    char log[4096] = {};
    LIBBPF_OPTS(bpf_prog_load_opts, o, .fd_array = fds, .log_level = 1, .log_size = sizeof(log),
                .log_buf = log);
    int r = load(BPF_PROG_TYPE_XDP, p, &o);
    if (r == -EINVAL && contains(log, "unrecognized bpf_ld_imm64") &&
        raw_load_fd_array(BPF_PROG_TYPE_XDP, p, fds, 0) == EINVAL)
        SKIP_TEST("kernel lacks BPF_PSEUDO_MAP_IDX (5.14+): its verifier log says \"unrecognized bpf_ld_imm64\"; "
                  "raw bpf() refused the same way, EINVAL");
    // Before 5.14 fd_array lies past the kernel's union bpf_attr: E2BIG for
    // its non-zero bytes, while the same load without it gets past that check.
    if (r == -E2BIG && raw_load_fd_array(BPF_PROG_TYPE_XDP, p, fds, 0) == E2BIG &&
        raw_load_fd_array(BPF_PROG_TYPE_XDP, p, nullptr, 0) != E2BIG)
        SKIP_TEST("kernel lacks fd_array (5.14+): E2BIG, the field is past its bpf_attr; raw bpf() "
                  "refused the same way, and not without fd_array");
    Fd fd(r);
    INFO(log);
    REQUIRE(fd >= 3);
    REQUIRE(run_xdp_once(fd) == 0);
    CHECK(element0(map) == 1);
    CHECK(element0(other) == 0);
}

TEST_CASE("prog_load: fd_array_cnt binds every map in fd_array, used or not")
{
    Fd a(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 8, 1, nullptr));
    Fd b(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 8, 1, nullptr));
    REQUIRE(a >= 3);
    REQUIRE(b >= 3);
    const int fds[2] = {a.get(), b.get()};
    Insns p = return_imm(0);
    LIBBPF_OPTS(bpf_prog_load_opts, o, .fd_array = fds, .fd_array_cnt = 2);
    int r = load(BPF_PROG_TYPE_SOCKET_FILTER, p, &o);
    // A kernel without fd_array_cnt refuses its non-zero bytes: E2BIG when
    // they lie past its union bpf_attr (before 6.x), EINVAL when inside the
    // union but past BPF_PROG_LOAD's last field (6.12). The raw call must be
    // refused the same way, and load without fd_array and fd_array_cnt.
    if (r < 0 && raw_load_fd_array(BPF_PROG_TYPE_SOCKET_FILTER, p, fds, 2) == -r &&
        raw_load_fd_array(BPF_PROG_TYPE_SOCKET_FILTER, p, nullptr, 0) == 0)
        SKIP_TEST("kernel lacks fd_array_cnt (6.14+): " + errstr(-r) +
                  "; raw bpf() refused the same way, and loaded without it");
    Fd fd(r);
    REQUIRE(fd >= 3);
    bpf_prog_info info;
    REQUIRE(prog_info(fd, info) == 0);
    CHECK(info.nr_map_ids == 2);

    // An fd_array_cnt entry that is not a map or BTF fd is refused.
    Fd prog(load(BPF_PROG_TYPE_SOCKET_FILTER, p));
    REQUIRE(prog >= 3);
    const int bad[1] = {prog.get()};
    LIBBPF_OPTS(bpf_prog_load_opts, q, .fd_array = bad, .fd_array_cnt = 1);
    errno = 0;
    CHECK(load(BPF_PROG_TYPE_SOCKET_FILTER, p, &q) == -EINVAL);
    CHECK(errno == EINVAL);
}

TEST_CASE("prog_load: verifier log at level 1 and level 2")
{
    Insns p = return_imm(0);
    char log1[4096], log2[4096];
    std::memset(log1, 'x', sizeof(log1));
    std::memset(log2, 'x', sizeof(log2));
    LIBBPF_OPTS(bpf_prog_load_opts, o1, .log_level = 1, .log_size = sizeof(log1), .log_buf = log1);
    LIBBPF_OPTS(bpf_prog_load_opts, o2, .log_level = 2, .log_size = sizeof(log2), .log_buf = log2);
    Fd fd1(load(BPF_PROG_TYPE_SOCKET_FILTER, p, &o1));
    Fd fd2(load(BPF_PROG_TYPE_SOCKET_FILTER, p, &o2));
    REQUIRE(fd1 >= 3);
    REQUIRE(fd2 >= 3);
    std::string s1(log1), s2(log2);
    INFO("level 1: " << s1);
    INFO("level 2: " << s2);
    CHECK(contains(s1, "processed 2 insns"));
    CHECK(contains(s2, "processed 2 insns"));
    CHECK(contains(s2, "r0 = 0")); // level 2 traces every instruction
    CHECK(s2.size() > s1.size());
}

TEST_CASE("prog_load: log_true_size is the log's length plus its NUL (6.4+)")
{
    if (long r = log_probe::prog_log_true_size(); r < 0)
        SKIP_TEST("kernel without log_true_size (6.4+): raw bpf(BPF_PROG_LOAD) with it gives " + errstr(int(-r)));
    char log[4096];
    std::memset(log, 'x', sizeof(log));
    for (__u32 level : {1u, 2u}) {
        LIBBPF_OPTS(bpf_prog_load_opts, o, .log_level = level, .log_size = sizeof(log), .log_buf = log);
        Fd fd(load(BPF_PROG_TYPE_SOCKET_FILTER, return_imm(0), &o));
        REQUIRE(fd >= 3);
        INFO("level " << level << ": " << log);
        CHECK(o.log_true_size == std::strlen(log) + 1);
    }
    // A failure at level 0 is retried at level 1: the retry's size is reported.
    log[0] = 0;
    LIBBPF_OPTS(bpf_prog_load_opts, o, .log_size = sizeof(log), .log_buf = log);
    CHECK(load(BPF_PROG_TYPE_SOCKET_FILTER, reads_uninit_register(), &o) == -EACCES);
    INFO(log);
    CHECK(contains(log, "R2 !read_ok"));
    CHECK(o.log_true_size == std::strlen(log) + 1);
}

TEST_CASE("prog_load: log_level 0 with a buffer: quiet on success, logged on failure")
{
    char log[4096];
    SECTION("success leaves the buffer alone")
    {
        std::memset(log, 'x', sizeof(log));
        LIBBPF_OPTS(bpf_prog_load_opts, o, .log_size = sizeof(log), .log_buf = log);
        Fd fd(load(BPF_PROG_TYPE_SOCKET_FILTER, return_imm(0), &o));
        REQUIRE(fd >= 3);
        CHECK(log[0] == 'x');
        CHECK(o.log_true_size == 0);
    }
    SECTION("failure is retried with log_level 1 and explained")
    {
        log[0] = 0;
        LIBBPF_OPTS(bpf_prog_load_opts, o, .log_size = sizeof(log), .log_buf = log);
        errno = 0;
        CHECK(load(BPF_PROG_TYPE_SOCKET_FILTER, reads_uninit_register(), &o) == -EACCES);
        CHECK(errno == EACCES);
        INFO(log);
        CHECK(contains(log, "R2 !read_ok"));
    }
}

TEST_CASE("prog_load: a 128-byte log for a longer level-2 log: ENOSPC, truncated and NUL-terminated")
{
    // 128 bytes: the smallest log every kernel takes (6.4 dropped the minimum).
    char log[129];
    std::memset(log, 'x', sizeof(log));
    LIBBPF_OPTS(bpf_prog_load_opts, o, .log_level = 2, .log_size = 128, .log_buf = log);
    int before = open_fd_count();
    errno = 0;
    CHECK(load(BPF_PROG_TYPE_SOCKET_FILTER, return_imm(0), &o) == -ENOSPC);
    CHECK(errno == ENOSPC);
    CHECK(open_fd_count() == before);
    CHECK(std::memchr(log, 0, 128) != nullptr);
    CHECK(log[128] == 'x');
}

TEST_CASE("prog_load: a log buffer too small is ENOSPC with log_true_size set")
{
    if (long r = log_probe::prog_small_log(); r < 0)
        SKIP_TEST("kernel refuses a log under 128 bytes (minimum dropped in 6.4): raw bpf() with one gives " + errstr(int(-r)));
    if (long r = log_probe::prog_log_true_size(); r < 0)
        SKIP_TEST("kernel without log_true_size (6.4+): raw bpf(BPF_PROG_LOAD) with it gives " + errstr(int(-r)));
    Insns p = return_imm(0);
    char small[16];
    LIBBPF_OPTS(bpf_prog_load_opts, o, .log_level = 1, .log_size = sizeof(small),
                .log_buf = small);
    int before = open_fd_count();
    errno = 0;
    CHECK(load(BPF_PROG_TYPE_SOCKET_FILTER, p, &o) == -ENOSPC);
    CHECK(errno == ENOSPC);
    CHECK(open_fd_count() == before); // the verified program was not kept
    CHECK(std::strlen(small) < sizeof(small)); // truncated, NUL-terminated
    REQUIRE(o.log_true_size > sizeof(small));

    // The size the kernel asked for is enough.
    std::vector<char> log(o.log_true_size);
    LIBBPF_OPTS(bpf_prog_load_opts, q, .log_level = 1, .log_size = (__u32)log.size(),
                .log_buf = log.data());
    Fd fd(load(BPF_PROG_TYPE_SOCKET_FILTER, p, &q));
    REQUIRE(fd >= 3);
    CHECK(std::strlen(log.data()) + 1 == log.size());
    CHECK(q.log_true_size == log.size());
}

TEST_CASE("prog_load: verifier rejections")
{
    char log[4096] = {};
    LIBBPF_OPTS(bpf_prog_load_opts, o, .log_level = 1, .log_size = sizeof(log), .log_buf = log);
    SECTION("reading an uninitialised register is EACCES")
    {
        errno = 0;
        CHECK(load(BPF_PROG_TYPE_SOCKET_FILTER, reads_uninit_register(), &o) == -EACCES);
        CHECK(errno == EACCES);
        INFO(log);
        CHECK(contains(log, "R2 !read_ok"));
    }
    SECTION("a program that does not end in exit is EINVAL")
    {
        Insns p = {mov64_imm(BPF_REG_0, 0)};
        errno = 0;
        CHECK(load(BPF_PROG_TYPE_SOCKET_FILTER, p, &o) == -EINVAL);
        CHECK(errno == EINVAL);
        INFO(log);
        CHECK(contains(log, "last insn is not an exit or jmp"));
    }
    SECTION("an unknown opcode is EINVAL")
    {
        Insns p = {insn(0xff, 0, 0, 0, 0), exit_insn()};
        CHECK(load(BPF_PROG_TYPE_SOCKET_FILTER, p, &o) == -EINVAL);
        CHECK(errno == EINVAL);
        INFO(log);
        CHECK(contains(log, "unknown opcode ff"));
    }
}

TEST_CASE("prog_load: a GPL-only helper needs a GPL-compatible license")
{
    Insns p = calls_gpl_only_helper();
    char log[4096] = {};
    LIBBPF_OPTS(bpf_prog_load_opts, o, .log_level = 1, .log_size = sizeof(log), .log_buf = log);
    int r = load(BPF_PROG_TYPE_SOCKET_FILTER, p, &o, nullptr, "GPL");
    if (r < 0)
        SKIP_IF_REFUSED(kernel_refusal_with_log(ProgLoad{BPF_PROG_TYPE_SOCKET_FILTER, p.data(), p.size()}, -r,
                                                "#113", "kernel without bpf_probe_read_kernel (helper 113, "
                                                "5.5+) for socket filters"));
    REQUIRE(r >= 3);
    Fd gpl(r);
    bpf_prog_info info;
    REQUIRE(prog_info(gpl, info) == 0);
    CHECK(info.gpl_compatible == 1);

    log[0] = 0;
    errno = 0;
    CHECK(load(BPF_PROG_TYPE_SOCKET_FILTER, p, &o, nullptr, "Proprietary") == -EINVAL);
    CHECK(errno == EINVAL);
    INFO(log);
    CHECK(contains(log, "GPL"));

    // Without GPL-only helpers any license loads, and is reported as such.
    Fd prop(load(BPF_PROG_TYPE_SOCKET_FILTER, return_imm(0), nullptr, nullptr, "Proprietary"));
    REQUIRE(prop >= 3);
    REQUIRE(prog_info(prop, info) == 0);
    CHECK(info.gpl_compatible == 0);
}

TEST_CASE("prog_load: errors from arguments and opts")
{
    Insns p = return_imm(0);
    SECTION("an unknown program type is EINVAL")
    {
        errno = 0;
        CHECK(load(static_cast<bpf_prog_type>(9999), p) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("zero instructions is E2BIG, and a name is not blamed for it")
    {
        errno = 0;
        CHECK(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "st_empty", "GPL", p.data(), 0,
                            nullptr) == -E2BIG);
        CHECK(errno == E2BIG);
        Fd fd(load(BPF_PROG_TYPE_SOCKET_FILTER, p, nullptr, "st_named"));
        REQUIRE(fd >= 3);
        bpf_prog_info info;
        REQUIRE(prog_info(fd, info) == 0);
        CHECK(std::string(info.name) == "st_named");
    }
    SECTION("more instructions than the verifier's limit (1M) is E2BIG")
    {
        Insns big(1000001, exit_insn());
        CHECK(load(BPF_PROG_TYPE_SOCKET_FILTER, big) == -E2BIG);
        CHECK(errno == E2BIG);
    }
    SECTION("opts with sz 1 is EINVAL")
    {
        bpf_prog_load_opts o{};
        o.sz = 1;
        CHECK(load(BPF_PROG_TYPE_SOCKET_FILTER, p, &o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("a log buffer without a size is EINVAL")
    {
        char log[16];
        LIBBPF_OPTS(bpf_prog_load_opts, o, .log_level = 1, .log_buf = log);
        CHECK(load(BPF_PROG_TYPE_SOCKET_FILTER, p, &o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("negative attempts is EINVAL")
    {
        LIBBPF_OPTS(bpf_prog_load_opts, o, .attempts = -3);
        CHECK(load(BPF_PROG_TYPE_SOCKET_FILTER, p, &o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("attach_prog_fd and attach_btf_obj_fd together are EINVAL")
    {
        LIBBPF_OPTS(bpf_prog_load_opts, o, .attach_prog_fd = 3, .attach_btf_obj_fd = 4);
        CHECK(load(BPF_PROG_TYPE_SOCKET_FILTER, p, &o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("a map fd that is not open is EBADF")
    {
        Insns q = count_runs_then_return({BPF_PSEUDO_MAP_FD, 1 << 20}, XDP_PASS);
        CHECK(load(BPF_PROG_TYPE_XDP, q) == -EBADF);
        CHECK(errno == EBADF);
    }
}

TEST_CASE("prog_load: failing loads leave no fd behind")
{
    Fd map(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 8, 1, nullptr));
    REQUIRE(map >= 3);
    char log[128], big_log[4096]; // 128: the smallest log kernels before 6.4 take
    LIBBPF_OPTS(bpf_prog_load_opts, small, .log_level = 2, .log_size = sizeof(log), .log_buf = log);
    LIBBPF_OPTS(bpf_prog_load_opts, quiet, .log_size = sizeof(big_log), .log_buf = big_log);
    Insns uses_map = count_runs_then_return({BPF_PSEUDO_MAP_FD, map.get()}, XDP_PASS);
    Insns uses_map_badly = uses_map;
    uses_map_badly.back() = mov64_imm(BPF_REG_0, 0); // no exit any more

    const int before = open_fd_count();
    for (int i = 0; i < 20; i++) {
        CHECK(load(BPF_PROG_TYPE_SOCKET_FILTER, reads_uninit_register()) == -EACCES);
        CHECK(load(BPF_PROG_TYPE_SOCKET_FILTER, reads_uninit_register(), &quiet) == -EACCES);
        CHECK(load(static_cast<bpf_prog_type>(9999), return_imm(0)) == -EINVAL);
        CHECK(load(BPF_PROG_TYPE_SOCKET_FILTER, return_imm(0), &small) == -ENOSPC);
        CHECK(load(BPF_PROG_TYPE_XDP, uses_map_badly) == -EINVAL);
    }
    CHECK(open_fd_count() == before);
}

TEST_CASE("prog_load: a 50,000-instruction program loads")
{
    constexpr size_t kInsns = 50000;
    Insns p = straight_line(kInsns);
    const auto t0 = std::chrono::steady_clock::now();
    Fd fd(load(BPF_PROG_TYPE_SOCKET_FILTER, p, nullptr, "st_big"));
    const auto t1 = std::chrono::steady_clock::now();
    REQUIRE(fd >= 3);
    const double ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
    std::printf("prog_load: %zu instructions verified and loaded in %.1f ms\n", kInsns, ms);
    bpf_prog_info info;
    REQUIRE(prog_info(fd, info) == 0);
    CHECK(info.xlated_prog_len == kInsns * sizeof(bpf_insn));
    CHECK(ms < 10000);
}
