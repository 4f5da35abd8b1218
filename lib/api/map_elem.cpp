// Single-element map operations and bpf_map_freeze.
#include "export.hpp"
#include "trace/trace.hpp"
#include "sys/result.hpp"
#include "sys/syscall.hpp"

#include <bpf/bpf.h>

using namespace sysbpf;
using kernel::Cmd;

namespace {

int elem_op(Cmd cmd, int fd, const void *key, void *value, __u64 flags) noexcept
{
    kernel::MapElemAttr a{};
    a.map_fd = static_cast<kernel::u32>(fd);
    a.key = kernel::ptr(key);
    a.value = kernel::ptr(value);
    a.flags = flags;
    return sys::c_return(sys::call_final(cmd, a));
}

} // namespace

SYSBPF_EXPORT int bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags)
{
    SYSBPF_TRACE_CALL(bpf_map_update_elem, fd, key, value, flags);
    return elem_op(Cmd::MapUpdateElem, fd, key, const_cast<void *>(value), flags);
}

SYSBPF_EXPORT int bpf_map_lookup_elem(int fd, const void *key, void *value)
{
    SYSBPF_TRACE_CALL(bpf_map_lookup_elem, fd, key, value);
    return elem_op(Cmd::MapLookupElem, fd, key, value, 0);
}

SYSBPF_EXPORT int bpf_map_lookup_elem_flags(int fd, const void *key, void *value, __u64 flags)
{
    SYSBPF_TRACE_CALL(bpf_map_lookup_elem_flags, fd, key, value, flags);
    return elem_op(Cmd::MapLookupElem, fd, key, value, flags);
}

SYSBPF_EXPORT int bpf_map_lookup_and_delete_elem(int fd, const void *key, void *value)
{
    SYSBPF_TRACE_CALL(bpf_map_lookup_and_delete_elem, fd, key, value);
    return elem_op(Cmd::MapLookupAndDeleteElem, fd, key, value, 0);
}

SYSBPF_EXPORT int bpf_map_lookup_and_delete_elem_flags(int fd, const void *key, void *value,
                                                       __u64 flags)
{
    SYSBPF_TRACE_CALL(bpf_map_lookup_and_delete_elem_flags, fd, key, value, flags);
    return elem_op(Cmd::MapLookupAndDeleteElem, fd, key, value, flags);
}

SYSBPF_EXPORT int bpf_map_delete_elem(int fd, const void *key)
{
    SYSBPF_TRACE_CALL(bpf_map_delete_elem, fd, key);
    return elem_op(Cmd::MapDeleteElem, fd, key, nullptr, 0);
}

SYSBPF_EXPORT int bpf_map_delete_elem_flags(int fd, const void *key, __u64 flags)
{
    SYSBPF_TRACE_CALL(bpf_map_delete_elem_flags, fd, key, flags);
    return elem_op(Cmd::MapDeleteElem, fd, key, nullptr, flags);
}

SYSBPF_EXPORT int bpf_map_get_next_key(int fd, const void *key, void *next_key)
{
    SYSBPF_TRACE_CALL(bpf_map_get_next_key, fd, key, next_key);
    kernel::MapNextKeyAttr a{};
    a.map_fd = static_cast<kernel::u32>(fd);
    a.key = kernel::ptr(key);
    a.next_key = kernel::ptr(next_key);
    return sys::c_return(sys::call_final(Cmd::MapGetNextKey, a));
}

SYSBPF_EXPORT int bpf_map_freeze(int fd)
{
    SYSBPF_TRACE_CALL(bpf_map_freeze, fd);
    kernel::MapFdAttr a{};
    a.map_fd = static_cast<kernel::u32>(fd);
    return sys::c_return(sys::call_final(Cmd::MapFreeze, a));
}
