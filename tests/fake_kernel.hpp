// A stand-in for bpf(2) behind the syscall seam: records every call (command,
// size and the exact attr bytes sent) and answers from a script.
#pragma once

#include "features.hpp"
#include "sys/syscall.hpp"

#include <cstring>
#include <functional>
#include <vector>

namespace sysbpf_test {

struct Call {
    int cmd;
    unsigned size;
    std::vector<unsigned char> bytes; // the attr as sent
};

class FakeKernel {
public:
    // Answers a call; may write to the attr as the kernel does. The default
    // answer is 0.
    using Answer = std::function<long(int cmd, void *attr, unsigned size)>;

    FakeKernel()
    {
        current() = this;
        sysbpf::sys::bpf_fn = &FakeKernel::entry;
        sysbpf::features::reset_for_tests();
    }
    ~FakeKernel()
    {
        sysbpf::sys::bpf_fn = sysbpf::sys::raw_bpf;
        current() = nullptr;
        sysbpf::features::reset_for_tests();
    }
    FakeKernel(const FakeKernel &) = delete;
    FakeKernel &operator=(const FakeKernel &) = delete;

    // Queue answers for the next calls, in order; once the queue is empty,
    // `fallback` answers. Script every fd-returning call: an answer of 0..2
    // makes the library move and close that real fd of the test process.
    void then(Answer a) { script_.push_back(std::move(a)); }
    void then_return(long r)
    {
        then([r](int, void *, unsigned) { return r; });
    }
    Answer fallback = [](int, void *, unsigned) { return 0L; };

    std::vector<Call> calls;

    // The attr of call `i` viewed as type A (zero-filled past the bytes sent).
    template <class A>
    A attr(size_t i = 0) const
    {
        A a{};
        const auto &c = calls.at(i);
        std::memcpy(&a, c.bytes.data(), std::min(sizeof(A), c.bytes.size()));
        return a;
    }

private:
    static FakeKernel *&current()
    {
        static FakeKernel *k = nullptr;
        return k;
    }
    static long entry(int cmd, void *attr, unsigned size) noexcept
    {
        FakeKernel *k = current();
        const auto *b = static_cast<const unsigned char *>(attr);
        k->calls.push_back(Call{cmd, size, std::vector<unsigned char>(b, b + size)});
        if (k->next_ < k->script_.size())
            return k->script_[k->next_++](cmd, attr, size);
        return k->fallback(cmd, attr, size);
    }

    std::vector<Answer> script_;
    size_t next_ = 0;
};

} // namespace sysbpf_test
