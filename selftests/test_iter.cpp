// Iterators on the real kernel: BPF_TRACE_ITER links (bpf_map and
// bpf_map_elem targets, the latter with iter_info), bpf_iter_create, reading
// to EOF, bpf_link_update on an iterator link, and documented errors. The
// iterator programs are hand-assembled; their targets come from vmlinux BTF.
#include "harness/harness.hpp"
#include "kernel_helpers.hpp"
#include "kernel_refusal.hpp"
#include "link_btf.hpp"
#include "link_fixtures.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

// LIBBPF_OPTS leaves the fields it is not given to its memset.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace selftest;
using namespace selftest::links;

namespace {

// The iterator program's context is its target function's arguments:
// bpf_iter_bpf_map(meta, map) and bpf_iter_bpf_map_elem(meta, map, key, value).
constexpr __s16 kCtxMeta = 0, kCtxMap = 8, kCtxKey = 16, kCtxValue = 24;
constexpr __s16 kMetaSeq = 0; // struct bpf_iter_meta.seq

// For each map: writes {map->id, marker} (8 bytes) to the seq file.
Prog map_ids_prog(__s16 map_id_off, __s32 marker)
{
    return {
        ldx_mem(BPF_DW, BPF_REG_6, BPF_REG_1, kCtxMeta),
        ldx_mem(BPF_DW, BPF_REG_7, BPF_REG_1, kCtxMap),
        jeq_imm(BPF_REG_7, 0, 8), // the final call has no map
        ldx_mem(BPF_W, BPF_REG_2, BPF_REG_7, map_id_off),
        stx_mem(BPF_W, BPF_REG_10, BPF_REG_2, -8),
        st_mem(BPF_W, BPF_REG_10, -4, marker),
        ldx_mem(BPF_DW, BPF_REG_1, BPF_REG_6, kMetaSeq),
        mov64_reg(BPF_REG_2, BPF_REG_10),
        add64_imm(BPF_REG_2, -8),
        mov64_imm(BPF_REG_3, 8),
        call(kHelperSeqWrite),
        mov64_imm(BPF_REG_0, 0),
        exit_insn(),
    };
}

// For each element of a map with u32 keys and u64 values: writes
// {key, 0, value} (16 bytes).
Prog map_elems_prog()
{
    return {
        ldx_mem(BPF_DW, BPF_REG_6, BPF_REG_1, kCtxMeta),
        ldx_mem(BPF_DW, BPF_REG_7, BPF_REG_1, kCtxKey),
        ldx_mem(BPF_DW, BPF_REG_8, BPF_REG_1, kCtxValue),
        jeq_imm(BPF_REG_7, 0, 11),
        jeq_imm(BPF_REG_8, 0, 10),
        ldx_mem(BPF_W, BPF_REG_2, BPF_REG_7, 0),
        stx_mem(BPF_W, BPF_REG_10, BPF_REG_2, -16),
        st_mem(BPF_W, BPF_REG_10, -12, 0),
        ldx_mem(BPF_DW, BPF_REG_2, BPF_REG_8, 0),
        stx_mem(BPF_DW, BPF_REG_10, BPF_REG_2, -8),
        ldx_mem(BPF_DW, BPF_REG_1, BPF_REG_6, kMetaSeq),
        mov64_reg(BPF_REG_2, BPF_REG_10),
        add64_imm(BPF_REG_2, -16),
        mov64_imm(BPF_REG_3, 16),
        call(kHelperSeqWrite),
        mov64_imm(BPF_REG_0, 0),
        exit_insn(),
    };
}

struct Target {
    __u32 btf_id = 0;
    std::string why; // empty if found
};

Target find_target(const char *fn)
{
    VmlinuxBtf btf;
    Target t;
    // The iterator targets are known by their BTF (CONFIG_DEBUG_INFO_BTF);
    // bpf_map 5.8+, bpf_map_elem 5.9+.
    if (!btf.ok())
        t.why = "kernel without BTF (CONFIG_DEBUG_INFO_BTF): /sys/kernel/btf/vmlinux unreadable";
    else if (!(t.btf_id = btf.find(VmlinuxBtf::kFunc, fn)))
        t.why = std::string("kernel without the ") + fn + " iterator target: its BTF has no function " + fn;
    return t;
}

// Offset of bpf_map.id, or -1.
long map_id_offset()
{
    VmlinuxBtf btf;
    return btf.ok() ? btf.member_offset("bpf_map", "id") : -1;
}

int load_iter(const Prog &p, __u32 btf_id)
{
    std::string log;
    int fd = load_prog(BPF_PROG_TYPE_TRACING, p, BPF_TRACE_ITER, btf_id, &log);
    if (fd < 0)
        UNSCOPED_INFO("verifier: " << log);
    return fd;
}

// load_iter; when the load fails because of the host's policy (see
// kernel_refusal.hpp), *skip gets the reason.
int load_iter(const Prog &p, __u32 btf_id, const char *kind, std::string *skip)
{
    int fd = load_iter(p, btf_id);
    if (fd < 0) {
        int err = errno;
        ProgLoad l{BPF_PROG_TYPE_TRACING, p.data(), p.size(), BPF_TRACE_ITER, btf_id};
        *skip = host_policy_refusal(l, err, kind);
        errno = err;
    }
    return fd;
}

// Everything an iterator fd produces until EOF; *err gets a read error.
std::vector<unsigned char> read_all(int fd, int *err)
{
    std::vector<unsigned char> out;
    unsigned char buf[4096];
    *err = 0;
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof(buf));
        if (n < 0) {
            *err = errno;
            break;
        }
        if (n == 0)
            break;
        out.insert(out.end(), buf, buf + n);
    }
    return out;
}

// The map ids (with their markers) in a bpf_map iterator's output.
std::vector<std::pair<__u32, __u32>> records(const std::vector<unsigned char> &out)
{
    std::vector<std::pair<__u32, __u32>> r;
    for (size_t i = 0; i + 8 <= out.size(); i += 8) {
        __u32 v[2];
        std::memcpy(v, out.data() + i, 8);
        r.emplace_back(v[0], v[1]);
    }
    return r;
}

__u32 map_id(int fd)
{
    bpf_map_info info{};
    __u32 len = sizeof(info);
    return bpf_map_get_info_by_fd(fd, &info, &len) == 0 ? info.id : 0;
}

bool has_map(const std::vector<std::pair<__u32, __u32>> &r, __u32 id, __u32 marker)
{
    for (auto &e : r) {
        if (e.first == id && e.second == marker)
            return true;
    }
    return false;
}

// The iterator target name a link reports.
std::string target_name(int link_fd, LinkInfo &info)
{
    static char name[64];
    name[0] = 0;
    __u64 p = reinterpret_cast<uintptr_t>(name);
    __u32 len = sizeof(name);
    std::memcpy(info.raw + 16, &p, sizeof(p));
    std::memcpy(info.raw + 24, &len, sizeof(len));
    return link_info(link_fd, info) == 0 ? std::string(name) : std::string("<no info>");
}

} // namespace

TEST_CASE("iter: a bpf_map iterator lists every map, read to EOF, once per instance")
{
    Target t = find_target("bpf_iter_bpf_map");
    if (!t.why.empty())
        SKIP_TEST(t.why);
    long id_off = map_id_offset();
    REQUIRE(id_off > 0);
    Fd m1(u64_array(1)), m2(u64_array(2));
    REQUIRE(m1 >= 3);
    REQUIRE(m2 >= 3);
    Fd prog(load_iter(map_ids_prog(static_cast<__s16>(id_off), 0x11), t.btf_id));
    REQUIRE(prog >= 3);
    int fds = open_fd_count();

    errno = 0;
    Fd link(bpf_link_create(prog, 0, BPF_TRACE_ITER, nullptr));
    REQUIRE(link >= 3);
    CHECK(cloexec(link));
    LinkInfo info;
    CHECK(target_name(link, info) == "bpf_map");
    CHECK(info.type() == kLinkIter);
    CHECK(info.prog_id() == prog_id(prog));

    for (int instance = 0; instance < 2; instance++) {
        Fd iter(bpf_iter_create(link));
        REQUIRE(iter >= 3);
        CHECK(errno == 0);
        CHECK(cloexec(iter));
        int err;
        auto out = read_all(iter, &err);
        CHECK(err == 0);
        CHECK(out.size() % 8 == 0);
        auto r = records(out);
        CHECK(has_map(r, map_id(m1), 0x11));
        CHECK(has_map(r, map_id(m2), 0x11));
        // At EOF, reads keep returning 0.
        char c;
        CHECK(::read(iter, &c, 1) == 0);
    }
    link.reset();
    CHECK(open_fd_count() == fds);
}

TEST_CASE("iter: a bpf_map_elem iterator walks the map named in iter_info")
{
    Target t = find_target("bpf_iter_bpf_map_elem");
    if (!t.why.empty())
        SKIP_TEST(t.why);
    Fd map(u64_array(4));
    REQUIRE(map >= 3);
    for (__u32 k = 0; k < 4; k++) {
        __u64 v = k * 100 + 7;
        REQUIRE(bpf_map_update_elem(map, &k, &v, BPF_ANY) == 0);
    }
    std::string skip;
    Fd prog(load_iter(map_elems_prog(), t.btf_id, "bpf_map_elem iterator", &skip));
    if (prog < 0 && !skip.empty())
        SKIP_TEST(skip);
    REQUIRE(prog >= 3);

    bpf_iter_link_info li{};
    li.map.map_fd = static_cast<__u32>(map.get());
    LIBBPF_OPTS(bpf_link_create_opts, o, .iter_info = &li, .iter_info_len = sizeof(li));
    Fd link(bpf_link_create(prog, 0, BPF_TRACE_ITER, &o));
    REQUIRE(link >= 3);
    LinkInfo info;
    CHECK(target_name(link, info) == "bpf_map_elem");
    CHECK(info.u32_at(28) == map_id(map)); // iter.map.map_id

    Fd iter(bpf_iter_create(link));
    REQUIRE(iter >= 3);
    int err;
    auto out = read_all(iter, &err);
    CHECK(err == 0);
    REQUIRE(out.size() == 4 * 16);
    for (__u32 k = 0; k < 4; k++) {
        __u32 key;
        __u64 value;
        std::memcpy(&key, out.data() + 16 * k, 4);
        std::memcpy(&value, out.data() + 16 * k + 8, 8);
        CHECK(key == k);
        CHECK(value == k * 100 + 7);
    }
}

TEST_CASE("link_update: new iterator instances run the new program")
{
    Target t = find_target("bpf_iter_bpf_map");
    if (!t.why.empty())
        SKIP_TEST(t.why);
    long id_off = map_id_offset();
    REQUIRE(id_off > 0);
    Fd map(u64_array(1));
    Fd first(load_iter(map_ids_prog(static_cast<__s16>(id_off), 1), t.btf_id));
    Fd second(load_iter(map_ids_prog(static_cast<__s16>(id_off), 2), t.btf_id));
    REQUIRE(first >= 3);
    REQUIRE(second >= 3);
    Fd link(bpf_link_create(first, 0, BPF_TRACE_ITER, nullptr));
    REQUIRE(link >= 3);

    errno = 0;
    REQUIRE(bpf_link_update(link, second, nullptr) == 0);
    CHECK(errno == 0);
    LinkInfo info;
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.prog_id() == prog_id(second));
    Fd iter(bpf_iter_create(link));
    REQUIRE(iter >= 3);
    int err;
    auto r = records(read_all(iter, &err));
    CHECK(err == 0);
    CHECK(has_map(r, map_id(map), 2));
    CHECK_FALSE(has_map(r, map_id(map), 1));

    // BPF_F_REPLACE names the program the link must hold.
    LIBBPF_OPTS(bpf_link_update_opts, wrong, .flags = BPF_F_REPLACE, .old_prog_fd = (__u32)first.get());
    CHECK(bpf_link_update(link, first, &wrong) == -EPERM);
    CHECK(errno == EPERM);
    LIBBPF_OPTS(bpf_link_update_opts, right, .flags = BPF_F_REPLACE, .old_prog_fd = (__u32)second.get());
    CHECK(bpf_link_update(link, first, &right) == 0);
}

// Errors of every iterator, shown with the bpf_map iterator (the host's
// policy refuses iterators that take a map, see below).
TEST_CASE("iter: documented errors of any iterator")
{
    Target t = find_target("bpf_iter_bpf_map");
    if (!t.why.empty())
        SKIP_TEST(t.why);
    long id_off = map_id_offset();
    REQUIRE(id_off > 0);
    Fd prog(load_iter(map_ids_prog(static_cast<__s16>(id_off), 0), t.btf_id));
    REQUIRE(prog >= 3);
    int fds = open_fd_count();
    bpf_iter_link_info li{};
    SECTION("EINVAL for an iter_info pointer without a length")
    {
        Fd map(u64_array(1));
        li.map.map_fd = static_cast<__u32>(map.get());
        LIBBPF_OPTS(bpf_link_create_opts, o, .iter_info = &li);
        errno = 0;
        CHECK(no_leak(bpf_link_create(prog, 0, BPF_TRACE_ITER, &o)) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EINVAL for iter_info_len together with target_btf_id, before the kernel")
    {
        LIBBPF_OPTS(bpf_link_create_opts, o, .iter_info = &li, .iter_info_len = sizeof(li),
                    .target_btf_id = 1);
        CHECK(no_leak(bpf_link_create(prog, 0, BPF_TRACE_ITER, &o)) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EINVAL for BPF_TRACE_ITER with a program that is not an iterator")
    {
        Fd xdp(load_prog(BPF_PROG_TYPE_XDP, return_imm(XDP_PASS)));
        CHECK(no_leak(bpf_link_create(xdp, 0, BPF_TRACE_ITER, nullptr)) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    CHECK(open_fd_count() == fds);
}

TEST_CASE("iter: documented errors of the bpf_map_elem iterator")
{
    Target t = find_target("bpf_iter_bpf_map_elem");
    if (!t.why.empty())
        SKIP_TEST(t.why);
    std::string skip;
    Fd prog(load_iter(map_elems_prog(), t.btf_id, "bpf_map_elem iterator", &skip));
    if (prog < 0 && !skip.empty())
        SKIP_TEST(skip);
    REQUIRE(prog >= 3);
    int fds = open_fd_count();
    bpf_iter_link_info li{};
    SECTION("EBADF for bpf_map_elem without a map")
    {
        errno = 0;
        CHECK(no_leak(bpf_link_create(prog, 0, BPF_TRACE_ITER, nullptr)) == -EBADF);
        CHECK(errno == EBADF);
    }
    SECTION("EBADF for a map fd in iter_info that is not open")
    {
        li.map.map_fd = static_cast<__u32>(closed_fd());
        LIBBPF_OPTS(bpf_link_create_opts, o, .iter_info = &li, .iter_info_len = sizeof(li));
        CHECK(no_leak(bpf_link_create(prog, 0, BPF_TRACE_ITER, &o)) == -EBADF);
        CHECK(errno == EBADF);
    }
    SECTION("EACCES for a map whose values are smaller than the program reads")
    {
        Fd small(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr));
        li.map.map_fd = static_cast<__u32>(small.get());
        LIBBPF_OPTS(bpf_link_create_opts, o, .iter_info = &li, .iter_info_len = sizeof(li));
        CHECK(no_leak(bpf_link_create(prog, 0, BPF_TRACE_ITER, &o)) == -EACCES);
        CHECK(errno == EACCES);
    }
    CHECK(open_fd_count() == fds);
}

TEST_CASE("iter_create / link_detach: documented errors")
{
    Fd map(u64_array(1));
    REQUIRE(map >= 3);
    Fd rtp(load_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, return_imm(0)));
    REQUIRE(rtp >= 3);
    Fd raw_link(bpf_raw_tracepoint_open("sys_enter", rtp));
    REQUIRE(raw_link >= 3);
    int fds = open_fd_count();

    errno = 0;
    CHECK(no_leak(bpf_iter_create(closed_fd())) == -EBADF);
    CHECK(errno == EBADF);
    CHECK(no_leak(bpf_iter_create(map)) == -EINVAL); // not a link
    CHECK(errno == EINVAL);
    CHECK(no_leak(bpf_iter_create(raw_link)) == -EINVAL); // not an iterator link
    CHECK(errno == EINVAL);

    // Iterator links have no hook to leave.
    Target t = find_target("bpf_iter_bpf_map");
    long id_off = map_id_offset();
    if (t.why.empty() && id_off > 0) {
        Fd prog(load_iter(map_ids_prog(static_cast<__s16>(id_off), 0), t.btf_id));
        REQUIRE(prog >= 3);
        Fd link(bpf_link_create(prog, 0, BPF_TRACE_ITER, nullptr));
        REQUIRE(link >= 3);
        CHECK(bpf_link_detach(link) == -EOPNOTSUPP);
        CHECK(errno == EOPNOTSUPP);
    }
    CHECK(open_fd_count() == fds);
}
