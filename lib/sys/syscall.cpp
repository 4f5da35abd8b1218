#include "sys/syscall.hpp"

namespace sysbpf::sys {

long raw_bpf(int cmd, void *attr, unsigned size) noexcept
{
    return bpf_syscall(cmd, attr, size);
}

BpfFn bpf_fn = nullptr;

long call_seam(int cmd, void *attr, unsigned size) noexcept
{
    return bpf_fn(cmd, attr, size);
}

long call_seam_final(int cmd, void *attr, unsigned size) noexcept
{
    const long r = bpf_fn(cmd, attr, size);
    if (r < 0)
        errno = static_cast<int>(-r);
    return r;
}

} // namespace sysbpf::sys
