// Runs a function in a traced child and writes one line per event to `out`:
// every bpf() the child makes (command, attr size, attr bytes with pointers
// named by the caller's buffers, kernel ids numbered, injected answer, return
// value, bytes the kernel wrote back), the library's other observable system
// calls (RLIMIT_MEMLOCK changes, fd dups, writes to stderr) and the lines the
// driver emits through the marker call.
#pragma once

#include <cstdio>

namespace oracle {

// Returns the child's exit status, or -1 when tracing failed.
int trace_child(int (*body)(), FILE *out);

} // namespace oracle
