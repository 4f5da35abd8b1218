// Pinning and opening objects in a BPF file system on the real kernel.
#include "harness/harness.hpp"
#include "kernel_helpers.hpp"
#include "kernel_refusal.hpp"
#include "obj_attach_fixtures.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace selftest;

namespace {
Fd array_map()
{
    return Fd(bpf_map_create(BPF_MAP_TYPE_ARRAY, "st_obj", 4, 8, 4, nullptr));
}

bool is_file(const std::string &path)
{
    struct stat st{};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}
} // namespace

TEST_CASE("obj: a pinned map is the same map, and the pin keeps it alive")
{
    BpfFs fs;
    if (!fs.ok()) {
        SKIP_IF_REFUSED(bpffs_refusal(fs.error()));
        FAIL("no bpffs: " << errstr(fs.error()));
    }
    int fds_before = open_fd_count();
    std::string pin = fs.path("map");
    __u32 id = 0;
    {
        Fd map = array_map();
        REQUIRE(map >= 3);
        id = map_id(map);
        REQUIRE(id != 0);
        errno = 1234;
        REQUIRE(bpf_obj_pin(map, pin.c_str()) == 0);
        CHECK(errno == 1234);
        CHECK(is_file(pin));
        __u32 k = 2;
        __u64 v = 77;
        REQUIRE(bpf_map_update_elem(map, &k, &v, BPF_ANY) == 0);
    } // the only fd is closed: the pin holds the map now

    Fd back(bpf_obj_get(pin.c_str()));
    REQUIRE(back >= 3);
    CHECK(cloexec(back));
    CHECK(map_id(back) == id);
    __u32 k = 2;
    __u64 v = 0;
    REQUIRE(bpf_map_lookup_elem(back, &k, &v) == 0);
    CHECK(v == 77);

    REQUIRE(::unlink(pin.c_str()) == 0);
    CHECK(bpf_obj_get(pin.c_str()) == -ENOENT);
    CHECK(errno == ENOENT);
    back.reset();
    CHECK(open_fd_count() == fds_before);
}

TEST_CASE("obj: a pinned program comes back as the same program")
{
    BpfFs fs;
    if (!fs.ok()) {
        SKIP_IF_REFUSED(bpffs_refusal(fs.error()));
        FAIL("no bpffs: " << errstr(fs.error()));
    }
    Fd prog = load_cgroup_skb("st_pinned");
    REQUIRE(prog >= 3);
    std::string pin = fs.path("prog");
    REQUIRE(bpf_obj_pin(prog, pin.c_str()) == 0);
    Fd back(bpf_obj_get(pin.c_str()));
    REQUIRE(back >= 3);
    CHECK(cloexec(back));
    CHECK(prog_id(back) == prog_id(prog));
    bpf_prog_info info{};
    __u32 len = sizeof(info);
    REQUIRE(bpf_prog_get_info_by_fd(back, &info, &len) == 0);
    CHECK(info.type == BPF_PROG_TYPE_CGROUP_SKB);
    CHECK(std::string(info.name) == "st_pinned");
}

TEST_CASE("obj_get_opts: BPF_F_RDONLY and BPF_F_WRONLY map fds")
{
    BpfFs fs;
    if (!fs.ok()) {
        SKIP_IF_REFUSED(bpffs_refusal(fs.error()));
        FAIL("no bpffs: " << errstr(fs.error()));
    }
    Fd map = array_map();
    REQUIRE(map >= 3);
    std::string pin = fs.path("map");
    REQUIRE(bpf_obj_pin(map, pin.c_str()) == 0);
    __u32 k = 1;
    __u64 v = 5;
    REQUIRE(bpf_map_update_elem(map, &k, &v, BPF_ANY) == 0);

    LIBBPF_OPTS(bpf_obj_get_opts, ro, .file_flags = BPF_F_RDONLY);
    Fd rd(bpf_obj_get_opts(pin.c_str(), &ro));
    REQUIRE(rd >= 3);
    CHECK(map_id(rd) == map_id(map));
    __u64 got = 0;
    CHECK(bpf_map_lookup_elem(rd, &k, &got) == 0);
    CHECK(got == 5);
    CHECK(bpf_map_update_elem(rd, &k, &v, BPF_ANY) == -EPERM);
    CHECK(errno == EPERM);

    LIBBPF_OPTS(bpf_obj_get_opts, wo, .file_flags = BPF_F_WRONLY);
    Fd wr(bpf_obj_get_opts(pin.c_str(), &wo));
    REQUIRE(wr >= 3);
    v = 6;
    CHECK(bpf_map_update_elem(wr, &k, &v, BPF_ANY) == 0);
    CHECK(bpf_map_lookup_elem(wr, &k, &got) == -EPERM);
    CHECK(errno == EPERM);
    CHECK(bpf_map_lookup_elem(map, &k, &got) == 0);
    CHECK(got == 6);
}

TEST_CASE("obj pin/get_opts: BPF_F_PATH_FD resolves a relative path from a directory fd")
{
    BpfFs fs;
    if (!fs.ok()) {
        SKIP_IF_REFUSED(bpffs_refusal(fs.error()));
        FAIL("no bpffs: " << errstr(fs.error()));
    }
    Fd dir(::open(fs.dir().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    REQUIRE(dir >= 0);
    Fd map = array_map();
    REQUIRE(map >= 3);
    LIBBPF_OPTS(bpf_obj_pin_opts, po, .file_flags = kFlagPathFd, .path_fd = dir);
    int r = bpf_obj_pin_opts(map, "rel", &po);
    if (r == -EINVAL)
        SKIP_IF_REFUSED(no_path_fd(-r, map, "rel", dir));
    REQUIRE(r == 0);
    CHECK(is_file(fs.path("rel")));

    LIBBPF_OPTS(bpf_obj_get_opts, go, .file_flags = kFlagPathFd, .path_fd = dir);
    Fd back(bpf_obj_get_opts("rel", &go));
    REQUIRE(back >= 3);
    CHECK(map_id(back) == map_id(map));

    LIBBPF_OPTS(bpf_obj_get_opts, gro, .file_flags = kFlagPathFd | BPF_F_RDONLY, .path_fd = dir);
    Fd rd(bpf_obj_get_opts("rel", &gro));
    REQUIRE(rd >= 3);
    __u32 k = 0;
    __u64 v = 1;
    CHECK(bpf_map_update_elem(rd, &k, &v, BPF_ANY) == -EPERM);

    // An absolute path ignores path_fd, as openat(2) does.
    LIBBPF_OPTS(bpf_obj_get_opts, abs, .file_flags = kFlagPathFd, .path_fd = dir);
    Fd viaabs(bpf_obj_get_opts(fs.path("rel").c_str(), &abs));
    CHECK(viaabs >= 3);

    // EEXIST through the relative form too.
    CHECK(bpf_obj_pin_opts(map, "rel", &po) == -EEXIST);
    CHECK(errno == EEXIST);

    // EBADF for a path_fd that is not open.
    LIBBPF_OPTS(bpf_obj_get_opts, badget, .file_flags = kFlagPathFd, .path_fd = 100000);
    CHECK(bpf_obj_get_opts("rel", &badget) == -EBADF);
    CHECK(errno == EBADF);
    LIBBPF_OPTS(bpf_obj_pin_opts, badpin, .file_flags = kFlagPathFd, .path_fd = 100000);
    CHECK(bpf_obj_pin_opts(map, "rel2", &badpin) == -EBADF);
    CHECK(errno == EBADF);
    CHECK_FALSE(is_file(fs.path("rel2")));
}

TEST_CASE("obj pin/get: documented errors")
{
    BpfFs fs;
    if (!fs.ok()) {
        SKIP_IF_REFUSED(bpffs_refusal(fs.error()));
        FAIL("no bpffs: " << errstr(fs.error()));
    }
    Fd map = array_map();
    REQUIRE(map >= 3);
    std::string pin = fs.path("map");
    REQUIRE(bpf_obj_pin(map, pin.c_str()) == 0);
    int fds_before = open_fd_count();

    SECTION("EEXIST when the path is taken")
    {
        CHECK(bpf_obj_pin(map, pin.c_str()) == -EEXIST);
        CHECK(errno == EEXIST);
    }
    SECTION("ENOENT for a missing path or directory")
    {
        CHECK(bpf_obj_get(fs.path("missing").c_str()) == -ENOENT);
        CHECK(errno == ENOENT);
        CHECK(bpf_obj_pin(map, fs.path("nodir/x").c_str()) == -ENOENT);
        CHECK(errno == ENOENT);
    }
    SECTION("EPERM pinning outside a bpffs, EACCES opening a non-bpf file")
    {
        // measured on 6.18: the parent directory must be a bpffs one (EPERM);
        // a regular file is not a BPF object (EACCES)
        std::string outside = fs.dir() + "-outside";
        CHECK(bpf_obj_pin(map, outside.c_str()) == -EPERM);
        CHECK(errno == EPERM);
        CHECK(::access(outside.c_str(), F_OK) != 0);
        CHECK(bpf_obj_get("/proc/self/status") == -EACCES);
        CHECK(errno == EACCES);
    }
    SECTION("EINVAL pinning an fd that is not a BPF object (the kernel probes map, prog, link)")
    {
        CHECK(bpf_obj_pin(100000, fs.path("bad").c_str()) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK(bpf_obj_pin(-1, fs.path("bad").c_str()) == -EINVAL);
        Fd notbpf(::dup(1));
        CHECK(bpf_obj_pin(notbpf, fs.path("bad").c_str()) == -EINVAL);
        CHECK_FALSE(is_file(fs.path("bad")));
    }
    SECTION("EINVAL for path_fd without BPF_F_PATH_FD and for unknown file_flags")
    {
        Fd dir(::open(fs.dir().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        LIBBPF_OPTS(bpf_obj_pin_opts, po, .path_fd = dir);
        CHECK(bpf_obj_pin_opts(map, "x", &po) == -EINVAL);
        CHECK(errno == EINVAL);
        LIBBPF_OPTS(bpf_obj_pin_opts, pf, .file_flags = BPF_F_RDONLY);
        CHECK(bpf_obj_pin_opts(map, fs.path("y").c_str(), &pf) == -EINVAL);
        LIBBPF_OPTS(bpf_obj_get_opts, gf, .file_flags = 1u << 20);
        CHECK(bpf_obj_get_opts(pin.c_str(), &gf) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK_FALSE(is_file(fs.path("x")));
        CHECK_FALSE(is_file(fs.path("y")));
    }
    SECTION("EINVAL for bad opts, before the kernel is asked")
    {
        struct bpf_obj_pin_opts po{};
        po.sz = 3;
        CHECK(bpf_obj_pin_opts(map, fs.path("z").c_str(), &po) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK_FALSE(is_file(fs.path("z")));
        unsigned char big[32] = {};
        auto *go = reinterpret_cast<struct bpf_obj_get_opts *>(big);
        go->sz = sizeof(big);
        big[24] = 1;
        CHECK(bpf_obj_get_opts(pin.c_str(), go) == -EINVAL);
        big[24] = 0;
        Fd ok(bpf_obj_get_opts(pin.c_str(), go));
        CHECK(ok >= 3);
    }
    CHECK(open_fd_count() == fds_before);
}
