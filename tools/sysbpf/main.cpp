// sysbpf: checks the library against the running kernel, and runs programs
// with it preloaded in place of libbpf's bpf.h layer.
#include "commands.hpp"

#include <cstdio>
#include <cstring>

namespace sysbpf_tool {

int usage_error(const char *command, const char *message)
{
    std::fprintf(stderr, "sysbpf%s%s: %s\nTry 'sysbpf%s%s --help'.\n", command ? " " : "",
                 command ? command : "", message, command ? " " : "", command ? command : "");
    return 2;
}

} // namespace sysbpf_tool

namespace {

const char kHelp[] =
    "usage: sysbpf COMMAND [ARGS...]\n"
    "\n"
    "sysbpf is libbpf's bpf.h layer (the bpf(2) system call API) reimplemented in\n"
    "libsysbpf.so.1, a drop-in for libbpf.so.1's bpf_* functions.\n"
    "\n"
    "commands:\n"
    "  check                 exercise every bpf.h function on the running kernel\n"
    "                        and print a table of the results\n"
    "  run [--trace] [--stats] [--inject RULES] [--verifier-log DIR] -- CMD [ARGS...]\n"
    "                        run CMD with libsysbpf.so.1 preloaded, so that its\n"
    "                        (and libbpf.so.1's) bpf.h calls are served by sysbpf\n"
    "  help                  this text\n"
    "\n"
    "'sysbpf COMMAND --help' describes each command.\n";

} // namespace

int main(int argc, char **argv)
{
    using namespace sysbpf_tool;
    if (argc < 2)
        return usage_error(nullptr, "missing command (check or run)");
    const char *cmd = argv[1];
    if (!std::strcmp(cmd, "--help") || !std::strcmp(cmd, "-h") || !std::strcmp(cmd, "help")) {
        std::fputs(kHelp, stdout);
        return 0;
    }
    if (!std::strcmp(cmd, "check"))
        return check_main(argc - 1, argv + 1);
    if (!std::strcmp(cmd, "run"))
        return run_main(argc - 1, argv + 1);
    char msg[256];
    std::snprintf(msg, sizeof(msg), "unknown command '%s' (expected check or run)", cmd);
    return usage_error(nullptr, msg);
}
