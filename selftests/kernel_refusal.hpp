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

} // namespace selftest
