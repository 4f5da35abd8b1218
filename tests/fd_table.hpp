// The process's fd table, for tests that hand the library fds and check what
// it did with them: snapshots of /proc/self/fd, standard streams lent out as
// "the kernel returned fd 0/1/2", and a lowered RLIMIT_NOFILE that leaves no
// free fd >= 3.
#pragma once

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace sysbpf_test::fds {

// Every open fd, sorted, from /proc/self/fd (without the directory's own fd).
inline std::vector<int> snapshot()
{
    std::vector<int> out;
    DIR *d = ::opendir("/proc/self/fd");
    if (!d)
        return out;
    const int self = ::dirfd(d);
    while (dirent *e = ::readdir(d)) {
        if (e->d_name[0] == '.')
            continue;
        int fd = std::atoi(e->d_name);
        if (fd != self)
            out.push_back(fd);
    }
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

inline bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF; }
inline bool cloexec(int fd) { return (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

// A fresh fd >= 3 on /dev/null with close-on-exec, as the kernel hands out
// (kept above 0..2 even when the library has just closed one of them).
inline int fresh()
{
    int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && fd < 3) {
        int high = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
        ::close(fd);
        fd = high;
    }
    return fd;
}

// Lends the standard streams 0, 1 and 2 out, one at a time: lend(n) puts a
// /dev/null in slot n (which the library is expected to close); give_back(n)
// puts the real stream back. Output written meanwhile is lost, so check
// results only after giving back.
class StdStreams {
public:
    StdStreams()
    {
        for (int n = 0; n < 3; n++)
            saved_[n] = ::fcntl(n, F_DUPFD_CLOEXEC, 3);
    }
    ~StdStreams()
    {
        for (int n = 0; n < 3; n++) {
            give_back(n);
            if (saved_[n] >= 0)
                ::close(saved_[n]);
        }
    }
    StdStreams(const StdStreams &) = delete;
    StdStreams &operator=(const StdStreams &) = delete;

    void lend(int n)
    {
        int null_fd = fresh();
        ::dup2(null_fd, n);
        ::close(null_fd);
        lent_[n] = true;
    }
    void give_back(int n)
    {
        if (!lent_[n])
            return;
        if (saved_[n] >= 0)
            ::dup2(saved_[n], n);
        else
            ::close(n);
        lent_[n] = false;
    }

private:
    int saved_[3] = {-1, -1, -1};
    bool lent_[3] = {};
};

// Lowers RLIMIT_NOFILE so that every fd from 3 up to the limit is in use:
// fcntl(F_DUPFD_CLOEXEC, 3) then fails with EMFILE. Restores on destruction.
class NoFreeFd {
public:
    NoFreeFd()
    {
        ::getrlimit(RLIMIT_NOFILE, &old_);
        // Slot 3 must be taken, or the limit would be 3 and fcntl would
        // answer EINVAL (minimum fd >= limit) instead of EMFILE.
        if (!is_open(3))
            filler_ = fresh();
        int lowest = 3;
        while (is_open(lowest))
            lowest++;
        rlimit low = old_;
        low.rlim_cur = static_cast<rlim_t>(lowest);
        active_ = ::setrlimit(RLIMIT_NOFILE, &low) == 0;
    }
    ~NoFreeFd()
    {
        if (active_)
            ::setrlimit(RLIMIT_NOFILE, &old_);
        if (filler_ >= 0)
            ::close(filler_);
    }
    NoFreeFd(const NoFreeFd &) = delete;
    NoFreeFd &operator=(const NoFreeFd &) = delete;
    bool active() const { return active_; }

private:
    rlimit old_{};
    int filler_ = -1;
    bool active_ = false;
};

} // namespace sysbpf_test::fds
