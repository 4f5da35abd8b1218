// Started by the 'fd-hygiene' selftest with some of fds 0, 1 and 2 closed
// (argv[2] lists the closed ones). Calls every bpf.h function that returns an
// fd, on the real kernel, and checks each fd: >= 3, close-on-exec, and the
// closed standard fds still closed afterwards. Then passes fds it opened
// itself ("bystanders") to calls that fail, and checks that none was closed
// or replaced. Reports one line per check on the fd in argv[1]:
//   OK <what> | FAIL <what> | SKIP <what>: <errno name>
// and exits 0 only if no check failed.
#include "btf_fixtures.hpp"
#include "kernel_helpers.hpp"
#include "obj_attach_fixtures.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

// LIBBPF_OPTS with a few designated fields is the API's intended use.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

// Functions other branches may not have landed yet: absent ones are skipped.
#pragma weak bpf_raw_tracepoint_open
#pragma weak bpf_raw_tracepoint_open_opts
#pragma weak bpf_link_create
#pragma weak bpf_enable_stats
#pragma weak bpf_iter_create
#pragma weak bpf_token_create

namespace {

int g_report = -1;
bool g_closed[3];
int g_failed = 0;

void report(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char line[512];
    std::vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    dprintf(g_report, "%s\n", line);
    if (std::strncmp(line, "FAIL", 4) == 0)
        g_failed++;
}

std::string ename(int e) { return selftest::errstr(e); }

bool std_fds_as_started()
{
    for (int n = 0; n < 3; n++)
        if (g_closed[n] && ::fcntl(n, F_GETFD) != -1)
            return false;
    return true;
}

std::vector<int> g_keep; // fds the checks returned, closed at exit

// The fd an API returned: >= 3, close-on-exec, nothing put in 0/1/2.
int check_fd(const char *what, int fd)
{
    if (fd < 0) {
        report("SKIP %s: %s", what, ename(-fd).c_str());
        return -1;
    }
    g_keep.push_back(fd);
    const bool cloexec = (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
    if (fd < 3 || !cloexec || !std_fds_as_started())
        report("FAIL %s: fd %d, close-on-exec %d, closed standard fds still closed %d", what, fd,
               cloexec, std_fds_as_started());
    else
        report("OK %s: fd %d", what, fd);
    return fd;
}

// An fd >= 3 that the library did not create.
int bystander()
{
    int fd = ::open("/dev/null", O_RDONLY);
    int high = ::fcntl(fd, F_DUPFD, 40);
    ::close(fd);
    return high;
}

struct Identity {
    dev_t dev;
    ino_t ino;
};
bool same_file(int fd, const Identity &id)
{
    struct stat st;
    return ::fstat(fd, &st) == 0 && st.st_dev == id.dev && st.st_ino == id.ino;
}

// A raw fixture fd moved above 0..2, so that fixtures never fill the slots
// under test.
int high(int fd)
{
    if (fd < 0 || fd > 2)
        return fd;
    int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    ::close(fd);
    return moved;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    g_report = std::atoi(argv[1]);
    for (const char *p = argv[2]; *p; p++)
        if (*p >= '0' && *p <= '2')
            g_closed[*p - '0'] = true;
    if (!std_fds_as_started()) {
        report("FAIL started with a standard fd open that should be closed");
        return 1;
    }

    // Fixtures open fds of their own: plug the closed slots meanwhile, so
    // that none of those lands in 0..2.
    std::vector<int> plugs;
    for (int n = 0; n < 3; n++)
        if (g_closed[n])
            plugs.push_back(::open("/dev/null", O_RDONLY));
    selftest::BpfFs fs;
    selftest::Cgroup cg;
    const std::vector<unsigned char> btf = selftest::pair_btf();
    const int by[3] = {bystander(), bystander(), bystander()};
    Identity ids[3];
    for (int i = 0; i < 3; i++) {
        struct stat st;
        ::fstat(by[i], &st);
        ids[i] = {st.st_dev, st.st_ino};
    }
    for (int p : plugs)
        ::close(p);

    const auto prog_insns = selftest::return_imm(0);
    const auto skb_insns = selftest::return_imm(1);

    // Every function that returns a new fd.
    int map = check_fd("bpf_map_create", bpf_map_create(BPF_MAP_TYPE_ARRAY, "fdh_map", 4, 8, 1, nullptr));
    int prog = check_fd("bpf_prog_load", bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "fdh_prog", "GPL",
                                                       prog_insns.data(), prog_insns.size(), nullptr));
    int btf_fd = check_fd("bpf_btf_load", bpf_btf_load(btf.data(), btf.size(), nullptr));
    if (map >= 0) {
        check_fd("bpf_map_get_fd_by_id", bpf_map_get_fd_by_id(selftest::map_id(map)));
        LIBBPF_OPTS(bpf_get_fd_by_id_opts, o, .open_flags = BPF_F_RDONLY);
        check_fd("bpf_map_get_fd_by_id_opts", bpf_map_get_fd_by_id_opts(selftest::map_id(map), &o));
    }
    if (prog >= 0) {
        check_fd("bpf_prog_get_fd_by_id", bpf_prog_get_fd_by_id(selftest::prog_id(prog)));
        LIBBPF_OPTS(bpf_get_fd_by_id_opts, o);
        check_fd("bpf_prog_get_fd_by_id_opts", bpf_prog_get_fd_by_id_opts(selftest::prog_id(prog), &o));
    }
    if (btf_fd >= 0) {
        check_fd("bpf_btf_get_fd_by_id", bpf_btf_get_fd_by_id(selftest::btf_id(btf_fd)));
        LIBBPF_OPTS(bpf_get_fd_by_id_opts, o);
        check_fd("bpf_btf_get_fd_by_id_opts", bpf_btf_get_fd_by_id_opts(selftest::btf_id(btf_fd), &o));
    }
    if (!fs.ok()) {
        report("SKIP bpf_obj_get: bpffs: %s", ename(fs.error()).c_str());
    } else if (map >= 0) {
        const std::string path = fs.path("m");
        if (bpf_obj_pin(map, path.c_str()) != 0) {
            report("FAIL bpf_obj_pin: %s", ename(errno).c_str());
        } else {
            check_fd("bpf_obj_get", bpf_obj_get(path.c_str()));
            LIBBPF_OPTS(bpf_obj_get_opts, o, .file_flags = BPF_F_RDONLY);
            check_fd("bpf_obj_get_opts", bpf_obj_get_opts(path.c_str(), &o));
        }
    }

    // Links: through the library where it has link_create, else by raw bpf().
    int skb = bpf_prog_load(BPF_PROG_TYPE_CGROUP_SKB, "fdh_skb", "GPL", skb_insns.data(),
                            skb_insns.size(), nullptr);
    int link = -1;
    if (!cg.ok() || skb < 0) {
        report("SKIP links: cgroup %s, cgroup_skb load %s", ename(cg.error()).c_str(),
               ename(skb < 0 ? -skb : 0).c_str());
    } else {
        g_keep.push_back(skb);
        if (&bpf_link_create)
            link = check_fd("bpf_link_create",
                            bpf_link_create(skb, cg.fd(), BPF_CGROUP_INET_INGRESS, nullptr));
        else
            link = high(selftest::raw_cgroup_link(skb, cg.fd(), BPF_CGROUP_INET_INGRESS));
        if (link >= 0) {
            if (!&bpf_link_create)
                g_keep.push_back(link);
            check_fd("bpf_link_get_fd_by_id", bpf_link_get_fd_by_id(selftest::link_id(link)));
            LIBBPF_OPTS(bpf_get_fd_by_id_opts, o);
            check_fd("bpf_link_get_fd_by_id_opts", bpf_link_get_fd_by_id_opts(selftest::link_id(link), &o));
        } else {
            report("SKIP link fds: cgroup link: %s", ename(-link).c_str());
        }
    }
    const auto rtp_insns = selftest::return_imm(0);
    if (&bpf_raw_tracepoint_open) {
        int rtp = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "fdh_rtp", "GPL", rtp_insns.data(),
                                rtp_insns.size(), nullptr);
        if (rtp >= 0) {
            g_keep.push_back(rtp);
            check_fd("bpf_raw_tracepoint_open", bpf_raw_tracepoint_open("sys_enter", rtp));
            LIBBPF_OPTS(bpf_raw_tp_opts, o, .tp_name = "sys_exit");
            check_fd("bpf_raw_tracepoint_open_opts", bpf_raw_tracepoint_open_opts(rtp, &o));
        } else {
            report("SKIP bpf_raw_tracepoint_open: raw_tracepoint load: %s", ename(-rtp).c_str());
        }
    } else {
        report("SKIP bpf_raw_tracepoint_open: not in this build");
    }
    if (&bpf_enable_stats)
        check_fd("bpf_enable_stats", bpf_enable_stats(BPF_STATS_RUN_TIME));
    else
        report("SKIP bpf_enable_stats: not in this build");

    // Bystanders handed to calls that fail: never closed, never replaced.
    unsigned char key[4] = {}, val[8] = {};
    __u32 len = sizeof(val), next = 0, count = 1;
    bpf_map_update_elem(by[0], key, val, 0);
    bpf_map_lookup_elem(by[0], key, val);
    bpf_map_freeze(by[0]);
    bpf_obj_get_info_by_fd(by[1], val, &len);
    bpf_map_lookup_batch(by[1], nullptr, &next, key, val, &count, nullptr);
    bpf_prog_attach(by[0], by[1], BPF_CGROUP_INET_INGRESS, 0);
    bpf_prog_detach2(by[0], by[1], BPF_CGROUP_INET_INGRESS);
    bpf_prog_test_run_opts(by[2], nullptr);
    {
        LIBBPF_OPTS(bpf_map_create_opts, o, .btf_fd = static_cast<__u32>(by[2]),
                    .inner_map_fd = static_cast<__u32>(by[1]));
        int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "fdh_bad", 4, 8, 1, &o);
        LIBBPF_OPTS(bpf_prog_load_opts, p, .prog_btf_fd = static_cast<__u32>(by[2]));
        int fd2 = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "fdh_bad", "GPL", prog_insns.data(),
                                prog_insns.size(), &p);
        for (int f : {fd, fd2}) // the kernel may ignore an fd it does not need
            if (f >= 0)
                g_keep.push_back(f);
    }
    // Closed standard fds as object fds: EBADF, and nothing opened there.
    for (int n = 0; n < 3; n++)
        if (g_closed[n])
            bpf_map_lookup_elem(n, key, val);
    for (int i = 0; i < 3; i++) {
        if (same_file(by[i], ids[i]))
            report("OK bystander fd %d: still open, same file", by[i]);
        else
            report("FAIL bystander fd %d: closed or replaced by the library", by[i]);
    }
    if (std_fds_as_started())
        report("OK closed standard fds still closed after every call");
    else
        report("FAIL a closed standard fd was opened by the library");

    for (int fd : g_keep)
        ::close(fd);
    report("END %d failed", g_failed);
    return g_failed ? 1 : 0;
}
