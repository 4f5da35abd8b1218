#include "sys/syscall.hpp"

#include <cerrno>
#include <sys/syscall.h>
#include <unistd.h>

namespace sysbpf::sys {

long raw_bpf(int cmd, void *attr, unsigned size) noexcept
{
#if defined(__x86_64__)
    // The syscall instruction itself: the kernel's -errno comes back as is,
    // and errno is not touched on the way.
    long r;
    asm volatile("syscall"
                 : "=a"(r)
                 : "0"(static_cast<long>(__NR_bpf)), "D"(static_cast<long>(cmd)), "S"(attr),
                   "d"(static_cast<unsigned long>(size))
                 : "rcx", "r11", "memory");
    return r;
#else
    long r = ::syscall(__NR_bpf, cmd, attr, size);
    return r < 0 ? -errno : r;
#endif
}

BpfFn bpf_fn = raw_bpf;

} // namespace sysbpf::sys
