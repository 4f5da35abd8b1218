#include "sys/fd.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace sysbpf::sys {

long ensure_high_fd(long result) noexcept
{
    if (result < 0 || result > 2)
        return result;
    int saved = errno;
    int fd = static_cast<int>(result);
    int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    long ret = moved < 0 ? -errno : moved;
    ::close(fd);
    errno = saved;
    return ret;
}

} // namespace sysbpf::sys
