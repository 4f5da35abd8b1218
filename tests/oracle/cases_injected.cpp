// Kernel answers injected by the tracer (the call never reaches the kernel)
// to drive the libraries' retries and fallbacks: EAGAIN, E2BIG, EPERM,
// EINVAL, EINTR, ENOSPC, once, twice and more often than any retry.
#include "driver.hpp"

#include <cstdio>

namespace oracle {

namespace {

const char kGpl[] = "GPL";
char g_log[1024];
const char g_path[] = "/tmp/bpffs/injected";
const char g_tp[] = "sys_enter";

struct Call {
    const char *name;
    long (*run)();
};

long map_create_named()
{
    return bpf_map_create(BPF_MAP_TYPE_ARRAY, "inj_map", 4, 8, 1, nullptr);
}
long map_create_unnamed()
{
    return bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 8, 1, nullptr);
}
long prog_load_named()
{
    return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "inj_prog", kGpl, kRet0, 2, nullptr);
}
long prog_load_one_attempt()
{
    LIBBPF_OPTS(bpf_prog_load_opts, o, .attempts = 1);
    return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, nullptr, kGpl, kRet0, 2, &o);
}
long prog_load_log0()
{
    std::memset(g_log, 0, sizeof g_log);
    LIBBPF_OPTS(bpf_prog_load_opts, o, .log_size = sizeof g_log, .log_buf = g_log);
    long r = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, nullptr, kGpl, kRet0, 2, &o);
    emit("log_true_size=%u", o.log_true_size);
    return r;
}
long btf_load_log()
{
    std::memset(g_log, 0, sizeof g_log);
    LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = g_log, .log_level = 1, .log_size = sizeof g_log);
    long r = bpf_btf_load(kBtfBlob, kBtfBlobSize, &o);
    emit("log_true_size=%u", o.log_true_size);
    return r;
}
long link_create_raw_tp()
{
    return bpf_link_create(fx.prog, 0, BPF_TRACE_RAW_TP, nullptr);
}
long link_create_fentry()
{
    return bpf_link_create(fx.prog, 0, BPF_TRACE_FENTRY, nullptr);
}
long link_create_cgroup()
{
    return bpf_link_create(fx.cgskb_prog, fx.cgroup, BPF_CGROUP_INET_INGRESS, nullptr);
}
long raw_tp_open()
{
    return bpf_raw_tracepoint_open(g_tp, fx.prog);
}
long map_update()
{
    uint32_t k = 0;
    uint64_t v = 1;
    return bpf_map_update_elem(fx.array_map, &k, &v, 0);
}
long map_lookup()
{
    uint32_t k = 0;
    uint64_t v = 0;
    long r = bpf_map_lookup_elem(fx.array_map, &k, &v);
    emit("value=%llu", (unsigned long long)v);
    return r;
}
long get_fd_by_id()
{
    return bpf_map_get_fd_by_id(fx.map_id);
}
long obj_get()
{
    return bpf_obj_get(g_path);
}
long next_id()
{
    uint32_t next = 0xabab;
    long r = bpf_map_get_next_id(0, &next);
    emit("next %s", next == 0xabab ? "untouched" : "set");
    return r;
}
long info()
{
    bpf_map_info mi{};
    uint32_t len = sizeof mi;
    long r = bpf_map_get_info_by_fd(fx.array_map, &mi, &len);
    emit("len=%u type=%u", len, mi.type);
    return r;
}
long query()
{
    LIBBPF_OPTS(bpf_prog_query_opts, o, .count = 0);
    long r = bpf_prog_query_opts(fx.cgroup, BPF_CGROUP_INET_INGRESS, &o);
    emit("count=%u", o.count);
    return r;
}
long token()
{
    return bpf_token_create(fx.bpffs, nullptr);
}
long test_run()
{
    LIBBPF_OPTS(bpf_test_run_opts, o, .retval = 9);
    long r = bpf_prog_test_run_opts(fx.prog, &o);
    emit("retval=%u", o.retval);
    return r;
}
long iter_create()
{
    return bpf_iter_create(fx.prog);
}
long batch()
{
    uint32_t keys[2] = {0, 1}, count = 2;
    uint64_t values[2] = {5, 6};
    long r = bpf_map_update_batch(fx.array_map, keys, values, &count, nullptr);
    emit("count=%u", count);
    return r;
}

const Call kCalls[] = {
    {"map_create_named", map_create_named},
    {"map_create_unnamed", map_create_unnamed},
    {"prog_load_named", prog_load_named},
    {"prog_load_one_attempt", prog_load_one_attempt},
    {"prog_load_log0", prog_load_log0},
    {"btf_load_log", btf_load_log},
    {"link_create_raw_tp", link_create_raw_tp},
    {"link_create_fentry", link_create_fentry},
    {"link_create_cgroup", link_create_cgroup},
    {"raw_tracepoint_open", raw_tp_open},
    {"map_update", map_update},
    {"map_lookup", map_lookup},
    {"map_get_fd_by_id", get_fd_by_id},
    {"obj_get", obj_get},
    {"map_get_next_id", next_id},
    {"map_get_info_by_fd", info},
    {"prog_query_opts", query},
    {"token_create", token},
    {"prog_test_run_opts", test_run},
    {"iter_create", iter_create},
    {"map_update_batch", batch},
};

} // namespace

namespace {

const int kErrs[] = {EAGAIN, E2BIG, EPERM, EINVAL, EINTR, ENOSPC, EFAULT};
const int kTimes[] = {1, 2, 5, 6};
const int kRetryErrs[] = {EAGAIN, E2BIG, EPERM, EINVAL};
constexpr int kCallCount = sizeof kCalls / sizeof kCalls[0];
constexpr int kPlain = kCallCount * 7 * 4;

void reg_all()
{
    reg("license", kGpl, sizeof kGpl);
    reg("insns", kRet0, sizeof kRet0);
    reg("log", g_log, sizeof g_log);
    reg("btf", kBtfBlob, kBtfBlobSize);
    reg("path", g_path, sizeof g_path);
    reg("tp", g_tp, sizeof g_tp);
}

} // namespace

int injected_case_count()
{
    return kPlain + kCallCount * 4;
}

// Each case runs in a process of its own: a retry that teaches a library
// something about the kernel (names refused, say) must not carry over.
void injected_case(int i)
{
    // A named create first, so libbpf's one-time probes are behind us.
    begin("setup: warm-up for injected case %d", i);
    reg_all();
    drop(ORACLE_CALL(map_create_named()));
    drop(ORACLE_CALL(prog_load_named()));
    bpf_obj_pin(fx.array_map, g_path);
    if (i < kPlain) {
        const Call &c = kCalls[i / 28];
        const int e = kErrs[i / 4 % 7];
        const int times = kTimes[i % 4];
        begin("injected %s -%d x%d", c.name, e, times);
        reg_all();
        switch (times) {
        case 1: inject({e}); break;
        case 2: inject({e, e}); break;
        case 5: inject({e, e, e, e, e}); break;
        default: inject({e, e, e, e, e, e, e, e}); break;
        }
        drop(ORACLE_CALL(c.run()));
        text("log", g_log, sizeof g_log);
    } else {
        // The first answer passes, the next ones (a retry's) are injected.
        const int j = i - kPlain;
        const Call &c = kCalls[j / 4];
        const int e = kRetryErrs[j % 4];
        begin("injected %s pass then -%d", c.name, e);
        reg_all();
        inject({0, e, e});
        drop(ORACLE_CALL(c.run()));
    }
    inject({});
}

} // namespace oracle
