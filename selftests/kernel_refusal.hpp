// Telling the kernel's refusal of a program load from a library fault: the
// test repeats the load itself with a raw bpf(BPF_PROG_LOAD) and compares.
#pragma once

#include <bpf/bpf.h>

#include <cstddef>
#include <string>

namespace selftest {

// The attributes of one program load, as the test gave them to the library.
struct ProgLoad {
    bpf_prog_type type;
    const bpf_insn *insns;
    size_t insn_cnt;
    bpf_attach_type expected_attach_type = static_cast<bpf_attach_type>(0);
    __u32 attach_btf_id = 0;
    const char *license = "GPL";
};

// What the raw bpf(BPF_PROG_LOAD) with the same attributes answered.
struct RawLoad {
    int err = 0;            // errno of the raw call, 0 if it loaded
    bool verified = false;  // the verifier looked at an instruction
    std::string log;        // the verifier log (level 1)
};

// Repeats `load` with a raw bpf() call and a verifier log; a program it
// loads is closed at once.
RawLoad raw_prog_load(const ProgLoad &load);

// The skip reason when the library's load of `load` failed with lib_err
// (positive errno) because of the host's policy: root gets EPERM, and the raw
// call is refused the same way before the verifier processed an instruction
// (empty log, or "processed 0 insns"). Empty otherwise
// (then the failure is not a host policy and the test must go on to fail).
// kind names the programs in the reason ("fentry", "bpf_map_elem iterator").
std::string host_policy_refusal(const ProgLoad &load, int lib_err, const char *kind);

// The skip reason when the raw call is refused with lib_err as well and its
// verifier log contains `evidence` (e.g. "unknown func bpf_get_attach_cookie"
// or "invalid func unknown#174"): `why` (naming the kernel release) followed
// by the log line. Empty otherwise.
std::string kernel_refusal_with_log(const ProgLoad &load, int lib_err, const char *evidence,
                                    const std::string &why);

// The skip reason when the kernel refuses a program calling
// bpf_get_attach_cookie (helper 174): the raw load is refused with lib_err
// too, and its verifier log says "invalid func unknown#174" (no such helper:
// before 5.15) or "unknown func bpf_get_attach_cookie" (not for this program
// type; `for_type` says since when, e.g. "raw_tp and tp_btf programs, 6.10").
// Empty otherwise.
std::string cookie_helper_refusal(const ProgLoad &load, int lib_err, const char *for_type);

// The skip reason when the kernel has no BPF_MAP_LOOKUP_AND_DELETE_ELEM on
// hash maps (5.14+): raw bpf() calls create a hash map, add a key and get
// ENOTSUPP for that key. Empty when the kernel has it.
std::string hash_lookup_and_delete_refusal();

// The attributes of a raw bpf() command, set by byte offset: many fields are
// newer than the build host's <linux/bpf.h>.
struct RawAttr {
    unsigned char bytes[128] = {};
    RawAttr &u32(unsigned off, __u32 v);
    RawAttr &u64(unsigned off, __u64 v);
    RawAttr &ptr(unsigned off, const void *p);
};

// BPF_LINK_CREATE's first fields: prog_fd, target_fd, attach_type, flags.
RawAttr link_create_attr(int prog_fd, int target, __u32 attach_type, __u32 flags = 0);

// errno of bpf(cmd, attr) made directly, 0 when it succeeded (an fd it
// returned is closed at once). raw_bpf leaves the kernel's outputs in attr.
int raw_bpf(int cmd, RawAttr &attr);
int raw_bpf_err(int cmd, const RawAttr &attr);

// The running kernel's release (uname -r), for reasons naming it.
std::string kernel_release();

// What the kernel's own BTF (/sys/kernel/btf/vmlinux) says is missing:
// "its BTF's enum bpf_attach_type has no BPF_TCX_INGRESS" when enum
// `enum_name` is there without `enumerator`; with enum_name nullptr, the
// anonymous enum holding `sibling` (UAPI flags: "BPF_F_RDONLY"). Empty when
// the enumerator is there, or the enum or the BTF is not.
std::string btf_lacks(const char *enum_name, const char *enumerator, const char *sibling = nullptr);

// "its BTF's struct cgroup_bpf has no member revisions" when struct `name`
// is in the kernel's BTF without `member`; empty otherwise.
std::string btf_lacks_member(const char *name, const char *member);

// The BTF evidence of a kernel without mprog ordering for cgroup hooks
// (BPF_F_BEFORE/AFTER, revisions: 6.17; backported to 6.12.110): struct
// cgroup_bpf has no revisions.
std::string no_cgroup_mprog();
constexpr char kCgroupMprog[] = "mprog ordering and revisions for cgroup hooks (6.17+, 6.12.110+)";

// The skip reason when a kernel without a feature refused a library call
// with lib_err (positive errno): the same call made with raw bpf() got
// raw_err == lib_err, and its BTF lacks the feature's enumerator
// (btf_lacks). "kernel without <feature> (<release>+): <BTF evidence>; raw
// bpf(<cmd>) refused the same way, <errno>". Empty otherwise, and then the
// test goes on to fail.
std::string kernel_lacks(const char *feature, int lib_err, int raw_err, const char *cmd,
                         const std::string &btf_evidence);

// The skip reason when the raw call got lib_err as well, whatever the BTF
// says: `why` (naming the kernel release, config or policy) and that
// evidence. Empty otherwise.
std::string raw_refused_same(const std::string &why, int lib_err, int raw_err, const char *cmd);

// The skip reason when bpf_obj_pin_opts(map_fd, path) with BPF_F_PATH_FD and
// path_fd failed with lib_err on a kernel without BPF_F_PATH_FD (6.5+): the
// raw BPF_OBJ_PIN is refused alike and the kernel's BTF lacks the flag.
std::string no_path_fd(int lib_err, int map_fd, const char *path, int path_fd);

// Whether /proc/kallsyms names `symbol` (a kernel config's evidence, e.g.
// register_fprobe for CONFIG_FPROBE).
bool kallsyms_has(const char *symbol);

// The skip reasons when a test's surroundings could not be set up, from the
// positive errno of the failed step: each names a kernel config or host
// policy and the evidence read from /proc (the process lacks CAP_SYS_ADMIN,
// /proc/filesystems has no bpf or cgroup2, /proc/self/ns has no net,
// user.max_net_namespaces is 0, the cgroup2 mount is read-only). Empty
// when nothing explains err: then the test goes on to fail.
std::string bpffs_refusal(int err);  // mounting a bpffs in a private mount namespace
std::string netns_refusal(int err);  // entering a new network namespace
std::string cgroup2_refusal(int err); // making a cgroup v2 directory
std::string userns_refusal(int err);  // unshare(CLONE_NEWUSER)
std::string tracefs_refusal(int err); // reading a tracepoint id from tracefs

} // namespace selftest

// Skips with the reason an evidence helper above gave, if it gave one; the
// test goes on otherwise (to fail on what it checks).
#define SKIP_IF_REFUSED(reason)                                                                    \
    do {                                                                                           \
        if (std::string skip_reason_ = (reason); !skip_reason_.empty())                            \
            SKIP_TEST(skip_reason_);                                                               \
    } while (0)
