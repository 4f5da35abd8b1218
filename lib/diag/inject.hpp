// SYSBPF_INJECT: chosen bpf.h calls fail with a chosen errno before they
// reach the kernel. The grammar (also in sysbpf(1)):
//
//   rules := rule { ',' rule }
//   rule  := FUNCTION ':' ERRNO { ':' option }
//   option:= nth=N | every=N | p=P | seed=S | name=NAME | type=TYPE
//
// FUNCTION is a bpf.h function name; ERRNO a name (EPERM, ENOTSUPP) or a
// number 1..4095. Without nth/every/p every matching call fails; nth=N fails
// the Nth matching call only, every=N the Nth, 2Nth, ...; p=P (0..1, decimal)
// fails each matching call with probability P, drawn from a sequence fixed
// by seed=S (default 0) and the call's position among the matching calls.
// name= matches the call's first string argument (map or program name, pin
// path, tracepoint name) exactly; type= matches its first map, program or
// attach type argument, by the kernel's name with or without the prefix
// (hash, BPF_MAP_TYPE_HASH, xdp). The first rule that fails a call wins;
// every rule that matches counts the call.
#pragma once

#include "trace/trace.hpp"

#include <cstddef>

namespace sysbpf::diag {

constexpr unsigned kMaxInjectRules = 16;

struct InjectRule {
    enum class Mode : unsigned char { Always, Nth, Every, Prob } mode = Mode::Always;
    trace::Fn fn{};
    int err = 0;
    unsigned long long n = 0;         // nth / every
    unsigned long long threshold = 0; // p as a fraction of 2^53
    unsigned long long seed = 0;
    char name[256] = {};              // empty: any
    bool has_type = false;
    long long type_value[3] = {-1, -1, -1}; // by trace::EnumKind
};

// Parses `spec` into `out` (at most kMaxInjectRules). Returns the number of
// rules, or -1 with a one-line reason in `why` (no trailing newline).
int parse_inject_rules(const char *spec, InjectRule *out, char *why, size_t why_len) noexcept;

// Reads `spec` (SYSBPF_INJECT); on a bad rule writes one message to stderr
// and injects nothing. True when rules are active.
bool inject_init(const char *spec) noexcept;

// The errno to inject into this call of `fn`, or 0. Counts the call.
int inject_check(trace::Fn fn, const trace::Arg *args, unsigned nargs) noexcept;

// For the unit tests: decides one call against `rule`, given its position
// (1-based) among the calls that matched it.
bool inject_fires(const InjectRule &rule, unsigned long long position) noexcept;

} // namespace sysbpf::diag
