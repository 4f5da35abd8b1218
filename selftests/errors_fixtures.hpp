// Fixtures of the 'errors' selftests: one condition per test case, named in
// the man pages' ERRORS entries as its proof.
#pragma once

#include "kernel_helpers.hpp"

#include <bpf/bpf.h>
#include <initializer_list>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace selftest {

// Drops capabilities from this thread's effective set for the guard's
// lifetime; the permitted set keeps them, so the destructor raises them again.
class WithoutCaps {
public:
    explicit WithoutCaps(std::initializer_list<int> caps)
    {
        if (syscall(SYS_capget, &header_, saved_) != 0)
            return;
        __user_cap_data_struct dropped[2] = {saved_[0], saved_[1]};
        for (int c : caps)
            dropped[c / 32].effective &= ~(1u << (c % 32));
        header_.version = _LINUX_CAPABILITY_VERSION_3;
        ok_ = syscall(SYS_capset, &header_, dropped) == 0;
    }
    ~WithoutCaps()
    {
        if (ok_) {
            header_.version = _LINUX_CAPABILITY_VERSION_3;
            syscall(SYS_capset, &header_, saved_);
        }
    }
    WithoutCaps(const WithoutCaps &) = delete;
    WithoutCaps &operator=(const WithoutCaps &) = delete;
    bool ok() const { return ok_; }

private:
    __user_cap_header_struct header_{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct saved_[2]{};
    bool ok_ = false;
};

// A socket filter that returns 0; -errno on failure.
inline int load_return0(bpf_prog_type type = BPF_PROG_TYPE_SOCKET_FILTER)
{
    auto p = return_imm(0);
    return bpf_prog_load(type, "st_errors", "GPL", p.data(), p.size(), nullptr);
}

} // namespace selftest
