// One row of the historical-callers check: an opts-taking function, called
// the way a program built against some libbpf release calls it.
#pragma once

#include "harness/harness.hpp"
#include "kernel_helpers.hpp"

#include <bpf/bpf.h>

#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

namespace abi {

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
#define KNOWN_END(S) (offsetof(struct S, S##__last_field) + sizeof(((struct S *)0)->S##__last_field))

// Inputs are only fields the oldest release of the struct already had, so
// every release's caller asks for the same thing; outputs a newer release
// added are checked only where the caller's struct holds them.
struct Row {
    const char *function;
    const char *opts_struct;
    size_t today;     // sizeof in our header
    size_t known_end; // end of <struct>__last_field
    // Parts (separated by '|') of today's outcome, on a kernel that has the command.
    const char *expect;
    // Sets the caller's inputs (only those that fit) and puts the row's
    // objects in their starting state; REQUIREs what it builds.
    void (*fill)(CallerOpts &);
    int (*call)(void *opts); // the call; result as returned
    // What the kernel did, as text; releases what the call created.
    std::string (*observe)(int rc, const CallerOpts &);
    // Drops the row's objects (end of a test case). May be nullptr.
    void (*teardown)();
    // "" when this kernel can run the row's command, else why not (with the
    // errno it gave). nullptr: always can.
    std::string (*kernel_lacks)();
};

// Rows by area (rows_*.cpp), and all of them.
std::vector<Row> load_rows();
std::vector<Row> map_batch_rows();
std::vector<Row> obj_id_rows();
std::vector<Row> cgroup_rows();
std::vector<Row> link_rows();
std::vector<Row> misc_rows();
std::vector<Row> token_rows();
const std::vector<Row> &all_rows();

// Descriptions shared by the rows.
std::string map_info(int fd);
std::string prog_info(int fd);
// "update EPERM" style: what writing key 0 through `fd` gives.
std::string map_write_result(int fd);

} // namespace abi
