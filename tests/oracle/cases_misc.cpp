// bpf_prog_test_run_opts, bpf_task_fd_query, bpf_enable_stats,
// bpf_prog_bind_map, bpf_token_create, bpf_prog_stream_read,
// bpf_prog_assoc_struct_ops, libbpf_set_memlock_rlim.
#include "driver.hpp"

#include <cstdio>

#include <unistd.h>

namespace oracle {

void cases_misc()
{
    // Test runs of the socket filter: data in and out, ctx, repeat, flags.
    static unsigned char pkt[64], out[128], ctx_in[sizeof(__sk_buff)], ctx_out[sizeof(__sk_buff)];
    for (size_t i = 0; i < sizeof pkt; i++)
        pkt[i] = static_cast<unsigned char>(i);
    pkt[12] = 0x08; // ethertype IPv4
    pkt[13] = 0x00;
    enum { Zero, Data, DataOut, SmallOut, Ctx, Repeat, Flags, Cpu, Batch, Every, Fills };
    const char *fills[] = {"zero", "data", "data_out", "small_out", "ctx", "repeat", "flags", "cpu", "batch", "every"};
    for (const Shape &s : shapes({80}, sizeof(bpf_test_run_opts)))
        for (int f = Zero; f < Fills; f++) {
            std::memset(out, 0xaa, sizeof out);
            std::memset(ctx_in, 0, sizeof ctx_in);
            std::memset(ctx_out, 0xbb, sizeof ctx_out);
            OptsBuf ob;
            ob.clear();
            auto *o = ob.as<bpf_test_run_opts>();
            if (f != Zero) {
                o->data_in = pkt;
                o->data_size_in = sizeof pkt;
            }
            if (f == DataOut || f == Every) {
                o->data_out = out;
                o->data_size_out = sizeof out;
            }
            if (f == SmallOut) {
                o->data_out = out;
                o->data_size_out = 8;
            }
            if (f == Ctx || f == Every) {
                o->ctx_in = ctx_in;
                o->ctx_size_in = sizeof ctx_in;
                o->ctx_out = ctx_out;
                o->ctx_size_out = sizeof ctx_out;
            }
            if (f == Repeat || f == Every)
                o->repeat = 3;
            if (f == Flags)
                o->flags = BPF_F_TEST_RUN_ON_CPU;
            if (f == Cpu)
                o->cpu = 1;
            if (f == Batch)
                o->batch_size = 4;
            o->retval = 0x1234;
            o->duration = 0x5678;
            begin("prog_test_run_opts %s fill=%s", s.name, fills[f]);
            reg("pkt", pkt, sizeof pkt);
            reg("out", out, sizeof out);
            reg("ctx_in", ctx_in, sizeof ctx_in);
            reg("ctx_out", ctx_out, sizeof ctx_out);
            auto *p = ob.apply<bpf_test_run_opts>(s);
            ORACLE_CALL(bpf_prog_test_run_opts(fx.prog, p));
            if (p)
                o->duration = o->duration ? 1 : 0; // time taken varies
            ob.show(s, sizeof(bpf_test_run_opts));
            dump("out", out, sizeof out);
            dump("ctx_out", ctx_out, sizeof ctx_out);
        }
    for (int fd : {-1, fx.array_map, fx.xdp_prog}) {
        LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof pkt);
        begin("prog_test_run_opts fd=%s", fd < 0 ? "bad" : fd == fx.xdp_prog ? "xdp" : "map");
        reg("pkt", pkt, sizeof pkt);
        ORACLE_CALL(bpf_prog_test_run_opts(fd, &o));
        o.duration = o.duration ? 1 : 0;
        dump("opts", &o, sizeof o);
    }

    // task_fd_query: fds that are not perf events, and bad pids.
    for (int pid : {0, static_cast<int>(getpid()), -1, 0x3fffffff})
        for (int fd : {fx.prog, -1, 0})
            for (uint32_t flags : {0u, 1u}) {
                static char buf[64];
                uint32_t buf_len = sizeof buf, prog_id = 7, fd_type = 7;
                __u64 off = 7, addr = 7;
                std::memset(buf, 'q', sizeof buf);
                begin("task_fd_query pid=%s fd=%d flags=%u", pid == 0 ? "0" : pid == -1 ? "-1" : pid > 0x10000000 ? "none" : "self",
                      fd, flags);
                reg("buf", buf, sizeof buf);
                ORACLE_CALL(bpf_task_fd_query(pid == 1 ? 1 : pid, fd, flags, buf, &buf_len, &prog_id, &fd_type, &off, &addr));
                emit("buf_len=%u prog_id=%u fd_type=%u off=%llu addr=%llu", buf_len, id_ordinal(IdKind::Prog, prog_id), fd_type,
                     (unsigned long long)off, (unsigned long long)addr);
                dump("buf", buf, sizeof buf);
            }

    for (int type : {0, 1, -1, 100}) {
        begin("enable_stats type=%d", type);
        drop(ORACLE_CALL(bpf_enable_stats(static_cast<bpf_stats_type>(type))));
    }

    for (const Shape &s : shapes({12, 16}, sizeof(bpf_prog_bind_opts)))
        for (uint32_t flags : {0u, 1u})
            for (int map : {fx.array_map, fx.prog, -1}) {
                OptsBuf ob;
                ob.clear();
                ob.as<bpf_prog_bind_opts>()->flags = flags;
                begin("prog_bind_map %s flags=%u map=%s", s.name, flags, map == fx.array_map ? "array" : map < 0 ? "bad" : "prog");
                auto *p = ob.apply<bpf_prog_bind_opts>(s);
                ORACLE_CALL(bpf_prog_bind_map(fx.prog, map, p));
                ob.show(s, sizeof(bpf_prog_bind_opts));
            }

    // Tokens: the bpffs here has no delegation (EPERM/ENOENT); in a user
    // namespace see cases_unprivileged.
    for (const Shape &s : shapes({12, 16}, sizeof(bpf_token_create_opts)))
        for (uint32_t flags : {0u, 1u})
            for (int fd : {fx.bpffs, fx.cgroup, -1}) {
                OptsBuf ob;
                ob.clear();
                ob.as<bpf_token_create_opts>()->flags = flags;
                begin("token_create %s flags=%u fd=%s", s.name, flags, fd == fx.bpffs ? "bpffs" : fd < 0 ? "bad" : "cgroup");
                auto *p = ob.apply<bpf_token_create_opts>(s);
                drop(ORACLE_CALL(bpf_token_create(fd, p)));
                ob.show(s, sizeof(bpf_token_create_opts));
            }

    for (const Shape &s : shapes({8}, sizeof(bpf_prog_stream_read_opts)))
        for (uint32_t stream : {1u, 2u, 3u})
            for (uint32_t len : {0u, 16u, 256u}) {
                static char buf[256];
                std::memset(buf, 'z', sizeof buf);
                OptsBuf ob;
                ob.clear();
                begin("prog_stream_read %s stream=%u len=%u", s.name, stream, len);
                reg("buf", buf, sizeof buf);
                auto *p = ob.apply<bpf_prog_stream_read_opts>(s);
                ORACLE_CALL(bpf_prog_stream_read(fx.prog, stream, len ? buf : nullptr, len, p));
                dump("buf", buf, 32);
            }

    for (const Shape &s : shapes({12, 16}, sizeof(bpf_prog_assoc_struct_ops_opts)))
        for (uint32_t flags : {0u, 1u})
            for (int map : {fx.array_map, -1}) {
                OptsBuf ob;
                ob.clear();
                ob.as<bpf_prog_assoc_struct_ops_opts>()->flags = flags;
                begin("prog_assoc_struct_ops %s flags=%u map=%s", s.name, flags, map < 0 ? "bad" : "array");
                auto *p = ob.apply<bpf_prog_assoc_struct_ops_opts>(s);
                ORACLE_CALL(bpf_prog_assoc_struct_ops(fx.prog, map, p));
                ob.show(s, sizeof(bpf_prog_assoc_struct_ops_opts));
            }

    // After creates on a kernel that charges memcg: never -EBUSY.
    for (size_t bytes : {(size_t)0, (size_t)1 << 20, (size_t)-1}) {
        begin("set_memlock_rlim %zu", bytes);
        ORACLE_CALL(libbpf_set_memlock_rlim(bytes));
    }
}

} // namespace oracle
