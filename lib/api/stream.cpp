// bpf_prog_stream_read
#include "export.hpp"
#include "trace/trace.hpp"
#include "opts.hpp"
#include "sys/result.hpp"
#include "sys/syscall.hpp"

using namespace sysbpf;

// Returns the number of bytes the kernel copied into buf.
SYSBPF_EXPORT int bpf_prog_stream_read(int prog_fd, __u32 stream_id, void *buf, __u32 buf_len,
                                       struct bpf_prog_stream_read_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_prog_stream_read, prog_fd, stream_id, buf, buf_len, opts);
    Opts o(opts); // holds only sz so far: checked, nothing read
    if (!o.valid())
        return sys::c_return(-EINVAL);

    kernel::ProgStreamReadAttr a{};
    a.stream_buf = kernel::ptr(buf);
    a.stream_buf_len = buf_len;
    a.stream_id = stream_id;
    a.prog_fd = static_cast<kernel::u32>(prog_fd);
    return sys::c_return(sys::call_final(kernel::Cmd::ProgStreamReadByFd, a));
}
