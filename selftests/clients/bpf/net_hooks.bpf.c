// Programs that iproute2 and xdp-tools attach to a veth in the client
// scenarios: an XDP program and a tc (clsact) classifier, each counting what
// it sees in a map.
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} hook_hits SEC(".maps");

static __always_inline void hit(__u32 slot)
{
    __u64 *v = bpf_map_lookup_elem(&hook_hits, &slot);
    if (v)
        __sync_fetch_and_add(v, 1);
}

SEC("xdp")
int xdp_hook(struct xdp_md *ctx)
{
    hit(0);
    return XDP_PASS;
}

SEC("tc")
int tc_hook(struct __sk_buff *skb)
{
    hit(1);
    return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
