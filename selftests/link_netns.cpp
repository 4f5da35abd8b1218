#include "link_netns.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace selftest::links {

namespace {

// IFLA_NETKIT_PEER_INFO, from the kernel ABI (Linux 6.7; newer than some
// <linux/if_link.h>).
constexpr unsigned short kNetkitPeerInfo = 1;

// A netlink message under construction, with nested attributes.
struct Msg {
    alignas(NLMSG_ALIGNTO) unsigned char buf[512] = {};
    nlmsghdr *hdr() { return reinterpret_cast<nlmsghdr *>(buf); }

    void *put(unsigned short type, const void *data, unsigned len)
    {
        auto *rta = reinterpret_cast<rtattr *>(buf + NLMSG_ALIGN(hdr()->nlmsg_len));
        rta->rta_type = type;
        rta->rta_len = static_cast<unsigned short>(RTA_LENGTH(len));
        if (data)
            std::memcpy(RTA_DATA(rta), data, len);
        hdr()->nlmsg_len = NLMSG_ALIGN(hdr()->nlmsg_len) + RTA_ALIGN(rta->rta_len);
        return rta;
    }
    void put_str(unsigned short type, const std::string &s) { put(type, s.c_str(), s.size() + 1); }
    rtattr *begin(unsigned short type) { return static_cast<rtattr *>(put(type, nullptr, 0)); }
    void end(rtattr *nest)
    {
        nest->rta_len = static_cast<unsigned short>(buf + hdr()->nlmsg_len -
                                                    reinterpret_cast<unsigned char *>(nest));
    }
    void put_raw(const void *data, unsigned len)
    {
        std::memcpy(buf + hdr()->nlmsg_len, data, len);
        hdr()->nlmsg_len += NLMSG_ALIGN(len);
    }
};

} // namespace

PrivateNetns::PrivateNetns()
{
    home_ = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (home_ < 0 || ::unshare(CLONE_NEWNET) != 0) {
        error_ = -errno;
        return;
    }
    // Loopback up, for tests that talk to themselves.
    int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s >= 0) {
        ifreq r{};
        std::strcpy(r.ifr_name, "lo");
        if (::ioctl(s, SIOCGIFFLAGS, &r) == 0) {
            r.ifr_flags |= IFF_UP;
            ::ioctl(s, SIOCSIFFLAGS, &r);
        }
        ::close(s);
    }
}

PrivateNetns::~PrivateNetns()
{
    if (home_ >= 0) {
        if (error_ == 0)
            ::setns(home_, CLONE_NEWNET); // the private namespace dies here
        ::close(home_);
    }
}

int PrivateNetns::request(void *msg, unsigned len)
{
    int s = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (s < 0)
        return -errno;
    sockaddr_nl to{};
    to.nl_family = AF_NETLINK;
    int ret = 0;
    if (::sendto(s, msg, len, 0, reinterpret_cast<sockaddr *>(&to), sizeof(to)) < 0) {
        ret = -errno;
    } else {
        alignas(NLMSG_ALIGNTO) unsigned char reply[4096];
        ssize_t n = ::recv(s, reply, sizeof(reply), 0);
        auto *h = reinterpret_cast<nlmsghdr *>(reply);
        if (n < 0)
            ret = -errno;
        else if (n < static_cast<ssize_t>(NLMSG_LENGTH(sizeof(nlmsgerr))) || h->nlmsg_type != NLMSG_ERROR)
            ret = -EPROTO;
        else
            ret = static_cast<nlmsgerr *>(NLMSG_DATA(h))->error;
    }
    ::close(s);
    return ret;
}

int PrivateNetns::newlink(const std::string &kind, const std::string &name,
                          const std::string &peer, unsigned short peer_attr)
{
    Msg m;
    m.hdr()->nlmsg_len = NLMSG_LENGTH(sizeof(ifinfomsg));
    m.hdr()->nlmsg_type = RTM_NEWLINK;
    m.hdr()->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
    m.put_str(IFLA_IFNAME, name);
    rtattr *linkinfo = m.begin(IFLA_LINKINFO);
    m.put_str(IFLA_INFO_KIND, kind);
    rtattr *data = m.begin(IFLA_INFO_DATA);
    rtattr *peer_info = m.begin(peer_attr);
    ifinfomsg peer_ifi{};
    m.put_raw(&peer_ifi, sizeof(peer_ifi));
    m.put_str(IFLA_IFNAME, peer);
    m.end(peer_info);
    m.end(data);
    m.end(linkinfo);
    return request(m.buf, m.hdr()->nlmsg_len);
}

int PrivateNetns::add_veth(const std::string &name, const std::string &peer)
{
    return newlink("veth", name, peer, VETH_INFO_PEER);
}

int PrivateNetns::add_netkit(const std::string &name, const std::string &peer)
{
    return newlink("netkit", name, peer, kNetkitPeerInfo);
}

int PrivateNetns::set_up(const std::string &name)
{
    unsigned idx = ::if_nametoindex(name.c_str());
    if (!idx)
        return -errno;
    Msg m;
    m.hdr()->nlmsg_len = NLMSG_LENGTH(sizeof(ifinfomsg));
    m.hdr()->nlmsg_type = RTM_NEWLINK;
    m.hdr()->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    auto *ifi = static_cast<ifinfomsg *>(NLMSG_DATA(m.hdr()));
    ifi->ifi_index = static_cast<int>(idx);
    ifi->ifi_flags = IFF_UP;
    ifi->ifi_change = IFF_UP;
    return request(m.buf, m.hdr()->nlmsg_len);
}

int PrivateNetns::send_frame(const std::string &name)
{
    unsigned idx = ::if_nametoindex(name.c_str());
    if (!idx)
        return -errno;
    int s = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -errno;
    unsigned char frame[60] = {};
    std::memset(frame, 0xff, 6);     // broadcast
    frame[6] = 0x02;                 // locally administered source
    frame[12] = 0x88;                // ethertype 0x88b5
    frame[13] = 0xb5;
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_ifindex = static_cast<int>(idx);
    to.sll_halen = 6;
    std::memset(to.sll_addr, 0xff, 6);
    int ret = ::sendto(s, frame, sizeof(frame), 0, reinterpret_cast<sockaddr *>(&to), sizeof(to)) < 0
                  ? -errno
                  : 0;
    ::close(s);
    return ret;
}

} // namespace selftest::links
