#include "trace/trace.hpp"

#include "sys/fd.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

namespace sysbpf::trace {

bool g_on = false;
thread_local bool t_inside = false;

namespace {

constexpr unsigned kFnCount = static_cast<unsigned>(Fn::Count);
constexpr unsigned kMaxErrno = 160;
// The kernel's internal codes (512 ERESTARTSYS .. 531 ENOGRACE), which some
// commands leak to user space (ENOTSUPP, 524), get slots after the others.
constexpr unsigned kKernelErrnoFirst = 512, kKernelErrnoCount = 20;
constexpr unsigned kErrnoSlots = kMaxErrno + kKernelErrnoCount;

// Slot of error code e, or kErrnoSlots when it has none.
constexpr unsigned errno_slot(int e) noexcept
{
    unsigned u = static_cast<unsigned>(e);
    if (u < kMaxErrno)
        return u;
    if (u - kKernelErrnoFirst < kKernelErrnoCount)
        return kMaxErrno + (u - kKernelErrnoFirst);
    return kErrnoSlots;
}
constexpr int slot_errno(unsigned slot) noexcept
{
    return static_cast<int>(slot < kMaxErrno ? slot : kKernelErrnoFirst + (slot - kMaxErrno));
}

struct FnInfo {
    const char *name;
    const char *params; // space-separated
};
constexpr FnInfo kFns[] = {
#define SYSBPF_FN(name, params) {#name, params},
#include "trace/functions.def"
#undef SYSBPF_FN
};
static_assert(sizeof(kFns) / sizeof(kFns[0]) == kFnCount);

struct FnStats {
    std::atomic<unsigned long long> calls, ns, errors;
    std::atomic<unsigned long long> by_errno[kErrnoSlots];
};
FnStats g_stats[kFnCount];

int g_trace_fd = -1;
const char *g_stats_path = nullptr;

unsigned long long now_ns() noexcept
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<unsigned long long>(ts.tv_sec) * 1000000000ull + ts.tv_nsec;
}

// Fixed-size line builder; output past the end is cut.
struct Line {
    char buf[1024];
    size_t len = 0;
    void put(const char *s, size_t n) noexcept
    {
        n = n < sizeof(buf) - len ? n : sizeof(buf) - len;
        std::memcpy(buf + len, s, n);
        len += n;
    }
    void put(const char *s) noexcept { put(s, std::strlen(s)); }
    template <class... T>
    void fmt(const char *f, T... v) noexcept
    {
        int n = std::snprintf(buf + len, sizeof(buf) - len, f, v...);
        if (n > 0)
            len += static_cast<size_t>(n) < sizeof(buf) - len ? n : sizeof(buf) - len - 1;
    }
};

// Reads a caller's string without trusting the pointer: a bad one must give
// the kernel's EFAULT, not crash the traced process.
void put_string(Line &l, const void *p) noexcept
{
    if (!p) {
        l.put("NULL");
        return;
    }
    char s[65];
    iovec local{s, sizeof(s) - 1}, remote{const_cast<void *>(p), sizeof(s) - 1};
    ssize_t n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
    if (n <= 0) { // may straddle an unmapped page: retry byte by byte
        n = 0;
        for (; n < static_cast<ssize_t>(sizeof(s) - 1); n++) {
            iovec l1{s + n, 1}, r1{static_cast<char *>(const_cast<void *>(p)) + n, 1};
            if (process_vm_readv(getpid(), &l1, 1, &r1, 1, 0) != 1 || !s[n])
                break;
        }
        if (n == 0 && !s[0]) {
            l.fmt("%p", p);
            return;
        }
    }
    s[n] = '\0';
    size_t len = strnlen(s, n);
    l.put("\"");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            l.put(&s[i], 1);
        else
            l.fmt("\\x%02x", c);
    }
    l.put(len == sizeof(s) - 1 ? "\"..." : "\"");
}

const char *errno_name(int e) noexcept
{
    const char *n = strerrorname_np(e);
    return n ? n : (e == 524 ? "ENOTSUPP" : "E?");
}

void write_trace(Fn fn, const Arg *args, unsigned nargs, int ret, int err,
                 unsigned long long ns) noexcept
{
    const FnInfo &info = kFns[static_cast<unsigned>(fn)];
    Line l;
    l.put("sysbpf: ");
    l.put(info.name);
    l.put("(");
    const char *pn = info.params;
    for (unsigned i = 0; i < nargs; i++) {
        if (i)
            l.put(", ");
        const char *end = std::strchr(pn, ' ');
        size_t plen = end ? static_cast<size_t>(end - pn) : std::strlen(pn);
        l.put(pn, plen);
        l.put("=");
        pn = end ? end + 1 : pn + plen;
        switch (args[i].kind) {
        case Arg::Kind::Int: l.fmt("%lld", args[i].i); break;
        case Arg::Kind::Uint: l.fmt("%llu", args[i].u); break;
        case Arg::Kind::Str: put_string(l, args[i].p); break;
        case Arg::Kind::Ptr: l.fmt("%p", args[i].p); break;
        case Arg::Kind::Enum:
            if (const char *n = enum_name(args[i].enum_kind, args[i].i))
                l.fmt("%s%s", enum_prefix(args[i].enum_kind), n);
            else
                l.fmt("%lld", args[i].i);
            break;
        }
    }
    if (ret < 0)
        l.fmt(") = %d %s", ret, errno_name(err));
    else
        l.fmt(") = %d", ret);
    l.fmt(" <%.3f us>\n", static_cast<double>(ns) / 1000.0);
    ssize_t w = write(g_trace_fd, l.buf, l.len);
    (void)w;
}

int open_output(const char *spec) noexcept
{
    if (std::strcmp(spec, "stderr") == 0)
        return STDERR_FILENO;
    int fd = open(spec, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    return fd < 0 ? -1 : static_cast<int>(sys::ensure_high_fd(fd));
}

void write_stats() noexcept
{
    int fd = open_output(g_stats_path);
    if (fd < 0)
        return;
    Line l;
    l.fmt("%-40s %10s %10s %14s  %s\n", "function", "calls", "errors", "total_us", "errors by errno");
    ssize_t w = write(fd, l.buf, l.len);
    unsigned long long calls = 0, errors = 0;
    for (unsigned f = 0; f < kFnCount; f++) {
        const FnStats &s = g_stats[f];
        if (!s.calls)
            continue;
        calls += s.calls;
        errors += s.errors;
        Line r;
        r.fmt("%-40s %10llu %10llu %14.1f ", kFns[f].name, s.calls.load(), s.errors.load(),
              static_cast<double>(s.ns) / 1000.0);
        for (unsigned slot = 0; slot < kErrnoSlots; slot++) {
            if (!s.by_errno[slot])
                continue;
            int e = slot_errno(slot);
            const char *name = errno_name(e);
            if (std::strcmp(name, "E?") == 0)
                r.fmt(" %d:%llu", e, s.by_errno[slot].load());
            else
                r.fmt(" %s:%llu", name, s.by_errno[slot].load());
        }
        r.put("\n");
        w = write(fd, r.buf, r.len);
    }
    Line t;
    t.fmt("%-40s %10llu %10llu\n", "total", calls, errors);
    w = write(fd, t.buf, t.len);
    (void)w;
    if (fd != STDERR_FILENO)
        close(fd);
}

__attribute__((constructor)) void init_from_env() noexcept
{
    const char *t = getenv("SYSBPF_TRACE");
    const char *s = getenv("SYSBPF_STATS");
    if (t && *t)
        g_trace_fd = open_output(t);
    if (s && *s)
        g_stats_path = s;
    g_on = g_trace_fd >= 0 || g_stats_path;
}

__attribute__((destructor)) void fini() noexcept
{
    if (g_stats_path) {
        int saved = errno;
        write_stats();
        errno = saved;
    }
}

} // namespace

int record(Fn fn, Invoke invoke, void *body, const Arg *args, unsigned nargs) noexcept
{
    unsigned long long t0 = now_ns();
    int ret = invoke(body);
    int err = errno; // the call's errno, kept for the caller
    unsigned long long ns = now_ns() - t0;

    FnStats &s = g_stats[static_cast<unsigned>(fn)];
    s.calls.fetch_add(1, std::memory_order_relaxed);
    s.ns.fetch_add(ns, std::memory_order_relaxed);
    if (ret < 0) {
        s.errors.fetch_add(1, std::memory_order_relaxed);
        unsigned slot = errno_slot(-ret);
        if (slot < kErrnoSlots)
            s.by_errno[slot].fetch_add(1, std::memory_order_relaxed);
    }
    if (g_trace_fd >= 0)
        write_trace(fn, args, nargs, ret, err, ns);
    errno = err;
    return ret;
}

} // namespace sysbpf::trace
