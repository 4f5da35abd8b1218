// bpf_task_fd_query on the real kernel, on this process's own raw tracepoint
// link.
#include "harness/harness.hpp"
#include "kernel_helpers.hpp"
#include "misc_fixtures.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <fcntl.h>
#include <unistd.h>

using namespace selftest;
using namespace selftest::misc;

namespace {

// Outputs, pre-filled with garbage so that every write is visible.
struct Query {
    char buf[64];
    __u32 buf_len = sizeof(buf);
    __u32 prog_id = 0xdead, fd_type = 0xdead;
    __u64 probe_offset = 0xdead, probe_addr = 0xdead;

    Query() { std::memset(buf, 'x', sizeof(buf)); }
    int run(int fd, __u32 flags = 0, int pid = ::getpid(), bool with_buf = true)
    {
        return bpf_task_fd_query(pid, fd, flags, with_buf ? buf : nullptr, &buf_len, &prog_id,
                                 &fd_type, &probe_offset, &probe_addr);
    }
};

// A raw tracepoint program attached to sys_enter, with its id.
struct RawTpLink {
    Fd prog, link;
    __u32 prog_id = 0;

    RawTpLink()
    {
        prog.reset(load_raw_tp_prog("st_fdq"));
        if (prog < 0)
            return;
        link.reset(static_cast<int>(raw_tp_open("sys_enter", prog)));
        bpf_prog_info info{};
        if (prog_info(prog, info) == 0)
            prog_id = info.id;
    }
};

} // namespace

TEST_CASE("task_fd_query: a raw tracepoint link reports its tracepoint, type and program")
{
    RawTpLink l;
    REQUIRE(l.prog >= 3);
    INFO("raw_tp_open: " << errstr(-l.link.get()));
    REQUIRE(l.link >= 3);
    REQUIRE(l.prog_id != 0);
    Query q;
    errno = 4321;
    REQUIRE(q.run(l.link) == 0);
    CHECK(errno == 4321);
    CHECK(std::string(q.buf) == "sys_enter");
    CHECK(q.buf_len == 9); // strlen: the kernel reports the name's length
    CHECK(q.fd_type == BPF_FD_TYPE_RAW_TRACEPOINT);
    CHECK(q.prog_id == l.prog_id);
    CHECK(q.probe_offset == 0);
    CHECK(q.probe_addr == 0);
}

TEST_CASE("task_fd_query: NULL buffer: the name's length and the other outputs still come back")
{
    RawTpLink l;
    REQUIRE(l.link >= 3);
    Query q;
    q.buf_len = 0;
    REQUIRE(q.run(l.link, 0, ::getpid(), false) == 0);
    CHECK(q.buf_len == 9);
    CHECK(q.prog_id == l.prog_id);
    CHECK(q.fd_type == BPF_FD_TYPE_RAW_TRACEPOINT);
}

TEST_CASE("task_fd_query: buffer too small: ENOSPC, truncated copy, outputs written back")
{
    RawTpLink l;
    REQUIRE(l.link >= 3);
    Query q;
    q.buf_len = 4;
    errno = 0;
    CHECK(q.run(l.link) == -ENOSPC);
    CHECK(errno == ENOSPC);
    CHECK(q.buf_len == 9); // the name's length, without its NUL
    // buf_len - 1 bytes of the name and a NUL; nothing past buf_len.
    CHECK(std::string(q.buf, 4) == std::string("sys\0", 4));
    CHECK(q.buf[4] == 'x');
    // The other outputs are copied back on this failure too.
    CHECK(q.prog_id == l.prog_id);
    CHECK(q.fd_type == BPF_FD_TYPE_RAW_TRACEPOINT);
    CHECK(q.probe_offset == 0);
}

TEST_CASE("task_fd_query: errors")
{
    RawTpLink l;
    REQUIRE(l.link >= 3);
    int before = open_fd_count();
    Query q;
    SECTION("EBADF for an fd that is not open; outputs come back zeroed")
    {
        errno = 0;
        CHECK(q.run(100000) == -EBADF);
        CHECK(errno == EBADF);
        CHECK(q.buf_len == sizeof(q.buf)); // untouched by the kernel: the caller's value
        CHECK(q.prog_id == 0);             // libbpf copies the zeroed attr back
        CHECK(q.fd_type == 0);
        CHECK(q.probe_offset == 0);
        CHECK(q.probe_addr == 0);
    }
    SECTION("ENOTSUPP (524) for an fd that is neither a BPF link nor a perf event")
    {
        int p[2];
        REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
        Fd r(p[0]), w(p[1]);
        errno = 0;
        CHECK(q.run(r) == -kENOTSUPP);
        CHECK(errno == kENOTSUPP);
    }
    SECTION("ENOTSUPP (524) for a program fd (the link is what is attached)")
    {
        CHECK(q.run(l.prog) == -kENOTSUPP);
        CHECK(errno == kENOTSUPP);
    }
    SECTION("ENOENT for a pid that does not exist")
    {
        errno = 0;
        CHECK(q.run(l.link, 0, 0x3ffffff) == -ENOENT);
        CHECK(errno == ENOENT);
    }
    SECTION("EINVAL for flags")
    {
        errno = 0;
        CHECK(q.run(l.link, 1) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    CHECK(open_fd_count() == before);
}
