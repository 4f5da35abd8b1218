// Errors from missing capabilities: the effective set is lowered around one
// call, the way a daemon running with CAP_BPF but not CAP_SYS_ADMIN sees it.
#include "btf_fixtures.hpp"
#include "errors_fixtures.hpp"
#include "harness/harness.hpp"
#include "kernel_refusal.hpp"

#include <linux/capability.h>

using namespace selftest;

TEST_CASE("ids: without CAP_SYS_ADMIN every *_get_next_id gives EPERM")
{
    Fd map(bpf_map_create(BPF_MAP_TYPE_ARRAY, "st_errors", 4, 4, 1, nullptr));
    REQUIRE(map >= 3);
    __u32 next = 0;
    REQUIRE(bpf_map_get_next_id(0, &next) == 0); // with the capability it works
    WithoutCaps guard({CAP_SYS_ADMIN});
    REQUIRE(guard.ok());
    CHECK(bpf_prog_get_next_id(0, &next) == -EPERM);
    CHECK(bpf_map_get_next_id(0, &next) == -EPERM);
    CHECK(bpf_btf_get_next_id(0, &next) == -EPERM);
    CHECK(bpf_link_get_next_id(0, &next) == -EPERM);
    CHECK(errno == EPERM);
}

TEST_CASE("ids: without CAP_SYS_ADMIN every *_get_fd_by_id[_opts] gives EPERM, even for an existing id")
{
    Fd map(bpf_map_create(BPF_MAP_TYPE_ARRAY, "st_errors", 4, 4, 1, nullptr));
    REQUIRE(map >= 3);
    bpf_map_info info{};
    __u32 len = sizeof(info);
    REQUIRE(bpf_map_get_info_by_fd(map, &info, &len) == 0);
    LIBBPF_OPTS(bpf_get_fd_by_id_opts, o, .open_flags = 0);
    WithoutCaps guard({CAP_SYS_ADMIN});
    REQUIRE(guard.ok());
    CHECK(bpf_map_get_fd_by_id(info.id) == -EPERM);
    CHECK(bpf_map_get_fd_by_id_opts(info.id, &o) == -EPERM);
    CHECK(bpf_prog_get_fd_by_id(1) == -EPERM);
    CHECK(bpf_prog_get_fd_by_id_opts(1, &o) == -EPERM);
    CHECK(bpf_btf_get_fd_by_id(1) == -EPERM);
    CHECK(bpf_btf_get_fd_by_id_opts(1, &o) == -EPERM);
    CHECK(bpf_link_get_fd_by_id(1) == -EPERM);
    CHECK(bpf_link_get_fd_by_id_opts(1, &o) == -EPERM);
    CHECK(errno == EPERM);
}

TEST_CASE("enable_stats: without CAP_SYS_ADMIN gives EPERM")
{
    WithoutCaps guard({CAP_SYS_ADMIN});
    REQUIRE(guard.ok());
    CHECK(bpf_enable_stats(BPF_STATS_RUN_TIME) == -EPERM);
    CHECK(errno == EPERM);
}

TEST_CASE("prog_load: without CAP_BPF and CAP_SYS_ADMIN an XDP program gives EPERM")
{
    Fd warm(load_return0(BPF_PROG_TYPE_XDP)); // the library's probes run with the capabilities
    REQUIRE(warm >= 3);
    WithoutCaps guard({CAP_BPF, CAP_SYS_ADMIN});
    REQUIRE(guard.ok());
    CHECK(load_return0(BPF_PROG_TYPE_XDP) == -EPERM);
    CHECK(errno == EPERM);
}

TEST_CASE("btf_load: without CAP_BPF and CAP_SYS_ADMIN gives EPERM")
{
    auto blob = pair_btf();
    Fd warm(bpf_btf_load(blob.data(), blob.size(), nullptr));
    REQUIRE(warm >= 3);
    WithoutCaps guard({CAP_BPF, CAP_SYS_ADMIN});
    REQUIRE(guard.ok());
    CHECK(bpf_btf_load(blob.data(), blob.size(), nullptr) == -EPERM);
    CHECK(errno == EPERM);
}

TEST_CASE("map_create: without CAP_BPF and CAP_SYS_ADMIN gives EPERM (unprivileged BPF disabled)")
{
    Fd warm(bpf_map_create(BPF_MAP_TYPE_HASH, "st_errors", 4, 4, 1, nullptr));
    REQUIRE(warm >= 3);
    WithoutCaps guard({CAP_BPF, CAP_SYS_ADMIN});
    REQUIRE(guard.ok());
    int r = bpf_map_create(BPF_MAP_TYPE_HASH, "st_errors", 4, 4, 1, nullptr);
    if (r >= 0) {
        close(r);
        SKIP_TEST("kernel.unprivileged_bpf_disabled is 0 on this host: an unprivileged hash map is allowed");
    }
    CHECK(r == -EPERM);
    CHECK(errno == EPERM);
}

// The skip evidence for a bpffs, network namespace, cgroup or tracefs the
// tests could not set up (kernel_refusal.hpp): with CAP_SYS_ADMIN, as the
// selftests run, a refusal is a failure, not a skip; without it, the reason
// names the missing capability.
TEST_CASE("skip evidence: an environment refusal excuses a skip only without CAP_SYS_ADMIN")
{
    CHECK(bpffs_refusal(EPERM).empty());
    CHECK(netns_refusal(EPERM).empty());
    CHECK(cgroup2_refusal(EACCES).empty());
    CHECK(tracefs_refusal(EPERM).empty());
    CHECK(userns_refusal(EPERM).empty());
    CHECK(netns_refusal(ENOENT).empty()); // this kernel has network namespaces
    WithoutCaps guard({CAP_SYS_ADMIN});
    REQUIRE(guard.ok());
    const std::string lacks = "host policy: this process lacks CAP_SYS_ADMIN";
    CHECK(bpffs_refusal(EPERM).rfind(lacks, 0) == 0);
    CHECK(netns_refusal(EPERM).rfind(lacks, 0) == 0);
    CHECK(cgroup2_refusal(EACCES).rfind(lacks, 0) == 0);
    CHECK(tracefs_refusal(EPERM).rfind(lacks, 0) == 0);
    CHECK(bpffs_refusal(ENOMEM).empty()); // no policy explains that errno
}
