// bpf_prog_attach, _opts, bpf_prog_detach, detach2, _opts, bpf_prog_query,
// bpf_prog_query_opts, on a cgroup of this run's own.
#include "driver.hpp"

#include <cstdio>

namespace oracle {

namespace {

void query_case(const char *what, int target, bpf_attach_type type)
{
    uint32_t ids[8] = {}, cnt = 8, attach_flags = 0xffff;
    begin("prog_query %s", what);
    reg("ids", ids, sizeof ids);
    reg("cnt", &cnt, sizeof cnt);
    reg("attach_flags", &attach_flags, sizeof attach_flags);
    ORACLE_CALL(bpf_prog_query(target, type, 0, &attach_flags, ids, &cnt));
    for (uint32_t &id : ids)
        id = id_ordinal(IdKind::Prog, id);
    emit("cnt=%u attach_flags=%u", cnt, attach_flags);
    dump("ids", ids, sizeof ids);
}

} // namespace

void cases_attach()
{
    const bpf_attach_type types[] = {BPF_CGROUP_INET_INGRESS, BPF_CGROUP_INET_EGRESS, BPF_CGROUP_SOCK_OPS};
    const uint32_t flag_sets[] = {0, BPF_F_ALLOW_OVERRIDE, BPF_F_ALLOW_MULTI, BPF_F_ALLOW_MULTI | BPF_F_REPLACE, 0x1000};
    for (bpf_attach_type t : types)
        for (uint32_t fl : flag_sets) {
            begin("prog_attach type=%d flags=%u", t, fl);
            ORACLE_CALL(bpf_prog_attach(fx.cgskb_prog, fx.cgroup, t, fl));
            query_case("after attach", fx.cgroup, t);
            begin("prog_detach2 type=%d flags=%u", t, fl);
            ORACLE_CALL(bpf_prog_detach2(fx.cgskb_prog, fx.cgroup, t));
            begin("prog_detach type=%d flags=%u", t, fl);
            ORACLE_CALL(bpf_prog_detach(fx.cgroup, t));
        }
    begin("prog_attach bad fds");
    ORACLE_CALL(bpf_prog_attach(-1, -1, BPF_CGROUP_INET_INGRESS, 0));
    begin("prog_attach socket filter");
    ORACLE_CALL(bpf_prog_attach(fx.prog, fx.cgroup, BPF_CGROUP_INET_INGRESS, 0));

    enum Fill { Zero, Flags, Replace, RelFd, RelId, RelBoth, Revision, Fills };
    const char *fill_names[] = {"zero", "flags", "replace", "relative_fd", "relative_id", "relative_fd+id", "revision"};
    for (const Shape &s : shapes({16, 32}, sizeof(struct bpf_prog_attach_opts)))
        for (int f = Zero; f < Fills; f++) {
            OptsBuf ob;
            ob.clear();
            auto *o = ob.as<struct bpf_prog_attach_opts>();
            if (f == Flags || f == Replace)
                o->flags = BPF_F_ALLOW_MULTI;
            if (f == Replace) {
                o->flags |= BPF_F_REPLACE;
                o->replace_fd = fx.cgskb_prog;
            }
            if (f == RelFd || f == RelBoth)
                o->relative_fd = fx.cgskb_prog;
            if (f == RelId || f == RelBoth)
                o->relative_id = 0x7fff0002u;
            if (f == Revision)
                o->expected_revision = 1;
            begin("prog_attach_opts %s fill=%s", s.name, fill_names[f]);
            auto *p = ob.apply<struct bpf_prog_attach_opts>(s);
            ORACLE_CALL(bpf_prog_attach_opts(fx.cgskb_prog, fx.cgroup, BPF_CGROUP_INET_INGRESS, p));
            ob.show(s, sizeof(struct bpf_prog_attach_opts));
            query_case("after attach_opts", fx.cgroup, BPF_CGROUP_INET_INGRESS);

            OptsBuf db;
            db.clear();
            auto *d = db.as<struct bpf_prog_detach_opts>();
            if (f == Flags)
                d->flags = BPF_F_ALLOW_MULTI;
            if (f == RelFd || f == RelBoth)
                d->relative_fd = fx.cgskb_prog;
            if (f == RelId || f == RelBoth)
                d->relative_id = 0x7fff0002u;
            if (f == Revision)
                d->expected_revision = 1;
            begin("prog_detach_opts %s fill=%s", s.name, fill_names[f]);
            auto *dp = db.apply<struct bpf_prog_detach_opts>(s);
            ORACLE_CALL(bpf_prog_detach_opts(fx.cgskb_prog, fx.cgroup, BPF_CGROUP_INET_INGRESS, dp));
            db.show(s, sizeof(struct bpf_prog_detach_opts));
            begin("prog_detach_opts cleanup %s fill=%s", s.name, fill_names[f]);
            ORACLE_CALL(bpf_prog_detach2(fx.cgskb_prog, fx.cgroup, BPF_CGROUP_INET_INGRESS));
        }

    // Query: one program attached, then every shape and output buffer.
    bpf_prog_attach(fx.cgskb_prog, fx.cgroup, BPF_CGROUP_INET_EGRESS, BPF_F_ALLOW_MULTI);
    for (const Shape &s : shapes({40, 64}, sizeof(struct bpf_prog_query_opts)))
        for (int f = 0; f < 5; f++)
            for (uint32_t count : {0u, 1u, 4u}) {
                static uint32_t prog_ids[4], prog_flags[4], link_ids[4], link_flags[4];
                std::memset(prog_ids, 0xee, sizeof prog_ids);
                std::memset(prog_flags, 0xee, sizeof prog_flags);
                std::memset(link_ids, 0xee, sizeof link_ids);
                std::memset(link_flags, 0xee, sizeof link_flags);
                OptsBuf ob;
                ob.clear();
                auto *o = ob.as<struct bpf_prog_query_opts>();
                o->count = count;
                o->attach_flags = 0x5555;
                o->revision = 0x6666;
                if (f >= 1)
                    o->prog_ids = prog_ids;
                if (f >= 2)
                    o->prog_attach_flags = prog_flags;
                if (f >= 3) {
                    o->link_ids = link_ids;
                    o->link_attach_flags = link_flags;
                }
                if (f == 4)
                    o->query_flags = BPF_F_QUERY_EFFECTIVE;
                begin("prog_query_opts %s fill=%d count=%u", s.name, f, count);
                reg("prog_ids", prog_ids, sizeof prog_ids);
                reg("prog_flags", prog_flags, sizeof prog_flags);
                reg("link_ids", link_ids, sizeof link_ids);
                reg("link_flags", link_flags, sizeof link_flags);
                auto *p = ob.apply<struct bpf_prog_query_opts>(s);
                ORACLE_CALL(bpf_prog_query_opts(fx.cgroup, BPF_CGROUP_INET_EGRESS, p));
                for (uint32_t &id : prog_ids)
                    id = id == 0xeeeeeeee ? id : id_ordinal(IdKind::Prog, id);
                ob.show(s, sizeof(struct bpf_prog_query_opts));
                dump("prog_ids", prog_ids, sizeof prog_ids);
                dump("prog_flags", prog_flags, sizeof prog_flags);
                dump("link_ids", link_ids, sizeof link_ids);
                dump("link_flags", link_flags, sizeof link_flags);
            }
    query_case("bad target", -1, BPF_CGROUP_INET_EGRESS);
    query_case("netns flow_dissector", fx.netns, BPF_FLOW_DISSECTOR);
    query_case("lo xdp", 1, BPF_XDP);
    bpf_prog_detach2(fx.cgskb_prog, fx.cgroup, BPF_CGROUP_INET_EGRESS);
}

} // namespace oracle
