// libbpf's sz rules, checked for one opts-taking function: every malformed
// opts is refused with EINVAL before the kernel is asked.
#pragma once

#include "fake_kernel.hpp"
#include "harness/harness.hpp"

#include <cerrno>
#include <cstring>

namespace sysbpf_test {

// `call(opts)` invokes the function under test with `opts` (of type T);
// `known_end` is where libbpf 1.7's last field of T ends.
template <class T, class Call>
void check_opts_sz_rules(Call call, size_t known_end)
{
    alignas(8) unsigned char buf[64] = {};
    auto *o = reinterpret_cast<T *>(buf);

    SECTION("sz smaller than size_t itself")
    {
        for (size_t sz : {size_t{0}, size_t{1}, sizeof(size_t) / 2, sizeof(size_t) - 1}) {
            FakeKernel k;
            std::memset(buf, 0, sizeof(buf));
            o->sz = sz;
            INFO("sz " << sz);
            errno = 0;
            CHECK(call(o) == -EINVAL);
            CHECK(errno == EINVAL);
            CHECK(k.calls.empty());
        }
    }
    SECTION("a non-zero byte anywhere past the known fields, inside sz")
    {
        for (size_t at = known_end; at < sizeof(buf); at++) {
            FakeKernel k;
            std::memset(buf, 0, sizeof(buf));
            o->sz = sizeof(buf);
            buf[at] = 0x5a;
            INFO("byte " << at);
            errno = 0;
            CHECK(call(o) == -EINVAL);
            CHECK(errno == EINVAL);
            CHECK(k.calls.empty());
        }
    }
    SECTION("a larger struct with a zero tail is accepted; a non-zero byte past sz is ignored")
    {
        FakeKernel k;
        k.fallback = [](int, void *, unsigned) { return 3L; };
        std::memset(buf, 0, sizeof(buf));
        o->sz = sizeof(buf);
        CHECK(call(o) >= 0);
        o->sz = known_end;
        buf[known_end] = 0x5a; // the caller's struct ends before this byte
        CHECK(call(o) >= 0);
        CHECK(k.calls.size() == 2);
    }
    SECTION("sz of size_t itself (a struct of `sz` alone) is accepted")
    {
        FakeKernel k;
        k.fallback = [](int, void *, unsigned) { return 3L; };
        std::memset(buf, 0, sizeof(buf));
        o->sz = sizeof(size_t);
        buf[sizeof(size_t)] = 0x5a; // past sz: not the caller's
        errno = 0;
        CHECK(call(o) >= 0);
        CHECK(errno == 0);
        CHECK(k.calls.size() == 1);
    }
}

} // namespace sysbpf_test
