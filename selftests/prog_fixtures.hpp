// Programs and instruction builders for the 'prog' selftests.
#pragma once

#include "kernel_helpers.hpp"

#include <bpf/bpf.h>

#include <vector>

namespace selftest::prog {

using Insns = std::vector<bpf_insn>;

inline bpf_insn ldx_mem(__u8 size, __u8 dst, __u8 src, __s16 off)
{
    return insn(BPF_LDX | BPF_MEM | size, dst, src, off, 0);
}
inline bpf_insn st_mem(__u8 size, __u8 dst, __s16 off, __s32 imm)
{
    return insn(BPF_ST | BPF_MEM | size, dst, 0, off, imm);
}
inline bpf_insn stx_mem(__u8 size, __u8 dst, __u8 src, __s16 off)
{
    return insn(BPF_STX | BPF_MEM | size, dst, src, off, 0);
}
inline bpf_insn alu64_imm(__u8 op, __u8 dst, __s32 imm) { return insn(BPF_ALU64 | op | BPF_K, dst, 0, 0, imm); }
inline bpf_insn alu64_reg(__u8 op, __u8 dst, __u8 src) { return insn(BPF_ALU64 | op | BPF_X, dst, src, 0, 0); }
inline bpf_insn jmp_imm(__u8 op, __u8 dst, __s32 imm, __s16 off) { return insn(BPF_JMP | op | BPF_K, dst, 0, off, imm); }
inline bpf_insn jmp_reg(__u8 op, __u8 dst, __u8 src, __s16 off) { return insn(BPF_JMP | op | BPF_X, dst, src, off, 0); }
// lock *(u64 *)(dst + off) += src
inline bpf_insn atomic_add64(__u8 dst, __u8 src, __s16 off)
{
    return insn(BPF_STX | BPF_ATOMIC | BPF_DW, dst, src, off, BPF_ADD);
}

// The two halves of a 64-bit immediate load whose source register says what
// the immediate is: BPF_PSEUDO_MAP_FD (a map fd) or BPF_PSEUDO_MAP_IDX (an
// index into the load's fd_array).
inline void ld_imm64(Insns &p, __u8 dst, __u8 pseudo, __s32 imm)
{
    p.push_back(insn(BPF_LD | BPF_DW | BPF_IMM, dst, pseudo, 0, imm));
    p.push_back(insn(0, 0, 0, 0, 0));
}

// Program bodies. `map_ref` is the (pseudo, imm) pair naming an array map of
// u32 -> u64: with it the program adds 1 to element 0 on every run.
struct MapRef {
    __u8 pseudo;
    __s32 imm;
};
Insns count_runs_then_return(MapRef map, __s32 ret);

// XDP: writes `byte` over the first byte of the packet, returns XDP_PASS.
Insns xdp_mark_first_byte(__u8 byte);

// sched_cls: returns skb->mark (from the __sk_buff the test run is given).
Insns tc_return_mark();

// Reads r2, which the verifier knows is uninitialised: EACCES.
Insns reads_uninit_register();

// Calls bpf_probe_read_kernel(), a GPL-only helper, into an 8-byte stack slot.
Insns calls_gpl_only_helper();

// `n` instructions in all that verify quickly: n - 2 moves, then "return 0".
Insns straight_line(size_t n);

// Program info by fd; REQUIRE-free so callers decide what a failure means.
int prog_info(int fd, bpf_prog_info &info);

} // namespace selftest::prog
