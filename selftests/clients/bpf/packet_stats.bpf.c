// The BPF object libbpf's loader opens in the libbpf client scenario: maps of
// several kinds, global data in .rodata/.data/.bss, and one XDP program that
// bpf_prog_test_run_opts runs on synthetic packets.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

// Packets seen, and slot 1 written from user space; pinned by name so a second
// load of this object reuses it.
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
    __uint(pinning, LIBBPF_PIN_BY_NAME);
} counters SEC(".maps");

// Packet length -> packets of that length.
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 64);
    __type(key, __u32);
    __type(value, __u64);
} lengths SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} percpu_runs SEC(".maps");

// Lengths in arrival order.
struct {
    __uint(type, BPF_MAP_TYPE_QUEUE);
    __uint(max_entries, 16);
    __type(value, __u32);
} arrivals SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} events SEC(".maps");

const volatile __u32 weight = 1; // .rodata: the loader sets it before loading
__u32 last_len = 7;              // .data
__u64 runs;                      // .bss
__u64 weighted_bytes;            // .bss

SEC("xdp")
int count_packet(struct xdp_md *ctx)
{
    __u32 len = ctx->data_end - ctx->data;
    __u32 zero = 0;
    __u64 one = 1;

    __u64 *c = bpf_map_lookup_elem(&counters, &zero);
    if (c)
        __sync_fetch_and_add(c, 1);
    __u64 *n = bpf_map_lookup_elem(&lengths, &len);
    if (n)
        __sync_fetch_and_add(n, 1);
    else
        bpf_map_update_elem(&lengths, &len, &one, BPF_NOEXIST);
    __u64 *p = bpf_map_lookup_elem(&percpu_runs, &zero);
    if (p)
        *p += 1;
    bpf_map_push_elem(&arrivals, &len, 0);
    bpf_ringbuf_output(&events, &len, sizeof(len), 0);

    runs++;
    weighted_bytes += (__u64)len * weight;
    last_len = len;
    return len > 100 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
