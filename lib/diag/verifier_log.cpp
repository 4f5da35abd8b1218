#include "diag/verifier_log.hpp"

#include "sys/fd.hpp"

#include <bpf/bpf.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

// bpf_prog_load and bpf_btf_load by their hidden aliases (lib/api/): bound
// inside this library, never through the GOT to another library's.
extern "C" int sysbpf_prog_load_local(enum bpf_prog_type, const char *, const char *,
                                      const struct bpf_insn *, size_t, struct bpf_prog_load_opts *) noexcept
    __attribute__((visibility("hidden")));
extern "C" int sysbpf_btf_load_local(const void *, size_t, struct bpf_btf_load_opts *) noexcept
    __attribute__((visibility("hidden")));

namespace sysbpf::diag {
namespace {

char g_dir[PATH_MAX];
unsigned g_level = 1;
bool g_on = false;
std::atomic<unsigned> g_seq{0};

// The caller's string, read without trusting the pointer; "" when unreadable.
void copy_user_string(const void *p, char *out, size_t len) noexcept
{
    size_t i = 0;
    for (; p && i + 1 < len; i++) {
        iovec l{out + i, 1}, r{static_cast<char *>(const_cast<void *>(p)) + i, 1};
        if (process_vm_readv(getpid(), &l, 1, &r, 1, 0) != 1 || !out[i])
            break;
    }
    out[i] = '\0';
}

void write_all(int fd, const char *p, size_t n) noexcept
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= static_cast<size_t>(w);
    }
}

int open_log_file() noexcept
{
    for (int tries = 0; tries < 100; tries++) {
        char path[PATH_MAX + 64];
        std::snprintf(path, sizeof(path), "%s/sysbpf-verifier-%d-%u.log", g_dir,
                      static_cast<int>(getpid()), g_seq.fetch_add(1));
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd >= 0)
            return static_cast<int>(sys::ensure_high_fd(fd));
        if (errno != EEXIST)
            return -1;
    }
    return -1;
}

const char *name_of(int e) noexcept
{
    const char *n = strerrorname_np(e);
    return n ? n : (e == 524 ? "ENOTSUPP" : "E?");
}

} // namespace

bool verifier_log_init(const char *dir, const char *level) noexcept
{
    if (!dir || !*dir || !realpath(dir, g_dir))
        return false;
    if (level && !std::strcmp(level, "2"))
        g_level = 2;
    g_on = true;
    return true;
}

void verifier_log_after(trace::Fn fn, const trace::Arg *args, unsigned nargs, int err) noexcept
{
    const bool prog = fn == trace::Fn::bpf_prog_load;
    if (!g_on || !(prog || fn == trace::Fn::bpf_btf_load) || nargs != (prog ? 6u : 3u))
        return;
    // The caller's opts, copied (the repeat never writes to them).
    bpf_prog_load_opts popts{};
    bpf_btf_load_opts bopts{};
    void *caller_opts = const_cast<void *>(args[prog ? 5 : 2].p);
    size_t caller_sz = caller_opts ? *static_cast<const size_t *>(caller_opts) : 0;
    const size_t own_sz = prog ? sizeof(popts) : sizeof(bopts);
    if (caller_opts && (caller_sz < sizeof(size_t) || caller_sz > own_sz))
        return; // refused for its size: nothing the verifier said
    if (caller_opts)
        std::memcpy(prog ? static_cast<void *>(&popts) : static_cast<void *>(&bopts), caller_opts,
                    caller_sz);
    // A buffer at log_level 0 is filled too: the load is retried with level 1.
    const bool had_log = prog ? popts.log_buf && popts.log_size : bopts.log_buf && bopts.log_size;
    if (had_log && err != ENOSPC)
        return; // the caller holds the whole log
    popts.sz = sizeof(popts);
    bopts.sz = sizeof(bopts);

    size_t size = 64u << 10;
    char *buf = nullptr;
    int ret = 0, rerr = 0;
    for (;;) {
        void *m = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            return;
        buf = static_cast<char *>(m);
        buf[0] = '\0';
        if (prog) {
            popts.log_buf = buf;
            popts.log_size = static_cast<__u32>(size);
            popts.log_level = g_level;
            trace::t_inside = trace::token(trace::Fn::bpf_prog_load);
            ret = sysbpf_prog_load_local(static_cast<bpf_prog_type>(args[0].i),
                                static_cast<const char *>(args[1].p),
                                static_cast<const char *>(args[2].p),
                                static_cast<const bpf_insn *>(args[3].p),
                                static_cast<size_t>(args[4].u), &popts);
        } else {
            bopts.log_buf = buf;
            bopts.log_size = static_cast<__u32>(size);
            bopts.log_level = g_level;
            trace::t_inside = trace::token(trace::Fn::bpf_btf_load);
            ret = sysbpf_btf_load_local(args[0].p, static_cast<size_t>(args[1].u), &bopts);
        }
        rerr = errno;
        if (ret >= 0)
            close(ret); // the caller failed; no fd of ours survives
        if (!(ret < 0 && rerr == ENOSPC && size < kMaxVerifierLog))
            break;
        munmap(buf, size);
        // The size the kernel asked for (6.4+; 0 before): one more load then.
        const size_t wanted = prog ? popts.log_true_size : bopts.log_true_size;
        size = wanted > size * 2 ? wanted : size * 2;
        if (size > kMaxVerifierLog)
            size = kMaxVerifierLog;
    }

    int fd = open_log_file();
    if (fd >= 0) {
        char name[64];
        copy_user_string(prog ? args[1].p : nullptr, name, sizeof(name));
        char head[512];
        int n;
        if (prog) {
            const char *pt = trace::enum_name(trace::EnumKind::ProgType, args[0].i);
            const char *at = trace::enum_name(trace::EnumKind::AttachType, popts.expected_attach_type);
            n = std::snprintf(head, sizeof(head),
                              "pid: %d\nfunction: bpf_prog_load\nprog_type: %s%s (%lld)\n"
                              "prog_name: %s\nexpected_attach_type: %s%s (%u)\ninsn_cnt: %llu\n",
                              static_cast<int>(getpid()), pt ? "BPF_PROG_TYPE_" : "", pt ? pt : "?",
                              args[0].i, name, at ? "BPF_" : "", at ? at : "?",
                              static_cast<unsigned>(popts.expected_attach_type), args[4].u);
        } else {
            n = std::snprintf(head, sizeof(head), "pid: %d\nfunction: bpf_btf_load\nbtf_size: %llu\n",
                              static_cast<int>(getpid()), args[1].u);
        }
        if (n > 0)
            write_all(fd, head, static_cast<size_t>(n));
        n = std::snprintf(head, sizeof(head),
                          "errno: %s (%d)\ncaller_log: %s\nrepeat: %d %s, log_level %u, log_size %zu%s\n\n",
                          name_of(err), err, had_log ? "truncated (ENOSPC)" : "none", ret,
                          ret < 0 ? name_of(rerr) : "(succeeded, fd closed)", g_level, size,
                          ret < 0 && rerr == ENOSPC ? " (truncated at the bound)" : "");
        if (n > 0)
            write_all(fd, head, static_cast<size_t>(n));
        write_all(fd, buf, strnlen(buf, size));
        close(fd);
    }
    munmap(buf, size);
}

} // namespace sysbpf::diag
