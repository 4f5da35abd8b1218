#include "tracer.hpp"

#include "marker.hpp"

#include <linux/bpf.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

namespace oracle {
namespace {

// ---- The one architecture-specific place: skipping a call and setting its
// return value. Reading uses PTRACE_GET_SYSCALL_INFO (Linux 5.3+) everywhere.
#if defined(__x86_64__)
bool skip_syscall(pid_t pid)
{
    user_regs_struct r;
    if (ptrace(PTRACE_GETREGS, pid, nullptr, &r) != 0)
        return false;
    r.orig_rax = static_cast<unsigned long long>(-1);
    return ptrace(PTRACE_SETREGS, pid, nullptr, &r) == 0;
}
bool set_return(pid_t pid, long value)
{
    user_regs_struct r;
    if (ptrace(PTRACE_GETREGS, pid, nullptr, &r) != 0)
        return false;
    r.rax = static_cast<unsigned long long>(value);
    return ptrace(PTRACE_SETREGS, pid, nullptr, &r) == 0;
}
constexpr bool kCanInject = true;
#else
bool skip_syscall(pid_t) { return false; }
bool set_return(pid_t, long) { return false; }
constexpr bool kCanInject = false;
#endif
// ---- end of the architecture-specific place.

struct Buffer {
    std::string name;
    uint64_t addr;
    uint64_t len;
};

struct State {
    pid_t pid;
    FILE *out;
    std::vector<Buffer> bufs;
    std::vector<long> inject;
    // Kernel ids in order of first sight, per kind: progs, maps, BTF and
    // links each have their own id space, where the same number means
    // different objects.
    std::vector<std::pair<char, uint32_t>> ids;
    // The call in flight (entry seen, exit not yet).
    long nr = -1;
    uint64_t args[6] = {};
    std::vector<uint8_t> attr_in;
    std::string attr_text; // rendered at entry: pointed-to bytes as the call found them
    long injected = 0;
};

std::vector<uint8_t> peek(pid_t pid, uint64_t addr, size_t len)
{
    std::vector<uint8_t> v(len);
    if (!len)
        return v;
    iovec local{v.data(), len};
    iovec remote{reinterpret_cast<void *>(addr), len};
    ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
    v.resize(n < 0 ? 0 : static_cast<size_t>(n));
    return v;
}

std::string hex(const uint8_t *p, size_t n)
{
    static const char d[] = "0123456789abcdef";
    std::string s;
    s.reserve(2 * n);
    for (size_t i = 0; i < n; i++) {
        s += d[p[i] >> 4];
        s += d[p[i] & 15];
    }
    return s;
}

char id_kind(int cmd)
{
    switch (cmd) {
    case BPF_PROG_GET_FD_BY_ID:
    case BPF_PROG_GET_NEXT_ID:
        return 'p';
    case BPF_MAP_GET_FD_BY_ID:
    case BPF_MAP_GET_NEXT_ID:
        return 'm';
    case BPF_BTF_GET_FD_BY_ID:
    case BPF_BTF_GET_NEXT_ID:
        return 'b';
    default:
        return 'l';
    }
}

std::string id_name(State &st, int cmd, uint32_t id)
{
    if (!id)
        return "id0";
    const std::pair<char, uint32_t> key{id_kind(cmd), id};
    size_t n = 0;
    for (const auto &k : st.ids)
        if (k.first == key.first) {
            if (k == key)
                return std::string(1, key.first) + "id#" + std::to_string(n);
            n++;
        }
    st.ids.push_back(key);
    return std::string(1, key.first) + "id#" + std::to_string(n);
}

// attr offsets holding kernel-assigned ids, per command.
bool is_id_slot(int cmd, size_t off)
{
    switch (cmd) {
    case BPF_PROG_GET_FD_BY_ID:
    case BPF_MAP_GET_FD_BY_ID:
    case BPF_BTF_GET_FD_BY_ID:
    case BPF_LINK_GET_FD_BY_ID:
    case BPF_PROG_GET_NEXT_ID:
    case BPF_MAP_GET_NEXT_ID:
    case BPF_BTF_GET_NEXT_ID:
    case BPF_LINK_GET_NEXT_ID:
        return off == 0;
    default:
        return false;
    }
}

bool is_next_id_cmd(int cmd)
{
    return cmd == BPF_PROG_GET_NEXT_ID || cmd == BPF_MAP_GET_NEXT_ID || cmd == BPF_BTF_GET_NEXT_ID ||
           cmd == BPF_LINK_GET_NEXT_ID;
}

const Buffer *find_buffer(const State &st, uint64_t v)
{
    for (auto it = st.bufs.rbegin(); it != st.bufs.rend(); ++it)
        if (v >= it->addr && v < it->addr + (it->len ? it->len : 1))
            return &*it;
    return nullptr;
}

// A registered buffer's bytes, with pointers in it to other registered
// buffers named (an array of strings, say).
std::string render_contents(const State &st, const std::vector<uint8_t> &b)
{
    std::string s;
    for (size_t i = 0; i < b.size();) {
        if (i % 8 == 0 && i + 8 <= b.size()) {
            uint64_t v;
            std::memcpy(&v, &b[i], 8);
            if (const Buffer *hit = find_buffer(st, v)) {
                s += "{&" + hit->name + "+" + std::to_string(v - hit->addr) + "}";
                i += 8;
                continue;
            }
        }
        s += hex(&b[i], 1);
        i++;
    }
    return s;
}

// attr bytes, 8-byte slots that point into a registered buffer printed as
// &name+off=<bytes from there to the buffer's end>; other values that point
// into the child's memory as &?; id slots numbered.
std::string render_attr(State &st, int cmd, const std::vector<uint8_t> &a)
{
    std::string s;
    size_t i = 0;
    while (i < a.size()) {
        if (i % 8 == 0 && i + 8 <= a.size()) {
            uint64_t v;
            std::memcpy(&v, &a[i], 8);
            if (const Buffer *hit = find_buffer(st, v)) {
                uint64_t off = v - hit->addr;
                auto bytes = peek(st.pid, v, hit->len - off);
                s += "[&" + hit->name + "+" + std::to_string(off) + "=" + render_contents(st, bytes) + "]";
                i += 8;
                continue;
            }
            if (v >= (1ull << 32) && v < (1ull << 47) && peek(st.pid, v, 1).size() == 1) {
                s += "[&?]";
                i += 8;
                continue;
            }
        }
        if (cmd == BPF_TASK_FD_QUERY && i == 0 && a.size() >= 4) {
            uint32_t v;
            std::memcpy(&v, &a[0], 4);
            if (v == static_cast<uint32_t>(st.pid)) {
                s += "[self]";
                i += 4;
                continue;
            }
        }
        if (i % 4 == 0 && i + 4 <= a.size() && is_id_slot(cmd, i)) {
            uint32_t v;
            std::memcpy(&v, &a[i], 4);
            s += "[" + id_name(st, cmd, v) + "]";
            i += 4;
            continue;
        }
        s += hex(&a[i], 1);
        i++;
    }
    return s;
}

// What the kernel wrote into attr: offset=bytes for each changed run.
std::string render_attr_out(State &st, int cmd, const std::vector<uint8_t> &in, const std::vector<uint8_t> &out)
{
    std::string s;
    size_t n = std::min(in.size(), out.size());
    for (size_t i = 0; i < n;) {
        if (in[i] == out[i]) {
            i++;
            continue;
        }
        if (is_next_id_cmd(cmd) && i >= 4 && i < 8) {
            s += " @4=next"; // another process's objects may come next
            i = 8;
            continue;
        }
        if (cmd == BPF_PROG_TEST_RUN && i >= 36 && i < 40) {
            s += " @36=duration";
            i = 40;
            continue;
        }
        size_t j = i;
        while (j < n && in[j] != out[j])
            j++;
        s += " @" + std::to_string(i) + "=" + hex(&out[i], j - i);
        i = j;
    }
    (void)st;
    return s;
}

std::string peek_string(pid_t pid, uint64_t addr, size_t max)
{
    auto v = peek(pid, addr, max);
    std::string s;
    for (uint8_t c : v) {
        if (!c)
            break;
        s += static_cast<char>(c);
    }
    return s;
}

std::string escape(const std::string &in)
{
    std::string s;
    for (char c : in) {
        if (c == '\n')
            s += "\\n";
        else if (c == '\\')
            s += "\\\\";
        else
            s += c;
    }
    return s;
}

void on_marker(State &st)
{
    switch (st.args[0]) {
    case kEmit: {
        auto v = peek(st.pid, st.args[1], st.args[2]);
        std::fwrite(v.data(), 1, v.size(), st.out);
        std::fputc('\n', st.out);
        break;
    }
    case kReg:
        st.bufs.push_back({peek_string(st.pid, st.args[1], 64), st.args[2], st.args[3]});
        break;
    case kInject: {
        auto v = peek(st.pid, st.args[1], st.args[2] * sizeof(int));
        st.inject.clear();
        for (size_t i = 0; i + sizeof(int) <= v.size(); i += sizeof(int)) {
            int e;
            std::memcpy(&e, &v[i], sizeof e);
            st.inject.push_back(e);
        }
        break;
    }
    case kCase:
        st.bufs.clear();
        st.inject.clear();
        break;
    }
}

void at_entry(State &st)
{
    st.injected = 0;
    if (st.nr == kMarkerNr) {
        on_marker(st);
        return;
    }
    if (st.nr == SYS_bpf) {
        unsigned size = static_cast<unsigned>(st.args[2]);
        st.attr_in = peek(st.pid, st.args[1], std::min(size, 4096u));
        st.attr_text = render_attr(st, static_cast<int>(st.args[0]), st.attr_in);
        // A library's own probe (a program whose instructions are not the
        // caller's) gets the kernel's real answer: injections stand for
        // answers to the caller's calls.
        bool probe = false;
        if (st.args[0] == BPF_PROG_LOAD && st.attr_in.size() >= 16) {
            uint64_t insns;
            std::memcpy(&insns, &st.attr_in[8], 8);
            probe = !find_buffer(st, insns);
        }
        if (!probe && !st.inject.empty()) {
            long e = st.inject.front();
            st.inject.erase(st.inject.begin());
            if (e && kCanInject && skip_syscall(st.pid))
                st.injected = e;
        }
    }
}

void at_exit(State &st, long ret)
{
    if (st.nr == SYS_bpf) {
        if (st.injected) {
            set_return(st.pid, -st.injected);
            ret = -st.injected;
        }
        int cmd = static_cast<int>(st.args[0]);
        std::string line = "  bpf cmd=" + std::to_string(cmd) + " size=" + std::to_string(st.args[2]) +
                           " attr=" + st.attr_text;
        if (st.injected)
            line += " injected=-" + std::to_string(st.injected);
        line += " ret=" + std::to_string(ret);
        auto after = peek(st.pid, st.args[1], st.attr_in.size());
        std::string w = render_attr_out(st, cmd, st.attr_in, after);
        if (!w.empty())
            line += " wrote" + w;
        std::fprintf(st.out, "%s\n", line.c_str());
    } else if (st.nr == SYS_prlimit64 && st.args[1] == RLIMIT_MEMLOCK && st.args[2]) {
        auto v = peek(st.pid, st.args[2], sizeof(rlimit));
        rlimit r{};
        std::memcpy(&r, v.data(), std::min(v.size(), sizeof r));
        std::fprintf(st.out, "  setrlimit MEMLOCK cur=%llu max=%llu ret=%ld\n",
                     (unsigned long long)r.rlim_cur, (unsigned long long)r.rlim_max, ret);
    } else if (st.nr == SYS_setrlimit && st.args[0] == RLIMIT_MEMLOCK) {
        std::fprintf(st.out, "  setrlimit MEMLOCK ret=%ld\n", ret);
    } else if (st.nr == SYS_fcntl && (st.args[1] == F_DUPFD || st.args[1] == F_DUPFD_CLOEXEC)) {
        std::fprintf(st.out, "  fcntl fd=%llu cmd=%llu arg=%llu ret=%ld\n", (unsigned long long)st.args[0],
                     (unsigned long long)st.args[1], (unsigned long long)st.args[2], ret);
    } else if (st.nr == SYS_write && st.args[0] == 2) {
        auto v = peek(st.pid, st.args[1], std::min<uint64_t>(st.args[2], 4096));
        std::fprintf(st.out, "  stderr %s\n", escape(std::string(v.begin(), v.end())).c_str());
    }
}

} // namespace

int trace_child(int (*body)(), FILE *out)
{
    std::fflush(nullptr);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (ptrace(PTRACE_TRACEME, 0, nullptr, nullptr) != 0)
            _exit(120);
        raise(SIGSTOP);
        _exit(body());
    }
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
        return -1;
    if (ptrace(PTRACE_SETOPTIONS, pid, nullptr, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL) != 0)
        return -1;
    State st;
    st.pid = pid;
    st.out = out;
    int sig = 0;
    for (;;) {
        if (ptrace(PTRACE_SYSCALL, pid, nullptr, sig) != 0)
            return -1;
        sig = 0;
        if (waitpid(pid, &status, 0) != pid)
            return -1;
        if (WIFEXITED(status))
            return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
            return 128 + WTERMSIG(status);
        if (!WIFSTOPPED(status))
            continue;
        if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
            sig = WSTOPSIG(status);
            continue;
        }
        __ptrace_syscall_info info{};
        if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, reinterpret_cast<void *>(sizeof info), &info) <= 0)
            return -1;
        if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
            st.nr = static_cast<long>(info.entry.nr);
            for (int i = 0; i < 6; i++)
                st.args[i] = info.entry.args[i];
            at_entry(st);
        } else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
            at_exit(st, info.exit.rval);
            st.nr = -1;
        }
    }
}

} // namespace oracle
