// Benchmark: libbpf.so.1 vs libsysbpf.so.1 vs raw syscall(), interleaved in
// one process, best of several rounds.
//
//   sysbpf-bench                      table of ns/op and ratios (markdown)
//   sysbpf-bench --ops                the operation names
//   sysbpf-bench --callgrind OP IMPL N  run OP N times with callgrind instrumentation on
//   sysbpf-bench --cold IMPL          fresh-process cold start: one named map, one named prog
#include "api_table.hpp"

#include <bpf/bpf.h>
#include <valgrind/callgrind.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <unistd.h>
#include <vector>

#ifndef SYSBPF_LIB_PATH
#error "SYSBPF_LIB_PATH must name the built libsysbpf.so.1"
#endif

namespace {

double now_ns()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

[[noreturn]] void die(const char *what, int r)
{
    std::fprintf(stderr, "bench: %s failed: %d (%s)\n", what, r, strerror(-r));
    std::exit(1);
}

void must(const char *what, int r)
{
    if (r < 0)
        die(what, r);
}

bpf_insn insn(__u8 code, __u8 dst, __s32 imm)
{
    bpf_insn i{};
    i.code = code;
    i.dst_reg = dst;
    i.imm = imm;
    return i;
}

// "r0 = 0; r0 += 1 (n times); exit", verified in one linear pass.
std::vector<bpf_insn> counting_prog(int n, __s32 ret_base)
{
    std::vector<bpf_insn> p{insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, ret_base)};
    for (int i = 0; i < n; i++)
        p.push_back(insn(BPF_ALU64 | BPF_ADD | BPF_K, 0, 0));
    p.push_back(insn(BPF_JMP | BPF_EXIT, 0, 0));
    return p;
}

constexpr int kWalkKeys = 65536;
constexpr int kBatch = 1000;

// Objects shared by all implementations, made through the raw path.
struct Fixture {
    ApiTable raw = raw_syscall_table();
    int small_hash = -1, walk_hash = -1, batch_hash = -1, delete_hash = -1, xdp_prog = -1;
    std::vector<__u32> keys;
    std::vector<__u64> values;
    std::vector<bpf_insn> small_prog = counting_prog(0, 0);
    std::vector<bpf_insn> big_prog = counting_prog(50000, 0);

    Fixture()
    {
        small_hash = raw.map_create(BPF_MAP_TYPE_HASH, "bench_small", 4, 8, 16, nullptr);
        walk_hash = raw.map_create(BPF_MAP_TYPE_HASH, "bench_walk", 4, 8, kWalkKeys, nullptr);
        batch_hash = raw.map_create(BPF_MAP_TYPE_HASH, "bench_batch", 4, 8, kBatch, nullptr);
        delete_hash = raw.map_create(BPF_MAP_TYPE_HASH, "bench_del", 4, 8, 1 << 20, nullptr);
        must("map create", std::min({small_hash, walk_hash, batch_hash, delete_hash}));
        __u32 k = 1;
        __u64 v = 2;
        must("seed", raw.map_update_elem(small_hash, &k, &v, BPF_ANY));
        for (__u32 i = 0; i < kWalkKeys; i++) {
            __u64 val = i;
            must("seed walk", raw.map_update_elem(walk_hash, &i, &val, BPF_ANY));
        }
        for (__u32 i = 0; i < kBatch; i++) {
            keys.push_back(i);
            values.push_back(i * 3);
        }
        __u32 n = kBatch;
        must("seed batch", raw.map_update_batch(batch_hash, keys.data(), values.data(), &n, nullptr));
        auto xdp = counting_prog(0, XDP_PASS);
        xdp_prog = raw.prog_load(BPF_PROG_TYPE_XDP, "bench_xdp", "GPL", xdp.data(), xdp.size(), nullptr);
        must("xdp load", xdp_prog);
    }
};

struct Op {
    const char *name;
    int iters; // per timed run
    // Runs the operation `n` times; returns nothing, dies on failure.
    void (*run)(const ApiTable &, Fixture &, int n);
    // Untimed preparation before a timed run of `n`.
    void (*prepare)(Fixture &, int n);
};

void no_prepare(Fixture &, int) {}

const Op kOps[] = {
    {"map_lookup_elem", 200000,
     [](const ApiTable &a, Fixture &f, int n) {
         __u32 k = 1;
         __u64 v;
         for (int i = 0; i < n; i++)
             must("lookup", a.map_lookup_elem(f.small_hash, &k, &v));
     },
     no_prepare},
    {"map_update_elem", 200000,
     [](const ApiTable &a, Fixture &f, int n) {
         __u32 k = 1;
         __u64 v = 5;
         for (int i = 0; i < n; i++)
             must("update", a.map_update_elem(f.small_hash, &k, &v, BPF_ANY));
     },
     no_prepare},
    {"map_delete_elem", 100000,
     [](const ApiTable &a, Fixture &f, int n) {
         for (__u32 i = 0; i < static_cast<__u32>(n); i++)
             must("delete", a.map_delete_elem(f.delete_hash, &i));
     },
     [](Fixture &f, int n) {
         __u64 v = 0;
         for (__u32 i = 0; i < static_cast<__u32>(n); i++)
             must("refill", f.raw.map_update_elem(f.delete_hash, &i, &v, BPF_ANY));
     }},
    {"map_get_next_key", 200000,
     [](const ApiTable &a, Fixture &f, int n) {
         __u32 k = 0, next;
         for (int i = 0; i < n; i++) {
             k = static_cast<__u32>(i) % kWalkKeys;
             int r = a.map_get_next_key(f.walk_hash, &k, &next);
             if (r < 0 && r != -ENOENT) // ENOENT: k was the last key of the walk
                 die("next_key", r);
         }
     },
     no_prepare},
    {"map_lookup_batch_1000", 2000,
     [](const ApiTable &a, Fixture &f, int n) {
         std::vector<__u32> k(kBatch);
         std::vector<__u64> v(kBatch);
         __u32 out = 0;
         for (int i = 0; i < n; i++) {
             __u32 count = kBatch;
             int r = a.map_lookup_batch(f.batch_hash, nullptr, &out, k.data(), v.data(), &count, nullptr);
             if ((r < 0 && r != -ENOENT) || count != kBatch)
                 die("lookup_batch", r);
         }
     },
     no_prepare},
    {"map_update_batch_1000", 2000,
     [](const ApiTable &a, Fixture &f, int n) {
         for (int i = 0; i < n; i++) {
             __u32 count = kBatch;
             must("update_batch", a.map_update_batch(f.batch_hash, f.keys.data(), f.values.data(), &count, nullptr));
         }
     },
     no_prepare},
    {"map_walk_65536", 3,
     [](const ApiTable &a, Fixture &f, int n) {
         for (int i = 0; i < n; i++) {
             __u32 k, next;
             __u64 v;
             const __u32 *cur = nullptr;
             int seen = 0;
             while (a.map_get_next_key(f.walk_hash, cur, &next) == 0) {
                 must("walk lookup", a.map_lookup_elem(f.walk_hash, &next, &v));
                 k = next;
                 cur = &k;
                 seen++;
             }
             if (seen != kWalkKeys)
                 die("walk", -EIO);
         }
     },
     no_prepare},
    {"obj_get_info_by_fd", 200000,
     [](const ApiTable &a, Fixture &f, int n) {
         bpf_map_info info;
         for (int i = 0; i < n; i++) {
             __u32 len = sizeof(info);
             must("info", a.obj_get_info_by_fd(f.small_hash, &info, &len));
         }
     },
     no_prepare},
    {"prog_test_run_opts", 100000,
     [](const ApiTable &a, Fixture &f, int n) {
         unsigned char pkt[64] = {}, out[64];
         for (int i = 0; i < n; i++) {
             LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_out = out,
                         .data_size_in = sizeof(pkt), .data_size_out = sizeof(out), .repeat = 1);
             must("test_run", a.prog_test_run_opts(f.xdp_prog, &o));
             if (o.retval != XDP_PASS)
                 die("test_run retval", -EIO);
         }
     },
     no_prepare},
    {"prog_load_small", 2000,
     [](const ApiTable &a, Fixture &f, int n) {
         for (int i = 0; i < n; i++) {
             int fd = a.prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "bench_small", "GPL",
                                  f.small_prog.data(), f.small_prog.size(), nullptr);
             must("load small", fd);
             close(fd);
         }
     },
     no_prepare},
    {"prog_load_50k", 5,
     [](const ApiTable &a, Fixture &f, int n) {
         for (int i = 0; i < n; i++) {
             int fd = a.prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "bench_big", "GPL",
                                  f.big_prog.data(), f.big_prog.size(), nullptr);
             must("load 50k", fd);
             close(fd);
         }
     },
     no_prepare},
};

const Op *find_op(const char *name)
{
    for (const Op &op : kOps)
        if (std::strcmp(op.name, name) == 0)
            return &op;
    std::fprintf(stderr, "bench: no operation %s\n", name);
    std::exit(2);
}

ApiTable table_by_name(const char *impl)
{
    if (std::strcmp(impl, "raw") == 0)
        return raw_syscall_table();
    if (std::strcmp(impl, "libbpf") == 0)
        return load_library_table("libbpf", "libbpf.so.1");
    if (std::strcmp(impl, "sysbpf") == 0)
        return load_library_table("sysbpf", SYSBPF_LIB_PATH);
    std::fprintf(stderr, "bench: no implementation %s (raw, libbpf, sysbpf)\n", impl);
    std::exit(2);
}

int run_table(int rounds)
{
    ApiTable impls[] = {raw_syscall_table(), load_library_table("libbpf", "libbpf.so.1"),
                        load_library_table("sysbpf", SYSBPF_LIB_PATH)};
    Fixture f;
    std::printf("| operation | raw ns/op | libbpf ns/op | sysbpf ns/op | sysbpf/libbpf | sysbpf/raw | noise |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
    for (const Op &op : kOps) {
        std::vector<double> samples[3];
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < 3; j++) {
                int i = (j + r) % 3; // rotate who goes first
                op.prepare(f, op.iters);
                double t0 = now_ns();
                op.run(impls[i], f, op.iters);
                samples[i].push_back((now_ns() - t0) / op.iters);
            }
        }
        double best[3], noise = 0;
        for (int i = 0; i < 3; i++) {
            std::sort(samples[i].begin(), samples[i].end());
            best[i] = samples[i][0];
            // spread between the best and the median round, the run's noise
            noise = std::max(noise, samples[i][samples[i].size() / 2] / best[i] - 1);
        }
        std::printf("| %s | %.0f | %.0f | %.0f | %.3f | %.3f | ±%.1f%% |\n", op.name, best[0], best[1],
                    best[2], best[2] / best[1], best[2] / best[0], noise * 100);
        std::fflush(stdout);
    }
    return 0;
}

int run_callgrind(const char *op_name, const char *impl, int n)
{
    const Op *op = find_op(op_name);
    ApiTable t = table_by_name(impl);
    Fixture f;
    op->prepare(f, 1);
    op->run(t, f, 1); // warm: lazy binding, first-call feature checks
    op->prepare(f, n);
    CALLGRIND_ZERO_STATS;
    CALLGRIND_START_INSTRUMENTATION;
    op->run(t, f, n);
    CALLGRIND_STOP_INSTRUMENTATION;
    CALLGRIND_DUMP_STATS_AT(op_name);
    return 0;
}

int run_cold(const char *impl)
{
    ApiTable t = table_by_name(impl);
    auto prog = counting_prog(0, 0);
    double t0 = now_ns();
    int map = t.map_create(BPF_MAP_TYPE_ARRAY, "cold_map", 4, 8, 1, nullptr);
    double t1 = now_ns();
    int fd = t.prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "cold_prog", "GPL", prog.data(), prog.size(), nullptr);
    double t2 = now_ns();
    must("cold map", map);
    must("cold prog", fd);
    std::printf("%s map_create_us=%.1f prog_load_us=%.1f\n", impl, (t1 - t0) / 1e3, (t2 - t1) / 1e3);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc == 2 && std::strcmp(argv[1], "--ops") == 0) {
        for (const Op &op : kOps)
            std::printf("%s\n", op.name);
        return 0;
    }
    if (argc == 5 && std::strcmp(argv[1], "--callgrind") == 0)
        return run_callgrind(argv[2], argv[3], std::atoi(argv[4]));
    if (argc == 3 && std::strcmp(argv[1], "--cold") == 0)
        return run_cold(argv[2]);
    int rounds = argc == 3 && std::strcmp(argv[1], "--rounds") == 0 ? std::atoi(argv[2]) : 7;
    return run_table(rounds);
}
