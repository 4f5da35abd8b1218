// sysbpf check: calls every bpf.h function of the library on the running
// kernel, doing real work where the kernel allows, and prints one row per
// function: ok, not supported by this kernel (errno), unavailable here
// (what is missing), or FAILED. Exits 1 only when something FAILED.
#include "check_env.hpp"
#include "commands.hpp"
#include "vmlinux_btf.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <map>
#include <string>
#include <sys/utsname.h>
#include <unistd.h>
#include <vector>

namespace sysbpf_tool {
namespace {

const char kHelp[] =
    "usage: sysbpf check [--help]\n"
    "\n"
    "Calls every bpf.h function of libsysbpf.so.1 on the running kernel, doing\n"
    "real work with each (maps, programs, pins, attachments, links, iterators,\n"
    "ids, info) inside a private mount and network namespace and an empty\n"
    "cgroup of its own, all removed at exit. Prints a table: function, then\n"
    "  ok                                 the call did its work\n"
    "  not supported by this kernel (E..) the kernel lacks the feature\n"
    "  unavailable here (...)             a prerequisite is missing here\n"
    "                                     (privileges, bpffs, cgroup v2)\n"
    "  FAILED (...)                       a real failure\n"
    "and a line with the counts. Needs root (CAP_BPF, CAP_SYS_ADMIN, CAP_NET_ADMIN).\n"
    "Exit status: 0 when nothing FAILED, 1 otherwise, 2 for bad usage.\n";

constexpr int kENOTSUPP = 524; // the kernel's internal "not supported"
constexpr int kErrnoCanary = 4321;

enum class Status { Ok, Unsupported, Unavailable, Failed };

struct Outcome {
    Status status = Status::Failed;
    std::string detail;
};

std::string errname(int e)
{
    if (e == kENOTSUPP)
        return "ENOTSUPP";
    const char *n = strerrorname_np(e);
    return n ? n : "E" + std::to_string(e);
}

Outcome ok(std::string d = {}) { return {Status::Ok, std::move(d)}; }
Outcome failed(std::string d) { return {Status::Failed, std::move(d)}; }
Outcome unavailable(std::string d) { return {Status::Unavailable, std::move(d)}; }

// Judges a call's return value by libbpf's conventions: on failure -errno
// and errno set; on success errno left as it was (the canary).
Outcome judge(int r, int errno_after, std::initializer_list<int> unsupported = {})
{
    if (r >= 0) {
        if (errno_after != kErrnoCanary)
            return failed("succeeded but changed errno to " + errname(errno_after));
        return ok();
    }
    int e = -r;
    if (errno_after != e)
        return failed("returned " + std::to_string(r) + " but errno is " + errname(errno_after));
    bool unsup = e == EOPNOTSUPP || e == kENOTSUPP || e == ENOSYS;
    for (int u : unsupported)
        unsup |= e == u;
    if (unsup)
        return {Status::Unsupported, errname(e)};
    if (e == EPERM || e == EACCES)
        return unavailable(errname(e) + ": not permitted");
    return failed(errname(e));
}

// Calls f with errno set to the canary and judges the result.
template <class F>
Outcome call(F f, int *result = nullptr, std::initializer_list<int> unsupported = {})
{
    errno = kErrnoCanary;
    int r = f();
    int e = errno;
    if (result)
        *result = r;
    return judge(r, e, unsupported);
}

class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    void reset(int fd = -1)
    {
        if (fd_ >= 0)
            close(fd_);
        fd_ = fd;
    }
    int get() const { return fd_; }
    bool ok() const { return fd_ >= 0; }

private:
    int fd_;
};

bpf_insn insn(__u8 code, __u8 dst, __s32 imm)
{
    bpf_insn i{};
    i.code = code;
    i.dst_reg = dst;
    i.imm = imm;
    return i;
}

// r0 = ret; exit
struct ReturnProg {
    bpf_insn insns[2];
    explicit ReturnProg(__s32 ret)
        : insns{insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, ret), insn(BPF_JMP | BPF_EXIT, 0, 0)}
    {
    }
};

// A BTF blob with one type, "int".
std::vector<unsigned char> tiny_btf()
{
    const char strs[] = "\0int";
    std::vector<__u32> types = {1, 1u << 24 /* INT */, 4, 32 /* bits */};
    __u32 hdr[6] = {0x0001eb9f /* magic, version 1, flags 0 */, 24, 0, 16, 16, sizeof(strs)};
    std::vector<unsigned char> b(24 + 16 + sizeof(strs));
    std::memcpy(b.data(), hdr, 24);
    std::memcpy(b.data() + 24, types.data(), 16);
    std::memcpy(b.data() + 40, strs, sizeof(strs));
    return b;
}

class Checker {
public:
    std::map<std::string, Outcome> results;

    void run()
    {
        memlock();
        btf();
        maps();
        progs();
        elems();
        batches();
        infos();
        prog_misc();
        pins_and_token();
        cgroup_attach();
        links();
        iterator();
        raw_tracepoint();
        ids();
    }

private:
    CheckEnv env_;
    Fd btf_, array_, hash_, frozen_, xdp_, cgskb_, cgskb2_, cg_link_, rawtp_link_;
    __u32 prog_id_ = 0, map_id_ = 0, btf_id_ = 0, link_id_ = 0;

    void set(const char *fn, Outcome o) { results[fn] = std::move(o); }

    // Marks functions that could not run because `why`.
    void set_all(std::initializer_list<const char *> fns, const Outcome &o)
    {
        for (const char *f : fns)
            set(f, o);
    }

    void memlock()
    {
        int r = 0;
        Outcome o = call([] { return libbpf_set_memlock_rlim(64u << 20); }, &r, {});
        if (r == -EBUSY) // documented: the limit was raised already
            o = ok("EBUSY: already raised");
        set("libbpf_set_memlock_rlim", o);
    }

    void btf()
    {
        std::vector<unsigned char> blob = tiny_btf();
        LIBBPF_OPTS(bpf_btf_load_opts, o);
        int fd = -1;
        Outcome out = call([&] { return bpf_btf_load(blob.data(), blob.size(), &o); }, &fd);
        btf_.reset(fd);
        set("bpf_btf_load", out);
    }

    void maps()
    {
        int a = -1, h = -1, f = -1;
        LIBBPF_OPTS(bpf_map_create_opts, ho, .map_flags = BPF_F_NO_PREALLOC);
        Outcome o = call([&] { return bpf_map_create(BPF_MAP_TYPE_ARRAY, "chk_array", 4, 8, 4, nullptr); }, &a);
        if (o.status == Status::Ok)
            o = call([&] { return bpf_map_create(BPF_MAP_TYPE_HASH, "chk_hash", 4, 8, 64, &ho); }, &h);
        if (o.status == Status::Ok)
            o = call([&] { return bpf_map_create(BPF_MAP_TYPE_ARRAY, "chk_frozen", 4, 8, 1, nullptr); }, &f);
        array_.reset(a);
        hash_.reset(h);
        frozen_.reset(f);
        if (o.status == Status::Ok)
            o.detail = "array, hash, array";
        set("bpf_map_create", o);
    }

    void progs()
    {
        ReturnProg pass(XDP_PASS), allow(1);
        LIBBPF_OPTS(bpf_prog_load_opts, xo);
        int x = -1, c = -1, c2 = -1;
        Outcome o = call([&] { return bpf_prog_load(BPF_PROG_TYPE_XDP, "chk_xdp", "GPL", pass.insns, 2, &xo); }, &x);
        LIBBPF_OPTS(bpf_prog_load_opts, co, .expected_attach_type = BPF_CGROUP_INET_INGRESS);
        if (o.status == Status::Ok)
            o = call([&] { return bpf_prog_load(BPF_PROG_TYPE_CGROUP_SKB, "chk_cgskb", "GPL", allow.insns, 2, &co); },
                     &c);
        if (o.status == Status::Ok)
            o = call([&] { return bpf_prog_load(BPF_PROG_TYPE_CGROUP_SKB, "chk_cgskb2", "GPL", allow.insns, 2, &co); },
                     &c2);
        xdp_.reset(x);
        cgskb_.reset(c);
        cgskb2_.reset(c2);
        if (o.status == Status::Ok)
            o.detail = "xdp, cgroup_skb x2";
        set("bpf_prog_load", o);
    }

    void elems()
    {
        if (!array_.ok() || !hash_.ok()) {
            set_all({"bpf_map_update_elem", "bpf_map_lookup_elem", "bpf_map_lookup_elem_flags",
                     "bpf_map_lookup_and_delete_elem", "bpf_map_lookup_and_delete_elem_flags",
                     "bpf_map_delete_elem", "bpf_map_delete_elem_flags", "bpf_map_get_next_key", "bpf_map_freeze"},
                    unavailable("no map (bpf_map_create failed)"));
            return;
        }
        int a = array_.get(), h = hash_.get();
        __u32 k0 = 0;
        __u64 v = 77, got = 0;
        set("bpf_map_update_elem", call([&] { return bpf_map_update_elem(a, &k0, &v, BPF_ANY); }));
        Outcome o = call([&] { return bpf_map_lookup_elem(a, &k0, &got); });
        if (o.status == Status::Ok && got != 77)
            o = failed("read " + std::to_string(got) + ", wrote 77");
        set("bpf_map_lookup_elem", o);
        got = 0;
        o = call([&] { return bpf_map_lookup_elem_flags(a, &k0, &got, 0); });
        if (o.status == Status::Ok && got != 77)
            o = failed("read " + std::to_string(got) + ", wrote 77");
        set("bpf_map_lookup_elem_flags", o);

        auto take = [&](const char *fn, auto lookup_and_delete) {
            __u32 k = 5;
            __u64 w = 500, r = 0;
            bpf_map_update_elem(h, &k, &w, BPF_ANY);
            Outcome t = call([&] { return lookup_and_delete(&k, &r); }, nullptr, {EINVAL});
            if (t.status == Status::Ok && (r != 500 || bpf_map_lookup_elem(h, &k, &r) != -ENOENT))
                t = failed("value or deletion wrong");
            set(fn, t);
        };
        take("bpf_map_lookup_and_delete_elem",
             [&](__u32 *k, __u64 *r) { return bpf_map_lookup_and_delete_elem(h, k, r); });
        take("bpf_map_lookup_and_delete_elem_flags",
             [&](__u32 *k, __u64 *r) { return bpf_map_lookup_and_delete_elem_flags(h, k, r, 0); });

        __u32 k6 = 6, k7 = 7;
        bpf_map_update_elem(h, &k6, &v, BPF_ANY);
        bpf_map_update_elem(h, &k7, &v, BPF_ANY);
        set("bpf_map_delete_elem", call([&] { return bpf_map_delete_elem(h, &k6); }));
        set("bpf_map_delete_elem_flags", call([&] { return bpf_map_delete_elem_flags(h, &k7, 0); }));

        __u32 next = 99;
        o = call([&] { return bpf_map_get_next_key(a, nullptr, &next); });
        if (o.status == Status::Ok && next != 0)
            o = failed("first key " + std::to_string(next));
        set("bpf_map_get_next_key", o);

        o = call([&] { return bpf_map_freeze(frozen_.get()); });
        if (o.status == Status::Ok && bpf_map_update_elem(frozen_.get(), &k0, &v, BPF_ANY) != -EPERM)
            o = failed("a frozen map accepted an update");
        set("bpf_map_freeze", o);
    }

    void batches()
    {
        if (!hash_.ok()) {
            set_all({"bpf_map_update_batch", "bpf_map_lookup_batch", "bpf_map_lookup_and_delete_batch",
                     "bpf_map_delete_batch"},
                    unavailable("no map"));
            return;
        }
        int h = hash_.get();
        __u32 keys[4] = {10, 11, 12, 13}, out_keys[64];
        __u64 vals[4] = {1, 2, 3, 4}, out_vals[64];
        __u32 count = 4;
        LIBBPF_OPTS(bpf_map_batch_opts, bo);
        Outcome o = call([&] { return bpf_map_update_batch(h, keys, vals, &count, &bo); }, nullptr, {EINVAL});
        set("bpf_map_update_batch", o);

        // A whole-map read ends with ENOENT, as documented.
        auto read_all = [&](const char *fn, bool del) {
            __u32 batch = 0, n = 64;
            int r = del ? bpf_map_lookup_and_delete_batch(h, nullptr, &batch, out_keys, out_vals, &n, &bo)
                        : bpf_map_lookup_batch(h, nullptr, &batch, out_keys, out_vals, &n, &bo);
            int e = errno;
            if (r == -ENOENT && e == ENOENT)
                set(fn, n == 4 ? ok(std::to_string(n) + " entries") : failed("read " + std::to_string(n) + " of 4"));
            else
                set(fn, r == 0 ? failed("no ENOENT at the end") : judge(r, e, {EINVAL}));
        };
        read_all("bpf_map_lookup_batch", false);
        read_all("bpf_map_lookup_and_delete_batch", true);
        count = 4;
        bpf_map_update_batch(h, keys, vals, &count, &bo);
        count = 4;
        set("bpf_map_delete_batch", call([&] { return bpf_map_delete_batch(h, keys, &count, &bo); }, nullptr, {EINVAL}));
    }

    void infos()
    {
        bpf_map_info mi{};
        __u32 len = sizeof(mi);
        Outcome o = array_.ok() ? call([&] { return bpf_obj_get_info_by_fd(array_.get(), &mi, &len); })
                                : unavailable("no map");
        set("bpf_obj_get_info_by_fd", o);
        len = sizeof(mi);
        o = array_.ok() ? call([&] { return bpf_map_get_info_by_fd(array_.get(), &mi, &len); })
                        : unavailable("no map");
        if (o.status == Status::Ok && std::strcmp(mi.name, "chk_array") != 0)
            o = failed(std::string("name ") + mi.name);
        map_id_ = mi.id;
        set("bpf_map_get_info_by_fd", o);

        bpf_prog_info pi{};
        len = sizeof(pi);
        o = xdp_.ok() ? call([&] { return bpf_prog_get_info_by_fd(xdp_.get(), &pi, &len); }) : unavailable("no program");
        if (o.status == Status::Ok && std::strcmp(pi.name, "chk_xdp") != 0)
            o = failed(std::string("name ") + pi.name);
        prog_id_ = pi.id;
        set("bpf_prog_get_info_by_fd", o);

        bpf_btf_info bi{};
        len = sizeof(bi);
        o = btf_.ok() ? call([&] { return bpf_btf_get_info_by_fd(btf_.get(), &bi, &len); }) : unavailable("no BTF");
        btf_id_ = bi.id;
        set("bpf_btf_get_info_by_fd", o);
    }

    void prog_misc()
    {
        if (!xdp_.ok()) {
            set_all({"bpf_prog_test_run_opts", "bpf_prog_bind_map", "bpf_prog_stream_read"}, unavailable("no program"));
        } else {
            unsigned char pkt[64] = {};
            LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkt, .data_size_in = sizeof(pkt), .repeat = 2);
            Outcome o = call([&] { return bpf_prog_test_run_opts(xdp_.get(), &t); });
            if (o.status == Status::Ok && t.retval != XDP_PASS)
                o = failed("retval " + std::to_string(t.retval));
            set("bpf_prog_test_run_opts", o);
            set("bpf_prog_bind_map", array_.ok() ? call([&] { return bpf_prog_bind_map(xdp_.get(), array_.get(), nullptr); })
                                                 : unavailable("no map"));
            char buf[64];
            int r = 0;
            Outcome s = call([&] { return bpf_prog_stream_read(xdp_.get(), 1, buf, sizeof(buf), nullptr); }, &r, {EINVAL});
            if (s.status == Status::Ok)
                s.detail = std::to_string(r) + " bytes";
            else if (s.status == Status::Unsupported)
                s.detail += ": no BPF_PROG_STREAM_READ_BY_FD";
            set("bpf_prog_stream_read", s);
        }

        int r = 0;
        Outcome o = call([] { return bpf_enable_stats(BPF_STATS_RUN_TIME); }, &r, {EINVAL});
        if (r >= 0)
            close(r);
        set("bpf_enable_stats", o);

        // Associating needs a struct_ops map and program; with closed fds, a
        // kernel that has the command answers EBADF, one without it EINVAL.
        constexpr int kClosed = 100000;
        errno = kErrnoCanary;
        r = bpf_prog_assoc_struct_ops(kClosed, kClosed + 1, nullptr);
        int e = errno;
        if (r == -EBADF && e == EBADF)
            o = ok("EBADF for closed fds: command present");
        else if (r == -EINVAL && e == EINVAL)
            o = {Status::Unsupported, "EINVAL: no BPF_PROG_ASSOC_STRUCT_OPS"};
        else
            o = judge(r, e);
        set("bpf_prog_assoc_struct_ops", o);
    }

    void pins_and_token()
    {
        if (env_.bpffs.empty() || !array_.ok() || !hash_.ok()) {
            Outcome why = unavailable(env_.bpffs.empty() ? "no bpffs: " + env_.bpffs_note : "no map");
            set_all({"bpf_obj_pin", "bpf_obj_pin_opts", "bpf_obj_get", "bpf_obj_get_opts", "bpf_token_create"}, why);
            return;
        }
        std::string a = env_.bpffs + "/array", h = env_.bpffs + "/hash";
        set("bpf_obj_pin", call([&] { return bpf_obj_pin(array_.get(), a.c_str()); }));
        LIBBPF_OPTS(bpf_obj_pin_opts, po);
        set("bpf_obj_pin_opts", call([&] { return bpf_obj_pin_opts(hash_.get(), h.c_str(), &po); }));
        int fd = -1;
        Outcome o = call([&] { return bpf_obj_get(a.c_str()); }, &fd);
        bpf_map_info mi{};
        __u32 len = sizeof(mi);
        if (o.status == Status::Ok && (bpf_map_get_info_by_fd(fd, &mi, &len) || mi.id != map_id_))
            o = failed("the pinned map is another map");
        if (fd >= 0)
            close(fd);
        set("bpf_obj_get", o);
        LIBBPF_OPTS(bpf_obj_get_opts, go, .file_flags = BPF_F_RDONLY);
        o = call([&] { return bpf_obj_get_opts(h.c_str(), &go); }, &fd);
        __u32 k = 1;
        __u64 v = 1;
        if (o.status == Status::Ok && bpf_map_update_elem(fd, &k, &v, BPF_ANY) != -EPERM)
            o = failed("a BPF_F_RDONLY fd could write");
        if (fd >= 0)
            close(fd);
        set("bpf_obj_get_opts", o);
        unlink(a.c_str());
        unlink(h.c_str());

        // Tokens come only from a bpffs delegated to a user namespace; this
        // bpffs belongs to the initial one, where the kernel refuses them.
        Fd root(open(env_.bpffs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        o = call([&] { return bpf_token_create(root.get(), nullptr); }, &fd, {EINVAL});
        if (fd >= 0)
            close(fd);
        if (o.status == Status::Unsupported && o.detail == "EOPNOTSUPP")
            o = unavailable("EOPNOTSUPP, as documented for the initial user namespace: a token needs a bpffs "
                            "delegated to a user namespace");
        set("bpf_token_create", o);
    }

    void cgroup_attach()
    {
        const std::initializer_list<const char *> fns = {"bpf_prog_attach", "bpf_prog_detach", "bpf_prog_detach2",
                                                         "bpf_prog_attach_opts", "bpf_prog_detach_opts",
                                                         "bpf_prog_query", "bpf_prog_query_opts"};
        if (env_.cgroup_fd < 0 || !cgskb_.ok()) {
            set_all(fns, unavailable(env_.cgroup_fd < 0 ? "no cgroup: " + env_.cgroup_note : "no program"));
            return;
        }
        int cg = env_.cgroup_fd, p = cgskb_.get();
        const bpf_attach_type t = BPF_CGROUP_INET_INGRESS;
        set("bpf_prog_attach", call([&] { return bpf_prog_attach(p, cg, t, 0); }));
        __u32 ids[4] = {}, cnt = 4, flags = 0;
        Outcome o = call([&] { return bpf_prog_query(cg, t, 0, &flags, ids, &cnt); });
        if (o.status == Status::Ok && cnt != 1)
            o = failed(std::to_string(cnt) + " programs attached, expected 1");
        set("bpf_prog_query", o);
        set("bpf_prog_detach", call([&] { return bpf_prog_detach(cg, t); }));

        o = call([&] { return bpf_prog_attach(p, cg, t, BPF_F_ALLOW_MULTI); });
        set("bpf_prog_detach2", o.status == Status::Ok ? call([&] { return bpf_prog_detach2(p, cg, t); })
                                                       : unavailable("attach with BPF_F_ALLOW_MULTI: " + o.detail));

        LIBBPF_OPTS(bpf_prog_attach_opts, ao, .flags = BPF_F_ALLOW_MULTI);
        set("bpf_prog_attach_opts", call([&] { return bpf_prog_attach_opts(p, cg, t, &ao); }));
        __u32 qids[4] = {};
        LIBBPF_OPTS(bpf_prog_query_opts, qo, .prog_ids = qids, .count = 4);
        o = call([&] { return bpf_prog_query_opts(cg, t, &qo); });
        __u32 pid = 0;
        bpf_prog_info pi{};
        __u32 len = sizeof(pi);
        if (!bpf_prog_get_info_by_fd(p, &pi, &len))
            pid = pi.id;
        if (o.status == Status::Ok && (qo.count != 1 || qids[0] != pid))
            o = failed("query does not list the attached program");
        set("bpf_prog_query_opts", o);
        set("bpf_prog_detach_opts", call([&] { return bpf_prog_detach_opts(p, cg, t, nullptr); }));
    }

    void links()
    {
        if (env_.cgroup_fd < 0 || !cgskb_.ok() || !cgskb2_.ok()) {
            set_all({"bpf_link_create", "bpf_link_update", "bpf_link_get_info_by_fd", "bpf_link_detach"},
                    unavailable(env_.cgroup_fd < 0 ? "no cgroup: " + env_.cgroup_note : "no program"));
            return;
        }
        int fd = -1;
        Outcome o = call([&] { return bpf_link_create(cgskb_.get(), env_.cgroup_fd, BPF_CGROUP_INET_INGRESS, nullptr); },
                         &fd);
        cg_link_.reset(fd);
        set("bpf_link_create", o);
        if (!cg_link_.ok()) {
            set_all({"bpf_link_update", "bpf_link_get_info_by_fd", "bpf_link_detach"}, unavailable("no link"));
            return;
        }
        set("bpf_link_update", call([&] { return bpf_link_update(cg_link_.get(), cgskb2_.get(), nullptr); }));
        bpf_link_info li{};
        __u32 len = sizeof(li);
        o = call([&] { return bpf_link_get_info_by_fd(cg_link_.get(), &li, &len); });
        bpf_prog_info pi{};
        __u32 plen = sizeof(pi);
        bpf_prog_get_info_by_fd(cgskb2_.get(), &pi, &plen);
        if (o.status == Status::Ok && (li.type != BPF_LINK_TYPE_CGROUP || li.prog_id != pi.id))
            o = failed("info does not show the updated cgroup link");
        link_id_ = li.id;
        set("bpf_link_get_info_by_fd", o);
    }

    void iterator()
    {
        vmlinux_btf::VmlinuxBtf vmlinux;
        __u32 target = vmlinux.ok() ? vmlinux.find("bpf_iter_bpf_map", vmlinux_btf::kBtfKindFunc) : 0;
        if (!target) {
            set("bpf_iter_create", {Status::Unsupported, "no bpf_iter_bpf_map in /sys/kernel/btf/vmlinux"});
            return;
        }
        ReturnProg zero(0);
        LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_ITER, .attach_btf_id = target);
        Fd prog(bpf_prog_load(BPF_PROG_TYPE_TRACING, "chk_iter", "GPL", zero.insns, 2, &o));
        if (!prog.ok()) {
            set("bpf_iter_create", judge(-errno, errno));
            return;
        }
        Fd link(bpf_link_create(prog.get(), 0, BPF_TRACE_ITER, nullptr));
        if (!link.ok()) {
            set("bpf_iter_create", unavailable("iterator link: " + errname(errno)));
            return;
        }
        int fd = -1;
        Outcome out = call([&] { return bpf_iter_create(link.get()); }, &fd);
        if (fd >= 0) {
            char buf[64];
            if (read(fd, buf, sizeof(buf)) != 0)
                out = failed("an iterator that prints nothing gave bytes");
            close(fd);
        }
        set("bpf_iter_create", out);
    }

    void raw_tracepoint()
    {
        ReturnProg zero(0);
        Fd prog(bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "chk_rawtp", "GPL", zero.insns, 2, nullptr));
        if (!prog.ok()) {
            set_all({"bpf_raw_tracepoint_open", "bpf_raw_tracepoint_open_opts", "bpf_task_fd_query"},
                    unavailable("raw tracepoint program: " + errname(errno)));
            return;
        }
        // Rare events: the programs run (and do nothing) only when a task is renamed or created.
        int fd = -1;
        set("bpf_raw_tracepoint_open", call([&] { return bpf_raw_tracepoint_open("task_rename", prog.get()); }, &fd));
        rawtp_link_.reset(fd);
        LIBBPF_OPTS(bpf_raw_tp_opts, ro, .tp_name = "task_newtask");
        int fd2 = -1;
        set("bpf_raw_tracepoint_open_opts", call([&] { return bpf_raw_tracepoint_open_opts(prog.get(), &ro); }, &fd2));
        if (fd2 >= 0)
            close(fd2);
        if (!rawtp_link_.ok()) {
            set("bpf_task_fd_query", unavailable("no raw tracepoint fd"));
            return;
        }
        char buf[64] = {};
        __u32 len = sizeof(buf), prog_id = 0, fd_type = 0;
        __u64 off = 0, addr = 0;
        Outcome o = call([&] {
            return bpf_task_fd_query(getpid(), rawtp_link_.get(), 0, buf, &len, &prog_id, &fd_type, &off, &addr);
        });
        if (o.status == Status::Ok && (fd_type != BPF_FD_TYPE_RAW_TRACEPOINT || std::strcmp(buf, "task_rename") != 0))
            o = failed(std::string("fd_type ") + std::to_string(fd_type) + " name " + buf);
        set("bpf_task_fd_query", o);
        if (!link_id_) {
            bpf_link_info li{};
            __u32 ll = sizeof(li);
            if (!bpf_link_get_info_by_fd(rawtp_link_.get(), &li, &ll))
                link_id_ = li.id;
        }
    }

    // Walks ids from 0 until `want` is found.
    template <class Next>
    Outcome walk(Next next, __u32 want)
    {
        __u32 id = 0;
        for (int i = 0; i < 1000000; i++) {
            errno = kErrnoCanary;
            int r = next(id, &id);
            int e = errno;
            if (r != 0) {
                Outcome o = judge(r, e);
                return o.status == Status::Failed && r == -ENOENT && e == ENOENT
                           ? failed("id " + std::to_string(want) + " not found")
                           : o;
            }
            if (id == want || !want)
                return ok();
        }
        return failed("no end");
    }

    template <class Get>
    Outcome by_id(Get get, __u32 id, const char *what)
    {
        if (!id)
            return unavailable(std::string("no ") + what + " of ours");
        int fd = -1;
        Outcome o = call([&] { return get(id); }, &fd);
        if (fd >= 0)
            close(fd);
        return o;
    }

    void ids()
    {
        set("bpf_prog_get_next_id", walk(bpf_prog_get_next_id, prog_id_));
        set("bpf_map_get_next_id", walk(bpf_map_get_next_id, map_id_));
        set("bpf_btf_get_next_id", walk(bpf_btf_get_next_id, btf_id_));
        set("bpf_link_get_next_id", walk(bpf_link_get_next_id, link_id_));

        LIBBPF_OPTS(bpf_get_fd_by_id_opts, o);
        LIBBPF_OPTS(bpf_get_fd_by_id_opts, rdonly, .open_flags = BPF_F_RDONLY);
        set("bpf_prog_get_fd_by_id", by_id([](__u32 i) { return bpf_prog_get_fd_by_id(i); }, prog_id_, "program"));
        set("bpf_prog_get_fd_by_id_opts",
            by_id([&](__u32 i) { return bpf_prog_get_fd_by_id_opts(i, &o); }, prog_id_, "program"));
        set("bpf_map_get_fd_by_id", by_id([](__u32 i) { return bpf_map_get_fd_by_id(i); }, map_id_, "map"));
        set("bpf_map_get_fd_by_id_opts",
            by_id([&](__u32 i) { return bpf_map_get_fd_by_id_opts(i, &rdonly); }, map_id_, "map"));
        set("bpf_btf_get_fd_by_id", by_id([](__u32 i) { return bpf_btf_get_fd_by_id(i); }, btf_id_, "BTF"));
        set("bpf_btf_get_fd_by_id_opts",
            by_id([&](__u32 i) { return bpf_btf_get_fd_by_id_opts(i, &o); }, btf_id_, "BTF"));
        set("bpf_link_get_fd_by_id", by_id([](__u32 i) { return bpf_link_get_fd_by_id(i); }, link_id_, "link"));
        set("bpf_link_get_fd_by_id_opts",
            by_id([&](__u32 i) { return bpf_link_get_fd_by_id_opts(i, &o); }, link_id_, "link"));

        // Last: detaching the cgroup link ends it.
        if (cg_link_.ok()) {
            Outcome d = call([&] { return bpf_link_detach(cg_link_.get()); });
            bpf_link_info li{};
            __u32 len = sizeof(li);
            if (d.status == Status::Ok && (bpf_link_get_info_by_fd(cg_link_.get(), &li, &len) != 0 ||
                                           li.cgroup.cgroup_id != 0))
                d = failed("the link is still attached");
            set("bpf_link_detach", d);
        }
    }
};

const char *kFunctions[] = {
#define SYSBPF_FN(name, params) #name,
#include "trace/functions.def"
#undef SYSBPF_FN
};

const char *label(Status s)
{
    switch (s) {
    case Status::Ok: return "ok";
    case Status::Unsupported: return "not supported by this kernel";
    case Status::Unavailable: return "unavailable here";
    case Status::Failed: return "FAILED";
    }
    return "?";
}

} // namespace

int check_main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
            std::fputs(kHelp, stdout);
            return 0;
        }
        return usage_error("check", (std::string("unexpected argument '") + argv[i] + "'").c_str());
    }
    utsname u{};
    uname(&u);
    std::printf("sysbpf check: libbpf %d.%d bpf.h API on Linux %s (%s)\n", LIBBPF_MAJOR_VERSION,
                LIBBPF_MINOR_VERSION, u.release, u.machine);
    std::fflush(stdout);

    std::map<std::string, Outcome> results;
    {
        Checker c;
        c.run();
        results = std::move(c.results);
    }

    int counts[4] = {};
    std::printf("%-40s %s\n", "function", "result");
    for (const char *fn : kFunctions) {
        auto it = results.find(fn);
        Outcome o = it != results.end() ? it->second : failed("not exercised by sysbpf check");
        counts[static_cast<int>(o.status)]++;
        std::printf("%-40s %s%s%s%s\n", fn, label(o.status), o.detail.empty() ? "" : " (",
                    o.detail.c_str(), o.detail.empty() ? "" : ")");
    }
    std::printf("%zu functions: %d ok, %d not supported by this kernel, %d unavailable here, %d failed\n",
                sizeof(kFunctions) / sizeof(kFunctions[0]), counts[0], counts[1], counts[2], counts[3]);
    return counts[3] ? 1 : 0;
}

} // namespace sysbpf_tool
