// A libbpf user of the ordinary kind, built against Debian's libbpf-dev and
// linked with -lbpf: opens and loads packet_stats.bpf.o with libbpf's object
// loader, runs its XDP program on synthetic packets, reads and updates every
// map, pins maps and the program, and re-opens them by path and by a second
// load of the object. Prints what it observed, one fact a line, so that runs
// with and without sysbpf can be compared; exits non-zero on any error.
//
// usage: libbpf_loader OBJECT PIN_DIR   (PIN_DIR on a bpffs)
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void die(const char *what, int err)
{
    fprintf(stderr, "libbpf_loader: %s: %s\n", what, strerror(err < 0 ? -err : err));
    exit(1);
}

static void check(int ret, const char *what)
{
    if (ret < 0)
        die(what, errno ? errno : -ret);
}

static struct bpf_map *map_named(struct bpf_object *obj, const char *suffix)
{
    struct bpf_map *m;
    size_t sl = strlen(suffix);
    bpf_object__for_each_map(m, obj) {
        const char *n = bpf_map__name(m);
        size_t nl = strlen(n);
        if (nl >= sl && strcmp(n + nl - sl, suffix) == 0)
            return m;
    }
    fprintf(stderr, "libbpf_loader: no map named *%s\n", suffix);
    exit(1);
}

static struct bpf_object *open_object(const char *path, const char *pin_dir)
{
    LIBBPF_OPTS(bpf_object_open_opts, o, .pin_root_path = pin_dir);
    struct bpf_object *obj = bpf_object__open_file(path, &o);
    if (!obj)
        die("bpf_object__open_file", errno);
    return obj;
}

static int run_packet(int prog_fd, unsigned len)
{
    unsigned char pkt[256] = {0};
    LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len, .repeat = 1);
    check(bpf_prog_test_run_opts(prog_fd, &o), "bpf_prog_test_run_opts");
    return (int)o.retval;
}

static unsigned long long array_get(int fd, unsigned key)
{
    unsigned long long v = 0;
    check(bpf_map_lookup_elem(fd, &key, &v), "lookup counters");
    return v;
}

static void print_lengths(int fd, const char *label)
{
    unsigned key, next, *prev = NULL;
    unsigned keys[64];
    int n = 0;
    while (bpf_map_get_next_key(fd, prev, &next) == 0 && n < 64) {
        keys[n++] = next;
        key = next;
        prev = &key;
    }
    if (errno != ENOENT)
        die("bpf_map_get_next_key", errno);
    for (int i = 0; i < n; i++) // sorted: hash order is not stable
        for (int j = i + 1; j < n; j++)
            if (keys[j] < keys[i]) {
                unsigned t = keys[i];
                keys[i] = keys[j];
                keys[j] = t;
            }
    printf("%s:", label);
    for (int i = 0; i < n; i++) {
        unsigned long long v;
        check(bpf_map_lookup_elem(fd, &keys[i], &v), "lookup lengths");
        printf(" %u=%llu", keys[i], v);
    }
    printf("\n");
}

static int on_event(void *ctx, void *data, size_t size)
{
    (void)ctx;
    if (size == sizeof(unsigned))
        printf(" %u", *(unsigned *)data);
    return 0;
}

static void pin_path(char *buf, size_t n, const char *dir, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s OBJECT PIN_DIR\n", argv[0]);
        return 2;
    }
    const char *obj_path = argv[1], *pin_dir = argv[2];
    char path[512];

    // First load: .rodata set before loading, then the program runs three times.
    struct bpf_object *obj = open_object(obj_path, pin_dir);
    struct bpf_map *rodata = map_named(obj, ".rodata");
    size_t ro_size = 0;
    unsigned *weight = (unsigned *)bpf_map__initial_value(rodata, &ro_size); // writable until load
    if (!weight || ro_size < sizeof(*weight))
        die("bpf_map__initial_value(.rodata)", EINVAL);
    *weight = 3;
    check(bpf_object__load(obj), "bpf_object__load");

    struct bpf_program *prog = bpf_object__find_program_by_name(obj, "count_packet");
    if (!prog)
        die("find count_packet", ENOENT);
    int prog_fd = bpf_program__fd(prog);
    int counters = bpf_map__fd(map_named(obj, "counters"));
    int lengths = bpf_map__fd(map_named(obj, "lengths"));
    int percpu = bpf_map__fd(map_named(obj, "percpu_runs"));
    int arrivals = bpf_map__fd(map_named(obj, "arrivals"));
    int bss = bpf_map__fd(map_named(obj, ".bss"));
    int data = bpf_map__fd(map_named(obj, ".data"));

    struct bpf_prog_info info;
    __u32 info_len = sizeof(info);
    memset(&info, 0, sizeof(info));
    check(bpf_obj_get_info_by_fd(prog_fd, &info, &info_len), "bpf_obj_get_info_by_fd");
    printf("program: %s type %u\n", info.name, info.type);

    int r1 = run_packet(prog_fd, 64), r2 = run_packet(prog_fd, 64), r3 = run_packet(prog_fd, 200);
    printf("retvals: %d %d %d\n", r1, r2, r3);

    printf("counters[0]: %llu\n", array_get(counters, 0));
    print_lengths(lengths, "lengths");

    int ncpu = libbpf_num_possible_cpus();
    if (ncpu <= 0)
        die("libbpf_num_possible_cpus", -ncpu);
    unsigned long long *per = calloc((size_t)ncpu, sizeof(*per)), sum = 0;
    unsigned zero = 0;
    check(bpf_map_lookup_elem(percpu, &zero, per), "lookup percpu_runs");
    for (int i = 0; i < ncpu; i++)
        sum += per[i];
    free(per);
    printf("percpu_runs total: %llu\n", sum);

    printf("arrivals:");
    unsigned len;
    while (bpf_map_lookup_and_delete_elem(arrivals, NULL, &len) == 0)
        printf(" %u", len);
    if (errno != ENOENT)
        die("bpf_map_lookup_and_delete_elem(queue)", errno);
    printf("\n");

    printf("events:");
    struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(map_named(obj, "events")), on_event, NULL, NULL);
    if (!rb)
        die("ring_buffer__new", errno);
    check(ring_buffer__consume(rb), "ring_buffer__consume");
    ring_buffer__free(rb);
    printf("\n");

    unsigned long long bss_val[2];
    check(bpf_map_lookup_elem(bss, &zero, bss_val), "lookup .bss");
    unsigned data_val;
    check(bpf_map_lookup_elem(data, &zero, &data_val), "lookup .data");
    printf("globals: runs=%llu weighted_bytes=%llu last_len=%u\n", bss_val[0], bss_val[1], data_val);

    // .rodata is frozen: user space may not write it.
    unsigned new_weight[1] = {9};
    int ro = bpf_map__fd(rodata);
    int ret = bpf_map_update_elem(ro, &zero, new_weight, 0);
    printf("update frozen .rodata: %s\n", ret < 0 ? strerrorname_np(errno) : "accepted");

    // User-space updates.
    unsigned long long v42 = 42;
    unsigned one = 1, len64 = 64;
    check(bpf_map_update_elem(counters, &one, &v42, BPF_ANY), "update counters[1]");
    check(bpf_map_delete_elem(lengths, &len64), "delete lengths[64]");
    ret = bpf_map_delete_elem(lengths, &len64);
    printf("delete missing key: %s\n", ret < 0 ? strerrorname_np(errno) : "accepted");

    // Pins: counters by the object's pinning attribute; lengths and the
    // program by hand.
    pin_path(path, sizeof(path), pin_dir, "counters");
    printf("counters pinned: %s\n", access(path, F_OK) == 0 ? "yes" : "no");
    pin_path(path, sizeof(path), pin_dir, "lengths");
    check(bpf_map__pin(map_named(obj, "lengths"), path), "bpf_map__pin");
    pin_path(path, sizeof(path), pin_dir, "count_packet");
    check(bpf_program__pin(prog, path), "bpf_program__pin");
    bpf_object__close(obj);

    // Re-open by path, with the object closed.
    pin_path(path, sizeof(path), pin_dir, "lengths");
    int lengths2 = bpf_obj_get(path);
    check(lengths2, "bpf_obj_get(lengths)");
    print_lengths(lengths2, "pinned lengths");
    close(lengths2);
    pin_path(path, sizeof(path), pin_dir, "count_packet");
    int prog2 = bpf_obj_get(path);
    check(prog2, "bpf_obj_get(count_packet)");
    printf("pinned program retval: %d\n", run_packet(prog2, 80));
    close(prog2);

    // Second load of the object: reuses the pinned counters map.
    obj = open_object(obj_path, pin_dir);
    check(bpf_object__load(obj), "second bpf_object__load");
    counters = bpf_map__fd(map_named(obj, "counters"));
    printf("reused counters: [0]=%llu [1]=%llu\n", array_get(counters, 0), array_get(counters, 1));
    check(bpf_map__unpin(map_named(obj, "counters"), NULL), "bpf_map__unpin");
    bpf_object__close(obj);
    pin_path(path, sizeof(path), pin_dir, "lengths");
    unlink(path);
    pin_path(path, sizeof(path), pin_dir, "count_packet");
    unlink(path);
    printf("done\n");
    return 0;
}
