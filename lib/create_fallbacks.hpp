// The fallbacks libbpf applies to object-creating commands (map create, prog
// load, BTF load) on old kernels, driven by the kernel's answer to the real
// call instead of by probes made before it: a modern kernel sees one bpf().
#pragma once

#include "features.hpp"

#include <cerrno>
#include <cstddef>
#include <cstring>

namespace sysbpf {

// After `r` == -E2BIG from a call that carried an object name: a kernel
// without names (< 4.15) sees a larger attr than it knows with non-zero bytes
// in it. Retries once without the name; if that changes the answer, names are
// refused from now on. Otherwise the name is put back and `r` stands.
// `issue()` performs the command again and returns fd or -errno.
template <class Issue>
long retry_without_name(long r, char *name, unsigned name_len, Issue &&issue) noexcept
{
    if (r != -E2BIG || !name || !name[0])
        return r;
    char saved[32];
    std::memcpy(saved, name, name_len);
    std::memset(name, 0, name_len);
    long nameless = issue();
    if (nameless != -E2BIG) {
        features::note_names_refused();
        return nameless;
    }
    std::memcpy(name, saved, name_len);
    return r;
}

// After `r` == -EPERM: on kernels that charge BPF memory to RLIMIT_MEMLOCK,
// raises the limit once and retries.
// `ticket` was taken before the create was first issued.
template <class Issue>
long retry_after_memlock_raise(long r, features::MemlockTicket ticket, Issue &&issue) noexcept
{
    if (r == -EPERM && features::raise_memlock_after_eperm(ticket))
        return issue();
    return r;
}

// Both, in order, for a create command.
template <class Issue>
long create_with_fallbacks(char *name, unsigned name_len, Issue &&issue) noexcept
{
    const features::MemlockTicket memlock = features::memlock_ticket();
    long r = issue();
    if (r >= 0)
        return r;
    r = retry_without_name(r, name, name_len, issue);
    return retry_after_memlock_raise(r, memlock, issue);
}

// Copies an object name as libbpf does: at most N - 1 bytes, NUL-ended, into
// `dst`, which must be all zero. Skipped when the kernel has refused names.
template <std::size_t N>
inline void copy_obj_name(char (&dst)[N], const char *src) noexcept
{
    if (src && !features::names_refused())
        std::memcpy(dst, src, ::strnlen(src, N - 1));
}

} // namespace sysbpf
