// File descriptors the library hands out are never 0, 1 or 2: a process that
// closed its standard streams must not get a BPF object in their place.
#pragma once

namespace sysbpf::sys {

// The rare case of ensure_high_fd: `fd` is 0, 1 or 2.
[[gnu::cold]] long move_high(long fd) noexcept;

// Given a kernel result (fd >= 0 or -errno): an fd below 3 is duplicated to
// the lowest free fd >= 3 with close-on-exec and the original closed. Returns
// the fd to use, or -errno (the original is closed then too). errno is left
// as it was.
inline long ensure_high_fd(long result) noexcept
{
    if (static_cast<unsigned long>(result) > 2) [[likely]]
        return result; // -errno, or an fd >= 3
    return move_high(result);
}

} // namespace sysbpf::sys
