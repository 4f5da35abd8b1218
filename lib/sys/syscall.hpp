// The syscall seam: the only path by which the library reaches bpf(2).
//
// Unit tests point `bpf_fn` at a fake kernel to see the exact attr bytes and
// size an API sends and to inject errors; left NULL, calls go straight to the
// system call, inline. Results follow the kernel's convention: >= 0, or
// -errno. Neither path touches errno.
#pragma once

#include "kernel/attr.hpp"
#include "kernel/cmd.hpp"

#if defined(__x86_64__)
#include <sys/syscall.h>
#endif

namespace sysbpf::sys {

using BpfFn = long (*)(int cmd, void *attr, unsigned size) noexcept;

// The real bpf(2).
long raw_bpf(int cmd, void *attr, unsigned size) noexcept;

// The seam: NULL (the default) or a replacement for raw_bpf. Not
// synchronised: replace it only while no other thread calls in. Hidden: read
// in place by every call, not through the GOT.
extern BpfFn bpf_fn __attribute__((visibility("hidden")));

// Calls bpf_fn. Out of line, so that the test for it is one compare.
[[gnu::cold]] long call_seam(int cmd, void *attr, unsigned size) noexcept;

// The real bpf(2), inline where the architecture allows.
inline long bpf_syscall(int cmd, void *attr, unsigned size) noexcept
{
#if defined(__x86_64__)
    // The syscall instruction itself: the kernel's -errno comes back as is,
    // and errno is not touched on the way.
    long r;
    asm volatile("syscall"
                 : "=a"(r)
                 : "0"(static_cast<long>(__NR_bpf)), "D"(static_cast<long>(cmd)), "S"(attr),
                   "d"(static_cast<unsigned long>(size))
                 : "rcx", "r11", "memory");
    return r;
#else
    return raw_bpf(cmd, attr, size);
#endif
}

// Issues `cmd` with `attr`, sending Attr::kSize bytes (or `size`).
template <class Attr>
inline long call(kernel::Cmd cmd, Attr &attr, unsigned size = Attr::kSize) noexcept
{
    static_assert(kernel::is_attr_layout<Attr>);
    if (__builtin_expect(bpf_fn != nullptr, 0))
        return call_seam(static_cast<int>(cmd), &attr, size);
    return bpf_syscall(static_cast<int>(cmd), &attr, size);
}

// As call(), for commands that return a new fd: the fd is moved to >= 3.
template <class Attr>
inline long call_fd(kernel::Cmd cmd, Attr &attr, unsigned size = Attr::kSize) noexcept;

} // namespace sysbpf::sys

#include "sys/fd.hpp"

template <class Attr>
inline long sysbpf::sys::call_fd(kernel::Cmd cmd, Attr &attr, unsigned size) noexcept
{
    return ensure_high_fd(call(cmd, attr, size));
}
