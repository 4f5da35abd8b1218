#include "diag/inject.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/uio.h>
#include <unistd.h>

namespace sysbpf::diag {
namespace {

constexpr const char *kFnNames[] = {
#define SYSBPF_FN(name, params) #name,
#include "trace/functions.def"
#undef SYSBPF_FN
};
constexpr unsigned kFnCount = sizeof(kFnNames) / sizeof(kFnNames[0]);
static_assert(kFnCount == static_cast<unsigned>(trace::Fn::Count));

InjectRule g_rules[kMaxInjectRules];
std::atomic<unsigned long long> g_matched[kMaxInjectRules];
std::atomic<unsigned> g_count{0};

bool parse_ull(const char *s, size_t len, unsigned long long *out) noexcept
{
    if (len == 0 || len > 19)
        return false;
    unsigned long long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    *out = v;
    return true;
}

// "0.25" or "1" as a fraction of 2^53; locale-independent.
bool parse_probability(const char *s, size_t len, unsigned long long *out) noexcept
{
    size_t i = 0;
    unsigned long long whole = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        whole = whole * 10 + static_cast<unsigned>(s[i++] - '0');
    if (i == 0 && (len == 0 || s[0] != '.'))
        return false;
    double frac = 0, scale = 1;
    if (i < len && s[i] == '.') {
        size_t digits = 0;
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
            scale /= 10;
            frac += (s[i] - '0') * scale;
        }
        if (digits == 0)
            return false;
    }
    if (i != len || whole > 1 || (whole == 1 && frac > 0))
        return false;
    *out = static_cast<unsigned long long>((static_cast<double>(whole) + frac) * 9007199254740992.0);
    return true;
}

int parse_errno(const char *s, size_t len) noexcept
{
    unsigned long long v;
    if (parse_ull(s, len, &v))
        return v >= 1 && v <= 4095 ? static_cast<int>(v) : 0;
    if (len == 8 && !std::memcmp(s, "ENOTSUPP", 8))
        return 524;
    for (int e = 1; e < 4096; e++) {
        const char *n = strerrorname_np(e);
        if (n && std::strlen(n) == len && !std::memcmp(n, s, len))
            return e;
    }
    return 0;
}

bool same_upper(const char *a, const char *b, size_t len) noexcept
{
    for (size_t i = 0; i < len; i++) {
        char c = b[i] >= 'a' && b[i] <= 'z' ? static_cast<char>(b[i] - 'a' + 'A') : b[i];
        if (a[i] != c)
            return false;
    }
    return true;
}

// Sets rule.type_value for every kind that has a type of that name.
bool parse_type(const char *s, size_t len, InjectRule &rule) noexcept
{
    bool any = false;
    for (unsigned k = 0; k < 3; k++) {
        const auto kind = static_cast<trace::EnumKind>(k);
        const char *prefix = trace::enum_prefix(kind);
        const size_t plen = std::strlen(prefix);
        const char *t = s;
        size_t tlen = len;
        if (len > plen && same_upper(prefix, s, plen)) {
            t += plen;
            tlen -= plen;
        }
        for (long long v = 0; v < 256; v++) {
            const char *n = trace::enum_name(kind, v);
            if (n && std::strlen(n) == tlen && same_upper(n, t, tlen)) {
                rule.type_value[k] = v;
                any = true;
                break;
            }
        }
    }
    rule.has_type = any;
    return any;
}

template <class... T>
int fail(char *why, size_t why_len, T... v) noexcept
{
    std::snprintf(why, why_len, v...);
    return -1;
}

// One rule, [s, s + len).
int parse_rule(const char *s, size_t len, unsigned index, InjectRule &r, char *why,
               size_t why_len) noexcept
{
    r = InjectRule{};
    const char *end = s + len;
    const char *field = s;
    bool have_p = false, have_seed = false;
    for (unsigned f = 0; field <= end; f++) {
        const char *colon = static_cast<const char *>(std::memchr(field, ':', end - field));
        const char *fe = colon ? colon : end;
        const int flen = static_cast<int>(fe - field);
        if (f == 0) {
            unsigned i = 0;
            while (i < kFnCount && !(std::strlen(kFnNames[i]) == static_cast<size_t>(flen) &&
                                     !std::memcmp(kFnNames[i], field, flen)))
                i++;
            if (flen == 0)
                return fail(why, why_len, "rule %u: empty rule", index);
            if (i == kFnCount)
                return fail(why, why_len, "rule %u: '%.*s' is not a bpf.h function", index, flen,
                            field);
            r.fn = static_cast<trace::Fn>(i);
        } else if (f == 1) {
            r.err = parse_errno(field, flen);
            if (!r.err)
                return fail(why, why_len, "rule %u: '%.*s' is not an errno name or 1..4095",
                            index, flen, field);
        } else {
            const char *eq = static_cast<const char *>(std::memchr(field, '=', flen));
            if (!eq)
                return fail(why, why_len, "rule %u: option '%.*s' lacks '='", index, flen, field);
            const int klen = static_cast<int>(eq - field);
            const char *val = eq + 1;
            const size_t vlen = static_cast<size_t>(fe - val);
            auto key = [&](const char *k) { return std::strlen(k) == static_cast<size_t>(klen) &&
                                                   !std::memcmp(k, field, klen); };
            unsigned long long v = 0;
            const bool is_mode = key("nth") || key("every") || key("p");
            if (is_mode && r.mode != InjectRule::Mode::Always)
                return fail(why, why_len, "rule %u: more than one of nth=, every=, p=", index);
            if (key("nth") || key("every")) {
                if (!parse_ull(val, vlen, &v) || v == 0)
                    return fail(why, why_len, "rule %u: %.*s wants a whole number >= 1, not '%.*s'",
                                index, klen, field, static_cast<int>(vlen), val);
                r.mode = key("nth") ? InjectRule::Mode::Nth : InjectRule::Mode::Every;
                r.n = v;
            } else if (key("p")) {
                if (!parse_probability(val, vlen, &r.threshold))
                    return fail(why, why_len, "rule %u: p wants a decimal from 0 to 1, not '%.*s'",
                                index, static_cast<int>(vlen), val);
                r.mode = InjectRule::Mode::Prob;
                have_p = true;
            } else if (key("seed")) {
                if (have_seed || !parse_ull(val, vlen, &r.seed))
                    return fail(why, why_len, "rule %u: seed wants one whole number, not '%.*s'",
                                index, static_cast<int>(vlen), val);
                have_seed = true;
            } else if (key("name")) {
                if (r.name[0] || vlen == 0 || vlen >= sizeof(r.name))
                    return fail(why, why_len, "rule %u: name wants one name of 1..255 characters",
                                index);
                std::memcpy(r.name, val, vlen);
            } else if (key("type")) {
                if (r.has_type || !parse_type(val, vlen, r))
                    return fail(why, why_len,
                                "rule %u: '%.*s' is not one map, program or attach type name",
                                index, static_cast<int>(vlen), val);
            } else {
                return fail(why, why_len, "rule %u: unknown option '%.*s'", index, klen, field);
            }
        }
        if (!colon) {
            if (f == 0)
                return fail(why, why_len, "rule %u: missing ':ERRNO' after the function", index);
            break;
        }
        field = colon + 1;
    }
    if (have_seed && !have_p)
        return fail(why, why_len, "rule %u: seed= without p=", index);
    return 0;
}

unsigned long long splitmix64(unsigned long long x) noexcept
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

// The caller's string equals `name`, read without trusting the pointer.
bool string_is(const void *p, const char *name) noexcept
{
    if (!p)
        return false;
    const size_t want = std::strlen(name) + 1;
    char buf[sizeof(InjectRule::name)];
    for (size_t i = 0; i < want; i++) {
        iovec l{buf + i, 1}, r{static_cast<char *>(const_cast<void *>(p)) + i, 1};
        if (process_vm_readv(getpid(), &l, 1, &r, 1, 0) != 1)
            return false;
        if (buf[i] != name[i])
            return false;
    }
    return true;
}

bool matches(const InjectRule &r, const trace::Arg *args, unsigned nargs) noexcept
{
    bool name_ok = !r.name[0], type_ok = !r.has_type;
    for (unsigned i = 0; i < nargs && !(name_ok && type_ok); i++) {
        if (args[i].kind == trace::Arg::Kind::Str && !name_ok) {
            if (!string_is(args[i].p, r.name))
                return false;
            name_ok = true;
        }
        if (args[i].kind == trace::Arg::Kind::Enum && !type_ok) {
            if (r.type_value[static_cast<unsigned>(args[i].enum_kind)] != args[i].i)
                return false;
            type_ok = true;
        }
    }
    return name_ok && type_ok;
}

} // namespace

bool inject_fires(const InjectRule &r, unsigned long long k) noexcept
{
    switch (r.mode) {
    case InjectRule::Mode::Always: return true;
    case InjectRule::Mode::Nth: return k == r.n;
    case InjectRule::Mode::Every: return k % r.n == 0;
    case InjectRule::Mode::Prob: return (splitmix64(r.seed ^ splitmix64(k)) >> 11) < r.threshold;
    }
    return false;
}

int parse_inject_rules(const char *spec, InjectRule *out, char *why, size_t why_len) noexcept
{
    unsigned n = 0;
    const char *s = spec;
    for (;;) {
        const char *comma = std::strchr(s, ',');
        const size_t len = comma ? static_cast<size_t>(comma - s) : std::strlen(s);
        if (n == kMaxInjectRules)
            return fail(why, why_len, "more than %u rules", kMaxInjectRules);
        if (parse_rule(s, len, n + 1, out[n], why, why_len) < 0)
            return -1;
        n++;
        if (!comma)
            return static_cast<int>(n);
        s = comma + 1;
    }
}

bool inject_init(const char *spec) noexcept
{
    char why[200];
    const int n = parse_inject_rules(spec, g_rules, why, sizeof(why));
    if (n < 0) {
        char msg[400];
        int len = std::snprintf(msg, sizeof(msg),
                                "sysbpf: SYSBPF_INJECT refused: %s; this process runs with no "
                                "faults injected\n",
                                why);
        if (len > 0)
            trace::write_stderr(msg, static_cast<size_t>(len) < sizeof(msg) ? len : sizeof(msg) - 1);
        return false;
    }
    g_count.store(static_cast<unsigned>(n), std::memory_order_release);
    return n > 0;
}

int inject_check(trace::Fn fn, const trace::Arg *args, unsigned nargs) noexcept
{
    const unsigned n = g_count.load(std::memory_order_acquire);
    int err = 0;
    for (unsigned i = 0; i < n; i++) {
        const InjectRule &r = g_rules[i];
        if (r.fn != fn || !matches(r, args, nargs))
            continue;
        const unsigned long long k = g_matched[i].fetch_add(1, std::memory_order_relaxed) + 1;
        if (!err && inject_fires(r, k))
            err = r.err;
    }
    return err;
}

} // namespace sysbpf::diag
