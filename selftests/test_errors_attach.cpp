// Attach, link and load errors, one condition per test case.
#include "errors_fixtures.hpp"
#include "harness/harness.hpp"
#include "kernel_refusal.hpp"
#include "link_netns.hpp"
#include "obj_attach_fixtures.hpp"

#include <climits>

using namespace selftest;

// BPF_TCX_INGRESS (Linux 6.6); the build host's linux/bpf.h may predate it.
constexpr auto kTcxIngress = static_cast<bpf_attach_type>(46);

TEST_CASE("prog_detach: a cgroup hook with nothing attached gives ENOENT")
{
    Cgroup cg;
    if (!cg.ok()) {
        SKIP_IF_REFUSED(cgroup2_refusal(cg.error()));
        FAIL("no cgroup v2 directory: " << errstr(cg.error()));
    }
    CHECK(bpf_prog_detach(cg.fd(), BPF_CGROUP_INET_EGRESS) == -ENOENT);
    CHECK(errno == ENOENT);
}

TEST_CASE("link_detach: a raw tracepoint link gives EOPNOTSUPP")
{
    Fd prog(load_return0(BPF_PROG_TYPE_RAW_TRACEPOINT));
    REQUIRE(prog >= 3);
    Fd link(bpf_raw_tracepoint_open("sys_enter", prog));
    REQUIRE(link >= 3);
    CHECK(bpf_link_detach(link) == -EOPNOTSUPP);
    CHECK(errno == EOPNOTSUPP);
}

TEST_CASE("tcx: an ifindex no device has gives ENODEV to attach_opts, detach_opts and query_opts")
{
    Fd prog(load_return0(BPF_PROG_TYPE_SCHED_CLS));
    REQUIRE(prog >= 3);
    const int ifindex = INT_MAX; // the target of tcx hooks is an ifindex, not an fd
    int r = bpf_prog_attach_opts(prog, ifindex, kTcxIngress, nullptr);
    if (r == -EINVAL) {
        RawAttr raw;
        raw.u32(0, static_cast<__u32>(ifindex)).u32(4, static_cast<__u32>(prog.get())).u32(8, kTcxIngress);
        SKIP_IF_REFUSED(kernel_lacks("tcx (6.6+)", -r, raw_bpf_err(BPF_PROG_ATTACH, raw), "BPF_PROG_ATTACH",
                                     btf_lacks("bpf_attach_type", "BPF_TCX_INGRESS")));
    }
    CHECK(r == -ENODEV);
    CHECK(bpf_prog_detach_opts(prog, ifindex, kTcxIngress, nullptr) == -ENODEV);
    LIBBPF_OPTS(bpf_prog_query_opts, q, .query_flags = 0);
    CHECK(bpf_prog_query_opts(ifindex, kTcxIngress, &q) == -ENODEV);
    CHECK(errno == ENODEV);
}

TEST_CASE("prog_load: a log too small for a rejected program gives ENOSPC, not EACCES")
{
    auto bad = std::vector<bpf_insn>{mov64_reg(BPF_REG_0, BPF_REG_2), exit_insn()};
    Fd rejected(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "st_errors", "GPL", bad.data(), bad.size(),
                              nullptr));
    REQUIRE(rejected == -EACCES); // without a log: the verifier's own error
    char log[128]; // the smallest log Linux 6.1 accepts; the level-2 log is longer
    LIBBPF_OPTS(bpf_prog_load_opts, o, .log_level = 2, .log_size = sizeof(log), .log_buf = log);
    CHECK(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "st_errors", "GPL", bad.data(), bad.size(), &o) ==
          -ENOSPC);
    CHECK(errno == ENOSPC);
}

TEST_CASE("link_update: a netfilter link gives EOPNOTSUPP")
{
    const auto prog_type = static_cast<bpf_prog_type>(32);      // BPF_PROG_TYPE_NETFILTER (6.4)
    const auto attach_type = static_cast<bpf_attach_type>(45); // BPF_NETFILTER
    links::PrivateNetns ns;
    if (!ns.ok()) {
        SKIP_IF_REFUSED(netns_refusal(-ns.error()));
        FAIL("no network namespace: " << errstr(-ns.error()));
    }
    auto p = return_imm(1); // NF_ACCEPT
    LIBBPF_OPTS(bpf_prog_load_opts, lo, .expected_attach_type = attach_type);
    Fd prog(bpf_prog_load(prog_type, "st_errors", "GPL", p.data(), p.size(), &lo));
    if (prog == -EINVAL)
        SKIP_IF_REFUSED(kernel_lacks("netfilter programs (6.4+)", EINVAL,
                                     raw_prog_load(ProgLoad{prog_type, p.data(), p.size(), attach_type}).err,
                                     "BPF_PROG_LOAD", btf_lacks("bpf_prog_type", "BPF_PROG_TYPE_NETFILTER")));
    Fd other(bpf_prog_load(prog_type, "st_errors", "GPL", p.data(), p.size(), &lo));
    REQUIRE(prog >= 3);
    REQUIRE(other >= 3);
    LIBBPF_OPTS(bpf_link_create_opts, o,
                .netfilter = {.pf = 2 /* NFPROTO_IPV4 */, .hooknum = 1 /* LOCAL_IN */, .priority = -50});
    Fd link(bpf_link_create(prog, 0, attach_type, &o));
    REQUIRE(link >= 3);
    CHECK(bpf_link_update(link, other, nullptr) == -EOPNOTSUPP);
    CHECK(errno == EOPNOTSUPP);
}

TEST_CASE("obj_pin_opts: a taken path gives EEXIST; an absolute path ignores a closed path_fd")
{
    BpfFs fs;
    if (!fs.ok()) {
        SKIP_IF_REFUSED(bpffs_refusal(fs.error()));
        FAIL("no bpffs: " << errstr(fs.error()));
    }
    Fd map(bpf_map_create(BPF_MAP_TYPE_ARRAY, "st_errors", 4, 4, 1, nullptr));
    REQUIRE(map >= 3);
    // BPF_F_PATH_FD with a path_fd that is not open: an absolute path does not use it.
    LIBBPF_OPTS(bpf_obj_pin_opts, o, .file_flags = kFlagPathFd, .path_fd = 100000);
    int r = bpf_obj_pin_opts(map, fs.path("m").c_str(), &o);
    if (r == -EINVAL)
        SKIP_IF_REFUSED(no_path_fd(-r, map, fs.path("m").c_str(), 100000));
    REQUIRE(r == 0);
    CHECK(bpf_obj_pin_opts(map, fs.path("m").c_str(), &o) == -EEXIST);
    CHECK(errno == EEXIST);
    CHECK(bpf_obj_pin_opts(map, "relative", &o) == -EBADF); // a relative one does
    unlink(fs.path("m").c_str());
}
