// bpf_btf_load
#include "create_fallbacks.hpp"
#include "export.hpp"
#include "trace/trace.hpp"
#include "opts.hpp"
#include "sys/result.hpp"
#include "sys/syscall.hpp"

using namespace sysbpf;
using kernel::Cmd;

SYSBPF_EXPORT int bpf_btf_load(const void *btf_data, size_t btf_size,
                               struct bpf_btf_load_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_btf_load, btf_data, btf_size, opts);
    Opts o(opts);
    if (!o.valid())
        return sys::c_return(-EINVAL);

    char *log_buf = SYSBPF_OPT(o, log_buf, nullptr);
    kernel::u32 log_size = SYSBPF_OPT(o, log_size, 0);
    kernel::u32 log_level = SYSBPF_OPT(o, log_level, 0);
    // Unlike prog_load, a log_buf without a log_size is let through: the
    // kernel judges that pair.
    if (log_size && !log_buf)
        return sys::c_return(-EINVAL);

    kernel::BtfLoadAttr a{};
    a.btf = kernel::ptr(btf_data);
    a.btf_size = static_cast<kernel::u32>(btf_size); // truncated, as libbpf does
    a.btf_flags = SYSBPF_OPT(o, btf_flags, 0);
    a.btf_token_fd = static_cast<kernel::s32>(SYSBPF_OPT(o, token_fd, 0));
    if (log_level) {
        a.btf_log_buf = kernel::ptr(log_buf);
        a.btf_log_size = log_size;
        a.btf_log_level = log_level;
    }

    auto load = [&]() noexcept { return sys::call_fd(Cmd::BtfLoad, a); };

    const features::MemlockTicket memlock = features::memlock_ticket();
    long fd = load();
    if (fd < 0)
        fd = retry_after_memlock_raise(fd, memlock, load);

    // log_level 0 with a log buffer: "load quietly, and explain a failure".
    if (fd < 0 && log_level == 0 && log_buf) {
        a.btf_log_buf = kernel::ptr(log_buf);
        a.btf_log_size = log_size;
        a.btf_log_level = 1;
        fd = load();
    }

    SYSBPF_OPT_SET(o, log_true_size, a.btf_log_true_size);
    return sys::c_return(fd);
}

// The same function under a hidden name (see prog_load.cpp).
extern "C" __attribute__((visibility("hidden"), alias("bpf_btf_load"))) int
sysbpf_btf_load_local(const void *, size_t, struct bpf_btf_load_opts *) noexcept;
