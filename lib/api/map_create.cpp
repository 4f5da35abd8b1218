// bpf_map_create, libbpf_set_memlock_rlim
#include "create_fallbacks.hpp"
#include "export.hpp"
#include "trace/trace.hpp"
#include "features.hpp"
#include "opts.hpp"
#include "sys/result.hpp"
#include "sys/syscall.hpp"

using namespace sysbpf;
using kernel::Cmd;

SYSBPF_EXPORT int libbpf_set_memlock_rlim(size_t memlock_bytes)
{
    SYSBPF_TRACE_CALL(libbpf_set_memlock_rlim, memlock_bytes);
    return sys::c_return(features::set_memlock_rlim(memlock_bytes));
}

SYSBPF_EXPORT int bpf_map_create(enum bpf_map_type map_type, const char *map_name,
                                 __u32 key_size, __u32 value_size, __u32 max_entries,
                                 const struct bpf_map_create_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_map_create, map_type, map_name, key_size, value_size, max_entries, opts);
    Opts o(opts);
    if (!o.valid())
        return sys::c_return(-EINVAL);

    kernel::MapCreateAttr a{};
    a.map_type = map_type;
    a.key_size = key_size;
    a.value_size = value_size;
    a.max_entries = max_entries;
    copy_obj_name(a.map_name, map_name);
    a.btf_fd = SYSBPF_OPT(o, btf_fd, 0);
    a.btf_key_type_id = SYSBPF_OPT(o, btf_key_type_id, 0);
    a.btf_value_type_id = SYSBPF_OPT(o, btf_value_type_id, 0);
    a.btf_vmlinux_value_type_id = SYSBPF_OPT(o, btf_vmlinux_value_type_id, 0);
    a.value_type_btf_obj_fd = SYSBPF_OPT(o, value_type_btf_obj_fd, 0);
    a.inner_map_fd = SYSBPF_OPT(o, inner_map_fd, 0);
    a.map_flags = SYSBPF_OPT(o, map_flags, 0);
    a.map_extra = SYSBPF_OPT(o, map_extra, 0);
    a.numa_node = SYSBPF_OPT(o, numa_node, 0);
    a.map_ifindex = SYSBPF_OPT(o, map_ifindex, 0);
    a.map_token_fd = static_cast<kernel::s32>(SYSBPF_OPT(o, token_fd, 0));
    a.excl_prog_hash = kernel::ptr(SYSBPF_OPT(o, excl_prog_hash, nullptr));
    a.excl_prog_hash_size = SYSBPF_OPT(o, excl_prog_hash_size, 0);

    return sys::c_return(create_with_fallbacks(a.map_name, sizeof(a.map_name), [&] {
        return sys::call_fd(Cmd::MapCreate, a);
    }));
}
