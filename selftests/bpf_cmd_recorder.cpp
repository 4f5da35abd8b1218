#include "bpf_cmd_recorder.hpp"

#include <bpf/bpf.h>

#include <cstdint>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace selftest {

struct BpfCmdRecorder::Slots {
    __u32 tgid;                  // the watched thread group
    __u32 unused;
    __u64 count;                 // commands recorded
    __u32 cmds[kCapacity];
};

namespace {

constexpr __u32 kMmapable = 1u << 10; // BPF_F_MMAPABLE (5.5)
constexpr __u8 kPseudoMapValue = 2;   // BPF_PSEUDO_MAP_VALUE (5.5)
constexpr __s32 kProbeReadKernel = 113; // bpf_probe_read_kernel (5.5)

#if defined(__x86_64__)
constexpr __s16 kRegsFirstArg = 112; // offsetof(struct pt_regs, di), x86_64
#endif

long sys_bpf(int cmd, bpf_attr &a)
{
    long r = ::syscall(__NR_bpf, cmd, &a, sizeof(a));
    return r < 0 ? -errno : r;
}

__u64 ptr(const void *p) { return reinterpret_cast<std::uintptr_t>(p); }

#if defined(__x86_64__)
// ctx of a sys_enter raw tracepoint: u64 args[] = {struct pt_regs *, long id}.
std::vector<bpf_insn> recording_program(int map_fd)
{
    constexpr __s16 kOut = 24; // index of the closing "r0 = 0"
    const __s16 count = offsetof(BpfCmdRecorder::Slots, count);
    const __s16 cmds = offsetof(BpfCmdRecorder::Slots, cmds);
    return {
        /* 0 */ mov64_reg(6, 1),
        /* 1 */ insn(BPF_LDX | BPF_MEM | BPF_DW, 7, 6, 8, 0),          // r7 = syscall number
        /* 2 */ insn(BPF_JMP | BPF_JNE | BPF_K, 7, 0, kOut - 3, __NR_bpf),
        /* 3 */ call(BPF_FUNC_get_current_pid_tgid),
        /* 4 */ insn(BPF_ALU64 | BPF_RSH | BPF_K, 0, 0, 0, 32),          // r0 = tgid
        /* 5 */ insn(BPF_LD | BPF_DW | BPF_IMM, 8, kPseudoMapValue, 0, map_fd), // r8 = &slots
        /* 6 */ insn(0, 0, 0, 0, 0),
        /* 7 */ insn(BPF_LDX | BPF_MEM | BPF_W, 2, 8, 0, 0),           // r2 = slots.tgid
        /* 8 */ insn(BPF_JMP | BPF_JNE | BPF_X, 0, 2, kOut - 9, 0),
        /* 9 */ mov64_reg(1, 10),
        /* 10 */ insn(BPF_ALU64 | BPF_ADD | BPF_K, 1, 0, 0, -8),        // r1 = fp - 8
        /* 11 */ mov64_imm(2, 8),
        /* 12 */ insn(BPF_LDX | BPF_MEM | BPF_DW, 3, 6, 0, 0),          // r3 = regs
        /* 13 */ insn(BPF_ALU64 | BPF_ADD | BPF_K, 3, 0, 0, kRegsFirstArg),
        /* 14 */ call(kProbeReadKernel),                                 // fp[-8] = cmd
        /* 15 */ insn(BPF_LDX | BPF_MEM | BPF_DW, 2, 8, count, 0),      // r2 = slots.count
        /* 16 */ insn(BPF_JMP | BPF_JGE | BPF_K, 2, 0, kOut - 17, BpfCmdRecorder::kCapacity),
        /* 17 */ mov64_reg(3, 2),
        /* 18 */ insn(BPF_ALU64 | BPF_LSH | BPF_K, 3, 0, 0, 2),
        /* 19 */ insn(BPF_ALU64 | BPF_ADD | BPF_X, 3, 8, 0, 0),         // r3 = &slots + 4 * count
        /* 20 */ insn(BPF_LDX | BPF_MEM | BPF_DW, 4, 10, -8, 0),
        /* 21 */ insn(BPF_STX | BPF_MEM | BPF_W, 3, 4, cmds, 0),        // slots.cmds[count] = cmd
        /* 22 */ insn(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, 1),
        /* 23 */ insn(BPF_STX | BPF_MEM | BPF_DW, 8, 2, count, 0),      // slots.count += 1
        /* 24 */ mov64_imm(0, 0),
        /* 25 */ exit_insn(),
    };
}
#endif

} // namespace

BpfCmdRecorder::BpfCmdRecorder()
{
#if !defined(__x86_64__)
    error_ = "reading a syscall's arguments from pt_regs is written for x86_64 only";
#else
    bpf_attr a{};
    a.map_type = BPF_MAP_TYPE_ARRAY;
    a.key_size = 4;
    a.value_size = sizeof(Slots);
    a.max_entries = 1;
    a.map_flags = kMmapable;
    long fd = sys_bpf(BPF_MAP_CREATE, a);
    if (fd < 0) {
        error_ = "mmapable array: " + errstr(static_cast<int>(-fd));
        return;
    }
    map_.reset(static_cast<int>(fd));
    void *mem = ::mmap(nullptr, static_cast<size_t>(::sysconf(_SC_PAGESIZE)), PROT_READ | PROT_WRITE,
                       MAP_SHARED, map_, 0);
    if (mem == MAP_FAILED) {
        error_ = "mmap of the array: " + errstr(errno);
        return;
    }
    slots_ = static_cast<Slots *>(mem);

    auto insns = recording_program(map_);
    static const char license[] = "GPL";
    static char log[8192];
    a = bpf_attr{};
    a.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
    a.insns = ptr(insns.data());
    a.insn_cnt = static_cast<__u32>(insns.size());
    a.license = ptr(license);
    a.log_buf = ptr(log);
    a.log_size = sizeof(log);
    a.log_level = 1;
    fd = sys_bpf(BPF_PROG_LOAD, a);
    if (fd < 0) {
        error_ = "loading the recording program: " + errstr(static_cast<int>(-fd)) + ": " + log;
        return;
    }
    prog_.reset(static_cast<int>(fd));

    static const char tp[] = "sys_enter";
    a = bpf_attr{};
    a.raw_tracepoint.name = ptr(tp);
    a.raw_tracepoint.prog_fd = static_cast<__u32>(prog_.get());
    fd = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, a);
    if (fd < 0) {
        error_ = "attaching it to sys_enter: " + errstr(static_cast<int>(-fd));
        return;
    }
    link_.reset(static_cast<int>(fd));
    __atomic_store_n(&slots_->tgid, static_cast<__u32>(::getpid()), __ATOMIC_SEQ_CST);
#endif
}

BpfCmdRecorder::~BpfCmdRecorder()
{
    link_.reset();
    if (slots_)
        ::munmap(slots_, static_cast<size_t>(::sysconf(_SC_PAGESIZE)));
}

std::vector<int> BpfCmdRecorder::commands() const
{
    std::vector<int> out;
    if (!slots_)
        return out;
    __u64 n = __atomic_load_n(&slots_->count, __ATOMIC_SEQ_CST);
    for (__u64 i = 0; i < n && i < kCapacity; i++)
        out.push_back(static_cast<int>(slots_->cmds[i]));
    return out;
}

void BpfCmdRecorder::clear()
{
    if (slots_)
        __atomic_store_n(&slots_->count, 0, __ATOMIC_SEQ_CST);
}

} // namespace selftest
