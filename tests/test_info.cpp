// bpf_obj_get_info_by_fd and its typed forms through the seam.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "wire_bytes.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>

using namespace sysbpf_test;

namespace {

// The kernel's answer: copies `filled` bytes of 0xab into the caller's info
// and reports that length, as BPF_OBJ_GET_INFO_BY_FD does.
FakeKernel::Answer fills(__u32 filled)
{
    return [filled](int, void *attr, unsigned) {
        unsigned char *a = static_cast<unsigned char *>(attr);
        __u64 info;
        std::memcpy(&info, a + 8, sizeof(info));
        std::memset(reinterpret_cast<void *>(static_cast<uintptr_t>(info)), 0xab, filled);
        std::memcpy(a + 4, &filled, sizeof(filled));
        return 0L;
    };
}

} // namespace

TEST_CASE("obj_get_info_by_fd: command 15, exact 16 bytes, info_len written back")
{
    FakeKernel k;
    k.then(fills(24));
    unsigned char info[64] = {};
    __u32 len = sizeof(info);
    errno = 4321;
    CHECK(bpf_obj_get_info_by_fd(7, info, &len) == 0);
    CHECK(errno == 4321);
    CHECK(len == 24);
    CHECK(info[23] == 0xab);
    CHECK(info[24] == 0);
    REQUIRE(k.calls.size() == 1);
    CHECK(k.calls[0].cmd == BPF_OBJ_GET_INFO_BY_FD);
    CHECK(k.calls[0].size == 16);
    CHECK(k.calls[0].bytes == Wire(16).u32(0, 7).u32(4, sizeof(info)).ptr(8, info).bytes);
}

TEST_CASE("obj_get_info_by_fd: on failure info_len is left alone and errno is set")
{
    FakeKernel k;
    k.then([](int, void *attr, unsigned) {
        __u32 bogus = 5; // a kernel that wrote before failing must not leak
        std::memcpy(static_cast<unsigned char *>(attr) + 4, &bogus, sizeof(bogus));
        return -static_cast<long>(EBADFD);
    });
    unsigned char info[32];
    __u32 len = sizeof(info);
    errno = 0;
    CHECK(bpf_obj_get_info_by_fd(100000, info, &len) == -EBADFD);
    CHECK(errno == EBADFD);
    CHECK(len == sizeof(info));
}

TEST_CASE("typed get_info_by_fd forms send the same attr as bpf_obj_get_info_by_fd")
{
    FakeKernel k;
    bpf_prog_info prog{};
    bpf_map_info map{};
    bpf_btf_info btf{};
    bpf_link_info link{};
    __u32 prog_len = sizeof(prog), map_len = sizeof(map), btf_len = sizeof(btf),
          link_len = sizeof(link);
    k.then(fills(8));
    k.then(fills(8));
    k.then(fills(8));
    k.then(fills(8));
    CHECK(bpf_prog_get_info_by_fd(3, &prog, &prog_len) == 0);
    CHECK(bpf_map_get_info_by_fd(4, &map, &map_len) == 0);
    CHECK(bpf_btf_get_info_by_fd(5, &btf, &btf_len) == 0);
    CHECK(bpf_link_get_info_by_fd(6, &link, &link_len) == 0);
    CHECK((prog_len == 8 && map_len == 8 && btf_len == 8 && link_len == 8));
    REQUIRE(k.calls.size() == 4);
    CHECK(k.calls[0].bytes == Wire(16).u32(0, 3).u32(4, sizeof(prog)).ptr(8, &prog).bytes);
    CHECK(k.calls[1].bytes == Wire(16).u32(0, 4).u32(4, sizeof(map)).ptr(8, &map).bytes);
    CHECK(k.calls[2].bytes == Wire(16).u32(0, 5).u32(4, sizeof(btf)).ptr(8, &btf).bytes);
    CHECK(k.calls[3].bytes == Wire(16).u32(0, 6).u32(4, sizeof(link)).ptr(8, &link).bytes);
    for (const Call &c : k.calls) {
        CHECK(c.cmd == BPF_OBJ_GET_INFO_BY_FD);
        CHECK(c.size == 16);
    }
}
