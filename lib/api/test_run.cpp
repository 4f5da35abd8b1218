// bpf_prog_test_run_opts
#include "export.hpp"
#include "trace/trace.hpp"
#include "opts.hpp"
#include "sys/result.hpp"
#include "sys/syscall.hpp"

using namespace sysbpf;

SYSBPF_EXPORT int bpf_prog_test_run_opts(int prog_fd, struct bpf_test_run_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_prog_test_run_opts, prog_fd, opts);
    Opts o(opts);
    if (!o.valid())
        return sys::c_return(-EINVAL);

    kernel::TestRunAttr a{};
    a.prog_fd = static_cast<kernel::u32>(prog_fd);
    a.batch_size = SYSBPF_OPT(o, batch_size, 0);
    a.cpu = SYSBPF_OPT(o, cpu, 0);
    a.flags = SYSBPF_OPT(o, flags, 0);
    a.repeat = static_cast<kernel::u32>(SYSBPF_OPT(o, repeat, 0));
    a.duration = SYSBPF_OPT(o, duration, 0); // libbpf sends the caller's value in too
    a.ctx_size_in = SYSBPF_OPT(o, ctx_size_in, 0);
    a.ctx_size_out = SYSBPF_OPT(o, ctx_size_out, 0);
    a.data_size_in = SYSBPF_OPT(o, data_size_in, 0);
    a.data_size_out = SYSBPF_OPT(o, data_size_out, 0);
    a.ctx_in = kernel::ptr(SYSBPF_OPT(o, ctx_in, nullptr));
    a.ctx_out = kernel::ptr(SYSBPF_OPT(o, ctx_out, nullptr));
    a.data_in = kernel::ptr(SYSBPF_OPT(o, data_in, nullptr));
    a.data_out = kernel::ptr(SYSBPF_OPT(o, data_out, nullptr));

    const long r = sys::call(kernel::Cmd::ProgTestRun, a);

    // Written back whatever the outcome: after ENOSPC, data_size_out tells
    // the caller how much room the output needed.
    SYSBPF_OPT_SET(o, data_size_out, a.data_size_out);
    SYSBPF_OPT_SET(o, ctx_size_out, a.ctx_size_out);
    SYSBPF_OPT_SET(o, duration, a.duration);
    SYSBPF_OPT_SET(o, retval, a.retval);
    return sys::c_return(r);
}
