#include "kernel_helpers.hpp"

#include <cstdio>
#include <fcntl.h>

namespace selftest {

int possible_cpus()
{
    // "0-3" or "0,2-5": count every listed CPU.
    FILE *f = std::fopen("/sys/devices/system/cpu/possible", "r");
    if (!f)
        return -1;
    int n = 0, a, b;
    char sep;
    while (std::fscanf(f, "%d", &a) == 1) {
        b = a;
        if (std::fscanf(f, "%c", &sep) == 1 && sep == '-') {
            if (std::fscanf(f, "%d", &b) != 1)
                break;
            if (std::fscanf(f, "%c", &sep) != 1)
                sep = '\n';
        }
        n += b - a + 1;
        if (sep != ',')
            break;
    }
    std::fclose(f);
    return n;
}

bool cloexec(int fd) { return (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

} // namespace selftest
