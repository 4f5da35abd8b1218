// libbpf's return convention at the C boundary: a failure is returned as a
// negative errno and errno is set to match; success leaves errno alone.
#pragma once

#include <cerrno>

namespace sysbpf::sys {

inline int c_return(long result) noexcept
{
    if (result < 0) {
        errno = static_cast<int>(-result);
    }
    return static_cast<int>(result);
}

} // namespace sysbpf::sys
