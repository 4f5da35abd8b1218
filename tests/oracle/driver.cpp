// The oracle driver: sets up a private mount and network namespace and the
// fixtures, then runs every case under the tracer, writing the record
// stream to stdout. Usage: oracle-driver CGROUP_DIR [unprivileged|token|uninjected]
#include "driver.hpp"

#include "marker.hpp"
#include "tracer.hpp"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace oracle {

Fixtures fx;

namespace {

struct Reg {
    std::string name;
    uintptr_t addr;
    size_t len;
};
std::vector<Reg> g_regs;
std::vector<std::pair<IdKind, uint32_t>> g_ids;

// errno survives: a case's code may emit between a call and its result.
void marker(long op, long a = 0, long b = 0, long c = 0)
{
    const int saved = errno;
    syscall(kMarkerNr, op, a, b, c);
    errno = saved;
}

void emit_raw(const std::string &s)
{
    marker(kEmit, reinterpret_cast<long>(s.data()), static_cast<long>(s.size()));
}

std::string vformat(const char *fmt, va_list ap)
{
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    return buf;
}

} // namespace

void emit(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit_raw("  " + vformat(fmt, ap));
    va_end(ap);
}

void begin(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    std::string name = vformat(fmt, ap);
    va_end(ap);
    // A name made twice (a loop over equal values) gets its ordinal.
    static std::vector<std::string> seen;
    int n = 1;
    for (const auto &s : seen)
        n += s == name;
    seen.push_back(name);
    if (n > 1)
        name += " #" + std::to_string(n);
    g_regs.clear();
    marker(kCase);
    emit_raw("case " + name);
}

void reg(const char *name, const void *p, size_t len)
{
    g_regs.push_back({name, reinterpret_cast<uintptr_t>(p), len});
    marker(kReg, reinterpret_cast<long>(name), reinterpret_cast<long>(p), static_cast<long>(len));
}

void inject(std::initializer_list<int> errs)
{
    std::vector<int> v(errs);
    marker(kInject, reinterpret_cast<long>(v.data()), static_cast<long>(v.size()));
}

void dump(const char *label, const void *p, size_t len)
{
    static const char d[] = "0123456789abcdef";
    const auto *b = static_cast<const unsigned char *>(p);
    std::string s = std::string("  ") + label + " ";
    for (size_t i = 0; i < len;) {
        if (i % 8 == 0 && i + 8 <= len) {
            uint64_t v;
            std::memcpy(&v, b + i, 8);
            const Reg *hit = nullptr;
            for (auto it = g_regs.rbegin(); it != g_regs.rend(); ++it)
                if (v >= it->addr && v < it->addr + (it->len ? it->len : 1)) {
                    hit = &*it;
                    break;
                }
            if (hit) {
                s += "[&" + hit->name + "+" + std::to_string(v - hit->addr) + "]";
                i += 8;
                continue;
            }
        }
        s += d[b[i] >> 4];
        s += d[b[i] & 15];
        i++;
    }
    emit_raw(s);
}

void text(const char *label, const char *s, size_t max)
{
    std::string t = std::string("  ") + label + " \"";
    for (size_t i = 0; i < max && s[i]; i++)
        t += s[i] == '\n' ? std::string("\\n") : std::string(1, s[i]);
    emit_raw(t + "\"");
}

uint32_t id_ordinal(IdKind kind, uint32_t id)
{
    if (!id)
        return 0;
    uint32_t n = 0;
    for (const auto &k : g_ids)
        if (k.first == kind) {
            n++;
            if (k.second == id)
                return n;
        }
    g_ids.push_back({kind, id});
    return n + 1;
}

void result(long r, int e)
{
    emit("=> %ld errno=%d", r, e);
    errno = kErrnoSentinel;
}

void drop(long fd)
{
    if (fd > 2)
        close(static_cast<int>(fd));
}

std::vector<Shape> shapes(std::initializer_list<size_t> historical, size_t current)
{
    std::vector<Shape> v;
    auto add = [&](const char *name, bool null, size_t sz, size_t tail_at) {
        Shape s{};
        std::snprintf(s.name, sizeof s.name, "%s", name);
        s.null = null;
        s.sz = sz;
        s.tail_at = tail_at;
        v.push_back(s);
    };
    char n[32];
    add("null", true, 0, 0);
    add("sz0", false, 0, 0);
    add("sz4", false, 4, 0);
    add("sz7", false, 7, 0);
    bool have_current = false;
    for (size_t h : historical) {
        std::snprintf(n, sizeof n, "sz%zu", h);
        add(n, false, h, 0);
        have_current |= h == current;
    }
    if (!have_current) {
        std::snprintf(n, sizeof n, "sz%zu", current);
        add(n, false, current, 0);
    }
    std::snprintf(n, sizeof n, "sz%zu+zero", current + 8);
    add(n, false, current + 8, 0);
    std::snprintf(n, sizeof n, "sz%zu+tail@%zu", current + 8, current);
    add(n, false, current + 8, current);
    std::snprintf(n, sizeof n, "sz%zu+tail@%zu", current + 8, current + 7);
    add(n, false, current + 8, current + 7);
    std::snprintf(n, sizeof n, "sz%zu+tail@%zu", current + 64, current + 63);
    add(n, false, current + 64, current + 63);
    return v;
}

long raw_bpf(int cmd, void *attr, unsigned size)
{
    long r = syscall(SYS_bpf, cmd, attr, size);
    return r < 0 ? -errno : r;
}

// BTF: [1] int, [2] int (void) proto, [3] static func "main" of [2].
const unsigned char kBtfBlob[kBtfBlobSize] = {
    0x9f, 0xeb, 1, 0, 24, 0, 0, 0, // magic, version, flags, hdr_len
    0, 0, 0, 0, 40, 0, 0, 0,       // type_off, type_len
    40, 0, 0, 0, 10, 0, 0, 0,      // str_off, str_len
    1, 0, 0, 0, 0, 0, 0, 1,        // [1] name "int", kind INT
    4, 0, 0, 0, 32, 0, 0, 1,       //     size 4, signed, 32 bits
    0, 0, 0, 0, 0, 0, 0, 13,       // [2] kind FUNC_PROTO, no params
    1, 0, 0, 0,                    //     returns [1]
    5, 0, 0, 0, 0, 0, 0, 12,       // [3] name "main", kind FUNC, static
    2, 0, 0, 0,                    //     of [2]
    0, 'i', 'n', 't', 0, 'm', 'a', 'i', 'n', 0,
};
const bpf_insn kRet0[2] = {
    {BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0},
    {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
};

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "oracle-driver: setup: %s: %s\n", what, strerror(errno));
    _exit(2);
}

int make_map(bpf_map_type type, unsigned key, unsigned value, unsigned max, unsigned flags = 0)
{
    bpf_attr a{};
    a.map_flags = flags;
    a.map_type = type;
    a.key_size = key;
    a.value_size = value;
    a.max_entries = max;
    long fd = raw_bpf(BPF_MAP_CREATE, &a, sizeof a);
    if (fd < 0) {
        errno = static_cast<int>(-fd);
        fail("map create");
    }
    return static_cast<int>(fd);
}

int make_prog(bpf_prog_type type, int ret, bpf_attach_type eat)
{
    static const char license[] = "GPL";
    bpf_insn insns[2] = {{BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, ret}, {BPF_JMP | BPF_EXIT, 0, 0, 0, 0}};
    reg("fixture_license", license, sizeof license);
    reg("fixture_insns", insns, sizeof insns);
    bpf_attr a{};
    a.prog_type = type;
    a.insns = reinterpret_cast<uintptr_t>(insns);
    a.insn_cnt = 2;
    a.license = reinterpret_cast<uintptr_t>(license);
    a.expected_attach_type = eat;
    long fd = raw_bpf(BPF_PROG_LOAD, &a, sizeof a);
    if (fd < 0) {
        errno = static_cast<int>(-fd);
        fail("prog load");
    }
    return static_cast<int>(fd);
}

uint32_t id_of(int fd)
{
    // bpf_map_info, bpf_prog_info and bpf_btf_info all start with ...id at
    // a small offset; read the generic way.
    unsigned char info[256] = {};
    bpf_attr a{};
    a.info.bpf_fd = fd;
    a.info.info_len = sizeof info;
    a.info.info = reinterpret_cast<uintptr_t>(info);
    if (raw_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof a) < 0)
        fail("info");
    return 0;
}

void setup(const char *cgroup_root, const char *what)
{
    begin("setup: fixtures for %s", what);
    if (unshare(CLONE_NEWNS | CLONE_NEWNET) != 0)
        fail("unshare");
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        fail("make / private");
    if (mount("oracle", "/tmp", "tmpfs", 0, "mode=0755") != 0)
        fail("tmpfs on /tmp");
    mkdir("/tmp/bpffs", 0755);
    if (mount("bpf", "/tmp/bpffs", "bpf", 0, nullptr) != 0)
        fail("bpffs");
    fx.bpffs = open("/tmp/bpffs", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    fx.netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    fx.cgroup = open(cgroup_root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (fx.bpffs < 0 || fx.netns < 0 || fx.cgroup < 0)
        fail("open fixture fds");
    // Before 5.11 BPF memory is charged to RLIMIT_MEMLOCK, per user: the
    // fixtures are made under no limit where the host allows that, so they
    // do not depend on what earlier processes left charged, and the limit
    // the libraries see is put back before the first case.
    rlimit memlock{};
    getrlimit(RLIMIT_MEMLOCK, &memlock);
    const rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
    setrlimit(RLIMIT_MEMLOCK, &unlimited);
    fx.array_map = make_map(BPF_MAP_TYPE_ARRAY, 4, 8, 4);
    fx.hash_map = make_map(BPF_MAP_TYPE_HASH, 4, 8, 16, BPF_F_ZERO_SEED);
    fx.prog = make_prog(BPF_PROG_TYPE_SOCKET_FILTER, 0, BPF_CGROUP_INET_INGRESS);
    fx.xdp_prog = make_prog(BPF_PROG_TYPE_XDP, 2, BPF_XDP);
    fx.cgskb_prog = make_prog(BPF_PROG_TYPE_CGROUP_SKB, 1, BPF_CGROUP_INET_INGRESS);
    bpf_attr a{};
    reg("fixture_btf", kBtfBlob, kBtfBlobSize);
    a.btf = reinterpret_cast<uintptr_t>(kBtfBlob);
    a.btf_size = sizeof kBtfBlob;
    long b = raw_bpf(BPF_BTF_LOAD, &a, sizeof a);
    if (b < 0) {
        errno = static_cast<int>(-b);
        fail("btf load");
    }
    fx.btf = static_cast<int>(b);
    (void)id_of;
    bpf_prog_info pi{};
    bpf_attr ia{};
    ia.info.bpf_fd = fx.prog;
    ia.info.info_len = sizeof pi;
    ia.info.info = reinterpret_cast<uintptr_t>(&pi);
    raw_bpf(BPF_OBJ_GET_INFO_BY_FD, &ia, sizeof ia);
    fx.prog_id = pi.id;
    bpf_map_info mi{};
    ia.info.bpf_fd = fx.array_map;
    ia.info.info_len = sizeof mi;
    ia.info.info = reinterpret_cast<uintptr_t>(&mi);
    raw_bpf(BPF_OBJ_GET_INFO_BY_FD, &ia, sizeof ia);
    fx.map_id = mi.id;
    bpf_btf_info bi{};
    ia.info.bpf_fd = fx.btf;
    ia.info.info_len = sizeof bi;
    ia.info.info = reinterpret_cast<uintptr_t>(&bi);
    raw_bpf(BPF_OBJ_GET_INFO_BY_FD, &ia, sizeof ia);
    fx.btf_id = bi.id;
    setrlimit(RLIMIT_MEMLOCK, &memlock);
    id_ordinal(IdKind::Prog, fx.prog_id);
    id_ordinal(IdKind::Map, fx.map_id);
    id_ordinal(IdKind::Btf, fx.btf_id);
}

const char *g_cgroup;
bool g_unprivileged;
bool g_token;

int body()
{
    setup(g_cgroup, g_unprivileged ? "unprivileged" : g_token ? "token" : "main");
    if (g_token) {
        cases_token();
        return 0;
    }
    if (g_unprivileged) {
        cases_unprivileged();
        return 0;
    }
    cases_every_group();
    return 0;
}

int g_injected;
int injected_body()
{
    char what[64];
    std::snprintf(what, sizeof what, "injected case %d", g_injected);
    setup(g_cgroup, what);
    injected_case(g_injected);
    return 0;
}

} // namespace
} // namespace oracle

void oracle::cases_every_group()
{
    cases_map_create();
    cases_map_elem();
    cases_map_batch();
    cases_prog_load();
    cases_btf_load();
    cases_obj();
    cases_attach();
    cases_link();
    cases_ids_info();
    cases_misc();
}

int main(int argc, char **argv)
{
    // argv[1]: a cgroup v2 directory the cases may attach to (made and
    // removed by the caller); argv[2]: the other runs, or "uninjected": the
    // privileged run without the injected cases (in a VM, where each one's
    // fresh process costs most of the time and shows no kernel's answer).
    const char *mode = argc > 2 ? argv[2] : "";
    if (argc < 2 || argc > 3 || (*mode && std::strcmp(mode, "unprivileged") != 0 &&
                                 std::strcmp(mode, "token") != 0 && std::strcmp(mode, "uninjected") != 0)) {
        std::fprintf(stderr, "usage: %s CGROUP_DIR [unprivileged|token|uninjected]\n", argv[0]);
        return 2;
    }
    oracle::g_cgroup = argv[1];
    oracle::g_unprivileged = std::strcmp(mode, "unprivileged") == 0;
    oracle::g_token = std::strcmp(mode, "token") == 0;
    std::setvbuf(stdout, nullptr, _IOFBF, 1 << 16);
    int rc = oracle::trace_child(oracle::body, stdout);
    for (int i = 0; rc == 0 && !*mode && i < oracle::injected_case_count(); i++) {
        oracle::g_injected = i;
        rc = oracle::trace_child(oracle::injected_body, stdout);
    }
    std::fflush(stdout);
    if (rc != 0) {
        std::fprintf(stderr, "oracle-driver: traced child ended with %d\n", rc);
        return 1;
    }
    return 0;
}
