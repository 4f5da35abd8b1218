// Map errors, one condition per test case.
#include "btf_fixtures.hpp"
#include "errors_fixtures.hpp"
#include "harness/harness.hpp"
#include "kernel_refusal.hpp"

#include <sys/mman.h>
#include <vector>

using namespace selftest;

namespace {

__u32 id_of(int map_fd)
{
    bpf_map_info info{};
    __u32 len = sizeof(info);
    return bpf_map_get_info_by_fd(map_fd, &info, &len) == 0 ? info.id : 0;
}

int read_only_fd(int map_fd)
{
    LIBBPF_OPTS(bpf_get_fd_by_id_opts, o, .open_flags = BPF_F_RDONLY);
    return bpf_map_get_fd_by_id_opts(id_of(map_fd), &o);
}

// A hash map of 8 __u32 -> __u64 elements, keys 1..8.
int filled_hash()
{
    int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "st_errors", 4, 8, 8, nullptr);
    for (__u32 k = 1; fd >= 0 && k <= 8; k++) {
        __u64 v = k;
        if (bpf_map_update_elem(fd, &k, &v, BPF_ANY) != 0)
            return -1;
    }
    return fd;
}

int count_keys(int fd)
{
    int n = 0;
    __u32 key, next;
    for (const void *k = nullptr; bpf_map_get_next_key(fd, k, &next) == 0; k = &key, n++)
        key = next;
    return n;
}

// One page that cannot be written.
struct Unwritable {
    void *p = mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ~Unwritable() { munmap(p, 4096); }
};

} // namespace

TEST_CASE("map_freeze: a writable mmap of the map gives EBUSY")
{
    LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_MMAPABLE);
    Fd fd(bpf_map_create(BPF_MAP_TYPE_ARRAY, "st_errors", 4, 8, 1, &o));
    REQUIRE(fd >= 3);
    void *m = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    REQUIRE(m != MAP_FAILED);
    CHECK(bpf_map_freeze(fd) == -EBUSY);
    CHECK(errno == EBUSY);
    munmap(m, 4096);
    CHECK(bpf_map_freeze(fd) == 0); // without the mapping it freezes
}

TEST_CASE("map_freeze: a value with a bpf_spin_lock gives ENOTSUPP (524)")
{
    auto blob = locked_btf();
    Fd btf(bpf_btf_load(blob.data(), blob.size(), nullptr));
    REQUIRE(btf >= 3);
    LIBBPF_OPTS(bpf_map_create_opts, mo, .btf_fd = (__u32)btf.get(), .btf_key_type_id = kLockedBtfInt,
                .btf_value_type_id = kLockedBtfValue);
    Fd fd(bpf_map_create(BPF_MAP_TYPE_HASH, "st_locked", 4, 8, 4, &mo));
    REQUIRE(fd >= 3);
    int r = bpf_map_freeze(fd);
    if (r == 0 && raw_bpf_err(BPF_MAP_FREEZE, RawAttr().u32(0, fd.get())) == EBUSY)
        SKIP_TEST("kernel whose map_freeze refuses only timers, not every special field (btf_record, 6.2+), "
                  "froze a map whose value has a bpf_spin_lock; a raw second bpf(BPF_MAP_FREEZE) gives EBUSY");
    CHECK(r == -kENOTSUPP);
    CHECK(errno == kENOTSUPP);
}

TEST_CASE("map_freeze: a read-only fd gives EPERM")
{
    Fd fd(bpf_map_create(BPF_MAP_TYPE_ARRAY, "st_errors", 4, 8, 1, nullptr));
    REQUIRE(fd >= 3);
    Fd ro(read_only_fd(fd));
    REQUIRE(ro >= 3);
    int r = bpf_map_freeze(ro);
    if (r == 0 && raw_bpf_err(BPF_MAP_FREEZE, RawAttr().u32(0, fd.get())) == EBUSY)
        SKIP_TEST("kernel whose map_freeze does not check the fd's mode (before 6.5) froze the map "
                  "through a read-only fd; a raw second bpf(BPF_MAP_FREEZE) gives EBUSY");
    CHECK(r == -EPERM);
    CHECK(errno == EPERM);
}

TEST_CASE("map_update_elem: an array index past the end gives E2BIG")
{
    Fd fd(bpf_map_create(BPF_MAP_TYPE_ARRAY, "st_errors", 4, 8, 4, nullptr));
    REQUIRE(fd >= 3);
    __u32 key = 4;
    __u64 v = 1;
    CHECK(bpf_map_update_elem(fd, &key, &v, BPF_ANY) == -E2BIG);
    CHECK(errno == E2BIG);
}

TEST_CASE("map_lookup_and_delete_elem: an array map gives ENOTSUPP (524)")
{
    Fd fd(bpf_map_create(BPF_MAP_TYPE_ARRAY, "st_errors", 4, 8, 4, nullptr));
    REQUIRE(fd >= 3);
    __u32 key = 0;
    __u64 v;
    CHECK(bpf_map_lookup_and_delete_elem(fd, &key, &v) == -kENOTSUPP);
    CHECK(bpf_map_lookup_and_delete_elem_flags(fd, &key, &v, 0) == -kENOTSUPP);
    CHECK(errno == kENOTSUPP);
}

TEST_CASE("map_delete_elem: a frozen map gives EPERM")
{
    Fd fd(filled_hash());
    REQUIRE(fd >= 3);
    REQUIRE(bpf_map_freeze(fd) == 0);
    __u32 key = 1;
    CHECK(bpf_map_delete_elem(fd, &key) == -EPERM);
    CHECK(bpf_map_delete_elem_flags(fd, &key, 0) == -EPERM);
    CHECK(errno == EPERM);
}

TEST_CASE("map_delete_elem: a read-only fd gives EPERM")
{
    Fd fd(filled_hash());
    REQUIRE(fd >= 3);
    Fd ro(read_only_fd(fd));
    REQUIRE(ro >= 3);
    __u32 key = 1;
    CHECK(bpf_map_delete_elem(ro, &key) == -EPERM);
    CHECK(bpf_map_delete_elem_flags(ro, &key, 0) == -EPERM);
    CHECK(errno == EPERM);
    CHECK(count_keys(fd) == 8);
}

TEST_CASE("map_delete_elem_flags: non-zero flags give EINVAL (6.18 takes none)")
{
    Fd fd(filled_hash());
    REQUIRE(fd >= 3);
    __u32 key = 1;
    CHECK(bpf_map_delete_elem_flags(fd, &key, BPF_F_LOCK) == -EINVAL);
    CHECK(errno == EINVAL);
    CHECK(count_keys(fd) == 8);
}

TEST_CASE("map_get_next_key: a queue or stack map gives EINVAL")
{
    for (auto type : {BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_STACK}) {
        Fd fd(bpf_map_create(type, "st_errors", 0, 8, 4, nullptr));
        REQUIRE(fd >= 3);
        __u64 next;
        CHECK(bpf_map_get_next_key(fd, nullptr, &next) == -EINVAL);
        CHECK(errno == EINVAL);
    }
}

TEST_CASE("map_lookup_elem: a ring buffer, with a NULL key, gives ENOTSUPP (524)")
{
    Fd fd(bpf_map_create(BPF_MAP_TYPE_RINGBUF, "st_ring", 0, 0, 4096, nullptr));
    REQUIRE(fd >= 3);
    __u64 v;
    CHECK(bpf_map_lookup_elem(fd, nullptr, &v) == -kENOTSUPP);
    CHECK(errno == kENOTSUPP);
}

TEST_CASE("map_lookup_elem: a non-NULL key for a map without keys (ring buffer) gives EINVAL")
{
    Fd fd(bpf_map_create(BPF_MAP_TYPE_RINGBUF, "st_ring", 0, 0, 4096, nullptr));
    REQUIRE(fd >= 3);
    __u32 key = 0;
    __u64 v;
    CHECK(bpf_map_lookup_elem(fd, &key, &v) == -EINVAL);
    CHECK(errno == EINVAL);
}

TEST_CASE("map_lookup_batch: after EFAULT on values, *count reads 0 though keys were copied")
{
    Fd fd(filled_hash());
    REQUIRE(fd >= 3);
    Unwritable bad;
    REQUIRE(bad.p != MAP_FAILED);
    __u32 keys[8] = {}, out_batch = 0, count = 8;
    CHECK(bpf_map_lookup_batch(fd, nullptr, &out_batch, keys, bad.p, &count, nullptr) == -EFAULT);
    CHECK(errno == EFAULT);
    CHECK(count == 0);
    int copied = 0;
    for (__u32 k : keys)
        copied += k != 0;
    CHECK(copied > 0);
}

TEST_CASE("map_lookup_and_delete_batch: EFAULT on values deletes elements it did not return")
{
    Fd fd(filled_hash());
    REQUIRE(fd >= 3);
    Unwritable bad;
    REQUIRE(bad.p != MAP_FAILED);
    __u32 keys[8] = {}, out_batch = 0, count = 8;
    CHECK(bpf_map_lookup_and_delete_batch(fd, nullptr, &out_batch, keys, bad.p, &count, nullptr) ==
          -EFAULT);
    CHECK(errno == EFAULT);
    CHECK(count_keys(fd) < 8);
}

TEST_CASE("get_info: *info_len above one page gives E2BIG")
{
    Fd map(bpf_map_create(BPF_MAP_TYPE_ARRAY, "st_errors", 4, 8, 1, nullptr));
    REQUIRE(map >= 3);
    long page = sysconf(_SC_PAGESIZE);
    std::vector<unsigned char> buf(2 * page);
    __u32 len = page + 1;
    CHECK(bpf_obj_get_info_by_fd(map, buf.data(), &len) == -E2BIG);
    len = page + 1;
    CHECK(bpf_map_get_info_by_fd(map, reinterpret_cast<bpf_map_info *>(buf.data()), &len) == -E2BIG);
    len = page + 1;
    CHECK(bpf_prog_get_info_by_fd(map, reinterpret_cast<bpf_prog_info *>(buf.data()), &len) == -E2BIG);
    len = page + 1;
    CHECK(bpf_btf_get_info_by_fd(map, reinterpret_cast<bpf_btf_info *>(buf.data()), &len) == -E2BIG);
    len = page + 1;
    CHECK(bpf_link_get_info_by_fd(map, reinterpret_cast<bpf_link_info *>(buf.data()), &len) == -E2BIG);
    CHECK(errno == E2BIG);
}

TEST_CASE("get_info: the typed functions do not check the object's kind")
{
    Fd map(bpf_map_create(BPF_MAP_TYPE_ARRAY, "st_kind", 4, 8, 1, nullptr));
    REQUIRE(map >= 3);
    bpf_map_info mi{};
    __u32 len = sizeof(mi);
    // A map fd given to the program form: the kernel fills a bpf_map_info.
    CHECK(bpf_prog_get_info_by_fd(map, reinterpret_cast<bpf_prog_info *>(&mi), &len) == 0);
    CHECK(mi.type == BPF_MAP_TYPE_ARRAY);
    CHECK(std::string(mi.name) == "st_kind");
}

TEST_CASE("get_info: a non-zero byte past the kernel's struct gives E2BIG to every typed form")
{
    Fd map(bpf_map_create(BPF_MAP_TYPE_ARRAY, "st_errors", 4, 8, 1, nullptr));
    REQUIRE(map >= 3);
    long page = sysconf(_SC_PAGESIZE);
    std::vector<unsigned char> buf(page);
    buf[page - 1] = 1; // past every info struct, within one page
    __u32 len = page;
    CHECK(bpf_map_get_info_by_fd(map, reinterpret_cast<bpf_map_info *>(buf.data()), &len) == -E2BIG);
    len = page;
    CHECK(bpf_prog_get_info_by_fd(map, reinterpret_cast<bpf_prog_info *>(buf.data()), &len) == -E2BIG);
    len = page;
    CHECK(bpf_btf_get_info_by_fd(map, reinterpret_cast<bpf_btf_info *>(buf.data()), &len) == -E2BIG);
    len = page;
    CHECK(bpf_link_get_info_by_fd(map, reinterpret_cast<bpf_link_info *>(buf.data()), &len) == -E2BIG);
    CHECK(errno == E2BIG);
}

TEST_CASE("get_info: an info buffer the kernel cannot write gives EFAULT to every typed form")
{
    Fd map(bpf_map_create(BPF_MAP_TYPE_ARRAY, "st_errors", 4, 8, 1, nullptr));
    REQUIRE(map >= 3);
    Unwritable bad;
    REQUIRE(bad.p != MAP_FAILED);
    __u32 len = sizeof(bpf_map_info);
    CHECK(bpf_prog_get_info_by_fd(map, static_cast<bpf_prog_info *>(bad.p), &len) == -EFAULT);
    len = sizeof(bpf_map_info);
    CHECK(bpf_btf_get_info_by_fd(map, static_cast<bpf_btf_info *>(bad.p), &len) == -EFAULT);
    len = sizeof(bpf_map_info);
    CHECK(bpf_link_get_info_by_fd(map, static_cast<bpf_link_info *>(bad.p), &len) == -EFAULT);
    CHECK(errno == EFAULT);
}

TEST_CASE("map_lookup_elem_flags: flags the kernel does not know give EINVAL")
{
    Fd fd(filled_hash());
    REQUIRE(fd >= 3);
    __u32 key = 1;
    __u64 v;
    CHECK(bpf_map_lookup_elem_flags(fd, &key, &v, 1ull << 10) == -EINVAL);
    CHECK(errno == EINVAL);
    CHECK(bpf_map_lookup_elem_flags(fd, &key, &v, 0) == 0);
}
