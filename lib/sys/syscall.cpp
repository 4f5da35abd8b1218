#include "sys/syscall.hpp"

#include <cerrno>
#include <sys/syscall.h>
#include <unistd.h>

namespace sysbpf::sys {

long raw_bpf(int cmd, void *attr, unsigned size) noexcept
{
    long r = ::syscall(__NR_bpf, cmd, attr, size);
    return r < 0 ? -errno : r;
}

BpfFn bpf_fn = raw_bpf;

} // namespace sysbpf::sys
