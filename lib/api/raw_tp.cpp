// bpf_raw_tracepoint_open and bpf_raw_tracepoint_open_opts
#include "export.hpp"
#include "trace/trace.hpp"
#include "opts.hpp"
#include "raw_tp_open.hpp"
#include "sys/result.hpp"
#include "sys/syscall.hpp"

using namespace sysbpf;

long sysbpf::raw_tracepoint_open(int prog_fd, const char *tp_name, kernel::u64 cookie) noexcept
{
    kernel::RawTracepointAttr a{};
    a.name = kernel::ptr(tp_name);
    a.prog_fd = static_cast<kernel::u32>(prog_fd);
    a.cookie = cookie;
    return sys::call_fd(kernel::Cmd::RawTracepointOpen, a);
}

SYSBPF_EXPORT int bpf_raw_tracepoint_open_opts(int prog_fd, struct bpf_raw_tp_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_raw_tracepoint_open_opts, prog_fd, opts);
    Opts o(opts);
    if (!o.valid())
        return sys::c_return(-EINVAL);
    return sys::c_return(raw_tracepoint_open(prog_fd, SYSBPF_OPT(o, tp_name, nullptr),
                                             SYSBPF_OPT(o, cookie, 0)));
}

SYSBPF_EXPORT int bpf_raw_tracepoint_open(const char *name, int prog_fd)
{
    SYSBPF_TRACE_CALL(bpf_raw_tracepoint_open, name, prog_fd);
    return sys::c_return(raw_tracepoint_open(prog_fd, name, 0));
}
