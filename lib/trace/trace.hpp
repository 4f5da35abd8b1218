// SYSBPF_TRACE / SYSBPF_STATS: one line per bpf.h call, and a per-function
// summary at exit. Both are fixed when the library loads; with neither set a
// call pays one predicted branch (SYSBPF_TRACE_CALL below) and nothing is
// ever written.
#pragma once

#include "trace/enum_names.hpp"

#include <linux/bpf.h>
#include <type_traits>

namespace sysbpf::trace {

enum class Fn : unsigned short {
#define SYSBPF_FN(name, params) name,
#include "trace/functions.def"
#undef SYSBPF_FN
    Count
};

// True when tracing or statistics are on. Written once, before main().
// Hidden: every call tests it, with one instruction, not through the GOT.
extern bool g_on __attribute__((visibility("hidden")));

// One argument, as a trace shows it.
struct Arg {
    enum class Kind : unsigned char { Int, Uint, Str, Ptr, Enum } kind;
    EnumKind enum_kind; // for Kind::Enum
    union {
        long long i;
        unsigned long long u;
        const void *p;
    };
};

template <class T>
inline Arg to_arg(T v) noexcept
{
    Arg a;
    if constexpr (std::is_same_v<T, const char *>) {
        a.kind = Arg::Kind::Str;
        a.p = v;
    } else if constexpr (std::is_pointer_v<T>) {
        a.kind = Arg::Kind::Ptr;
        a.p = v;
    } else if constexpr (std::is_same_v<T, bpf_map_type> || std::is_same_v<T, bpf_prog_type> ||
                         std::is_same_v<T, bpf_attach_type>) {
        a.kind = Arg::Kind::Enum;
        a.enum_kind = std::is_same_v<T, bpf_map_type>    ? EnumKind::MapType
                      : std::is_same_v<T, bpf_prog_type> ? EnumKind::ProgType
                                                         : EnumKind::AttachType;
        a.i = static_cast<long long>(v);
    } else if constexpr (std::is_enum_v<T> || std::is_signed_v<T>) {
        a.kind = Arg::Kind::Int;
        a.i = static_cast<long long>(v);
    } else {
        a.kind = Arg::Kind::Uint;
        a.u = static_cast<unsigned long long>(v);
    }
    return a;
}

using Invoke = int (*)(void *body) noexcept;

// The slow path: times the call, writes the trace line, counts statistics.
int record(Fn fn, Invoke invoke, void *body, const Arg *args, unsigned nargs) noexcept;

// Set while record() runs the traced call on this thread. The default TLS
// model: initial-exec would take static TLS, which a late dlopen() may find
// spent (abi/tls). Only traced calls read it, after g_on.
extern thread_local bool t_inside;

// The traced call: runs the function again inside record(). Out of line and
// cold, so the untraced path keeps its arguments in registers. `body` is a
// captureless lambda that calls the function by name: with
// -fno-semantic-interposition that call binds inside this library, where
// taking the function's address would go through the GOT and, in a process
// that loaded libbpf.so.1 first, reach libbpf's function of the same name.
template <class Body, class... A>
[[gnu::cold, gnu::noinline]] int reenter(Fn fn, Body body, A... args) noexcept
{
    const Arg a[] = {to_arg(args)..., Arg{}};
    auto call = [&]() noexcept -> int { return body(args...); };
    t_inside = true;
    int r = record(
        fn, [](void *c) noexcept -> int { return (*static_cast<decltype(call) *>(c))(); }, &call, a,
        sizeof...(A));
    t_inside = false;
    return r;
}

} // namespace sysbpf::trace

// First statement of every exported function: when tracing is on, runs the
// function again inside record() with its arguments; otherwise one branch.
#define SYSBPF_TRACE_CALL(fn, ...)                                                            \
    do {                                                                                      \
        if (__builtin_expect(::sysbpf::trace::g_on, 0) && !::sysbpf::trace::t_inside)         \
            return ::sysbpf::trace::reenter(                                                  \
                ::sysbpf::trace::Fn::fn, [](auto... a) noexcept { return fn(a...); },         \
                __VA_ARGS__);                                                                 \
    } while (0)
