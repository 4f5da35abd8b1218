#include "obj_attach_fixtures.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mntent.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

namespace selftest {

namespace {

// 0, or the errno of the step that failed. Done once per process.
int enter_private_mount_ns()
{
    static int result = [] {
        if (::unshare(CLONE_NEWNS) != 0)
            return errno;
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
            return errno;
        return 0;
    }();
    return result;
}

// Creates a fresh directory under /tmp; "" and errno on failure.
std::string make_temp_dir(const char *stem)
{
    std::string tmpl = std::string("/tmp/") + stem + "-XXXXXX";
    if (!::mkdtemp(tmpl.data()))
        return {};
    return tmpl;
}

// A cgroup2 mount of our own, for hosts that have none: lives in our private
// mount namespace until the process exits.
struct OwnCgroup2 {
    std::string dir;
    int error = 0;
    OwnCgroup2()
    {
        if ((error = enter_private_mount_ns()))
            return;
        dir = make_temp_dir("sysbpf-cgroup2");
        if (dir.empty()) {
            error = errno;
            return;
        }
        if (::mount("none", dir.c_str(), "cgroup2", 0, nullptr) != 0) {
            error = errno;
            ::rmdir(dir.c_str());
            dir.clear();
        }
    }
    ~OwnCgroup2()
    {
        if (!dir.empty()) {
            ::umount2(dir.c_str(), MNT_DETACH);
            ::rmdir(dir.c_str());
        }
    }
};

// Where cgroup2 is mounted: from /proc/self/mounts, else a mount of our own.
std::string cgroup2_root(int &error)
{
    static std::string found = [] {
        std::string dir;
        if (FILE *f = ::setmntent("/proc/self/mounts", "r")) {
            while (mntent *m = ::getmntent(f)) {
                if (std::strcmp(m->mnt_type, "cgroup2") == 0) {
                    dir = m->mnt_dir;
                    break;
                }
            }
            ::endmntent(f);
        }
        return dir;
    }();
    error = 0;
    if (!found.empty())
        return found;
    static OwnCgroup2 own;
    error = own.error;
    return own.dir;
}

long raw_bpf(int cmd, void *attr, unsigned size)
{
    long r = ::syscall(SYS_bpf, cmd, attr, size);
    return r < 0 ? -errno : r;
}

} // namespace

BpfFs::BpfFs()
{
    if ((error_ = enter_private_mount_ns()))
        return;
    dir_ = make_temp_dir("sysbpf-bpffs");
    if (dir_.empty()) {
        error_ = errno;
        return;
    }
    if (::mount("bpf", dir_.c_str(), "bpf", 0, "mode=0700") != 0) {
        error_ = errno;
        return;
    }
    mounted_ = true;
}

BpfFs::~BpfFs()
{
    // Lazy unmount: succeeds even while a test still holds a directory fd.
    if (mounted_)
        ::umount2(dir_.c_str(), MNT_DETACH);
    if (!dir_.empty())
        ::rmdir(dir_.c_str());
}

Cgroup::Cgroup(const Cgroup *parent)
{
    static unsigned counter = 0;
    std::string base;
    if (parent) {
        base = parent->path();
    } else {
        base = cgroup2_root(error_);
        if (error_)
            return;
    }
    if (base.empty()) {
        error_ = ENOENT;
        return;
    }
    path_ = base + "/sysbpf-st-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
    if (::mkdir(path_.c_str(), 0755) != 0) {
        error_ = errno;
        return;
    }
    created_ = true;
    fd_.reset(::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd_.get() < 0)
        error_ = errno;
}

Cgroup::~Cgroup()
{
    fd_.reset();
    // No task ever joins; attached programs and links do not keep a cgroup
    // directory from being removed.
    if (created_ && ::rmdir(path_.c_str()) != 0)
        std::fprintf(stderr, "warning: rmdir %s: %s\n", path_.c_str(), std::strerror(errno));
}

Fd load_cgroup_skb(const char *name)
{
    auto insns = return_imm(1);
    return Fd(bpf_prog_load(BPF_PROG_TYPE_CGROUP_SKB, name, "GPL", insns.data(),
                            insns.size(), nullptr));
}

__u32 prog_id(int fd)
{
    bpf_prog_info info{};
    __u32 len = sizeof(info);
    return bpf_prog_get_info_by_fd(fd, &info, &len) == 0 ? info.id : 0;
}

__u32 map_id(int fd)
{
    bpf_map_info info{};
    __u32 len = sizeof(info);
    return bpf_map_get_info_by_fd(fd, &info, &len) == 0 ? info.id : 0;
}

__u32 btf_id(int fd)
{
    bpf_btf_info info{};
    __u32 len = sizeof(info);
    return bpf_btf_get_info_by_fd(fd, &info, &len) == 0 ? info.id : 0;
}

__u32 link_id(int fd)
{
    bpf_link_info info{};
    __u32 len = sizeof(info);
    return bpf_link_get_info_by_fd(fd, &info, &len) == 0 ? info.id : 0;
}

std::vector<__u32> attached_ids(int cgroup_fd, bpf_attach_type type)
{
    std::vector<__u32> ids(64);
    LIBBPF_OPTS(bpf_prog_query_opts, q, .prog_ids = ids.data(), .count = 64);
    if (bpf_prog_query_opts(cgroup_fd, type, &q) != 0)
        return {};
    ids.resize(q.count);
    return ids;
}

int raw_cgroup_link(int prog_fd, int cgroup_fd, bpf_attach_type type)
{
    // BPF_LINK_CREATE's head: prog_fd, target_fd, attach_type, flags; the
    // rest of the 64 bytes stays zero.
    __u32 attr[16] = {};
    attr[0] = prog_fd;
    attr[1] = cgroup_fd;
    attr[2] = type;
    return static_cast<int>(raw_bpf(BPF_LINK_CREATE, attr, sizeof(attr)));
}

int raw_btf_load_int()
{
    // struct btf_header (24 bytes), one BTF_KIND_INT "int" (16 bytes), strings.
    static const char strings[] = "\0int";
    struct {
        __u16 magic;
        __u8 version, flags;
        __u32 hdr_len, type_off, type_len, str_off, str_len;
        __u32 name_off, info, size, encoding;
        char str[sizeof(strings)];
    } blob{};
    blob.magic = 0xeB9F;
    blob.version = 1;
    blob.hdr_len = 24;
    blob.type_off = 0;
    blob.type_len = 16;
    blob.str_off = 16;
    blob.str_len = sizeof(strings);
    blob.name_off = 1;
    blob.info = 1u << 24; // BTF_KIND_INT, no members
    blob.size = 4;
    blob.encoding = (1u << 24) | 32; // BTF_INT_SIGNED, 32 bits
    std::memcpy(blob.str, strings, sizeof(strings));

    union {
        struct {
            __u64 btf, btf_log_buf;
            __u32 btf_size, btf_log_size, btf_log_level;
        } f;
        unsigned char raw[40];
    } attr{};
    attr.f.btf = reinterpret_cast<uintptr_t>(&blob);
    attr.f.btf_size = 24 + 16 + sizeof(strings);
    return static_cast<int>(raw_bpf(BPF_BTF_LOAD, &attr, sizeof(attr)));
}

} // namespace selftest
