// bpf_prog_bind_map on the real kernel: a bound map shows in the program's
// map ids and lives as long as the program.
#include "harness/harness.hpp"
#include "kernel_helpers.hpp"
#include "misc_fixtures.hpp"

#include <bpf/bpf.h>

#include <algorithm>
#include <cerrno>
#include <vector>

using namespace selftest;
using namespace selftest::misc;

namespace {

std::vector<__u32> map_ids_of(int prog_fd)
{
    bpf_prog_info info{};
    std::vector<__u32> ids;
    if (prog_info(prog_fd, info, &ids) != 0)
        ids.assign(1, 0xffffffff);
    return ids;
}

__u32 map_id(int map_fd)
{
    bpf_map_info info{};
    __u32 len = sizeof(info);
    return bpf_map_get_info_by_fd(map_fd, &info, &len) == 0 ? info.id : 0;
}

int new_prog() { return load_prog(BPF_PROG_TYPE_SOCKET_FILTER, "st_bind", return_imm(0)); }
int new_map() { return bpf_map_create(BPF_MAP_TYPE_ARRAY, "st_bound", 4, 8, 1, nullptr); }

} // namespace

TEST_CASE("prog_bind_map: the map joins the program's map ids and outlives its own fd")
{
    Fd prog(new_prog());
    REQUIRE(prog >= 3);
    Fd map(new_map());
    REQUIRE(map >= 3);
    __u32 id = map_id(map);
    REQUIRE(id != 0);
    CHECK(map_ids_of(prog).empty());

    errno = 4321;
    REQUIRE(bpf_prog_bind_map(prog, map, nullptr) == 0);
    CHECK(errno == 4321);
    CHECK(map_ids_of(prog) == std::vector<__u32>{id});

    // The program holds the map now: closing the map's only fd keeps it.
    map.reset();
    CHECK(map_ids_of(prog) == std::vector<__u32>{id});
}

TEST_CASE("prog_bind_map: zero flags through opts; a second map; binding again is a no-op")
{
    Fd prog(new_prog());
    REQUIRE(prog >= 3);
    Fd m1(new_map()), m2(new_map());
    REQUIRE(m1 >= 3);
    REQUIRE(m2 >= 3);
    LIBBPF_OPTS(bpf_prog_bind_opts, o, .flags = 0);
    REQUIRE(bpf_prog_bind_map(prog, m1, &o) == 0);
    REQUIRE(bpf_prog_bind_map(prog, m2, &o) == 0);
    CHECK(bpf_prog_bind_map(prog, m1, nullptr) == 0);
    auto ids = map_ids_of(prog);
    std::sort(ids.begin(), ids.end());
    auto want = std::vector<__u32>{map_id(m1), map_id(m2)};
    std::sort(want.begin(), want.end());
    CHECK(ids == want);
}

TEST_CASE("prog_bind_map: errors")
{
    Fd prog(new_prog());
    REQUIRE(prog >= 3);
    Fd map(new_map());
    REQUIRE(map >= 3);
    SECTION("EINVAL for non-zero flags")
    {
        LIBBPF_OPTS(bpf_prog_bind_opts, o, .flags = 1);
        errno = 0;
        CHECK(bpf_prog_bind_map(prog, map, &o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EBADF for a program fd that is not open")
    {
        errno = 0;
        CHECK(bpf_prog_bind_map(100000, map, nullptr) == -EBADF);
        CHECK(errno == EBADF);
    }
    SECTION("EBADF for a map fd that is not open")
    {
        errno = 0;
        CHECK(bpf_prog_bind_map(prog, 100000, nullptr) == -EBADF);
        CHECK(errno == EBADF);
    }
    SECTION("EINVAL for the fds swapped (a map where the program goes)")
    {
        errno = 0;
        CHECK(bpf_prog_bind_map(map, prog, nullptr) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EINVAL for opts with sz below sizeof(size_t), before the kernel is asked")
    {
        bpf_prog_bind_opts o{};
        o.sz = sizeof(size_t) - 1;
        errno = 0;
        CHECK(bpf_prog_bind_map(100000, map, &o) == -EINVAL); // the kernel would say EBADF
        CHECK(errno == EINVAL);
    }
    CHECK(map_ids_of(prog).empty());
}
