// bpf_enable_stats
#include "export.hpp"
#include "trace/trace.hpp"
#include "sys/result.hpp"
#include "sys/syscall.hpp"

#include <bpf/bpf.h>

using namespace sysbpf;

// bpf.h declares the parameter as int for C++ (the enum is incomplete there)
// and as enum bpf_stats_type for C: the same int-sized argument.
SYSBPF_EXPORT int bpf_enable_stats(int type)
{
    SYSBPF_TRACE_CALL(bpf_enable_stats, type);
    kernel::EnableStatsAttr a{};
    a.type = static_cast<kernel::u32>(type);
    return sys::c_return(sys::call_fd_final(kernel::Cmd::EnableStats, a));
}
