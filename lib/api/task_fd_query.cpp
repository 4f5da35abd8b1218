// bpf_task_fd_query
#include "export.hpp"
#include "trace/trace.hpp"
#include "sys/result.hpp"
#include "sys/syscall.hpp"

#include <bpf/bpf.h>

using namespace sysbpf;

// Every output is copied back from the attr whatever the result, as libbpf
// does: on ENOSPC the kernel has put the needed buf_len there, and on other
// failures the caller sees the zeroes (or whatever the kernel left).
SYSBPF_EXPORT int bpf_task_fd_query(int pid, int fd, __u32 flags, char *buf, __u32 *buf_len,
                                    __u32 *prog_id, __u32 *fd_type, __u64 *probe_offset,
                                    __u64 *probe_addr)
{
    SYSBPF_TRACE_CALL(bpf_task_fd_query, pid, fd, flags, buf, buf_len, prog_id, fd_type, probe_offset, probe_addr);
    kernel::TaskFdQueryAttr a{};
    a.pid = static_cast<kernel::u32>(pid);
    a.fd = static_cast<kernel::u32>(fd);
    a.flags = flags;
    a.buf = kernel::ptr(buf);
    a.buf_len = *buf_len;

    long r = sys::call_final(kernel::Cmd::TaskFdQuery, a);

    *buf_len = a.buf_len;
    *prog_id = a.prog_id;
    *fd_type = a.fd_type;
    *probe_offset = a.probe_offset;
    *probe_addr = a.probe_addr;
    return sys::c_return(r);
}
