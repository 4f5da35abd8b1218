#include "misc_fixtures.hpp"

#include <cerrno>
#include <cstdint>
#include <sys/syscall.h>
#include <unistd.h>

namespace selftest::misc {
namespace {
__u64 ptr(const void *p) { return reinterpret_cast<std::uintptr_t>(p); }
} // namespace

long raw_bpf(int cmd, void *attr, unsigned size)
{
    long r = ::syscall(__NR_bpf, cmd, attr, size);
    return r < 0 ? -errno : r;
}

int load_prog(bpf_prog_type type, const char *name, const std::vector<bpf_insn> &insns)
{
    return bpf_prog_load(type, name, "GPL", insns.data(), insns.size(), nullptr);
}

int load_raw_tp_prog(const char *name)
{
    return load_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, name, return_imm(0));
}

long raw_tp_open(const char *tp, int prog_fd)
{
    bpf_attr a{};
    a.raw_tracepoint.name = ptr(tp);
    a.raw_tracepoint.prog_fd = static_cast<__u32>(prog_fd);
    return raw_bpf(BPF_RAW_TRACEPOINT_OPEN, &a, sizeof(a.raw_tracepoint));
}

long test_run_skb(int prog_fd, const void *data, __u32 size, __u32 repeat, __u32 *retval)
{
    bpf_attr a{};
    a.test.prog_fd = static_cast<__u32>(prog_fd);
    a.test.data_in = ptr(data);
    a.test.data_size_in = size;
    a.test.repeat = repeat;
    long r = raw_bpf(BPF_PROG_TEST_RUN, &a, sizeof(a.test));
    if (r == 0 && retval)
        *retval = a.test.retval;
    return r;
}

int load_tiny_btf()
{
    struct {
        // struct btf_header
        __u16 magic = 0xeb9f;
        __u8 version = 1, flags = 0;
        __u32 hdr_len = 24, type_off = 0, type_len = 16, str_off = 16, str_len = 5;
        // type 1: INT "int", 4 bytes, signed, 32 bits
        __u32 name_off = 1, info = 1u << 24, size = 4, int_data = (1u << 24) | 32;
        char strs[5] = {'\0', 'i', 'n', 't', '\0'};
    } blob;
    bpf_attr a{};
    a.btf = ptr(&blob);
    a.btf_size = 24 + 16 + 5;
    return static_cast<int>(raw_bpf(BPF_BTF_LOAD, &a, sizeof(a)));
}

int prog_info(int prog_fd, bpf_prog_info &info, std::vector<__u32> *map_ids)
{
    info = bpf_prog_info{};
    __u32 len = sizeof(info);
    if (map_ids) {
        // First ask how many, then fetch them.
        int r = bpf_prog_get_info_by_fd(prog_fd, &info, &len);
        if (r)
            return r;
        map_ids->assign(info.nr_map_ids, 0);
        __u32 n = info.nr_map_ids;
        info = bpf_prog_info{};
        info.nr_map_ids = n;
        info.map_ids = ptr(map_ids->data());
        len = sizeof(info);
    }
    return bpf_prog_get_info_by_fd(prog_fd, &info, &len);
}

} // namespace selftest::misc
