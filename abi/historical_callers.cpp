// Callers built against other libbpf releases, on the real kernel.
//
// A caller compiled against libbpf 1.x passes that release's sizeof as the
// opts `sz`. Each row below is one opts-taking function: it fills the inputs
// that fit in the caller's struct, calls, and describes what the kernel did.
// For every size an older release used (read from abi/expected/layouts.tsv),
// the description must equal today's, and nothing past the caller's struct
// may be written. A newer caller's larger struct works when its extra bytes
// are zero and gets -EINVAL/EINVAL when any is not.
//
// Adding a function is one row in kRows (plus its fill/call/observe helpers).
#include "harness/harness.hpp"
#include "kernel_helpers.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace selftest;

namespace {

constexpr unsigned char kCanary = 0xa5;
constexpr int kErrnoSentinel = 12345;

// The bytes a caller hands over: its struct of `sz` bytes, followed by
// unrelated memory (the canary) that the library must not touch.
struct CallerOpts {
    alignas(8) unsigned char bytes[512];
    size_t sz;

    explicit CallerOpts(size_t size) : sz(size)
    {
        std::memset(bytes, kCanary, sizeof(bytes));
        std::memset(bytes, 0, size);
        std::memcpy(bytes, &size, sizeof(size));
    }
    bool fits(size_t off, size_t n) const { return off + n <= sz; }
    // Sets a field only if the caller's release has it.
    template <class F>
    void set(size_t off, F v)
    {
        if (fits(off, sizeof(v)))
            std::memcpy(bytes + off, &v, sizeof(v));
    }
    template <class F>
    F get(size_t off) const
    {
        F v;
        std::memcpy(&v, bytes + off, sizeof(v));
        return v;
    }
    bool canary_intact() const
    {
        for (size_t i = sz; i < sizeof(bytes); i++)
            if (bytes[i] != kCanary)
                return false;
        return true;
    }
};

#define OPT_SET(o, S, field, value) (o).set(offsetof(S, field), (decltype(S::field))(value))
#define OPT_FITS(o, S, field) (o).fits(offsetof(S, field), sizeof(S::field))
#define OPT_GET(o, S, field) (o).get<decltype(S::field)>(offsetof(S, field))

struct Row {
    const char *function;
    const char *opts_struct;
    size_t today;                                // sizeof in our header
    size_t known_end;                            // end of <struct>__last_field
    const char *expect;                          // part of today's outcome
    void (*fill)(CallerOpts &);                  // inputs, only those that fit
    int (*call)(void *opts);                     // the call; result as returned
    std::string (*observe)(int rc, const CallerOpts &); // what the kernel did; closes fds
};

#define KNOWN_END(S) (offsetof(struct S, S##__last_field) + sizeof(((struct S *)0)->S##__last_field))

std::string map_info(int fd)
{
    bpf_map_info info{};
    __u32 len = sizeof(info);
    if (bpf_obj_get_info_by_fd(fd, &info, &len))
        return "map info failed: " + errstr(errno);
    char s[160];
    std::snprintf(s, sizeof(s), "map type=%u key=%u value=%u max=%u flags=%#x name=%s", info.type,
                  info.key_size, info.value_size, info.max_entries, info.map_flags, info.name);
    return s;
}

std::string prog_info(int fd)
{
    bpf_prog_info info{};
    __u32 len = sizeof(info);
    if (bpf_obj_get_info_by_fd(fd, &info, &len))
        return "prog info failed: " + errstr(errno);
    return "prog type=" + std::to_string(info.type) + " name=" + info.name;
}

// --- bpf_map_create: the flags and numa fields every release has -------------
using MapOpts = bpf_map_create_opts;

void map_create_fill(CallerOpts &o) { OPT_SET(o, MapOpts, map_flags, BPF_F_NO_PREALLOC); }

int map_create_call(void *opts)
{
    return bpf_map_create(BPF_MAP_TYPE_HASH, "abi_hist", 4, 8, 16, static_cast<MapOpts *>(opts));
}

std::string map_create_observe(int fd, const CallerOpts &)
{
    Fd owned(fd);
    return fd >= 0 ? map_info(fd) : "";
}

// --- bpf_prog_load: a verifier log requested by every release ----------------
using ProgOpts = bpf_prog_load_opts;
char g_log[8192];

void prog_load_fill(CallerOpts &o)
{
    std::memset(g_log, 0, sizeof(g_log));
    OPT_SET(o, ProgOpts, log_level, 1);
    OPT_SET(o, ProgOpts, log_size, sizeof(g_log));
    OPT_SET(o, ProgOpts, log_buf, g_log);
}

// log_level 0 and a log buffer: the log comes only with the retry after a
// failed load.
void prog_load_quiet_fill(CallerOpts &o)
{
    std::memset(g_log, 0, sizeof(g_log));
    OPT_SET(o, ProgOpts, log_size, sizeof(g_log));
    OPT_SET(o, ProgOpts, log_buf, g_log);
}

int prog_load_call(void *opts)
{
    auto insns = return_imm(0);
    return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "abi_hist", "GPL", insns.data(), insns.size(),
                         static_cast<ProgOpts *>(opts));
}

// r0 = r2 reads a register the program never wrote: EACCES from the verifier.
int prog_load_bad_call(void *opts)
{
    std::vector<bpf_insn> insns = {mov64_reg(0, 2), exit_insn()};
    return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "abi_hist", "GPL", insns.data(), insns.size(),
                         static_cast<ProgOpts *>(opts));
}

std::string prog_load_observe(int fd, const CallerOpts &o)
{
    Fd owned(fd);
    std::string s = fd >= 0 ? prog_info(fd) : "";
    s += " log=[" + std::string(g_log) + "]";
    // log_true_size arrived in 1.2: written back exactly when the caller has it.
    if (OPT_FITS(o, ProgOpts, log_true_size) && OPT_GET(o, ProgOpts, log_true_size) != std::strlen(g_log) + 1)
        s += " log_true_size=" + std::to_string(OPT_GET(o, ProgOpts, log_true_size)) + " (not strlen+1)";
    return s;
}

const Row kRows[] = {
    {"bpf_map_create", "bpf_map_create_opts", sizeof(MapOpts), KNOWN_END(bpf_map_create_opts),
     "flags=0x1 name=abi_hist", map_create_fill, map_create_call, map_create_observe},
    {"bpf_prog_load", "bpf_prog_load_opts", sizeof(ProgOpts), KNOWN_END(bpf_prog_load_opts),
     "name=abi_hist log=[processed 2 insns", prog_load_fill, prog_load_call, prog_load_observe},
    {"bpf_prog_load (log on retry)", "bpf_prog_load_opts", sizeof(ProgOpts), KNOWN_END(bpf_prog_load_opts),
     "error EACCES errno EACCES;  log=[0: R1=ctx() R10=fp0\n0: (bf) r0 = r2\nR2 !read_ok", prog_load_quiet_fill,
     prog_load_bad_call, prog_load_observe},
};

// What one call did, as text: the result, errno, and the row's observation.
struct Outcome {
    std::string text;
    bool failed;
};

Outcome run(const Row &row, CallerOpts &o)
{
    row.fill(o);
    errno = kErrnoSentinel;
    int rc = row.call(o.bytes);
    int err = errno;
    std::string text;
    if (rc < 0)
        text = "error " + errstr(-rc) + " errno " + errstr(err) + "; ";
    else if (err != kErrnoSentinel)
        text = "success changed errno to " + errstr(err) + "; ";
    return {text + row.observe(rc, o), rc < 0};
}

// ---- expectations, from abi/expected/ ------------------------------------------

std::string expected_dir()
{
    const char *d = std::getenv("SYSBPF_ABI_EXPECTED");
    return d ? d : "abi/expected";
}

std::vector<std::vector<std::string>> tsv(const std::string &name)
{
    std::ifstream f(expected_dir() + "/" + name);
    std::vector<std::vector<std::string>> out;
    for (std::string line; std::getline(f, line);) {
        if (line.empty() || line[0] == '#')
            continue;
        std::vector<std::string> cols;
        std::stringstream ss(line);
        for (std::string c; std::getline(ss, c, '\t');)
            cols.push_back(c);
        out.push_back(cols);
    }
    return out;
}

// sizeof(opts_struct) per release that defines it: size -> "v1.0.0 v1.1.0 ...".
std::map<size_t, std::string> historical_sizes(const std::string &opts_struct)
{
    std::map<size_t, std::string> sizes;
    for (auto &r : tsv("layouts.tsv"))
        if (r.size() == 6 && r[1] == opts_struct && r[2] == "struct")
            sizes[std::stoul(r[4])] += r[0] + " ";
    return sizes;
}

} // namespace

TEST_CASE("abi: each older release's opts size behaves like today's")
{
    for (const Row &row : kRows) {
        CallerOpts now(row.today);
        Outcome today = run(row, now);
        INFO(row.function << " with today's sizeof " << row.today << ": " << today.text);
        CHECK(today.text.find(row.expect) != std::string::npos);
        auto sizes = historical_sizes(row.opts_struct);
        REQUIRE(!sizes.empty());
        REQUIRE(sizes.rbegin()->first == row.today);
        for (auto &[size, releases] : sizes) {
            CallerOpts old(size);
            Outcome then = run(row, old);
            INFO("opts sz " << size << " (libbpf " << releases << "): " << then.text);
            CHECK(then.text == today.text);
            CHECK(old.canary_intact());
        }
    }
}

TEST_CASE("abi: a newer caller's larger opts with zero extra bytes works")
{
    for (const Row &row : kRows) {
        CallerOpts now(row.today);
        Outcome today = run(row, now);
        for (size_t size : {row.today + 8, row.today + 64}) {
            CallerOpts newer(size);
            Outcome o = run(row, newer);
            INFO(row.function << " with opts sz " << size << ": " << o.text << "; today: " << today.text);
            CHECK(o.text == today.text);
            CHECK(newer.canary_intact());
        }
    }
}

TEST_CASE("abi: a non-zero byte past the known fields is EINVAL before any syscall")
{
    for (const Row &row : kRows) {
        size_t size = row.today + 16;
        // Tail padding after __last_field, the first and the last byte a
        // newer release would own.
        std::set<size_t> offsets = {row.known_end, row.today, size - 1};
        for (size_t off : offsets) {
            CallerOpts newer(size);
            row.fill(newer);
            newer.bytes[off] = 1;
            int fds = open_fd_count();
            errno = 0;
            int rc = row.call(newer.bytes);
            int err = errno;
            INFO(row.function << ": opts sz " << size << ", byte " << off << " set");
            CHECK(rc == -EINVAL);
            CHECK(err == EINVAL);
            CHECK(open_fd_count() == fds);
            CHECK(newer.canary_intact());
            if (rc >= 0)
                ::close(rc);
        }
    }
}

// The comparisons above can fail: a library that dropped an input or wrote
// past the caller's struct would be noticed.
TEST_CASE("abi: the checks notice a changed outcome and a write past the caller's struct")
{
    const Row &row = kRows[0];
    CallerOpts now(row.today);
    Outcome today = run(row, now);
    CallerOpts dropped(row.today);
    errno = kErrnoSentinel;
    Outcome without_flags = {row.observe(row.call(dropped.bytes), dropped), false}; // fill skipped
    CHECK(without_flags.text != today.text);

    CallerOpts old(48);
    old.bytes[old.sz] = 0; // what a library writing past sz would leave
    CHECK_FALSE(old.canary_intact());
}

// Lists what the table does not cover yet. A function the library exports
// without a row is named as such; the case is skipped, not passed.
TEST_CASE("abi: every opts-taking bpf.h function has a historical-caller row")
{
    std::set<std::string> covered;
    for (const Row &row : kRows)
        covered.insert(std::string(row.function).substr(0, std::string(row.function).find(' ')));
    std::string exported, pending;
    int with_opts = 0;
    for (auto &r : tsv("prototypes.tsv")) {
        if (r.size() != 3 || r[1] != "C" || r[2].find("_opts *") == std::string::npos)
            continue;
        with_opts++;
        if (covered.count(r[0]))
            continue;
        (dlsym(RTLD_DEFAULT, r[0].c_str()) ? exported : pending) += " " + r[0];
    }
    REQUIRE(with_opts > 0);
    if (!exported.empty() || !pending.empty())
        SKIP_TEST("no row yet for: exported by the library:" + (exported.empty() ? " none" : exported) +
                  "; not exported yet:" + (pending.empty() ? " none" : pending));
    CHECK(covered.size() == static_cast<size_t>(with_opts));
}
