// The get_next_id, get_fd_by_id (and _opts) and info calls.
#include "driver.hpp"

#include <cstdio>

namespace oracle {

namespace {

void show_prog_info(bpf_prog_info &i)
{
    i.id = id_ordinal(IdKind::Prog, i.id);
    i.btf_id = id_ordinal(IdKind::Btf, i.btf_id);
    i.load_time = 0;
    i.run_time_ns = 0;
    i.run_cnt = 0;
    dump("prog_info", &i, sizeof i);
}

void show_map_info(bpf_map_info &i)
{
    i.id = id_ordinal(IdKind::Map, i.id);
    i.btf_id = id_ordinal(IdKind::Btf, i.btf_id);
    dump("map_info", &i, sizeof i);
}

} // namespace

void cases_ids_info()
{
    bpf_attr la{};
    la.link_create.prog_fd = static_cast<uint32_t>(fx.cgskb_prog);
    la.link_create.target_fd = static_cast<uint32_t>(fx.cgroup);
    la.link_create.attach_type = BPF_CGROUP_INET_INGRESS;
    const long link = raw_bpf(BPF_LINK_CREATE, &la, sizeof la);
    typedef int (*NextId)(__u32, __u32 *);
    struct Next {
        const char *name;
        NextId fn;
    } nexts[] = {
        {"prog", bpf_prog_get_next_id},
        {"map", bpf_map_get_next_id},
        {"btf", bpf_btf_get_next_id},
        {"link", bpf_link_get_next_id},
    };
    for (const Next &n : nexts)
        // From 0 there is always a next one (ours, held here); what follows
        // another id depends on other processes, so only 0 and past the end.
        for (uint32_t start : {0u, 0xfffffff0u}) {
            uint32_t next = 0xabababab;
            begin("%s_get_next_id start=%s", n.name, start == 0 ? "0" : "max");
            reg("next", &next, sizeof next);
            ORACLE_CALL(n.fn(start, &next));
            // Another process's object may come next: only whether one did.
            emit("next %s", next == 0xabababab ? "untouched" : next ? "set" : "zero");
        }
    drop(link);

    typedef int (*ById)(__u32);
    typedef int (*ByIdOpts)(__u32, const bpf_get_fd_by_id_opts *);
    struct Get {
        const char *name;
        ById fn;
        ByIdOpts opts_fn;
        uint32_t own;
    } gets[] = {
        {"prog", bpf_prog_get_fd_by_id, bpf_prog_get_fd_by_id_opts, fx.prog_id},
        {"map", bpf_map_get_fd_by_id, bpf_map_get_fd_by_id_opts, fx.map_id},
        {"btf", bpf_btf_get_fd_by_id, bpf_btf_get_fd_by_id_opts, fx.btf_id},
        {"link", bpf_link_get_fd_by_id, bpf_link_get_fd_by_id_opts, 0x7ffffff0u},
    };
    for (const Get &g : gets) {
        for (uint32_t id : {g.own, 0u, 0x7ffffff1u}) {
            begin("%s_get_fd_by_id %s", g.name, id == g.own ? "own" : id ? "none" : "0");
            drop(ORACLE_CALL(g.fn(id)));
        }
        for (const Shape &s : shapes({12, 16}, sizeof(bpf_get_fd_by_id_opts)))
            for (uint32_t flags : {0u, (uint32_t)BPF_F_RDONLY, (uint32_t)BPF_F_WRONLY, 0x80u})
                for (int token = 0; token < 2; token++) {
                    OptsBuf ob;
                    ob.clear();
                    ob.as<bpf_get_fd_by_id_opts>()->open_flags = flags;
                    if (token)
                        ob.as<bpf_get_fd_by_id_opts>()->token_fd = static_cast<uint32_t>(fx.bpffs);
                    begin("%s_get_fd_by_id_opts %s flags=%u token=%d", g.name, s.name, flags, token);
                    auto *p = ob.apply<bpf_get_fd_by_id_opts>(s);
                    drop(ORACLE_CALL(g.opts_fn(g.own, p)));
                    ob.show(s, sizeof(bpf_get_fd_by_id_opts));
                }
    }

    // Info: each kind, with info_len smaller, equal and larger than the
    // kernel's struct, through the typed and the generic call.
    for (uint32_t len : {0u, 4u, 16u, (uint32_t)sizeof(bpf_prog_info), (uint32_t)sizeof(bpf_prog_info) + 32}) {
        static unsigned char buf[512];
        static uint32_t map_ids[4];
        bpf_prog_info *pi = reinterpret_cast<bpf_prog_info *>(buf);
        std::memset(buf, 0, sizeof buf);
        std::memset(map_ids, 0, sizeof map_ids);
        if (len > 40) {
            pi->nr_map_ids = 4;
            pi->map_ids = reinterpret_cast<uintptr_t>(map_ids);
        }
        uint32_t l = len;
        begin("prog_get_info_by_fd len=%u", len);
        reg("info", buf, sizeof buf);
        reg("map_ids", map_ids, sizeof map_ids);
        ORACLE_CALL(bpf_prog_get_info_by_fd(fx.prog, pi, &l));
        emit("len=%u", l);
        show_prog_info(*pi);
        std::memset(buf, 0, sizeof buf);
        l = len;
        begin("obj_get_info_by_fd map len=%u", len);
        reg("info", buf, sizeof buf);
        ORACLE_CALL(bpf_obj_get_info_by_fd(fx.hash_map, buf, &l));
        emit("len=%u", l);
        show_map_info(*reinterpret_cast<bpf_map_info *>(buf));
        std::memset(buf, 0, sizeof buf);
        l = len;
        begin("map_get_info_by_fd len=%u", len);
        reg("info", buf, sizeof buf);
        ORACLE_CALL(bpf_map_get_info_by_fd(fx.array_map, reinterpret_cast<bpf_map_info *>(buf), &l));
        emit("len=%u", l);
        show_map_info(*reinterpret_cast<bpf_map_info *>(buf));
        static unsigned char btf_copy[256];
        static char btf_name[32];
        std::memset(buf, 0, sizeof buf);
        std::memset(btf_copy, 0, sizeof btf_copy);
        auto *bi = reinterpret_cast<bpf_btf_info *>(buf);
        if (len >= 16) {
            bi->btf = reinterpret_cast<uintptr_t>(btf_copy);
            bi->btf_size = sizeof btf_copy;
        }
        if (len >= 32) {
            bi->name = reinterpret_cast<uintptr_t>(btf_name);
            bi->name_len = sizeof btf_name;
        }
        l = len;
        begin("btf_get_info_by_fd len=%u", len);
        reg("info", buf, sizeof buf);
        reg("btf_copy", btf_copy, sizeof btf_copy);
        reg("btf_name", btf_name, sizeof btf_name);
        ORACLE_CALL(bpf_btf_get_info_by_fd(fx.btf, bi, &l));
        emit("len=%u", l);
        bi->id = id_ordinal(IdKind::Btf, bi->id);
        dump("btf_info", bi, sizeof *bi);
        dump("btf_copy", btf_copy, sizeof btf_copy);
        for (int fd : {-1, fx.netns}) {
            l = len;
            std::memset(buf, 0, sizeof buf);
            begin("obj_get_info_by_fd fd=%s len=%u", fd < 0 ? "bad" : "netns", len);
            reg("info", buf, sizeof buf);
            ORACLE_CALL(bpf_obj_get_info_by_fd(fd, buf, &l));
            emit("len=%u", l);
        }
        // A prog fd given to the map call: the kernel answers by the fd's kind.
        l = len;
        std::memset(buf, 0, sizeof buf);
        begin("map_get_info_by_fd on prog len=%u", len);
        reg("info", buf, sizeof buf);
        ORACLE_CALL(bpf_map_get_info_by_fd(fx.prog, reinterpret_cast<bpf_map_info *>(buf), &l));
        emit("len=%u", l);
    }
}

} // namespace oracle
