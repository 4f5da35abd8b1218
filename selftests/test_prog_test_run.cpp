// bpf_prog_test_run_opts on the real kernel: data and context in and out,
// repeat, retvals, documented errors.
#include "harness/harness.hpp"
#include "kernel_helpers.hpp"
#include "prog_fixtures.hpp"
#include "vmlinux_btf.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>

// LIBBPF_OPTS with a few designated fields is the API's intended use.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace selftest;
using namespace selftest::prog;
using namespace vmlinux_btf;

namespace {

Fd load(bpf_prog_type type, const Insns &p)
{
    return Fd(bpf_prog_load(type, nullptr, "GPL", p.data(), p.size(), nullptr));
}

// A 64-byte frame: bytes 0..63 hold their own index.
struct Packet {
    unsigned char bytes[64];
    Packet()
    {
        for (unsigned i = 0; i < sizeof(bytes); i++)
            bytes[i] = static_cast<unsigned char>(i);
    }
};

} // namespace

TEST_CASE("test_run: XDP program rewrites the packet and returns XDP_PASS")
{
    Fd fd = load(BPF_PROG_TYPE_XDP, xdp_mark_first_byte(0xab));
    REQUIRE(fd >= 3);
    Packet in;
    unsigned char out[128];
    std::memset(out, 0xee, sizeof(out));
    LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in.bytes, .data_out = out,
                .data_size_in = sizeof(in.bytes), .data_size_out = sizeof(out));
    errno = 0;
    REQUIRE(bpf_prog_test_run_opts(fd, &o) == 0);
    CHECK(errno == 0);
    CHECK(o.retval == XDP_PASS);
    CHECK(o.data_size_out == sizeof(in.bytes));
    CHECK(out[0] == 0xab);
    CHECK(std::memcmp(out + 1, in.bytes + 1, sizeof(in.bytes) - 1) == 0);
    CHECK(out[sizeof(in.bytes)] == 0xee); // nothing written past the packet
    CHECK(in.bytes[0] == 0);              // the input is not modified
}

TEST_CASE("test_run: repeat runs the program that many times and reports a duration")
{
    Fd map(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 8, 1, nullptr));
    REQUIRE(map >= 3);
    Fd fd = load(BPF_PROG_TYPE_XDP, count_runs_then_return({BPF_PSEUDO_MAP_FD, map.get()},
                                                             XDP_DROP));
    REQUIRE(fd >= 3);
    Packet in;
    LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in.bytes, .data_size_in = sizeof(in.bytes),
                .repeat = 1000);
    REQUIRE(bpf_prog_test_run_opts(fd, &o) == 0);
    CHECK(o.retval == XDP_DROP);
    CHECK(o.duration > 0);          // mean ns per run
    CHECK(o.duration < 100000000u); // and sane
    __u32 key = 0;
    __u64 runs = 0;
    REQUIRE(bpf_map_lookup_elem(map, &key, &runs) == 0);
    CHECK(runs == 1000);

    // repeat 0 means once.
    o.repeat = 0;
    REQUIRE(bpf_prog_test_run_opts(fd, &o) == 0);
    REQUIRE(bpf_map_lookup_elem(map, &key, &runs) == 0);
    CHECK(runs == 1001);
}

TEST_CASE("test_run: socket filter retval")
{
    Fd fd = load(BPF_PROG_TYPE_SOCKET_FILTER, return_imm(42));
    REQUIRE(fd >= 3);
    Packet in;
    LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in.bytes, .data_size_in = sizeof(in.bytes));
    REQUIRE(bpf_prog_test_run_opts(fd, &o) == 0);
    CHECK(o.retval == 42);
}

TEST_CASE("test_run: sched_cls takes a __sk_buff context in and gives it back")
{
    Fd fd = load(BPF_PROG_TYPE_SCHED_CLS, tc_return_mark());
    REQUIRE(fd >= 3);
    Packet in;
    __sk_buff ctx{}, ctx_out{};
    ctx.mark = 0x1234;
    ctx.priority = 7;
    LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in.bytes, .data_size_in = sizeof(in.bytes),
                .ctx_in = &ctx, .ctx_out = &ctx_out, .ctx_size_in = sizeof(ctx),
                .ctx_size_out = sizeof(ctx_out));
    REQUIRE(bpf_prog_test_run_opts(fd, &o) == 0);
    CHECK(o.retval == 0x1234);
    // The kernel gives back its own struct __sk_buff (184 bytes on 5.10, 192
    // from 5.16 on): its size comes from the kernel's BTF.
    VmlinuxBtf btf;
    REQUIRE(btf.ok());
    __u32 skb_id = btf.find("__sk_buff", kBtfKindStruct);
    REQUIRE(skb_id != 0);
    CHECK(btf.struct_size(skb_id) <= sizeof(__sk_buff));
    CHECK(o.ctx_size_out == btf.struct_size(skb_id));
    CHECK(ctx_out.mark == 0x1234);
    CHECK(ctx_out.priority == 7);

    SECTION("a context field the kernel does not take is EINVAL")
    {
        ctx.len = 1;
        errno = 0;
        CHECK(bpf_prog_test_run_opts(fd, &o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
}

TEST_CASE("test_run: data_out too small is ENOSPC, with the needed size reported")
{
    Fd fd = load(BPF_PROG_TYPE_XDP, xdp_mark_first_byte(0xab));
    REQUIRE(fd >= 3);
    Packet in;
    unsigned char out[16];
    std::memset(out, 0, sizeof(out));
    LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in.bytes, .data_out = out,
                .data_size_in = sizeof(in.bytes), .data_size_out = sizeof(out));
    errno = 0;
    CHECK(bpf_prog_test_run_opts(fd, &o) == -ENOSPC);
    CHECK(errno == ENOSPC);
    CHECK(o.data_size_out == sizeof(in.bytes)); // what a full copy needs
    CHECK(o.retval == XDP_PASS);                // the run itself happened
    CHECK(out[0] == 0xab);                      // and what fits was copied
    CHECK(std::memcmp(out + 1, in.bytes + 1, sizeof(out) - 1) == 0);
}

TEST_CASE("test_run: errors")
{
    Packet in;
    LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in.bytes, .data_size_in = sizeof(in.bytes));
    SECTION("an fd that is not open is EBADF")
    {
        errno = 0;
        CHECK(bpf_prog_test_run_opts(1 << 20, &o) == -EBADF);
        CHECK(errno == EBADF);
    }
    SECTION("an fd that is not a program is EINVAL")
    {
        Fd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
        REQUIRE(null >= 0);
        CHECK(bpf_prog_test_run_opts(null, &o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("a packet shorter than an Ethernet header is EINVAL")
    {
        Fd fd = load(BPF_PROG_TYPE_SOCKET_FILTER, return_imm(0));
        REQUIRE(fd >= 3);
        o.data_size_in = 10;
        CHECK(bpf_prog_test_run_opts(fd, &o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("opts with sz 1 is EINVAL, before the kernel is asked")
    {
        bpf_test_run_opts bad{};
        bad.sz = 1;
        bad.retval = 99;
        CHECK(bpf_prog_test_run_opts(1 << 20, &bad) == -EINVAL); // not EBADF
        CHECK(errno == EINVAL);
        CHECK(bad.retval == 99);
    }
    SECTION("opts with a non-zero byte past the known fields is EINVAL")
    {
        unsigned char big[96] = {};
        auto *bad = reinterpret_cast<bpf_test_run_opts *>(big);
        bad->sz = sizeof(big);
        big[90] = 1;
        CHECK(bpf_prog_test_run_opts(1 << 20, bad) == -EINVAL);
        CHECK(errno == EINVAL);
    }
}

TEST_CASE("test_run: a program type without test_run support is ENOTSUPP (524)")
{
    Fd fd = load(BPF_PROG_TYPE_TRACEPOINT, return_imm(0));
    REQUIRE(fd >= 3);
    errno = 0;
    // The kernel's internal ENOTSUPP, not ENOTSUP/EOPNOTSUPP (95), reaches user space.
    CHECK(bpf_prog_test_run_opts(fd, nullptr) == -kENOTSUPP);
    CHECK(errno == kENOTSUPP);
}
