// A cgroup v2 directory for the duration of a test, removed afterwards even
// when an assertion throws.
#pragma once

#include <functional>
#include <string>

namespace selftest::links {

class TempCgroup {
public:
    // Creates a fresh cgroup under the cgroup2 mount; ok() tells whether that
    // worked, error() holds -errno otherwise (-ENOENT: no cgroup2 mount).
    TempCgroup();
    ~TempCgroup();
    TempCgroup(const TempCgroup &) = delete;
    TempCgroup &operator=(const TempCgroup &) = delete;

    bool ok() const { return fd_ >= 0; }
    int error() const { return error_; }
    int fd() const { return fd_; }
    const std::string &path() const { return path_; }

    // Runs `fn` in a forked child that has joined this cgroup and entered a
    // private network namespace with loopback up; returns fn's result (0..255),
    // or -1 if the child could not be set up or died.
    int run_inside(const std::function<int()> &fn) const;

private:
    std::string path_;
    int fd_ = -1;
    int error_ = 0;
};

// Sends one UDP datagram to 127.0.0.1:9 in the current network namespace;
// 0 or the errno of sendto().
int send_udp_loopback();

} // namespace selftest::links
