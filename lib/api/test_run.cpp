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
    return with_opts(
        opts,
        [](auto o, int prog_fd) noexcept {
            // Every field in one initializer, in layout order: each byte is
            // stored once.
            kernel::TestRunAttr a{
                .prog_fd = static_cast<kernel::u32>(prog_fd),
                .retval = 0,
                .data_size_in = SYSBPF_OPT(o, data_size_in, 0),
                .data_size_out = SYSBPF_OPT(o, data_size_out, 0),
                .data_in = kernel::ptr(SYSBPF_OPT(o, data_in, nullptr)),
                .data_out = kernel::ptr(SYSBPF_OPT(o, data_out, nullptr)),
                .repeat = static_cast<kernel::u32>(SYSBPF_OPT(o, repeat, 0)),
                .duration = SYSBPF_OPT(o, duration, 0), // libbpf sends the caller's value in too
                .ctx_size_in = SYSBPF_OPT(o, ctx_size_in, 0),
                .ctx_size_out = SYSBPF_OPT(o, ctx_size_out, 0),
                .ctx_in = kernel::ptr(SYSBPF_OPT(o, ctx_in, nullptr)),
                .ctx_out = kernel::ptr(SYSBPF_OPT(o, ctx_out, nullptr)),
                .flags = SYSBPF_OPT(o, flags, 0),
                .cpu = SYSBPF_OPT(o, cpu, 0),
                .batch_size = SYSBPF_OPT(o, batch_size, 0),
                .pad_tail = 0,
            };

            const long r = sys::call_final(kernel::Cmd::ProgTestRun, a);

            // Written back whatever the outcome: after ENOSPC, data_size_out
            // tells the caller how much room the output needed.
            SYSBPF_OPT_SET(o, data_size_out, a.data_size_out);
            SYSBPF_OPT_SET(o, ctx_size_out, a.ctx_size_out);
            SYSBPF_OPT_SET(o, duration, a.duration);
            SYSBPF_OPT_SET(o, retval, a.retval);
            return sys::c_return(r);
        },
        prog_fd);
}
