// Counts the bpf(2) system calls of this process (and of children that sign
// up), as the kernel sees them: a raw tracepoint program on sys_enter adds
// one for every bpf() entered by a watched thread group. Used to show that
// opts the library refuses never reach the kernel, which a returned EINVAL
// alone cannot show where the kernel would answer EINVAL too.
//
// Everything is made with bpf(2) directly, not through the library under
// test. The count is read from the map's memory: reading it makes no
// system call.
#pragma once

#include "kernel_helpers.hpp"

#include <string>

namespace abi {

class BpfCallCounter {
public:
    BpfCallCounter();
    ~BpfCallCounter();
    BpfCallCounter(const BpfCallCounter &) = delete;
    BpfCallCounter &operator=(const BpfCallCounter &) = delete;

    // "" when counting, else the step that failed and its errno.
    const std::string &error() const { return error_; }
    unsigned long long count() const;

    // Adds the calling process (e.g. a forked child) to the watched ones,
    // next to the process that made the counter.
    void watch_self();

    // The counter of the running test case, or nullptr.
    static BpfCallCounter *active() { return active_; }

private:
    struct Slots; // the map value, shared with the program
    selftest::Fd map_, prog_, link_;
    Slots *slots_ = nullptr;
    std::string error_;
    static BpfCallCounter *active_;
};

} // namespace abi
