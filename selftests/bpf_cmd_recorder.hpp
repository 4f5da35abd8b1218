// Records the bpf(2) commands this process makes, in order, as the kernel
// sees them: a raw tracepoint program on sys_enter appends the command
// (the syscall's first argument) of every bpf() entered by this thread group
// to a memory-mapped array. Shows which calls the library made for one of
// its calls (a retry, a probe, a fallback), which its return value cannot.
//
// Made with bpf(2) directly, not through the library under test, and read
// from the map's memory: reading makes no system call. The command is read
// from the syscall's saved registers, so this works on x86_64 only.
#pragma once

#include "kernel_helpers.hpp"

#include <string>
#include <vector>

namespace selftest {

class BpfCmdRecorder {
public:
    static constexpr unsigned kCapacity = 64;

    BpfCmdRecorder();
    ~BpfCmdRecorder();
    BpfCmdRecorder(const BpfCmdRecorder &) = delete;
    BpfCmdRecorder &operator=(const BpfCmdRecorder &) = delete;

    // "" when recording, else the step that failed and its errno.
    const std::string &error() const { return error_; }
    // The commands recorded since the last clear().
    std::vector<int> commands() const;
    void clear();

    struct Slots; // the map value, shared with the program

private:
    Fd map_, prog_, link_;
    Slots *slots_ = nullptr;
    std::string error_;
};

} // namespace selftest
