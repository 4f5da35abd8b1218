// A host program for the guest suite: linked against libsysbpf.so.1, it
// makes bpf.h calls (each fails with EBADF; nothing is created) while doing
// what real programs do to their fds, environment, children and signals.
//
// usage: guest-host ACTION [ARGS...]; prints "calls N" (the calls it made)
// on stdout where the test needs it.
#include <bpf/bpf.h>

#include "kernel_helpers.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <string>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace {

int call()
{
    char key[4] = {}, value[8];
    return bpf_map_lookup_elem(-1, key, value);
}

void calls(int n)
{
    for (int i = 0; i < n; i++)
        call();
}

std::atomic<int> g_handler_calls{0};

void on_alarm(int)
{
    const int saved = errno;
    call();
    g_handler_calls.fetch_add(1);
    errno = saved;
}

// Runs before any shared library's constructor, libsysbpf's and libc's
// included (getenv does not work yet: the environment comes as envp).
void before_libraries(int, char **, char **envp)
{
    for (char **e = envp; *e; e++)
        if (!strncmp(*e, "GUEST_PREINIT_CALLS=", 20))
            calls(atoi(*e + 20));
}
__attribute__((section(".preinit_array"), used)) void (*const g_preinit)(int, char **,
                                                                          char **) = before_libraries;

void at_exit_calls()
{
    calls(2);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    const std::string a = argv[1];
    const int n = argc > 2 ? atoi(argv[2]) : 0;
    if (a == "calls") { // N
        calls(n);
    } else if (a == "fork") { // N K: N calls here, then K children of N calls each
        calls(n);
        const int k = atoi(argv[3]);
        for (int i = 0; i < k; i++) {
            fflush(nullptr);
            pid_t pid = fork();
            if (pid == 0) {
                calls(n);
                exit(0); // destructors run, as in a real program
            }
            waitpid(pid, nullptr, 0);
        }
    } else if (a == "reuse-stderr") { // N FILE: fd 2 closed and reused for data
        close(2);
        if (open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0600) != 2)
            return 3;
        calls(n);
        if (write(2, "DATA\n", 5) != 5)
            return 3;
    } else if (a == "reuse-all") { // N FILE: every fd >= 3 closed, the lowest reused
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
        int fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd != 3)
            return 3;
        calls(n);
        if (write(fd, "DATA\n", 5) != 5)
            return 3;
    } else if (a == "rewrite") { // N DIR: chdir, then the environment overwritten
        if (chdir(argv[3]) != 0)
            return 3;
        for (char **e = environ; *e; e++)
            if (!strncmp(*e, "SYSBPF_STATS=", 13))
                memset(*e + 13, 'Z', strlen(*e + 13));
        calls(n);
    } else if (a == "bad-pointer") {
        bpf_obj_get(reinterpret_cast<const char *>(1));
    } else if (a == "dlopen") { // N LIB: N load/unload cycles of another copy
        const int before = selftest::open_fd_count();
        for (int i = 0; i < n; i++) {
            void *h = dlopen(argv[3], RTLD_NOW | RTLD_LOCAL);
            if (!h) {
                fprintf(stderr, "%s\n", dlerror());
                return 3;
            }
            dlclose(h);
        }
        printf("fds %d %d\n", before, selftest::open_fd_count());
    } else if (a == "signal") { // N: until N calls from a SIGALRM handler
        struct sigaction sa{};
        sa.sa_handler = on_alarm;
        sa.sa_flags = SA_RESTART;
        sigaction(SIGALRM, &sa, nullptr);
        itimerval it{{0, 200}, {0, 200}};
        setitimer(ITIMER_REAL, &it, nullptr);
        long main_calls = 0;
        while (g_handler_calls.load() < n) {
            call();
            main_calls++;
        }
        itimerval off{};
        setitimer(ITIMER_REAL, &off, nullptr);
        printf("calls %ld\n", main_calls + g_handler_calls.load());
    } else if (a == "at-exit") { // N: N calls in main, 2 more from an atexit handler
        atexit(at_exit_calls);
        calls(n);
    } else {
        return 2;
    }
    return 0;
}
