#include "prog_fixtures.hpp"

#include <cstring>

namespace selftest::prog {

Insns count_runs_then_return(MapRef map, __s32 ret)
{
    Insns p;
    p.push_back(st_mem(BPF_W, BPF_REG_10, -4, 0)); // key = 0
    p.push_back(mov64_reg(BPF_REG_2, BPF_REG_10));
    p.push_back(alu64_imm(BPF_ADD, BPF_REG_2, -4));
    ld_imm64(p, BPF_REG_1, map.pseudo, map.imm);
    p.push_back(call(BPF_FUNC_map_lookup_elem));
    p.push_back(jmp_imm(BPF_JEQ, BPF_REG_0, 0, 2));
    p.push_back(mov64_imm(BPF_REG_1, 1));
    p.push_back(atomic_add64(BPF_REG_0, BPF_REG_1, 0));
    p.push_back(mov64_imm(BPF_REG_0, ret));
    p.push_back(exit_insn());
    return p;
}

Insns xdp_mark_first_byte(__u8 byte)
{
    return {
        ldx_mem(BPF_W, BPF_REG_2, BPF_REG_1, offsetof(xdp_md, data)),
        ldx_mem(BPF_W, BPF_REG_3, BPF_REG_1, offsetof(xdp_md, data_end)),
        mov64_reg(BPF_REG_4, BPF_REG_2),
        alu64_imm(BPF_ADD, BPF_REG_4, 1),
        jmp_reg(BPF_JGT, BPF_REG_4, BPF_REG_3, 1), // data + 1 > data_end: leave it
        st_mem(BPF_B, BPF_REG_2, 0, byte),
        mov64_imm(BPF_REG_0, XDP_PASS),
        exit_insn(),
    };
}

Insns tc_return_mark()
{
    return {
        ldx_mem(BPF_W, BPF_REG_0, BPF_REG_1, offsetof(__sk_buff, mark)),
        exit_insn(),
    };
}

Insns reads_uninit_register() { return {mov64_reg(BPF_REG_0, BPF_REG_2), exit_insn()}; }

Insns calls_gpl_only_helper()
{
    return {
        st_mem(BPF_DW, BPF_REG_10, -8, 0),
        mov64_reg(BPF_REG_1, BPF_REG_10),
        alu64_imm(BPF_ADD, BPF_REG_1, -8),
        mov64_imm(BPF_REG_2, 8),
        mov64_imm(BPF_REG_3, 0),
        call(BPF_FUNC_probe_read_kernel),
        mov64_imm(BPF_REG_0, 0),
        exit_insn(),
    };
}

Insns straight_line(size_t n)
{
    Insns p;
    p.reserve(n);
    for (size_t i = 0; i + 2 < n; i++)
        p.push_back(mov64_imm(BPF_REG_1 + i % 5, static_cast<__s32>(i)));
    p.push_back(mov64_imm(BPF_REG_0, 0));
    p.push_back(exit_insn());
    return p;
}

int prog_info(int fd, bpf_prog_info &info)
{
    std::memset(&info, 0, sizeof(info));
    __u32 len = sizeof(info);
    return bpf_prog_get_info_by_fd(fd, &info, &len);
}

} // namespace selftest::prog
