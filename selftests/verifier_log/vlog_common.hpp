// What vlog-child loads and the verifier-log selftest loads again itself
// (the log it must find in the file), and the names planted where the
// library would write.
#pragma once

#include <bpf/bpf.h>

#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace vlog {

inline bpf_insn mov_r1(int imm) { return {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, imm}; }
inline bpf_insn mov_r0() { return {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0}; }
inline bpf_insn exit_insn() { return {BPF_JMP | BPF_EXIT, 0, 0, 0, 0}; }

// n moves into r1, then exit with r0 never written: the verifier refuses
// ("R0 !read_ok"). n = 8 makes a log longer than 128 bytes (the smallest
// log_size kernels before 6.4 accept); n = 6000 one past 64 KiB.
inline std::vector<bpf_insn> bad_prog(int n)
{
    std::vector<bpf_insn> p;
    for (int i = 0; i < n; i++)
        p.push_back(mov_r1(i));
    p.push_back(exit_insn());
    return p;
}
inline std::vector<bpf_insn> good_prog() { return {mov_r0(), exit_insn()}; }
constexpr int kSmallBad = 8, kBigBad = 6000;
constexpr const char *kProgName = "vlog_prog";

// A BTF header with the right magic and nothing else: refused.
inline std::vector<unsigned char> bad_btf()
{
    return {0x9f, 0xeb, 1, 0, 24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
}

// The name the library gives its n-th log file in `dir` for process `pid`.
inline std::string log_name(const std::string &dir, int pid, int n)
{
    return dir + "/sysbpf-verifier-" + std::to_string(pid) + "-" + std::to_string(n) + ".log";
}

// Plants, at the names of the first three files the library would write for
// `pid`: a regular file holding "precious\n", a symlink to `target` (an
// existing file) and a symlink to `target`.new (absent). False on failure.
inline bool plant(const std::string &dir, int pid, const std::string &target)
{
    const int fd = ::open(log_name(dir, pid, 0).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    const bool wrote = ::write(fd, "precious\n", 9) == 9;
    ::close(fd);
    return wrote && ::symlink(target.c_str(), log_name(dir, pid, 1).c_str()) == 0 &&
           ::symlink((target + ".new").c_str(), log_name(dir, pid, 2).c_str()) == 0;
}

} // namespace vlog
