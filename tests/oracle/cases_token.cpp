// The token run: the process enters a user namespace of its own (root
// there, nobody outside), a helper still outside makes it a bpffs that
// delegates everything, and every create then goes through a BPF token.
// libbpf's probes run without the token here.
#include "driver.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace oracle {

namespace {

bool send_fd(int sock, int fd)
{
    char byte = 0;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(int))] = {};
    msghdr h{};
    h.msg_iov = &iov;
    h.msg_iovlen = 1;
    h.msg_control = ctl;
    h.msg_controllen = sizeof ctl;
    cmsghdr *c = CMSG_FIRSTHDR(&h);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return sendmsg(sock, &h, MSG_NOSIGNAL) == 1;
}

int recv_fd(int sock)
{
    char byte;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(int))] = {};
    msghdr h{};
    h.msg_iov = &iov;
    h.msg_iovlen = 1;
    h.msg_control = ctl;
    h.msg_controllen = sizeof ctl;
    if (recvmsg(sock, &h, MSG_CMSG_CLOEXEC) != 1)
        return -1;
    cmsghdr *c = CMSG_FIRSTHDR(&h);
    if (!c || c->cmsg_type != SCM_RIGHTS)
        return -1;
    int fd;
    std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

bool write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = write(fd, text, std::strlen(text)) == static_cast<ssize_t>(std::strlen(text));
    close(fd);
    return ok;
}

// Outside the user namespace: turns the child's bpffs context into a mount
// that delegates every command, map, program and attach type.
[[noreturn]] void helper(int sock)
{
    int fs = recv_fd(sock);
    int dir = -1;
    if (fs >= 0) {
        bool ok = true;
        for (const char *key : {"delegate_cmds", "delegate_maps", "delegate_progs", "delegate_attachs"})
            ok = ok && fsconfig(fs, FSCONFIG_SET_STRING, key, "any", 0) == 0;
        ok = ok && fsconfig(fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) == 0;
        int mnt = ok ? fsmount(fs, FSMOUNT_CLOEXEC, 0) : -1;
        dir = mnt >= 0 ? openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    }
    if (dir < 0 || !send_fd(sock, dir))
        _exit(errno > 0 && errno < 256 ? errno : 255); // the refusal, for the record
    _exit(0);
}

std::string file_text(const char *path)
{
    std::string text;
    if (FILE *f = std::fopen(path, "re")) {
        char buf[65536];
        for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;)
            text.append(buf, n);
        std::fclose(f);
    }
    return text;
}

// Why the kernel or the host, not the test, refuses tokens; "" without
// evidence. The kernel's BTF names every enumerator of enum bpf_cmd.
std::string refusal_evidence()
{
    const std::string btf = file_text("/sys/kernel/btf/vmlinux");
    if (!btf.empty() && btf.find(std::string("\0BPF_TOKEN_CREATE\0", 18)) == std::string::npos)
        return "kernel without BPF tokens (6.9+): /sys/kernel/btf/vmlinux has no BPF_TOKEN_CREATE";
    if (file_text("/proc/sys/user/max_user_namespaces") == "0\n")
        return "host policy: user.max_user_namespaces is 0";
    return "";
}

[[noreturn]] void give_up(const char *step)
{
    // The run's record says why: with evidence, the runner reports the run as
    // not run (exit 3); without, as failed.
    const std::string why = strerror(errno);
    const std::string evidence = refusal_evidence();
    if (evidence.empty()) {
        emit("token set-up failed: %s: %s, and neither the kernel's BTF nor the host's policy says why", step,
             why.c_str());
        std::exit(4);
    }
    emit("token set-up refused: %s: %s (%s)", step, why.c_str(), evidence.c_str());
    std::exit(3);
}

} // namespace

void cases_token()
{
    begin("setup: user namespace and delegated bpffs");
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        give_up("socketpair");
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        helper(sv[1]);
    }
    close(sv[1]);
    if (unshare(CLONE_NEWUSER) != 0)
        give_up("unshare(CLONE_NEWUSER)");
    if (!write_file("/proc/self/setgroups", "deny") || !write_file("/proc/self/uid_map", "0 0 1") ||
        !write_file("/proc/self/gid_map", "0 0 1"))
        give_up("uid/gid map");
    if (unshare(CLONE_NEWNS) != 0)
        give_up("unshare(CLONE_NEWNS)");
    int fs = fsopen("bpf", FSOPEN_CLOEXEC);
    if (fs < 0 || !send_fd(sv[0], fs))
        give_up("fsopen(bpf) in the user namespace");
    int bpffs = recv_fd(sv[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (bpffs < 0) {
        errno = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
        give_up("delegated bpffs: fsconfig(delegate_*)/fsmount outside the namespace");
    }
    close(fs);

    begin("token create");
    long token = ORACLE_CALL(bpf_token_create(bpffs, nullptr));
    if (token < 0) {
        errno = static_cast<int>(-token); // ORACLE_CALL left its sentinel
        give_up("BPF_TOKEN_CREATE");
    }
    const unsigned t = static_cast<unsigned>(token);

    static const char gpl[] = "GPL";
    const char *names[] = {"tok_map", nullptr, "tok_map_with_a_long_name"};
    for (int round = 0; round < 2; round++)
        for (const char *name : names) {
            LIBBPF_OPTS(bpf_map_create_opts, mo, .map_flags = BPF_F_TOKEN_FD, .token_fd = t);
            begin("token map_create round=%d name=%s", round, name ? name : "NULL");
            if (name)
                reg("name", name, std::strlen(name) + 1);
            drop(ORACLE_CALL(bpf_map_create(BPF_MAP_TYPE_ARRAY, name, 4, 8, 1, &mo)));
            begin("token map_create without token round=%d name=%s", round, name ? name : "NULL");
            if (name)
                reg("name", name, std::strlen(name) + 1);
            drop(ORACLE_CALL(bpf_map_create(BPF_MAP_TYPE_ARRAY, name, 4, 8, 1, nullptr)));
            LIBBPF_OPTS(bpf_prog_load_opts, po, .prog_flags = BPF_F_TOKEN_FD, .token_fd = t);
            begin("token prog_load round=%d name=%s", round, name ? name : "NULL");
            if (name)
                reg("name", name, std::strlen(name) + 1);
            reg("license", gpl, sizeof gpl);
            reg("insns", kRet0, sizeof kRet0);
            drop(ORACLE_CALL(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, name, gpl, kRet0, 2, &po)));
            LIBBPF_OPTS(bpf_btf_load_opts, bo, .btf_flags = BPF_F_TOKEN_FD, .token_fd = t);
            begin("token btf_load round=%d name=%s", round, name ? name : "NULL");
            reg("btf", kBtfBlob, kBtfBlobSize);
            drop(ORACLE_CALL(bpf_btf_load(kBtfBlob, kBtfBlobSize, &bo)));
        }
    begin("token set_memlock_rlim");
    ORACLE_CALL(libbpf_set_memlock_rlim(1 << 20));
    drop(token);
}

} // namespace oracle
