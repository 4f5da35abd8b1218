// Paths the library takes only on old kernels, tested on purpose where they
// are taken (the kernel-5.10 suite) with the bpf() commands they make:
// - before 5.11 BPF memory is charged to RLIMIT_MEMLOCK: after an EPERM the
//   library raises the limit once (to libbpf_set_memlock_rlim's value) and
//   retries;
// - before 5.19 BPF_LINK_CREATE takes no fentry/fexit/fmod_ret/LSM link:
//   with no opts, bpf_link_create falls back to BPF_RAW_TRACEPOINT_OPEN.
// Elsewhere each case skips, naming the release that removed the path.
//
// The memlock case must run first in this process: the raise happens once
// per process.
#include "harness/harness.hpp"
#include "bpf_cmd_recorder.hpp"
#include "kernel_helpers.hpp"
#include "kernel_refusal.hpp"
#include "link_btf.hpp"
#include "link_fixtures.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <string>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

// LIBBPF_OPTS leaves the fields it is not given to its memset.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace selftest;
using namespace selftest::links;

namespace {

using Cmds = std::vector<int>;

// Why this kernel does not charge BPF memory to RLIMIT_MEMLOCK (5.11+), or
// "" when it does: a program calling bpf_ktime_get_coarse_ns (helper 160,
// the same release, libbpf's probe for it) loads only from 5.11 on.
std::string memcg_kernel()
{
    const Prog p = {call(160), exit_insn()};
    RawLoad raw = raw_prog_load(ProgLoad{BPF_PROG_TYPE_SOCKET_FILTER, p.data(), p.size()});
    if (raw.err == 0)
        return "kernel charges BPF memory to the memory cgroup, not RLIMIT_MEMLOCK (5.11+): a "
               "program calling bpf_ktime_get_coarse_ns (helper 160, 5.11) loads";
    if (raw.log.find("invalid func unknown#160") == std::string::npos)
        return "cannot tell how the kernel charges BPF memory: the helper 160 probe got " +
               errstr(raw.err) + " without naming the helper";
    return "";
}

rlim_t memlock_limit()
{
    rlimit r{};
    ::getrlimit(RLIMIT_MEMLOCK, &r);
    return r.rlim_cur;
}

// An array map of about `kib` KiB through the library.
int big_array(unsigned kib) { return bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 1024, kib, nullptr); }

} // namespace

TEST_CASE("old kernels: RLIMIT_MEMLOCK raised once after EPERM, to libbpf_set_memlock_rlim's value")
{
    const std::string memcg = memcg_kernel();
    if (!memcg.empty())
        SKIP_TEST(memcg);
    BpfCmdRecorder rec;
    REQUIRE(rec.error() == "");

    // 64 KiB, the default before 5.11, whatever the VM or shell set.
    const rlimit low{64 << 10, 64 << 10};
    REQUIRE(::setrlimit(RLIMIT_MEMLOCK, &low) == 0);
    const rlim_t raised = 1 << 20;
    REQUIRE(libbpf_set_memlock_rlim(raised) == 0);

    // 256 KiB does not fit 64 KiB: EPERM, the helper 160 probe (a memlock
    // kernel), the raise, and the retry, which succeeds.
    rec.clear();
    Fd map(big_array(256));
    CHECK(rec.commands() == Cmds{BPF_MAP_CREATE, BPF_PROG_LOAD, BPF_MAP_CREATE});
    REQUIRE(map >= 3);
    CHECK(memlock_limit() == raised);

    // Later calls run under the raised limit: one command each; a program
    // loads.
    rec.clear();
    Fd prog(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, nullptr, "GPL", return_imm(0).data(), 2, nullptr));
    CHECK(prog >= 3);
    CHECK(rec.commands() == Cmds{BPF_PROG_LOAD});

    // The raise happens once: an EPERM under the raised limit (2 MiB does
    // not fit 1 MiB) is returned as it is, after one command.
    rec.clear();
    errno = 0;
    CHECK(no_leak(big_array(2048)) == -EPERM);
    CHECK(errno == EPERM);
    CHECK(rec.commands() == Cmds{BPF_MAP_CREATE});
    CHECK(memlock_limit() == raised);

    // Too late to choose another limit.
    errno = 0;
    CHECK(libbpf_set_memlock_rlim(raised * 2) == -EBUSY);
    CHECK(errno == EBUSY);
    CHECK(memlock_limit() == raised);
}

// The companion of the sequences above: the recorder sees raw bpf() calls
// in the order made, and only this process's.
TEST_CASE("old kernels: the bpf() command recorder records this process's commands in order")
{
    BpfCmdRecorder rec;
    if (rec.error().find("x86_64 only") != std::string::npos)
        SKIP_TEST(rec.error());
    REQUIRE(rec.error() == "");
    rec.clear();
    CHECK(rec.commands().empty());
    bpf_attr a{};
    ::syscall(__NR_bpf, BPF_PROG_GET_NEXT_ID, &a, sizeof(a));
    ::syscall(__NR_bpf, BPF_MAP_GET_NEXT_ID, &a, sizeof(a));
    ::syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)); // fd 0: refused, still recorded
    CHECK(rec.commands() == Cmds{BPF_PROG_GET_NEXT_ID, BPF_MAP_GET_NEXT_ID, BPF_OBJ_GET_INFO_BY_FD});
    ::getppid(); // not bpf()
    CHECK(rec.commands().size() == 3);
    rec.clear();
    CHECK(rec.commands().empty());
}

namespace {

struct TracingKind {
    const char *name;
    bpf_prog_type prog_type;
    bpf_attach_type type;
    const char *fn; // the kernel function to attach to
};

// Loads a program of `kind`; fd, or -errno with *skip set when the host's
// policy refuses it.
int load_kind(const TracingKind &kind, std::string *skip)
{
    VmlinuxBtf btf;
    __u32 id = btf.ok() ? btf.find(VmlinuxBtf::kFunc, kind.fn) : 0;
    if (!id) {
        *skip = btf.ok() ? std::string("kernel whose BTF has no function ") + kind.fn + " to attach to"
                         : "kernel without BTF (CONFIG_DEBUG_INFO_BTF): /sys/kernel/btf/vmlinux unreadable";
        return -ENOENT;
    }
    const Prog p = return_imm(0);
    std::string log;
    int fd = load_prog(kind.prog_type, p, kind.type, id, &log);
    if (fd >= 0)
        return fd;
    int err = errno;
    *skip = host_policy_refusal(ProgLoad{kind.prog_type, p.data(), p.size(), kind.type, id}, err, kind.name);
    UNSCOPED_INFO("verifier: " << log);
    return -err;
}

// bpf_link_create(prog, 0, type, NULL) is BPF_LINK_CREATE, refused, then
// BPF_RAW_TRACEPOINT_OPEN, which links; with opts, the kernel's EINVAL.
void check_fallback(const TracingKind &kind)
{
    std::string skip;
    Fd prog(load_kind(kind, &skip));
    if (prog < 0 && !skip.empty())
        SKIP_TEST(skip);
    REQUIRE(prog >= 3);
    // Taken only where the kernel itself refuses the link.
    if (raw_link_create(prog, 0, kind.type) != EINVAL)
        SKIP_TEST(std::string("kernel takes ") + kind.name +
                  " links in BPF_LINK_CREATE (5.19+): raw bpf() links it, no fallback to take");
    BpfCmdRecorder rec;
    REQUIRE(rec.error() == "");

    rec.clear();
    errno = 0;
    Fd link(bpf_link_create(prog, 0, kind.type, nullptr));
    CHECK(rec.commands() == Cmds{BPF_LINK_CREATE, BPF_RAW_TRACEPOINT_OPEN});
    REQUIRE(link >= 3);
    CHECK(errno == 0);
    CHECK(cloexec(link));
    LinkInfo info;
    REQUIRE(link_info(link, info) == 0);
    CHECK(info.type() == kLinkTracing);
    CHECK(info.prog_id() == prog_id(prog));

    // With any opts set the fallback is not taken.
    rec.clear();
    LIBBPF_OPTS(bpf_link_create_opts, o, .tracing = {.cookie = 1});
    CHECK(no_leak(bpf_link_create(prog, 0, kind.type, &o)) == -EINVAL);
    CHECK(errno == EINVAL);
    CHECK(rec.commands() == Cmds{BPF_LINK_CREATE});
}

} // namespace

TEST_CASE("old kernels: fentry bpf_link_create without opts falls back to BPF_RAW_TRACEPOINT_OPEN")
{
    check_fallback({"fentry", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, "bpf_fentry_test1"});
}

TEST_CASE("old kernels: fexit bpf_link_create without opts falls back to BPF_RAW_TRACEPOINT_OPEN")
{
    check_fallback({"fexit", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, "bpf_fentry_test1"});
}

TEST_CASE("old kernels: fmod_ret bpf_link_create without opts falls back to BPF_RAW_TRACEPOINT_OPEN")
{
    // A rarely called hook (see test_link.cpp's fmod_ret case).
    check_fallback({"fmod_ret", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, "security_tun_dev_create"});
}

TEST_CASE("old kernels: LSM bpf_link_create without opts falls back to BPF_RAW_TRACEPOINT_OPEN")
{
    check_fallback({"LSM", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, "bpf_lsm_file_open"});
}
