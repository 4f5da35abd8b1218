// The bpf.h operations the benchmark measures, as a table of function
// pointers, so that libbpf, sysbpf and a raw syscall() path are called the
// same way.
#pragma once

#include <linux/bpf.h>

#include <cstddef>

struct bpf_map_batch_opts;
struct bpf_test_run_opts;
struct bpf_prog_load_opts;
struct bpf_map_create_opts;

struct ApiTable {
    const char *name;
    int (*map_create)(enum bpf_map_type, const char *, __u32, __u32, __u32,
                      const bpf_map_create_opts *);
    int (*map_lookup_elem)(int, const void *, void *);
    int (*map_update_elem)(int, const void *, const void *, __u64);
    int (*map_delete_elem)(int, const void *);
    int (*map_get_next_key)(int, const void *, void *);
    int (*map_lookup_batch)(int, void *, void *, void *, void *, __u32 *,
                            const bpf_map_batch_opts *);
    int (*map_update_batch)(int, const void *, const void *, __u32 *, const bpf_map_batch_opts *);
    int (*obj_get_info_by_fd)(int, void *, __u32 *);
    int (*prog_test_run_opts)(int, bpf_test_run_opts *);
    int (*prog_load)(enum bpf_prog_type, const char *, const char *, const bpf_insn *, size_t,
                     bpf_prog_load_opts *);
};

// Loads a library with RTLD_LOCAL | RTLD_DEEPBIND and resolves the table;
// exits with a message if anything is missing.
ApiTable load_library_table(const char *label, const char *path);

// The same operations written directly on syscall(__NR_bpf, ...), as a
// hand-written caller would: the physical floor.
ApiTable raw_syscall_table();
