// The tool's subcommands. Each returns the process exit status: 0 success,
// 1 failure, 2 bad usage (run: the child's status).
#pragma once

namespace sysbpf_tool {

int check_main(int argc, char **argv);
int run_main(int argc, char **argv);

// Exit status for bad usage, after printing `message` and a hint to stderr.
int usage_error(const char *command, const char *message);

} // namespace sysbpf_tool
