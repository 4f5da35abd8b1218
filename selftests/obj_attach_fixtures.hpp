// Fixtures for the obj, attach and ids selftests: a private BPF file system,
// throw-away cgroups, a cgroup_skb program, object ids, and raw-syscall
// helpers for objects whose library calls are tested elsewhere.
#pragma once

#include "kernel_helpers.hpp"

#include <bpf/bpf.h>

#include <string>
#include <vector>

namespace selftest {

// Flags newer than the build host's <linux/bpf.h> (values from the kernel ABI).
inline constexpr __u32 kFlagBefore = 1u << 3;  // BPF_F_BEFORE
inline constexpr __u32 kFlagAfter = 1u << 4;   // BPF_F_AFTER
inline constexpr __u32 kFlagId = 1u << 5;      // BPF_F_ID
inline constexpr __u32 kFlagPathFd = 1u << 14; // BPF_F_PATH_FD
inline constexpr __u32 kFlagTokenFd = 1u << 16; // BPF_F_TOKEN_FD

// A BPF file system mounted on a fresh directory under /tmp. The process
// first moves into a mount namespace of its own (once, with private
// propagation), so the mount is invisible to the host and dies with the
// process even if it crashes; the destructor unmounts and removes the
// directory.
class BpfFs {
public:
    BpfFs();
    ~BpfFs();
    BpfFs(const BpfFs &) = delete;
    BpfFs &operator=(const BpfFs &) = delete;

    bool ok() const { return error_ == 0; }
    int error() const { return error_; } // errno of the failed step
    const std::string &dir() const { return dir_; }
    std::string path(const std::string &name) const { return dir_ + "/" + name; }

private:
    std::string dir_;
    bool mounted_ = false;
    int error_ = 0;
};

// A new, empty cgroup v2 directory (under `parent`, or under the cgroup2
// mount), removed on destruction. Declare children after their parent.
class Cgroup {
public:
    explicit Cgroup(const Cgroup *parent = nullptr);
    ~Cgroup();
    Cgroup(const Cgroup &) = delete;
    Cgroup &operator=(const Cgroup &) = delete;

    bool ok() const { return error_ == 0; }
    int error() const { return error_; }
    int fd() const { return fd_.get(); }
    const std::string &path() const { return path_; }

private:
    std::string path_;
    Fd fd_;
    bool created_ = false;
    int error_ = 0;
};

// A BPF_PROG_TYPE_CGROUP_SKB program that lets every packet through.
Fd load_cgroup_skb(const char *name = "st_cg_skb");

__u32 prog_id(int prog_fd);
__u32 map_id(int map_fd);
__u32 btf_id(int btf_fd);
__u32 link_id(int link_fd);

// Program ids attached at a cgroup hook, in order (empty on failure).
std::vector<__u32> attached_ids(int cgroup_fd, bpf_attach_type type);

// Fixtures made with raw bpf(2), for objects whose library calls belong to
// other areas: a cgroup link, and a BTF blob with one `int` type.
// Both return an fd >= 0 or -errno.
int raw_cgroup_link(int prog_fd, int cgroup_fd, bpf_attach_type type);
int raw_btf_load_int();

} // namespace selftest
