// File descriptors the library hands out are never 0, 1 or 2: a process that
// closed its standard streams must not get a BPF object in their place.
#pragma once

namespace sysbpf::sys {

// Given a kernel result (fd >= 0 or -errno): an fd below 3 is duplicated to
// the lowest free fd >= 3 with close-on-exec and the original closed. Returns
// the fd to use, or -errno (the original is closed then too).
long ensure_high_fd(long result) noexcept;

} // namespace sysbpf::sys
