// bpf_map_create, the element calls and the batch calls.
#include "driver.hpp"

#include <cstdio>

#include <unistd.h>

namespace oracle {

namespace {

const char *const kNames[] = {nullptr, "", "m", "map_fifteen_abc", "name_longer_than_fifteen", "bad-char", "dot.ok_1"};

void create_case(const char *what, bpf_map_type type, const char *name, unsigned key, unsigned value,
                 unsigned max, const bpf_map_create_opts *opts)
{
    begin("map_create %s", what);
    if (name)
        reg("name", name, std::strlen(name) + 1);
    long fd = ORACLE_CALL(bpf_map_create(type, name, key, value, max, opts));
    drop(fd);
}

} // namespace

void cases_map_create()
{
    // The first create of the process (libbpf probes the kernel here).
    create_case("first", BPF_MAP_TYPE_ARRAY, "first", 4, 4, 1, nullptr);
    // 512 KiB: more than the 64 KiB RLIMIT_MEMLOCK kernels before 5.11
    // charge BPF memory to; refused EPERM there unless the limit is raised.
    create_case("above 64 KiB memlock", BPF_MAP_TYPE_ARRAY, "big", 4, 8, 1u << 16, nullptr);

    struct Kind {
        const char *name;
        bpf_map_type type;
        unsigned key, value, max;
    } kinds[] = {
        {"array", BPF_MAP_TYPE_ARRAY, 4, 8, 4},
        {"hash", BPF_MAP_TYPE_HASH, 4, 8, 16},
        {"percpu_array", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 2},
        {"lru_hash", BPF_MAP_TYPE_LRU_HASH, 8, 8, 16},
        {"ringbuf", BPF_MAP_TYPE_RINGBUF, 0, 0, 4096},
        {"queue", BPF_MAP_TYPE_QUEUE, 0, 8, 4},
        {"bloom", BPF_MAP_TYPE_BLOOM_FILTER, 0, 8, 4},
        {"bad_type", static_cast<bpf_map_type>(9999), 4, 8, 4},
        {"hash_key0", BPF_MAP_TYPE_HASH, 0, 8, 4},
        {"array_max0", BPF_MAP_TYPE_ARRAY, 4, 8, 0},
        {"array_huge_value", BPF_MAP_TYPE_ARRAY, 4, 1u << 31, 4},
    };
    char what[96];
    for (const Kind &k : kinds)
        for (const char *name : kNames) {
            std::snprintf(what, sizeof what, "%s name=%s", k.name, name ? name : "NULL");
            create_case(what, k.type, name, k.key, k.value, k.max, nullptr);
        }

    // Every sz shape, with the opts zero and with every field set.
    static const unsigned char hash[32] = {1, 2, 3};
    enum Fill { Zero, Btf, Flags, Extra, Token, Excl, Inner, Everything };
    const char *fill_names[] = {"zero", "btf", "flags", "extra", "token", "excl", "inner", "everything"};
    for (const Shape &s : shapes({48, 56, 68, 72}, sizeof(bpf_map_create_opts)))
        for (int f = Zero; f <= Everything; f++) {
            OptsBuf ob;
            ob.clear();
            auto *o = ob.as<bpf_map_create_opts>();
            if (f == Btf || f == Everything) {
                o->btf_fd = fx.btf;
                o->btf_key_type_id = 1;
            }
            if (f == Flags || f == Everything) {
                o->map_flags = BPF_F_NUMA_NODE | BPF_F_RDONLY_PROG;
                o->numa_node = 0;
            }
            if (f == Extra || f == Everything)
                o->map_extra = 3;
            if (f == Token || f == Everything)
                o->token_fd = static_cast<unsigned>(fx.bpffs);
            if (f == Excl || f == Everything) {
                o->excl_prog_hash = hash;
                o->excl_prog_hash_size = sizeof hash;
            }
            if (f == Inner || f == Everything) {
                o->inner_map_fd = static_cast<unsigned>(fx.array_map);
                o->btf_vmlinux_value_type_id = 0;
                o->value_type_btf_obj_fd = -1;
                o->map_ifindex = 0;
            }
            begin("map_create opts %s fill=%s", s.name, fill_names[f]);
            reg("hash", hash, sizeof hash);
            reg("opts", ob.b, sizeof ob.b);
            auto *p = ob.apply<bpf_map_create_opts>(s);
            long fd = ORACLE_CALL(bpf_map_create(f == Inner ? BPF_MAP_TYPE_ARRAY_OF_MAPS : BPF_MAP_TYPE_ARRAY,
                                                 "shaped", 4, f == Inner ? 4 : 8, 2, p));
            ob.show(s, sizeof(bpf_map_create_opts));
            drop(fd);
        }
}

void cases_map_elem()
{
    struct Target {
        const char *name;
        int fd;
    } targets[] = {
        {"array", fx.array_map}, {"hash", fx.hash_map}, {"prog_fd", fx.prog}, {"bad_fd", -1}, {"closed_fd", 1000},
    };
    const uint64_t flag_values[] = {BPF_ANY, BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK, 0x80};
    for (const Target &t : targets) {
        for (uint32_t key : {0u, 1u, 3u, 7u}) {
            for (uint64_t fl : flag_values) {
                uint32_t k = key;
                uint64_t v = 0x1122334455667788ull + key;
                begin("update %s key=%u flags=%llu", t.name, key, (unsigned long long)fl);
                reg("key", &k, sizeof k);
                reg("value", &v, sizeof v);
                ORACLE_CALL(bpf_map_update_elem(t.fd, &k, &v, fl));
            }
            uint32_t k = key, nk = 0xffffffff;
            uint64_t v = 0;
            begin("lookup %s key=%u", t.name, key);
            reg("key", &k, sizeof k);
            reg("value", &v, sizeof v);
            ORACLE_CALL(bpf_map_lookup_elem(t.fd, &k, &v));
            dump("value", &v, sizeof v);
            for (uint64_t fl : {0ull, (unsigned long long)BPF_F_LOCK, 0x40ull}) {
                begin("lookup_flags %s key=%u flags=%llu", t.name, key, (unsigned long long)fl);
                v = 0;
                reg("key", &k, sizeof k);
                reg("value", &v, sizeof v);
                ORACLE_CALL(bpf_map_lookup_elem_flags(t.fd, &k, &v, fl));
                dump("value", &v, sizeof v);
            }
            begin("get_next_key %s key=%u", t.name, key);
            reg("key", &k, sizeof k);
            reg("next", &nk, sizeof nk);
            ORACLE_CALL(bpf_map_get_next_key(t.fd, &k, &nk));
            dump("next", &nk, sizeof nk);
            begin("get_next_key %s NULL", t.name);
            reg("next", &nk, sizeof nk);
            ORACLE_CALL(bpf_map_get_next_key(t.fd, nullptr, &nk));
            dump("next", &nk, sizeof nk);
            begin("lookup_and_delete %s key=%u", t.name, key);
            v = 0;
            reg("key", &k, sizeof k);
            reg("value", &v, sizeof v);
            ORACLE_CALL(bpf_map_lookup_and_delete_elem(t.fd, &k, &v));
            dump("value", &v, sizeof v);
            for (uint64_t fl : {0ull, (unsigned long long)BPF_F_LOCK, 0x40ull}) {
                begin("lookup_and_delete_flags %s key=%u flags=%llu", t.name, key, (unsigned long long)fl);
                reg("key", &k, sizeof k);
                reg("value", &v, sizeof v);
                ORACLE_CALL(bpf_map_lookup_and_delete_elem_flags(t.fd, &k, &v, fl));
                dump("value", &v, sizeof v);
                begin("delete_flags %s key=%u flags=%llu", t.name, key, (unsigned long long)fl);
                reg("key", &k, sizeof k);
                ORACLE_CALL(bpf_map_delete_elem_flags(t.fd, &k, fl));
            }
            begin("delete %s key=%u", t.name, key);
            reg("key", &k, sizeof k);
            ORACLE_CALL(bpf_map_delete_elem(t.fd, &k));
        }
    }
    // A queue: NULL keys.
    bpf_attr a{};
    a.map_type = BPF_MAP_TYPE_QUEUE;
    a.value_size = 8;
    a.max_entries = 2;
    int q = static_cast<int>(raw_bpf(BPF_MAP_CREATE, &a, sizeof a));
    for (int i = 0; i < 3; i++) {
        uint64_t v = 100 + i;
        begin("queue push %d", i);
        reg("value", &v, sizeof v);
        ORACLE_CALL(bpf_map_update_elem(q, nullptr, &v, 0));
    }
    for (int i = 0; i < 3; i++) {
        uint64_t v = 0;
        begin("queue pop %d", i);
        reg("value", &v, sizeof v);
        ORACLE_CALL(bpf_map_lookup_and_delete_elem(q, nullptr, &v));
        dump("value", &v, sizeof v);
    }
    close(q);
    // Freeze.
    int fz = static_cast<int>(raw_bpf(BPF_MAP_CREATE, &(a = bpf_attr{}), 0));
    (void)fz;
    a = bpf_attr{};
    a.map_type = BPF_MAP_TYPE_ARRAY;
    a.key_size = 4;
    a.value_size = 4;
    a.max_entries = 1;
    int m = static_cast<int>(raw_bpf(BPF_MAP_CREATE, &a, sizeof a));
    for (int fd : {m, m, -1, fx.prog, fx.hash_map}) {
        begin("freeze fd=%s", fd == m ? "new" : fd == -1 ? "bad" : fd == fx.prog ? "prog" : "hash");
        ORACLE_CALL(bpf_map_freeze(fd));
        uint32_t k = 0, v = 5;
        begin("update after freeze");
        reg("key", &k, sizeof k);
        reg("value", &v, sizeof v);
        ORACLE_CALL(bpf_map_update_elem(fd, &k, &v, 0));
    }
    close(m);
}

void cases_map_batch()
{
    const int kN = 8;
    for (const Shape &s : shapes({24}, sizeof(bpf_map_batch_opts))) {
        for (int fill = 0; fill < 2; fill++) {
            bpf_attr a{};
            a.map_type = BPF_MAP_TYPE_HASH;
            a.key_size = 4;
            a.value_size = 8;
            a.max_entries = kN;
            a.map_flags = BPF_F_ZERO_SEED; // the same order in both runs
            int m = static_cast<int>(raw_bpf(BPF_MAP_CREATE, &a, sizeof a));
            uint32_t keys[kN];
            uint64_t values[kN];
            for (int i = 0; i < kN; i++) {
                keys[i] = static_cast<uint32_t>(i * 3);
                values[i] = 0xabc0 + static_cast<uint64_t>(i);
            }
            OptsBuf ob;
            ob.clear();
            if (fill) {
                ob.as<bpf_map_batch_opts>()->elem_flags = BPF_NOEXIST;
                ob.as<bpf_map_batch_opts>()->flags = 0;
            }
            auto *o = ob.apply<bpf_map_batch_opts>(s);
            uint32_t count = 5;
            begin("update_batch %s fill=%d", s.name, fill);
            reg("keys", keys, sizeof keys);
            reg("values", values, sizeof values);
            reg("count", &count, sizeof count);
            ORACLE_CALL(bpf_map_update_batch(m, keys, values, &count, o));
            emit("count=%u", count);
            ob.show(s, sizeof(bpf_map_batch_opts));

            uint32_t out_keys[kN] = {}, in_batch = 0, out_batch = 0;
            uint64_t out_values[kN] = {};
            count = 3;
            begin("lookup_batch first %s fill=%d", s.name, fill);
            reg("keys", out_keys, sizeof out_keys);
            reg("values", out_values, sizeof out_values);
            reg("count", &count, sizeof count);
            reg("out_batch", &out_batch, sizeof out_batch);
            ORACLE_CALL(bpf_map_lookup_batch(m, nullptr, &out_batch, out_keys, out_values, &count, o));
            emit("count=%u", count);
            dump("keys", out_keys, sizeof out_keys);
            dump("values", out_values, sizeof out_values);
            dump("out_batch", &out_batch, sizeof out_batch);
            in_batch = out_batch;
            count = kN;
            begin("lookup_batch next %s fill=%d", s.name, fill);
            reg("keys", out_keys, sizeof out_keys);
            reg("values", out_values, sizeof out_values);
            reg("count", &count, sizeof count);
            reg("in_batch", &in_batch, sizeof in_batch);
            reg("out_batch", &out_batch, sizeof out_batch);
            ORACLE_CALL(bpf_map_lookup_batch(m, &in_batch, &out_batch, out_keys, out_values, &count, o));
            emit("count=%u", count);
            dump("keys", out_keys, sizeof out_keys);
            count = 2;
            begin("lookup_and_delete_batch %s fill=%d", s.name, fill);
            reg("keys", out_keys, sizeof out_keys);
            reg("values", out_values, sizeof out_values);
            reg("count", &count, sizeof count);
            reg("out_batch", &out_batch, sizeof out_batch);
            ORACLE_CALL(bpf_map_lookup_and_delete_batch(m, nullptr, &out_batch, out_keys, out_values, &count, o));
            emit("count=%u", count);
            count = kN;
            begin("delete_batch %s fill=%d", s.name, fill);
            reg("keys", keys, sizeof keys);
            reg("count", &count, sizeof count);
            ORACLE_CALL(bpf_map_delete_batch(m, keys, &count, o));
            emit("count=%u", count);
            close(m);
        }
    }
    // Arrays refuse lookup_and_delete_batch and delete_batch; bad fds.
    for (int fd : {fx.array_map, -1, fx.prog}) {
        uint32_t keys[2] = {0, 1}, count = 2, ob = 0;
        uint64_t values[2] = {1, 2};
        begin("batch errors fd=%s", fd == -1 ? "bad" : fd == fx.prog ? "prog" : "array");
        reg("keys", keys, sizeof keys);
        reg("values", values, sizeof values);
        reg("count", &count, sizeof count);
        reg("out_batch", &ob, sizeof ob);
        ORACLE_CALL(bpf_map_delete_batch(fd, keys, &count, nullptr));
        emit("count=%u", count);
        count = 2;
        ORACLE_CALL(bpf_map_lookup_and_delete_batch(fd, nullptr, &ob, keys, values, &count, nullptr));
        emit("count=%u", count);
        count = 2;
        ORACLE_CALL(bpf_map_update_batch(fd, keys, values, &count, nullptr));
        emit("count=%u", count);
        count = 0;
        ORACLE_CALL(bpf_map_lookup_batch(fd, nullptr, &ob, keys, values, &count, nullptr));
        emit("count=%u", count);
    }
}

} // namespace oracle
