// BPF filesystems for token tests.
//
// A token can only be created from a bpffs whose owning user namespace is
// the caller's, and never in the initial namespace. Setting delegation
// options and instantiating a bpffs both need CAP_SYS_ADMIN in the initial
// namespace. So, as the kernel's own selftests do, a forked child enters a
// new user and mount namespace and opens a bpffs context (fsopen), which
// belongs to the child's namespace; this process configures and
// instantiates it (fsconfig, fsmount) and hands the mounted root back over a
// unix socket; the child then runs the scenario and reports numbers back.
// The detached mount has no path, and everything goes away with the child
// and the fds.
#pragma once

#include "kernel_helpers.hpp"

#include <string>

namespace selftest::token {

// Options for a bpffs this process instantiates.
enum class Delegation { None, All };

// Creates a bpffs instance from the context `fs_fd` (fsconfig ... fsmount)
// and opens its root directory. Returns the directory fd, or -1 with *failed
// set to "step: ERRNO" (and *err, if given, to the errno).
int materialize_bpffs(int fs_fd, Delegation d, std::string *failed, int *err = nullptr);

// A bpffs instance of this (initial) namespace: fsopen + materialize_bpffs.
int open_init_bpffs(std::string *failed, int *err = nullptr);

constexpr int kValues = 8;

// Runs inside the child, in its user namespace: `bpffs_fd` is the root of a
// bpffs owned by that namespace, `init_bpffs_fd` the root of one owned by
// the initial namespace. Fills values[] for the parent to check.
using Scenario = void (*)(int bpffs_fd, int init_bpffs_fd, int *values);

struct UsernsResult {
    // The kernel or host refused a set-up step: which, its errno, and the
    // evidence naming the config or policy (kernel_refusal.hpp).
    std::string skip_reason;
    // Any other failure, a refusal without such evidence included: a test
    // failure, not a skip.
    std::string broken;
    int values[kValues] = {};
};

// Runs `scenario` in a child as described above; the bpffs gets delegation
// options `d`. `init_bpffs_fd` is passed through to the child.
UsernsResult run_in_userns(Delegation d, int init_bpffs_fd, Scenario scenario);

} // namespace selftest::token
