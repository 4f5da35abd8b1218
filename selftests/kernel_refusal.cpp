#include "kernel_refusal.hpp"

#include "kernel_helpers.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <sys/syscall.h>
#include <unistd.h>

namespace selftest {

namespace {

__u64 ptr(const void *p) { return reinterpret_cast<std::uintptr_t>(p); }

// The log line containing `what`, or "".
std::string line_with(const std::string &log, const char *what)
{
    size_t at = log.find(what);
    if (at == std::string::npos)
        return "";
    size_t begin = log.rfind('\n', at);
    begin = begin == std::string::npos ? 0 : begin + 1;
    size_t end = log.find('\n', at);
    return log.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

} // namespace

RawLoad raw_prog_load(const ProgLoad &load)
{
    static char buf[1 << 16];
    buf[0] = 0;
    bpf_attr a;
    std::memset(&a, 0, sizeof(a));
    a.prog_type = load.type;
    a.insn_cnt = static_cast<__u32>(load.insn_cnt);
    a.insns = ptr(load.insns);
    a.license = ptr(load.license);
    a.expected_attach_type = load.expected_attach_type;
    a.attach_btf_id = load.attach_btf_id;
    a.log_level = 1;
    a.log_buf = ptr(buf);
    a.log_size = sizeof(buf);
    RawLoad r;
    long fd = ::syscall(__NR_bpf, BPF_PROG_LOAD, &a, sizeof(a));
    if (fd >= 0)
        ::close(static_cast<int>(fd));
    else
        r.err = errno;
    buf[sizeof(buf) - 1] = 0;
    r.log = buf;
    // Refused before any instruction was verified: no log, or only the
    // verifier's closing statistics saying it processed none.
    r.verified = !r.log.empty() && r.log.find("processed 0 insns") == std::string::npos;
    return r;
}

std::string host_policy_refusal(const ProgLoad &load, int lib_err, const char *kind)
{
    if (lib_err != EPERM || ::geteuid() != 0)
        return "";
    RawLoad raw = raw_prog_load(load);
    if (raw.err != EPERM || raw.verified)
        return "";
    return std::string("host policy: root gets EPERM loading ") + kind +
           " programs on this kernel build; raw bpf() refused the same way";
}

std::string kernel_refusal_with_log(const ProgLoad &load, int lib_err, const char *evidence,
                                    const std::string &why)
{
    RawLoad raw = raw_prog_load(load);
    if (raw.err == 0 || raw.err != lib_err)
        return "";
    std::string line = line_with(raw.log, evidence);
    if (line.empty())
        return "";
    return why + " (raw bpf() refused the same way, " + errstr(raw.err) + ": \"" + line + "\")";
}

std::string cookie_helper_refusal(const ProgLoad &load, int lib_err, const char *for_type)
{
    std::string r = kernel_refusal_with_log(load, lib_err, "invalid func unknown#174",
                                            "kernel without bpf_get_attach_cookie (helper 174, 5.15+)");
    if (r.empty())
        r = kernel_refusal_with_log(load, lib_err, "unknown func bpf_get_attach_cookie",
                                    std::string("kernel without bpf_get_attach_cookie in ") + for_type + "+");
    return r;
}

std::string hash_lookup_and_delete_refusal()
{
    bpf_attr a;
    std::memset(&a, 0, sizeof(a));
    a.map_type = BPF_MAP_TYPE_HASH;
    a.key_size = 4;
    a.value_size = 4;
    a.max_entries = 1;
    long map = ::syscall(__NR_bpf, BPF_MAP_CREATE, &a, sizeof(a));
    if (map < 0)
        return "";
    __u32 key = 1, value = 2;
    std::memset(&a, 0, sizeof(a));
    a.map_fd = static_cast<__u32>(map);
    a.key = ptr(&key);
    a.value = ptr(&value);
    long r = ::syscall(__NR_bpf, BPF_MAP_UPDATE_ELEM, &a, sizeof(a));
    if (r == 0)
        r = ::syscall(__NR_bpf, BPF_MAP_LOOKUP_AND_DELETE_ELEM, &a, sizeof(a));
    int err = r < 0 ? errno : 0;
    ::close(static_cast<int>(map));
    if (err != kENOTSUPP)
        return "";
    return "kernel lacks lookup_and_delete on hash maps (5.14+): raw bpf() on a hash map holding "
           "the key gives ENOTSUPP";
}

} // namespace selftest
