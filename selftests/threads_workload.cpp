#include "threads_workload.hpp"

#include "btf_fixtures.hpp"
#include "kernel_helpers.hpp"
#include "kernel_refusal.hpp"
#include "link_btf.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

// LIBBPF_OPTS with a few designated fields is the API's intended use.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace selftest::threads {

Shared::Shared(int workers)
{
    if (!fs_.ok()) {
        why_ = "bpffs: " + errstr(fs_.error());
        refusal_ = bpffs_refusal(fs_.error());
        return;
    }
    for (int i = 0; i < workers; i++) {
        cgroups_.push_back(std::make_unique<Cgroup>());
        if (!cgroups_.back()->ok()) {
            why_ = "cgroup: " + errstr(cgroups_.back()->error());
            refusal_ = cgroup2_refusal(cgroups_.back()->error());
            return;
        }
    }
    links::VmlinuxBtf btf;
    if (btf.ok())
        iter_btf_id_ = btf.find(links::VmlinuxBtf::kFunc, "bpf_iter_bpf_map");
}

namespace {

class Recorder {
public:
    // A result that is 0 or -errno, and what the call wrote: `extra` reads
    // it only after the call (argument order is unspecified).
    void ret(const char *fn, long r) { lines.push_back(std::string(fn) + ": " + code(r)); }
    template <class Extra>
    void ret(const char *fn, long r, Extra extra)
    {
        lines.push_back(std::string(fn) + ": " + code(r) + " " + extra());
    }
    // A result that is a new fd: "fd" when it is >= 3 with close-on-exec.
    int fd(const char *fn, int r)
    {
        std::string what = r < 0 ? code(r) : (r >= 3 && cloexec(r) ? "fd" : "BAD FD");
        lines.push_back(std::string(fn) + ": " + what);
        if (r >= 0)
            owned.emplace_back(r);
        return r;
    }
    static std::string code(long r) { return r < 0 ? "-" + errstr(static_cast<int>(-r)) : std::to_string(r); }

    std::vector<std::string> lines;
    std::vector<Fd> owned;
};

std::string hex(const void *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = static_cast<const unsigned char *>(p)[i];
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    return s;
}

void maps(Recorder &r)
{
    r.ret("libbpf_set_memlock_rlim", libbpf_set_memlock_rlim(RLIM_INFINITY));
    int h = r.fd("bpf_map_create", bpf_map_create(BPF_MAP_TYPE_HASH, "thr_hash", 4, 8, 64, nullptr));
    int a = bpf_map_create(BPF_MAP_TYPE_ARRAY, "thr_array", 4, 8, 4, nullptr);
    if (a >= 0)
        r.owned.emplace_back(a);

    __u32 k = 1;
    __u64 v = 0x1111, out = 0;
    r.ret("bpf_map_update_elem", bpf_map_update_elem(h, &k, &v, BPF_NOEXIST));
    r.ret("bpf_map_lookup_elem", bpf_map_lookup_elem(h, &k, &out), [&] { return hex(&out, 8); });
    out = 0;
    r.ret("bpf_map_lookup_elem_flags", bpf_map_lookup_elem_flags(h, &k, &out, 0), [&] { return hex(&out, 8); });
    out = 0;
    r.ret("bpf_map_lookup_and_delete_elem", bpf_map_lookup_and_delete_elem(h, &k, &out), [&] { return hex(&out, 8); });
    bpf_map_update_elem(h, &k, &v, 0);
    r.ret("bpf_map_lookup_and_delete_elem_flags", bpf_map_lookup_and_delete_elem_flags(h, &k, &out, 0));
    bpf_map_update_elem(h, &k, &v, 0);
    r.ret("bpf_map_delete_elem", bpf_map_delete_elem(h, &k));
    r.ret("bpf_map_delete_elem_flags", bpf_map_delete_elem_flags(h, &k, 0)); // gone: ENOENT
    bpf_map_update_elem(h, &k, &v, 0);
    __u32 next = 0;
    r.ret("bpf_map_get_next_key", bpf_map_get_next_key(h, nullptr, &next), [&] { return std::to_string(next); });
    r.ret("bpf_map_freeze", bpf_map_freeze(a));

    __u32 keys[8], count = 8, batch = 0;
    __u64 vals[8];
    for (__u32 i = 0; i < 8; i++) {
        keys[i] = 100 + i;
        vals[i] = i;
    }
    r.ret("bpf_map_update_batch", bpf_map_update_batch(h, keys, vals, &count, nullptr),
          [&] { return std::to_string(count); });
    __u32 got_keys[64];
    __u64 got_vals[64];
    count = 64;
    r.ret("bpf_map_lookup_batch",
          bpf_map_lookup_batch(h, nullptr, &batch, got_keys, got_vals, &count, nullptr),
          [&] { return std::to_string(count); }); // 9 elements: all of them, then ENOENT
    count = 8;
    r.ret("bpf_map_delete_batch", bpf_map_delete_batch(h, keys, &count, nullptr),
          [&] { return std::to_string(count); });
    count = 64;
    r.ret("bpf_map_lookup_and_delete_batch",
          bpf_map_lookup_and_delete_batch(h, nullptr, &batch, got_keys, got_vals, &count, nullptr),
          [&] { return std::to_string(count); });

    bpf_map_info info{};
    __u32 len = sizeof(info);
    r.ret("bpf_map_get_info_by_fd", bpf_map_get_info_by_fd(h, &info, &len),
          [&] { return std::string(info.name) + " " + std::to_string(info.max_entries); });
    bpf_map_info info2{};
    len = sizeof(info2);
    r.ret("bpf_obj_get_info_by_fd", bpf_obj_get_info_by_fd(a, &info2, &len),
          [&] { return std::string(info2.name); });
    __u32 id = 0;
    r.ret("bpf_map_get_next_id", bpf_map_get_next_id(0, &id));
    r.fd("bpf_map_get_fd_by_id", bpf_map_get_fd_by_id(info.id));
    LIBBPF_OPTS(bpf_get_fd_by_id_opts, o, .open_flags = BPF_F_RDONLY);
    r.fd("bpf_map_get_fd_by_id_opts", bpf_map_get_fd_by_id_opts(info.id, &o));
}

void progs_and_btf(Recorder &r, int *prog_out, int *map_out)
{
    auto insns = return_imm(1);
    int p = r.fd("bpf_prog_load", bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "thr_prog", "GPL",
                                                insns.data(), insns.size(), nullptr));
    *prog_out = p;
    unsigned char pkt[64] = {};
    LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkt, .data_size_in = sizeof(pkt), .repeat = 2);
    r.ret("bpf_prog_test_run_opts", bpf_prog_test_run_opts(p, &t), [&] { return std::to_string(t.retval); });
    bpf_prog_info info{};
    __u32 len = sizeof(info);
    r.ret("bpf_prog_get_info_by_fd", bpf_prog_get_info_by_fd(p, &info, &len),
          [&] { return std::string(info.name); });
    __u32 id = 0;
    r.ret("bpf_prog_get_next_id", bpf_prog_get_next_id(0, &id));
    r.fd("bpf_prog_get_fd_by_id", bpf_prog_get_fd_by_id(info.id));
    LIBBPF_OPTS(bpf_get_fd_by_id_opts, o);
    r.fd("bpf_prog_get_fd_by_id_opts", bpf_prog_get_fd_by_id_opts(info.id, &o));

    int m = bpf_map_create(BPF_MAP_TYPE_ARRAY, "thr_bind", 4, 8, 1, nullptr);
    if (m >= 0)
        r.owned.emplace_back(m);
    *map_out = m;
    r.ret("bpf_prog_bind_map", bpf_prog_bind_map(p, m, nullptr));
    char buf[64];
    r.ret("bpf_prog_stream_read", bpf_prog_stream_read(p, 1, buf, sizeof(buf), nullptr));
    r.ret("bpf_prog_assoc_struct_ops", bpf_prog_assoc_struct_ops(p, m, nullptr));

    auto blob = pair_btf();
    char log[256];
    LIBBPF_OPTS(bpf_btf_load_opts, bo, .log_buf = log, .log_level = 0, .log_size = sizeof(log));
    int b = r.fd("bpf_btf_load", bpf_btf_load(blob.data(), blob.size(), &bo));
    bpf_btf_info binfo{};
    len = sizeof(binfo);
    r.ret("bpf_btf_get_info_by_fd", bpf_btf_get_info_by_fd(b, &binfo, &len),
          [&] { return std::to_string(binfo.btf_size); });
    r.ret("bpf_btf_get_next_id", bpf_btf_get_next_id(0, &id));
    r.fd("bpf_btf_get_fd_by_id", bpf_btf_get_fd_by_id(binfo.id));
    r.fd("bpf_btf_get_fd_by_id_opts", bpf_btf_get_fd_by_id_opts(binfo.id, &o));
}

void pins(Recorder &r, const Shared &s, int worker, int round, int map_fd)
{
    const std::string tag = std::to_string(worker) + "_" + std::to_string(round);
    const std::string a = s.fs().path("a" + tag), b = s.fs().path("b" + tag);
    r.ret("bpf_obj_pin", bpf_obj_pin(map_fd, a.c_str()));
    r.fd("bpf_obj_get", bpf_obj_get(a.c_str()));
    LIBBPF_OPTS(bpf_obj_pin_opts, po);
    r.ret("bpf_obj_pin_opts", bpf_obj_pin_opts(map_fd, b.c_str(), &po));
    LIBBPF_OPTS(bpf_obj_get_opts, go, .file_flags = BPF_F_RDONLY);
    r.fd("bpf_obj_get_opts", bpf_obj_get_opts(b.c_str(), &go));
    ::unlink(a.c_str());
    ::unlink(b.c_str());

    Fd fs(::open(s.fs().dir().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    r.fd("bpf_token_create", bpf_token_create(fs, nullptr)); // initial namespace: refused
}

void attach_and_links(Recorder &r, const Shared &s, int worker)
{
    const int cg = s.cgroup_fd(worker);
    Fd skb = load_cgroup_skb("thr_skb");
    r.ret("bpf_prog_attach", bpf_prog_attach(skb, cg, BPF_CGROUP_INET_INGRESS, 0));
    __u32 flags = 0, ids[4], cnt = 4;
    r.ret("bpf_prog_query",
          bpf_prog_query(cg, BPF_CGROUP_INET_INGRESS, 0, &flags, ids, &cnt),
          [&] { return std::to_string(cnt); });
    LIBBPF_OPTS(bpf_prog_query_opts, q, .prog_ids = ids, .count = 4);
    r.ret("bpf_prog_query_opts", bpf_prog_query_opts(cg, BPF_CGROUP_INET_INGRESS, &q),
          [&] { return std::to_string(q.count); });
    r.ret("bpf_prog_detach2", bpf_prog_detach2(skb, cg, BPF_CGROUP_INET_INGRESS));
    LIBBPF_OPTS(bpf_prog_attach_opts, ao);
    r.ret("bpf_prog_attach_opts", bpf_prog_attach_opts(skb, cg, BPF_CGROUP_INET_EGRESS, &ao));
    LIBBPF_OPTS(bpf_prog_detach_opts, dopt);
    r.ret("bpf_prog_detach_opts", bpf_prog_detach_opts(skb, cg, BPF_CGROUP_INET_EGRESS, &dopt));
    r.ret("bpf_prog_detach", bpf_prog_detach(cg, BPF_CGROUP_INET_EGRESS)); // nothing: ENOENT

    int link = r.fd("bpf_link_create", bpf_link_create(skb, cg, BPF_CGROUP_INET_INGRESS, nullptr));
    r.ret("bpf_link_update", bpf_link_update(link, skb, nullptr));
    bpf_link_info info{};
    __u32 len = sizeof(info);
    r.ret("bpf_link_get_info_by_fd", bpf_link_get_info_by_fd(link, &info, &len),
          [&] { return std::to_string(info.type); });
    __u32 id = 0;
    r.ret("bpf_link_get_next_id", bpf_link_get_next_id(0, &id));
    r.fd("bpf_link_get_fd_by_id", bpf_link_get_fd_by_id(info.id));
    LIBBPF_OPTS(bpf_get_fd_by_id_opts, o);
    r.fd("bpf_link_get_fd_by_id_opts", bpf_link_get_fd_by_id_opts(info.id, &o));
    r.ret("bpf_link_detach", bpf_link_detach(link));

    auto ret0 = return_imm(0);
    Fd rtp(bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "thr_rtp", "GPL", ret0.data(), ret0.size(),
                         nullptr));
    int tp = r.fd("bpf_raw_tracepoint_open", bpf_raw_tracepoint_open("sys_enter", rtp));
    LIBBPF_OPTS(bpf_raw_tp_opts, ro, .tp_name = "sys_exit", .cookie = 7);
    r.fd("bpf_raw_tracepoint_open_opts", bpf_raw_tracepoint_open_opts(rtp, &ro));
    char name[32] = {};
    __u32 name_len = sizeof(name), prog_id = 0, fd_type = 0;
    __u64 off = 0, addr = 0;
    r.ret("bpf_task_fd_query",
          bpf_task_fd_query(::getpid(), tp, 0, name, &name_len, &prog_id, &fd_type, &off, &addr),
          [&] { return std::string(name) + " " + std::to_string(fd_type); });

    if (!s.iter_btf_id()) {
        r.ret("bpf_iter_create", -ENOENT, [] { return "(no bpf_iter_bpf_map in vmlinux BTF)"; });
    } else {
        LIBBPF_OPTS(bpf_prog_load_opts, lo, .expected_attach_type = BPF_TRACE_ITER,
                    .attach_btf_id = s.iter_btf_id());
        Fd iter_prog(bpf_prog_load(BPF_PROG_TYPE_TRACING, nullptr, "GPL", ret0.data(), ret0.size(),
                                   &lo));
        Fd iter_link(bpf_link_create(iter_prog, 0, BPF_TRACE_ITER, nullptr));
        int it = r.fd("bpf_iter_create", bpf_iter_create(iter_link));
        char sink[256];
        long n = it >= 0 ? ::read(it, sink, sizeof(sink)) : -1;
        r.lines.push_back("iterator read: " + std::to_string(n));
    }
    r.fd("bpf_enable_stats", bpf_enable_stats(BPF_STATS_RUN_TIME));
}

} // namespace

std::vector<std::string> every_api(const Shared &s, int worker, int round)
{
    Recorder r;
    maps(r);
    int prog = -1, map = -1;
    progs_and_btf(r, &prog, &map);
    pins(r, s, worker, round, map);
    attach_and_links(r, s, worker);
    return r.lines;
}

} // namespace selftest::threads
