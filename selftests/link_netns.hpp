// A private network namespace for the duration of a test, and the devices
// the link tests attach to. Everything created inside dies with the
// namespace, which is left (and so destroyed) when the fixture goes out of
// scope, even when an assertion throws.
#pragma once

#include <string>

namespace selftest::links {

class PrivateNetns {
public:
    // Enters a new network namespace; ok() tells whether that worked, error()
    // holds -errno otherwise.
    PrivateNetns();
    ~PrivateNetns();
    PrivateNetns(const PrivateNetns &) = delete;
    PrivateNetns &operator=(const PrivateNetns &) = delete;

    bool ok() const { return error_ == 0; }
    int error() const { return error_; }

    // rtnetlink requests in this namespace; each returns 0 or -errno.
    int add_veth(const std::string &name, const std::string &peer);
    // A netkit pair (Linux 6.7+); -EOPNOTSUPP or similar where unsupported.
    int add_netkit(const std::string &name, const std::string &peer);
    int set_up(const std::string &name);

    // Sends one Ethernet broadcast frame (ethertype 0x88b5, local
    // experimental) out of `name` through an AF_PACKET socket.
    int send_frame(const std::string &name);

private:
    int newlink(const std::string &kind, const std::string &name, const std::string &peer,
                unsigned short peer_attr);
    int request(void *msg, unsigned len);

    int home_ = -1; // the namespace to go back to
    int error_ = 0;
};

} // namespace selftest::links
