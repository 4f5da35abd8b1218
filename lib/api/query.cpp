// bpf_prog_query_opts, bpf_prog_query: BPF_PROG_QUERY.
#include "export.hpp"
#include "trace/trace.hpp"
#include "opts.hpp"
#include "sys/result.hpp"
#include "sys/syscall.hpp"

#include <cstring>

using namespace sysbpf;
using kernel::Cmd;

SYSBPF_EXPORT int bpf_prog_query_opts(int target, enum bpf_attach_type type,
                                      struct bpf_prog_query_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_prog_query_opts, target, type, opts);
    Opts o(opts);
    if (!o.valid())
        return sys::c_return(-EINVAL);

    kernel::ProgQueryAttr a{};
    a.target_fd = static_cast<kernel::u32>(target);
    a.attach_type = type;
    a.query_flags = SYSBPF_OPT(o, query_flags, 0);
    a.prog_cnt = SYSBPF_OPT(o, count, 0);
    a.prog_ids = kernel::ptr(SYSBPF_OPT(o, prog_ids, nullptr));
    a.prog_attach_flags = kernel::ptr(SYSBPF_OPT(o, prog_attach_flags, nullptr));
    a.link_ids = kernel::ptr(SYSBPF_OPT(o, link_ids, nullptr));
    a.link_attach_flags = kernel::ptr(SYSBPF_OPT(o, link_attach_flags, nullptr));

    long r = sys::call_final(Cmd::ProgQuery, a);

    // Written back whatever the result: on ENOSPC the kernel still reports
    // how many programs there are.
    SYSBPF_OPT_SET(o, attach_flags, a.attach_flags);
    SYSBPF_OPT_SET(o, revision, a.revision);
    SYSBPF_OPT_SET(o, count, a.prog_cnt);
    return sys::c_return(r);
}

// libbpf's contract: prog_cnt is required (in: room in prog_ids; out: count),
// attach_flags may be NULL; both are written even on failure.
SYSBPF_EXPORT int bpf_prog_query(int target_fd, enum bpf_attach_type type, __u32 query_flags,
                                 __u32 *attach_flags, __u32 *prog_ids, __u32 *prog_cnt)
{
    SYSBPF_TRACE_CALL(bpf_prog_query, target_fd, type, query_flags, attach_flags, prog_ids, prog_cnt);
    struct bpf_prog_query_opts o;
    std::memset(&o, 0, sizeof(o));
    o.sz = sizeof(o);
    o.query_flags = query_flags;
    o.prog_ids = prog_ids;
    o.prog_cnt = *prog_cnt;

    int r = SYSBPF_INNER_CALL(bpf_prog_query_opts, target_fd, type, &o);

    if (attach_flags)
        *attach_flags = o.attach_flags;
    *prog_cnt = o.prog_cnt;
    return r;
}
