// The one way the library reads a caller's opts struct.
//
// The caller's `sz` says which release's struct it was compiled with. A field
// exists for this caller only if it lies wholly inside `sz`; otherwise it reads
// as the fallback and is never written. Bytes past the last field this
// library knows must be zero. Since releases grew structs into their tail
// padding, "the last field we know" is the header's __last_field, not sizeof.
//
// Read fields with SYSBPF_OPT(reader, field, fallback) and write outputs with
// SYSBPF_OPT_SET(reader, field, value); api code never dereferences opts.
#pragma once

#include "sys/result.hpp"

#include <bpf/bpf.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

namespace sysbpf {

// End of the last field this library knows, per opts struct. (`struct` is
// spelled out: several opts structs share their name with a function.)
template <class T> inline constexpr std::size_t opts_known_end = 0;

#define SYSBPF_KNOWN_OPTS(T)                                                                   \
    template <>                                                                                \
    inline constexpr std::size_t opts_known_end<struct T> =                                    \
        offsetof(struct T, T##__last_field) + sizeof(std::declval<struct T &>().T##__last_field)
SYSBPF_KNOWN_OPTS(bpf_map_create_opts);
SYSBPF_KNOWN_OPTS(bpf_prog_load_opts);
SYSBPF_KNOWN_OPTS(bpf_btf_load_opts);
SYSBPF_KNOWN_OPTS(bpf_map_batch_opts);
SYSBPF_KNOWN_OPTS(bpf_obj_pin_opts);
SYSBPF_KNOWN_OPTS(bpf_obj_get_opts);
SYSBPF_KNOWN_OPTS(bpf_prog_attach_opts);
SYSBPF_KNOWN_OPTS(bpf_prog_detach_opts);
SYSBPF_KNOWN_OPTS(bpf_link_create_opts);
SYSBPF_KNOWN_OPTS(bpf_link_update_opts);
SYSBPF_KNOWN_OPTS(bpf_get_fd_by_id_opts);
SYSBPF_KNOWN_OPTS(bpf_prog_query_opts);
SYSBPF_KNOWN_OPTS(bpf_raw_tp_opts);
SYSBPF_KNOWN_OPTS(bpf_prog_bind_opts);
SYSBPF_KNOWN_OPTS(bpf_test_run_opts);
SYSBPF_KNOWN_OPTS(bpf_token_create_opts);
SYSBPF_KNOWN_OPTS(bpf_prog_stream_read_opts);
SYSBPF_KNOWN_OPTS(bpf_prog_assoc_struct_ops_opts);
#undef SYSBPF_KNOWN_OPTS

// What reading an opts field of type F gives. Enum fields come back as their
// underlying integer: a caller may store any value there (one from a newer
// header, say), and an enum object holding a value outside its enumerators'
// range is undefined in C++.
template <class F>
using opt_value_t = typename std::conditional_t<std::is_enum_v<F>, std::underlying_type<F>,
                                                std::type_identity<F>>::type;

// Caller opts of type T (const T for input-only structs).
template <class T>
class Opts {
public:
    using type = std::remove_const_t<T>;
    static constexpr std::size_t kKnownEnd = opts_known_end<type>;
    static_assert(kKnownEnd >= sizeof(std::size_t), "opts struct without __last_field");

    explicit Opts(T *opts) noexcept : p_(reinterpret_cast<unsigned char *>(
                                          const_cast<type *>(opts))),
                                      sz_(opts ? opts->sz : 0) {}

    // libbpf's rule: NULL is valid; sz must hold at least `sz` itself; bytes
    // past the known fields must be zero.
    bool valid() const noexcept
    {
        if (!p_)
            return true;
        if (sz_ < sizeof(std::size_t))
            return false;
        for (std::size_t i = kKnownEnd; i < sz_; i++) {
            if (p_[i])
                return false;
        }
        return true;
    }

    bool has(std::size_t off, std::size_t size) const noexcept
    {
        return p_ && sz_ >= off + size;
    }

    template <class F>
    opt_value_t<F> get(std::size_t off, opt_value_t<F> fallback) const noexcept
    {
        if (!has(off, sizeof(F)))
            return fallback;
        opt_value_t<F> v;
        std::memcpy(&v, p_ + off, sizeof(F));
        return v;
    }

    template <class F>
    void set(std::size_t off, F value) const noexcept
    {
        static_assert(!std::is_const_v<T>, "output field in an input-only opts struct");
        if (has(off, sizeof(F)))
            std::memcpy(p_ + off, &value, sizeof(F));
    }

    // The same reader (every reader offers checked(): hand it to code that
    // does not care which shape the caller's opts had).
    Opts checked() const noexcept { return *this; }

private:
    unsigned char *p_;
    std::size_t sz_;
};

template <class T> Opts(T *) -> Opts<T>;

// The two shapes nearly every caller passes, each read without a bounds test
// per field. They answer the same as Opts would for the same struct.

// NULL opts: every field reads as its fallback, nothing is written.
template <class T>
struct NoOpts {
    using type = std::remove_const_t<T>;

    template <class F>
    opt_value_t<F> get(std::size_t, opt_value_t<F> fallback) const noexcept
    {
        return fallback;
    }
    template <class F>
    void set(std::size_t, F) const noexcept
    {
        static_assert(!std::is_const_v<T>, "output field in an input-only opts struct");
    }
    Opts<T> checked() const noexcept { return Opts<T>(nullptr); }
};

// A struct that holds every known field (sz == sizeof and the tail padding
// past the known fields is zero): every field is read and written in place.
template <class T>
struct WholeOpts {
    using type = std::remove_const_t<T>;
    T *p;

    template <class F>
    opt_value_t<F> get(std::size_t off, opt_value_t<F>) const noexcept
    {
        opt_value_t<F> v;
        std::memcpy(&v, reinterpret_cast<const unsigned char *>(p) + off, sizeof(F));
        return v;
    }
    template <class F>
    void set(std::size_t off, F value) const noexcept
    {
        static_assert(!std::is_const_v<T>, "output field in an input-only opts struct");
        std::memcpy(reinterpret_cast<unsigned char *>(const_cast<type *>(p)) + off, &value,
                    sizeof(F));
    }
    Opts<T> checked() const noexcept { return Opts<T>(p); }
};

namespace detail {

// Whether `opts` (not NULL) is exactly this library's struct with a zero
// tail: the test is a handful of instructions, sizes being constants.
template <class T>
inline bool is_whole(const T *opts) noexcept
{
    using U = std::remove_const_t<T>;
    constexpr std::size_t known = opts_known_end<U>;
    if (opts->sz != sizeof(U))
        return false;
    if constexpr (known < sizeof(U)) {
        // Tail padding only, shorter than the struct's alignment: one word.
        static_assert(sizeof(U) - known < sizeof(std::uint64_t));
        std::uint64_t tail = 0;
        std::memcpy(&tail, reinterpret_cast<const unsigned char *>(opts) + known, sizeof(U) - known);
        return tail == 0;
    }
    return true;
}

template <class T, class Body, class... A>
[[gnu::noinline, gnu::cold]] int with_checked_opts(T *opts, Body body, A... args) noexcept
{
    Opts<T> o(opts);
    if (!o.valid())
        return sys::c_return(-EINVAL);
    return body(o, args...);
}

} // namespace detail

// Returns `body(o, args...)` with `o` the cheapest reader for `opts`: NoOpts,
// WholeOpts, or (older or newer struct sizes, out of line) Opts; SYSBPF_OPT
// and SYSBPF_OPT_SET work on each. `body` is a captureless generic lambda:
// what it needs comes in `args`, by value, so that nothing has to live in
// memory for the out-of-line case. Opts that break the sz rules fail with
// -EINVAL (errno set) before `body` runs.
template <class T, class Body, class... A>
[[gnu::always_inline]] inline int with_opts(T *opts, Body body, A... args) noexcept
{
    static_assert(std::is_empty_v<Body>, "body must not capture: pass what it needs in args");
    if (!opts)
        return body(NoOpts<T>{}, args...);
    if (detail::is_whole(opts)) [[likely]]
        return body(WholeOpts<T>{opts}, args...);
    return detail::with_checked_opts(opts, body, args...);
}

} // namespace sysbpf

#define SYSBPF_OPTS_T(o) typename std::remove_cvref_t<decltype(o)>::type
#define SYSBPF_OPTS_FIELD_T(o, field) decltype(std::declval<SYSBPF_OPTS_T(o) &>().field)

// Value of `field`, or `fallback` where the caller's struct does not hold it.
#define SYSBPF_OPT(o, field, fallback)                                                         \
    (o).template get<SYSBPF_OPTS_FIELD_T(o, field)>(                                           \
        offsetof(SYSBPF_OPTS_T(o), field),                                                     \
        static_cast<::sysbpf::opt_value_t<SYSBPF_OPTS_FIELD_T(o, field)>>(fallback))

// Writes an output field, only where the caller's struct holds it.
#define SYSBPF_OPT_SET(o, field, value)                                                        \
    (o).template set<SYSBPF_OPTS_FIELD_T(o, field)>(offsetof(SYSBPF_OPTS_T(o), field),         \
                                                     (SYSBPF_OPTS_FIELD_T(o, field))(value))
