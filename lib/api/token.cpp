// bpf_token_create
#include "export.hpp"
#include "trace/trace.hpp"
#include "opts.hpp"
#include "sys/result.hpp"
#include "sys/syscall.hpp"

using namespace sysbpf;

SYSBPF_EXPORT int bpf_token_create(int bpffs_fd, struct bpf_token_create_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_token_create, bpffs_fd, opts);
    Opts o(opts);
    if (!o.valid())
        return sys::c_return(-EINVAL);

    kernel::TokenCreateAttr a{};
    a.bpffs_fd = static_cast<kernel::u32>(bpffs_fd);
    a.flags = SYSBPF_OPT(o, flags, 0);
    return sys::c_return(sys::call_fd_final(kernel::Cmd::TokenCreate, a));
}
