// Every bpf.h function as one row of a table: how to call it with memory the
// test owns, which bpf(2) commands it issues as its own (probes are not), the
// opts struct it reads, and what libbpf 1.7 writes back to the caller.
//
// Shared by the fault-injection test and the fuzz target, so plain C++: no
// test framework here. Functions not built into the library under test read
// as unavailable (their symbols are weak here) instead of failing the link.
#pragma once

#include "kernel/cmd.hpp"

#include <bpf/bpf.h>

#include <cstddef>

namespace sysbpf_test::api {

using sysbpf::kernel::Cmd;

// An opts field that libbpf writes back with OPTS_SET (only when the caller's
// sz holds all of it), from the attr of the last own call.
struct OptsOutput {
    unsigned opts_off;
    unsigned size;
    unsigned attr_off;
};

struct OptsKind {
    const char *type;
    std::size_t size;      // sizeof in libbpf 1.7's header
    std::size_t known_end; // end of __last_field: bytes past it must be zero
    OptsOutput outputs[4];
    unsigned n_outputs;
};

// Output parameters (pointer arguments the API writes through).
struct Out {
    __u32 count;
    __u32 next_id;
    __u32 info_len;
    __u32 prog_cnt;
    __u32 attach_flags;
    __u32 buf_len;
    __u32 prog_id;
    __u32 fd_type;
    __u64 probe_offset;
    __u64 probe_addr;
};

// How libbpf fills an output parameter from the attr of the last own call.
enum class When { Always, OnSuccess };
struct OutRule {
    unsigned out_off;
    unsigned size;
    unsigned attr_off;
    When when;
};

// Everything a call is given. The test owns all of it; the API may write only
// to `out` and to opts output fields.
struct Caller {
    void *opts = nullptr; // the opts struct, or NULL
    int fd = 3;           // object fds (the fake kernel never looks at them)
    int fd2 = 4;
    __u32 id = 5;
    __u32 arg = 0;         // a type, start id or count chosen by the test
    __u64 flags = 0;       // a flags argument
    int attach_type = 0;   // attach type for the attach and link rows
    int prog_type = 1;     // BPF_PROG_TYPE_SOCKET_FILTER
    size_t size = 24;      // btf_size / insn_cnt-like sizes
    const char *name = nullptr;
    const char *path = "/sys/fs/bpf/sysbpf-test";
    bpf_insn insns[2] = {{0xb7, 0, 0, 0, 0}, {0x95, 0, 0, 0, 0}};
    unsigned char btf[24] = {};
    unsigned char key[8] = {}, value[8] = {};
    unsigned char keys[16] = {}, values[16] = {};
    unsigned char in_batch[8] = {}, out_batch[8] = {};
    unsigned char info[32] = {};
    char buf[16] = {};
    __u32 prog_ids[4] = {};
    Out out{};
};

struct Row {
    const char *name;
    const void *fn; // the function's address; NULL when not in this build
    const OptsKind *opts;
    Cmd cmds[2]; // its own commands (link_create falls back to a second)
    unsigned n_cmds;
    int (*invoke)(Caller &c);
    OutRule outs[5];
    unsigned n_outs;

    bool available() const { return fn != nullptr; }
    bool owns(Cmd c) const
    {
        for (unsigned i = 0; i < n_cmds; i++)
            if (cmds[i] == c)
                return true;
        return false;
    }
};

// All bpf.h functions, in the header's order; rows() returns count() of them.
const Row *rows();
unsigned count();
const Row *find(const char *name);

// What the kernel does with each command: the most attr bytes libbpf 1.7
// sends, whether it returns a new fd, and the attr fields it writes back.
unsigned max_attr_size(Cmd cmd);
bool returns_fd(Cmd cmd);
struct AttrField {
    unsigned off;
    unsigned size;
};
// Fields of `cmd`'s attr the kernel writes (e.g. log_true_size, count);
// returns how many, up to 5.
unsigned kernel_outputs(Cmd cmd, AttrField out[5]);

} // namespace sysbpf_test::api
