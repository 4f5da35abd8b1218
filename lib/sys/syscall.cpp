#include "sys/syscall.hpp"

#include <cerrno>
#include <sys/syscall.h>
#include <unistd.h>

namespace sysbpf::sys {

long raw_bpf(int cmd, void *attr, unsigned size) noexcept
{
#if defined(__x86_64__)
    return bpf_syscall(cmd, attr, size);
#else
    // syscall() reports failure in errno; the seam's callers expect errno
    // untouched, so it is put back.
    const int saved = errno;
    long r = ::syscall(__NR_bpf, cmd, attr, size);
    if (r < 0) {
        r = -errno;
        errno = saved;
    }
    return r;
#endif
}

BpfFn bpf_fn = nullptr;

long call_seam(int cmd, void *attr, unsigned size) noexcept
{
    return bpf_fn(cmd, attr, size);
}

} // namespace sysbpf::sys
