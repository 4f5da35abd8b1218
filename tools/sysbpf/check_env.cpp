#include "check_env.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sched.h>
#include <sstream>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sysbpf_tool {
namespace {

CheckEnv *g_env = nullptr;

void on_signal(int sig)
{
    if (g_env)
        g_env->cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

std::string err(const char *what) { return std::string(what) + ": " + strerrorname_np(errno); }

// The mount point of the cgroup v2 hierarchy, from mountinfo.
std::string cgroup2_mount()
{
    std::ifstream f("/proc/self/mountinfo");
    std::string line;
    while (std::getline(f, line)) {
        size_t sep = line.find(" - ");
        if (sep == std::string::npos || line.compare(sep + 3, 8, "cgroup2 ") != 0)
            continue;
        std::istringstream fields(line.substr(0, sep));
        std::string id, parent, dev, root, point;
        if (fields >> id >> parent >> dev >> root >> point)
            return point;
    }
    return {};
}

// What a run left behind when SIGKILL ended it (every other signal that
// ends the process cleans up first): its /tmp directories (the mounts on
// them were in its private namespace and are gone) and its cgroup (cgroups
// are not namespaced). Each name holds the run's pid; removes those in `dir`
// named `prefix`<pid>... whose process is gone. rmdir removes only empty
// directories.
void remove_stale(const std::string &dir, const char *prefix)
{
    DIR *d = opendir(dir.c_str());
    if (!d)
        return;
    const size_t plen = std::strlen(prefix);
    while (dirent *e = readdir(d)) {
        if (std::strncmp(e->d_name, prefix, plen) != 0)
            continue;
        char *end = nullptr;
        const long pid = std::strtol(e->d_name + plen, &end, 10);
        if (pid <= 0 || end == e->d_name + plen || (*end && *end != '-'))
            continue;
        if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
            const std::string path = dir + "/" + e->d_name;
            umount2(path.c_str(), MNT_DETACH);
            rmdir(path.c_str());
        }
    }
    closedir(d);
}

} // namespace

CheckEnv::CheckEnv()
{
    if (unshare(CLONE_NEWNS | CLONE_NEWNET) != 0) {
        ns_note = err("unshare(CLONE_NEWNS|CLONE_NEWNET)");
    } else if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        ns_note = err("mount --make-rprivate /");
    } else {
        private_ns = true;
    }
    g_env = this;
    // Every signal whose default action ends the process cleans up first
    // (SIGKILL cannot be caught: the next run removes what it left).
    for (int sig : {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE,
                    SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ, SIGIO, SIGABRT})
        signal(sig, on_signal);

    remove_stale("/tmp", "sysbpf-check-");
    remove_stale("/tmp", "sysbpf-cgroup-");

    if (!private_ns) {
        bpffs_note = "no private mount namespace (" + ns_note + ")";
    } else {
        std::snprintf(bpffs_dir_, sizeof(bpffs_dir_), "/tmp/sysbpf-check-%d-XXXXXX", getpid());
        if (!mkdtemp(bpffs_dir_)) {
            bpffs_note = err("mkdtemp");
            bpffs_dir_[0] = '\0';
        } else if (mount("bpf", bpffs_dir_, "bpf", 0, nullptr) != 0) {
            bpffs_note = err("mount -t bpf");
        } else {
            bpffs = bpffs_dir_;
        }
    }

    std::string mnt = cgroup2_mount();
    if (mnt.empty() && private_ns) { // mount the hierarchy privately
        std::snprintf(cgroup_mnt_, sizeof(cgroup_mnt_), "/tmp/sysbpf-cgroup-%d-XXXXXX", getpid());
        if (mkdtemp(cgroup_mnt_) && mount("cgroup2", cgroup_mnt_, "cgroup2", 0, nullptr) == 0)
            mnt = cgroup_mnt_;
        else
            cgroup_note = err("mount -t cgroup2");
    }
    if (mnt.empty()) {
        if (cgroup_note.empty())
            cgroup_note = "no cgroup v2 hierarchy";
        return;
    }
    remove_stale(mnt, "sysbpf-check-");
    std::snprintf(cgroup_dir_, sizeof(cgroup_dir_), "%s/sysbpf-check-%d", mnt.c_str(), getpid());
    if (mkdir(cgroup_dir_, 0755) != 0) {
        cgroup_note = err(("mkdir " + std::string(cgroup_dir_)).c_str());
        cgroup_dir_[0] = '\0';
        return;
    }
    cgroup_fd = open(cgroup_dir_, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cgroup_fd < 0)
        cgroup_note = err("open cgroup");
}

CheckEnv::~CheckEnv()
{
    cleanup();
    g_env = nullptr;
}

void CheckEnv::cleanup() noexcept
{
    if (cgroup_fd >= 0) {
        close(cgroup_fd);
        cgroup_fd = -1;
    }
    if (cgroup_dir_[0]) {
        rmdir(cgroup_dir_);
        cgroup_dir_[0] = '\0';
    }
    if (cgroup_mnt_[0]) {
        umount2(cgroup_mnt_, MNT_DETACH);
        rmdir(cgroup_mnt_);
        cgroup_mnt_[0] = '\0';
    }
    if (bpffs_dir_[0]) {
        umount2(bpffs_dir_, MNT_DETACH);
        rmdir(bpffs_dir_);
        bpffs_dir_[0] = '\0';
    }
}

} // namespace sysbpf_tool
