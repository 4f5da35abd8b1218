// A small bpf.h user, relinked against sysbpf: built with
// `cc sample.c $(pkg-config --cflags --libs sysbpf)` (or statically) from a
// staged install. Creates and walks a hash map, loads an XDP program, runs it,
// and finds it by id. Prints one fact a line; exits non-zero on any error.
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf_version.h>

#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

// The header came from sysbpf's staged install, not Debian's libbpf 1.1.
_Static_assert(LIBBPF_MAJOR_VERSION == 1 && LIBBPF_MINOR_VERSION == 7, "compiled against sysbpf's bpf.h");

static int fail(const char *what)
{
    fprintf(stderr, "sample: %s: %s\n", what, strerror(errno));
    return 1;
}

int main(void)
{
    LIBBPF_OPTS(bpf_map_create_opts, mopts, .map_flags = BPF_F_NO_PREALLOC);
    int map = bpf_map_create(BPF_MAP_TYPE_HASH, "relinked", sizeof(__u32), sizeof(__u64), 8, &mopts);
    if (map < 0)
        return fail("bpf_map_create");
    for (__u32 k = 1; k <= 3; k++) {
        __u64 v = k * 100;
        if (bpf_map_update_elem(map, &k, &v, BPF_NOEXIST))
            return fail("bpf_map_update_elem");
    }
    __u32 k2 = 2;
    if (bpf_map_delete_elem(map, &k2))
        return fail("bpf_map_delete_elem");
    __u64 sum = 0;
    __u32 key, next, *prev = NULL;
    int n = 0;
    while (bpf_map_get_next_key(map, prev, &next) == 0) {
        __u64 v;
        if (bpf_map_lookup_elem(map, &next, &v))
            return fail("bpf_map_lookup_elem");
        sum += v;
        n++;
        key = next;
        prev = &key;
    }
    printf("map: %d entries, sum %llu\n", n, (unsigned long long)sum);

    struct bpf_map_info minfo;
    __u32 mlen = sizeof(minfo);
    memset(&minfo, 0, sizeof(minfo));
    if (bpf_map_get_info_by_fd(map, &minfo, &mlen))
        return fail("bpf_map_get_info_by_fd");
    printf("map info: %s type %u flags %#x\n", minfo.name, minfo.type, minfo.map_flags);

    struct bpf_insn prog[] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS},
        {.code = BPF_JMP | BPF_EXIT},
    };
    int pfd = bpf_prog_load(BPF_PROG_TYPE_XDP, "relinked_xdp", "GPL", prog, 2, NULL);
    if (pfd < 0)
        return fail("bpf_prog_load");
    unsigned char pkt[64] = {0};
    LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkt, .data_size_in = sizeof(pkt), .repeat = 4);
    if (bpf_prog_test_run_opts(pfd, &topts))
        return fail("bpf_prog_test_run_opts");
    printf("test run: retval %u\n", topts.retval);

    struct bpf_prog_info pinfo;
    __u32 plen = sizeof(pinfo);
    memset(&pinfo, 0, sizeof(pinfo));
    if (bpf_prog_get_info_by_fd(pfd, &pinfo, &plen))
        return fail("bpf_prog_get_info_by_fd");
    __u32 id = 0;
    int found = 0;
    while (!found && bpf_prog_get_next_id(id, &id) == 0) {
        int fd = bpf_prog_get_fd_by_id(id);
        if (fd >= 0) {
            found = id == pinfo.id;
            close(fd);
        }
    }
    printf("program %s found by id: %s\n", pinfo.name, found ? "yes" : "no");
    close(pfd);
    close(map);
    return found ? 0 : 1;
}
