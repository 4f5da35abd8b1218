#include "token_fixtures.hpp"

#include "kernel_refusal.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace selftest::token {
namespace {

std::string failure(const char *step, int err) { return std::string(step) + ": " + errstr(err); }

// Messages between parent and child: one SEQPACKET datagram each, with an
// optional fd attached.
struct Msg {
    int ok;          // 0: the sender's step failed (step, err say which)
    char step[64];
    int err;
    int values[kValues];
};

bool send_msg(int sock, const Msg &m, int fd = -1)
{
    iovec iov{const_cast<Msg *>(&m), sizeof(m)};
    msghdr h{};
    h.msg_iov = &iov;
    h.msg_iovlen = 1;
    alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(int))] = {};
    if (fd >= 0) {
        h.msg_control = ctl;
        h.msg_controllen = sizeof(ctl);
        cmsghdr *c = CMSG_FIRSTHDR(&h);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
    }
    return ::sendmsg(sock, &h, MSG_NOSIGNAL) == static_cast<ssize_t>(sizeof(m));
}

// Receives a message; *fd gets the attached fd (close-on-exec) or -1.
bool recv_msg(int sock, Msg *m, int *fd = nullptr)
{
    iovec iov{m, sizeof(*m)};
    msghdr h{};
    h.msg_iov = &iov;
    h.msg_iovlen = 1;
    alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(int))] = {};
    h.msg_control = ctl;
    h.msg_controllen = sizeof(ctl);
    if (fd)
        *fd = -1;
    if (::recvmsg(sock, &h, MSG_CMSG_CLOEXEC) != static_cast<ssize_t>(sizeof(*m)))
        return false;
    for (cmsghdr *c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int got;
            std::memcpy(&got, CMSG_DATA(c), sizeof(int));
            if (fd)
                *fd = got;
            else
                ::close(got);
        }
    }
    return true;
}

Msg failed_msg(const char *step, int err)
{
    Msg m{};
    std::snprintf(m.step, sizeof(m.step), "%s", step);
    m.err = err;
    return m;
}

bool write_file(const char *path, const char *text)
{
    int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = ::write(fd, text, std::strlen(text));
    int e = errno;
    ::close(fd);
    errno = e;
    return n == static_cast<ssize_t>(std::strlen(text));
}

// The child: never returns.
[[noreturn]] void child_main(int sock, int init_bpffs_fd, Scenario scenario)
{
    auto fail = [&](const char *step) {
        send_msg(sock, failed_msg(step, errno));
        ::_exit(0);
    };
    if (::unshare(CLONE_NEWUSER))
        fail("child: unshare(CLONE_NEWUSER)");
    // Root inside maps to root outside; setgroups must be denied before an
    // unprivileged gid_map write.
    if (!write_file("/proc/self/setgroups", "deny"))
        fail("child: write /proc/self/setgroups");
    if (!write_file("/proc/self/uid_map", "0 0 1"))
        fail("child: write /proc/self/uid_map");
    if (!write_file("/proc/self/gid_map", "0 0 1"))
        fail("child: write /proc/self/gid_map");
    if (::unshare(CLONE_NEWNS))
        fail("child: unshare(CLONE_NEWNS)");
    int fs_fd = ::fsopen("bpf", FSOPEN_CLOEXEC);
    if (fs_fd < 0)
        fail("child: fsopen(\"bpf\") in the user namespace");
    Msg ok{};
    ok.ok = 1;
    if (!send_msg(sock, ok, fs_fd))
        ::_exit(1);
    ::close(fs_fd);

    Msg reply{};
    int bpffs_fd = -1;
    if (!recv_msg(sock, &reply, &bpffs_fd) || !reply.ok || bpffs_fd < 0)
        ::_exit(0); // the parent could not set the bpffs up and says why itself

    Msg result{};
    result.ok = 1;
    scenario(bpffs_fd, init_bpffs_fd, result.values);
    send_msg(sock, result);
    // exit(), not _exit(): the library's exit hook then writes this child's
    // SYSBPF_STATS too, so the errno coverage check sees the scenario's calls.
    // Our stdio buffers were flushed before fork(); nothing is written twice.
    std::exit(0);
}

// Kills and reaps the child whatever happens to the test.
class ChildGuard {
public:
    explicit ChildGuard(pid_t pid) : pid_(pid) {}
    ~ChildGuard()
    {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            wait();
        }
    }
    int wait()
    {
        int status = 0;
        while (pid_ > 0 && ::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        pid_ = -1;
        return status;
    }

private:
    pid_t pid_;
};

} // namespace

int materialize_bpffs(int fs_fd, Delegation d, std::string *failed, int *err)
{
    auto fail = [&](const std::string &step) {
        int e = errno;
        *failed = failure(step.c_str(), e);
        if (err)
            *err = e;
        return -1;
    };
    if (d == Delegation::All) {
        for (const char *key : {"delegate_cmds", "delegate_maps", "delegate_progs",
                                "delegate_attachs"}) {
            if (::fsconfig(fs_fd, FSCONFIG_SET_STRING, key, "any", 0))
                return fail(std::string("fsconfig(") + key + "=any)");
        }
    }
    if (::fsconfig(fs_fd, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0))
        return fail("fsconfig(FSCONFIG_CMD_CREATE)");
    // fsmount gives an O_PATH-like fd; the token needs a real open of the root.
    Fd mnt(::fsmount(fs_fd, FSMOUNT_CLOEXEC, 0));
    if (mnt < 0)
        return fail("fsmount");
    int dir = ::openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        fail("openat(bpffs root)");
    return dir;
}

int open_init_bpffs(std::string *failed, int *err)
{
    Fd fs(::fsopen("bpf", FSOPEN_CLOEXEC));
    if (fs < 0) {
        int e = errno;
        *failed = failure("fsopen(\"bpf\")", e);
        if (err)
            *err = e;
        return -1;
    }
    return materialize_bpffs(fs, Delegation::None, failed, err);
}

UsernsResult run_in_userns(Delegation d, int init_bpffs_fd, Scenario scenario)
{
    UsernsResult r;
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
        r.broken = failure("socketpair", errno);
        return r;
    }
    Fd mine(sv[0]), theirs(sv[1]);
    std::fflush(nullptr); // the child must not flush our buffered output again
    pid_t pid = ::fork();
    if (pid < 0) {
        r.broken = failure("fork", errno);
        return r;
    }
    if (pid == 0) {
        ::close(sv[0]);
        child_main(sv[1], init_bpffs_fd, scenario);
    }
    ChildGuard child(pid);
    theirs.reset();
    timeval tv{10, 0};
    ::setsockopt(mine, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

    Msg m{};
    int raw_fs_fd = -1;
    if (!recv_msg(mine, &m, &raw_fs_fd)) {
        r.broken = failure("parent: no answer from the child", errno);
        return r;
    }
    Fd fs_fd(raw_fs_fd);
    if (!m.ok) {
        std::string step = m.step;
        std::string why = step.find("unshare(CLONE_NEWUSER)") != std::string::npos ? userns_refusal(m.err)
                          : step.find("fsopen") != std::string::npos             ? bpffs_refusal(m.err)
                                                                                  : "";
        (why.empty() ? r.broken : r.skip_reason) = failure(m.step, m.err) + (why.empty() ? "" : " (" + why + ")");
        return r;
    }
    std::string failed;
    Fd dir(materialize_bpffs(fs_fd, d, &failed));
    if (dir < 0) {
        r.broken = "parent: " + failed;
        send_msg(mine, failed_msg("parent", 0));
        return r;
    }
    Msg go{};
    go.ok = 1;
    if (!send_msg(mine, go, dir)) {
        r.broken = failure("parent: sendmsg", errno);
        return r;
    }
    dir.reset();
    if (!recv_msg(mine, &m) || !m.ok) {
        r.broken = failure("parent: no result from the child", errno);
        return r;
    }
    std::memcpy(r.values, m.values, sizeof(r.values));
    int status = child.wait();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        r.broken = "child exit status " + std::to_string(status);
    return r;
}

} // namespace selftest::token
