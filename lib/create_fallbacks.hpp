// The fallbacks libbpf applies to object-creating commands (map create, prog
// load, BTF load) on old kernels, driven by the kernel's answer to the real
// call instead of by probes made before it: a modern kernel sees one bpf().
#pragma once

#include "features.hpp"

#include <cerrno>
#include <cstring>

namespace sysbpf {

// `issue()` performs the command on an attr whose object-name field is `name`
// (nullptr for commands without one) and returns fd or -errno.
template <class Issue>
long create_with_fallbacks(char *name, unsigned name_len, Issue &&issue) noexcept
{
    long r = issue();
    // A kernel without object names (< 4.15) sees a larger attr than it knows
    // with non-zero bytes in it, and answers E2BIG.
    if (r == -E2BIG && name && name[0]) {
        std::memset(name, 0, name_len);
        long nameless = issue();
        if (nameless != -E2BIG) {
            features::note_names_refused();
            r = nameless;
        }
    }
    if (r == -EPERM && features::raise_memlock_after_eperm())
        r = issue();
    return r;
}

// Copies an object name as libbpf does: at most name_len - 1 bytes, NUL-ended.
// Skipped when the kernel has refused names.
inline void copy_obj_name(char *dst, unsigned name_len, const char *src) noexcept
{
    if (!src || features::names_refused())
        return;
    unsigned i = 0;
    for (; i + 1 < name_len && src[i]; i++)
        dst[i] = src[i];
    dst[i] = '\0';
}

} // namespace sysbpf
