// libbpf's return convention at the C boundary: a failure is returned as a
// negative errno and errno is set to match; success leaves errno alone.
#pragma once

#include <cerrno> // the E... constants callers pass in

namespace sysbpf::sys {

// Sets errno to -result and returns result. Out of line: failures are the
// rare case, and a success path without a call keeps its frame small.
[[gnu::cold]] int fail(long result) noexcept;

inline int c_return(long result) noexcept
{
    if (result < 0) [[unlikely]]
        return fail(result);
    return static_cast<int>(result);
}

} // namespace sysbpf::sys
