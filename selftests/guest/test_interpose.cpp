// Item 14 of the guest suite: a program (or a preloaded shim) that defines
// its own syscall() sees every bpf() the library makes, as it does under
// libbpf: bpftime's syscall server, fault injectors and test doubles work
// this way. This executable defines syscall(); while a scenario runs it
// answers bpf() itself (nothing reaches the kernel) and records each command,
// so a call made past it would be missing from the record and its answer
// would come from the kernel instead of the script.
#include "api_table.hpp"
#include "harness/harness.hpp"

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <string>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace api = sysbpf_test::api;

namespace {

struct Seen {
    int cmd;
    char name[16]; // map_name or prog_name
    __u32 insn0;   // a load's first instruction: code, then imm << 8
    __u32 log_level;
};

// Shared with the parent when a scenario runs in a child.
struct Record {
    Seen seen[64];
    int n;
    long result;
    int err_after;
};

Record *g_rec;
bool g_active;
long (*g_answer)(int cmd, const bpf_attr &attr, int nth);
int g_fds[64], g_nfds;

long answer_fd()
{
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int high = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    if (g_nfds < 64)
        g_fds[g_nfds++] = high;
    return high;
}

long default_answer(int cmd, const bpf_attr &, int)
{
    return api::returns_fd(static_cast<api::Cmd>(cmd)) ? answer_fd() : 0;
}

long bpf_seen(int cmd, const bpf_attr *attr, unsigned)
{
    Seen s{};
    s.cmd = cmd;
    if (cmd == BPF_MAP_CREATE) {
        std::memcpy(s.name, attr->map_name, sizeof(s.name));
    } else if (cmd == BPF_PROG_LOAD) {
        std::memcpy(s.name, attr->prog_name, sizeof(s.name));
        const auto *insn = reinterpret_cast<const bpf_insn *>(attr->insns);
        if (insn && attr->insn_cnt)
            s.insn0 = insn->code | (static_cast<__u32>(insn->imm) << 8);
        s.log_level = attr->log_level;
    }
    int nth = 0;
    for (int i = 0; i < g_rec->n; i++)
        nth += g_rec->seen[i].cmd == cmd;
    if (g_rec->n < 64)
        g_rec->seen[g_rec->n++] = s;
    return g_answer(cmd, *attr, nth);
}

} // namespace

// The interposer: bpf() while a scenario runs is answered here, like a
// user-space BPF runtime would; everything else goes on to libc.
extern "C" __attribute__((visibility("default"))) long syscall(long nr, ...)
{
    va_list ap;
    va_start(ap, nr);
    long a[6];
    for (long &x : a)
        x = va_arg(ap, long);
    va_end(ap);
    if (nr == SYS_bpf && g_active) {
        long r = bpf_seen(static_cast<int>(a[0]), reinterpret_cast<const bpf_attr *>(a[1]),
                          static_cast<unsigned>(a[2]));
        if (r < 0) {
            errno = static_cast<int>(-r);
            return -1;
        }
        return r;
    }
    static auto real = reinterpret_cast<long (*)(long, ...)>(dlsym(RTLD_NEXT, "syscall"));
    return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

namespace {

// Runs `body` in a child (the library's learned state, e.g. "names
// refused", stays there) with `answer` scripting bpf(); returns the record.
template <class Body>
Record scenario(long (*answer)(int, const bpf_attr &, int), Body body)
{
    void *shared = mmap(nullptr, sizeof(Record), PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(shared != MAP_FAILED);
    g_rec = new (shared) Record{};
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        g_answer = answer;
        errno = 4242; // must be left alone by every call that succeeds
        g_active = true;
        g_rec->result = body();
        g_active = false;
        g_rec->err_after = errno;
        _exit(0);
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    Record r = *g_rec;
    munmap(shared, sizeof(Record));
    return r;
}

std::string cmds(const Record &r)
{
    std::string s;
    for (int i = 0; i < r.n; i++)
        s += std::to_string(r.seen[i].cmd) + (r.seen[i].name[0] ? std::string("(") + r.seen[i].name + ")" : "") + " ";
    return s;
}

} // namespace

TEST_CASE("guest 14: every bpf.h function's bpf() reaches an interposed syscall()")
{
    static Record rec;
    g_rec = &rec;
    g_answer = default_answer;
    int checked = 0;
    for (unsigned i = 0; i < api::count(); i++) {
        const api::Row &row = api::rows()[i];
        if (!row.available())
            continue;
        INFO(row.name);
        rec = Record{};
        api::Caller c;
        g_active = true;
        int ret = row.invoke(c);
        g_active = false;
        for (int k = 0; k < g_nfds; k++)
            close(g_fds[k]);
        g_nfds = 0;
        if (row.n_cmds == 0) {
            CHECK(rec.n == 0);
            continue;
        }
        INFO("seen: " << cmds(rec) << " ret " << ret);
        CHECK(rec.n >= 1);
        for (int k = 0; k < rec.n; k++)
            CHECK(row.owns(static_cast<api::Cmd>(rec.seen[k].cmd)));
        CHECK(ret >= 0);
        checked++;
    }
    CHECK(checked >= 50);
}

TEST_CASE("guest 14: a map create's name fallback goes through syscall()")
{
    auto answer = [](int cmd, const bpf_attr &a, int) -> long {
        if (cmd == BPF_MAP_CREATE && a.map_name[0])
            return -E2BIG; // a kernel before 4.15
        return default_answer(cmd, a, 0);
    };
    Record r = scenario(answer, [] {
        return static_cast<long>(bpf_map_create(BPF_MAP_TYPE_ARRAY, "guest_map", 4, 8, 1, nullptr));
    });
    INFO(cmds(r));
    REQUIRE(r.n == 2);
    CHECK(r.seen[0].cmd == BPF_MAP_CREATE);
    CHECK(std::string(r.seen[0].name) == "guest_map");
    CHECK(r.seen[1].cmd == BPF_MAP_CREATE);
    CHECK(r.seen[1].name[0] == '\0');
    CHECK(r.result >= 3);
    CHECK(r.err_after == 4242);
}

TEST_CASE("guest 14: the program-name probe goes through syscall()")
{
    auto answer = [](int cmd, const bpf_attr &a, int) -> long {
        if (cmd == BPF_PROG_LOAD && a.prog_name[0])
            return -E2BIG;
        return default_answer(cmd, a, 0);
    };
    Record r = scenario(answer, [] {
        const bpf_insn insns[] = {{0xb7, 0, 0, 0, 0}, {0x95, 0, 0, 0, 0}};
        return static_cast<long>(
            bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "guest_prog", "GPL", insns, 2, nullptr));
    });
    INFO(cmds(r));
    REQUIRE(r.n == 3);
    CHECK(std::string(r.seen[0].name) == "guest_prog");
    CHECK(std::string(r.seen[1].name) == "sysbpf_namechk"); // the probe
    CHECK(r.seen[2].name[0] == '\0');
    for (int i = 0; i < 3; i++)
        CHECK(r.seen[i].cmd == BPF_PROG_LOAD);
    CHECK(r.result >= 3);
    CHECK(r.err_after == 4242);
}

TEST_CASE("guest 14: the memcg probe and the memlock retry go through syscall()")
{
    auto answer = [](int cmd, const bpf_attr &a, int nth) -> long {
        if (cmd == BPF_MAP_CREATE)
            return nth == 0 ? -EPERM : default_answer(cmd, a, 0); // a kernel before 5.11
        if (cmd == BPF_PROG_LOAD)
            return -EINVAL; // no bpf_ktime_get_coarse_ns: memory is charged to memlock
        return 0;
    };
    Record r = scenario(answer, [] {
        // A raise this process may make without CAP_SYS_RESOURCE.
        rlimit cur{};
        getrlimit(RLIMIT_MEMLOCK, &cur);
        libbpf_set_memlock_rlim(cur.rlim_max);
        return static_cast<long>(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 8, 1, nullptr));
    });
    INFO(cmds(r));
    REQUIRE(r.n == 3);
    CHECK(r.seen[0].cmd == BPF_MAP_CREATE);
    CHECK(r.seen[1].cmd == BPF_PROG_LOAD);
    CHECK(r.seen[1].insn0 == (0x85u | (160u << 8))); // call bpf_ktime_get_coarse_ns
    CHECK(r.seen[2].cmd == BPF_MAP_CREATE);
    CHECK(r.result >= 3);
    CHECK(r.err_after == 4242);
}

TEST_CASE("guest 14: a load's EAGAIN tries and its log retry go through syscall()")
{
    auto answer = [](int cmd, const bpf_attr &a, int nth) -> long {
        if (cmd != BPF_PROG_LOAD)
            return 0;
        if (a.log_level == 0)
            return nth < 4 ? -EAGAIN : -EACCES; // five tries, then a verifier refusal
        return -EACCES;
    };
    Record r = scenario(answer, [] {
        const bpf_insn insns[] = {{0xb7, 0, 0, 0, 0}, {0x95, 0, 0, 0, 0}};
        static char log[256];
        LIBBPF_OPTS(bpf_prog_load_opts, o, .log_size = sizeof(log), .log_buf = log);
        return static_cast<long>(
            bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, nullptr, "GPL", insns, 2, &o));
    });
    INFO(cmds(r));
    REQUIRE(r.n == 6);
    for (int i = 0; i < 5; i++)
        CHECK(r.seen[i].log_level == 0);
    CHECK(r.seen[5].log_level == 1); // reloaded to explain the failure
    CHECK(r.result == -EACCES);
    CHECK(r.err_after == EACCES);
}
