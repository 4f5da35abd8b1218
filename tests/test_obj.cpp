// bpf_obj_pin[_opts] and bpf_obj_get[_opts] through the seam.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "historical_sizes.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>

using namespace sysbpf_test;
using sysbpf::kernel::ObjAttr;

namespace {
constexpr __u32 kPathFd = 1u << 14; // BPF_F_PATH_FD
const char path[] = "/sys/fs/bpf/x";
uintptr_t p(const void *x) { return reinterpret_cast<uintptr_t>(x); }

template <class T>
T sized(size_t sz)
{
    T o;
    std::memset(&o, 0, sizeof(o));
    o.sz = sz;
    return o;
}
} // namespace

TEST_CASE("obj_pin: BPF_OBJ_PIN, 20 bytes, fd and path only")
{
    FakeKernel k;
    CHECK(bpf_obj_pin(9, path) == 0);
    REQUIRE(k.calls.size() == 1);
    CHECK(k.calls[0].cmd == BPF_OBJ_PIN);
    CHECK(k.calls[0].size == 20);
    ObjAttr expect{};
    expect.pathname = p(path);
    expect.bpf_fd = 9;
    auto a = k.attr<ObjAttr>();
    CHECK(std::memcmp(&a, &expect, ObjAttr::kSize) == 0);
}

TEST_CASE("obj_pin_opts: file_flags and path_fd reach the attr")
{
    FakeKernel k;
    LIBBPF_OPTS(bpf_obj_pin_opts, o, .file_flags = kPathFd, .path_fd = 11);
    CHECK(bpf_obj_pin_opts(9, "rel", &o) == 0);
    CHECK(k.calls[0].size == 20);
    auto a = k.attr<ObjAttr>();
    CHECK(a.bpf_fd == 9);
    CHECK(a.file_flags == kPathFd);
    CHECK(a.path_fd == 11);
    CHECK(a.pathname != 0);
    CHECK(bpf_obj_pin_opts(9, path, nullptr) == 0);
    CHECK(k.attr<ObjAttr>(1).file_flags == 0);
    CHECK(k.attr<ObjAttr>(1).path_fd == 0);
}

TEST_CASE("obj_get: BPF_OBJ_GET, 20 bytes, bpf_fd 0, returns the new fd")
{
    FakeKernel k;
    k.then_return(42);
    CHECK(bpf_obj_get(path) == 42);
    REQUIRE(k.calls.size() == 1);
    CHECK(k.calls[0].cmd == BPF_OBJ_GET);
    CHECK(k.calls[0].size == 20);
    ObjAttr expect{};
    expect.pathname = p(path);
    auto a = k.attr<ObjAttr>();
    CHECK(std::memcmp(&a, &expect, ObjAttr::kSize) == 0);
}

TEST_CASE("obj_get_opts: file_flags and path_fd reach the attr")
{
    FakeKernel k;
    k.then_return(40);
    LIBBPF_OPTS(bpf_obj_get_opts, o, .file_flags = BPF_F_RDONLY | kPathFd, .path_fd = 12);
    CHECK(bpf_obj_get_opts("rel", &o) == 40);
    auto a = k.attr<ObjAttr>();
    CHECK(a.bpf_fd == 0);
    CHECK(a.file_flags == (BPF_F_RDONLY | kPathFd));
    CHECK(a.path_fd == 12);
}

TEST_CASE("obj pin/get: every historical opts size, and fields past sz are not read")
{
    for (size_t sz : historical::obj_pin) {
        FakeKernel k;
        auto o = sized<struct bpf_obj_pin_opts>(sz);
        o.file_flags = kPathFd;
        o.path_fd = 5;
        CHECK(bpf_obj_pin_opts(3, path, &o) == 0);
        CHECK(k.attr<ObjAttr>().file_flags == kPathFd);
        CHECK(k.attr<ObjAttr>().path_fd == 5);
    }
    for (size_t sz : historical::obj_get) {
        FakeKernel k;
        k.then_return(30);
        auto o = sized<struct bpf_obj_get_opts>(sz);
        o.file_flags = BPF_F_WRONLY;
        o.path_fd = 6;
        CHECK(bpf_obj_get_opts(path, &o) == 30);
        CHECK(k.attr<ObjAttr>().file_flags == BPF_F_WRONLY);
        // 1.0's struct ends before path_fd where size_t is 4 bytes.
        CHECK(k.attr<ObjAttr>().path_fd ==
              (sz >= SYSBPF_END_OF(bpf_obj_get_opts, path_fd) ? 6 : 0));
    }
    FakeKernel k;
    auto pin = sized<struct bpf_obj_pin_opts>(offsetof(struct bpf_obj_pin_opts, path_fd)); // path_fd outside
    pin.file_flags = kPathFd;
    pin.path_fd = 5;
    CHECK(bpf_obj_pin_opts(3, path, &pin) == 0);
    CHECK(k.attr<ObjAttr>(0).file_flags == kPathFd);
    CHECK(k.attr<ObjAttr>(0).path_fd == 0);
    auto get = sized<struct bpf_obj_get_opts>(sizeof(size_t)); // only sz
    get.file_flags = BPF_F_RDONLY;
    k.then_return(31);
    CHECK(bpf_obj_get_opts(path, &get) == 31);
    CHECK(k.attr<ObjAttr>(1).file_flags == 0);
}

TEST_CASE("obj pin/get: bad opts fail with EINVAL before any syscall")
{
    FakeKernel k;
    unsigned char big[32] = {};
    auto *pin = reinterpret_cast<struct bpf_obj_pin_opts *>(big);
    auto *get = reinterpret_cast<struct bpf_obj_get_opts *>(big);
    pin->sz = sizeof(big);
    const size_t known = SYSBPF_END_OF(bpf_obj_pin_opts, path_fd);
    static_assert(SYSBPF_END_OF(bpf_obj_get_opts, path_fd) == SYSBPF_END_OF(bpf_obj_pin_opts, path_fd));
    big[known + 4] = 1; // past path_fd
    errno = 0;
    CHECK(bpf_obj_pin_opts(3, path, pin) == -EINVAL);
    CHECK(errno == EINVAL);
    errno = 0;
    CHECK(bpf_obj_get_opts(path, get) == -EINVAL);
    CHECK(errno == EINVAL);
    big[known + 4] = 0;
    pin->sz = sizeof(size_t) - 1;
    CHECK(bpf_obj_pin_opts(3, path, pin) == -EINVAL);
    CHECK(bpf_obj_get_opts(path, get) == -EINVAL);
    CHECK(k.calls.empty());
    pin->sz = sizeof(big); // larger, zero tail: accepted
    k.then_return(0);
    k.then_return(33);
    CHECK(bpf_obj_pin_opts(3, path, pin) == 0);
    CHECK(bpf_obj_get_opts(path, get) == 33);
}

TEST_CASE("obj pin/get: kernel errors come back as -errno with errno set; success keeps errno")
{
    FakeKernel k;
    k.then_return(-EEXIST);
    k.then_return(-ENOENT);
    errno = 0;
    CHECK(bpf_obj_pin(3, path) == -EEXIST);
    CHECK(errno == EEXIST);
    CHECK(bpf_obj_get(path) == -ENOENT);
    CHECK(errno == ENOENT);
    k.then_return(0);
    k.then_return(50);
    errno = 4321;
    CHECK(bpf_obj_pin(3, path) == 0);
    CHECK(bpf_obj_get(path) == 50);
    CHECK(errno == 4321);
}
