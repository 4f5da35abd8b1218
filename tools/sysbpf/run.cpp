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
    "The exit status is CMD's (128+N when a signal N ended it; 127 when CMD\n"
    "cannot be found, 126 when it cannot be run); 2 for bad usage. Statically\n"
    "linked and setuid programs ignore LD_PRELOAD.\n";

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

int wait_child(pid_t pid)
{
    // The terminal's Ctrl-C reaches CMD; this process stays to report.
    struct sigaction ign{}, old_int{}, old_quit{};
    ign.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGQUIT, &old_quit, nullptr);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 1;
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

    std::fflush(nullptr);
    pid_t pid = fork();
    if (pid < 0) {
        std::fprintf(stderr, "sysbpf run: fork: %s\n", std::strerror(errno));
        return 1;
    }
    if (pid == 0) {
        execvp(argv[i], argv + i);
        int e = errno;
        std::fprintf(stderr, "sysbpf run: %s: %s\n", argv[i], std::strerror(e));
        _exit(e == ENOENT ? 127 : 126);
    }
    int rc = wait_child(pid);

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
    return rc;
}

} // namespace sysbpf_tool
