// Maps on the real kernel: create, element operations, documented errors.
#include "harness/harness.hpp"
#include "kernel_helpers.hpp"
#include "kernel_refusal.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>
#include <sys/sysinfo.h>
#include <vector>

using namespace selftest;

TEST_CASE("map_create: hash map with a name, visible in map info")
{
    Fd fd(bpf_map_create(BPF_MAP_TYPE_HASH, "st_hash", 4, 8, 64, nullptr));
    REQUIRE(fd >= 3);
    CHECK(cloexec(fd));
    bpf_map_info info{};
    __u32 len = sizeof(info);
    REQUIRE(bpf_obj_get_info_by_fd(fd, &info, &len) == 0);
    CHECK(info.type == BPF_MAP_TYPE_HASH);
    CHECK(info.key_size == 4);
    CHECK(info.value_size == 8);
    CHECK(info.max_entries == 64);
    CHECK(std::string(info.name) == "st_hash");
}

TEST_CASE("map_create: a 20-character name is cut to 15")
{
    Fd fd(bpf_map_create(BPF_MAP_TYPE_ARRAY, "abcdefghijklmnopqrst", 4, 4, 1, nullptr));
    REQUIRE(fd >= 3);
    bpf_map_info info{};
    __u32 len = sizeof(info);
    REQUIRE(bpf_obj_get_info_by_fd(fd, &info, &len) == 0);
    CHECK(std::string(info.name) == "abcdefghijklmno");
}

TEST_CASE("map_create: opts flags reach the kernel (BPF_F_NO_PREALLOC)")
{
    LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_NO_PREALLOC);
    Fd fd(bpf_map_create(BPF_MAP_TYPE_HASH, nullptr, 4, 4, 8, &o));
    REQUIRE(fd >= 3);
    bpf_map_info info{};
    __u32 len = sizeof(info);
    REQUIRE(bpf_obj_get_info_by_fd(fd, &info, &len) == 0);
    CHECK(info.map_flags == BPF_F_NO_PREALLOC);
}

TEST_CASE("map_create: errors")
{
    int before = open_fd_count();
    SECTION("EINVAL for key_size 0 on a hash map")
    {
        errno = 0;
        CHECK(bpf_map_create(BPF_MAP_TYPE_HASH, nullptr, 0, 4, 1, nullptr) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EINVAL for an unknown map type")
    {
        CHECK(bpf_map_create((bpf_map_type)9999, nullptr, 4, 4, 1, nullptr) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EINVAL for a name with a character the kernel refuses")
    {
        CHECK(bpf_map_create(BPF_MAP_TYPE_ARRAY, "bad name!", 4, 4, 1, nullptr) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EINVAL for opts with sz 1, before the kernel is asked")
    {
        bpf_map_create_opts o{};
        o.sz = 1;
        CHECK(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, &o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EBADF for an inner_map_fd that is not open")
    {
        LIBBPF_OPTS(bpf_map_create_opts, o, .inner_map_fd = 100000);
        CHECK(bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, nullptr, 4, 4, 1, &o) == -EBADF);
        CHECK(errno == EBADF);
    }
    CHECK(open_fd_count() == before);
}

TEST_CASE("map elements: update, lookup, next key, delete on a hash map")
{
    Fd fd(bpf_map_create(BPF_MAP_TYPE_HASH, nullptr, sizeof(__u32), sizeof(__u64), 8, nullptr));
    REQUIRE(fd >= 3);
    for (__u32 k = 1; k <= 3; k++) {
        __u64 v = k * 100;
        REQUIRE(bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST) == 0);
    }
    __u32 k = 2;
    __u64 v = 0;
    REQUIRE(bpf_map_lookup_elem(fd, &k, &v) == 0);
    CHECK(v == 200);

    std::vector<__u32> seen;
    __u32 next = 0;
    const __u32 *cur = nullptr;
    __u32 prev = 0;
    while (bpf_map_get_next_key(fd, cur, &next) == 0) {
        seen.push_back(next);
        prev = next;
        cur = &prev;
    }
    CHECK(errno == ENOENT);
    CHECK(seen.size() == 3);

    REQUIRE(bpf_map_delete_elem(fd, &k) == 0);
    CHECK(bpf_map_lookup_elem(fd, &k, &v) == -ENOENT);
    CHECK(errno == ENOENT);
    CHECK(bpf_map_delete_elem(fd, &k) == -ENOENT);
    CHECK(errno == ENOENT);
}

TEST_CASE("map elements: update flags give EEXIST and ENOENT")
{
    Fd fd(bpf_map_create(BPF_MAP_TYPE_HASH, nullptr, 4, 4, 4, nullptr));
    REQUIRE(fd >= 3);
    __u32 k = 1, v = 1;
    CHECK(bpf_map_update_elem(fd, &k, &v, BPF_EXIST) == -ENOENT);
    CHECK(errno == ENOENT);
    REQUIRE(bpf_map_update_elem(fd, &k, &v, BPF_ANY) == 0);
    CHECK(bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST) == -EEXIST);
    CHECK(errno == EEXIST);
    CHECK(bpf_map_update_elem(fd, &k, &v, 99) == -EINVAL);
    CHECK(errno == EINVAL);
}

TEST_CASE("map elements: E2BIG when a hash map is full")
{
    Fd fd(bpf_map_create(BPF_MAP_TYPE_HASH, nullptr, 4, 4, 2, nullptr));
    REQUIRE(fd >= 3);
    for (__u32 k = 0; k < 2; k++)
        REQUIRE(bpf_map_update_elem(fd, &k, &k, BPF_ANY) == 0);
    __u32 k = 5;
    CHECK(bpf_map_update_elem(fd, &k, &k, BPF_ANY) == -E2BIG);
    CHECK(errno == E2BIG);
}

TEST_CASE("map elements: EBADF on a closed fd, EINVAL on a non-map fd")
{
    __u32 k = 0, v = 0;
    CHECK(bpf_map_lookup_elem(100000, &k, &v) == -EBADF);
    CHECK(errno == EBADF);
    Fd notmap(::dup(1));
    CHECK(bpf_map_lookup_elem(notmap, &k, &v) == -EINVAL);
    CHECK(errno == EINVAL);
}

TEST_CASE("map elements: per-CPU array holds one value per possible CPU")
{
    int ncpu = possible_cpus();
    REQUIRE(ncpu > 0);
    Fd fd(bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, nullptr, 4, 8, 1, nullptr));
    REQUIRE(fd >= 3);
    std::vector<__u64> in(ncpu), out(ncpu);
    for (int i = 0; i < ncpu; i++)
        in[i] = 1000 + i;
    __u32 k = 0;
    REQUIRE(bpf_map_update_elem(fd, &k, in.data(), BPF_ANY) == 0);
    REQUIRE(bpf_map_lookup_elem(fd, &k, out.data()) == 0);
    CHECK(out == in);
}

TEST_CASE("map elements: lookup_and_delete on a queue map pops in FIFO order")
{
    Fd fd(bpf_map_create(BPF_MAP_TYPE_QUEUE, nullptr, 0, 4, 4, nullptr));
    REQUIRE(fd >= 3);
    for (__u32 v = 10; v < 13; v++)
        REQUIRE(bpf_map_update_elem(fd, nullptr, &v, BPF_ANY) == 0);
    __u32 v = 0;
    REQUIRE(bpf_map_lookup_and_delete_elem(fd, nullptr, &v) == 0);
    CHECK(v == 10);
    REQUIRE(bpf_map_lookup_and_delete_elem_flags(fd, nullptr, &v, 0) == 0);
    CHECK(v == 11);
    REQUIRE(bpf_map_lookup_and_delete_elem(fd, nullptr, &v) == 0);
    CHECK(v == 12);
    CHECK(bpf_map_lookup_and_delete_elem(fd, nullptr, &v) == -ENOENT);
    CHECK(errno == ENOENT);
}

TEST_CASE("map elements: lookup_and_delete on a hash map (kernel 5.14+)")
{
    Fd fd(bpf_map_create(BPF_MAP_TYPE_HASH, nullptr, 4, 4, 4, nullptr));
    REQUIRE(fd >= 3);
    __u32 k = 1, v = 77, out = 0;
    REQUIRE(bpf_map_update_elem(fd, &k, &v, BPF_ANY) == 0);
    int r = bpf_map_lookup_and_delete_elem(fd, &k, &out);
    if (r == -kENOTSUPP && !hash_lookup_and_delete_refusal().empty())
        SKIP_TEST(hash_lookup_and_delete_refusal());
    REQUIRE(r == 0);
    CHECK(out == 77);
    CHECK(bpf_map_lookup_elem(fd, &k, &out) == -ENOENT);
}

TEST_CASE("map elements: delete on an array map is EINVAL")
{
    Fd fd(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 4, nullptr));
    REQUIRE(fd >= 3);
    __u32 k = 0;
    CHECK(bpf_map_delete_elem(fd, &k) == -EINVAL);
    CHECK(errno == EINVAL);
    CHECK(bpf_map_delete_elem_flags(fd, &k, 0) == -EINVAL);
    CHECK(errno == EINVAL);
}

TEST_CASE("map_freeze: a frozen map refuses updates from user space with EPERM")
{
    Fd fd(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr));
    REQUIRE(fd >= 3);
    __u32 k = 0, v = 5;
    REQUIRE(bpf_map_update_elem(fd, &k, &v, BPF_ANY) == 0);
    REQUIRE(bpf_map_freeze(fd) == 0);
    CHECK(bpf_map_update_elem(fd, &k, &v, BPF_ANY) == -EPERM);
    CHECK(errno == EPERM);
    __u32 out = 0;
    CHECK(bpf_map_lookup_elem(fd, &k, &out) == 0);
    CHECK(out == 5);
}

// Kernels whose map_freeze looks at "already frozen" before the fd's write
// permission: before 6.5, which checks the permission first.
const char kFreezeOrder[] = "kernel checks 'already frozen' before write permission in map_freeze (before "
                            "6.5, which checks permission first)";

TEST_CASE("map_freeze: a second freeze is refused with EPERM (newer kernels)")
{
    Fd fd(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr));
    REQUIRE(fd >= 3);
    REQUIRE(bpf_map_freeze(fd) == 0);
    // Freezing drops write permission, and newer kernels check that first, so
    // a second freeze is refused as a write (6.5+). Older ones look
    // at "already frozen" first and answer EBUSY.
    int r = bpf_map_freeze(fd);
    if (r == -EBUSY) {
        RawAttr again;
        again.u32(0, static_cast<__u32>(fd.get()));
        SKIP_IF_REFUSED(raw_refused_same(kFreezeOrder, EBUSY, raw_bpf_err(BPF_MAP_FREEZE, again), "BPF_MAP_FREEZE"));
    }
    CHECK(r == -EPERM);
    CHECK(errno == EPERM);
}

TEST_CASE("map_create: array of maps with an inner map template")
{
    Fd inner(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr));
    REQUIRE(inner >= 3);
    LIBBPF_OPTS(bpf_map_create_opts, o, .inner_map_fd = (__u32)inner.get());
    Fd outer(bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "st_outer", 4, 4, 2, &o));
    REQUIRE(outer >= 3);
    __u32 k = 0, v = (__u32)inner.get();
    REQUIRE(bpf_map_update_elem(outer, &k, &v, BPF_ANY) == 0);
    __u32 id = 0;
    REQUIRE(bpf_map_lookup_elem(outer, &k, &id) == 0);
    bpf_map_info info{};
    __u32 len = sizeof(info);
    REQUIRE(bpf_obj_get_info_by_fd(inner, &info, &len) == 0);
    CHECK(id == info.id);
}

TEST_CASE("map_create: LRU hash evicts instead of failing when full")
{
    Fd fd(bpf_map_create(BPF_MAP_TYPE_LRU_HASH, nullptr, 4, 4, 64, nullptr));
    REQUIRE(fd >= 3);
    for (__u32 k = 0; k < 1000; k++)
        REQUIRE(bpf_map_update_elem(fd, &k, &k, BPF_ANY) == 0);
    __u32 k = 999, v = 0;
    CHECK(bpf_map_lookup_elem(fd, &k, &v) == 0);
    CHECK(v == 999);
}

TEST_CASE("map_create: ring buffer (kernel 5.8+)")
{
    Fd fd(bpf_map_create(BPF_MAP_TYPE_RINGBUF, "st_ring", 0, 0, 4096, nullptr));
    if (fd == -EINVAL) {
        RawAttr ring;
        ring.u32(0, BPF_MAP_TYPE_RINGBUF).u32(12, 4096); // map_type, max_entries
        SKIP_IF_REFUSED(kernel_lacks("BPF_MAP_TYPE_RINGBUF (5.8+)", EINVAL, raw_bpf_err(BPF_MAP_CREATE, ring),
                                     "BPF_MAP_CREATE", btf_lacks("bpf_map_type", "BPF_MAP_TYPE_RINGBUF")));
    }
    REQUIRE(fd >= 3);
    bpf_map_info info{};
    __u32 len = sizeof(info);
    REQUIRE(bpf_obj_get_info_by_fd(fd, &info, &len) == 0);
    CHECK(info.type == BPF_MAP_TYPE_RINGBUF);
    CHECK(info.max_entries == 4096);
    __u32 k = 0, v = 0;
    CHECK(bpf_map_lookup_elem(fd, &k, &v) == -EINVAL); // no element access from user space
    CHECK(errno == EINVAL);
}

TEST_CASE("map elements: the _flags variants and get_next_key's fallback to the first key")
{
    Fd fd(bpf_map_create(BPF_MAP_TYPE_HASH, nullptr, 4, 4, 4, nullptr));
    REQUIRE(fd >= 3);
    __u32 k = 1, v = 11, out = 0, missing = 7;
    REQUIRE(bpf_map_update_elem(fd, &k, &v, BPF_ANY) == 0);

    SECTION("lookup_elem_flags: ENOENT for a missing key, EINVAL for BPF_F_LOCK without a lock")
    {
        REQUIRE(bpf_map_lookup_elem_flags(fd, &k, &out, 0) == 0);
        CHECK(out == 11);
        errno = 0;
        CHECK(bpf_map_lookup_elem_flags(fd, &missing, &out, 0) == -ENOENT);
        CHECK(errno == ENOENT);
        CHECK(bpf_map_lookup_elem_flags(fd, &k, &out, BPF_F_LOCK) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("lookup_and_delete_elem_flags: ENOENT for a missing key, EINVAL for BPF_F_LOCK")
    {
        const std::string refused = hash_lookup_and_delete_refusal();
        if (!refused.empty())
            SKIP_TEST(refused);
        errno = 0;
        CHECK(bpf_map_lookup_and_delete_elem_flags(fd, &missing, &out, 0) == -ENOENT);
        CHECK(errno == ENOENT);
        CHECK(bpf_map_lookup_and_delete_elem_flags(fd, &k, &out, BPF_F_LOCK) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK(bpf_map_lookup_elem(fd, &k, &out) == 0); // still there
    }
    SECTION("delete_elem_flags: ENOENT for a missing key, EINVAL for an unknown flag")
    {
        errno = 0;
        CHECK(bpf_map_delete_elem_flags(fd, &missing, 0) == -ENOENT);
        CHECK(errno == ENOENT);
        CHECK(bpf_map_delete_elem_flags(fd, &k, 1) == -EINVAL);
        CHECK(errno == EINVAL);
        REQUIRE(bpf_map_delete_elem_flags(fd, &k, 0) == 0);
        CHECK(bpf_map_lookup_elem(fd, &k, &out) == -ENOENT);
    }
    SECTION("get_next_key: a key that is not in the map gives the first key")
    {
        __u32 first = 0, next = 0;
        REQUIRE(bpf_map_get_next_key(fd, nullptr, &first) == 0);
        REQUIRE(bpf_map_get_next_key(fd, &missing, &next) == 0);
        CHECK(next == first);
        CHECK(next == k);
    }
}

TEST_CASE("info: info_len bounds the copy; errors")
{
    Fd map(bpf_map_create(BPF_MAP_TYPE_HASH, "st_info", 4, 8, 4, nullptr));
    REQUIRE(map >= 3);
    int before = open_fd_count();
    SECTION("a short info_len gets only that many bytes, and says so")
    {
        bpf_map_info info;
        std::memset(&info, 0xee, sizeof(info));
        __u32 len = 8; // type and id
        REQUIRE(bpf_map_get_info_by_fd(map, &info, &len) == 0);
        CHECK(len == 8);
        CHECK(info.type == BPF_MAP_TYPE_HASH);
        CHECK(info.id != 0);
        CHECK(info.key_size == 0xeeeeeeee);
    }
    SECTION("EBADFD (not EBADF) for an fd that is not open")
    {
        bpf_map_info info{};
        __u32 len = sizeof(info);
        errno = 0;
        CHECK(bpf_obj_get_info_by_fd(100000, &info, &len) == -EBADFD);
        CHECK(errno == EBADFD);
        CHECK(bpf_map_get_info_by_fd(100000, &info, &len) == -EBADFD);
        CHECK(errno == EBADFD);
        bpf_prog_info pinfo{};
        len = sizeof(pinfo);
        CHECK(bpf_prog_get_info_by_fd(100000, &pinfo, &len) == -EBADFD);
        CHECK(errno == EBADFD);
        bpf_btf_info binfo{};
        len = sizeof(binfo);
        CHECK(bpf_btf_get_info_by_fd(100000, &binfo, &len) == -EBADFD);
        CHECK(errno == EBADFD);
        bpf_link_info linfo{};
        len = sizeof(linfo);
        CHECK(bpf_link_get_info_by_fd(100000, &linfo, &len) == -EBADFD);
        CHECK(errno == EBADFD);
        CHECK(len == sizeof(linfo)); // untouched on failure
    }
    SECTION("EINVAL for an fd that is not a BPF object")
    {
        Fd notbpf(::dup(1));
        bpf_map_info info{};
        __u32 len = sizeof(info);
        errno = 0;
        CHECK(bpf_obj_get_info_by_fd(notbpf, &info, &len) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK(bpf_map_get_info_by_fd(notbpf, &info, &len) == -EINVAL);
        CHECK(errno == EINVAL);
        bpf_prog_info pinfo{};
        CHECK(bpf_prog_get_info_by_fd(notbpf, &pinfo, &len) == -EINVAL);
        bpf_btf_info binfo{};
        CHECK(bpf_btf_get_info_by_fd(notbpf, &binfo, &len) == -EINVAL);
        bpf_link_info linfo{};
        CHECK(bpf_link_get_info_by_fd(notbpf, &linfo, &len) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EFAULT for an info buffer the kernel cannot write")
    {
        __u32 len = sizeof(bpf_map_info);
        CHECK(bpf_obj_get_info_by_fd(map, reinterpret_cast<void *>(8), &len) == -EFAULT);
        CHECK(errno == EFAULT);
        CHECK(bpf_map_get_info_by_fd(map, reinterpret_cast<bpf_map_info *>(8), &len) == -EFAULT);
        CHECK(errno == EFAULT);
    }
    SECTION("E2BIG for a non-zero byte past the kernel's struct")
    {
        alignas(8) unsigned char big[4096] = {};
        big[sizeof(big) - 1] = 1;
        __u32 len = sizeof(big);
        CHECK(bpf_obj_get_info_by_fd(map, big, &len) == -E2BIG);
        CHECK(errno == E2BIG);
        big[sizeof(big) - 1] = 0;
        REQUIRE(bpf_obj_get_info_by_fd(map, big, &len) == 0);
        CHECK(len < sizeof(big)); // the kernel's struct size
    }
    CHECK(open_fd_count() == before);
}
