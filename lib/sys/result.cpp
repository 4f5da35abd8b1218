#include "sys/result.hpp"

#include <cerrno>

namespace sysbpf::sys {

int fail(long result) noexcept
{
    errno = static_cast<int>(-result);
    return static_cast<int>(result);
}

} // namespace sysbpf::sys
