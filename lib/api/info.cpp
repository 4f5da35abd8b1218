// bpf_obj_get_info_by_fd and its typed forms.
#include "export.hpp"
#include "trace/trace.hpp"
#include "sys/result.hpp"
#include "sys/syscall.hpp"

#include <bpf/bpf.h>

using namespace sysbpf;

namespace {

int get_info(int fd, void *info, __u32 *info_len) noexcept
{
    kernel::InfoAttr a{};
    a.bpf_fd = static_cast<kernel::u32>(fd);
    a.info_len = *info_len;
    a.info = kernel::ptr(info);
    long r = sys::call_final(kernel::Cmd::ObjGetInfoByFd, a);
    if (r == 0)
        *info_len = a.info_len;
    return sys::c_return(r);
}

} // namespace

SYSBPF_EXPORT int bpf_obj_get_info_by_fd(int bpf_fd, void *info, __u32 *info_len)
{
    SYSBPF_TRACE_CALL(bpf_obj_get_info_by_fd, bpf_fd, info, info_len);
    return get_info(bpf_fd, info, info_len);
}

SYSBPF_EXPORT int bpf_prog_get_info_by_fd(int prog_fd, struct bpf_prog_info *info,
                                          __u32 *info_len)
{
    SYSBPF_TRACE_CALL(bpf_prog_get_info_by_fd, prog_fd, info, info_len);
    return get_info(prog_fd, info, info_len);
}

SYSBPF_EXPORT int bpf_map_get_info_by_fd(int map_fd, struct bpf_map_info *info, __u32 *info_len)
{
    SYSBPF_TRACE_CALL(bpf_map_get_info_by_fd, map_fd, info, info_len);
    return get_info(map_fd, info, info_len);
}

SYSBPF_EXPORT int bpf_btf_get_info_by_fd(int btf_fd, struct bpf_btf_info *info, __u32 *info_len)
{
    SYSBPF_TRACE_CALL(bpf_btf_get_info_by_fd, btf_fd, info, info_len);
    return get_info(btf_fd, info, info_len);
}

SYSBPF_EXPORT int bpf_link_get_info_by_fd(int link_fd, struct bpf_link_info *info,
                                          __u32 *info_len)
{
    SYSBPF_TRACE_CALL(bpf_link_get_info_by_fd, link_fd, info, info_len);
    return get_info(link_fd, info, info_len);
}
