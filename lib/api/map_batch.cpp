// Batch map operations: lookup, lookup-and-delete, update, delete.
#include "export.hpp"
#include "trace/trace.hpp"
#include "opts.hpp"
#include "sys/result.hpp"
#include "sys/syscall.hpp"

using namespace sysbpf;
using kernel::Cmd;

namespace {

// The kernel reports how many elements it processed in attr.count, also when
// it fails part-way (ENOENT at the end of a lookup, EFAULT mid-copy), so
// *count is written back whatever the answer, as libbpf does. Invalid opts
// return before *count is read or written.
[[gnu::always_inline]] inline int batch_op(Cmd cmd, int fd, const void *in_batch, void *out_batch,
                                           const void *keys, const void *values, __u32 *count,
                                           const struct bpf_map_batch_opts *opts) noexcept
{
    return with_opts(
        opts,
        [](auto o, Cmd cmd, int fd, const void *in_batch, void *out_batch, const void *keys,
           const void *values, __u32 *count) noexcept {
            kernel::MapBatchAttr a{};
            a.map_fd = static_cast<kernel::u32>(fd);
            a.in_batch = kernel::ptr(in_batch);
            a.out_batch = kernel::ptr(out_batch);
            a.keys = kernel::ptr(keys);
            a.values = kernel::ptr(values);
            a.count = *count;
            a.elem_flags = SYSBPF_OPT(o, elem_flags, 0);
            a.flags = SYSBPF_OPT(o, flags, 0);

            long r = sys::call_final(cmd, a);
            *count = a.count;
            return sys::c_return(r);
        },
        cmd, fd, in_batch, out_batch, keys, values, count);
}

} // namespace

SYSBPF_EXPORT int bpf_map_delete_batch(int fd, const void *keys, __u32 *count,
                                       const struct bpf_map_batch_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_map_delete_batch, fd, keys, count, opts);
    return batch_op(Cmd::MapDeleteBatch, fd, nullptr, nullptr, keys, nullptr, count, opts);
}

SYSBPF_EXPORT int bpf_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys,
                                       void *values, __u32 *count,
                                       const struct bpf_map_batch_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_map_lookup_batch, fd, in_batch, out_batch, keys, values, count, opts);
    return batch_op(Cmd::MapLookupBatch, fd, in_batch, out_batch, keys, values, count, opts);
}

SYSBPF_EXPORT int bpf_map_lookup_and_delete_batch(int fd, void *in_batch, void *out_batch,
                                                  void *keys, void *values, __u32 *count,
                                                  const struct bpf_map_batch_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_map_lookup_and_delete_batch, fd, in_batch, out_batch, keys, values, count, opts);
    return batch_op(Cmd::MapLookupAndDeleteBatch, fd, in_batch, out_batch, keys, values, count,
                    opts);
}

SYSBPF_EXPORT int bpf_map_update_batch(int fd, const void *keys, const void *values,
                                       __u32 *count, const struct bpf_map_batch_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_map_update_batch, fd, keys, values, count, opts);
    return batch_op(Cmd::MapUpdateBatch, fd, nullptr, nullptr, keys, values, count, opts);
}
