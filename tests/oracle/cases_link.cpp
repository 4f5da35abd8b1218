// bpf_link_create with every opts member under every attach type that reads
// one, bpf_link_update, bpf_link_detach, bpf_iter_create and the raw
// tracepoint calls.
#include "driver.hpp"

#include <cstdio>

#include <unistd.h>

namespace oracle {

namespace {

struct AttachType {
    const char *name;
    bpf_attach_type type;
};

const AttachType kTypes[] = {
    {"trace_iter", BPF_TRACE_ITER},
    {"perf_event", BPF_PERF_EVENT},
    {"kprobe_multi", BPF_TRACE_KPROBE_MULTI},
    {"kprobe_session", BPF_TRACE_KPROBE_SESSION},
    {"uprobe_multi", BPF_TRACE_UPROBE_MULTI},
    {"uprobe_session", BPF_TRACE_UPROBE_SESSION},
    {"raw_tp", BPF_TRACE_RAW_TP},
    {"fentry", BPF_TRACE_FENTRY},
    {"fexit", BPF_TRACE_FEXIT},
    {"fmod_ret", BPF_MODIFY_RETURN},
    {"lsm", BPF_LSM_MAC},
    {"netfilter", BPF_NETFILTER},
    {"tcx_ingress", BPF_TCX_INGRESS},
    {"tcx_egress", BPF_TCX_EGRESS},
    {"netkit_primary", BPF_NETKIT_PRIMARY},
    {"netkit_peer", BPF_NETKIT_PEER},
    {"cgroup_inet_ingress", BPF_CGROUP_INET_INGRESS},
    {"cgroup_inet_egress", BPF_CGROUP_INET_EGRESS},
    {"cgroup_sock_ops", BPF_CGROUP_SOCK_OPS},
    {"cgroup_device", BPF_CGROUP_DEVICE},
    {"xdp", BPF_XDP},
    {"sk_lookup", BPF_SK_LOOKUP},
    {"flow_dissector", BPF_FLOW_DISSECTOR},
    {"struct_ops", BPF_STRUCT_OPS},
    {"bad_type", static_cast<bpf_attach_type>(999)},
};

enum Member {
    None, Flags, Iter, IterAndBtf, TargetBtf, TargetBtfAndFlags, PerfEvent, KprobeMulti, UprobeMulti, Tracing,
    Netfilter, RelFd, RelId, RelBoth, Revision, Members
};
const char *const kMemberNames[] = {"none", "flags", "iter", "iter+btf_id", "target_btf_id", "target_btf_id+flags",
                                    "perf_event", "kprobe_multi", "uprobe_multi", "tracing", "netfilter",
                                    "relative_fd", "relative_id", "relative_fd+id", "revision"};

union bpf_iter_link_info g_iter_info;
const char g_sym_a[] = "sym_a", g_sym_b[] = "sym_b";
const char *g_syms[2] = {g_sym_a, g_sym_b};
unsigned long g_addrs[2] = {0x1000, 0x2000};
__u64 g_cookies[2] = {7, 8};
const char g_path[] = "/proc/self/exe";
unsigned long g_offsets[2] = {0x10, 0x20};
unsigned long g_ref_ctr[2] = {0, 0};

void fill(bpf_link_create_opts *o, Member m, bpf_attach_type t)
{
    switch (m) {
    case None:
        break;
    case Flags:
        o->flags = 0x4;
        break;
    case Iter:
        g_iter_info.map.map_fd = static_cast<uint32_t>(fx.array_map);
        o->iter_info = &g_iter_info;
        o->iter_info_len = sizeof g_iter_info;
        break;
    case IterAndBtf:
        o->iter_info = &g_iter_info;
        o->iter_info_len = sizeof g_iter_info;
        o->target_btf_id = 3;
        break;
    case TargetBtf:
        o->target_btf_id = 3;
        break;
    case TargetBtfAndFlags:
        o->target_btf_id = 3;
        o->perf_event.bpf_cookie = 1; // a union member past target_btf_id
        break;
    case PerfEvent:
        o->perf_event.bpf_cookie = 0x1234567890ull;
        break;
    case KprobeMulti:
        o->kprobe_multi.flags = 1;
        o->kprobe_multi.cnt = 2;
        o->kprobe_multi.syms = g_syms;
        o->kprobe_multi.addrs = g_addrs;
        o->kprobe_multi.cookies = g_cookies;
        break;
    case UprobeMulti:
        o->uprobe_multi.flags = 1;
        o->uprobe_multi.cnt = 2;
        o->uprobe_multi.path = g_path;
        o->uprobe_multi.offsets = g_offsets;
        o->uprobe_multi.ref_ctr_offsets = g_ref_ctr;
        o->uprobe_multi.cookies = g_cookies;
        o->uprobe_multi.pid = 1;
        break;
    case Tracing:
        o->tracing.cookie = 0xc00c1e;
        break;
    case Netfilter:
        o->netfilter.pf = 2;
        o->netfilter.hooknum = 1;
        o->netfilter.priority = -100;
        o->netfilter.flags = 1;
        break;
    case RelFd:
    case RelId:
    case RelBoth:
    case Revision: {
        // tcx, netkit and cgroup share one layout.
        const uint32_t rfd = m == RelFd || m == RelBoth ? static_cast<uint32_t>(fx.cgskb_prog) : 0;
        // No such id: a kernel id would differ between the two runs.
        const uint32_t rid = m == RelId || m == RelBoth ? 0x7fff0001u : 0;
        const uint64_t rev = m == Revision ? 5 : 0;
        o->cgroup.relative_fd = rfd;
        o->cgroup.relative_id = rid;
        o->cgroup.expected_revision = rev;
        break;
    }
    case Members:
        break;
    }
    (void)t;
}

int prog_for(bpf_attach_type t)
{
    switch (t) {
    case BPF_CGROUP_INET_INGRESS:
    case BPF_CGROUP_INET_EGRESS:
        return fx.cgskb_prog;
    case BPF_XDP:
        return fx.xdp_prog;
    default:
        return fx.prog;
    }
}

void reg_members()
{
    reg("iter_info", &g_iter_info, sizeof g_iter_info);
    reg("syms", g_syms, sizeof g_syms);
    reg("sym_a", g_sym_a, sizeof g_sym_a);
    reg("sym_b", g_sym_b, sizeof g_sym_b);
    reg("addrs", g_addrs, sizeof g_addrs);
    reg("cookies", g_cookies, sizeof g_cookies);
    reg("path", g_path, sizeof g_path);
    reg("offsets", g_offsets, sizeof g_offsets);
    reg("ref_ctr", g_ref_ctr, sizeof g_ref_ctr);
}

} // namespace

void cases_link()
{
    struct Target {
        const char *name;
        int fd;
    } targets[] = {{"0", 0}, {"cgroup", fx.cgroup}, {"lo", 1}};
    for (const AttachType &t : kTypes)
        for (int m = None; m < Members; m++)
            for (const Target &tg : targets) {
                if (tg.fd == 1 && t.type != BPF_XDP && t.type != BPF_TCX_INGRESS && t.type != BPF_TCX_EGRESS)
                    continue;
                OptsBuf ob;
                ob.clear();
                auto *o = ob.as<bpf_link_create_opts>();
                o->sz = sizeof *o;
                fill(o, static_cast<Member>(m), t.type);
                begin("link_create %s %s target=%s", t.name, kMemberNames[m], tg.name);
                reg_members();
                long fd = ORACLE_CALL(bpf_link_create(prog_for(t.type), tg.fd, t.type, o));
                drop(fd);
            }
    for (const Shape &s : shapes({64, 76, 80}, sizeof(bpf_link_create_opts)))
        for (Member m : {None, Flags, PerfEvent, UprobeMulti, RelId, Revision, TargetBtf})
            for (bpf_attach_type t : {BPF_CGROUP_INET_INGRESS, BPF_TRACE_UPROBE_MULTI, BPF_PERF_EVENT, BPF_XDP}) {
                OptsBuf ob;
                ob.clear();
                fill(ob.as<bpf_link_create_opts>(), m, t);
                begin("link_create opts %s %s type=%d", s.name, kMemberNames[m], t);
                reg_members();
                auto *p = ob.apply<bpf_link_create_opts>(s);
                long fd = ORACLE_CALL(bpf_link_create(prog_for(t), t == BPF_XDP ? 1 : fx.cgroup, t, p));
                ob.show(s, sizeof(bpf_link_create_opts));
                drop(fd);
            }

    // A live cgroup link: update, info, detach.
    begin("link_create cgroup live");
    long link = ORACLE_CALL(bpf_link_create(fx.cgskb_prog, fx.cgroup, BPF_CGROUP_INET_EGRESS, nullptr));
    bpf_attr a{};
    const char gpl[] = "GPL";
    bpf_insn insns[2] = {{BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1}, {BPF_JMP | BPF_EXIT, 0, 0, 0, 0}};
    a.prog_type = BPF_PROG_TYPE_CGROUP_SKB;
    a.insns = reinterpret_cast<uintptr_t>(insns);
    a.insn_cnt = 2;
    a.license = reinterpret_cast<uintptr_t>(gpl);
    a.expected_attach_type = BPF_CGROUP_INET_EGRESS;
    int other = static_cast<int>(raw_bpf(BPF_PROG_LOAD, &a, sizeof a));
    for (const Shape &s : shapes({16, 20, 24}, sizeof(bpf_link_update_opts)))
        for (int f = 0; f < 5; f++) {
            OptsBuf ob;
            ob.clear();
            auto *o = ob.as<bpf_link_update_opts>();
            if (f == 1 || f == 4)
                o->flags = BPF_F_REPLACE;
            if (f == 1 || f == 2)
                o->old_prog_fd = static_cast<uint32_t>(fx.cgskb_prog);
            if (f == 3 || f == 4)
                o->old_map_fd = static_cast<uint32_t>(fx.array_map);
            for (int new_prog : {other, fx.cgskb_prog, fx.prog}) {
                begin("link_update %s fill=%d new=%s", s.name, f,
                      new_prog == other ? "other" : new_prog == fx.prog ? "wrong_type" : "same");
                auto *p = ob.apply<bpf_link_update_opts>(s);
                ORACLE_CALL(bpf_link_update(static_cast<int>(link), new_prog, p));
                ob.show(s, sizeof(bpf_link_update_opts));
            }
        }
    for (int fd : {static_cast<int>(link), fx.prog, -1}) {
        bpf_link_info li{};
        uint32_t len = sizeof li;
        begin("link_get_info_by_fd %s", fd == link ? "link" : fd == -1 ? "bad" : "prog");
        reg("info", &li, sizeof li);
        reg("len", &len, sizeof len);
        ORACLE_CALL(bpf_link_get_info_by_fd(fd, &li, &len));
        li.id = id_ordinal(IdKind::Link, li.id);
        li.prog_id = id_ordinal(IdKind::Prog, li.prog_id);
        li.cgroup.cgroup_id = li.cgroup.cgroup_id ? 1 : 0;
        emit("len=%u", len);
        if (fd == link)
            dump("info", &li, sizeof li);
        begin("iter_create %s", fd == link ? "cgroup_link" : fd == -1 ? "bad" : "prog");
        drop(ORACLE_CALL(bpf_iter_create(fd)));
        begin("link_detach %s", fd == link ? "link" : fd == -1 ? "bad" : "prog");
        ORACLE_CALL(bpf_link_detach(fd));
        begin("link_detach again %s", fd == link ? "link" : fd == -1 ? "bad" : "prog");
        ORACLE_CALL(bpf_link_detach(fd));
    }
    drop(link);
    drop(other);

    // Raw tracepoints: real names, no name, a name that does not exist.
    const char *tps[] = {"sys_enter", "sched_switch", "no_such_tracepoint", nullptr, ""};
    for (const char *tp : tps)
        for (int fd : {fx.prog, -1}) {
            begin("raw_tracepoint_open %s prog=%s", tp ? tp : "NULL", fd < 0 ? "bad" : "socket_filter");
            if (tp)
                reg("tp", tp, std::strlen(tp) + 1);
            drop(ORACLE_CALL(bpf_raw_tracepoint_open(tp, fd)));
        }
    for (const Shape &s : shapes({24}, sizeof(bpf_raw_tp_opts)))
        for (int f = 0; f < 3; f++) {
            static const char tp[] = "sys_enter";
            OptsBuf ob;
            ob.clear();
            if (f >= 1)
                ob.as<bpf_raw_tp_opts>()->tp_name = tp;
            if (f == 2)
                ob.as<bpf_raw_tp_opts>()->cookie = 0x77;
            begin("raw_tracepoint_open_opts %s fill=%d", s.name, f);
            reg("tp", tp, sizeof tp);
            auto *p = ob.apply<bpf_raw_tp_opts>(s);
            drop(ORACLE_CALL(bpf_raw_tracepoint_open_opts(fx.prog, p)));
            ob.show(s, sizeof(bpf_raw_tp_opts));
        }
}

} // namespace oracle
