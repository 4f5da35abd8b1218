// The syscall seam: the only path by which the library reaches bpf(2).
//
// `bpf_fn` points at the real system call; unit tests point it at a fake
// kernel to see the exact attr bytes and size an API sends and to inject
// errors. Results follow the kernel's convention: >= 0, or -errno.
#pragma once

#include "kernel/attr.hpp"
#include "kernel/cmd.hpp"

namespace sysbpf::sys {

using BpfFn = long (*)(int cmd, void *attr, unsigned size) noexcept;

// The real bpf(2).
long raw_bpf(int cmd, void *attr, unsigned size) noexcept;

// The seam. Not synchronised: replace it only while no other thread calls in.
extern BpfFn bpf_fn;

// Issues `cmd` with `attr`, sending Attr::kSize bytes (or `size`).
template <class Attr>
inline long call(kernel::Cmd cmd, Attr &attr, unsigned size = Attr::kSize) noexcept
{
    static_assert(kernel::is_attr_layout<Attr>);
    return bpf_fn(static_cast<int>(cmd), &attr, size);
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
