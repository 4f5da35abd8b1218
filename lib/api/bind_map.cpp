// bpf_prog_bind_map
#include "export.hpp"
#include "trace/trace.hpp"
#include "opts.hpp"
#include "sys/result.hpp"
#include "sys/syscall.hpp"

using namespace sysbpf;

SYSBPF_EXPORT int bpf_prog_bind_map(int prog_fd, int map_fd,
                                    const struct bpf_prog_bind_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_prog_bind_map, prog_fd, map_fd, opts);
    Opts o(opts);
    if (!o.valid())
        return sys::c_return(-EINVAL);

    kernel::ProgBindMapAttr a{};
    a.prog_fd = static_cast<kernel::u32>(prog_fd);
    a.map_fd = static_cast<kernel::u32>(map_fd);
    a.flags = SYSBPF_OPT(o, flags, 0);
    return sys::c_return(sys::call_final(kernel::Cmd::ProgBindMap, a));
}
