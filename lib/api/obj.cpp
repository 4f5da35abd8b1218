// bpf_obj_pin[_opts], bpf_obj_get[_opts]: BPF file system paths.
#include "export.hpp"
#include "trace/trace.hpp"
#include "opts.hpp"
#include "sys/result.hpp"
#include "sys/syscall.hpp"

using namespace sysbpf;
using kernel::Cmd;

SYSBPF_EXPORT int bpf_obj_pin_opts(int fd, const char *pathname,
                                   const struct bpf_obj_pin_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_obj_pin_opts, fd, pathname, opts);
    Opts o(opts);
    if (!o.valid())
        return sys::c_return(-EINVAL);

    kernel::ObjAttr a{};
    a.pathname = kernel::ptr(pathname);
    a.bpf_fd = static_cast<kernel::u32>(fd);
    a.file_flags = SYSBPF_OPT(o, file_flags, 0);
    a.path_fd = SYSBPF_OPT(o, path_fd, 0);
    return sys::c_return(sys::call_final(Cmd::ObjPin, a));
}

SYSBPF_EXPORT int bpf_obj_pin(int fd, const char *pathname)
{
    SYSBPF_TRACE_CALL(bpf_obj_pin, fd, pathname);
    return SYSBPF_INNER_CALL(bpf_obj_pin_opts, fd, pathname, nullptr);
}

SYSBPF_EXPORT int bpf_obj_get_opts(const char *pathname, const struct bpf_obj_get_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_obj_get_opts, pathname, opts);
    Opts o(opts);
    if (!o.valid())
        return sys::c_return(-EINVAL);

    kernel::ObjAttr a{};
    a.pathname = kernel::ptr(pathname);
    a.file_flags = SYSBPF_OPT(o, file_flags, 0);
    a.path_fd = SYSBPF_OPT(o, path_fd, 0);
    return sys::c_return(sys::call_fd_final(Cmd::ObjGet, a));
}

SYSBPF_EXPORT int bpf_obj_get(const char *pathname)
{
    SYSBPF_TRACE_CALL(bpf_obj_get, pathname);
    return SYSBPF_INNER_CALL(bpf_obj_get_opts, pathname, nullptr);
}
