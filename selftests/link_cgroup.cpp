#include "link_cgroup.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace selftest::links {

namespace {

// Mount point of the cgroup2 hierarchy, from /proc/self/mounts.
std::string cgroup2_mount()
{
    FILE *f = std::fopen("/proc/self/mounts", "r");
    if (!f)
        return {};
    char dev[256], dir[4096], type[64];
    std::string found;
    while (std::fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3) {
        if (std::strcmp(type, "cgroup2") == 0) {
            found = dir;
            break;
        }
    }
    std::fclose(f);
    return found;
}

bool loopback_up()
{
    int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return false;
    ifreq r{};
    std::strcpy(r.ifr_name, "lo");
    bool ok = ::ioctl(s, SIOCGIFFLAGS, &r) == 0;
    r.ifr_flags |= IFF_UP;
    ok = ok && ::ioctl(s, SIOCSIFFLAGS, &r) == 0;
    ::close(s);
    return ok;
}

} // namespace

TempCgroup::TempCgroup()
{
    std::string root = cgroup2_mount();
    if (root.empty()) {
        error_ = -ENOENT;
        return;
    }
    static int counter;
    path_ = root + "/sysbpf-selftest-" + std::to_string(::getpid()) + "-" +
            std::to_string(++counter);
    if (::mkdir(path_.c_str(), 0755) != 0) {
        error_ = -errno;
        path_.clear();
        return;
    }
    fd_ = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) {
        error_ = -errno;
        ::rmdir(path_.c_str());
        path_.clear();
    }
}

TempCgroup::~TempCgroup()
{
    if (fd_ >= 0)
        ::close(fd_);
    if (!path_.empty())
        ::rmdir(path_.c_str());
}

int TempCgroup::run_inside(const std::function<int()> &fn) const
{
    pid_t pid = ::fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        std::string procs = path_ + "/cgroup.procs";
        int f = ::open(procs.c_str(), O_WRONLY | O_CLOEXEC);
        bool joined = f >= 0 && ::write(f, "0", 1) == 1; // "0": the writer itself
        if (f >= 0)
            ::close(f);
        if (!joined || ::unshare(CLONE_NEWNET) != 0 || !loopback_up())
            ::_exit(255);
        ::_exit(fn() & 0xff);
    }
    int status;
    if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) == 255)
        return -1;
    return WEXITSTATUS(status);
}

int send_udp_loopback()
{
    int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return errno;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(9);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    char byte = 0;
    int ret = ::sendto(s, &byte, 1, 0, reinterpret_cast<sockaddr *>(&to), sizeof(to)) < 0 ? errno : 0;
    ::close(s);
    return ret;
}

} // namespace selftest::links
