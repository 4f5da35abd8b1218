// bpf_prog_load
#include "create_fallbacks.hpp"
#include "export.hpp"
#include "features.hpp"
#include "trace/trace.hpp"
#include "opts.hpp"
#include "sys/result.hpp"
#include "sys/syscall.hpp"

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>

using namespace sysbpf;
using kernel::Cmd;

namespace {

constexpr int kDefaultAttempts = 5; // as libbpf: tries on EAGAIN

// Copies `cnt` records of `rec_size` bytes, keeping only the first
// `kernel_size` bytes of each and zeroing the rest: the kernel accepts larger
// records than it knows only when their tails are zero. malloc'ed; NULL on
// failure or overflow.
void *zero_record_tails(const void *records, kernel::u32 cnt, kernel::u32 rec_size,
                        kernel::u32 kernel_size) noexcept
{
    const unsigned long long total = static_cast<unsigned long long>(rec_size) * cnt;
    if (total > SIZE_MAX)
        return nullptr;
    auto *out = static_cast<unsigned char *>(std::malloc(static_cast<size_t>(total)));
    if (!out)
        return nullptr;
    const auto *in = static_cast<const unsigned char *>(records);
    for (size_t i = 0; i < cnt; i++) {
        std::memcpy(out + i * rec_size, in + i * rec_size, kernel_size);
        std::memset(out + i * rec_size + kernel_size, 0, rec_size - kernel_size);
    }
    return out;
}

// The two record copies a load may need, freed on every way out.
struct RecordCopies {
    void *func_info = nullptr;
    void *line_info = nullptr;
    RecordCopies() = default;
    RecordCopies(const RecordCopies &) = delete;
    RecordCopies &operator=(const RecordCopies &) = delete;
    ~RecordCopies()
    {
        std::free(func_info);
        std::free(line_info);
    }
};

using LoadOpts = Opts<struct bpf_prog_load_opts>;

// Everything after a first try that failed: the rest of the EAGAIN tries,
// then libbpf's fallbacks. Out of line and cold: a load that succeeds at
// once never pays for it. errno is still the caller's here (nothing before
// touched it), and is the caller's again on a late success.
// `memlock` was taken before the first try.
[[gnu::noinline, gnu::cold]] int after_failed_try(long fd, kernel::ProgLoadAttr &a, LoadOpts o,
                                                  int attempts,
                                                  features::MemlockTicket memlock) noexcept
{
    const int caller_errno = errno; // failed tries must not leak into a success

    // One load as libbpf issues it: up to `attempts` tries while the kernel
    // answers EAGAIN, then log_true_size reported (where the caller's opts
    // hold it) whatever the outcome.
    auto load = [&]() noexcept {
        long fd;
        int left = attempts;
        do {
            fd = sys::call_fd(Cmd::ProgLoad, a);
        } while (fd == -EAGAIN && --left > 0);
        SYSBPF_OPT_SET(o, log_true_size, a.log_true_size);
        return fd;
    };
    auto finish = [caller_errno](long fd) noexcept {
        if (fd >= 0)
            errno = caller_errno;
        return sys::c_return(fd);
    };

    // The first load's remaining tries.
    for (int left = attempts; fd == -EAGAIN && --left > 0;)
        fd = sys::call_fd(Cmd::ProgLoad, a);
    SYSBPF_OPT_SET(o, log_true_size, a.log_true_size);
    if (fd >= 0)
        return finish(fd);

    const void *const func_info = SYSBPF_OPT(o, func_info, nullptr);
    const kernel::u32 func_info_rec_size = SYSBPF_OPT(o, func_info_rec_size, 0);
    const void *const line_info = SYSBPF_OPT(o, line_info, nullptr);
    const kernel::u32 line_info_rec_size = SYSBPF_OPT(o, line_info_rec_size, 0);
    char *const log_buf = SYSBPF_OPT(o, log_buf, nullptr);
    const kernel::u32 log_size = SYSBPF_OPT(o, log_size, 0);
    const kernel::u32 log_level = SYSBPF_OPT(o, log_level, 0);

    // E2BIG with a smaller record size written back by the kernel: the
    // caller's func/line info records are larger than this kernel knows.
    // Resend them at their own stride with the unknown tail of each zeroed.
    RecordCopies copies;
    while (fd == -E2BIG && (!copies.func_info || !copies.line_info)) {
        if (!copies.func_info && a.func_info_cnt && a.func_info_rec_size < func_info_rec_size) {
            copies.func_info = zero_record_tails(func_info, a.func_info_cnt, func_info_rec_size,
                                                 a.func_info_rec_size);
            if (!copies.func_info)
                return finish(-E2BIG); // as libbpf: no further fallbacks
            a.func_info = kernel::ptr(copies.func_info);
            a.func_info_rec_size = func_info_rec_size;
        } else if (!copies.line_info && a.line_info_cnt &&
                   a.line_info_rec_size < line_info_rec_size) {
            copies.line_info = zero_record_tails(line_info, a.line_info_cnt, line_info_rec_size,
                                                 a.line_info_rec_size);
            if (!copies.line_info)
                return finish(-E2BIG);
            a.line_info = kernel::ptr(copies.line_info);
            a.line_info_rec_size = line_info_rec_size;
        } else {
            break;
        }
        fd = load();
        if (fd >= 0)
            return finish(fd);
    }

    // A kernel without program names (< 4.15) answers a named load with
    // E2BIG. libbpf probes for names before loading; here the probe runs only
    // after such an answer, so a modern kernel never sees the caller's program
    // twice for a real E2BIG (e.g. one too large to verify).
    if (fd == -E2BIG && a.prog_name[0] && features::prog_names_refused_by_probe()) {
        std::memset(a.prog_name, 0, sizeof(a.prog_name));
        fd = load();
    }

    // Before 5.11 BPF memory was charged to RLIMIT_MEMLOCK: libbpf raises
    // the limit up front; here it is raised after the EPERM that shows it.
    fd = retry_after_memlock_raise(fd, memlock, load);

    if (fd < 0 && log_level == 0 && log_buf) {
        a.log_buf = kernel::ptr(log_buf);
        a.log_size = log_size;
        a.log_level = 1;
        fd = load();
    }
    return finish(fd);
}

} // namespace

SYSBPF_EXPORT int bpf_prog_load(enum bpf_prog_type prog_type, const char *prog_name,
                                const char *license, const struct bpf_insn *insns,
                                size_t insn_cnt, struct bpf_prog_load_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_prog_load, prog_type, prog_name, license, insns, insn_cnt, opts);
    return with_opts(
        opts,
        [](auto o, enum bpf_prog_type prog_type, const char *prog_name, const char *license,
           const struct bpf_insn *insns, size_t insn_cnt) noexcept {
            int attempts = SYSBPF_OPT(o, attempts, 0);
            if (attempts < 0)
                return sys::c_return(-EINVAL);
            if (attempts == 0)
                attempts = kDefaultAttempts;

            if (insn_cnt > UINT_MAX)
                return sys::c_return(-E2BIG);

            const kernel::u32 attach_prog_fd = SYSBPF_OPT(o, attach_prog_fd, 0);
            const kernel::u32 attach_btf_obj_fd = SYSBPF_OPT(o, attach_btf_obj_fd, 0);
            if (attach_prog_fd && attach_btf_obj_fd)
                return sys::c_return(-EINVAL);

            char *const log_buf = SYSBPF_OPT(o, log_buf, nullptr);
            const kernel::u32 log_size = SYSBPF_OPT(o, log_size, 0);
            const kernel::u32 log_level = SYSBPF_OPT(o, log_level, 0);
            if (!log_buf != !log_size)
                return sys::c_return(-EINVAL);

            // Every field in one initializer, in layout order, so that each
            // byte is stored once. log_level 0 with a buffer means: load
            // quietly, explain a failure (in after_failed_try).
            kernel::ProgLoadAttr a{
                .prog_type = prog_type,
                .insn_cnt = static_cast<kernel::u32>(insn_cnt),
                .insns = kernel::ptr(insns),
                .license = kernel::ptr(license),
                .log_level = log_level,
                .log_size = log_level ? log_size : 0,
                .log_buf = log_level ? kernel::ptr(log_buf) : 0,
                .kern_version = SYSBPF_OPT(o, kern_version, 0),
                .prog_flags = SYSBPF_OPT(o, prog_flags, 0),
                .prog_name = {},
                .prog_ifindex = SYSBPF_OPT(o, prog_ifindex, 0),
                .expected_attach_type = SYSBPF_OPT(o, expected_attach_type, 0),
                .prog_btf_fd = SYSBPF_OPT(o, prog_btf_fd, 0),
                .func_info_rec_size = SYSBPF_OPT(o, func_info_rec_size, 0),
                .func_info = kernel::ptr(SYSBPF_OPT(o, func_info, nullptr)),
                .func_info_cnt = SYSBPF_OPT(o, func_info_cnt, 0),
                .line_info_rec_size = SYSBPF_OPT(o, line_info_rec_size, 0),
                .line_info = kernel::ptr(SYSBPF_OPT(o, line_info, nullptr)),
                .line_info_cnt = SYSBPF_OPT(o, line_info_cnt, 0),
                .attach_btf_id = SYSBPF_OPT(o, attach_btf_id, 0),
                .attach_prog_fd = attach_prog_fd ? attach_prog_fd : attach_btf_obj_fd, // one union
                .core_relo_cnt = 0,
                .fd_array = kernel::ptr(SYSBPF_OPT(o, fd_array, nullptr)),
                .core_relos = 0,
                .core_relo_rec_size = 0,
                .log_true_size = 0,
                .prog_token_fd = static_cast<kernel::s32>(SYSBPF_OPT(o, token_fd, 0)),
                .fd_array_cnt = SYSBPF_OPT(o, fd_array_cnt, 0),
                .signature = 0,
                .signature_size = 0,
                .keyring_id = 0,
            };
            copy_obj_name(a.prog_name, prog_name);

            const features::MemlockTicket memlock = features::memlock_ticket();
            const long fd = sys::call_fd(Cmd::ProgLoad, a);
            if (fd < 0) [[unlikely]]
                return after_failed_try(fd, a, o.checked(), attempts, memlock);
            SYSBPF_OPT_SET(o, log_true_size, a.log_true_size);
            return static_cast<int>(fd);
        },
        prog_type, prog_name, license, insns, insn_cnt);
}

// The same function under a hidden name, for lib/diag's repeat of a failed
// load: a call by the exported name from another file would go through the GOT.
extern "C" __attribute__((visibility("hidden"), alias("bpf_prog_load"))) int
sysbpf_prog_load_local(enum bpf_prog_type, const char *, const char *, const struct bpf_insn *, size_t,
                       struct bpf_prog_load_opts *) noexcept;
