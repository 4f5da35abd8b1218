#include "link_fixtures.hpp"

#include "kernel_refusal.hpp"

#include <cerrno>
#include <cstring>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

// LIBBPF_OPTS leaves the fields it is not given to its memset.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace selftest::links {

void ld_map_fd(Prog &p, __u8 dst, int map_fd)
{
    p.push_back(insn(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, map_fd));
    p.push_back(insn(0, 0, 0, 0, 0));
}

void ld_imm64(Prog &p, __u8 dst, __u64 imm)
{
    p.push_back(insn(BPF_LD | BPF_DW | BPF_IMM, dst, 0, 0, static_cast<__s32>(imm)));
    p.push_back(insn(0, 0, 0, 0, static_cast<__s32>(imm >> 32)));
}

int load_prog(bpf_prog_type type, const Prog &insns, bpf_attach_type expected,
              __u32 attach_btf_id, std::string *log)
{
    static char buf[65536];
    LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = expected,
                .attach_btf_id = attach_btf_id);
    int fd = bpf_prog_load(type, nullptr, "GPL", insns.data(), insns.size(), &o);
    if (fd < 0 && log) {
        int err = errno;
        // Load again with a log, to explain the failure.
        buf[0] = 0;
        o.log_buf = buf;
        o.log_size = sizeof(buf);
        o.log_level = 1;
        int again = bpf_prog_load(type, nullptr, "GPL", insns.data(), insns.size(), &o);
        if (again >= 0)
            ::close(again);
        *log = buf;
        errno = err;
    }
    return fd;
}

int raw_link_create(int prog_fd, int target_fd, bpf_attach_type type, __u64 cookie)
{
    bpf_attr a;
    std::memset(&a, 0, sizeof(a));
    a.link_create.prog_fd = static_cast<__u32>(prog_fd);
    a.link_create.target_fd = static_cast<__u32>(target_fd);
    a.link_create.attach_type = type;
    if (type == BPF_PERF_EVENT)
        a.link_create.perf_event.bpf_cookie = cookie;
    else
        a.link_create.tracing.cookie = cookie;
    long fd = ::syscall(__NR_bpf, BPF_LINK_CREATE, &a, sizeof(a));
    if (fd < 0)
        return errno;
    ::close(static_cast<int>(fd));
    return 0;
}

int load_cookie_prog(bpf_prog_type type, int map_fd, bpf_attach_type expected, __u32 attach_btf_id,
                     const char *for_type, std::string *skip)
{
    const Prog p = record_cookie_prog(map_fd, 0);
    int fd = load_prog(type, p, expected, attach_btf_id);
    if (fd < 0) {
        int err = errno;
        *skip = cookie_helper_refusal(ProgLoad{type, p.data(), p.size(), expected, attach_btf_id}, err,
                                      for_type);
        errno = err;
    }
    return fd;
}

int u64_array(unsigned entries) { return bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 8, entries, nullptr); }

__u64 read_u64(int map_fd, __u32 key)
{
    __u64 v = 0;
    return bpf_map_lookup_elem(map_fd, &key, &v) == 0 ? v : ~0ULL;
}

// Stores r7 into map[0] with map_update_elem.
static void store_r7(Prog &p, int map_fd)
{
    p.push_back(stx_mem(BPF_DW, BPF_REG_10, BPF_REG_7, -8)); // value
    p.push_back(st_mem(BPF_W, BPF_REG_10, -12, 0));          // key 0
    ld_map_fd(p, BPF_REG_1, map_fd);
    p.push_back(mov64_reg(BPF_REG_2, BPF_REG_10));
    p.push_back(add64_imm(BPF_REG_2, -12));
    p.push_back(mov64_reg(BPF_REG_3, BPF_REG_10));
    p.push_back(add64_imm(BPF_REG_3, -8));
    p.push_back(mov64_imm(BPF_REG_4, BPF_ANY));
    p.push_back(call(BPF_FUNC_map_update_elem));
}

Prog record_cookie_prog(int map_fd, __s32 ret)
{
    Prog p;
    p.push_back(call(kHelperGetAttachCookie)); // r1 is still ctx
    p.push_back(mov64_reg(BPF_REG_7, BPF_REG_0));
    store_r7(p, map_fd);
    p.push_back(mov64_imm(BPF_REG_0, ret));
    p.push_back(exit_insn());
    return p;
}

Prog tag_prog(int map_fd, __s32 tag, __s32 ret)
{
    Prog p;
    p.push_back(mov64_imm(BPF_REG_7, tag));
    store_r7(p, map_fd);
    p.push_back(mov64_imm(BPF_REG_0, ret));
    p.push_back(exit_insn());
    return p;
}

Prog count_prog(int map_fd, __s32 ret)
{
    Prog p;
    p.push_back(st_mem(BPF_W, BPF_REG_10, -4, 0));
    ld_map_fd(p, BPF_REG_1, map_fd);
    p.push_back(mov64_reg(BPF_REG_2, BPF_REG_10));
    p.push_back(add64_imm(BPF_REG_2, -4));
    p.push_back(call(BPF_FUNC_map_lookup_elem));
    p.push_back(jeq_imm(BPF_REG_0, 0, 2));
    p.push_back(mov64_imm(BPF_REG_1, 1));
    p.push_back(atomic_add64(BPF_REG_0, BPF_REG_1, 0));
    p.push_back(mov64_imm(BPF_REG_0, ret));
    p.push_back(exit_insn());
    return p;
}

__u32 LinkInfo::u32_at(size_t off) const
{
    __u32 v;
    std::memcpy(&v, raw + off, sizeof(v));
    return v;
}

__u64 LinkInfo::u64_at(size_t off) const
{
    __u64 v;
    std::memcpy(&v, raw + off, sizeof(v));
    return v;
}

int link_info(int link_fd, LinkInfo &info)
{
    info.len = sizeof(info.raw);
    return bpf_link_get_info_by_fd(link_fd, reinterpret_cast<bpf_link_info *>(info.raw), &info.len);
}

__u32 prog_id(int prog_fd)
{
    bpf_prog_info info{};
    __u32 len = sizeof(info);
    return bpf_prog_get_info_by_fd(prog_fd, &info, &len) == 0 ? info.id : 0;
}

int load_min_btf()
{
    struct {
        __u16 magic;
        __u8 version, flags;
        __u32 hdr_len, type_off, type_len, str_off, str_len;
        __u32 int_type[4]; // name_off, info (kind INT), size, encoding
        char strings[5];
    } __attribute__((packed)) blob = {0xeB9F, 1, 0, 24, 0, 16, 16, 5,
                                      {1, 1u << 24, 4, (1u << 24) | 32}, "\0int"};
    struct {
        __u64 btf, log_buf;
        __u32 btf_size, log_size, log_level, pad;
    } attr = {};
    attr.btf = reinterpret_cast<uintptr_t>(&blob);
    attr.btf_size = sizeof(blob);
    long fd = ::syscall(__NR_bpf, BPF_BTF_LOAD, &attr, 28);
    return fd < 0 ? -errno : static_cast<int>(fd);
}

int no_leak(int r)
{
    if (r >= 0)
        ::close(r);
    return r;
}

int closed_fd()
{
    int fd = ::dup(0);
    if (fd >= 0)
        ::close(fd);
    return fd >= 0 ? fd : 1000000;
}

void some_syscall() { ::syscall(SYS_getppid); }

void settle()
{
    timespec ts{0, 20 * 1000 * 1000};
    ::nanosleep(&ts, nullptr);
}

} // namespace selftest::links
