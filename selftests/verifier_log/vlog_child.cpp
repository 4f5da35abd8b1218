// The process the verifier-log suite runs, with and without
// SYSBPF_VERIFIER_LOG: one load, then what the caller saw and how many
// BPF_PROG_LOAD / BPF_BTF_LOAD commands reached the kernel (this executable
// defines syscall(), which the library calls for every bpf()).
//
//   vlog_child CASE [FULL_LOG_OUT]
//   CASE: nolog | small | enough | good | btf | big (6000 insns: a log
//   past 64 KiB)
//   FULL_LOG_OUT: with "nolog" or "big", also write the verifier's log the
//   child obtains itself (a sufficient log, level 1) to this file.
#include <bpf/bpf.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <dlfcn.h>
#include <string>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

int g_loads = 0;
bpf_insn g_big[6001];

int open_fds()
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    while (d && readdir(d))
        n++;
    if (d)
        closedir(d);
    return n;
}

// r0 is read before it is written: the verifier refuses ("R0 !read_ok").
const bpf_insn kBad[] = {{BPF_JMP | BPF_EXIT, 0, 0, 0, 0}};
const bpf_insn kGood[] = {{BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0},
                          {BPF_JMP | BPF_EXIT, 0, 0, 0, 0}};

} // namespace

extern "C" __attribute__((visibility("default"))) long syscall(long nr, ...)
{
    va_list ap;
    va_start(ap, nr);
    long a[6];
    for (long &x : a)
        x = va_arg(ap, long);
    va_end(ap);
    if (nr == SYS_bpf && (a[0] == BPF_PROG_LOAD || a[0] == BPF_BTF_LOAD))
        g_loads++;
    static auto real = reinterpret_cast<long (*)(long, ...)>(dlsym(RTLD_NEXT, "syscall"));
    return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    const std::string what = argv[1];
    static char log[1 << 16];
    std::memset(log, 'Z', sizeof(log));
    LIBBPF_OPTS(bpf_prog_load_opts, o);
    const int fds = open_fds();
    int r;
    if (what == "btf") {
        // A header with the right magic and nothing else: BTF refused.
        const unsigned char btf[] = {0x9f, 0xeb, 1, 0, 24, 0, 0, 0, 0, 0, 0, 0,
                                     0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
        errno = 0;
        r = bpf_btf_load(btf, sizeof(btf), nullptr);
    } else if (what == "big") {
        for (int i = 0; i < 6000; i++)
            g_big[i] = {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, i};
        g_big[6000] = kBad[0];
        errno = 0;
        r = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "vlog_prog", "GPL", g_big, 6001, nullptr);
    } else {
        if (what == "small" || what == "enough") {
            o.log_buf = log;
            o.log_size = what == "small" ? 16 : sizeof(log);
            o.log_level = 1;
        }
        errno = 0;
        r = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "vlog_prog", "GPL", what == "good" ? kGood : kBad,
                          what == "good" ? 2 : 1, &o);
    }
    const int err = errno;
    const int loads = g_loads;
    if (r >= 0)
        close(r);
    // What the caller saw: result, errno, its log bytes, log_true_size.
    unsigned long sum = 0;
    for (unsigned char c : log)
        sum = sum * 31 + c;
    std::printf("ret %d errno %d log_true_size %u log_sum %lu loads %d fds %s\n", r, err,
                o.log_true_size, sum, loads, open_fds() == fds ? "same" : "CHANGED");
    if ((what == "nolog" || what == "big") && argc > 2) {
        static char full[1 << 22];
        LIBBPF_OPTS(bpf_prog_load_opts, f, .log_level = 1, .log_size = sizeof(full), .log_buf = full);
        int fd = what == "big" ? bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "vlog_prog", "GPL", g_big, 6001, &f)
                               : bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "vlog_prog", "GPL", kBad, 1, &f);
        if (fd >= 0)
            return 1;
        FILE *out = std::fopen(argv[2], "w");
        if (!out)
            return 1;
        std::fputs(full, out);
        std::fclose(out);
    }
    return 0;
}
