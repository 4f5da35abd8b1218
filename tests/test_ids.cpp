// Id walking and opening by id through the seam.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "historical_sizes.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>

using namespace sysbpf_test;
using sysbpf::kernel::GetIdAttr;

namespace {
constexpr __u32 kTokenFd = 1u << 16; // BPF_F_TOKEN_FD

template <class T>
T sized(size_t sz)
{
    T o;
    std::memset(&o, 0, sizeof(o));
    o.sz = sz;
    return o;
}

struct NextId {
    int cmd;
    int (*fn)(__u32, __u32 *);
};
const NextId next_ids[] = {
    {BPF_PROG_GET_NEXT_ID, bpf_prog_get_next_id},
    {BPF_MAP_GET_NEXT_ID, bpf_map_get_next_id},
    {BPF_BTF_GET_NEXT_ID, bpf_btf_get_next_id},
    {BPF_LINK_GET_NEXT_ID, bpf_link_get_next_id},
};

struct ById {
    int cmd;
    int (*plain)(__u32);
    int (*with_opts)(__u32, const bpf_get_fd_by_id_opts *);
    unsigned size;
};
const ById by_ids[] = {
    {BPF_PROG_GET_FD_BY_ID, bpf_prog_get_fd_by_id, bpf_prog_get_fd_by_id_opts, 12},
    {BPF_MAP_GET_FD_BY_ID, bpf_map_get_fd_by_id, bpf_map_get_fd_by_id_opts, 12},
    {BPF_BTF_GET_FD_BY_ID, bpf_btf_get_fd_by_id, bpf_btf_get_fd_by_id_opts, 16},
    {BPF_LINK_GET_FD_BY_ID, bpf_link_get_fd_by_id, bpf_link_get_fd_by_id_opts, 12},
};
} // namespace

TEST_CASE("get_next_id: 12 bytes, start_id in, next_id out")
{
    for (const auto &c : next_ids) {
        INFO("cmd " << c.cmd);
        FakeKernel k;
        k.then([](int, void *attr, unsigned) {
            static_cast<GetIdAttr *>(attr)->next_id = 1234;
            return 0L;
        });
        __u32 next = 0;
        CHECK(c.fn(77, &next) == 0);
        REQUIRE(k.calls.size() == 1);
        CHECK(k.calls[0].cmd == c.cmd);
        CHECK(k.calls[0].size == 12);
        GetIdAttr e{};
        e.start_id = 77;
        CHECK(std::memcmp(k.calls[0].bytes.data(), &e, 12) == 0);
        CHECK(next == 1234);
    }
}

TEST_CASE("get_next_id: on failure next_id is left alone and errno set")
{
    for (const auto &c : next_ids) {
        FakeKernel k;
        k.then([](int, void *attr, unsigned) {
            static_cast<GetIdAttr *>(attr)->next_id = 1234;
            return -long(ENOENT);
        });
        __u32 next = 5;
        errno = 0;
        CHECK(c.fn(77, &next) == -ENOENT);
        CHECK(errno == ENOENT);
        CHECK(next == 5);
        errno = 4321;
        CHECK(c.fn(0, &next) == 0);
        CHECK(errno == 4321);
    }
}

TEST_CASE("get_fd_by_id: id in place, 12 bytes (16 for BTF), returns the fd")
{
    for (const auto &c : by_ids) {
        INFO("cmd " << c.cmd);
        FakeKernel k;
        k.then_return(40);
        k.then_return(41);
        CHECK(c.plain(55) == 40);
        CHECK(c.with_opts(56, nullptr) == 41);
        REQUIRE(k.calls.size() == 2);
        for (int i = 0; i < 2; i++) {
            CHECK(k.calls[i].cmd == c.cmd);
            CHECK(k.calls[i].size == c.size);
            GetIdAttr e{};
            e.start_id = 55 + i;
            CHECK(std::memcmp(k.calls[i].bytes.data(), &e, c.size) == 0);
        }
    }
}

TEST_CASE("get_fd_by_id_opts: open_flags for all; token_fd only for BTF")
{
    for (const auto &c : by_ids) {
        INFO("cmd " << c.cmd);
        FakeKernel k;
        k.then_return(40);
        LIBBPF_OPTS(bpf_get_fd_by_id_opts, o, .open_flags = BPF_F_RDONLY | kTokenFd,
                    .token_fd = 9);
        CHECK(c.with_opts(55, &o) == 40);
        CHECK(k.calls[0].size == c.size);
        auto a = k.attr<GetIdAttr>();
        CHECK(a.start_id == 55);
        CHECK(a.next_id == 0);
        CHECK(a.open_flags == (BPF_F_RDONLY | kTokenFd));
        CHECK(a.fd_by_id_token_fd == (c.size == 16 ? 9 : 0));
    }
}

TEST_CASE("get_fd_by_id_opts: every historical size; fields past sz are not read")
{
    for (const auto &c : by_ids) {
        for (size_t sz : historical::get_fd_by_id) {
            FakeKernel k;
            k.then_return(40);
            auto o = sized<bpf_get_fd_by_id_opts>(sz);
            o.open_flags = BPF_F_WRONLY;
            o.token_fd = 3;
            CHECK(c.with_opts(1, &o) == 40);
            CHECK(k.attr<GetIdAttr>().open_flags == BPF_F_WRONLY);
            const bool token_in = sz >= SYSBPF_END_OF(bpf_get_fd_by_id_opts, token_fd);
            CHECK(k.attr<GetIdAttr>().fd_by_id_token_fd == (c.size == 16 && token_in ? 3 : 0));
        }
        FakeKernel k;
        k.then_return(40);
        auto o = sized<bpf_get_fd_by_id_opts>(offsetof(struct bpf_get_fd_by_id_opts, token_fd));
        o.open_flags = BPF_F_WRONLY;
        o.token_fd = 3;
        CHECK(c.with_opts(1, &o) == 40);
        CHECK(k.attr<GetIdAttr>().open_flags == BPF_F_WRONLY);
        CHECK(k.attr<GetIdAttr>().fd_by_id_token_fd == 0);
    }
}

TEST_CASE("get_fd_by_id_opts: bad opts are EINVAL before any syscall; kernel errors pass through")
{
    for (const auto &c : by_ids) {
        FakeKernel k;
        unsigned char big[24] = {};
        auto *o = reinterpret_cast<bpf_get_fd_by_id_opts *>(big);
        o->sz = sizeof(big);
        big[16] = 1;
        errno = 0;
        CHECK(c.with_opts(1, o) == -EINVAL);
        CHECK(errno == EINVAL);
        big[16] = 0;
        o->sz = 2;
        CHECK(c.with_opts(1, o) == -EINVAL);
        CHECK(k.calls.empty());
        o->sz = sizeof(big);
        k.then_return(44);
        CHECK(c.with_opts(1, o) == 44);
        k.then_return(-ENOENT);
        errno = 0;
        CHECK(c.plain(1) == -ENOENT);
        CHECK(errno == ENOENT);
    }
}
