#include "bpf_call_counter.hpp"

#include <bpf/bpf.h>

#include <cstdint>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace abi {

using selftest::errstr;
using selftest::insn;

BpfCallCounter *BpfCallCounter::active_ = nullptr;

struct BpfCallCounter::Slots {
    __u32 tgid[2];             // watched thread groups (0: none)
    unsigned long long calls;  // bpf() entries seen for them
};

namespace {

constexpr __u32 kMmapable = 1u << 10; // BPF_F_MMAPABLE
constexpr __u8 kPseudoMapValue = 2;   // BPF_PSEUDO_MAP_VALUE

long sys_bpf(int cmd, bpf_attr &a)
{
    long r = ::syscall(__NR_bpf, cmd, &a, sizeof(a));
    return r < 0 ? -errno : r;
}

__u64 ptr(const void *p) { return reinterpret_cast<std::uintptr_t>(p); }

// ctx of a sys_enter raw tracepoint: u64 args[] = {struct pt_regs *, long id}.
std::vector<bpf_insn> counting_program(int map_fd)
{
    using selftest::exit_insn;
    using selftest::mov64_imm;
    return {
        insn(BPF_LDX | BPF_MEM | BPF_DW, 6, 1, 8, 0),             // r6 = syscall number
        insn(BPF_JMP | BPF_JNE | BPF_K, 6, 0, 10, __NR_bpf),      // not bpf(): done
        selftest::call(BPF_FUNC_get_current_pid_tgid),            // r0 = tgid << 32 | pid
        insn(BPF_ALU64 | BPF_RSH | BPF_K, 0, 0, 0, 32),           // r0 = tgid
        insn(BPF_LD | BPF_DW | BPF_IMM, 1, kPseudoMapValue, 0, map_fd), // r1 = &slots
        insn(0, 0, 0, 0, 0),
        insn(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0),              // r2 = tgid[0]
        insn(BPF_JMP | BPF_JEQ | BPF_X, 0, 2, 2, 0),              // ours: count
        insn(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 4, 0),              // r2 = tgid[1]
        insn(BPF_JMP | BPF_JNE | BPF_X, 0, 2, 2, 0),              // not ours: done
        mov64_imm(2, 1),
        insn(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 8, BPF_ADD),    // calls += 1
        mov64_imm(0, 0),
        exit_insn(),
    };
}

} // namespace

BpfCallCounter::BpfCallCounter()
{
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
    slots_->tgid[0] = static_cast<__u32>(::getpid());

    auto insns = counting_program(map_);
    static const char license[] = "GPL";
    a = bpf_attr{};
    a.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
    a.insns = ptr(insns.data());
    a.insn_cnt = static_cast<__u32>(insns.size());
    a.license = ptr(license);
    fd = sys_bpf(BPF_PROG_LOAD, a);
    if (fd < 0) {
        error_ = "loading the counting program: " + errstr(static_cast<int>(-fd));
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
    active_ = this;
}

BpfCallCounter::~BpfCallCounter()
{
    if (active_ == this)
        active_ = nullptr;
    link_.reset();
    if (slots_)
        ::munmap(slots_, static_cast<size_t>(::sysconf(_SC_PAGESIZE)));
}

unsigned long long BpfCallCounter::count() const
{
    return slots_ ? __atomic_load_n(&slots_->calls, __ATOMIC_SEQ_CST) : 0;
}

void BpfCallCounter::watch_self()
{
    if (slots_)
        __atomic_store_n(&slots_->tgid[1], static_cast<__u32>(::getpid()), __ATOMIC_SEQ_CST);
}

} // namespace abi
