// Batch map operations through the seam: attr bytes, opts sizes, count.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "historical_sizes.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>

using namespace sysbpf_test;
using sysbpf::kernel::MapBatchAttr;

namespace {

uintptr_t p(const void *x) { return reinterpret_cast<uintptr_t>(x); }

char in_b[8], out_b[8], keys[64], values[64];

// Each operation with the same fd, buffers and count; NULL where the API has
// no such argument.
struct Op {
    const char *name;
    int cmd;
    int (*call)(__u32 *count, const bpf_map_batch_opts *opts);
    bool has_batch; // in_batch/out_batch
    bool has_values;
};

const Op ops[] = {
    {"lookup", BPF_MAP_LOOKUP_BATCH,
     [](__u32 *c, const bpf_map_batch_opts *o) {
         return bpf_map_lookup_batch(7, in_b, out_b, keys, values, c, o);
     },
     true, true},
    {"lookup_and_delete", BPF_MAP_LOOKUP_AND_DELETE_BATCH,
     [](__u32 *c, const bpf_map_batch_opts *o) {
         return bpf_map_lookup_and_delete_batch(7, in_b, out_b, keys, values, c, o);
     },
     true, true},
    {"update", BPF_MAP_UPDATE_BATCH,
     [](__u32 *c, const bpf_map_batch_opts *o) {
         return bpf_map_update_batch(7, keys, values, c, o);
     },
     false, true},
    {"delete", BPF_MAP_DELETE_BATCH,
     [](__u32 *c, const bpf_map_batch_opts *o) { return bpf_map_delete_batch(7, keys, c, o); },
     false, false},
};

} // namespace

TEST_CASE("map batch: command, 56 bytes, every field at its place")
{
    for (const auto &op : ops) {
        INFO(op.name);
        FakeKernel k;
        LIBBPF_OPTS(bpf_map_batch_opts, o, .elem_flags = BPF_F_LOCK, .flags = 0x55);
        __u32 count = 16;
        CHECK(op.call(&count, &o) == 0);
        REQUIRE(k.calls.size() == 1);
        CHECK(k.calls[0].cmd == op.cmd);
        CHECK(k.calls[0].size == 56);
        MapBatchAttr expect{};
        expect.in_batch = op.has_batch ? p(in_b) : 0;
        expect.out_batch = op.has_batch ? p(out_b) : 0;
        expect.keys = p(keys);
        expect.values = op.has_values ? p(values) : 0;
        expect.count = 16;
        expect.map_fd = 7;
        expect.elem_flags = BPF_F_LOCK;
        expect.flags = 0x55;
        auto a = k.attr<MapBatchAttr>();
        CHECK(a.in_batch == expect.in_batch);
        CHECK(a.out_batch == expect.out_batch);
        CHECK(a.keys == expect.keys);
        CHECK(a.values == expect.values);
        CHECK(a.count == 16);
        CHECK(a.map_fd == 7);
        CHECK(a.elem_flags == BPF_F_LOCK);
        CHECK(a.flags == 0x55);
        CHECK(std::memcmp(k.calls[0].bytes.data(), &expect, 56) == 0);
        CHECK(count == 16); // the fake left attr.count as sent
    }
}

TEST_CASE("map batch: NULL opts and NULL batch pointers send zeros")
{
    FakeKernel k;
    __u32 count = 3;
    CHECK(bpf_map_lookup_batch(-1, nullptr, out_b, keys, values, &count, nullptr) == 0);
    auto a = k.attr<MapBatchAttr>();
    CHECK(a.in_batch == 0);
    CHECK(a.out_batch == p(out_b));
    CHECK(a.map_fd == 0xffffffffu); // the fd as sent, unvalidated
    CHECK(a.elem_flags == 0);
    CHECK(a.flags == 0);
}

TEST_CASE("map batch: every historical opts size is honoured")
{
    for (size_t sz : historical::map_batch) {
        INFO("sz " << sz);
        for (const auto &op : ops) {
            FakeKernel k;
            bpf_map_batch_opts o{};
            o.sz = sz;
            o.elem_flags = 1;
            o.flags = 2;
            __u32 count = 1;
            REQUIRE(op.call(&count, &o) == 0);
            auto a = k.attr<MapBatchAttr>();
            CHECK(a.elem_flags == 1);
            CHECK(a.flags == 2);
        }
    }
}

TEST_CASE("map batch: sz rules")
{
    unsigned char buf[64] = {};
    auto *o = reinterpret_cast<bpf_map_batch_opts *>(buf);
    o->elem_flags = 4;
    o->flags = 8;

    SECTION("sz below sizeof(size_t): EINVAL before any syscall, count untouched")
    {
        for (size_t sz : {size_t{0}, size_t{1}, sizeof(size_t) - 1}) {
            INFO("sz " << sz);
            for (const auto &op : ops) {
                FakeKernel k;
                o->sz = sz;
                __u32 count = 9;
                errno = 0;
                CHECK(op.call(&count, o) == -EINVAL);
                CHECK(errno == EINVAL);
                CHECK(k.calls.empty());
                CHECK(count == 9);
            }
        }
    }
    SECTION("only the fields inside sz are read")
    {
        FakeKernel k;
        __u32 count = 1;
        o->sz = sizeof(size_t);
        CHECK(bpf_map_delete_batch(3, keys, &count, o) == 0);
        CHECK(k.attr<MapBatchAttr>(0).elem_flags == 0);
        CHECK(k.attr<MapBatchAttr>(0).flags == 0);
        o->sz = SYSBPF_END_OF(bpf_map_batch_opts, elem_flags);
        CHECK(bpf_map_delete_batch(3, keys, &count, o) == 0);
        CHECK(k.attr<MapBatchAttr>(1).elem_flags == 4);
        CHECK(k.attr<MapBatchAttr>(1).flags == 0);
        o->sz = SYSBPF_END_OF(bpf_map_batch_opts, flags) - 4; // flags partly inside: not read
        CHECK(bpf_map_delete_batch(3, keys, &count, o) == 0);
        CHECK(k.attr<MapBatchAttr>(2).flags == 0);
    }
    SECTION("larger struct with a zero tail is accepted")
    {
        FakeKernel k;
        o->sz = sizeof(buf);
        __u32 count = 1;
        CHECK(bpf_map_update_batch(3, keys, values, &count, o) == 0);
        REQUIRE(k.calls.size() == 1);
        CHECK(k.attr<MapBatchAttr>().flags == 8);
    }
    SECTION("larger struct with a non-zero tail: EINVAL, no syscall")
    {
        FakeKernel k;
        o->sz = sizeof(buf);
        const size_t known = SYSBPF_END_OF(bpf_map_batch_opts, flags);
        buf[known] = 1;
        __u32 count = 1;
        errno = 0;
        CHECK(bpf_map_update_batch(3, keys, values, &count, o) == -EINVAL);
        CHECK(errno == EINVAL);
        buf[known] = 0;
        buf[63] = 0x80;
        CHECK(bpf_map_lookup_batch(3, nullptr, out_b, keys, values, &count, o) == -EINVAL);
        CHECK(k.calls.empty());
    }
}

TEST_CASE("map batch: count is written back from the kernel, on success and on error")
{
    for (const auto &op : ops) {
        INFO(op.name);
        FakeKernel k;
        k.then([](int, void *attr, unsigned) {
            static_cast<MapBatchAttr *>(attr)->count = 5;
            return 0L;
        });
        k.then([](int, void *attr, unsigned) {
            static_cast<MapBatchAttr *>(attr)->count = 3;
            return -long(ENOENT);
        });
        k.then([](int, void *attr, unsigned) {
            static_cast<MapBatchAttr *>(attr)->count = 0;
            return -long(EFAULT);
        });
        __u32 count = 10;
        errno = 777;
        CHECK(op.call(&count, nullptr) == 0);
        CHECK(count == 5);
        CHECK(errno == 777); // success leaves errno alone

        count = 10;
        CHECK(op.call(&count, nullptr) == -ENOENT);
        CHECK(errno == ENOENT);
        CHECK(count == 3);

        count = 10;
        CHECK(op.call(&count, nullptr) == -EFAULT);
        CHECK(errno == EFAULT);
        CHECK(count == 0);
    }
}

TEST_CASE("map batch: a kernel error without a count change leaves count as sent")
{
    FakeKernel k;
    k.then_return(-EINVAL);
    __u32 count = 42;
    CHECK(bpf_map_lookup_batch(3, nullptr, out_b, keys, values, &count, nullptr) == -EINVAL);
    CHECK(errno == EINVAL);
    CHECK(count == 42);
    CHECK(k.attr<MapBatchAttr>().count == 42);
}
