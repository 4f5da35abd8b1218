// Single-element map operations through the seam.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"

#include <bpf/bpf.h>

#include <cerrno>

using namespace sysbpf_test;
using sysbpf::kernel::MapElemAttr;
using sysbpf::kernel::MapNextKeyAttr;

namespace {
const int key = 1;
long value = 2;
uintptr_t p(const void *x) { return reinterpret_cast<uintptr_t>(x); }
} // namespace

TEST_CASE("map elem ops: command, size 32 and fields")
{
    FakeKernel k;
    struct Case {
        int cmd;
        int (*call)();
        bool has_value;
        __u64 flags;
    };
    const Case cases[] = {
        {BPF_MAP_UPDATE_ELEM, [] { return bpf_map_update_elem(7, &key, &value, BPF_NOEXIST); }, true, BPF_NOEXIST},
        {BPF_MAP_LOOKUP_ELEM, [] { return bpf_map_lookup_elem(7, &key, &value); }, true, 0},
        {BPF_MAP_LOOKUP_ELEM, [] { return bpf_map_lookup_elem_flags(7, &key, &value, BPF_F_LOCK); }, true, BPF_F_LOCK},
        {BPF_MAP_LOOKUP_AND_DELETE_ELEM, [] { return bpf_map_lookup_and_delete_elem(7, &key, &value); }, true, 0},
        {BPF_MAP_LOOKUP_AND_DELETE_ELEM, [] { return bpf_map_lookup_and_delete_elem_flags(7, &key, &value, BPF_F_LOCK); }, true, BPF_F_LOCK},
        {BPF_MAP_DELETE_ELEM, [] { return bpf_map_delete_elem(7, &key); }, false, 0},
        {BPF_MAP_DELETE_ELEM, [] { return bpf_map_delete_elem_flags(7, &key, 3); }, false, 3},
    };
    for (const auto &c : cases) {
        k.calls.clear();
        CHECK(c.call() == 0);
        REQUIRE(k.calls.size() == 1);
        CHECK(k.calls[0].cmd == c.cmd);
        CHECK(k.calls[0].size == 32);
        auto a = k.attr<MapElemAttr>();
        CHECK(a.map_fd == 7);
        CHECK(a.key == p(&key));
        CHECK(a.value == (c.has_value ? p(&value) : 0));
        CHECK(a.flags == c.flags);
        CHECK(a.pad0 == 0);
    }
}

TEST_CASE("map elem ops: errors return -errno and set errno")
{
    FakeKernel k;
    k.fallback = [](int, void *, unsigned) { return -long(ENOENT); };
    errno = 0;
    CHECK(bpf_map_lookup_elem(7, &key, &value) == -ENOENT);
    CHECK(errno == ENOENT);
    errno = 0;
    CHECK(bpf_map_delete_elem(7, &key) == -ENOENT);
    CHECK(errno == ENOENT);
}

TEST_CASE("map elem ops: success leaves errno alone")
{
    FakeKernel k;
    errno = 1234;
    CHECK(bpf_map_update_elem(7, &key, &value, 0) == 0);
    CHECK(errno == 1234);
}

TEST_CASE("get_next_key: size 24, next_key in the value slot")
{
    FakeKernel k;
    int next = 0;
    CHECK(bpf_map_get_next_key(9, &key, &next) == 0);
    CHECK(k.calls[0].cmd == BPF_MAP_GET_NEXT_KEY);
    CHECK(k.calls[0].size == 24);
    auto a = k.attr<MapNextKeyAttr>();
    CHECK(a.map_fd == 9);
    CHECK(a.key == p(&key));
    CHECK(a.next_key == p(&next));
    CHECK(bpf_map_get_next_key(9, nullptr, &next) == 0);
    CHECK(k.attr<MapNextKeyAttr>(1).key == 0);
}

TEST_CASE("map_freeze: size 4")
{
    FakeKernel k;
    CHECK(bpf_map_freeze(5) == 0);
    CHECK(k.calls[0].cmd == BPF_MAP_FREEZE);
    CHECK(k.calls[0].size == 4);
    CHECK(k.attr<sysbpf::kernel::MapFdAttr>().map_fd == 5);
}
