// Rows for the commands that create objects from a description:
// bpf_map_create, bpf_prog_load, bpf_btf_load.
#include "btf_fixtures.hpp"
#include "caller_row.hpp"

#include <cerrno>

using namespace selftest;

namespace abi {
namespace {

// --- bpf_map_create: the flags every release has ------------------------------
using MapOpts = struct bpf_map_create_opts;

void map_create_fill(CallerOpts &o) { OPT_SET(o, MapOpts, map_flags, BPF_F_NO_PREALLOC); }

int map_create_call(void *opts)
{
    return bpf_map_create(BPF_MAP_TYPE_HASH, "abi_hist", 4, 8, 16, static_cast<MapOpts *>(opts));
}

std::string map_create_observe(int fd, const CallerOpts &)
{
    Fd owned(fd);
    return fd >= 0 ? map_info(fd) : "";
}

// --- bpf_prog_load: a verifier log requested by every release ----------------
using ProgOpts = struct bpf_prog_load_opts;
char g_log[8192];

void prog_load_fill(CallerOpts &o)
{
    std::memset(g_log, 0, sizeof(g_log));
    OPT_SET(o, ProgOpts, log_level, 1);
    OPT_SET(o, ProgOpts, log_size, sizeof(g_log));
    OPT_SET(o, ProgOpts, log_buf, g_log);
}

// log_level 0 and a log buffer: the log comes only with the retry after a
// failed load.
void prog_load_quiet_fill(CallerOpts &o)
{
    std::memset(g_log, 0, sizeof(g_log));
    OPT_SET(o, ProgOpts, log_size, sizeof(g_log));
    OPT_SET(o, ProgOpts, log_buf, g_log);
}

int prog_load_call(void *opts)
{
    auto insns = return_imm(0);
    return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "abi_hist", "GPL", insns.data(), insns.size(),
                         static_cast<ProgOpts *>(opts));
}

// r0 = r2 reads a register the program never wrote: EACCES from the verifier.
int prog_load_bad_call(void *opts)
{
    std::vector<bpf_insn> insns = {mov64_reg(0, 2), exit_insn()};
    return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "abi_hist", "GPL", insns.data(), insns.size(),
                         static_cast<ProgOpts *>(opts));
}

std::string prog_load_observe(int fd, const CallerOpts &o)
{
    Fd owned(fd);
    std::string s = fd >= 0 ? prog_info(fd) : "";
    s += " log=[" + std::string(g_log) + "]";
    // log_true_size arrived in 1.2: written back exactly when the caller has it.
    if (OPT_FITS(o, ProgOpts, log_true_size) && OPT_GET(o, ProgOpts, log_true_size) != std::strlen(g_log) + 1)
        s += " log_true_size=" + std::to_string(OPT_GET(o, ProgOpts, log_true_size)) + " (not strlen+1)";
    return s;
}

// --- bpf_btf_load: the BTF verifier's log, asked for by every release --------
using BtfOpts = struct bpf_btf_load_opts;

void btf_load_fill(CallerOpts &o)
{
    std::memset(g_log, 0, sizeof(g_log));
    OPT_SET(o, BtfOpts, log_level, 1);
    OPT_SET(o, BtfOpts, log_size, sizeof(g_log));
    OPT_SET(o, BtfOpts, log_buf, g_log);
}

void btf_load_quiet_fill(CallerOpts &o)
{
    std::memset(g_log, 0, sizeof(g_log));
    OPT_SET(o, BtfOpts, log_size, sizeof(g_log));
    OPT_SET(o, BtfOpts, log_buf, g_log);
}

int btf_load_call(void *opts)
{
    static const std::vector<unsigned char> blob = pair_btf();
    return bpf_btf_load(blob.data(), blob.size(), static_cast<BtfOpts *>(opts));
}

// A struct member of type 99, which does not exist: EINVAL from the BTF
// verifier, which the log explains.
int btf_load_bad_call(void *opts)
{
    static const std::vector<unsigned char> blob = [] {
        BtfBuilder b;
        b.add_int("int", 4, true);
        b.add_struct("bad", 8, {{"a", 99, 0}});
        return b.blob();
    }();
    return bpf_btf_load(blob.data(), blob.size(), static_cast<BtfOpts *>(opts));
}

std::string btf_load_observe(int fd, const CallerOpts &o)
{
    Fd owned(fd);
    std::string s;
    if (fd >= 0) {
        bpf_btf_info info{};
        __u32 len = sizeof(info);
        s = bpf_btf_get_info_by_fd(fd, &info, &len) ? "btf info failed: " + errstr(errno)
                                                     : "btf size=" + std::to_string(info.btf_size);
    }
    s += " log=[" + std::string(g_log) + "]";
    if (OPT_FITS(o, BtfOpts, log_true_size) && OPT_GET(o, BtfOpts, log_true_size) != std::strlen(g_log) + 1)
        s += " log_true_size=" + std::to_string(OPT_GET(o, BtfOpts, log_true_size)) + " (not strlen+1)";
    return s;
}

} // namespace

std::vector<Row> load_rows()
{
    return {
        {"bpf_map_create", "bpf_map_create_opts", sizeof(MapOpts), KNOWN_END(bpf_map_create_opts),
         "flags=0x1 name=abi_hist", map_create_fill, map_create_call, map_create_observe, nullptr, nullptr},
        {"bpf_prog_load", "bpf_prog_load_opts", sizeof(ProgOpts), KNOWN_END(bpf_prog_load_opts),
         "name=abi_hist log=[processed 2 insns", prog_load_fill, prog_load_call, prog_load_observe, nullptr,
         nullptr},
        {"bpf_prog_load (log on retry)", "bpf_prog_load_opts", sizeof(ProgOpts), KNOWN_END(bpf_prog_load_opts),
         "error EACCES errno EACCES;  log=[0: R1=ctx() R10=fp0\n0: (bf) r0 = r2\nR2 !read_ok",
         prog_load_quiet_fill, prog_load_bad_call, prog_load_observe, nullptr, nullptr},
        {"bpf_btf_load", "bpf_btf_load_opts", sizeof(BtfOpts), KNOWN_END(bpf_btf_load_opts),
         "btf size=90 log=[magic: 0xeb9f\n", btf_load_fill, btf_load_call, btf_load_observe, nullptr, nullptr},
        {"bpf_btf_load (log on retry)", "bpf_btf_load_opts", sizeof(BtfOpts), KNOWN_END(bpf_btf_load_opts),
         "error EINVAL errno EINVAL;  log=[magic: 0xeb9f\n|\ta type_id=99 bits_offset=0 Invalid member\n]",
         btf_load_quiet_fill, btf_load_bad_call,
         btf_load_observe, nullptr, nullptr},
    };
}

} // namespace abi
