// The process the inject suite runs under SYSBPF_INJECT: makes bpf.h calls
// on the real kernel and prints one token per call ('.' for success, the
// errno's name for a failure), so the driver can compare the schedule.
//
//   create N            N array maps named "m"
//   mixed N             N rounds of maps (a,hash) (b,hash) (a,array) (b,array)
//   prog N              N socket filter loads ("r0 = 0; exit")
//   update T N          T threads, N updates each of one array map: totals
//   fork A B C          A creates, fork: the child B, then the parent C
//   exec A N            A creates, then exec "create N"
#include <bpf/bpf.h>

#include "kernel_helpers.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <linux/filter.h>
#include <pthread.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

// '.' or the errno's name; "BAD" when the return and errno disagree.
std::string token(int ret, int err)
{
    if (ret >= 0)
        return ".";
    if (ret != -err)
        return "BAD(ret=" + std::to_string(ret) + ",errno=" + std::to_string(err) + ")";
    const char *n = strerrorname_np(err);
    return n ? n : std::to_string(err);
}

std::string create(int n, const char *name = "m", bpf_map_type type = BPF_MAP_TYPE_ARRAY)
{
    std::string out;
    for (int i = 0; i < n; i++) {
        errno = 0;
        int fd = bpf_map_create(type, name, 4, 4, 1, nullptr);
        out += (out.empty() ? "" : " ") + token(fd, errno);
        if (fd >= 0)
            close(fd);
    }
    return out;
}

std::atomic<unsigned long long> g_ok, g_fail, g_other;
int g_map = -1, g_per_thread = 0;

void *updater(void *)
{
    for (int i = 0; i < g_per_thread; i++) {
        unsigned key = 0, value = static_cast<unsigned>(i);
        errno = 0;
        int r = bpf_map_update_elem(g_map, &key, &value, BPF_ANY);
        if (r == 0)
            g_ok++;
        else if (r == -E2BIG && errno == E2BIG)
            g_fail++;
        else
            g_other++;
    }
    return nullptr;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    const std::string what = argv[1];
    const int a = std::atoi(argv[2]);
    const int fds = selftest::open_fd_count();
    if (what == "create") {
        std::printf("create: %s\n", create(a).c_str());
    } else if (what == "mixed") {
        std::string out;
        for (int i = 0; i < a; i++) { // in this order: one statement per call
            out += (i ? " " : "") + create(1, "a", BPF_MAP_TYPE_HASH);
            out += " " + create(1, "b", BPF_MAP_TYPE_HASH);
            out += " " + create(1, "a");
            out += " " + create(1, "b");
        }
        std::printf("mixed: %s\n", out.c_str());
    } else if (what == "prog") {
        const struct bpf_insn prog[] = {
            {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0},
            {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
        };
        std::string out;
        for (int i = 0; i < a; i++) {
            errno = 0;
            int fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "p", "GPL", prog, 2, nullptr);
            out += (i ? " " : "") + token(fd, errno);
            if (fd >= 0)
                close(fd);
        }
        std::printf("prog: %s\n", out.c_str());
    } else if (what == "update") {
        const int threads = a;
        g_per_thread = argc > 3 ? std::atoi(argv[3]) : 0;
        g_map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "u", 4, 4, 1, nullptr);
        if (g_map < 0) {
            std::printf("map: %s\n", token(g_map, errno).c_str());
            return 1;
        }
        if (threads == 1 && g_per_thread <= 10000) { // the schedule itself
            std::string pattern;
            for (int i = 0; i < g_per_thread; i++) {
                unsigned key = 0, value = 0;
                pattern += bpf_map_update_elem(g_map, &key, &value, BPF_ANY) == -E2BIG ? 'x' : '.';
            }
            std::printf("pattern: %s\n", pattern.c_str());
        } else {
            std::vector<pthread_t> t(static_cast<size_t>(threads));
            for (auto &th : t)
                pthread_create(&th, nullptr, updater, nullptr);
            for (auto &th : t)
                pthread_join(th, nullptr);
            std::printf("update: ok %llu E2BIG %llu other %llu\n", g_ok.load(), g_fail.load(),
                        g_other.load());
        }
        close(g_map);
    } else if (what == "fork") {
        std::printf("before: %s\n", create(a).c_str());
        std::fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            std::printf("child: %s\n", create(std::atoi(argv[3])).c_str());
            std::fflush(stdout);
            _exit(0);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        std::printf("parent: %s\n", create(std::atoi(argv[4])).c_str());
    } else if (what == "exec") {
        std::printf("before: %s\n", create(a).c_str());
        std::fflush(stdout);
        execl("/proc/self/exe", argv[0], "create", argv[3], static_cast<char *>(nullptr));
        return 1;
    } else {
        return 2;
    }
    std::printf("fds: %s\n", selftest::open_fd_count() == fds ? "same" : "CHANGED");
    return 0;
}
