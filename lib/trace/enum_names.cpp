#include "trace/enum_names.hpp"

namespace sysbpf::trace {
namespace {

// Indexed by value, without the common prefix; as of Linux 6.18.
constexpr const char *kMapTypes[] = {
    "UNSPEC", "HASH", "ARRAY", "PROG_ARRAY", "PERF_EVENT_ARRAY", "PERCPU_HASH", "PERCPU_ARRAY",
    "STACK_TRACE", "CGROUP_ARRAY", "LRU_HASH", "LRU_PERCPU_HASH", "LPM_TRIE", "ARRAY_OF_MAPS",
    "HASH_OF_MAPS", "DEVMAP", "SOCKMAP", "CPUMAP", "XSKMAP", "SOCKHASH", "CGROUP_STORAGE",
    "REUSEPORT_SOCKARRAY", "PERCPU_CGROUP_STORAGE", "QUEUE", "STACK", "SK_STORAGE", "DEVMAP_HASH",
    "STRUCT_OPS", "RINGBUF", "INODE_STORAGE", "TASK_STORAGE", "BLOOM_FILTER", "USER_RINGBUF",
    "CGRP_STORAGE", "ARENA", "INSN_ARRAY",
};

constexpr const char *kProgTypes[] = {
    "UNSPEC", "SOCKET_FILTER", "KPROBE", "SCHED_CLS", "SCHED_ACT", "TRACEPOINT", "XDP", "PERF_EVENT",
    "CGROUP_SKB", "CGROUP_SOCK", "LWT_IN", "LWT_OUT", "LWT_XMIT", "SOCK_OPS", "SK_SKB", "CGROUP_DEVICE",
    "SK_MSG", "RAW_TRACEPOINT", "CGROUP_SOCK_ADDR", "LWT_SEG6LOCAL", "LIRC_MODE2", "SK_REUSEPORT",
    "FLOW_DISSECTOR", "CGROUP_SYSCTL", "RAW_TRACEPOINT_WRITABLE", "CGROUP_SOCKOPT", "TRACING",
    "STRUCT_OPS", "EXT", "LSM", "SK_LOOKUP", "SYSCALL", "NETFILTER",
};

constexpr const char *kAttachTypes[] = {
    "CGROUP_INET_INGRESS", "CGROUP_INET_EGRESS", "CGROUP_INET_SOCK_CREATE", "CGROUP_SOCK_OPS",
    "SK_SKB_STREAM_PARSER", "SK_SKB_STREAM_VERDICT", "CGROUP_DEVICE", "SK_MSG_VERDICT",
    "CGROUP_INET4_BIND", "CGROUP_INET6_BIND", "CGROUP_INET4_CONNECT", "CGROUP_INET6_CONNECT",
    "CGROUP_INET4_POST_BIND", "CGROUP_INET6_POST_BIND", "CGROUP_UDP4_SENDMSG", "CGROUP_UDP6_SENDMSG",
    "LIRC_MODE2", "FLOW_DISSECTOR", "CGROUP_SYSCTL", "CGROUP_UDP4_RECVMSG", "CGROUP_UDP6_RECVMSG",
    "CGROUP_GETSOCKOPT", "CGROUP_SETSOCKOPT", "TRACE_RAW_TP", "TRACE_FENTRY", "TRACE_FEXIT",
    "MODIFY_RETURN", "LSM_MAC", "TRACE_ITER", "CGROUP_INET4_GETPEERNAME", "CGROUP_INET6_GETPEERNAME",
    "CGROUP_INET4_GETSOCKNAME", "CGROUP_INET6_GETSOCKNAME", "XDP_DEVMAP", "CGROUP_INET_SOCK_RELEASE",
    "XDP_CPUMAP", "SK_LOOKUP", "XDP", "SK_SKB_VERDICT", "SK_REUSEPORT_SELECT",
    "SK_REUSEPORT_SELECT_OR_MIGRATE", "PERF_EVENT", "TRACE_KPROBE_MULTI", "LSM_CGROUP", "STRUCT_OPS",
    "NETFILTER", "TCX_INGRESS", "TCX_EGRESS", "TRACE_UPROBE_MULTI", "CGROUP_UNIX_CONNECT",
    "CGROUP_UNIX_SENDMSG", "CGROUP_UNIX_RECVMSG", "CGROUP_UNIX_GETPEERNAME", "CGROUP_UNIX_GETSOCKNAME",
    "NETKIT_PRIMARY", "NETKIT_PEER", "TRACE_KPROBE_SESSION", "TRACE_UPROBE_SESSION", "TRACE_FSESSION",
};

template <unsigned N>
const char *lookup(const char *const (&names)[N], long long v) noexcept
{
    return v >= 0 && v < static_cast<long long>(N) ? names[v] : nullptr;
}

} // namespace

const char *enum_prefix(EnumKind k) noexcept
{
    switch (k) {
    case EnumKind::MapType: return "BPF_MAP_TYPE_";
    case EnumKind::ProgType: return "BPF_PROG_TYPE_";
    case EnumKind::AttachType: return "BPF_";
    }
    return "";
}

const char *enum_name(EnumKind k, long long v) noexcept
{
    switch (k) {
    case EnumKind::MapType: return lookup(kMapTypes, v);
    case EnumKind::ProgType: return lookup(kProgTypes, v);
    case EnumKind::AttachType: return lookup(kAttachTypes, v);
    }
    return nullptr;
}

} // namespace sysbpf::trace
