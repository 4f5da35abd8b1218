#include "sys/fd.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace sysbpf::sys {

long move_high(long fd) noexcept
{
    int saved = errno;
    int moved = ::fcntl(static_cast<int>(fd), F_DUPFD_CLOEXEC, 3);
    long ret = moved < 0 ? -errno : moved;
    ::close(static_cast<int>(fd));
    errno = saved;
    return ret;
}

} // namespace sysbpf::sys
