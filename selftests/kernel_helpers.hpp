// Helpers for tests that run against the real kernel.
#pragma once

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace selftest {

// Instruction encoding (struct bpf_insn), enough for hand-written programs.
inline bpf_insn insn(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
    bpf_insn i{};
    i.code = code;
    i.dst_reg = dst;
    i.src_reg = src;
    i.off = off;
    i.imm = imm;
    return i;
}
inline bpf_insn mov64_imm(__u8 dst, __s32 imm) { return insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm); }
inline bpf_insn mov64_reg(__u8 dst, __u8 src) { return insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0); }
inline bpf_insn exit_insn() { return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }
inline bpf_insn call(__s32 helper) { return insn(BPF_JMP | BPF_CALL, 0, 0, 0, helper); }

// "return imm": the smallest valid program.
inline std::vector<bpf_insn> return_imm(__s32 imm) { return {mov64_imm(0, imm), exit_insn()}; }

// An fd that closes itself.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(Fd &&o) noexcept : fd_(o.release()) {}
    Fd &operator=(Fd &&o) noexcept
    {
        reset(o.release());
        return *this;
    }
    int get() const { return fd_; }
    operator int() const { return fd_; }
    int release()
    {
        int f = fd_;
        fd_ = -1;
        return f;
    }
    void reset(int fd = -1)
    {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_;
};

// Number of open fds in this process, to prove nothing leaks.
inline int open_fd_count()
{
    int n = 0;
    if (DIR *d = ::opendir("/proc/self/fd")) {
        while (dirent *e = ::readdir(d))
            n += e->d_name[0] != '.';
        ::closedir(d);
    }
    return n - 1; // the directory's own fd
}

// The kernel's internal "not supported" code, which some commands leak to
// user space unchanged.
constexpr int kENOTSUPP = 524;

// Number of possible CPUs (the value count of per-CPU maps).
int possible_cpus();

// Whether fd has close-on-exec set.
bool cloexec(int fd);

// The errno's name; also for the kernel's internal ENOTSUPP (524), which
// libc does not name.
inline std::string errstr(int e)
{
    if (e == kENOTSUPP)
        return "ENOTSUPP";
    return std::string(strerrorname_np(e) ? strerrorname_np(e) : "?");
}

} // namespace selftest
