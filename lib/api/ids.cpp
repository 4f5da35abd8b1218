// Walking object ids and opening objects by id:
// bpf_{prog,map,btf,link}_get_next_id, bpf_{prog,map,btf,link}_get_fd_by_id[_opts].
#include "export.hpp"
#include "trace/trace.hpp"
#include "opts.hpp"
#include "sys/result.hpp"
#include "sys/syscall.hpp"

using namespace sysbpf;
using kernel::Cmd;
using kernel::GetIdAttr;

namespace {

int next_id(Cmd cmd, __u32 start_id, __u32 *next) noexcept
{
    GetIdAttr a{};
    a.start_id = start_id;
    long r = sys::call_final(cmd, a, GetIdAttr::kSizeNoToken);
    if (r == 0)
        *next = a.next_id;
    return sys::c_return(r);
}

// Only BTF takes a token fd here; libbpf sends the other commands without
// that field (and ignores opts->token_fd for them).
enum class Token { NotSent, Sent };

int fd_by_id(Cmd cmd, __u32 id, const bpf_get_fd_by_id_opts *opts, Token token) noexcept
{
    Opts o(opts);
    if (!o.valid())
        return sys::c_return(-EINVAL);

    GetIdAttr a{};
    a.start_id = id;
    a.open_flags = SYSBPF_OPT(o, open_flags, 0);
    unsigned size = GetIdAttr::kSizeNoToken;
    if (token == Token::Sent) {
        a.fd_by_id_token_fd = static_cast<kernel::s32>(SYSBPF_OPT(o, token_fd, 0));
        size = GetIdAttr::kSize;
    }
    return sys::c_return(sys::call_fd_final(cmd, a, size));
}

} // namespace

SYSBPF_EXPORT int bpf_prog_get_next_id(__u32 start_id, __u32 *next_id)
{
    SYSBPF_TRACE_CALL(bpf_prog_get_next_id, start_id, next_id);
    return ::next_id(Cmd::ProgGetNextId, start_id, next_id);
}

SYSBPF_EXPORT int bpf_map_get_next_id(__u32 start_id, __u32 *next_id)
{
    SYSBPF_TRACE_CALL(bpf_map_get_next_id, start_id, next_id);
    return ::next_id(Cmd::MapGetNextId, start_id, next_id);
}

SYSBPF_EXPORT int bpf_btf_get_next_id(__u32 start_id, __u32 *next_id)
{
    SYSBPF_TRACE_CALL(bpf_btf_get_next_id, start_id, next_id);
    return ::next_id(Cmd::BtfGetNextId, start_id, next_id);
}

SYSBPF_EXPORT int bpf_link_get_next_id(__u32 start_id, __u32 *next_id)
{
    SYSBPF_TRACE_CALL(bpf_link_get_next_id, start_id, next_id);
    return ::next_id(Cmd::LinkGetNextId, start_id, next_id);
}

SYSBPF_EXPORT int bpf_prog_get_fd_by_id_opts(__u32 id, const struct bpf_get_fd_by_id_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_prog_get_fd_by_id_opts, id, opts);
    return fd_by_id(Cmd::ProgGetFdById, id, opts, Token::NotSent);
}

SYSBPF_EXPORT int bpf_prog_get_fd_by_id(__u32 id)
{
    SYSBPF_TRACE_CALL(bpf_prog_get_fd_by_id, id);
    return fd_by_id(Cmd::ProgGetFdById, id, nullptr, Token::NotSent);
}

SYSBPF_EXPORT int bpf_map_get_fd_by_id_opts(__u32 id, const struct bpf_get_fd_by_id_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_map_get_fd_by_id_opts, id, opts);
    return fd_by_id(Cmd::MapGetFdById, id, opts, Token::NotSent);
}

SYSBPF_EXPORT int bpf_map_get_fd_by_id(__u32 id)
{
    SYSBPF_TRACE_CALL(bpf_map_get_fd_by_id, id);
    return fd_by_id(Cmd::MapGetFdById, id, nullptr, Token::NotSent);
}

SYSBPF_EXPORT int bpf_btf_get_fd_by_id_opts(__u32 id, const struct bpf_get_fd_by_id_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_btf_get_fd_by_id_opts, id, opts);
    return fd_by_id(Cmd::BtfGetFdById, id, opts, Token::Sent);
}

SYSBPF_EXPORT int bpf_btf_get_fd_by_id(__u32 id)
{
    SYSBPF_TRACE_CALL(bpf_btf_get_fd_by_id, id);
    return fd_by_id(Cmd::BtfGetFdById, id, nullptr, Token::Sent);
}

SYSBPF_EXPORT int bpf_link_get_fd_by_id_opts(__u32 id, const struct bpf_get_fd_by_id_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_link_get_fd_by_id_opts, id, opts);
    return fd_by_id(Cmd::LinkGetFdById, id, opts, Token::NotSent);
}

SYSBPF_EXPORT int bpf_link_get_fd_by_id(__u32 id)
{
    SYSBPF_TRACE_CALL(bpf_link_get_fd_by_id, id);
    return fd_by_id(Cmd::LinkGetFdById, id, nullptr, Token::NotSent);
}
