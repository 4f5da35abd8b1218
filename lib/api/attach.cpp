// bpf_prog_attach[_opts], bpf_prog_detach[2|_opts]: BPF_PROG_ATTACH/DETACH.
#include "export.hpp"
#include "trace/trace.hpp"
#include "kernel/prog_attach_flags.hpp"
#include "opts.hpp"
#include "sys/result.hpp"
#include "sys/syscall.hpp"

#include <cstring>

using namespace sysbpf;
using kernel::Cmd;

namespace {

// Fills the fields attach and detach share. The anchor is named by fd or by
// id (then BPF_F_ID tells the kernel which); naming both is refused.
template <class O>
bool fill_common(kernel::ProgAttachAttr &a, int prog_fd, int target, bpf_attach_type type,
                 const O &o) noexcept
{
    kernel::u32 relative_id = SYSBPF_OPT(o, relative_id, 0);
    int relative_fd = SYSBPF_OPT(o, relative_fd, 0);
    kernel::u32 flags = SYSBPF_OPT(o, flags, 0);
    if (relative_fd && relative_id)
        return false;

    a.target_fd = static_cast<kernel::u32>(target);
    a.attach_bpf_fd = static_cast<kernel::u32>(prog_fd);
    a.attach_type = type;
    a.expected_revision = SYSBPF_OPT(o, expected_revision, 0);
    if (relative_id) {
        a.attach_flags = flags | kernel::kAttachById;
        a.relative_fd = relative_id;
    } else {
        a.attach_flags = flags;
        a.relative_fd = static_cast<kernel::u32>(relative_fd);
    }
    return true;
}

} // namespace

SYSBPF_EXPORT int bpf_prog_attach_opts(int prog_fd, int target, enum bpf_attach_type type,
                                       const struct bpf_prog_attach_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_prog_attach_opts, prog_fd, target, type, opts);
    Opts o(opts);
    if (!o.valid())
        return sys::c_return(-EINVAL);

    kernel::ProgAttachAttr a{};
    if (!fill_common(a, prog_fd, target, type, o))
        return sys::c_return(-EINVAL);
    a.replace_bpf_fd = static_cast<kernel::u32>(SYSBPF_OPT(o, replace_fd, 0));
    return sys::c_return(sys::call_final(Cmd::ProgAttach, a));
}

SYSBPF_EXPORT int bpf_prog_attach(int prog_fd, int target_fd, enum bpf_attach_type type,
                                  unsigned int flags)
{
    SYSBPF_TRACE_CALL(bpf_prog_attach, prog_fd, target_fd, type, flags);
    struct bpf_prog_attach_opts o;
    std::memset(&o, 0, sizeof(o));
    o.sz = sizeof(o);
    o.flags = flags;
    return SYSBPF_INNER_CALL(bpf_prog_attach_opts, prog_fd, target_fd, type, &o);
}

SYSBPF_EXPORT int bpf_prog_detach_opts(int prog_fd, int target, enum bpf_attach_type type,
                                       const struct bpf_prog_detach_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_prog_detach_opts, prog_fd, target, type, opts);
    Opts o(opts);
    if (!o.valid())
        return sys::c_return(-EINVAL);

    kernel::ProgAttachAttr a{};
    if (!fill_common(a, prog_fd, target, type, o))
        return sys::c_return(-EINVAL);
    return sys::c_return(sys::call_final(Cmd::ProgDetach, a));
}

SYSBPF_EXPORT int bpf_prog_detach(int target_fd, enum bpf_attach_type type)
{
    SYSBPF_TRACE_CALL(bpf_prog_detach, target_fd, type);
    return SYSBPF_INNER_CALL(bpf_prog_detach_opts, 0, target_fd, type, nullptr);
}

SYSBPF_EXPORT int bpf_prog_detach2(int prog_fd, int target_fd, enum bpf_attach_type type)
{
    SYSBPF_TRACE_CALL(bpf_prog_detach2, prog_fd, target_fd, type);
    return SYSBPF_INNER_CALL(bpf_prog_detach_opts, prog_fd, target_fd, type, nullptr);
}
