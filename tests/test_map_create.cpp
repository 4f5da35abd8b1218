// bpf_map_create through the seam: attr bytes, opts sizes, fallbacks.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "historical_sizes.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

using namespace sysbpf_test;
using sysbpf::kernel::MapCreateAttr;

TEST_CASE("map_create: sends 92 bytes with every argument in place")
{
    FakeKernel k;
    k.then_return(42);
    static const char hash[32] = {1};
    LIBBPF_OPTS(bpf_map_create_opts, o, .btf_fd = 5, .btf_key_type_id = 6,
                .btf_value_type_id = 7, .btf_vmlinux_value_type_id = 8, .inner_map_fd = 9,
                .map_flags = 10, .map_extra = 11, .numa_node = 12, .map_ifindex = 13,
                .value_type_btf_obj_fd = 14, .token_fd = 15, .excl_prog_hash = hash,
                .excl_prog_hash_size = 32);
    int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "a_name", 4, 8, 16, &o);
    CHECK(fd == 42);
    REQUIRE(k.calls.size() == 1);
    CHECK(k.calls[0].cmd == BPF_MAP_CREATE);
    CHECK(k.calls[0].size == 92);
    auto a = k.attr<MapCreateAttr>();
    CHECK(a.map_type == BPF_MAP_TYPE_HASH);
    CHECK(a.key_size == 4);
    CHECK(a.value_size == 8);
    CHECK(a.max_entries == 16);
    CHECK(std::string(a.map_name) == "a_name");
    CHECK(a.btf_fd == 5);
    CHECK(a.btf_key_type_id == 6);
    CHECK(a.btf_value_type_id == 7);
    CHECK(a.btf_vmlinux_value_type_id == 8);
    CHECK(a.inner_map_fd == 9);
    CHECK(a.map_flags == 10);
    CHECK(a.map_extra == 11);
    CHECK(a.numa_node == 12);
    CHECK(a.map_ifindex == 13);
    CHECK(a.value_type_btf_obj_fd == 14);
    CHECK(a.map_token_fd == 15);
    CHECK(a.excl_prog_hash == reinterpret_cast<uintptr_t>(hash));
    CHECK(a.excl_prog_hash_size == 32);
}

TEST_CASE("map_create: NULL name and NULL opts send zeros")
{
    FakeKernel k;
    k.then_return(3);
    CHECK(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr) == 3);
    auto a = k.attr<MapCreateAttr>();
    MapCreateAttr expect{};
    expect.map_type = BPF_MAP_TYPE_ARRAY;
    expect.key_size = 4;
    expect.value_size = 4;
    expect.max_entries = 1;
    CHECK(std::memcmp(&a, &expect, MapCreateAttr::kSize) == 0);
}

TEST_CASE("map_create: names are cut to 15 bytes and NUL-terminated")
{
    FakeKernel k;
    k.then_return(3);
    bpf_map_create(BPF_MAP_TYPE_ARRAY, "0123456789abcdefXYZ", 4, 4, 1, nullptr);
    auto a = k.attr<MapCreateAttr>();
    CHECK(std::string(a.map_name, 16) == std::string("0123456789abcde\0", 16));
}

TEST_CASE("map_create: every historical opts size is honoured")
{
    for (size_t sz : historical::map_create) {
        FakeKernel k;
        k.then_return(3);
        bpf_map_create_opts o{};
        o.map_flags = 1;
        o.map_extra = 2;             // in every release
        o.value_type_btf_obj_fd = 3; // since 1.4
        o.token_fd = 4;              // since 1.4
        o.excl_prog_hash_size = 5;   // since 1.7
        o.sz = sz;
        INFO("sz " << sz);
        REQUIRE(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, &o) == 3);
        auto a = k.attr<MapCreateAttr>();
        CHECK(a.map_flags == 1);
        CHECK(a.map_extra == 2);
        const auto in = [sz](size_t end) { return sz >= end; };
        CHECK(a.value_type_btf_obj_fd ==
              (in(SYSBPF_END_OF(bpf_map_create_opts, value_type_btf_obj_fd)) ? 3 : 0));
        CHECK(a.map_token_fd == (in(SYSBPF_END_OF(bpf_map_create_opts, token_fd)) ? 4 : 0));
        CHECK(a.excl_prog_hash_size ==
              (in(SYSBPF_END_OF(bpf_map_create_opts, excl_prog_hash_size)) ? 5u : 0u));
    }
}

TEST_CASE("map_create: bad opts fail with EINVAL before any syscall")
{
    FakeKernel k;
    unsigned char big[96] = {};
    auto *o = reinterpret_cast<bpf_map_create_opts *>(big);
    o->sz = sizeof(big);
    big[80] = 1;
    errno = 0;
    CHECK(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, o) == -EINVAL);
    CHECK(errno == EINVAL);
    o->sz = sizeof(size_t) - 1;
    big[80] = 0;
    CHECK(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, o) == -EINVAL);
    CHECK(k.calls.empty());
    o->sz = sizeof(big); // larger, zero tail: accepted
    k.then_return(40);
    CHECK(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, o) == 40);
}

TEST_CASE("map_create: a kernel error comes back as -errno with errno set")
{
    FakeKernel k;
    k.then_return(-ENOMEM);
    errno = 0;
    CHECK(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr) == -ENOMEM);
    CHECK(errno == ENOMEM);
}

TEST_CASE("map_create: a kernel without names (E2BIG) gets a nameless retry, remembered")
{
    FakeKernel k;
    k.then([](int, void *attr, unsigned) {
        return static_cast<MapCreateAttr *>(attr)->map_name[0] ? -E2BIG : 7L;
    });
    k.fallback = [](int, void *attr, unsigned) {
        return static_cast<MapCreateAttr *>(attr)->map_name[0] ? -long(E2BIG) : 7L;
    };
    CHECK(bpf_map_create(BPF_MAP_TYPE_ARRAY, "named", 4, 4, 1, nullptr) == 7);
    REQUIRE(k.calls.size() == 2);
    CHECK(k.attr<MapCreateAttr>(1).map_name[0] == 0);
    // Learned: the next named create sends no name at all.
    CHECK(bpf_map_create(BPF_MAP_TYPE_ARRAY, "named", 4, 4, 1, nullptr) == 7);
    CHECK(k.calls.size() == 3);
    CHECK(k.attr<MapCreateAttr>(2).map_name[0] == 0);
}

TEST_CASE("map_create: E2BIG not caused by the name is returned unchanged")
{
    FakeKernel k;
    k.fallback = [](int, void *, unsigned) { return -long(E2BIG); };
    CHECK(bpf_map_create(BPF_MAP_TYPE_ARRAY, "named", 4, 1 << 30, 1, nullptr) == -E2BIG);
    CHECK(errno == E2BIG);
    CHECK(k.calls.size() == 2);
    // Names were not blamed: the next create still sends its name.
    k.fallback = [](int, void *, unsigned) { return 5L; };
    bpf_map_create(BPF_MAP_TYPE_ARRAY, "named", 4, 4, 1, nullptr);
    CHECK(std::string(k.attr<MapCreateAttr>(2).map_name) == "named");
}

TEST_CASE("map_create: modern kernel EPERM is not retried; the memcg probe runs once")
{
    FakeKernel k;
    // create -> EPERM; probe (PROG_LOAD) -> fd 9 (memcg accounting present)
    k.then_return(-EPERM);
    k.then([](int cmd, void *, unsigned) { return cmd == BPF_PROG_LOAD ? 9L : -1L; });
    k.then_return(-EPERM);
    int saved9 = dup(0); // the fake's "fd 9" gets closed by the probe: make it real
    dup2(saved9, 9);
    CHECK(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr) == -EPERM);
    REQUIRE(k.calls.size() == 2);
    CHECK(k.calls[1].cmd == BPF_PROG_LOAD);
    CHECK(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr) == -EPERM);
    CHECK(k.calls.size() == 3); // cached: no second probe
    CHECK(libbpf_set_memlock_rlim(1 << 20) == 0); // never raised: not busy
    close(saved9);
}

TEST_CASE("map_create: old kernel EPERM raises RLIMIT_MEMLOCK once and retries")
{
    FakeKernel k;
    k.then_return(-EPERM);                 // create
    k.then_return(-EINVAL);                // memcg probe: helper unknown
    k.then_return(11);                     // retried create
    // The raise itself may be refused here (no CAP_SYS_RESOURCE); ask for the
    // current limit so that it succeeds either way.
    struct rlimit cur;
    getrlimit(RLIMIT_MEMLOCK, &cur);
    REQUIRE(libbpf_set_memlock_rlim(cur.rlim_max) == 0);
    CHECK(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr) == 11);
    CHECK(k.calls.size() == 3);
    CHECK(libbpf_set_memlock_rlim(1 << 20) == -EBUSY);
    CHECK(errno == EBUSY);
}

TEST_CASE("map_create: fds 0..2 from the kernel are moved to >= 3 with CLOEXEC")
{
    FakeKernel k;
    int saved = dup(0);
    if (saved < 0) { // stdin closed: give fd 0 something to be
        saved = open("/dev/null", O_RDONLY);
        dup2(saved, 0);
    }
    REQUIRE(saved >= 3);
    k.then_return(0); // the kernel hands out fd 0 (the process closed stdin)
    int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr);
    CHECK(fd >= 3);
    CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
    CHECK(fcntl(0, F_GETFD) == -1); // the low fd was closed
    dup2(saved, 0);
    close(saved);
    close(fd);
}
