// SYSBPF_VERIFIER_LOG=<dir>: when bpf_prog_load or bpf_btf_load fails and the
// caller's log did not hold the verifier's whole answer (no log, or ENOSPC),
// the load is repeated with sysbpf's own log (level 1, or
// SYSBPF_VERIFIER_LOG_LEVEL=2), 64 KiB first; on ENOSPC once more at the size
// the kernel asked for (log_true_size, 6.4+; doubling before), up to
// kMaxVerifierLog. The log is written to a new file in <dir>:
// sysbpf-verifier-<pid>-<n>.log (created exclusively, not through a symlink,
// 0600 less the umask). The caller's
// result, errno and opts are left as they were; an fd the repeat gets is
// closed. Successful loads are not touched.
#pragma once

#include "trace/trace.hpp"

namespace sysbpf::diag {

constexpr unsigned kMaxVerifierLog = 16u << 20;

// Reads the variables (already secure_getenv'd by the caller); true when on.
bool verifier_log_init(const char *dir, const char *level) noexcept;

// After a failed call of `fn` (errno `err`): repeats a load and writes the file.
void verifier_log_after(trace::Fn fn, const trace::Arg *args, unsigned nargs, int err) noexcept;

} // namespace sysbpf::diag
