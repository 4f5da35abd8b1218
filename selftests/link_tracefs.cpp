#include "link_tracefs.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace selftest::links {

namespace {

long read_id(const std::string &path)
{
    FILE *f = std::fopen(path.c_str(), "r");
    if (!f)
        return -errno;
    long id = -EINVAL;
    if (std::fscanf(f, "%ld", &id) != 1)
        id = -EINVAL;
    std::fclose(f);
    return id;
}

std::string id_path(const std::string &root, const std::string &category, const std::string &name)
{
    return root + "/events/" + category + "/" + name + "/id";
}

// In a child: private mount namespace, tracefs on `dir`, read the id, report
// it through the pipe. The namespace (and the mount) die with the child.
long id_from_private_mount(const std::string &dir, const std::string &path)
{
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0)
        return -errno;
    pid_t pid = ::fork();
    if (pid < 0) {
        int e = errno;
        ::close(p[0]);
        ::close(p[1]);
        return -e;
    }
    if (pid == 0) {
        long id;
        if (::unshare(CLONE_NEWNS) != 0 ||
            ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
            ::mount("tracefs", dir.c_str(), "tracefs", 0, nullptr) != 0)
            id = -errno;
        else
            id = read_id(path);
        (void)!::write(p[1], &id, sizeof(id));
        ::_exit(0);
    }
    ::close(p[1]);
    long id = -EIO;
    if (::read(p[0], &id, sizeof(id)) != sizeof(id))
        id = -EIO;
    ::close(p[0]);
    int status;
    ::waitpid(pid, &status, 0);
    return id;
}

} // namespace

long tracepoint_id(const std::string &category, const std::string &name)
{
    for (const char *root : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}) {
        long id = read_id(id_path(root, category, name));
        if (id >= 0)
            return id;
    }
    // Not mounted: mount it privately, on its usual (empty) mount point if
    // there is one, else on a temporary directory removed afterwards.
    struct stat st;
    if (::stat("/sys/kernel/tracing", &st) == 0 && S_ISDIR(st.st_mode))
        return id_from_private_mount("/sys/kernel/tracing",
                                     id_path("/sys/kernel/tracing", category, name));
    char tmp[] = "/tmp/sysbpf-tracefs-XXXXXX";
    if (!::mkdtemp(tmp))
        return -errno;
    long id = id_from_private_mount(tmp, id_path(tmp, category, name));
    ::rmdir(tmp);
    return id;
}

int open_tracepoint_event(long id)
{
    perf_event_attr a{};
    a.size = sizeof(a);
    a.type = PERF_TYPE_TRACEPOINT;
    a.config = static_cast<__u64>(id);
    a.sample_period = 1;
    a.wakeup_events = 1;
    long fd = ::syscall(__NR_perf_event_open, &a, 0 /* this process */, -1 /* any CPU */, -1,
                        PERF_FLAG_FD_CLOEXEC);
    return fd < 0 ? -errno : static_cast<int>(fd);
}

} // namespace selftest::links
