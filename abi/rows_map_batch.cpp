// Rows for the four batch operations on a hash map of u32 -> struct abi_val
// { struct bpf_spin_lock lock; u32 v; }. The lock lets the lookup and update
// rows pass elem_flags BPF_F_LOCK, the one flag the kernel takes there: opts
// that did not reach the kernel would go unnoticed with zero flags.
#include "btf_fixtures.hpp"
#include "caller_row.hpp"

#include <algorithm>
#include <cerrno>
#include <memory>
#include <utility>

// LIBBPF_OPTS leaves the fields it is not given to its memset.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace selftest;

namespace abi {
namespace {

using BatchOpts = struct bpf_map_batch_opts;
using Pairs = std::vector<std::pair<__u32, __u32>>;

struct Val {
    __u32 lock; // struct bpf_spin_lock: the kernel neither reads nor returns it
    __u32 v;
};

struct Batch {
    Fd btf, map;
    __u32 count = 0; // in/out: elements asked for / done
    __u32 keys[8] = {}, out_batch = 0;
    Val values[8] = {};
};
std::unique_ptr<Batch> g;

std::string text(Pairs p)
{
    std::sort(p.begin(), p.end());
    std::string s = "{";
    for (auto &[k, v] : p)
        s += (s.size() > 1 ? "," : "") + std::to_string(k) + ":" + std::to_string(v);
    return s + "}";
}

std::string contents(int fd)
{
    Pairs p;
    __u32 key, next;
    for (__u32 *prev = nullptr; bpf_map_get_next_key(fd, prev, &next) == 0; prev = &key) {
        Val v{};
        REQUIRE(bpf_map_lookup_elem(fd, &next, &v) == 0);
        p.emplace_back(next, v.v);
        key = next;
    }
    return text(p);
}

// The map holds exactly `pairs`; the call's buffers are cleared.
void start(std::initializer_list<std::pair<__u32, __u32>> pairs)
{
    if (!g) {
        g = std::make_unique<Batch>();
        auto blob = locked_btf();
        g->btf.reset(bpf_btf_load(blob.data(), blob.size(), nullptr));
        REQUIRE(g->btf >= 3);
        LIBBPF_OPTS(bpf_map_create_opts, o, .btf_fd = static_cast<__u32>(g->btf.get()),
                    .btf_key_type_id = kLockedBtfInt, .btf_value_type_id = kLockedBtfValue);
        g->map.reset(bpf_map_create(BPF_MAP_TYPE_HASH, "abi_batch", 4, sizeof(Val), 8, &o));
        REQUIRE(g->map >= 3);
    }
    __u32 key;
    while (bpf_map_get_next_key(g->map, nullptr, &key) == 0)
        REQUIRE(bpf_map_delete_elem(g->map, &key) == 0);
    for (auto &[k, v] : pairs) {
        Val val{0, v};
        REQUIRE(bpf_map_update_elem(g->map, &k, &val, BPF_NOEXIST) == 0);
    }
    std::memset(g->keys, 0, sizeof(g->keys));
    std::memset(g->values, 0, sizeof(g->values));
    g->out_batch = 0;
}

void teardown() { g.reset(); }

std::string map_after(int, const CallerOpts &)
{
    return "count=" + std::to_string(g->count) + " map=" + contents(g->map);
}

std::string returned_and_map_after(int rc, const CallerOpts &o)
{
    Pairs p;
    for (__u32 i = 0; i < g->count && i < 8; i++)
        p.emplace_back(g->keys[i], g->values[i].v);
    return "returned=" + text(p) + " " + map_after(rc, o);
}

// --- bpf_map_delete_batch: two of four keys -----------------------------------
void delete_fill(CallerOpts &)
{
    start({{1, 10}, {2, 20}, {3, 30}, {4, 40}});
    g->keys[0] = 1;
    g->keys[1] = 3;
    g->count = 2;
}

int delete_call(void *opts)
{
    return bpf_map_delete_batch(g->map, g->keys, &g->count, static_cast<BatchOpts *>(opts));
}

// --- bpf_map_lookup_batch / lookup_and_delete_batch: the whole map -------------
// Room for 8 and only 4 there: the kernel returns all four and ENOENT.
void lookup_fill(CallerOpts &o)
{
    start({{1, 10}, {2, 20}, {3, 30}, {4, 40}});
    g->count = 8;
    OPT_SET(o, BatchOpts, elem_flags, BPF_F_LOCK);
}

void lookup_and_delete_fill(CallerOpts &)
{
    start({{1, 10}, {2, 20}, {3, 30}, {4, 40}});
    g->count = 8;
}

int lookup_call(void *opts)
{
    return bpf_map_lookup_batch(g->map, nullptr, &g->out_batch, g->keys, g->values, &g->count,
                                static_cast<BatchOpts *>(opts));
}

int lookup_and_delete_call(void *opts)
{
    return bpf_map_lookup_and_delete_batch(g->map, nullptr, &g->out_batch, g->keys, g->values, &g->count,
                                           static_cast<BatchOpts *>(opts));
}

// --- bpf_map_update_batch: two new keys and one replaced, under the lock -------
void update_fill(CallerOpts &o)
{
    start({{1, 10}});
    const __u32 keys[] = {2, 3, 1};
    const Val values[] = {{0, 20}, {0, 30}, {0, 11}};
    std::memcpy(g->keys, keys, sizeof(keys));
    std::memcpy(g->values, values, sizeof(values));
    g->count = 3;
    OPT_SET(o, BatchOpts, elem_flags, BPF_F_LOCK);
}

int update_call(void *opts)
{
    return bpf_map_update_batch(g->map, g->keys, g->values, &g->count, static_cast<BatchOpts *>(opts));
}

constexpr size_t kEnd = KNOWN_END(bpf_map_batch_opts);

} // namespace

std::vector<Row> map_batch_rows()
{
    return {
        {"bpf_map_delete_batch", "bpf_map_batch_opts", sizeof(BatchOpts), kEnd, "count=2 map={2:20,4:40}",
         delete_fill, delete_call, map_after, teardown, nullptr},
        {"bpf_map_lookup_batch", "bpf_map_batch_opts", sizeof(BatchOpts), kEnd,
         "error ENOENT errno ENOENT; returned={1:10,2:20,3:30,4:40} count=4 map={1:10,2:20,3:30,4:40}",
         lookup_fill, lookup_call, returned_and_map_after, teardown, nullptr},
        {"bpf_map_lookup_and_delete_batch", "bpf_map_batch_opts", sizeof(BatchOpts), kEnd,
         "error ENOENT errno ENOENT; returned={1:10,2:20,3:30,4:40} count=4 map={}", lookup_and_delete_fill,
         lookup_and_delete_call, returned_and_map_after, teardown, nullptr},
        {"bpf_map_update_batch", "bpf_map_batch_opts", sizeof(BatchOpts), kEnd, "count=3 map={1:11,2:20,3:30}",
         update_fill, update_call, map_after, teardown, nullptr},
    };
}

} // namespace abi
