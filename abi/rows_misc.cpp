// Rows for bpf_prog_bind_map, bpf_prog_test_run_opts, bpf_prog_stream_read
// and bpf_prog_assoc_struct_ops.
#include "caller_row.hpp"
#include "kernel_evidence.hpp"
#include "misc_fixtures.hpp"
#include "prog_fixtures.hpp"
#include "vmlinux_btf.hpp"

#include <cerrno>
#include <cstdio>
#include <memory>

using namespace selftest;
using namespace vmlinux_btf;

// LIBBPF_OPTS leaves the fields it is not given to its memset.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace abi {
namespace {

constexpr int kClosedFd = 100000;
constexpr int kCmdStreamRead = 37;     // BPF_PROG_STREAM_READ_BY_FD
constexpr int kCmdAssocStructOps = 38; // BPF_PROG_ASSOC_STRUCT_OPS

struct Misc {
    Fd bound;      // the map bpf_prog_bind_map binds
    Fd fresh;      // a program not bound to anything yet
    Fd xdp;        // marks the first packet byte 0xab
    Fd raw_tp;     // for streams and struct_ops association
    Fd struct_ops; // a struct_ops map of tcp_congestion_ops, or -1
    std::string struct_ops_error;
    __u32 bound_id = 0;
};
std::unique_ptr<Misc> g;

// A struct_ops map of tcp_congestion_ops, created and never registered. The
// kernel wants some BTF fd with it, as an object file's BTF would be.
int struct_ops_map(std::string *why)
{
    Fd btf_fd(misc::load_tiny_btf());
    VmlinuxBtf btf;
    __u32 value_type = btf.ok() ? btf.find("bpf_struct_ops_tcp_congestion_ops", kBtfKindStruct) : 0;
    if (btf_fd < 0 || !value_type) {
        *why = btf_fd < 0 ? "BTF load: " + errstr(-btf_fd.get()) : "no bpf_struct_ops_tcp_congestion_ops in BTF";
        return -1;
    }
    LIBBPF_OPTS(bpf_map_create_opts, o, .btf_fd = static_cast<__u32>(btf_fd.get()),
                .btf_vmlinux_value_type_id = value_type);
    int fd = bpf_map_create(BPF_MAP_TYPE_STRUCT_OPS, "abi_ops", 4, btf.struct_size(value_type), 1, &o);
    if (fd < 0)
        *why = "struct_ops map: " + errstr(-fd);
    return fd;
}

__u32 map_id(int fd)
{
    bpf_map_info info{};
    __u32 len = sizeof(info);
    return bpf_map_get_info_by_fd(fd, &info, &len) == 0 ? info.id : 0;
}

Misc &misc_objects()
{
    if (g)
        return *g;
    g = std::make_unique<Misc>();
    g->bound.reset(bpf_map_create(BPF_MAP_TYPE_ARRAY, "abi_bound", 4, 8, 1, nullptr));
    REQUIRE(g->bound >= 3);
    g->bound_id = map_id(g->bound);
    g->xdp.reset(misc::load_prog(BPF_PROG_TYPE_XDP, "abi_xdp", prog::xdp_mark_first_byte(0xab)));
    g->raw_tp.reset(misc::load_raw_tp_prog("abi_raw_tp"));
    REQUIRE((g->xdp >= 3 && g->raw_tp >= 3));
    g->struct_ops.reset(struct_ops_map(&g->struct_ops_error));
    return *g;
}

void teardown() { g.reset(); }

// --- bpf_prog_bind_map: a fresh program gains the map ---------------------------
using BindOpts = struct bpf_prog_bind_opts;

void bind_fill(CallerOpts &)
{
    Misc &m = misc_objects();
    m.fresh.reset(misc::load_prog(BPF_PROG_TYPE_SOCKET_FILTER, "abi_bind", return_imm(0)));
    REQUIRE(m.fresh >= 3);
}

int bind_call(void *opts) { return bpf_prog_bind_map(g->fresh, g->bound, static_cast<BindOpts *>(opts)); }

std::string bind_observe(int, const CallerOpts &)
{
    bpf_prog_info info{};
    std::vector<__u32> ids;
    if (misc::prog_info(g->fresh, info, &ids))
        return "prog info failed: " + errstr(errno);
    std::string s = "program's maps=[";
    for (__u32 id : ids)
        s += (s.back() == '[' ? "" : ",") + std::string(id == g->bound_id ? "abi_bound" : "another");
    return s + "]"; // the program goes with the next fill
}

// --- bpf_prog_test_run_opts: an XDP program over a 64-byte packet ---------------
using RunOpts = struct bpf_test_run_opts;
unsigned char g_in[64], g_out[128];

void run_fill(CallerOpts &o)
{
    misc_objects();
    std::memset(g_in, 0x11, sizeof(g_in));
    std::memset(g_out, 0, sizeof(g_out));
    OPT_SET(o, RunOpts, data_in, g_in);
    OPT_SET(o, RunOpts, data_size_in, sizeof(g_in));
    OPT_SET(o, RunOpts, data_out, g_out);
    OPT_SET(o, RunOpts, data_size_out, sizeof(g_out));
    OPT_SET(o, RunOpts, repeat, 3);
}

int run_call(void *opts) { return bpf_prog_test_run_opts(g->xdp, static_cast<RunOpts *>(opts)); }

std::string run_observe(int, const CallerOpts &o)
{
    char s[128];
    std::snprintf(s, sizeof(s), "retval=%u data_size_out=%u out=%02x %02x ... %02x", OPT_GET(o, RunOpts, retval),
                  OPT_GET(o, RunOpts, data_size_out), g_out[0], g_out[1], g_out[63]);
    return s;
}

// --- bpf_prog_stream_read: a program's BPF_STDOUT, empty -------------------------
using StreamOpts = struct bpf_prog_stream_read_opts;
constexpr __u32 kStdout = 1; // BPF_STDOUT
char g_stream[64];

void stream_fill(CallerOpts &)
{
    misc_objects();
    std::memset(g_stream, 0, sizeof(g_stream));
}

int stream_call(void *opts)
{
    return bpf_prog_stream_read(g->raw_tp, kStdout, g_stream, sizeof(g_stream), static_cast<StreamOpts *>(opts));
}

std::string stream_observe(int rc, const CallerOpts &)
{
    return rc < 0 ? "" : "read " + std::to_string(rc) + " bytes: [" + std::string(g_stream, rc) + "]";
}

// On a kernel without streams the command is unknown: EINVAL even for a
// valid program fd, and the raw command on a closed fd (EBADF with it).
std::string streams_lacking()
{
    static const std::string reason = [] {
        Fd prog(misc::load_raw_tp_prog("abi_probe"));
        char buf[8];
        if (prog < 0)
            return "probe program: " + errstr(-prog.get());
        int r = bpf_prog_stream_read(prog, kStdout, buf, sizeof(buf), nullptr);
        struct {
            __u64 stream_buf;
            __u32 stream_buf_len, stream_id, prog_fd, pad;
        } raw = {0, 0, kStdout, kClosedFd, 0};
        return r < 0 ? kernel_lacks_cmd(kCmdStreamRead, "BPF_PROG_STREAM_READ_BY_FD", "6.17", -r, &raw, sizeof(raw))
                     : std::string();
    }();
    return reason;
}

// --- bpf_prog_assoc_struct_ops -----------------------------------------------------
using AssocOpts = struct bpf_prog_assoc_struct_ops_opts;

void assoc_fill(CallerOpts &)
{
    Misc &m = misc_objects();
    INFO(m.struct_ops_error);
    REQUIRE(m.struct_ops >= 3);
}

int assoc_call(void *opts)
{
    return bpf_prog_assoc_struct_ops(g->raw_tp, g->struct_ops, static_cast<AssocOpts *>(opts));
}

std::string assoc_observe(int rc, const CallerOpts &) { return rc == 0 ? "associated" : ""; }

// With the command, closed fds give EBADF; without it, EINVAL whatever the fds.
std::string assoc_lacking()
{
    static const std::string reason = [] {
        int r = bpf_prog_assoc_struct_ops(kClosedFd, kClosedFd + 1, nullptr);
        struct {
            __u32 map_fd, prog_fd, flags;
        } raw = {kClosedFd + 1, kClosedFd, 0};
        return r < 0 ? kernel_lacks_cmd(kCmdAssocStructOps, "BPF_PROG_ASSOC_STRUCT_OPS", "7.0", -r, &raw,
                                        sizeof(raw))
                     : std::string();
    }();
    return reason;
}

} // namespace

std::vector<Row> misc_rows()
{
    return {
        {"bpf_prog_bind_map", "bpf_prog_bind_opts", sizeof(BindOpts), KNOWN_END(bpf_prog_bind_opts),
         "program's maps=[abi_bound]", bind_fill, bind_call, bind_observe, teardown, nullptr},
        {"bpf_prog_test_run_opts", "bpf_test_run_opts", sizeof(RunOpts), KNOWN_END(bpf_test_run_opts),
         "retval=2 data_size_out=64 out=ab 11 ... 11", run_fill, run_call, run_observe, teardown, nullptr},
        {"bpf_prog_stream_read", "bpf_prog_stream_read_opts", sizeof(StreamOpts),
         KNOWN_END(bpf_prog_stream_read_opts), "read 0 bytes: []", stream_fill, stream_call, stream_observe,
         teardown, streams_lacking},
        {"bpf_prog_assoc_struct_ops", "bpf_prog_assoc_struct_ops_opts", sizeof(AssocOpts),
         KNOWN_END(bpf_prog_assoc_struct_ops_opts), "associated", assoc_fill, assoc_call, assoc_observe, teardown,
         assoc_lacking},
    };
}

} // namespace abi
