// Raw bpf(2) probes of the verifier/BTF log features Linux 6.4 added
// (the "rotating log" series): the log_true_size output field and log
// buffers shorter than 128 bytes. Asked of the kernel directly, not through
// the library under test, so a library bug cannot make a test skip.
// Each returns 0 when the kernel has the feature, else the kernel's -errno.
#pragma once

#include "kernel_helpers.hpp"

#include <linux/bpf.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace selftest::log_probe {

// Attr offsets the host's 6.1 <linux/bpf.h> does not have.
constexpr unsigned kBtfLogTrueSize = 28;  // btf_log_true_size
constexpr unsigned kProgLogTrueSize = 140; // log_true_size

inline long raw(int cmd, const unsigned char *attr, unsigned size)
{
    long r = ::syscall(__NR_bpf, cmd, attr, size);
    if (r < 0)
        return -errno;
    ::close(static_cast<int>(r));
    return 0;
}

inline void put32(unsigned char *attr, unsigned off, __u32 v) { std::memcpy(attr + off, &v, 4); }
inline void put64(unsigned char *attr, unsigned off, const void *p)
{
    __u64 v = reinterpret_cast<std::uintptr_t>(p);
    std::memcpy(attr + off, &v, 8);
}

// BPF_BTF_LOAD of `blob`, optionally with a log of `log_size` bytes at
// level 1 and a non-zero btf_log_true_size on input (an output the kernel
// overwrites; kernels before 6.4 refuse the unknown field with EINVAL).
inline long btf_load(const std::vector<unsigned char> &blob, __u32 log_size, bool set_true_size)
{
    std::vector<char> log(log_size ? log_size : 1);
    unsigned char a[40] = {};
    put64(a, 0, blob.data());
    put32(a, 16, static_cast<__u32>(blob.size()));
    if (log_size) {
        put64(a, 8, log.data());
        put32(a, 20, log_size);
        put32(a, 24, 1);
    }
    if (set_true_size)
        put32(a, kBtfLogTrueSize, 1);
    return raw(BPF_BTF_LOAD, a, sizeof(a));
}

// BPF_PROG_LOAD of a socket filter returning 0 (its level-2 log is about 200
// bytes), with the same two knobs.
inline long prog_load(__u32 log_level, __u32 log_size, bool set_true_size)
{
    const std::vector<bpf_insn> p = return_imm(0);
    std::vector<char> log(log_size ? log_size : 1);
    unsigned char a[152] = {};
    put32(a, 0, BPF_PROG_TYPE_SOCKET_FILTER);
    put32(a, 4, static_cast<__u32>(p.size()));
    put64(a, 8, p.data());
    put64(a, 16, "GPL");
    if (log_size) {
        put32(a, 24, log_level);
        put32(a, 28, log_size);
        put64(a, 32, log.data());
    }
    if (set_true_size)
        put32(a, kProgLogTrueSize, 1);
    return raw(BPF_PROG_LOAD, a, sizeof(a));
}

// log_true_size (6.4+): 0, or -EINVAL from older kernels.
inline long btf_log_true_size(const std::vector<unsigned char> &blob) { return btf_load(blob, 0, true); }
inline long prog_log_true_size() { return prog_load(0, 0, true); }

// A 32-byte log buffer (6.4 dropped the 128-byte minimum): 0 when the kernel
// takes it (the load then fails with ENOSPC), or -EINVAL from older kernels.
inline long btf_small_log(const std::vector<unsigned char> &blob)
{
    long r = btf_load(blob, 32, false);
    return r == -ENOSPC ? 0 : r;
}
inline long prog_small_log()
{
    long r = prog_load(2, 32, false);
    return r == -ENOSPC ? 0 : r;
}

} // namespace selftest::log_probe
