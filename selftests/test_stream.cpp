// bpf_prog_stream_read on the real kernel (BPF streams: Linux 6.17+).
#include "harness/harness.hpp"
#include "kernel_helpers.hpp"
#include "kernel_refusal.hpp"
#include "misc_fixtures.hpp"
#include "vmlinux_btf.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>
#include <string>

using namespace selftest;
using namespace vmlinux_btf;
using namespace selftest::misc;

namespace {

constexpr __u32 kStdout = 1; // BPF_STDOUT
constexpr __u32 kStderr = 2; // BPF_STDERR
constexpr __u8 kPseudoMapValue = 2;  // BPF_PSEUDO_MAP_VALUE
constexpr __u8 kPseudoKfuncCall = 2; // BPF_PSEUDO_KFUNC_CALL

// On a kernel without streams the command is unknown: EINVAL even for a
// valid program fd.
int streams_probe()
{
    Fd prog(load_raw_tp_prog("st_stream"));
    char buf[8];
    return prog < 0 ? prog.get() : bpf_prog_stream_read(prog, kStdout, buf, sizeof(buf), nullptr);
}
// The skip reason on a kernel without streams: the library's probe and the
// raw command (on a closed fd: EBADF if the kernel knows it) get EINVAL, and
// the kernel's BTF knows no BPF_PROG_STREAM_READ_BY_FD. Empty otherwise.
std::string no_streams()
{
    int r = streams_probe();
    if (r != -EINVAL)
        return "";
    constexpr int kStreamRead = 37; // BPF_PROG_STREAM_READ_BY_FD
    RawAttr closed;
    closed.u32(16, 100000); // prog_fd
    return kernel_lacks("BPF streams (6.17+)", EINVAL, raw_bpf_err(kStreamRead, closed),
                        "BPF_PROG_STREAM_READ_BY_FD", btf_lacks("bpf_cmd", "BPF_PROG_STREAM_READ_BY_FD"));
}

// A socket filter that prints "hello 42\n" to BPF_STDOUT through the
// bpf_stream_vprintk kfunc and returns the kfunc's result.
struct PrintingProg {
    Fd fmt_map, prog;
    std::string skip;   // the kernel's BTF shows it cannot be built
    std::string broken; // why it was not built otherwise (a test failure)

    PrintingProg()
    {
        VmlinuxBtf btf;
        if (!btf.ok()) {
            skip = "kernel without BTF (CONFIG_DEBUG_INFO_BTF): /sys/kernel/btf/vmlinux unreadable";
            return;
        }
        // 6.17 named it bpf_stream_vprintk, 6.18 bpf_stream_vprintk_impl; 7.x
        // lists both in BTF but resolves only bpf_stream_vprintk (the aux
        // argument became implicit). Each name the BTF lists is tried.
        std::vector<__u32> kfuncs;
        for (const char *name : {"bpf_stream_vprintk", "bpf_stream_vprintk_impl"}) {
            if (__u32 id = btf.find(name, kBtfKindFunc))
                kfuncs.push_back(id);
        }
        if (kfuncs.empty()) {
            skip = "kernel whose BTF has neither bpf_stream_vprintk nor bpf_stream_vprintk_impl";
            return;
        }
        // The format must be a constant string: a frozen, program-read-only map.
        bpf_map_create_opts mo{};
        mo.sz = sizeof(mo);
        mo.map_flags = BPF_F_RDONLY_PROG;
        fmt_map.reset(bpf_map_create(BPF_MAP_TYPE_ARRAY, "st_fmt", 4, 16, 1, &mo));
        char fmt[16] = "hello %d\n";
        int key = 0;
        if (fmt_map < 0 || bpf_map_update_elem(fmt_map, &key, fmt, 0) || bpf_map_freeze(fmt_map)) {
            broken = "format map: " + errstr(errno);
            return;
        }
        for (__u32 kfunc : kfuncs) {
            prog.reset(load_prog(BPF_PROG_TYPE_SOCKET_FILTER, "st_print", program(kfunc)));
            if (prog >= 0)
                return;
        }
        broken = "loading a program that calls bpf_stream_vprintk: " + errstr(-prog.get());
    }

    std::vector<bpf_insn> program(__u32 kfunc) const
    {
        return {
            mov64_imm(1, kStdout),                                     // stream_id
            insn(BPF_LD | BPF_DW | BPF_IMM, 2, kPseudoMapValue, 0, fmt_map), // fmt
            insn(0, 0, 0, 0, 0),                                       //   (value offset 0)
            insn(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -8, 42),            // u64 args[1] = {42}
            mov64_reg(3, 10),                                          // args
            insn(BPF_ALU64 | BPF_ADD | BPF_K, 3, 0, 0, -8),
            mov64_imm(4, 8),                                           // len__sz
            mov64_imm(5, 0),                                           // aux__prog: set by the verifier
            insn(BPF_JMP | BPF_CALL, 0, kPseudoKfuncCall, 0, static_cast<__s32>(kfunc)),
            exit_insn(),
        };
    }

    // Runs the program once; returns the kfunc's result.
    int run()
    {
        static const unsigned char packet[64] = {};
        __u32 retval = 0;
        if (test_run_skb(prog, packet, sizeof(packet), 1, &retval) != 0)
            return -EIO;
        return static_cast<int>(retval);
    }
};

} // namespace

TEST_CASE("prog_stream_read: a program that printed nothing reads 0 bytes from both streams")
{
    SKIP_IF_REFUSED(no_streams());
    Fd prog(load_raw_tp_prog("st_stream"));
    REQUIRE(prog >= 3);
    char buf[64];
    errno = 4321;
    CHECK(bpf_prog_stream_read(prog, kStdout, buf, sizeof(buf), nullptr) == 0);
    CHECK(bpf_prog_stream_read(prog, kStderr, buf, sizeof(buf), nullptr) == 0);
    LIBBPF_OPTS(bpf_prog_stream_read_opts, o);
    CHECK(bpf_prog_stream_read(prog, kStderr, buf, sizeof(buf), &o) == 0);
    CHECK(errno == 4321);
}

TEST_CASE("prog_stream_read: returns what the program printed, in as many reads as asked")
{
    SKIP_IF_REFUSED(no_streams());
    PrintingProg p;
    if (!p.skip.empty())
        SKIP_TEST(p.skip);
    INFO(p.broken);
    REQUIRE(p.broken.empty());
    int printed = p.run();
    if (printed < 0) {
        // The kfunc's answer inside the kernel, not the library's: a raw
        // BPF_PROG_TEST_RUN of the program returns it as well.
        static const unsigned char packet[64] = {};
        RawAttr run;
        run.u32(0, static_cast<__u32>(p.prog.get())).u32(8, sizeof(packet)).ptr(16, packet).u32(32, 1);
        __u32 retval = 0;
        if (raw_bpf(BPF_PROG_TEST_RUN, run) == 0)
            std::memcpy(&retval, run.bytes + 4, sizeof(retval));
        if (static_cast<int>(retval) == printed)
            SKIP_TEST("bpf_stream_vprintk returns " + errstr(-printed) + " inside this kernel (Linux " +
                      kernel_release() + "), so there is nothing to read; a raw BPF_PROG_TEST_RUN "
                      "returns the same");
    }
    CHECK(printed == 0);
    char buf[64] = {};
    REQUIRE(bpf_prog_stream_read(p.prog, kStdout, buf, 4, nullptr) == 4);
    CHECK(std::string(buf, 4) == "hell");
    int rest = bpf_prog_stream_read(p.prog, kStdout, buf, sizeof(buf), nullptr);
    // Some kernels keep the string's NUL in the stream.
    REQUIRE((rest == 5 || rest == 6));
    CHECK(std::string(buf, 5) == "o 42\n");
    CHECK(bpf_prog_stream_read(p.prog, kStdout, buf, sizeof(buf), nullptr) == 0);
    CHECK(bpf_prog_stream_read(p.prog, kStderr, buf, sizeof(buf), nullptr) == 0);
}

TEST_CASE("prog_stream_read: errors")
{
    SKIP_IF_REFUSED(no_streams());
    Fd prog(load_raw_tp_prog("st_stream"));
    REQUIRE(prog >= 3);
    char buf[16];
    SECTION("ENOENT for a stream id other than BPF_STDOUT and BPF_STDERR")
    {
        for (__u32 id : {0u, 3u, 0xffffffffu}) {
            INFO("stream " << id);
            errno = 0;
            CHECK(bpf_prog_stream_read(prog, id, buf, sizeof(buf), nullptr) == -ENOENT);
            CHECK(errno == ENOENT);
        }
    }
    SECTION("EBADF for an fd that is not open")
    {
        errno = 0;
        CHECK(bpf_prog_stream_read(100000, kStdout, buf, sizeof(buf), nullptr) == -EBADF);
        CHECK(errno == EBADF);
    }
    SECTION("EINVAL for an fd that is not a program")
    {
        Fd map(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr));
        REQUIRE(map >= 3);
        errno = 0;
        CHECK(bpf_prog_stream_read(map, kStdout, buf, sizeof(buf), nullptr) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EINVAL for opts the library refuses, before the kernel is asked")
    {
        alignas(8) unsigned char raw[16] = {};
        auto *o = reinterpret_cast<bpf_prog_stream_read_opts *>(raw);
        o->sz = sizeof(size_t) - 1;
        errno = 0;
        CHECK(bpf_prog_stream_read(100000, kStdout, buf, sizeof(buf), o) == -EINVAL);
        CHECK(errno == EINVAL);
        o->sz = sizeof(raw);
        raw[8] = 1; // past sz, the only field libbpf 1.7 knows
        CHECK(bpf_prog_stream_read(100000, kStdout, buf, sizeof(buf), o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
}
