// Small hand-assembled programs, maps and link-info reading for the link,
// raw tracepoint and iterator selftests.
#pragma once

#include "kernel_helpers.hpp"

#include <bpf/bpf.h>

#include <cstdint>
#include <string>
#include <vector>

namespace selftest::links {

using Prog = std::vector<bpf_insn>;

// More instruction encodings.
inline bpf_insn ldx_mem(__u8 size, __u8 dst, __u8 src, __s16 off)
{
    return insn(BPF_LDX | BPF_MEM | size, dst, src, off, 0);
}
inline bpf_insn stx_mem(__u8 size, __u8 dst, __u8 src, __s16 off)
{
    return insn(BPF_STX | BPF_MEM | size, dst, src, off, 0);
}
inline bpf_insn st_mem(__u8 size, __u8 dst, __s16 off, __s32 imm)
{
    return insn(BPF_ST | BPF_MEM | size, dst, 0, off, imm);
}
inline bpf_insn add64_imm(__u8 dst, __s32 imm) { return insn(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm); }
inline bpf_insn jeq_imm(__u8 dst, __s32 imm, __s16 off) { return insn(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, off, imm); }
inline bpf_insn atomic_add64(__u8 dst, __u8 src, __s16 off)
{
    return insn(BPF_STX | BPF_ATOMIC | BPF_DW, dst, src, off, BPF_ADD);
}
// dst = map (two instructions).
void ld_map_fd(Prog &p, __u8 dst, int map_fd);
// dst = 64-bit immediate (two instructions).
void ld_imm64(Prog &p, __u8 dst, __u64 imm);

// Helper ids newer than some <linux/bpf.h>.
constexpr int kHelperGetAttachCookie = 174;
constexpr int kHelperSeqWrite = 127;

// bpf_prog_load with the attach fields tracing and multi-link programs need.
// Returns the fd or -errno; on failure the verifier log is kept in *log.
int load_prog(bpf_prog_type type, const Prog &insns, bpf_attach_type expected = (bpf_attach_type)0,
              __u32 attach_btf_id = 0, std::string *log = nullptr);

// A raw bpf(BPF_LINK_CREATE) of prog on target with nothing else set but the
// cookie of perf_event or tracing links (by the attach type); a link it makes
// is closed. 0 or the errno: what the kernel itself answers.
int raw_link_create(int prog_fd, int target_fd, bpf_attach_type type, __u64 cookie = 0);

// load_prog of record_cookie_prog(map_fd, 0); when the kernel refuses the
// bpf_get_attach_cookie call (cookie_helper_refusal), *skip gets the reason,
// with `for_type` naming the program type and release.
int load_cookie_prog(bpf_prog_type type, int map_fd, bpf_attach_type expected, __u32 attach_btf_id,
                     const char *for_type, std::string *skip);

// An array map of `entries` u64 values.
int u64_array(unsigned entries);
// Value `key` of a u64 array, or ~0 if the lookup failed.
__u64 read_u64(int map_fd, __u32 key);

// map[0] = bpf_get_attach_cookie(ctx); returns `ret`.
Prog record_cookie_prog(int map_fd, __s32 ret);
// map[0] += 1; returns `ret`.
Prog count_prog(int map_fd, __s32 ret);
// map[0] = tag; returns `ret`.
Prog tag_prog(int map_fd, __s32 tag, __s32 ret);

// Link info, read into a buffer large enough for any kernel's
// struct bpf_link_info; fields newer than the host header are read by
// offset (kernel ABI, include/uapi/linux/bpf.h).
struct LinkInfo {
    alignas(8) unsigned char raw[256] = {};
    __u32 len = 0;
    __u32 u32_at(size_t off) const;
    __u64 u64_at(size_t off) const;
    __u32 type() const { return u32_at(0); }
    __u32 id() const { return u32_at(4); }
    __u32 prog_id() const { return u32_at(8); }
};
// 0 or -errno (from bpf_link_get_info_by_fd). Out-buffer fields (names)
// may be set in `raw` before the call.
int link_info(int link_fd, LinkInfo &info);

// Loads the smallest valid BTF object (one int type) with a direct
// BPF_BTF_LOAD, for maps that need some BTF fd (struct_ops); fd or -errno.
int load_min_btf();

// Link types (enum bpf_link_type).
enum LinkType : __u32 {
    kLinkRawTracepoint = 1,
    kLinkTracing = 2,
    kLinkCgroup = 3,
    kLinkIter = 4,
    kLinkNetns = 5,
    kLinkXdp = 6,
    kLinkPerfEvent = 7,
    kLinkKprobeMulti = 8,
    kLinkStructOps = 9,
    kLinkNetfilter = 10,
    kLinkTcx = 11,
    kLinkUprobeMulti = 12,
    kLinkNetkit = 13,
};

// Id of a program (0 if its info cannot be read).
__u32 prog_id(int prog_fd);

// For calls expected to fail: an fd they return anyway is closed, so that
// an unexpected success fails the check without leaking. Returns r.
int no_leak(int r);

// A descriptor number that is not open (for EBADF cases).
int closed_fd();

// Makes a system call (getppid), firing raw_syscalls:sys_enter/sys_exit.
void some_syscall();

// After a link is closed, waits until a program that may still be running
// on another CPU has finished.
void settle();

} // namespace selftest::links
