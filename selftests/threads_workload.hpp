// A workload that calls every bpf.h function once on the real kernel, for the
// 'threads' selftests: run by one thread, then by many at once, it must give
// the same results. Every object whose state a call changes belongs to the
// calling worker; the shared fixtures (a bpffs, a cgroup per worker, vmlinux
// BTF ids) are made beforehand, on the main thread.
#pragma once

#include "obj_attach_fixtures.hpp"

#include <memory>
#include <string>
#include <vector>

namespace selftest::threads {

class Shared {
public:
    explicit Shared(int workers);
    bool ok() const { return why_.empty(); }
    const std::string &why() const { return why_; }
    // Why a fixture failed, as a skip reason with its evidence; "" when
    // nothing explains it (kernel_refusal.hpp).
    const std::string &refusal() const { return refusal_; }

    const BpfFs &fs() const { return fs_; }
    int cgroup_fd(int worker) const { return cgroups_[static_cast<size_t>(worker)]->fd(); }
    __u32 iter_btf_id() const { return iter_btf_id_; }

private:
    BpfFs fs_;
    std::vector<std::unique_ptr<Cgroup>> cgroups_;
    __u32 iter_btf_id_ = 0;
    std::string why_;
    std::string refusal_;
};

// One line per call, "function: result" (results: "0", "fd", "-ENOENT", with
// the outputs that must not depend on other threads). Worker `worker` uses
// its own cgroup and pin names; `round` makes pin names unique per run.
std::vector<std::string> every_api(const Shared &s, int worker, int round);

} // namespace selftest::threads
