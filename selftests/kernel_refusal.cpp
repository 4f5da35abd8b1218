#include "kernel_refusal.hpp"

#include "kernel_helpers.hpp"
#include "link_btf.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace selftest {

namespace {

__u64 ptr(const void *p) { return reinterpret_cast<std::uintptr_t>(p); }

// The log line containing `what`, or "".
std::string line_with(const std::string &log, const char *what)
{
    size_t at = log.find(what);
    if (at == std::string::npos)
        return "";
    size_t begin = log.rfind('\n', at);
    begin = begin == std::string::npos ? 0 : begin + 1;
    size_t end = log.find('\n', at);
    return log.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}


// The value of "Field:" in /proc/self/status, or "" if unreadable.
std::string status_field(const char *field)
{
    std::ifstream f("/proc/self/status");
    std::string line, key = std::string(field) + ":";
    while (std::getline(f, line))
        if (line.rfind(key, 0) == 0) {
            size_t v = line.find_first_not_of(" \t", key.size());
            return v == std::string::npos ? "" : line.substr(v);
        }
    return "";
}

// Evidence that this process lacks CAP_SYS_ADMIN (bit 21 of CapEff), or "".
std::string lacks_sys_admin()
{
    constexpr unsigned kCapSysAdmin = 21;
    std::string eff = status_field("CapEff");
    if (eff.empty())
        return "";
    unsigned long long caps = std::strtoull(eff.c_str(), nullptr, 16);
    if (caps & (1ull << kCapSysAdmin))
        return "";
    return "this process lacks CAP_SYS_ADMIN (CapEff " + eff + ")";
}

// Evidence that the kernel knows no file system `type`: /proc/filesystems
// was read and does not name it. "" otherwise.
std::string no_filesystem(const char *type)
{
    std::ifstream f("/proc/filesystems");
    if (!f)
        return "";
    std::string line;
    while (std::getline(f, line)) {
        size_t tab = line.rfind('\t');
        if ((tab == std::string::npos ? line : line.substr(tab + 1)) == type)
            return "";
    }
    return std::string("/proc/filesystems has no ") + type;
}

// Mount options of the first cgroup2 mount in /proc/self/mounts, or "".
std::string cgroup2_mount_options()
{
    std::ifstream f("/proc/self/mounts");
    std::string dev, dir, type, opts, rest;
    while (f >> dev >> dir >> type >> opts && std::getline(f, rest))
        if (type == "cgroup2")
            return opts;
    return "";
}

std::string refused_for_policy(int err, const char *step)
{
    if (err != EPERM && err != EACCES)
        return "";
    std::string why = lacks_sys_admin();
    return why.empty() ? "" : std::string("host policy: ") + why + ", so " + step + " gives " + errstr(err);
}

} // namespace

RawLoad raw_prog_load(const ProgLoad &load)
{
    static char buf[1 << 16];
    buf[0] = 0;
    bpf_attr a;
    std::memset(&a, 0, sizeof(a));
    a.prog_type = load.type;
    a.insn_cnt = static_cast<__u32>(load.insn_cnt);
    a.insns = ptr(load.insns);
    a.license = ptr(load.license);
    a.expected_attach_type = load.expected_attach_type;
    a.attach_btf_id = load.attach_btf_id;
    a.log_level = 1;
    a.log_buf = ptr(buf);
    a.log_size = sizeof(buf);
    RawLoad r;
    long fd = ::syscall(__NR_bpf, BPF_PROG_LOAD, &a, sizeof(a));
    if (fd >= 0)
        ::close(static_cast<int>(fd));
    else
        r.err = errno;
    buf[sizeof(buf) - 1] = 0;
    r.log = buf;
    // Refused before any instruction was verified: no log, or only the
    // verifier's closing statistics saying it processed none.
    r.verified = !r.log.empty() && r.log.find("processed 0 insns") == std::string::npos;
    return r;
}

std::string host_policy_refusal(const ProgLoad &load, int lib_err, const char *kind)
{
    if (lib_err != EPERM || ::geteuid() != 0)
        return "";
    RawLoad raw = raw_prog_load(load);
    if (raw.err != EPERM || raw.verified)
        return "";
    return std::string("host policy: root gets EPERM loading ") + kind +
           " programs on this kernel build; raw bpf() refused the same way";
}

std::string kernel_refusal_with_log(const ProgLoad &load, int lib_err, const char *evidence,
                                    const std::string &why)
{
    RawLoad raw = raw_prog_load(load);
    if (raw.err == 0 || raw.err != lib_err)
        return "";
    std::string line = line_with(raw.log, evidence);
    if (line.empty())
        return "";
    return why + " (raw bpf() refused the same way, " + errstr(raw.err) + ": \"" + line + "\")";
}

std::string cookie_helper_refusal(const ProgLoad &load, int lib_err, const char *for_type)
{
    std::string r = kernel_refusal_with_log(load, lib_err, "invalid func unknown#174",
                                            "kernel without bpf_get_attach_cookie (helper 174, 5.15+)");
    if (r.empty())
        r = kernel_refusal_with_log(load, lib_err, "unknown func bpf_get_attach_cookie",
                                    std::string("kernel without bpf_get_attach_cookie in ") + for_type + "+");
    return r;
}

std::string hash_lookup_and_delete_refusal()
{
    bpf_attr a;
    std::memset(&a, 0, sizeof(a));
    a.map_type = BPF_MAP_TYPE_HASH;
    a.key_size = 4;
    a.value_size = 4;
    a.max_entries = 1;
    long map = ::syscall(__NR_bpf, BPF_MAP_CREATE, &a, sizeof(a));
    if (map < 0)
        return "";
    __u32 key = 1, value = 2;
    std::memset(&a, 0, sizeof(a));
    a.map_fd = static_cast<__u32>(map);
    a.key = ptr(&key);
    a.value = ptr(&value);
    long r = ::syscall(__NR_bpf, BPF_MAP_UPDATE_ELEM, &a, sizeof(a));
    if (r == 0)
        r = ::syscall(__NR_bpf, BPF_MAP_LOOKUP_AND_DELETE_ELEM, &a, sizeof(a));
    int err = r < 0 ? errno : 0;
    ::close(static_cast<int>(map));
    if (err != kENOTSUPP)
        return "";
    return "kernel lacks lookup_and_delete on hash maps (5.14+): raw bpf() on a hash map holding "
           "the key gives ENOTSUPP";
}

RawAttr &RawAttr::u32(unsigned off, __u32 v)
{
    std::memcpy(bytes + off, &v, sizeof(v));
    return *this;
}

RawAttr &RawAttr::u64(unsigned off, __u64 v)
{
    std::memcpy(bytes + off, &v, sizeof(v));
    return *this;
}

RawAttr &RawAttr::ptr(unsigned off, const void *p) { return u64(off, selftest::ptr(p)); }

RawAttr link_create_attr(int prog_fd, int target, __u32 attach_type, __u32 flags)
{
    RawAttr a;
    return a.u32(0, static_cast<__u32>(prog_fd)).u32(4, static_cast<__u32>(target)).u32(8, attach_type).u32(12, flags);
}

int raw_bpf(int cmd, RawAttr &attr)
{
    long r = ::syscall(__NR_bpf, cmd, attr.bytes, sizeof(attr.bytes));
    if (r < 0)
        return errno;
    // Commands that answer with an fd; the others answer 0.
    if (r > 2)
        ::close(static_cast<int>(r));
    return 0;
}

int raw_bpf_err(int cmd, const RawAttr &attr)
{
    RawAttr copy = attr;
    return raw_bpf(cmd, copy);
}

std::string kernel_release()
{
    utsname u;
    return ::uname(&u) == 0 ? u.release : "?";
}

std::string btf_lacks(const char *enum_name, const char *enumerator, const char *sibling)
{
    links::VmlinuxBtf btf;
    if (!btf.ok())
        return "";
    std::uint32_t id = enum_name ? btf.find(links::VmlinuxBtf::kEnum, enum_name) : btf.enum_holding(sibling);
    if (!id || btf.enum_has(id, enumerator))
        return "";
    if (enum_name)
        return std::string("its BTF's enum ") + enum_name + " has no " + enumerator;
    return std::string("its BTF's enum holding ") + sibling + " has no " + enumerator;
}

std::string btf_lacks_member(const char *name, const char *member)
{
    links::VmlinuxBtf btf;
    if (!btf.ok() || !btf.find(links::VmlinuxBtf::kStruct, name) || btf.member_offset(name, member) >= 0)
        return "";
    return std::string("its BTF's struct ") + name + " has no member " + member;
}

std::string no_cgroup_mprog() { return btf_lacks_member("cgroup_bpf", "revisions"); }

std::string raw_refused_same(const std::string &why, int lib_err, int raw_err, const char *cmd)
{
    if (lib_err == 0 || raw_err != lib_err)
        return "";
    return why + "; raw bpf(" + cmd + ") refused the same way, " + errstr(raw_err);
}

std::string kernel_lacks(const char *feature, int lib_err, int raw_err, const char *cmd,
                         const std::string &btf_evidence)
{
    if (btf_evidence.empty())
        return "";
    return raw_refused_same(std::string("kernel without ") + feature + ": " + btf_evidence, lib_err, raw_err, cmd);
}

bool kallsyms_has(const char *symbol)
{
    std::FILE *f = std::fopen("/proc/kallsyms", "re");
    if (!f)
        return true; // no evidence either way: claim nothing
    char line[512];
    bool found = false;
    const size_t len = std::strlen(symbol);
    while (!found && std::fgets(line, sizeof(line), f)) {
        // "<address> <type> <name>[\t[module]]\n"
        const char *name = std::strchr(line, ' ');
        name = name ? std::strchr(name + 1, ' ') : nullptr;
        found = name && std::strncmp(name + 1, symbol, len) == 0 &&
                (name[1 + len] == '\n' || name[1 + len] == '\t' || name[1 + len] == 0);
    }
    std::fclose(f);
    return found;
}

std::string no_path_fd(int lib_err, int map_fd, const char *path, int path_fd)
{
    constexpr __u32 kPathFd = 1u << 14; // BPF_F_PATH_FD
    RawAttr pin;
    pin.ptr(0, path).u32(8, static_cast<__u32>(map_fd)).u32(12, kPathFd).u32(16, static_cast<__u32>(path_fd));
    return kernel_lacks("BPF_F_PATH_FD (6.5+)", lib_err, raw_bpf_err(BPF_OBJ_PIN, pin), "BPF_OBJ_PIN",
                        btf_lacks(nullptr, "BPF_F_PATH_FD", "BPF_F_RDONLY"));
}

std::string bpffs_refusal(int err)
{
    std::string none = no_filesystem("bpf");
    if (!none.empty())
        return "kernel without the BPF file system (CONFIG_BPF_SYSCALL): " + none;
    return refused_for_policy(err, "mounting a bpffs");
}

std::string netns_refusal(int err)
{
    struct stat st;
    if (err == ENOENT || err == EINVAL) {
        // /proc/self/ns/net exists exactly when the kernel has CONFIG_NET_NS.
        if (::stat("/proc/self/ns", &st) == 0 && ::stat("/proc/self/ns/net", &st) != 0)
            return "kernel built without CONFIG_NET_NS: /proc/self/ns has no net; unshare(CLONE_NEWNET) gives " +
                   errstr(err);
        return "";
    }
    if (err == ENOSPC) {
        std::ifstream f("/proc/sys/user/max_net_namespaces");
        long max = -1;
        if (f >> max && max == 0)
            return "host policy: user.max_net_namespaces is 0, so unshare(CLONE_NEWNET) gives ENOSPC";
        return "";
    }
    return refused_for_policy(err, "unshare(CLONE_NEWNET)");
}

std::string cgroup2_refusal(int err)
{
    std::string none = no_filesystem("cgroup2");
    if (!none.empty())
        return "kernel without cgroup v2 (CONFIG_CGROUPS): " + none;
    if (err == ENOENT && std::ifstream("/proc/self/mounts") && cgroup2_mount_options().empty())
        return "host without a cgroup2 hierarchy mounted: /proc/self/mounts lists none";
    if (err == EROFS) {
        std::string opts = cgroup2_mount_options();
        if (opts.rfind("ro", 0) == 0 && (opts.size() == 2 || opts[2] == ','))
            return "host policy: the cgroup2 hierarchy is mounted read-only (" + opts + "), so mkdir gives EROFS";
        return "";
    }
    return refused_for_policy(err, "mounting cgroup2 or making a cgroup directory");
}

std::string userns_refusal(int err)
{
    struct stat st;
    if (::stat("/proc/self/ns", &st) == 0 && ::stat("/proc/self/ns/user", &st) != 0)
        return "kernel built without CONFIG_USER_NS: /proc/self/ns has no user";
    std::ifstream f("/proc/sys/user/max_user_namespaces");
    long max = -1;
    if (err == ENOSPC && f >> max && max == 0)
        return "host policy: user.max_user_namespaces is 0, so unshare(CLONE_NEWUSER) gives ENOSPC";
    return "";
}

std::string tracefs_refusal(int err)
{
    std::string none = no_filesystem("tracefs");
    if (!none.empty())
        return "kernel without tracefs (CONFIG_TRACING): " + none;
    return refused_for_policy(err, "mounting tracefs");
}

} // namespace selftest
