// sysbpf run [--trace] [--stats] -- CMD [ARGS...]: runs CMD with the
// libsysbpf.so.1 this tool is linked against preloaded.
#include "commands.hpp"
#include "stats_table.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sysbpf_tool {
namespace {

const char kHelp[] =
    "usage: sysbpf run [--trace] [--stats] [--] CMD [ARGS...]\n"
    "\n"
    "Runs CMD with libsysbpf.so.1 preloaded (LD_PRELOAD), so that every bpf.h\n"
    "function CMD or its libbpf.so.1 calls is served by sysbpf. The library is\n"
    "the one this tool is linked against, in the build tree or installed.\n"
    "\n"
    "  --trace   log each bpf.h call to stderr (SYSBPF_TRACE=stderr): function,\n"
    "            arguments, result or errno name, duration\n"
    "  --stats   print a table of the calls sysbpf served (per function: calls,\n"
    "            errors by errno, time) to stderr when CMD exits\n"
    "\n"
    "Without --stats, sysbpf run execs CMD in its own place. With --stats it\n"
    "waits for CMD: SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1 and SIGUSR2 sent to\n"
    "it are passed on, and when a signal ends CMD, sysbpf run ends by the same\n"
    "signal after printing the table. Otherwise the exit status is CMD's (127\n"
    "when CMD cannot be found, 126 when it cannot be run); 2 for bad usage; 1\n"
    "when the library's path holds a space or ':' (LD_PRELOAD cannot name it).\n"
    "Statically linked and setuid programs ignore LD_PRELOAD.\n";

// The library that holds this tool's bpf_map_create, by its soname file in
// an absolute directory.
std::string own_library(std::string *why)
{
    Dl_info info{};
    void *sym = reinterpret_cast<void *>(&bpf_map_create);
    if (!dladdr(sym, &info) || !info.dli_fname) {
        *why = "dladdr found no library for bpf_map_create";
        return {};
    }
    std::string path = info.dli_fname;
    size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    if (base.rfind("libsysbpf.so", 0) != 0) {
        *why = "bpf_map_create comes from " + path + ", not libsysbpf.so";
        return {};
    }
    char real[PATH_MAX];
    if (!realpath(dir.c_str(), real)) {
        *why = dir + ": " + std::strerror(errno);
        return {};
    }
    return std::string(real) + "/" + base;
}

std::string temp_stats_file(std::string *why)
{
    const char *tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/sysbpf-stats-XXXXXX";
    int fd = mkstemp(tmpl.data());
    if (fd < 0) {
        *why = tmpl + ": " + std::strerror(errno);
        return {};
    }
    close(fd);
    return tmpl;
}

const int kPassedOn[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
volatile sig_atomic_t g_child = 0;

// A signal sent to this process goes on to CMD. One the terminal sent
// (Ctrl-C, Ctrl-\\, hangup) reached CMD's process group already.
void pass_on(int sig, siginfo_t *info, void *)
{
    if (g_child > 0 && info->si_code != SI_KERNEL)
        kill(g_child, sig);
}

// Waits for CMD; returns its wait status.
int wait_child(pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

// Ends this process as CMD ended: by the same signal (without a core file of
// its own), or with CMD's exit status.
int end_like(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (!WIFSIGNALED(status))
        return 1;
    const int sig = WTERMSIG(status);
    std::fflush(nullptr);
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, nullptr);
    raise(sig);
    return 128 + sig; // a signal whose default is not to end the process
}

[[noreturn]] void exec_command(char **argv)
{
    execvp(argv[0], argv);
    int e = errno;
    std::fprintf(stderr, "sysbpf run: %s: %s\n", argv[0], std::strerror(e));
    _exit(e == ENOENT ? 127 : 126);
}

} // namespace

int run_main(int argc, char **argv)
{
    bool trace = false, stats = false;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!std::strcmp(a, "--")) {
            i++;
            break;
        }
        if (!std::strcmp(a, "--help") || !std::strcmp(a, "-h")) {
            std::fputs(kHelp, stdout);
            return 0;
        }
        if (!std::strcmp(a, "--trace"))
            trace = true;
        else if (!std::strcmp(a, "--stats"))
            stats = true;
        else if (a[0] == '-')
            return usage_error("run", (std::string("unknown option '") + a + "'").c_str());
        else
            break;
    }
    if (i >= argc)
        return usage_error("run", "missing the command to run (sysbpf run [--trace] [--stats] -- CMD ARGS...)");

    std::string why;
    std::string lib = own_library(&why);
    if (lib.empty()) {
        std::fprintf(stderr, "sysbpf run: cannot find libsysbpf.so.1: %s\n", why.c_str());
        return 1;
    }
    if (lib.find_first_of(" :") != std::string::npos) {
        std::fprintf(stderr,
                     "sysbpf run: cannot preload %s: LD_PRELOAD splits paths at spaces and ':'; "
                     "install the library (or this tool) under a path without them\n",
                     lib.c_str());
        return 1;
    }
    const char *old = std::getenv("LD_PRELOAD");
    std::string preload = old && *old ? lib + ":" + old : lib;
    setenv("LD_PRELOAD", preload.c_str(), 1);
    if (trace)
        setenv("SYSBPF_TRACE", "stderr", 1);
    std::string stats_file;
    if (stats) {
        stats_file = temp_stats_file(&why);
        if (stats_file.empty()) {
            std::fprintf(stderr, "sysbpf run: cannot create the statistics file: %s\n", why.c_str());
            return 1;
        }
        setenv("SYSBPF_STATS", stats_file.c_str(), 1);
    }

    if (!stats)
        exec_command(argv + i);

    std::fflush(nullptr);
    // Signals to pass on are held until the child's pid is known.
    sigset_t pass, old_mask;
    sigemptyset(&pass);
    for (int sig : kPassedOn)
        sigaddset(&pass, sig);
    sigprocmask(SIG_BLOCK, &pass, &old_mask);
    pid_t pid = fork();
    if (pid < 0) {
        std::fprintf(stderr, "sysbpf run: fork: %s\n", std::strerror(errno));
        unlink(stats_file.c_str());
        return 1;
    }
    if (pid == 0) {
        sigprocmask(SIG_SETMASK, &old_mask, nullptr);
        exec_command(argv + i);
    }
    g_child = pid;
    struct sigaction sa{};
    sa.sa_sigaction = pass_on;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigfillset(&sa.sa_mask);
    for (int sig : kPassedOn)
        sigaction(sig, &sa, nullptr);
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    int status = wait_child(pid);
    sigprocmask(SIG_BLOCK, &pass, nullptr); // the report is printed whatever comes now

    if (stats) {
        std::ifstream f(stats_file);
        std::stringstream text;
        text << f.rdbuf();
        unlink(stats_file.c_str());
        StatsTable t;
        t.add(text.str());
        if (t.processes == 0) {
            std::fprintf(stderr, "sysbpf run: no process loaded %s (a static or setuid program?)\n",
                         lib.c_str());
        } else {
            std::fprintf(stderr, "\nsysbpf: bpf.h calls served by %s (%u process%s):\n", lib.c_str(),
                         t.processes, t.processes == 1 ? "" : "es");
            t.print(stderr);
        }
    }
    return end_like(status);
}

} // namespace sysbpf_tool
