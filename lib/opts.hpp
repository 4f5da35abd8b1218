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

#include <bpf/bpf.h>

#include <cstddef>
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

    // Enum fields come back as their underlying integer: a caller may store
    // any value there (one from a newer header, say), and an enum object
    // holding a value outside its enumerators' range is undefined in C++.
    template <class F>
    using value_t = typename std::conditional_t<std::is_enum_v<F>, std::underlying_type<F>,
                                                std::type_identity<F>>::type;

    template <class F>
    value_t<F> get(std::size_t off, value_t<F> fallback) const noexcept
    {
        if (!has(off, sizeof(F)))
            return fallback;
        value_t<F> v;
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

private:
    unsigned char *p_;
    std::size_t sz_;
};

template <class T> Opts(T *) -> Opts<T>;

} // namespace sysbpf

#define SYSBPF_OPTS_T(o) typename std::remove_cvref_t<decltype(o)>::type
#define SYSBPF_OPTS_FIELD_T(o, field) decltype(std::declval<SYSBPF_OPTS_T(o) &>().field)

// Value of `field`, or `fallback` where the caller's struct does not hold it.
#define SYSBPF_OPT(o, field, fallback)                                                         \
    (o).template get<SYSBPF_OPTS_FIELD_T(o, field)>(                                           \
        offsetof(SYSBPF_OPTS_T(o), field),                                                     \
        static_cast<typename std::remove_cvref_t<decltype(o)>::template value_t<               \
            SYSBPF_OPTS_FIELD_T(o, field)>>(fallback))

// Writes an output field, only where the caller's struct holds it.
#define SYSBPF_OPT_SET(o, field, value)                                                        \
    (o).template set<SYSBPF_OPTS_FIELD_T(o, field)>(offsetof(SYSBPF_OPTS_T(o), field),         \
                                                     (SYSBPF_OPTS_FIELD_T(o, field))(value))
