// bpf_task_fd_query through the seam: 48-byte attr, outputs always copied back.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "wire_bytes.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>

using namespace sysbpf_test;
using sysbpf::kernel::TaskFdQueryAttr;

namespace {

struct Outputs {
    __u32 buf_len = 0, prog_id = 0xdead, fd_type = 0xdead;
    __u64 probe_offset = 0xdead, probe_addr = 0xdead;
};

int query(int pid, int fd, __u32 flags, char *buf, Outputs &o)
{
    return bpf_task_fd_query(pid, fd, flags, buf, &o.buf_len, &o.prog_id, &o.fd_type,
                             &o.probe_offset, &o.probe_addr);
}

// Plays the kernel: fills the output fields of the attr.
long answer(void *attr, long result, __u32 buf_len)
{
    auto *a = static_cast<TaskFdQueryAttr *>(attr);
    a->buf_len = buf_len;
    a->prog_id = 77;
    a->fd_type = BPF_FD_TYPE_UPROBE;
    a->probe_offset = 0x1234;
    a->probe_addr = 0xffff888812345678ull;
    return result;
}

} // namespace

TEST_CASE("task_fd_query: command 20, exact 48 bytes")
{
    FakeKernel k;
    char buf[64];
    Outputs o;
    o.buf_len = sizeof(buf);
    CHECK(query(1234, 9, 0, buf, o) == 0);
    REQUIRE(k.calls.size() == 1);
    CHECK(k.calls[0].cmd == BPF_TASK_FD_QUERY);
    CHECK(k.calls[0].size == 48);
    Wire w(48);
    w.u32(0, 1234).u32(4, 9).u32(8, 0).u32(12, sizeof(buf)).ptr(16, buf);
    CHECK(k.calls[0].bytes == w.bytes);
}

TEST_CASE("task_fd_query: flags and a NULL buffer travel as given")
{
    FakeKernel k;
    Outputs o;
    CHECK(query(-1, 0, 5, nullptr, o) == 0);
    Wire w(48);
    w.u32(0, 0xffffffffu).u32(8, 5);
    CHECK(k.calls[0].bytes == w.bytes);
}

TEST_CASE("task_fd_query: on success every output comes from the kernel")
{
    FakeKernel k;
    k.then([](int, void *attr, unsigned) { return answer(attr, 0, 10); });
    char buf[32];
    Outputs o;
    o.buf_len = sizeof(buf);
    errno = 4321;
    CHECK(query(1, 5, 0, buf, o) == 0);
    CHECK(errno == 4321);
    CHECK(o.buf_len == 10);
    CHECK(o.prog_id == 77);
    CHECK(o.fd_type == BPF_FD_TYPE_UPROBE);
    CHECK(o.probe_offset == 0x1234);
    CHECK(o.probe_addr == 0xffff888812345678ull);
}

TEST_CASE("task_fd_query: on ENOSPC the outputs are still copied back (buf_len = size needed)")
{
    FakeKernel k;
    k.then([](int, void *attr, unsigned) { return answer(attr, -ENOSPC, 10); });
    char buf[4];
    Outputs o;
    o.buf_len = sizeof(buf);
    errno = 0;
    CHECK(query(1, 5, 0, buf, o) == -ENOSPC);
    CHECK(errno == ENOSPC);
    CHECK(o.buf_len == 10);
    CHECK(o.prog_id == 77);
    CHECK(o.fd_type == BPF_FD_TYPE_UPROBE);
}

TEST_CASE("task_fd_query: on a failure that writes nothing, outputs are overwritten from the attr")
{
    // libbpf copies the attr back unconditionally: the caller's buf_len comes
    // back unchanged and the other outputs come back as zero.
    FakeKernel k;
    k.then_return(-EBADF);
    char buf[16];
    Outputs o;
    o.buf_len = sizeof(buf);
    errno = 0;
    CHECK(query(1, 5, 0, buf, o) == -EBADF);
    CHECK(errno == EBADF);
    CHECK(o.buf_len == sizeof(buf));
    CHECK(o.prog_id == 0);
    CHECK(o.fd_type == 0);
    CHECK(o.probe_offset == 0);
    CHECK(o.probe_addr == 0);
}
