// What the library sends on its own account: the feature probes' programs,
// decoded from the bytes the kernel receives, and the limit its
// RLIMIT_MEMLOCK raise asks for.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "kernel/attr.hpp"

#include <bpf/bpf.h>

#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <sys/resource.h>
#include <vector>

using namespace sysbpf_test;

namespace {

// One instruction as the kernel of this target reads it. Written out from
// the uapi's bitfield order rather than through the library's struct: on a
// little-endian target dst_reg is the low nibble of byte 1, on a big-endian
// one the high nibble; off and imm are in the target's byte order.
struct Decoded {
    unsigned code, dst, src;
    long off, imm;
};

long from_bytes(const unsigned char *b, int n, bool is_signed)
{
    std::uint32_t v = 0;
    for (int i = 0; i < n; i++) {
        const int at = std::endian::native == std::endian::little ? n - 1 - i : i;
        v = v << 8 | b[at];
    }
    if (is_signed && (v >> (8 * n - 1)) & 1)
        return static_cast<long>(v) - (n == 4 ? 0x100000000L : 1L << (8 * n));
    return static_cast<long>(v);
}

Decoded decode(const unsigned char *b)
{
    Decoded d{};
    d.code = b[0];
    if constexpr (std::endian::native == std::endian::little) {
        d.dst = b[1] & 0xf;
        d.src = b[1] >> 4;
    } else {
        d.dst = b[1] >> 4;
        d.src = b[1] & 0xf;
    }
    d.off = from_bytes(b + 2, 2, true);
    d.imm = from_bytes(b + 4, 4, true);
    return d;
}

// A program load as the fake kernel saw it, read while the call is in
// flight (the instructions live on the library's stack).
struct SeenLoad {
    std::vector<unsigned char> insns;
    std::string license;
    unsigned prog_type = 0;
};

FakeKernel::Answer record_load(SeenLoad *seen, long result)
{
    return [seen, result](int cmd, void *attr, unsigned size) {
        REQUIRE(cmd == BPF_PROG_LOAD);
        sysbpf::kernel::ProgLoadAttr a{};
        std::memcpy(&a, attr, std::min<size_t>(size, sizeof(a)));
        seen->prog_type = a.prog_type;
        const auto *p = reinterpret_cast<const unsigned char *>(static_cast<std::uintptr_t>(a.insns));
        seen->insns.assign(p, p + 8 * size_t{a.insn_cnt});
        seen->license = reinterpret_cast<const char *>(static_cast<std::uintptr_t>(a.license));
        return result;
    };
}

void check_insn(const std::vector<unsigned char> &insns, size_t i, Decoded want)
{
    INFO("insn " << i);
    REQUIRE(insns.size() >= 8 * (i + 1));
    const Decoded d = decode(insns.data() + 8 * i);
    CHECK(d.code == want.code);
    CHECK(d.dst == want.dst);
    CHECK(d.src == want.src);
    CHECK(d.off == want.off);
    CHECK(d.imm == want.imm);
}

// setrlimit() as the library reaches it, interposed for this test binary:
// while `g_asking` is set, records what is asked and answers `g_answer`;
// otherwise passes the call on.
bool g_asking = false;
int g_answer = 0;
std::vector<rlimit> g_asked;

struct AskRecorder {
    explicit AskRecorder(int answer)
    {
        g_asked.clear();
        g_answer = answer;
        g_asking = true;
    }
    ~AskRecorder() { g_asking = false; }
};

} // namespace

extern "C" int setrlimit(__rlimit_resource_t resource, const struct rlimit *r) noexcept
{
    if (!g_asking || resource != RLIMIT_MEMLOCK)
        return ::prlimit(0, static_cast<__rlimit_resource>(resource), r, nullptr);
    g_asked.push_back(*r);
    if (g_answer) {
        errno = g_answer;
        return -1;
    }
    return 0;
}

TEST_CASE("probes: the decoder tells the two byte orders apart")
{
    // "call #160" laid out for each byte order; only the native one decodes.
    const unsigned char le[8] = {0x85, 0x21, 0xfd, 0xff, 160, 0, 0, 0};
    const unsigned char be[8] = {0x85, 0x12, 0xff, 0xfd, 0, 0, 0, 160};
    const bool little = std::endian::native == std::endian::little;
    const Decoded n = decode(little ? le : be);
    CHECK(n.code == 0x85);
    CHECK(n.dst == 1);
    CHECK(n.src == 2);
    CHECK(n.off == -3);
    CHECK(n.imm == 160);
    const Decoded f = decode(little ? be : le);
    CHECK(f.dst == 2);
    CHECK(f.src == 1);
    CHECK(f.off != -3);
    CHECK(f.imm != 160);
}

TEST_CASE("probes: the library's instruction layout is the kernel's for this target")
{
    const sysbpf::kernel::Insn insn{0xbf, 1, 2, -3, 70000};
    unsigned char b[8];
    std::memcpy(b, &insn, 8);
    const Decoded d = decode(b);
    CHECK(d.code == 0xbf);
    CHECK(d.dst == 1);
    CHECK(d.src == 2);
    CHECK(d.off == -3);
    CHECK(d.imm == 70000);
}

TEST_CASE("probes: the memcg probe sends 'call bpf_ktime_get_coarse_ns; exit'")
{
    FakeKernel k;
    SeenLoad seen;
    k.then_return(-EPERM);                 // the create
    k.then(record_load(&seen, -EINVAL));   // memcg probe: helper unknown
    AskRecorder asks(EPERM);               // the raise is refused: no retry
    CHECK(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr) == -EPERM);
    CHECK(k.calls.size() == 2);
    CHECK(g_asked.size() == 1);
    CHECK(seen.prog_type == BPF_PROG_TYPE_SOCKET_FILTER);
    CHECK(seen.license == "GPL");
    REQUIRE(seen.insns.size() == 16);
    check_insn(seen.insns, 0, {0x85, 0, 0, 0, 160}); // BPF_JMP|BPF_CALL, helper 160
    check_insn(seen.insns, 1, {0x95, 0, 0, 0, 0});   // BPF_JMP|BPF_EXIT
}

TEST_CASE("probes: the name probe sends 'r0 = 0; exit'")
{
    FakeKernel k;
    SeenLoad seen;
    const sysbpf::kernel::Insn prog[] = {{0xb7, 0, 0, 0, 0}, {0x95, 0, 0, 0, 0}};
    k.then_return(-E2BIG);               // the named load
    k.then(record_load(&seen, -E2BIG));  // name probe: names refused
    k.then_return(7);                    // the load again, without the name
    CHECK(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "named", "GPL",
                        reinterpret_cast<const bpf_insn *>(prog), 2, nullptr) == 7);
    REQUIRE(seen.insns.size() == 16);
    check_insn(seen.insns, 0, {0xb7, 0, 0, 0, 0}); // BPF_ALU64|BPF_MOV|BPF_K r0 = 0
    check_insn(seen.insns, 1, {0x95, 0, 0, 0, 0});
}

namespace {

// A create on a kernel that charges RLIMIT_MEMLOCK: EPERM, the memcg probe
// fails, the raise is asked for, the retry succeeds.
void create_after_raise(FakeKernel &k)
{
    k.then_return(-EPERM);  // the create
    k.then_return(-EINVAL); // memcg probe
    k.then_return(5);       // the retry
    CHECK(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr) == 5);
}

} // namespace

TEST_CASE("memlock: by default the raise asks for RLIM_INFINITY, soft and hard")
{
    FakeKernel k;
    AskRecorder asks(0);
    create_after_raise(k);
    REQUIRE(g_asked.size() == 1);
    CHECK(g_asked[0].rlim_cur == RLIM_INFINITY);
    CHECK(g_asked[0].rlim_max == RLIM_INFINITY);
}

TEST_CASE("memlock: the raise asks for the limit set, as rlim_t")
{
    FakeKernel k;
    AskRecorder asks(0);
    SECTION("1 MiB")
    {
        REQUIRE(libbpf_set_memlock_rlim(1 << 20) == 0);
        create_after_raise(k);
        REQUIRE(g_asked.size() == 1);
        CHECK(g_asked[0].rlim_cur == rlim_t{1} << 20);
        CHECK(g_asked[0].rlim_max == rlim_t{1} << 20);
    }
    SECTION("SIZE_MAX is a number of bytes, not 'unlimited', where size_t is narrower than rlim_t")
    {
        REQUIRE(libbpf_set_memlock_rlim(SIZE_MAX) == 0);
        create_after_raise(k);
        REQUIRE(g_asked.size() == 1);
        CHECK(g_asked[0].rlim_cur == static_cast<rlim_t>(SIZE_MAX));
        CHECK(g_asked[0].rlim_max == static_cast<rlim_t>(SIZE_MAX));
        if (sizeof(size_t) < sizeof(rlim_t))
            CHECK(g_asked[0].rlim_cur != RLIM_INFINITY);
    }
    SECTION("0: no raise is asked for, the EPERM stands")
    {
        REQUIRE(libbpf_set_memlock_rlim(0) == 0);
        k.then_return(-EPERM);
        k.then_return(-EINVAL);
        CHECK(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr) == -EPERM);
        CHECK(g_asked.empty());
    }
}
