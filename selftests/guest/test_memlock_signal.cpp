// Item 13 of the guest suite: the RLIMIT_MEMLOCK raise (kernels before 5.11)
// re-entered from a signal handler on the same thread must not wait for
// itself. The kernel is the unit tests' seam (a pre-5.11 kernel: EPERM, and
// the memcg probe refused); setrlimit() is this executable's, which raises
// SIGUSR1 in the middle of the raise; the handler creates a map too.
#include "harness/harness.hpp"

#include "features.hpp"
#include "sys/syscall.hpp"

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <atomic>
#include <csignal>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

std::atomic<int> g_creates{0}, g_setrlimits{0}, g_handler_result{1};

long old_kernel(int cmd, void *, unsigned) noexcept
{
    if (cmd == BPF_PROG_LOAD)
        return -EINVAL; // no bpf_ktime_get_coarse_ns: memory is charged to memlock
    if (cmd == BPF_MAP_CREATE)
        return g_creates.fetch_add(1) < 2 ? -EPERM : 100; // until the limit is raised
    return -EINVAL;
}

void on_usr1(int)
{
    g_handler_result = bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr);
}

} // namespace

// The library's setrlimit: the signal arrives while the raise is under way.
extern "C" int setrlimit(__rlimit_resource_t, const struct rlimit *) noexcept
{
    if (g_setrlimits.fetch_add(1) == 0)
        raise(SIGUSR1);
    return 0;
}

TEST_CASE("guest 13: a signal handler re-entering the memlock raise does not hang")
{
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        alarm(10); // the old code waited for itself forever
        sysbpf::features::reset_for_tests();
        sysbpf::sys::bpf_fn = old_kernel;
        signal(SIGUSR1, on_usr1);
        int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr);
        _exit(fd == 100 && g_handler_result == 100 ? 0 : 1);
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    INFO("child status " << status);
    CHECK_FALSE(WIFSIGNALED(status));
    CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
}
