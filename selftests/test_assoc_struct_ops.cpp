// bpf_prog_assoc_struct_ops on the real kernel. The command is newer than
// some kernels; those answer EINVAL to it whatever the fds.
#include "harness/harness.hpp"
#include "kernel_helpers.hpp"
#include "kernel_refusal.hpp"
#include "misc_fixtures.hpp"
#include "vmlinux_btf.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <string>

using namespace selftest;
using namespace vmlinux_btf;
using namespace selftest::misc;

namespace {

constexpr int kClosedFd = 100000;
constexpr int kCmdProgAssocStructOps = 38; // BPF_PROG_ASSOC_STRUCT_OPS

// With the command, closed fds give EBADF; without it, EINVAL.
int probe() { return bpf_prog_assoc_struct_ops(kClosedFd, kClosedFd + 1, nullptr); }

// Why the kernel has no such command (7.0+: 6.19 lacks it):
// the library's probe and the raw command get EINVAL even for closed fds,
// and the kernel's BTF knows no BPF_PROG_ASSOC_STRUCT_OPS. Empty otherwise.
std::string lacking()
{
    int r = probe();
    RawAttr closed;
    closed.u32(0, kClosedFd).u32(4, kClosedFd + 1); // prog_fd, map_fd
    return kernel_lacks("BPF_PROG_ASSOC_STRUCT_OPS (7.0+)", -r,
                        raw_bpf_err(kCmdProgAssocStructOps, closed), "BPF_PROG_ASSOC_STRUCT_OPS",
                        btf_lacks("bpf_cmd", "BPF_PROG_ASSOC_STRUCT_OPS"));
}

// A struct_ops map of tcp_congestion_ops (created, never registered). The
// kernel wants some BTF fd with it, as the object file's BTF would be.
int struct_ops_map(std::string *why)
{
    Fd btf_fd(load_tiny_btf());
    if (btf_fd < 0) {
        *why = "BTF load: " + errstr(-btf_fd.get());
        return -1;
    }
    VmlinuxBtf btf;
    __u32 value_type = btf.ok() ? btf.find("bpf_struct_ops_tcp_congestion_ops", kBtfKindStruct) : 0;
    if (!value_type) {
        *why = "no bpf_struct_ops_tcp_congestion_ops in vmlinux BTF";
        return -1;
    }
    bpf_map_create_opts o{};
    o.sz = sizeof(o);
    o.btf_fd = static_cast<__u32>(btf_fd.get());
    o.btf_vmlinux_value_type_id = value_type;
    int fd = bpf_map_create(BPF_MAP_TYPE_STRUCT_OPS, "st_ops", 4, btf.struct_size(value_type), 1, &o);
    if (fd < 0)
        *why = "struct_ops map: " + errstr(-fd);
    return fd;
}

} // namespace

TEST_CASE("prog_assoc_struct_ops: the command reaches the kernel")
{
    errno = 0;
    int r = probe();
    INFO(errstr(-r));
    CHECK((r == -EINVAL || r == -EBADF));
    CHECK(errno == -r);
}

TEST_CASE("prog_assoc_struct_ops: opts the library refuses give EINVAL before the kernel is asked")
{
    // Without the command a library EINVAL would look the same.
    SKIP_IF_REFUSED(lacking());
    bpf_prog_assoc_struct_ops_opts o{};
    o.sz = sizeof(size_t) - 1;
    errno = 0;
    CHECK(bpf_prog_assoc_struct_ops(kClosedFd, kClosedFd, &o) == -EINVAL); // the kernel: EBADF
    CHECK(errno == EINVAL);
}

TEST_CASE("prog_assoc_struct_ops: a struct_ops map of this kernel can be created for the tests")
{
    // Guards the fixture the success path relies on, on every kernel.
    std::string why;
    Fd map(struct_ops_map(&why));
    INFO(why);
    CHECK(map >= 3);
}

TEST_CASE("prog_assoc_struct_ops: associates a program with a struct_ops map")
{
    SKIP_IF_REFUSED(lacking());
    std::string why;
    Fd map(struct_ops_map(&why));
    INFO(why);
    REQUIRE(map >= 3);
    Fd prog(load_raw_tp_prog("st_assoc"));
    REQUIRE(prog >= 3);
    errno = 4321;
    CHECK(bpf_prog_assoc_struct_ops(prog, map, nullptr) == 0);
    CHECK(errno == 4321);
    LIBBPF_OPTS(bpf_prog_assoc_struct_ops_opts, o, .flags = 0);
    CHECK(bpf_prog_assoc_struct_ops(prog, map, &o) == 0); // the same map again
}

TEST_CASE("prog_assoc_struct_ops: errors")
{
    SKIP_IF_REFUSED(lacking());
    Fd prog(load_raw_tp_prog("st_assoc"));
    REQUIRE(prog >= 3);
    Fd array(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr));
    REQUIRE(array >= 3);
    SECTION("EBADF for a program fd that is not open")
    {
        CHECK(bpf_prog_assoc_struct_ops(kClosedFd, array, nullptr) == -EBADF);
        CHECK(errno == EBADF);
    }
    SECTION("EBADF for a map fd that is not open")
    {
        CHECK(bpf_prog_assoc_struct_ops(prog, kClosedFd, nullptr) == -EBADF);
        CHECK(errno == EBADF);
    }
    SECTION("EINVAL for a map that is not a struct_ops map")
    {
        CHECK(bpf_prog_assoc_struct_ops(prog, array, nullptr) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EINVAL for non-zero flags")
    {
        LIBBPF_OPTS(bpf_prog_assoc_struct_ops_opts, o, .flags = 1);
        CHECK(bpf_prog_assoc_struct_ops(prog, array, &o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
}
