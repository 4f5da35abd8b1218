// The floor: each operation as a minimal hand-written bpf(2) call, using the
// build host's <linux/bpf.h>.
#include "api_table.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

#define ATTR_SIZE(field) (offsetof(bpf_attr, field) + sizeof(((bpf_attr *)nullptr)->field))

__u64 p64(const void *p) { return reinterpret_cast<unsigned long>(p); }

int sys(int cmd, bpf_attr *a, unsigned size)
{
    long r = syscall(__NR_bpf, cmd, a, size);
    return r < 0 ? -errno : static_cast<int>(r);
}

int map_create(enum bpf_map_type t, const char *name, __u32 k, __u32 v, __u32 n,
               const bpf_map_create_opts *)
{
    bpf_attr a;
    std::memset(&a, 0, ATTR_SIZE(map_extra));
    a.map_type = t;
    a.key_size = k;
    a.value_size = v;
    a.max_entries = n;
    if (name)
        std::strncpy(a.map_name, name, sizeof(a.map_name) - 1);
    return sys(BPF_MAP_CREATE, &a, ATTR_SIZE(map_extra));
}

int elem(int cmd, int fd, const void *key, const void *value, __u64 flags)
{
    bpf_attr a;
    std::memset(&a, 0, ATTR_SIZE(flags));
    a.map_fd = fd;
    a.key = p64(key);
    a.value = p64(value);
    a.flags = flags;
    return sys(cmd, &a, ATTR_SIZE(flags));
}

int lookup(int fd, const void *key, void *value) { return elem(BPF_MAP_LOOKUP_ELEM, fd, key, value, 0); }
int update(int fd, const void *key, const void *value, __u64 flags)
{
    return elem(BPF_MAP_UPDATE_ELEM, fd, key, value, flags);
}
int del(int fd, const void *key) { return elem(BPF_MAP_DELETE_ELEM, fd, key, nullptr, 0); }

int next_key(int fd, const void *key, void *next)
{
    bpf_attr a;
    std::memset(&a, 0, ATTR_SIZE(next_key));
    a.map_fd = fd;
    a.key = p64(key);
    a.next_key = p64(next);
    return sys(BPF_MAP_GET_NEXT_KEY, &a, ATTR_SIZE(next_key));
}

int batch(int cmd, int fd, void *in, void *out, const void *keys, const void *values, __u32 *count)
{
    bpf_attr a;
    std::memset(&a, 0, ATTR_SIZE(batch));
    a.batch.map_fd = fd;
    a.batch.in_batch = p64(in);
    a.batch.out_batch = p64(out);
    a.batch.keys = p64(keys);
    a.batch.values = p64(values);
    a.batch.count = *count;
    int r = sys(cmd, &a, ATTR_SIZE(batch));
    *count = a.batch.count;
    return r;
}

int lookup_batch(int fd, void *in, void *out, void *keys, void *values, __u32 *count,
                 const bpf_map_batch_opts *)
{
    return batch(BPF_MAP_LOOKUP_BATCH, fd, in, out, keys, values, count);
}

int update_batch(int fd, const void *keys, const void *values, __u32 *count,
                 const bpf_map_batch_opts *)
{
    return batch(BPF_MAP_UPDATE_BATCH, fd, nullptr, nullptr, keys, values, count);
}

int get_info(int fd, void *info, __u32 *len)
{
    bpf_attr a;
    std::memset(&a, 0, ATTR_SIZE(info));
    a.info.bpf_fd = fd;
    a.info.info_len = *len;
    a.info.info = p64(info);
    int r = sys(BPF_OBJ_GET_INFO_BY_FD, &a, ATTR_SIZE(info));
    if (r == 0)
        *len = a.info.info_len;
    return r;
}

int test_run(int fd, bpf_test_run_opts *o)
{
    bpf_attr a;
    std::memset(&a, 0, ATTR_SIZE(test));
    a.test.prog_fd = fd;
    a.test.data_in = p64(o->data_in);
    a.test.data_size_in = o->data_size_in;
    a.test.data_out = p64(o->data_out);
    a.test.data_size_out = o->data_size_out;
    a.test.repeat = o->repeat;
    int r = sys(BPF_PROG_TEST_RUN, &a, ATTR_SIZE(test));
    // Every output the call reports, as libbpf writes them back: ctx_size_out
    // too (0 here, but a caller cannot know that without reading it).
    o->retval = a.test.retval;
    o->data_size_out = a.test.data_size_out;
    o->ctx_size_out = a.test.ctx_size_out;
    o->duration = a.test.duration;
    return r;
}

int prog_load(enum bpf_prog_type t, const char *name, const char *license, const bpf_insn *insns,
              size_t cnt, bpf_prog_load_opts *)
{
    bpf_attr a;
    std::memset(&a, 0, ATTR_SIZE(fd_array));
    a.prog_type = t;
    a.insns = p64(insns);
    a.insn_cnt = static_cast<__u32>(cnt);
    a.license = p64(license);
    if (name)
        std::strncpy(a.prog_name, name, sizeof(a.prog_name) - 1);
    return sys(BPF_PROG_LOAD, &a, ATTR_SIZE(fd_array));
}

} // namespace

ApiTable raw_syscall_table()
{
    return ApiTable{"raw", map_create, lookup, update, del, next_key, lookup_batch,
                    update_batch, get_info, test_run, prog_load};
}
