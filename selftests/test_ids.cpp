// Walking object ids and opening objects by id on the real kernel.
#include "harness/harness.hpp"
#include "kernel_refusal.hpp"
#include "kernel_helpers.hpp"
#include "obj_attach_fixtures.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <climits>
#include <vector>

using namespace selftest;

namespace {
using NextIdFn = int (*)(__u32, __u32 *);
using ByIdOptsFn = int (*)(__u32, const struct bpf_get_fd_by_id_opts *);

struct Kind {
    const char *name;
    NextIdFn next;
    int (*by_id)(__u32);
    ByIdOptsFn by_id_opts;
};
const Kind kinds[] = {
    {"prog", bpf_prog_get_next_id, bpf_prog_get_fd_by_id, bpf_prog_get_fd_by_id_opts},
    {"map", bpf_map_get_next_id, bpf_map_get_fd_by_id, bpf_map_get_fd_by_id_opts},
    {"btf", bpf_btf_get_next_id, bpf_btf_get_fd_by_id, bpf_btf_get_fd_by_id_opts},
    {"link", bpf_link_get_next_id, bpf_link_get_fd_by_id, bpf_link_get_fd_by_id_opts},
};

// Every id from the start, checking they ascend; ends on ENOENT.
std::vector<__u32> walk(NextIdFn next)
{
    std::vector<__u32> ids;
    __u32 id = 0;
    int r;
    while ((r = next(id, &id)) == 0) {
        if (!ids.empty() && id <= ids.back())
            break;
        ids.push_back(id);
    }
    CHECK(r == -ENOENT);
    CHECK(errno == ENOENT);
    return ids;
}

bool contains(const std::vector<__u32> &v, __u32 x)
{
    for (__u32 e : v)
        if (e == x)
            return true;
    return false;
}
} // namespace

TEST_CASE("prog ids: the walk finds our program; get_fd_by_id opens it")
{
    Fd prog = load_cgroup_skb("st_ids_prog");
    REQUIRE(prog >= 3);
    const __u32 id = prog_id(prog);
    REQUIRE(id != 0);
    errno = 1234;
    __u32 next = 0;
    REQUIRE(bpf_prog_get_next_id(id - 1, &next) == 0);
    CHECK(next == id);
    CHECK(errno == 1234);
    CHECK(contains(walk(bpf_prog_get_next_id), id));

    Fd byid(bpf_prog_get_fd_by_id(id));
    REQUIRE(byid >= 3);
    CHECK(cloexec(byid));
    CHECK(prog_id(byid) == id);
    LIBBPF_OPTS(bpf_get_fd_by_id_opts, o);
    Fd byopts(bpf_prog_get_fd_by_id_opts(id, &o));
    REQUIRE(byopts >= 3);
    CHECK(prog_id(byopts) == id);

    // programs take no open flags
    LIBBPF_OPTS(bpf_get_fd_by_id_opts, ro, .open_flags = BPF_F_RDONLY);
    CHECK(bpf_prog_get_fd_by_id_opts(id, &ro) == -EINVAL);
    CHECK(errno == EINVAL);
}

TEST_CASE("map ids: the walk finds our map; BPF_F_RDONLY / BPF_F_WRONLY fds by id")
{
    Fd map(bpf_map_create(BPF_MAP_TYPE_ARRAY, "st_ids_map", 4, 8, 2, nullptr));
    REQUIRE(map >= 3);
    const __u32 id = map_id(map);
    REQUIRE(id != 0);
    CHECK(contains(walk(bpf_map_get_next_id), id));

    Fd byid(bpf_map_get_fd_by_id(id));
    REQUIRE(byid >= 3);
    CHECK(cloexec(byid));
    CHECK(map_id(byid) == id);
    __u32 k = 1;
    __u64 v = 42, got = 0;
    REQUIRE(bpf_map_update_elem(byid, &k, &v, BPF_ANY) == 0);

    LIBBPF_OPTS(bpf_get_fd_by_id_opts, ro, .open_flags = BPF_F_RDONLY);
    Fd rd(bpf_map_get_fd_by_id_opts(id, &ro));
    REQUIRE(rd >= 3);
    CHECK(bpf_map_lookup_elem(rd, &k, &got) == 0);
    CHECK(got == 42);
    CHECK(bpf_map_update_elem(rd, &k, &v, BPF_ANY) == -EPERM);
    CHECK(errno == EPERM);

    LIBBPF_OPTS(bpf_get_fd_by_id_opts, wo, .open_flags = BPF_F_WRONLY);
    Fd wr(bpf_map_get_fd_by_id_opts(id, &wo));
    REQUIRE(wr >= 3);
    CHECK(bpf_map_update_elem(wr, &k, &v, BPF_ANY) == 0);
    CHECK(bpf_map_lookup_elem(wr, &k, &got) == -EPERM);
    CHECK(errno == EPERM);

    LIBBPF_OPTS(bpf_get_fd_by_id_opts, bad, .open_flags = 1u << 20);
    CHECK(bpf_map_get_fd_by_id_opts(id, &bad) == -EINVAL);
    CHECK(errno == EINVAL);
    // BPF_F_TOKEN_FD is a BTF-only open flag
    LIBBPF_OPTS(bpf_get_fd_by_id_opts, tok, .open_flags = kFlagTokenFd, .token_fd = 0);
    CHECK(bpf_map_get_fd_by_id_opts(id, &tok) == -EINVAL);
}

TEST_CASE("btf ids: the walk finds our BTF object; get_fd_by_id opens it")
{
    Fd btf(raw_btf_load_int()); // BPF_BTF_LOAD: every kernel the selftests run on (4.18+)
    INFO("BTF load: " << errstr(-btf.get()));
    REQUIRE(btf >= 3);
    const __u32 id = btf_id(btf);
    REQUIRE(id != 0);
    CHECK(contains(walk(bpf_btf_get_next_id), id));

    Fd byid(bpf_btf_get_fd_by_id(id));
    REQUIRE(byid >= 3);
    CHECK(cloexec(byid));
    CHECK(btf_id(byid) == id);

    LIBBPF_OPTS(bpf_get_fd_by_id_opts, none);
    Fd byopts(bpf_btf_get_fd_by_id_opts(id, &none));
    REQUIRE(byopts >= 3);
    CHECK(btf_id(byopts) == id);

    LIBBPF_OPTS(bpf_get_fd_by_id_opts, ro, .open_flags = BPF_F_RDONLY);
    CHECK(bpf_btf_get_fd_by_id_opts(id, &ro) == -EINVAL);
    CHECK(errno == EINVAL);
}

TEST_CASE("btf ids: get_fd_by_id_opts with token_fd (6.15+)")
{
    Fd btf(raw_btf_load_int()); // BPF_BTF_LOAD: every kernel the selftests run on (4.18+)
    INFO("BTF load: " << errstr(-btf.get()));
    REQUIRE(btf >= 3);
    const __u32 id = btf_id(btf);
    REQUIRE(id != 0);
    // token_fd is only looked at with BPF_F_TOKEN_FD; kernels before BPF
    // token support for BPF_BTF_GET_FD_BY_ID (6.15) refuse the non-zero
    // field itself.
    LIBBPF_OPTS(bpf_get_fd_by_id_opts, ignored, .token_fd = 100000);
    int r = bpf_btf_get_fd_by_id_opts(id, &ignored);
    Fd byopts(r);
    if (r == -EINVAL) {
        RawAttr raw;
        raw.u32(0, id).u32(12, 100000); // btf_id, fd_by_id_token_fd
        // The field came with BTF_GET_FD_BY_ID's BPF_F_TOKEN_FD (6.15), the
        // flags' enum had BPF_F_TOKEN_FD since 6.9: no BTF evidence to ask.
        SKIP_IF_REFUSED(raw_refused_same("kernel without fd_by_id_token_fd for BTF_GET_FD_BY_ID (6.15+)", -r,
                                         raw_bpf_err(BPF_BTF_GET_FD_BY_ID, raw), "BPF_BTF_GET_FD_BY_ID"));
    }
    REQUIRE(byopts >= 3);
    CHECK(btf_id(byopts) == id);

    LIBBPF_OPTS(bpf_get_fd_by_id_opts, badtok, .open_flags = kFlagTokenFd, .token_fd = 100000);
    CHECK(bpf_btf_get_fd_by_id_opts(id, &badtok) == -EBADF);
    CHECK(errno == EBADF);
}

TEST_CASE("link ids: the walk finds our cgroup link; get_fd_by_id opens it")
{
    Cgroup cg;
    if (!cg.ok()) {
        SKIP_IF_REFUSED(cgroup2_refusal(cg.error()));
        FAIL("no cgroup v2 directory: " << errstr(cg.error()));
    }
    Fd prog = load_cgroup_skb("st_ids_link");
    REQUIRE(prog >= 3);
    Fd link(raw_cgroup_link(prog, cg.fd(), BPF_CGROUP_INET_EGRESS));
    INFO("cgroup link: " << errstr(-link.get())); // 5.7+: every kernel the selftests run on
    REQUIRE(link >= 3);
    const __u32 id = link_id(link);
    REQUIRE(id != 0);
    CHECK(contains(walk(bpf_link_get_next_id), id));

    Fd byid(bpf_link_get_fd_by_id(id));
    REQUIRE(byid >= 3);
    CHECK(cloexec(byid));
    bpf_link_info info{};
    __u32 len = sizeof(info);
    REQUIRE(bpf_link_get_info_by_fd(byid, &info, &len) == 0);
    CHECK(info.id == id);
    CHECK(info.prog_id == prog_id(prog));
    CHECK(info.type == BPF_LINK_TYPE_CGROUP);

    LIBBPF_OPTS(bpf_get_fd_by_id_opts, o);
    Fd byopts(bpf_link_get_fd_by_id_opts(id, &o));
    CHECK(link_id(byopts) == id);
    LIBBPF_OPTS(bpf_get_fd_by_id_opts, ro, .open_flags = BPF_F_RDONLY);
    CHECK(bpf_link_get_fd_by_id_opts(id, &ro) == -EINVAL);
    CHECK(errno == EINVAL);
}

TEST_CASE("ids: ENOENT past the last id and for unknown ids, EINVAL from INT_MAX on")
{
    int fds_before = open_fd_count();
    for (const Kind &k : kinds) {
        INFO(k.name);
        __u32 next = 777;
        errno = 0;
        CHECK(k.next(INT_MAX - 1, &next) == -ENOENT);
        CHECK(errno == ENOENT);
        CHECK(next == 777); // left alone on failure
        CHECK(k.next(INT_MAX, &next) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK(k.next(UINT_MAX, &next) == -EINVAL);
        CHECK(next == 777);

        CHECK(k.by_id(0) == -ENOENT);
        CHECK(errno == ENOENT);
        CHECK(k.by_id(INT_MAX - 1) == -ENOENT);
        CHECK(errno == ENOENT);
        CHECK(k.by_id_opts(INT_MAX - 1, nullptr) == -ENOENT);

        // bad opts: EINVAL before the kernel is asked (which would say ENOENT)
        struct bpf_get_fd_by_id_opts o{};
        o.sz = 1;
        CHECK(k.by_id_opts(INT_MAX - 1, &o) == -EINVAL);
        CHECK(errno == EINVAL);
        unsigned char big[24] = {};
        auto *g = reinterpret_cast<struct bpf_get_fd_by_id_opts *>(big);
        g->sz = sizeof(big);
        big[20] = 1;
        CHECK(k.by_id_opts(INT_MAX - 1, g) == -EINVAL);
        big[20] = 0;
        CHECK(k.by_id_opts(INT_MAX - 1, g) == -ENOENT);
    }
    CHECK(open_fd_count() == fds_before);
}
