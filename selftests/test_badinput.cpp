// Bad input on the real kernel: every bpf.h function given negative, closed
// and wrong-kind fds; every opts struct given sz 0, 1, 7, odd sizes and
// larger sizes with zero and non-zero tails (the struct ends at an
// inaccessible page, so reading past sz would crash); NULL and dangling
// pointers the kernel checks (EFAULT); huge batch counts; names longer than
// 16 bytes; log buffers of 1 byte; impossible flags and sizes.
//
// Each bad input must give a clear answer: a negative errno with errno set
// to match (the exact errno where the library or the kernel ABI fixes it),
// or a success whose fd is >= 3 and close-on-exec; never a crash, and the
// fd count is the same before and after. The number tried is printed.
#include "api_table.hpp"
#include "btf_fixtures.hpp"
#include "guarded_buffer.hpp"
#include "harness/harness.hpp"
#include "kernel_helpers.hpp"
#include "kernel_refusal.hpp"
#include "misc_fixtures.hpp"
#include "prog_fixtures.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <map>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

// LIBBPF_OPTS with a few designated fields is the API's intended use.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace selftest;
using sysbpf_test::api::Caller;
using sysbpf_test::api::Row;

namespace {

constexpr int kUntouched = 4242;

struct Tally {
    int tried = 0;
    std::map<std::string, int> answers; // "-EBADF" -> how often
} g_tally;

std::string answer_name(long r)
{
    if (r >= 0)
        return r == 0 ? "0" : ">0";
    const char *name = strerrorname_np(static_cast<int>(-r));
    return name ? std::string("-") + name : "-" + std::to_string(-r);
}

// One bad input: the call's answer must be clear and leave no fd behind.
// `gives_fd`: a success is a new fd (closed here). Returns the answer.
long attempt(const std::string &what, bool gives_fd, const std::function<long()> &call)
{
    const int before = open_fd_count();
    errno = kUntouched;
    const long r = call();
    const int e = errno;
    g_tally.tried++;
    g_tally.answers[answer_name(r)]++;
    INFO(what << ": returned " << r << ", errno " << e);
    if (r < 0) {
        CHECK(e == -r);
    } else {
        CHECK(e == kUntouched);
        if (gives_fd) {
            CHECK(r >= 3);
            CHECK(cloexec(static_cast<int>(r)));
            ::close(static_cast<int>(r));
        }
    }
    CHECK(open_fd_count() == before);
    return r;
}

bool gives_fd(const Row &row) { return row.n_cmds && sysbpf_test::api::returns_fd(row.cmds[0]); }

// Arguments that keep a call from touching anything outside the test even
// when its fds happen to be valid: pins go to a path that cannot exist.
void harmless(Caller &c)
{
    c.path = "/nonexistent-sysbpf-badinput/pin";
    c.size = sizeof(c.btf);
    c.out.count = 1;
    c.out.info_len = sizeof(c.info);
    c.out.buf_len = sizeof(c.buf);
    c.out.prog_cnt = 4;
}

struct Objects {
    Fd map{bpf_map_create(BPF_MAP_TYPE_ARRAY, "bad_map", 4, 8, 4, nullptr)};
    Fd prog{[] {
        auto i = return_imm(0);
        return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "bad_prog", "GPL", i.data(), i.size(),
                             nullptr);
    }()};
    Fd btf{[] {
        auto b = pair_btf();
        return bpf_btf_load(b.data(), b.size(), nullptr);
    }()};
    Fd null_dev{::open("/dev/null", O_RDONLY | O_CLOEXEC)};
    bool ok() const { return map >= 0 && prog >= 0 && btf >= 0 && null_dev >= 0; }
};

// The memlock limit the library would raise to is global: put it back.
struct MemlockRlimBack {
    ~MemlockRlimBack() { libbpf_set_memlock_rlim(RLIM_INFINITY); }
};

} // namespace

TEST_CASE("badinput: every function with negative, closed and wrong-kind fds")
{
    Objects o;
    REQUIRE(o.ok());
    MemlockRlimBack restore;
    int closed = ::open("/dev/null", O_RDONLY);
    ::close(closed);
    const std::pair<const char *, int> fds[] = {
        {"-1", -1},           {"INT_MIN", INT_MIN},  {"closed fd", closed},
        {"/dev/null", o.null_dev}, {"map fd", o.map}, {"prog fd", o.prog},
        {"btf fd", o.btf},
    };
    const int before = g_tally.tried;
    for (unsigned i = 0; i < sysbpf_test::api::count(); i++) {
        const Row &row = sysbpf_test::api::rows()[i];
        REQUIRE(row.available());
        for (const auto &[label, fd] : fds) {
            Caller c;
            harmless(c);
            c.fd = c.fd2 = fd;
            attempt(std::string(row.name) + " with " + label, gives_fd(row),
                    [&] { return row.invoke(c); });
        }
    }
    std::printf("badinput: %d calls with bad fds\n", g_tally.tried - before);
}

TEST_CASE("badinput: opts sz 0, 1, 7, odd, and larger with zero and non-zero tails")
{
    MemlockRlimBack restore;
    const int before = g_tally.tried;
    for (unsigned i = 0; i < sysbpf_test::api::count(); i++) {
        const Row &row = sysbpf_test::api::rows()[i];
        if (!row.opts)
            continue;
        const size_t known = row.opts->known_end, full = row.opts->size;

        // sz too small to hold sz itself: refused by the library.
        for (size_t sz : {0, 1, 7}) {
            GuardedBuffer buf(8, 0, alignof(__u64));
            std::memcpy(buf.data(), &sz, sizeof(sz));
            Caller c;
            harmless(c);
            c.fd = c.fd2 = -1;
            c.opts = buf.data();
            long r = attempt(std::string(row.name) + " sz " + std::to_string(sz), gives_fd(row),
                             [&] { return row.invoke(c); });
            CHECK(r == -EINVAL);
        }
        // Odd sizes up to and past the struct, zero tails: accepted, and
        // nothing read past sz (the buffer ends there, give or take the
        // struct's alignment).
        std::vector<size_t> sizes;
        for (size_t sz = 9; sz < full + 16; sz += 2)
            sizes.push_back(sz);
        sizes.push_back(full + 64);
        sizes.push_back(4096);
        for (size_t sz : sizes) {
            GuardedBuffer buf(sz, 0, alignof(__u64));
            std::memcpy(buf.data(), &sz, sizeof(sz));
            Caller c;
            harmless(c);
            c.fd = c.fd2 = -1;
            c.opts = buf.data();
            attempt(std::string(row.name) + " sz " + std::to_string(sz) + " zero tail",
                    gives_fd(row), [&] { return row.invoke(c); });
        }
        // Larger sizes with a non-zero byte past the known fields: refused.
        for (size_t sz : {known + 1, full, full + 8, full + 64, size_t(4096)}) {
            if (sz <= known)
                continue;
            for (size_t at : {known, sz - 1}) {
                GuardedBuffer buf(sz, 0, alignof(__u64));
                std::memcpy(buf.data(), &sz, sizeof(sz));
                buf.data()[at] = 0x5a;
                Caller c;
                harmless(c);
                c.fd = c.fd2 = -1;
                c.opts = buf.data();
                long r = attempt(std::string(row.name) + " sz " + std::to_string(sz) +
                                     ", non-zero byte at " + std::to_string(at),
                                 gives_fd(row), [&] { return row.invoke(c); });
                CHECK(r == -EINVAL);
            }
        }
    }
    std::printf("badinput: %d calls with odd opts sizes\n", g_tally.tried - before);
}

TEST_CASE("badinput: NULL and dangling pointers the kernel checks give EFAULT")
{
    Objects o;
    REQUIRE(o.ok());
    const int before = g_tally.tried;
    __u32 key = 0;
    __u64 val = 0;
    auto efault = [](const std::string &what, bool fd, const std::function<long()> &call) {
        const long r = attempt(what, fd, call);
        INFO(what);
        CHECK(r == -EFAULT);
    };

    // Element operations: key and value pointers, NULL or cut short.
    GuardedBuffer short_key(2), short_val(4);
    efault("update_elem NULL key", false, [&] { return bpf_map_update_elem(o.map, nullptr, &val, 0); });
    efault("update_elem NULL value", false, [&] { return bpf_map_update_elem(o.map, &key, nullptr, 0); });
    efault("update_elem key cut short", false,
           [&] { return bpf_map_update_elem(o.map, short_key.data(), &val, 0); });
    efault("update_elem value cut short", false,
           [&] { return bpf_map_update_elem(o.map, &key, short_val.data(), 0); });
    efault("lookup_elem NULL value", false, [&] { return bpf_map_lookup_elem(o.map, &key, nullptr); });
    efault("lookup_elem value cut short", false,
           [&] { return bpf_map_lookup_elem(o.map, &key, short_val.data()); });
    efault("lookup_elem_flags NULL key", false,
           [&] { return bpf_map_lookup_elem_flags(o.map, nullptr, &val, 0); });
    efault("get_next_key NULL next_key", false,
           [&] { return bpf_map_get_next_key(o.map, nullptr, nullptr); });
    efault("get_next_key next_key cut short", false,
           [&] { return bpf_map_get_next_key(o.map, nullptr, short_key.data()); });

    Fd hash(bpf_map_create(BPF_MAP_TYPE_HASH, "bad_hash", 4, 8, 8, nullptr));
    REQUIRE(hash >= 0);
    bpf_map_update_elem(hash, &key, &val, 0);
    efault("delete_elem NULL key", false, [&] { return bpf_map_delete_elem(hash, nullptr); });
    efault("delete_elem_flags key cut short", false,
           [&] { return bpf_map_delete_elem_flags(hash, short_key.data(), 0); });
    // Kernels without lookup_and_delete on hash maps (before 5.14) refuse
    // before they look at the value: ENOTSUPP, as the raw call shows.
    if (hash_lookup_and_delete_refusal().empty()) {
        efault("lookup_and_delete_elem NULL value", false,
               [&] { return bpf_map_lookup_and_delete_elem(hash, &key, nullptr); });
    } else {
        INFO(hash_lookup_and_delete_refusal());
        CHECK(attempt("lookup_and_delete_elem NULL value", false,
                      [&] { return bpf_map_lookup_and_delete_elem(hash, &key, nullptr); }) == -kENOTSUPP);
    }
    efault("lookup_and_delete_elem_flags NULL key", false,
           [&] { return bpf_map_lookup_and_delete_elem_flags(hash, nullptr, &val, 0); });

    // Batches: NULL arrays, arrays shorter than count, huge counts.
    {
        GuardedBuffer keys(2 * 4), vals(2 * 8);
        __u32 count = 4;
        efault("update_batch keys shorter than count", false,
               [&] { return bpf_map_update_batch(hash, keys.data(), vals.data(), &count, nullptr); });
        count = UINT32_MAX;
        efault("update_batch count UINT32_MAX", false,
               [&] { return bpf_map_update_batch(hash, keys.data(), vals.data(), &count, nullptr); });
        count = 2;
        efault("update_batch NULL values", false,
               [&] { return bpf_map_update_batch(hash, keys.data(), nullptr, &count, nullptr); });
        // Two existing keys, then the guard page: deleted, then EFAULT.
        for (__u32 k2 : {0u, 1u}) {
            std::memcpy(keys.data() + 4 * k2, &k2, 4);
            bpf_map_update_elem(hash, &k2, &val, 0);
        }
        count = UINT32_MAX;
        efault("delete_batch count UINT32_MAX", false,
               [&] { return bpf_map_delete_batch(hash, keys.data(), &count, nullptr); });
        // A huge count with room for every element the map has: the kernel
        // stops at the end of the map (ENOENT) and says how many it copied.
        __u32 k[8], out_batch = 0;
        __u64 v[8];
        bpf_map_update_elem(hash, &key, &val, 0);
        count = UINT32_MAX;
        long r = attempt("lookup_batch count UINT32_MAX, room for the whole map", false, [&] {
            return bpf_map_lookup_batch(hash, nullptr, &out_batch, k, v, &count, nullptr);
        });
        CHECK(r == -ENOENT);
        CHECK(count == 1);
        count = 4;
        efault("lookup_batch NULL keys", false, [&] {
            return bpf_map_lookup_batch(hash, nullptr, &out_batch, nullptr, v, &count, nullptr);
        });
        count = UINT32_MAX;
        long r2 = attempt("lookup_and_delete_batch count UINT32_MAX", false, [&] {
            return bpf_map_lookup_and_delete_batch(hash, nullptr, &out_batch, k, v, &count, nullptr);
        });
        CHECK((r2 == -ENOENT || r2 == 0));
    }

    // Loads: instructions, license, BTF data.
    auto insns = return_imm(0);
    GuardedBuffer one_insn(sizeof(bpf_insn));
    std::memcpy(one_insn.data(), insns.data(), sizeof(bpf_insn));
    efault("prog_load NULL insns", true, [&] {
        return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, nullptr, "GPL", nullptr, 2, nullptr);
    });
    efault("prog_load insns shorter than insn_cnt", true, [&] {
        return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, nullptr, "GPL",
                             one_insn.as<bpf_insn>(), 2, nullptr);
    });
    GuardedBuffer license(3, 'G'); // "GGG" and then the guard: no NUL
    efault("prog_load license without NUL", true, [&] {
        return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, nullptr,
                             reinterpret_cast<const char *>(license.data()), insns.data(),
                             insns.size(), nullptr);
    });
    auto blob = pair_btf();
    GuardedBuffer half_btf(blob.size() / 2);
    std::memcpy(half_btf.data(), blob.data(), half_btf.size());
    efault("btf_load NULL data", true, [&] { return bpf_btf_load(nullptr, blob.size(), nullptr); });
    efault("btf_load data shorter than btf_size", true,
           [&] { return bpf_btf_load(half_btf.data(), blob.size(), nullptr); });
    {
        // A log buffer that ends before log_size: the kernel's log write faults.
        auto bad = prog::reads_uninit_register();
        GuardedBuffer log(16);
        LIBBPF_OPTS(bpf_prog_load_opts, lo, .log_level = 1, .log_size = 4096,
                    .log_buf = reinterpret_cast<char *>(log.data()));
        efault("prog_load log_buf shorter than log_size", true, [&] {
            return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, nullptr, "GPL", bad.data(),
                                 bad.size(), &lo);
        });
    }

    // Paths and names.
    GuardedBuffer path(8, 'p'); // no NUL before the guard
    efault("obj_get NULL path", true, [&] { return bpf_obj_get(nullptr); });
    efault("obj_pin NULL path", false, [&] { return bpf_obj_pin(o.map, nullptr); });
    efault("obj_get path without NUL", true,
           [&] { return bpf_obj_get(reinterpret_cast<const char *>(path.data())); });
    LIBBPF_OPTS(bpf_obj_get_opts, go, .file_flags = BPF_F_RDONLY);
    efault("obj_get_opts NULL path", true, [&] { return bpf_obj_get_opts(nullptr, &go); });
    Fd rtp(misc::load_raw_tp_prog("bad_rtp"));
    REQUIRE(rtp >= 0);
    efault("raw_tracepoint_open name without NUL", true,
           [&] { return bpf_raw_tracepoint_open(reinterpret_cast<const char *>(path.data()), rtp); });

    // Info: a buffer shorter than info_len.
    GuardedBuffer short_info(8);
    __u32 len = sizeof(bpf_map_info);
    efault("obj_get_info_by_fd info shorter than info_len", false,
           [&] { return bpf_obj_get_info_by_fd(o.map, short_info.data(), &len); });
    len = sizeof(bpf_prog_info);
    efault("prog_get_info_by_fd NULL info", false,
           [&] { return bpf_prog_get_info_by_fd(o.prog, nullptr, &len); });

    // Test runs: input and output buffers.
    {
        GuardedBuffer data(20);
        LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = data.data(), .data_size_in = 64);
        efault("test_run data_in shorter than data_size_in", false,
               [&] { return bpf_prog_test_run_opts(o.prog, &t); });
        unsigned char pkt[64] = {};
        GuardedBuffer out(4);
        LIBBPF_OPTS(bpf_test_run_opts, t2, .data_in = pkt, .data_out = out.data(),
                    .data_size_in = sizeof(pkt), .data_size_out = 64);
        efault("test_run data_out shorter than data_size_out", false,
               [&] { return bpf_prog_test_run_opts(o.prog, &t2); });
    }

    // task_fd_query: the name buffer is shorter than buf_len says.
    {
        Fd link(bpf_raw_tracepoint_open("sys_enter", rtp));
        REQUIRE(link >= 0);
        GuardedBuffer name(4);
        __u32 name_len = 64, prog_id, fd_type;
        __u64 off, addr;
        efault("task_fd_query buf shorter than buf_len", false, [&] {
            return bpf_task_fd_query(::getpid(), link, 0, reinterpret_cast<char *>(name.data()),
                                     &name_len, &prog_id, &fd_type, &off, &addr);
        });
    }
    std::printf("badinput: %d calls with NULL or dangling pointers\n", g_tally.tried - before);
}

TEST_CASE("badinput: names longer than 16 bytes, odd names, 1-byte logs, impossible values")
{
    const int before = g_tally.tried;
    auto insns = return_imm(0);
    const std::string long_name(300, 'n');

    // Names: truncated to 15 bytes and NUL, as libbpf does; never read past
    // the 15th byte (the unterminated name below ends at the guard page).
    long m = attempt("map_create 300-byte name", true, [&] {
        int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, long_name.c_str(), 4, 8, 1, nullptr);
        if (fd >= 0) {
            bpf_map_info info{};
            __u32 len = sizeof(info);
            bpf_map_get_info_by_fd(fd, &info, &len);
            CHECK(std::string(info.name) == long_name.substr(0, 15));
        }
        return fd;
    });
    CHECK(m >= 0);
    GuardedBuffer unterminated(15, 'u');
    long p = attempt("prog_load name of 15 bytes without NUL", true, [&] {
        int fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER,
                               reinterpret_cast<const char *>(unterminated.data()), "GPL",
                               insns.data(), insns.size(), nullptr);
        if (fd >= 0) {
            bpf_prog_info info{};
            __u32 len = sizeof(info);
            bpf_prog_get_info_by_fd(fd, &info, &len);
            CHECK(std::string(info.name) == std::string(15, 'u'));
        }
        return fd;
    });
    CHECK(p >= 0);
    CHECK(attempt("map_create name with a space", true, [&] {
              return bpf_map_create(BPF_MAP_TYPE_ARRAY, "bad name", 4, 8, 1, nullptr);
          }) == -EINVAL);
    CHECK(attempt("prog_load name with a slash", true, [&] {
              return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "a/b", "GPL", insns.data(),
                                   insns.size(), nullptr);
          }) == -EINVAL);
    Fd rtp(misc::load_raw_tp_prog("bad_rtp2"));
    REQUIRE(rtp >= 0);
    CHECK(attempt("raw_tracepoint_open 300-byte tracepoint name", true, [&] {
              return bpf_raw_tracepoint_open(long_name.c_str(), rtp);
          }) == -ENOENT);
    const std::string long_path = "/sys/fs/bpf/" + std::string(5000, 'x');
    Fd map(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 8, 1, nullptr));
    CHECK(attempt("obj_pin 5000-byte path", false, [&] { return bpf_obj_pin(map, long_path.c_str()); }) ==
          -ENAMETOOLONG);
    CHECK(attempt("obj_get 5000-byte path", true, [&] { return bpf_obj_get(long_path.c_str()); }) ==
          -ENAMETOOLONG);

    // 1-byte log buffers: the kernel wants room for a useful log.
    auto bad = prog::reads_uninit_register();
    char log1[1] = {'x'};
    for (__u32 level : {0u, 1u, 2u}) {
        LIBBPF_OPTS(bpf_prog_load_opts, lo, .log_level = level, .log_size = 1, .log_buf = log1);
        long r = attempt("prog_load failing, log_size 1, log_level " + std::to_string(level), true,
                         [&] {
                             return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, nullptr, "GPL",
                                                  bad.data(), bad.size(), &lo);
                         });
        CHECK((r == -EINVAL || r == -ENOSPC || r == -EACCES));
        LIBBPF_OPTS(bpf_prog_load_opts, ok, .log_level = level, .log_size = 1, .log_buf = log1);
        attempt("prog_load valid, log_size 1, log_level " + std::to_string(level), true, [&] {
            return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, nullptr, "GPL", insns.data(),
                                 insns.size(), &ok);
        });
    }
    auto blob = pair_btf();
    for (__u32 level : {0u, 1u}) {
        LIBBPF_OPTS(bpf_btf_load_opts, bo, .log_buf = log1, .log_level = level, .log_size = 1);
        attempt("btf_load valid, log_size 1, log_level " + std::to_string(level), true,
                [&] { return bpf_btf_load(blob.data(), blob.size(), &bo); });
        std::vector<unsigned char> broken = blob;
        broken[0] ^= 0xff; // bad magic
        attempt("btf_load invalid, log_size 1, log_level " + std::to_string(level), true,
                [&] { return bpf_btf_load(broken.data(), broken.size(), &bo); });
    }
    {
        LIBBPF_OPTS(bpf_prog_load_opts, lo, .log_size = 64); // size without buffer
        CHECK(attempt("prog_load log_size without log_buf", true, [&] {
                  return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, nullptr, "GPL", insns.data(),
                                       insns.size(), &lo);
              }) == -EINVAL);
    }

    // Impossible values.
    CHECK(attempt("map_create every map flag", true, [&] {
              LIBBPF_OPTS(bpf_map_create_opts, mo, .map_flags = ~0u);
              return bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 8, 1, &mo);
          }) == -EINVAL);
    CHECK(attempt("map_create type 9999", true, [&] {
              return bpf_map_create(static_cast<bpf_map_type>(9999), nullptr, 4, 8, 1, nullptr);
          }) == -EINVAL);
    CHECK(attempt("map_create max_entries 0", true, [&] {
              return bpf_map_create(BPF_MAP_TYPE_HASH, nullptr, 4, 8, 0, nullptr);
          }) == -EINVAL);
    CHECK(attempt("prog_load type 9999", true, [&] {
              return bpf_prog_load(static_cast<bpf_prog_type>(9999), nullptr, "GPL", insns.data(),
                                   insns.size(), nullptr);
          }) == -EINVAL);
    CHECK(attempt("prog_load insn_cnt UINT_MAX", true, [&] {
              return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, nullptr, "GPL", insns.data(),
                                   UINT_MAX, nullptr);
          }) == -E2BIG);
    CHECK(attempt("prog_load insn_cnt past 32 bits", true, [&] {
              return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, nullptr, "GPL", insns.data(),
                                   size_t(1) << 33, nullptr);
          }) == -E2BIG);
    CHECK(attempt("prog_load attempts -1", true, [&] {
              LIBBPF_OPTS(bpf_prog_load_opts, lo, .attempts = -1);
              return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, nullptr, "GPL", insns.data(),
                                   insns.size(), &lo);
          }) == -EINVAL);
    CHECK(attempt("btf_load size 0", true, [&] { return bpf_btf_load(blob.data(), 0, nullptr); }) ==
          -EINVAL);
    CHECK(attempt("enable_stats type 9999", true, [&] { return bpf_enable_stats(9999); }) == -EINVAL);
    CHECK(attempt("map_get_fd_by_id id 0", true, [&] { return bpf_map_get_fd_by_id(0); }) == -ENOENT);
    CHECK(attempt("prog_get_fd_by_id id UINT32_MAX", true,
                  [&] { return bpf_prog_get_fd_by_id(UINT32_MAX); }) == -ENOENT);
    __u32 next = 0;
    CHECK(attempt("prog_get_next_id from UINT32_MAX", false,
                  [&] { return bpf_prog_get_next_id(UINT32_MAX, &next); }) == -EINVAL);
    std::printf("badinput: %d calls with long names, 1-byte logs, impossible values\n",
                g_tally.tried - before);

    // Last test case of the file (Catch runs them in declaration order by
    // default; the total is printed whatever ran).
    std::string answers;
    for (const auto &[a, n] : g_tally.answers)
        answers += " " + a + " x" + std::to_string(n);
    std::printf("badinput: %d bad inputs tried, none crashed or leaked an fd; answers:%s\n",
                g_tally.tried, answers.c_str());
}
