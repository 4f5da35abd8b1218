// Batch map operations on the real kernel: hash, per-CPU hash and array maps
// with real data, and every documented failure with its errno.
#include "btf_fixtures.hpp"
#include "harness/harness.hpp"
#include "kernel_helpers.hpp"
#include "kernel_refusal.hpp"

#include <bpf/bpf.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <vector>

using namespace selftest;

namespace {

constexpr __u32 kEntries = 1000;

Fd make_map(bpf_map_type type, __u32 max_entries = kEntries, __u32 value_size = 8)
{
    return Fd(bpf_map_create(type, nullptr, sizeof(__u32), value_size, max_entries, nullptr));
}

// Empty when batch commands work (Linux 5.6+); otherwise the skip reason.
std::string batch_unsupported()
{
    Fd fd = make_map(BPF_MAP_TYPE_ARRAY, 1);
    if (fd < 0)
        return ""; // not the kernel's refusal of batches: the test fails on its own map
    __u32 key, value, out, count = 0;
    int r = bpf_map_lookup_batch(fd, nullptr, &out, &key, &value, &count, nullptr);
    if (r == 0)
        return "";
    RawAttr raw; // in_batch, out_batch, keys, values, count, map_fd
    raw.ptr(8, &out).ptr(16, &key).ptr(24, &value).u32(32, 0).u32(36, static_cast<__u32>(fd.get()));
    return kernel_lacks("BPF_MAP_LOOKUP_BATCH (5.6+)", -r, raw_bpf_err(BPF_MAP_LOOKUP_BATCH, raw),
                        "BPF_MAP_LOOKUP_BATCH", btf_lacks("bpf_cmd", "BPF_MAP_LOOKUP_BATCH"));
}

std::vector<__u32> iota_keys(__u32 n, __u32 first = 0)
{
    std::vector<__u32> k(n);
    for (__u32 i = 0; i < n; i++)
        k[i] = first + i;
    return k;
}

__u64 value_of(__u32 key) { return key * 3ull + 7; }

// Fills `fd` with keys 0..n-1 -> value_of(key) in one update_batch call.
void fill(int fd, __u32 n)
{
    auto keys = iota_keys(n);
    std::vector<__u64> values(n);
    for (__u32 i = 0; i < n; i++)
        values[i] = value_of(keys[i]);
    __u32 count = n;
    REQUIRE(bpf_map_update_batch(fd, keys.data(), values.data(), &count, nullptr) == 0);
    REQUIRE(count == n);
}

// Number of keys left in the map, by get_next_key.
__u32 key_count(int fd)
{
    __u32 n = 0, cur = 0, next = 0;
    const __u32 *prev = nullptr;
    while (bpf_map_get_next_key(fd, prev, &next) == 0) {
        n++;
        cur = next;
        prev = &cur;
    }
    return n;
}

// Reads (or drains) the whole map in chunks of `chunk` with in/out_batch
// cursors of `cursor_size` bytes, until the kernel says ENOENT. Returns
// key -> value (value_words u64 per element); `calls` counts the calls.
template <class Fn>
std::map<__u32, std::vector<__u64>> read_all(Fn batch_fn, int fd, __u32 chunk, size_t value_words,
                                             int &calls)
{
    std::map<__u32, std::vector<__u64>> seen;
    std::vector<__u32> keys(chunk);
    std::vector<__u64> values(chunk * value_words);
    __u64 in_batch = 0, out_batch = 0; // large enough for any map's cursor
    bool first = true;
    calls = 0;
    for (;;) {
        __u32 count = chunk;
        int r = batch_fn(fd, first ? nullptr : &in_batch, &out_batch, keys.data(), values.data(),
                         &count, nullptr);
        calls++;
        REQUIRE((r == 0 || r == -ENOENT));
        if (r == -ENOENT)
            CHECK(errno == ENOENT);
        REQUIRE(count <= chunk);
        for (__u32 i = 0; i < count; i++) {
            auto v = values.begin() + i * value_words;
            CHECK(seen.emplace(keys[i], std::vector<__u64>(v, v + value_words)).second);
        }
        if (r == -ENOENT)
            break;
        REQUIRE(count > 0);
        in_batch = out_batch;
        first = false;
        REQUIRE(calls < 1000);
    }
    return seen;
}

} // namespace

TEST_CASE("map batch: hash map, update_batch of 1000 entries, checked with lookups")
{
    auto why = batch_unsupported();
    if (!why.empty())
        SKIP_TEST(why);
    Fd fd = make_map(BPF_MAP_TYPE_HASH);
    REQUIRE(fd >= 3);
    fill(fd, kEntries);
    CHECK(key_count(fd) == kEntries);
    for (__u32 k = 0; k < kEntries; k++) {
        __u64 v = 0;
        REQUIRE(bpf_map_lookup_elem(fd, &k, &v) == 0);
        CHECK(v == value_of(k));
    }
}

TEST_CASE("map batch: hash map, lookup_batch reads all 1000 entries in chunks until ENOENT")
{
    auto why = batch_unsupported();
    if (!why.empty())
        SKIP_TEST(why);
    Fd fd = make_map(BPF_MAP_TYPE_HASH);
    REQUIRE(fd >= 3);
    fill(fd, kEntries);
    int calls = 0;
    auto seen = read_all(bpf_map_lookup_batch, fd, 64, 1, calls);
    CHECK(calls > 1);
    REQUIRE(seen.size() == kEntries);
    for (const auto &[k, v] : seen)
        CHECK(v[0] == value_of(k));
    CHECK(key_count(fd) == kEntries); // lookup leaves the map as it was
}

TEST_CASE("map batch: per-CPU hash map, one value per possible CPU, both ways")
{
    auto why = batch_unsupported();
    if (!why.empty())
        SKIP_TEST(why);
    const int ncpu = possible_cpus();
    REQUIRE(ncpu > 0);
    Fd fd = make_map(BPF_MAP_TYPE_PERCPU_HASH);
    REQUIRE(fd >= 3);
    auto keys = iota_keys(kEntries);
    std::vector<__u64> values(size_t(kEntries) * ncpu);
    for (__u32 i = 0; i < kEntries; i++)
        for (int c = 0; c < ncpu; c++)
            values[size_t(i) * ncpu + c] = value_of(i) * 1000 + c;
    __u32 count = kEntries;
    REQUIRE(bpf_map_update_batch(fd, keys.data(), values.data(), &count, nullptr) == 0);
    CHECK(count == kEntries);

    std::vector<__u64> one(ncpu);
    __u32 k = 123;
    REQUIRE(bpf_map_lookup_elem(fd, &k, one.data()) == 0);
    CHECK(one[ncpu - 1] == value_of(123) * 1000 + ncpu - 1);

    int calls = 0;
    auto seen = read_all(bpf_map_lookup_batch, fd, 100, ncpu, calls);
    REQUIRE(seen.size() == kEntries);
    for (const auto &[key, v] : seen)
        for (int c = 0; c < ncpu; c++)
            CHECK(v[c] == value_of(key) * 1000 + c);

    auto drained = read_all(bpf_map_lookup_and_delete_batch, fd, 100, ncpu, calls);
    CHECK(drained == seen);
    CHECK(key_count(fd) == 0);
}

TEST_CASE("map batch: array map, update_batch then lookup_batch in chunks until ENOENT")
{
    auto why = batch_unsupported();
    if (!why.empty())
        SKIP_TEST(why);
    Fd fd = make_map(BPF_MAP_TYPE_ARRAY);
    REQUIRE(fd >= 3);
    fill(fd, kEntries);
    __u32 k = 999;
    __u64 v = 0;
    REQUIRE(bpf_map_lookup_elem(fd, &k, &v) == 0);
    CHECK(v == value_of(999));

    int calls = 0;
    auto seen = read_all(bpf_map_lookup_batch, fd, 64, 1, calls);
    CHECK(calls == 16); // 15 full chunks, then ENOENT with the last 40
    REQUIRE(seen.size() == kEntries);
    for (const auto &[key, val] : seen)
        CHECK(val[0] == value_of(key));
}

TEST_CASE("map batch: array map cursor: in_batch is the last key read; ENOENT carries the rest")
{
    auto why = batch_unsupported();
    if (!why.empty())
        SKIP_TEST(why);
    Fd fd = make_map(BPF_MAP_TYPE_ARRAY);
    REQUIRE(fd >= 3);
    fill(fd, kEntries);
    __u32 in = 995, out = 0, keys[10];
    __u64 values[10];
    __u32 count = 10;
    errno = 0;
    CHECK(bpf_map_lookup_batch(fd, &in, &out, keys, values, &count, nullptr) == -ENOENT);
    CHECK(errno == ENOENT);
    CHECK(count == 4); // 996..999
    CHECK(keys[0] == 996);
    CHECK(keys[3] == 999);
    CHECK(values[3] == value_of(999));
    CHECK(out == 999);
    in = 999;
    count = 10;
    CHECK(bpf_map_lookup_batch(fd, &in, &out, keys, values, &count, nullptr) == -ENOENT);
    CHECK(count == 0);
}

TEST_CASE("map batch: lookup_and_delete_batch drains a hash map")
{
    auto why = batch_unsupported();
    if (!why.empty())
        SKIP_TEST(why);
    Fd fd = make_map(BPF_MAP_TYPE_HASH);
    REQUIRE(fd >= 3);
    fill(fd, kEntries);
    int calls = 0;
    auto seen = read_all(bpf_map_lookup_and_delete_batch, fd, 128, 1, calls);
    CHECK(calls > 1);
    REQUIRE(seen.size() == kEntries);
    for (const auto &[k, v] : seen)
        CHECK(v[0] == value_of(k));
    CHECK(key_count(fd) == 0);
    __u32 k = 5;
    __u64 v;
    CHECK(bpf_map_lookup_elem(fd, &k, &v) == -ENOENT);
}

TEST_CASE("map batch: delete_batch removes exactly the given keys")
{
    auto why = batch_unsupported();
    if (!why.empty())
        SKIP_TEST(why);
    Fd fd = make_map(BPF_MAP_TYPE_HASH);
    REQUIRE(fd >= 3);
    fill(fd, kEntries);
    auto gone = iota_keys(500, 250); // 250..749
    __u32 count = 500;
    REQUIRE(bpf_map_delete_batch(fd, gone.data(), &count, nullptr) == 0);
    CHECK(count == 500);
    CHECK(key_count(fd) == kEntries - 500);
    for (__u32 k : {0u, 249u, 250u, 749u, 750u, 999u}) {
        __u64 v = 0;
        bool kept = k < 250 || k >= 750;
        CHECK(bpf_map_lookup_elem(fd, &k, &v) == (kept ? 0 : -ENOENT));
        if (kept)
            CHECK(v == value_of(k));
    }
}

TEST_CASE("map batch: delete_batch stops at a missing key: ENOENT with the count done")
{
    auto why = batch_unsupported();
    if (!why.empty())
        SKIP_TEST(why);
    Fd fd = make_map(BPF_MAP_TYPE_HASH, 16);
    REQUIRE(fd >= 3);
    fill(fd, 10);
    __u32 keys[] = {1, 2, 500, 3};
    __u32 count = 4;
    errno = 0;
    CHECK(bpf_map_delete_batch(fd, keys, &count, nullptr) == -ENOENT);
    CHECK(errno == ENOENT);
    CHECK(count == 2);
    CHECK(key_count(fd) == 8); // 1 and 2 went, 3 stayed
    __u32 k = 3;
    __u64 v;
    CHECK(bpf_map_lookup_elem(fd, &k, &v) == 0);
}

TEST_CASE("map batch: count 0 does nothing and succeeds; an empty map gives ENOENT")
{
    auto why = batch_unsupported();
    if (!why.empty())
        SKIP_TEST(why);
    Fd fd = make_map(BPF_MAP_TYPE_HASH, 8);
    REQUIRE(fd >= 3);
    __u32 keys[8], out = 0;
    __u64 values[8];
    __u32 count = 0;
    CHECK(bpf_map_lookup_batch(fd, nullptr, &out, keys, values, &count, nullptr) == 0);
    CHECK(count == 0);
    count = 8;
    errno = 0;
    CHECK(bpf_map_lookup_batch(fd, nullptr, &out, keys, values, &count, nullptr) == -ENOENT);
    CHECK(errno == ENOENT);
    CHECK(count == 0);
}

TEST_CASE("map batch: elem_flags")
{
    auto why = batch_unsupported();
    if (!why.empty())
        SKIP_TEST(why);
    Fd hash = make_map(BPF_MAP_TYPE_HASH, 16);
    Fd array = make_map(BPF_MAP_TYPE_ARRAY, 16);
    REQUIRE(hash >= 3);
    REQUIRE(array >= 3);
    auto keys = iota_keys(4);
    __u64 values[4] = {1, 2, 3, 4};
    __u32 out = 0;

    SECTION("elem_flags 0 through opts works on both map types")
    {
        LIBBPF_OPTS(bpf_map_batch_opts, o, .elem_flags = 0, .flags = 0);
        for (int fd : {hash.get(), array.get()}) {
            __u32 count = 4;
            CHECK(bpf_map_update_batch(fd, keys.data(), values, &count, &o) == 0);
            CHECK(count == 4);
            __u32 k[16];
            __u64 v[16];
            count = 16;
            int r = bpf_map_lookup_batch(fd, nullptr, &out, k, v, &count, &o);
            CHECK((r == 0 || r == -ENOENT));
            CHECK(count == (fd == hash.get() ? 4u : 16u));
        }
    }
    SECTION("BPF_F_LOCK on a map without a bpf_spin_lock: EINVAL")
    {
        LIBBPF_OPTS(bpf_map_batch_opts, o, .elem_flags = BPF_F_LOCK);
        for (int fd : {hash.get(), array.get()}) {
            __u32 count = 4;
            errno = 0;
            CHECK(bpf_map_update_batch(fd, keys.data(), values, &count, &o) == -EINVAL);
            CHECK(errno == EINVAL);
            __u32 k[4];
            __u64 v[4];
            count = 4;
            CHECK(bpf_map_lookup_batch(fd, nullptr, &out, k, v, &count, &o) == -EINVAL);
            CHECK(errno == EINVAL);
        }
    }
    SECTION("per-element update flags (BPF_NOEXIST) are not batch elem_flags: EINVAL")
    {
        LIBBPF_OPTS(bpf_map_batch_opts, o, .elem_flags = BPF_NOEXIST);
        for (int fd : {hash.get(), array.get()}) {
            __u32 count = 4;
            errno = 0;
            CHECK(bpf_map_update_batch(fd, keys.data(), values, &count, &o) == -EINVAL);
            CHECK(errno == EINVAL);
        }
    }
    SECTION("non-zero batch flags on a hash map lookup: EINVAL")
    {
        LIBBPF_OPTS(bpf_map_batch_opts, o, .flags = 1);
        __u32 k[4];
        __u64 v[4];
        __u32 count = 4;
        errno = 0;
        CHECK(bpf_map_lookup_batch(hash, nullptr, &out, k, v, &count, &o) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK(bpf_map_lookup_and_delete_batch(hash, nullptr, &out, k, v, &count, &o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
}

TEST_CASE("map batch: BPF_F_LOCK with a bpf_spin_lock in the value (BTF)")
{
    auto why = batch_unsupported();
    if (!why.empty())
        SKIP_TEST(why);
    auto blob = locked_btf();
    Fd btf(bpf_btf_load(blob.data(), blob.size(), nullptr));
    REQUIRE(btf >= 3);
    LIBBPF_OPTS(bpf_map_create_opts, mo, .btf_fd = (__u32)btf.get(), .btf_key_type_id = kLockedBtfInt,
                .btf_value_type_id = kLockedBtfValue);
    Fd fd(bpf_map_create(BPF_MAP_TYPE_HASH, "st_locked", 4, 8, 16, &mo));
    REQUIRE(fd >= 3);

    struct Locked {
        __u32 lock;
        __s32 x;
    };
    __u32 keys[4] = {1, 2, 3, 4};
    Locked values[4] = {{0, 10}, {0, 20}, {0, 30}, {0, 40}};
    LIBBPF_OPTS(bpf_map_batch_opts, o, .elem_flags = BPF_F_LOCK);
    __u32 count = 4;
    REQUIRE(bpf_map_update_batch(fd, keys, values, &count, &o) == 0);
    CHECK(count == 4);

    __u32 out_keys[8], out = 0;
    Locked out_values[8] = {};
    count = 8;
    CHECK(bpf_map_lookup_batch(fd, nullptr, &out, out_keys, out_values, &count, &o) == -ENOENT);
    REQUIRE(count == 4);
    for (__u32 i = 0; i < count; i++) {
        CHECK(out_values[i].x == __s32(out_keys[i] * 10));
        CHECK(out_values[i].lock == 0); // never copied out
    }
}

TEST_CASE("map batch: kernel-side errors")
{
    auto why = batch_unsupported();
    if (!why.empty())
        SKIP_TEST(why);
    const int before = open_fd_count();
    Fd hash = make_map(BPF_MAP_TYPE_HASH, 16);
    Fd array = make_map(BPF_MAP_TYPE_ARRAY, 16);
    REQUIRE(hash >= 3);
    REQUIRE(array >= 3);
    fill(hash, 10);
    fill(array, 16);
    __u32 keys[16], out = 0;
    __u64 values[16];
    void *bad = reinterpret_cast<void *>(8);

    SECTION("delete and lookup_and_delete on an array map: ENOTSUPP (524), leaked unchanged")
    {
        __u32 count = 4;
        errno = 0;
        CHECK(bpf_map_delete_batch(array, keys, &count, nullptr) == -kENOTSUPP);
        CHECK(errno == kENOTSUPP);
        CHECK(bpf_map_lookup_and_delete_batch(array, nullptr, &out, keys, values, &count,
                                              nullptr) == -kENOTSUPP);
        CHECK(errno == kENOTSUPP);
    }
    SECTION("a map type without batch support (queue): ENOTSUPP")
    {
        Fd q(bpf_map_create(BPF_MAP_TYPE_QUEUE, nullptr, 0, 4, 4, nullptr));
        REQUIRE(q >= 3);
        __u32 count = 4;
        CHECK(bpf_map_lookup_batch(q, nullptr, &out, keys, values, &count, nullptr) ==
              -kENOTSUPP);
        CHECK(errno == kENOTSUPP);
    }
    SECTION("EBADF for a closed fd, EINVAL for a non-map fd")
    {
        __u32 count = 4;
        errno = 0;
        CHECK(bpf_map_lookup_batch(100000, nullptr, &out, keys, values, &count, nullptr) ==
              -EBADF);
        CHECK(errno == EBADF);
        CHECK(bpf_map_update_batch(-1, keys, values, &count, nullptr) == -EBADF);
        CHECK(errno == EBADF);
        Fd notmap(::dup(1));
        CHECK(bpf_map_delete_batch(notmap, keys, &count, nullptr) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK(count == 4);
    }
    SECTION("EFAULT for bad key, value and cursor pointers; count reports progress")
    {
        __u32 count = 4;
        CHECK(bpf_map_lookup_batch(hash, nullptr, &out, bad, values, &count, nullptr) == -EFAULT);
        CHECK(errno == EFAULT);
        CHECK(count == 0);
        count = 4;
        CHECK(bpf_map_lookup_batch(hash, nullptr, &out, keys, bad, &count, nullptr) == -EFAULT);
        CHECK(errno == EFAULT);
        count = 4;
        CHECK(bpf_map_lookup_batch(hash, bad, &out, keys, values, &count, nullptr) == -EFAULT);
        CHECK(errno == EFAULT);
        count = 4;
        CHECK(bpf_map_lookup_batch(hash, nullptr, nullptr, keys, values, &count, nullptr) ==
              -EFAULT);
        CHECK(errno == EFAULT);
        count = 4;
        CHECK(bpf_map_update_batch(hash, bad, values, &count, nullptr) == -EFAULT);
        CHECK(errno == EFAULT);
        CHECK(count == 0);
        count = 4;
        CHECK(bpf_map_delete_batch(hash, bad, &count, nullptr) == -EFAULT);
        CHECK(errno == EFAULT);
        CHECK(key_count(hash) == 10); // nothing changed
    }
    SECTION("EFAULT after the elements were copied: the array map's count still comes back")
    {
        // The kernel copies 10 elements, then fails to write the NULL
        // out_batch cursor: *count says 10 despite the error.
        __u32 count = 10;
        errno = 0;
        CHECK(bpf_map_lookup_batch(array, nullptr, nullptr, keys, values, &count, nullptr) ==
              -EFAULT);
        CHECK(errno == EFAULT);
        CHECK(count == 10);
        CHECK(keys[9] == 9);
        CHECK(values[9] == value_of(9));
    }
    SECTION("E2BIG past a hash map's capacity and for an out-of-range array key, with progress")
    {
        auto many = iota_keys(10, 100); // 6 more fit in the hash map
        std::vector<__u64> vals(10, 1);
        __u32 count = 10;
        errno = 0;
        CHECK(bpf_map_update_batch(hash, many.data(), vals.data(), &count, nullptr) == -E2BIG);
        CHECK(errno == E2BIG);
        CHECK(count == 6);
        CHECK(key_count(hash) == 16);
        __u32 ak[] = {1, 2, 16, 3};
        count = 4;
        CHECK(bpf_map_update_batch(array, ak, vals.data(), &count, nullptr) == -E2BIG);
        CHECK(errno == E2BIG);
        CHECK(count == 2);
    }
    SECTION("ENOSPC when one hash bucket holds more elements than count")
    {
        // Two keys in a two-bucket map share a bucket half the time; look
        // for a colliding pair. Then count 1 cannot hold that bucket.
        bool found = false;
        for (__u32 k = 1; k < 64 && !found; k++) {
            Fd two = make_map(BPF_MAP_TYPE_HASH, 2);
            REQUIRE(two >= 3);
            __u32 a = 0;
            __u64 v = 1;
            REQUIRE(bpf_map_update_elem(two, &a, &v, BPF_ANY) == 0);
            REQUIRE(bpf_map_update_elem(two, &k, &v, BPF_ANY) == 0);
            __u32 count = 1;
            int r = bpf_map_lookup_batch(two, nullptr, &out, keys, values, &count, nullptr);
            if (r == -ENOSPC) {
                found = true;
                CHECK(errno == ENOSPC);
                CHECK(count == 0);
            } else {
                REQUIRE(r == 0);
                CHECK(count == 1);
            }
        }
        CHECK(found);
    }
    SECTION("EPERM for writes to a frozen map")
    {
        REQUIRE(bpf_map_freeze(hash) == 0);
        __u32 count = 2;
        errno = 0;
        CHECK(bpf_map_update_batch(hash, keys, values, &count, nullptr) == -EPERM);
        CHECK(errno == EPERM);
        CHECK(bpf_map_delete_batch(hash, keys, &count, nullptr) == -EPERM);
        CHECK(errno == EPERM);
        CHECK(bpf_map_lookup_and_delete_batch(hash, nullptr, &out, keys, values, &count,
                                              nullptr) == -EPERM);
        CHECK(errno == EPERM);
        count = 16;
        CHECK(bpf_map_lookup_batch(hash, nullptr, &out, keys, values, &count, nullptr) ==
              -ENOENT); // reading is still allowed
        CHECK(count == 10);
    }
    SECTION("opts with a bad sz: EINVAL from the library, count untouched")
    {
        bpf_map_batch_opts o{};
        o.sz = sizeof(size_t) - 1;
        __u32 count = 3;
        errno = 0;
        CHECK(bpf_map_lookup_batch(hash, nullptr, &out, keys, values, &count, &o) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK(count == 3);
    }
    hash.reset();
    array.reset();
    CHECK(open_fd_count() == before);
}
