// Tracepoint ids for perf_event_open. tracefs is often not mounted; then it
// is mounted in a child's private mount namespace, which takes the mount
// with it when it exits.
#pragma once

#include <string>

namespace selftest::links {

// The id of tracepoint `category`/`name` (e.g. "raw_syscalls", "sys_enter"),
// or -errno.
long tracepoint_id(const std::string &category, const std::string &name);

// perf_event_open() of that tracepoint for this process on any CPU; fd or -errno.
int open_tracepoint_event(long id);

} // namespace selftest::links
