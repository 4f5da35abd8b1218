// Rows for a cgroup's ingress hook: bpf_prog_attach_opts,
// bpf_prog_detach_opts, bpf_prog_query_opts and bpf_link_update (of a cgroup
// link). Each row has a cgroup of its own.
#include "caller_row.hpp"
#include "obj_attach_fixtures.hpp"

#include <cerrno>
#include <memory>

using namespace selftest;

// LIBBPF_OPTS leaves the fields it is not given to its memset.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace abi {
namespace {

constexpr bpf_attach_type kIngress = BPF_CGROUP_INET_INGRESS;

struct Hook {
    Cgroup cg;
    Fd a, b; // two programs, named abi_a and abi_b
    __u32 a_id = 0, b_id = 0;
    Fd link;

    Hook()
    {
        INFO("cgroup: " << errstr(cg.error()));
        REQUIRE(cg.ok());
        a = load_cgroup_skb("abi_a");
        b = load_cgroup_skb("abi_b");
        REQUIRE((a >= 3 && b >= 3));
        a_id = prog_id(a);
        b_id = prog_id(b);
    }

    std::string name(__u32 id) const { return id == a_id ? "abi_a" : id == b_id ? "abi_b" : std::to_string(id); }

    std::string attached() const
    {
        std::string s = "attached=[";
        for (__u32 id : attached_ids(cg.fd(), kIngress))
            s += (s.back() == '[' ? "" : ",") + name(id);
        return s + "]";
    }

    // Nothing attached: drops the link and every program attached directly.
    void clear()
    {
        link.reset();
        for (int prog : {a.get(), b.get()})
            while (bpf_prog_detach2(prog, cg.fd(), kIngress) == 0) {
            }
        REQUIRE(attached() == "attached=[]");
    }

    void attach_multi(int prog) { REQUIRE(bpf_prog_attach(prog, cg.fd(), kIngress, BPF_F_ALLOW_MULTI) == 0); }

    __u64 revision() const
    {
        LIBBPF_OPTS(bpf_prog_query_opts, q);
        REQUIRE(bpf_prog_query_opts(cg.fd(), kIngress, &q) == 0);
        return q.revision;
    }
};

// One hook per row; all dropped at the end of a test case.
std::unique_ptr<Hook> g_attach, g_detach, g_query, g_update;

Hook &hook(std::unique_ptr<Hook> &h)
{
    if (!h)
        h = std::make_unique<Hook>();
    return *h;
}

void teardown()
{
    for (auto *h : {&g_attach, &g_detach, &g_query, &g_update})
        h->reset(); // the cgroup goes, and with it what was attached
}

// --- bpf_prog_attach_opts: BPF_F_REPLACE of abi_a by abi_b (1.0's fields) ------
using AttachOpts = struct bpf_prog_attach_opts;

void attach_fill(CallerOpts &o)
{
    Hook &h = hook(g_attach);
    h.clear();
    h.attach_multi(h.a);
    OPT_SET(o, AttachOpts, flags, BPF_F_ALLOW_MULTI | BPF_F_REPLACE);
    OPT_SET(o, AttachOpts, replace_prog_fd, h.a.get());
}

int attach_call(void *opts)
{
    return bpf_prog_attach_opts(g_attach->b, g_attach->cg.fd(), kIngress, static_cast<AttachOpts *>(opts));
}

std::string attach_observe(int, const CallerOpts &) { return g_attach->attached(); }

// --- bpf_prog_detach_opts: abi_b, at the hook's current revision --------------
using DetachOpts = struct bpf_prog_detach_opts;

void detach_fill(CallerOpts &o)
{
    Hook &h = hook(g_detach);
    h.clear();
    h.attach_multi(h.a);
    h.attach_multi(h.b);
    OPT_SET(o, DetachOpts, expected_revision, h.revision());
}

int detach_call(void *opts)
{
    return bpf_prog_detach_opts(g_detach->b, g_detach->cg.fd(), kIngress, static_cast<DetachOpts *>(opts));
}

std::string detach_observe(int, const CallerOpts &) { return g_detach->attached(); }

// --- bpf_prog_query_opts: abi_a attached directly, abi_b through a link -------
using QueryOpts = struct bpf_prog_query_opts;
__u32 g_ids[4], g_prog_flags[4];

void query_fill(CallerOpts &o)
{
    Hook &h = hook(g_query);
    if (h.link < 0) {
        h.clear();
        h.attach_multi(h.a);
        h.link.reset(raw_cgroup_link(h.b, h.cg.fd(), kIngress));
        REQUIRE(h.link >= 3);
    }
    std::memset(g_ids, 0xff, sizeof(g_ids));
    std::memset(g_prog_flags, 0xff, sizeof(g_prog_flags));
    OPT_SET(o, QueryOpts, prog_ids, g_ids);
    OPT_SET(o, QueryOpts, count, 4);
    OPT_SET(o, QueryOpts, prog_attach_flags, g_prog_flags);
}

int query_call(void *opts) { return bpf_prog_query_opts(g_query->cg.fd(), kIngress, static_cast<QueryOpts *>(opts)); }

std::string query_observe(int, const CallerOpts &o)
{
    Hook &h = *g_query;
    __u32 n = OPT_GET(o, QueryOpts, count);
    std::string s = "count=" + std::to_string(n) + " attach_flags=" +
                    std::to_string(OPT_GET(o, QueryOpts, attach_flags)) + " ids=[";
    for (__u32 i = 0; i < n && i < 4; i++)
        s += (i ? "," : "") + h.name(g_ids[i]) + "/" + std::to_string(g_prog_flags[i]);
    s += "]";
    // 1.3's output, written exactly when the caller's struct holds it.
    if (OPT_FITS(o, QueryOpts, revision) && OPT_GET(o, QueryOpts, revision) != h.revision())
        s += " revision=" + std::to_string(OPT_GET(o, QueryOpts, revision)) + " (not the hook's)";
    return s;
}

// --- bpf_link_update: abi_a -> abi_b with BPF_F_REPLACE (1.0's fields) ---------
using UpdateOpts = struct bpf_link_update_opts;

void update_fill(CallerOpts &o)
{
    Hook &h = hook(g_update);
    h.clear();
    h.link.reset(raw_cgroup_link(h.a, h.cg.fd(), kIngress));
    REQUIRE(h.link >= 3);
    OPT_SET(o, UpdateOpts, flags, BPF_F_REPLACE);
    OPT_SET(o, UpdateOpts, old_prog_fd, h.a.get());
}

int update_call(void *opts) { return bpf_link_update(g_update->link, g_update->b, static_cast<UpdateOpts *>(opts)); }

std::string update_observe(int, const CallerOpts &)
{
    Hook &h = *g_update;
    bpf_link_info info{};
    __u32 len = sizeof(info);
    if (bpf_link_get_info_by_fd(h.link, &info, &len))
        return "link info failed: " + errstr(errno);
    return "link runs " + h.name(info.prog_id) + ", " + h.attached();
}

} // namespace

std::vector<Row> cgroup_rows()
{
    return {
        {"bpf_prog_attach_opts", "bpf_prog_attach_opts", sizeof(AttachOpts), KNOWN_END(bpf_prog_attach_opts),
         "attached=[abi_b]", attach_fill, attach_call, attach_observe, teardown, nullptr},
        {"bpf_prog_detach_opts", "bpf_prog_detach_opts", sizeof(DetachOpts), KNOWN_END(bpf_prog_detach_opts),
         "attached=[abi_a]", detach_fill, detach_call, detach_observe, teardown, nullptr},
        {"bpf_prog_query_opts", "bpf_prog_query_opts", sizeof(QueryOpts), KNOWN_END(bpf_prog_query_opts),
         "count=2 attach_flags=2 ids=[abi_a/2,abi_b/2]", query_fill, query_call, query_observe, teardown, nullptr},
        {"bpf_link_update", "bpf_link_update_opts", sizeof(UpdateOpts), KNOWN_END(bpf_link_update_opts),
         "link runs abi_b, attached=[abi_b]", update_fill, update_call, update_observe, teardown, nullptr},
    };
}

} // namespace abi
