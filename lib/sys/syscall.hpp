// The syscall seam: the only path by which the library reaches bpf(2).
//
// Every call goes through libc's syscall(), as libbpf's do, so that tools
// which interpose `syscall` (bpftime, fault injectors, test doubles) see each
// bpf() the library makes, probes and fallbacks included. Unit tests point
// `bpf_fn` at a fake kernel to see the exact attr bytes and size an API sends
// and to inject errors. Results follow the kernel's convention: >= 0, or
// -errno. call() and call_fd() leave errno as it was; call_final() and
// call_fd_final() leave a failure's errno set, for the API to return.
#pragma once

#include "kernel/attr.hpp"
#include "kernel/cmd.hpp"

#include <cerrno>
#include <sys/syscall.h>
#include <unistd.h>

namespace sysbpf::sys {

using BpfFn = long (*)(int cmd, void *attr, unsigned size) noexcept;

// The real bpf(2), through syscall().
long raw_bpf(int cmd, void *attr, unsigned size) noexcept;

// The seam: NULL (the default) or a replacement for raw_bpf. Not
// synchronised: replace it only while no other thread calls in. Hidden: read
// in place by every call, not through the GOT.
extern BpfFn bpf_fn __attribute__((visibility("hidden")));

// Calls bpf_fn. Out of line, so that the test for it is one compare.
[[gnu::cold]] long call_seam(int cmd, void *attr, unsigned size) noexcept;

// As call_seam(), then sets errno to match a failure, as syscall() does.
[[gnu::cold]] long call_seam_final(int cmd, void *attr, unsigned size) noexcept;

// bpf(2) through libc's syscall(), which reports a failure in errno: returns
// the result or -errno, with errno left as syscall() set it. Arguments are
// passed as longs: syscall() and its interposers read them with
// va_arg(ap, long).
inline long bpf_syscall_final(int cmd, void *attr, unsigned size) noexcept
{
    const long r = ::syscall(static_cast<long>(__NR_bpf), static_cast<long>(cmd), attr,
                             static_cast<unsigned long>(size));
    if (r < 0) [[unlikely]]
        return -errno;
    return r;
}

// As bpf_syscall_final(), with errno put back after a failure: a failure the
// library handles itself (a probe, a fallback) leaves no trace in errno.
inline long bpf_syscall(int cmd, void *attr, unsigned size) noexcept
{
    int *const err = &errno;
    const int saved = *err;
    const long r = bpf_syscall_final(cmd, attr, size);
    if (r < 0) [[unlikely]]
        *err = saved;
    return r;
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

// As call(), for a command whose result the API returns as its own: after a
// failure errno is left set to match (the errno the API must set anyway), so
// errno is not saved first. Never for a call whose failure the library
// handles itself.
template <class Attr>
inline long call_final(kernel::Cmd cmd, Attr &attr, unsigned size = Attr::kSize) noexcept
{
    static_assert(kernel::is_attr_layout<Attr>);
    if (__builtin_expect(bpf_fn != nullptr, 0))
        return call_seam_final(static_cast<int>(cmd), &attr, size);
    return bpf_syscall_final(static_cast<int>(cmd), &attr, size);
}

// As call() and call_final(), for commands that return a new fd: the fd is
// moved to >= 3.
template <class Attr>
inline long call_fd(kernel::Cmd cmd, Attr &attr, unsigned size = Attr::kSize) noexcept;
template <class Attr>
inline long call_fd_final(kernel::Cmd cmd, Attr &attr, unsigned size = Attr::kSize) noexcept;

} // namespace sysbpf::sys

#include "sys/fd.hpp"

template <class Attr>
inline long sysbpf::sys::call_fd(kernel::Cmd cmd, Attr &attr, unsigned size) noexcept
{
    return ensure_high_fd(call(cmd, attr, size));
}

template <class Attr>
inline long sysbpf::sys::call_fd_final(kernel::Cmd cmd, Attr &attr, unsigned size) noexcept
{
    return ensure_high_fd(call_final(cmd, attr, size));
}
