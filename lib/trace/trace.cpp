#include "trace/trace.hpp"

#include "sys/fd.hpp"

#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

namespace sysbpf::trace {

bool g_on = true; // until the environment has been read
constinit thread_local unsigned short t_inside = 0;

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

// An output the library owns: a private fd (>= 3, close-on-exec) and the
// identity of the file it was opened on. Written only while the fd still
// names that file: a program that closes fds it did not open and reuses the
// numbers never gets our text in its own files.
struct Output {
    std::atomic<int> fd{-1};
    dev_t dev = 0;
    ino_t ino = 0;
};
Output g_trace, g_stats_stderr;
// SYSBPF_STATS as an absolute path, resolved at start (not the environment
// string, which the program may rewrite, nor relative to a later chdir).
char g_stats_path[PATH_MAX];
bool g_stats_on = false;
// This process made a counted call (reset in a forked child, which reports
// only its own calls).
std::atomic<bool> g_counted{false};
pid_t g_loaded_pid = 0;

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
    if (n <= 0) { // may straddle an unmapped page: read byte by byte
        n = 0;
        while (n < static_cast<ssize_t>(sizeof(s) - 1)) {
            iovec l1{s + n, 1}, r1{static_cast<char *>(const_cast<void *>(p)) + n, 1};
            if (process_vm_readv(getpid(), &l1, 1, &r1, 1, 0) != 1)
                break;
            if (!s[n++])
                break;
        }
    }
    if (n <= 0) { // not one byte readable: the address, not a string
        l.fmt("%p", p);
        return;
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

void write_out(Output &out, const char *buf, size_t len) noexcept;

void write_trace(Fn fn, const Arg *args, unsigned nargs, int ret, int err,
                 unsigned long long ns) noexcept
{
    if (g_trace.fd.load(std::memory_order_relaxed) < 0)
        return;
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
    write_out(g_trace, l.buf, l.len);
}

// Writes to `out` while its fd still names the file it was opened on; once
// it does not, the output is dropped for good (the fd is the program's now).
// Never raises a signal: a socket gets MSG_NOSIGNAL; for a pipe, SIGPIPE is
// blocked around the write and a SIGPIPE the write raised is consumed (one
// that was pending before is left alone). Everything here is
// async-signal-safe.
void write_out(Output &out, const char *buf, size_t len) noexcept
{
    const int fd = out.fd.load(std::memory_order_acquire);
    struct stat st;
    if (fd < 0)
        return;
    if (fstat(fd, &st) != 0 || st.st_dev != out.dev || st.st_ino != out.ino) {
        out.fd.store(-1, std::memory_order_release);
        return;
    }
    if (S_ISSOCK(st.st_mode)) {
        while (send(fd, buf, len, MSG_NOSIGNAL) < 0 && errno == EINTR) {
        }
        return;
    }
    if (!S_ISFIFO(st.st_mode)) {
        while (write(fd, buf, len) < 0 && errno == EINTR) {
        }
        return;
    }
    sigset_t pipe_set, old, pending;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    sigemptyset(&pending);
    sigpending(&pending);
    const bool was_pending = sigismember(&pending, SIGPIPE);
    ssize_t w;
    while ((w = write(fd, buf, len)) < 0 && errno == EINTR) {
    }
    if (w < 0 && errno == EPIPE && !was_pending) {
        const timespec zero{};
        while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

// Opens a trace/stats target: "stderr" (a private duplicate of fd 2) or a
// file. A file is opened without following a final symlink, never as the
// controlling terminal, without blocking (a FIFO with no reader is refused,
// not waited for), and, when created, with mode 0600 (further limited by the
// umask): trace lines show the program's arguments. Only regular files,
// FIFOs and character devices (a tty, /dev/null) are written. Returns the fd
// (>= 3, close-on-exec) or -1.
int open_target(const char *spec, Output &out) noexcept
{
    int fd;
    const bool is_stderr = std::strcmp(spec, "stderr") == 0;
    if (is_stderr) {
        fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    } else {
        fd = open(spec, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK,
                  0600);
        if (fd >= 0)
            fd = static_cast<int>(sys::ensure_high_fd(fd));
    }
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 ||
        !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) ||
          (S_ISSOCK(st.st_mode) && is_stderr))) {
        close(fd);
        return -1;
    }
    if (!is_stderr) {
        int fl = fcntl(fd, F_GETFL);
        if (fl >= 0)
            fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    }
    out.dev = st.st_dev;
    out.ino = st.st_ino;
    out.fd.store(fd, std::memory_order_release);
    return fd;
}

void close_target(Output &out) noexcept
{
    const int fd = out.fd.exchange(-1);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && st.st_dev == out.dev && st.st_ino == out.ino)
        close(fd);
}

// `spec` made absolute with its directory resolved now (symlinks in the
// directory part followed, a final symlink not), into `out`.
bool resolve_path(const char *spec, char (&out)[PATH_MAX]) noexcept
{
    if (std::strcmp(spec, "stderr") == 0) {
        std::memcpy(out, "stderr", 7);
        return true;
    }
    const char *slash = std::strrchr(spec, '/');
    const char *base = slash ? slash + 1 : spec;
    if (!*base || !std::strcmp(base, ".") || !std::strcmp(base, ".."))
        return false;
    char dir[PATH_MAX], real[PATH_MAX];
    size_t dlen = slash ? static_cast<size_t>(slash - spec) : 1;
    if (dlen >= sizeof(dir))
        return false;
    if (!slash)
        std::memcpy(dir, ".", 2);
    else if (dlen == 0)
        std::memcpy(dir, "/", 2);
    else {
        std::memcpy(dir, spec, dlen);
        dir[dlen] = '\0';
    }
    if (!realpath(dir, real))
        return false;
    const char *sep = std::strcmp(real, "/") == 0 ? "" : "/";
    int n = std::snprintf(out, sizeof(out), "%s%s%s", real, sep, base);
    return n > 0 && static_cast<size_t>(n) < sizeof(out);
}

void write_stats() noexcept
{
    Output file;
    Output &out = std::strcmp(g_stats_path, "stderr") == 0 ? g_stats_stderr : file;
    if (&out == &file && open_target(g_stats_path, file) < 0)
        return;
    Line l;
    l.fmt("%-40s %10s %10s %14s  %s\n", "function", "calls", "errors", "total_us", "errors by errno");
    write_out(out, l.buf, l.len);
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
        write_out(out, r.buf, r.len);
    }
    Line t;
    t.fmt("%-40s %10llu %10llu\n", "total", calls, errors);
    write_out(out, t.buf, t.len);
    if (&out == &file)
        close_target(file);
}

// In a forked child: the counts so far are the parent's.
void forget_parent_counts() noexcept
{
    for (FnStats &s : g_stats) {
        s.calls.store(0, std::memory_order_relaxed);
        s.ns.store(0, std::memory_order_relaxed);
        s.errors.store(0, std::memory_order_relaxed);
        for (auto &e : s.by_errno)
            e.store(0, std::memory_order_relaxed);
    }
    g_counted.store(false, std::memory_order_relaxed);
}

// 0: not read yet; 1: being read (by another thread, or by the code a signal
// handler interrupted); 2: done.
std::atomic<int> g_init{0};

void init_from_env() noexcept
{
    const int saved = errno;
    // secure_getenv: a setuid/setcap process must not be steered into
    // writing files by whoever started it.
    const char *t = secure_getenv("SYSBPF_TRACE");
    const char *s = secure_getenv("SYSBPF_STATS");
    if (t && *t)
        open_target(t, g_trace);
    if (s && *s && resolve_path(s, g_stats_path)) {
        g_stats_on = std::strcmp(g_stats_path, "stderr") != 0 || open_target("stderr", g_stats_stderr) >= 0;
    }
    if (g_stats_on) {
        g_loaded_pid = getpid();
        pthread_atfork(nullptr, nullptr, forget_parent_counts);
    }
    __atomic_store_n(&g_on, g_trace.fd.load() >= 0 || g_stats_on, __ATOMIC_RELAXED);
    errno = saved;
}

__attribute__((constructor)) void init() noexcept
{
    enabled();
}

__attribute__((destructor)) void fini() noexcept
{
    if (g_init.load() != 2)
        return;
    int saved = errno;
    // A forked child that made no call has nothing of its own to report.
    if (g_stats_on && (g_counted.load() || getpid() == g_loaded_pid))
        write_stats();
    close_target(g_trace);
    close_target(g_stats_stderr);
    g_stats_on = false;
    __atomic_store_n(&g_on, false, __ATOMIC_RELAXED);
    errno = saved;
}

} // namespace

bool enabled() noexcept
{
    int st = g_init.load(std::memory_order_acquire);
    // Before libc's own initialisation (a program's preinit functions) the
    // environment is not readable yet: count, and decide later.
    if (st == 0 && !environ)
        return true;
    if (st == 0 && g_init.compare_exchange_strong(st, 1)) {
        init_from_env();
        g_init.store(2, std::memory_order_release);
        st = 2;
    }
    // While another thread (or the code a signal handler interrupted) reads
    // the environment, calls are counted; lines start once the fd is open.
    return st != 2 || __atomic_load_n(&g_on, __ATOMIC_RELAXED);
}

int record(Fn fn, Invoke invoke, void *body, const Arg *args, unsigned nargs) noexcept
{
    unsigned long long t0 = now_ns();
    int ret = invoke(body);
    int err = errno; // the call's errno, kept for the caller
    unsigned long long ns = now_ns() - t0;

    FnStats &s = g_stats[static_cast<unsigned>(fn)];
    s.calls.fetch_add(1, std::memory_order_relaxed);
    s.ns.fetch_add(ns, std::memory_order_relaxed);
    g_counted.store(true, std::memory_order_relaxed);
    if (ret < 0) {
        s.errors.fetch_add(1, std::memory_order_relaxed);
        unsigned slot = errno_slot(-ret);
        if (slot < kErrnoSlots)
            s.by_errno[slot].fetch_add(1, std::memory_order_relaxed);
    }
    write_trace(fn, args, nargs, ret, err, ns);
    errno = err;
    return ret;
}

} // namespace sysbpf::trace
