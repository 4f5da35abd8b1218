// The process the verifier-log selftest runs, with and without
// SYSBPF_VERIFIER_LOG: one load, then what the caller saw and how many
// BPF_PROG_LOAD / BPF_BTF_LOAD commands reached the kernel (this executable
// defines syscall(), which the library calls for every bpf()).
//
//   vlog_child CASE [TARGET]
//   nolog | small (a 128-byte log) | enough (64 KiB) | good | btf | big:
//     the programs of vlog_common.hpp
//   flaky: the first BPF_PROG_LOAD of a good program fails with ENOMEM
//     here, before the kernel (a transient failure); later ones reach it
//   flaky-leak: as flaky, but that first load reaches the kernel and its fd
//     is kept (a broken library's leak, for the fd check's companion)
//   planted TARGET: vlog::plant() in $SYSBPF_VERIFIER_LOG, then as nolog
#include "vlog_common.hpp"
#include "kernel_helpers.hpp"

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <string>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

int g_loads = 0;
int g_fail_first = 0; // 1: fail the first load; 2: fail it after the kernel loaded it

} // namespace

extern "C" __attribute__((visibility("default"))) long syscall(long nr, ...)
{
    va_list ap;
    va_start(ap, nr);
    long a[6];
    for (long &x : a)
        x = va_arg(ap, long);
    va_end(ap);
    static auto real = reinterpret_cast<long (*)(long, ...)>(dlsym(RTLD_NEXT, "syscall"));
    if (nr == SYS_bpf && (a[0] == BPF_PROG_LOAD || a[0] == BPF_BTF_LOAD)) {
        if (g_loads++ == 0 && g_fail_first) {
            if (g_fail_first == 2 && real(nr, a[0], a[1], a[2], a[3], a[4], a[5]) < 0)
                return -1; // the kernel's own failure: no fd to leak
            errno = ENOMEM;
            return -1;
        }
    }
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
    if (what == "planted") {
        const char *dir = std::getenv("SYSBPF_VERIFIER_LOG");
        if (argc < 3 || (dir && !vlog::plant(dir, getpid(), argv[2])))
            return 3;
    }
    g_fail_first = what == "flaky" ? 1 : what == "flaky-leak" ? 2 : 0;
    const int fds = selftest::open_fd_count();
    int r;
    errno = 0;
    if (what == "btf") {
        const auto btf = vlog::bad_btf();
        r = bpf_btf_load(btf.data(), btf.size(), nullptr);
    } else {
        if (what == "small" || what == "enough") {
            o.log_buf = log;
            o.log_size = what == "small" ? 128 : sizeof(log);
            o.log_level = 1;
        }
        const auto prog = what == "good" || what.rfind("flaky", 0) == 0 ? vlog::good_prog()
                          : what == "big"                             ? vlog::bad_prog(vlog::kBigBad)
                                                                      : vlog::bad_prog(vlog::kSmallBad);
        r = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, vlog::kProgName, "GPL", prog.data(), prog.size(), &o);
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
                o.log_true_size, sum, loads, selftest::open_fd_count() == fds ? "same" : "CHANGED");
    return 0;
}
