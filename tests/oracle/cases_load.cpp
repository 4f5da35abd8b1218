// bpf_prog_load and bpf_btf_load: names, logs, the func_info E2BIG retry,
// attempts, every opts field and sz shape.
#include "driver.hpp"

#include <cstdio>

namespace oracle {

namespace {

const char kGpl[] = "GPL";
// No exit: the verifier refuses it and writes a log.
const bpf_insn kNoExit[1] = {{BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0}};

struct LogBuf {
    char b[4096];
};

} // namespace

void cases_prog_load()
{
    const char *names[] = {nullptr, "", "p", "prog_fifteen_ab", "name_longer_than_fifteen", "bad-char"};
    struct Type {
        const char *name;
        bpf_prog_type type;
    } types[] = {
        {"socket_filter", BPF_PROG_TYPE_SOCKET_FILTER}, {"xdp", BPF_PROG_TYPE_XDP},
        {"cgroup_skb", BPF_PROG_TYPE_CGROUP_SKB}, {"bad_type", static_cast<bpf_prog_type>(9999)},
    };
    for (const Type &t : types)
        for (const char *name : names)
            for (int bad = 0; bad < 2; bad++) {
                begin("prog_load %s name=%s insns=%s", t.name, name ? name : "NULL", bad ? "noexit" : "ret0");
                if (name)
                    reg("name", name, std::strlen(name) + 1);
                reg("license", kGpl, sizeof kGpl);
                reg("insns", bad ? kNoExit : kRet0, bad ? sizeof kNoExit : sizeof kRet0);
                drop(ORACLE_CALL(bpf_prog_load(t.type, name, kGpl, bad ? kNoExit : kRet0, bad ? 1 : 2, nullptr)));
            }
    begin("prog_load NULL license");
    reg("insns", kRet0, sizeof kRet0);
    drop(ORACLE_CALL(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "x", nullptr, kRet0, 2, nullptr)));
    begin("prog_load NULL insns");
    drop(ORACLE_CALL(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "x", kGpl, nullptr, 2, nullptr)));
    begin("prog_load insn_cnt 0");
    reg("insns", kRet0, sizeof kRet0);
    drop(ORACLE_CALL(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "x", kGpl, kRet0, 0, nullptr)));
    begin("prog_load insn_cnt > UINT_MAX");
    reg("insns", kRet0, sizeof kRet0);
    drop(ORACLE_CALL(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "x", kGpl, kRet0, 1ull << 32 | 2, nullptr)));

    // Logs: level x buffer x size x program that loads or not.
    for (unsigned level : {0u, 1u, 2u, 3u, 8u})
        for (unsigned size : {0u, 16u, 4096u})
            for (int buf = 0; buf < 2; buf++)
                for (int bad = 0; bad < 2; bad++) {
                    static LogBuf log;
                    std::memset(log.b, 'x', sizeof log.b);
                    OptsBuf ob;
                    ob.clear();
                    auto *o = ob.as<bpf_prog_load_opts>();
                    o->sz = sizeof *o;
                    o->log_level = level;
                    o->log_size = size;
                    o->log_buf = buf ? log.b : nullptr;
                    o->log_true_size = 0xdead;
                    begin("prog_load log level=%u size=%u buf=%d insns=%s", level, size, buf, bad ? "noexit" : "ret0");
                    reg("log", log.b, sizeof log.b);
                    reg("license", kGpl, sizeof kGpl);
                    reg("insns", bad ? kNoExit : kRet0, bad ? sizeof kNoExit : sizeof kRet0);
                    drop(ORACLE_CALL(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "logged", kGpl, bad ? kNoExit : kRet0,
                                                   bad ? 1 : 2, o)));
                    emit("log_true_size=%u", o->log_true_size);
                    text("log", log.b, sizeof log.b);
                }

    // func_info with records larger than the kernel's: E2BIG, the kernel
    // names its record size, the library retries with zero-tailed copies.
    struct FuncInfo {
        uint32_t insn_off, type_id, extra;
    };
    for (uint32_t extra : {0u, 7u})
        for (uint32_t rec : {8u, 12u, 4u}) {
            static FuncInfo fi[1];
            fi[0] = {0, 3, extra};
            OptsBuf ob;
            ob.clear();
            auto *o = ob.as<bpf_prog_load_opts>();
            o->sz = sizeof *o;
            o->prog_btf_fd = static_cast<uint32_t>(fx.btf);
            o->func_info = fi;
            o->func_info_cnt = 1;
            o->func_info_rec_size = rec;
            begin("prog_load func_info rec=%u tail=%u", rec, extra);
            reg("func_info", fi, sizeof fi);
            reg("license", kGpl, sizeof kGpl);
            reg("insns", kRet0, sizeof kRet0);
            drop(ORACLE_CALL(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "main", kGpl, kRet0, 2, o)));
            emit("log_true_size=%u", o->log_true_size);
            // line_info the same way: one record, 16 bytes in the kernel.
            static uint32_t li[5];
            li[0] = 0;
            li[1] = 1;
            li[2] = 0;
            li[3] = 0;
            li[4] = extra;
            o->line_info = li;
            o->line_info_cnt = 1;
            o->line_info_rec_size = rec + 8;
            begin("prog_load line_info rec=%u tail=%u", rec + 8, extra);
            reg("func_info", fi, sizeof fi);
            reg("line_info", li, sizeof li);
            reg("license", kGpl, sizeof kGpl);
            reg("insns", kRet0, sizeof kRet0);
            drop(ORACLE_CALL(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "main", kGpl, kRet0, 2, o)));
        }

    // Every sz shape with each group of fields set.
    static int fd_array[2];
    fd_array[0] = fx.array_map;
    fd_array[1] = fx.hash_map;
    static LogBuf log;
    const char *fills[] = {"zero", "attempts", "attach", "flags", "both_attach", "fd_array", "log", "token", "neg_attempts", "everything"};
    for (const Shape &s : shapes({104, 108, 112, 116, 120}, sizeof(bpf_prog_load_opts)))
        for (int f = 0; f < 10; f++) {
            OptsBuf ob;
            ob.clear();
            auto *o = ob.as<bpf_prog_load_opts>();
            bool all = f == 9;
            if (f == 1 || all)
                o->attempts = 2;
            if (f == 2 || all) {
                o->expected_attach_type = BPF_CGROUP_INET_EGRESS;
                o->attach_btf_id = 0;
                o->attach_prog_fd = 0;
                o->attach_btf_obj_fd = 0;
                o->kern_version = 0x60100;
            }
            if (f == 3 || all) {
                o->prog_flags = BPF_F_STRICT_ALIGNMENT;
                o->prog_ifindex = 0;
                o->prog_btf_fd = static_cast<uint32_t>(fx.btf);
            }
            if (f == 4) {
                o->attach_prog_fd = static_cast<uint32_t>(fx.prog);
                o->attach_btf_obj_fd = static_cast<uint32_t>(fx.btf);
            }
            if (f == 5 || all) {
                o->fd_array = fd_array;
                o->fd_array_cnt = 2;
            }
            if (f == 6 || all) {
                std::memset(log.b, 0, sizeof log.b);
                o->log_buf = log.b;
                o->log_size = sizeof log.b;
                o->log_level = 1;
                o->log_true_size = 77;
            }
            if (f == 7 || all)
                o->token_fd = static_cast<uint32_t>(fx.bpffs);
            if (f == 8)
                o->attempts = -1;
            begin("prog_load opts %s fill=%s", s.name, fills[f]);
            reg("opts", ob.b, sizeof ob.b);
            reg("fd_array", fd_array, sizeof fd_array);
            reg("log", log.b, sizeof log.b);
            reg("license", kGpl, sizeof kGpl);
            reg("insns", kRet0, sizeof kRet0);
            auto *p = ob.apply<bpf_prog_load_opts>(s);
            drop(ORACLE_CALL(bpf_prog_load(f == 2 || all ? BPF_PROG_TYPE_CGROUP_SKB : BPF_PROG_TYPE_SOCKET_FILTER,
                                           "shaped", kGpl, kRet0, 2, p)));
            ob.show(s, sizeof(bpf_prog_load_opts));
            if (f == 6 || all)
                text("log", log.b, sizeof log.b);
        }
}

void cases_btf_load()
{
    static unsigned char bad[sizeof(kBtfBlob)];
    std::memcpy(bad, kBtfBlob, sizeof bad);
    bad[0] = 0; // wrong magic
    static LogBuf log;
    for (int which = 0; which < 3; which++)
        for (unsigned level : {0u, 1u, 2u, 5u})
            for (unsigned size : {0u, 8u, 4096u})
                for (int buf = 0; buf < 2; buf++) {
                    std::memset(log.b, 'y', sizeof log.b);
                    OptsBuf ob;
                    ob.clear();
                    auto *o = ob.as<bpf_btf_load_opts>();
                    o->sz = sizeof *o;
                    o->log_buf = buf ? log.b : nullptr;
                    o->log_size = size;
                    o->log_level = level;
                    o->log_true_size = 0xbeef;
                    const void *data = which == 1 ? static_cast<const void *>(bad) : kBtfBlob;
                    size_t len = which == 2 ? 4 : sizeof kBtfBlob;
                    begin("btf_load %s level=%u size=%u buf=%d", which == 0 ? "good" : which == 1 ? "bad_magic" : "short",
                          level, size, buf);
                    reg("btf", data, sizeof kBtfBlob);
                    reg("log", log.b, sizeof log.b);
                    drop(ORACLE_CALL(bpf_btf_load(data, len, o)));
                    emit("log_true_size=%u", o->log_true_size);
                    text("log", log.b, sizeof log.b);
                }
    for (const Shape &s : shapes({24, 28, 32, 36, 40}, sizeof(bpf_btf_load_opts)))
        for (int f = 0; f < 4; f++) {
            OptsBuf ob;
            ob.clear();
            auto *o = ob.as<bpf_btf_load_opts>();
            if (f == 1 || f == 3) {
                std::memset(log.b, 0, sizeof log.b);
                o->log_buf = log.b;
                o->log_size = sizeof log.b;
                o->log_level = 1;
            }
            if (f == 2 || f == 3) {
                o->btf_flags = BPF_F_TOKEN_FD;
                o->token_fd = static_cast<uint32_t>(fx.bpffs);
            }
            begin("btf_load opts %s fill=%d", s.name, f);
            reg("btf", kBtfBlob, sizeof kBtfBlob);
            reg("log", log.b, sizeof log.b);
            auto *p = ob.apply<bpf_btf_load_opts>(s);
            drop(ORACLE_CALL(bpf_btf_load(kBtfBlob, sizeof kBtfBlob, p)));
            ob.show(s, sizeof(bpf_btf_load_opts));
        }
    begin("btf_load NULL data");
    drop(ORACLE_CALL(bpf_btf_load(nullptr, 40, nullptr)));
}

} // namespace oracle
