// bpf_prog_assoc_struct_ops
#include "export.hpp"
#include "trace/trace.hpp"
#include "opts.hpp"
#include "sys/result.hpp"
#include "sys/syscall.hpp"

using namespace sysbpf;

SYSBPF_EXPORT int bpf_prog_assoc_struct_ops(int prog_fd, int map_fd,
                                            struct bpf_prog_assoc_struct_ops_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_prog_assoc_struct_ops, prog_fd, map_fd, opts);
    Opts o(opts);
    if (!o.valid())
        return sys::c_return(-EINVAL);

    kernel::ProgAssocStructOpsAttr a{};
    a.map_fd = static_cast<kernel::u32>(map_fd);
    a.prog_fd = static_cast<kernel::u32>(prog_fd);
    a.flags = SYSBPF_OPT(o, flags, 0);
    return sys::c_return(sys::call_final(kernel::Cmd::ProgAssocStructOps, a));
}
