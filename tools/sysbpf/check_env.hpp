// What `sysbpf check` needs around the calls it makes: a private mount and
// network namespace (so nothing it makes is visible outside or outlives it),
// a bpffs for pins and tokens, and an empty cgroup for attach/detach/query.
// Each part may be unavailable; then its note says why.
#pragma once

#include <string>

namespace sysbpf_tool {

class CheckEnv {
public:
    CheckEnv();
    ~CheckEnv();
    CheckEnv(const CheckEnv &) = delete;
    CheckEnv &operator=(const CheckEnv &) = delete;

    bool private_ns = false;
    std::string ns_note;

    std::string bpffs; // a bpffs mount point, or empty
    std::string bpffs_note;

    int cgroup_fd = -1; // an empty cgroup v2 directory, or -1
    std::string cgroup_note;

    // Undoes everything; safe to call twice and from a signal handler.
    void cleanup() noexcept;

private:
    char bpffs_dir_[64] = {};
    char cgroup_mnt_[64] = {};
    char cgroup_dir_[512] = {};
};

} // namespace sysbpf_tool
