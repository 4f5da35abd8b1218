// SYSBPF_TRACE / SYSBPF_STATS: one line per bpf.h call, and a per-function
// summary at exit. Read once per process (at load, or at the first call if
// another library's constructor calls in first); ignored in secure-execution
// (setuid/setcap) processes. With neither set a call pays one predicted
// branch (SYSBPF_TRACE_CALL below) and nothing is ever written.
//
// Counted: every call this process makes, from any thread, from signal
// handlers (also one interrupting a traced call), from constructors that run
// before this library's (the summary; lines start once the environment is
// read), from atexit handlers. Not counted: calls made after this library's
// destructor has written the summary (another library's destructor that
// ld.so runs later, possible under LD_PRELOAD); they are not traced either.
// A forked child reports only its own calls, and nothing when it made none.
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

// True when tracing or statistics are on, or not decided yet (the first call
// decides). Hidden: every call tests it, with one instruction, not through
// the GOT.
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

// The function (Fn + 1) whose next entry on this thread is record()
// running it, not a new call; 0 when none. A token consumed on entry, not a
// "record() is running" flag: a call from a signal handler that interrupts a
// traced call, or from another bpf.h function's body, is a call of its own.
// The default TLS model: initial-exec would take static TLS, which a late
// dlopen() may find spent (abi/tls). Only traced calls read it, after g_on.
extern thread_local constinit unsigned short t_inside;

constexpr unsigned short token(Fn fn) noexcept
{
    return static_cast<unsigned short>(static_cast<unsigned>(fn) + 1);
}

// Reads the environment once per process; false when neither switch is on.
bool enabled() noexcept;

// The traced call: runs the function again inside record(). Out of line and
// cold, so the untraced path keeps its arguments in registers. `body` is a
// captureless lambda that calls the function by name: with
// -fno-semantic-interposition that call binds inside this library, where
// taking the function's address would go through the GOT and, in a process
// that loaded libbpf.so.1 first, reach libbpf's function of the same name.
template <class Body, class... A>
[[gnu::cold, gnu::noinline]] int reenter(Fn fn, Body body, A... args) noexcept
{
    if (!enabled())
        return body(args...); // g_on is false now: the call goes straight through
    const Arg a[] = {to_arg(args)..., Arg{}};
    auto call = [&]() noexcept -> int {
        t_inside = token(fn);
        return body(args...);
    };
    return record(
        fn, [](void *c) noexcept -> int { return (*static_cast<decltype(call) *>(c))(); }, &call, a,
        sizeof...(A));
}

} // namespace sysbpf::trace

// A call from one bpf.h function to another: not traced or counted on its
// own (the outer call is).
#define SYSBPF_INNER_CALL(fn, ...)                                                            \
    ((::sysbpf::trace::g_on                                                                   \
          ? (void)(::sysbpf::trace::t_inside = ::sysbpf::trace::token(::sysbpf::trace::Fn::fn)) \
          : (void)0),                                                                         \
     fn(__VA_ARGS__))

// First statement of every exported function: when tracing is on, runs the
// function again inside record() with its arguments (unless this entry is
// that run); otherwise one branch.
#define SYSBPF_TRACE_CALL(fn, ...)                                                            \
    do {                                                                                      \
        if (__builtin_expect(::sysbpf::trace::g_on, 0)) {                                     \
            if (::sysbpf::trace::t_inside != ::sysbpf::trace::token(::sysbpf::trace::Fn::fn)) \
                return ::sysbpf::trace::reenter(                                              \
                    ::sysbpf::trace::Fn::fn, [](auto... a) noexcept { return fn(a...); },     \
                    __VA_ARGS__);                                                             \
            ::sysbpf::trace::t_inside = 0;                                                    \
        }                                                                                     \
    } while (0)
