// The opts reader: libbpf's sz rules.
#include "harness/harness.hpp"
#include "historical_sizes.hpp"
#include "opts.hpp"

#include <cstring>
#include <vector>

#define END_OF(T, m) (offsetof(struct T, m) + sizeof(((struct T *)nullptr)->m))

using sysbpf::Opts;
namespace historical = sysbpf_test::historical;

TEST_CASE("opts: NULL is valid and reads fallbacks")
{
    const bpf_map_create_opts *none = nullptr;
    Opts o(none);
    CHECK(o.valid());
    CHECK(SYSBPF_OPT(o, map_flags, 7) == 7u);
}

TEST_CASE("opts: sz below sizeof(size_t) is invalid; sizeof(size_t) is not")
{
    // In a larger buffer: the reader may look past sz only when sz is large.
    alignas(8) unsigned char buf[2 * sizeof(bpf_map_create_opts)] = {};
    auto *m = reinterpret_cast<bpf_map_create_opts *>(buf);
    for (size_t sz : {size_t{0}, size_t{1}, sizeof(size_t) / 2, sizeof(size_t) - 1}) {
        INFO("sz " << sz);
        m->sz = sz;
        CHECK_FALSE(Opts<const bpf_map_create_opts>(m).valid());
    }
    m->sz = sizeof(size_t);
    m->btf_fd = 5; // past sz
    Opts<const bpf_map_create_opts> o(m);
    CHECK(o.valid());
    CHECK(SYSBPF_OPT(o, btf_fd, 0) == 0u);
}

TEST_CASE("opts: the known end is __last_field's end, not sizeof")
{
    CHECK(Opts<const bpf_map_create_opts>::kKnownEnd ==
          END_OF(bpf_map_create_opts, excl_prog_hash_size));
    CHECK(Opts<bpf_prog_load_opts>::kKnownEnd == END_OF(bpf_prog_load_opts, fd_array_cnt));
    CHECK(Opts<bpf_btf_load_opts>::kKnownEnd == END_OF(bpf_btf_load_opts, token_fd));
    CHECK(Opts<const bpf_link_create_opts>::kKnownEnd ==
          END_OF(bpf_link_create_opts, uprobe_multi.pid));
    CHECK(Opts<const bpf_link_update_opts>::kKnownEnd == END_OF(bpf_link_update_opts, old_map_fd));
    CHECK(Opts<const bpf_prog_bind_opts>::kKnownEnd == END_OF(bpf_prog_bind_opts, flags));
    CHECK(Opts<bpf_token_create_opts>::kKnownEnd == END_OF(bpf_token_create_opts, flags));
    CHECK(Opts<bpf_prog_stream_read_opts>::kKnownEnd == sizeof(size_t));
    CHECK(Opts<const bpf_get_fd_by_id_opts>::kKnownEnd == END_OF(bpf_get_fd_by_id_opts, token_fd));
    // On x86_64 (recorded from libbpf 1.7's own header), and wherever the
    // data model is LP64: the same numbers.
    if (sizeof(void *) == 8) {
        CHECK(Opts<const bpf_map_create_opts>::kKnownEnd == 68);
        CHECK(Opts<bpf_prog_load_opts>::kKnownEnd == 116);
        CHECK(Opts<const bpf_link_create_opts>::kKnownEnd == 76);
    }
}

TEST_CASE("opts: a smaller (older) struct hides the fields past sz")
{
    bpf_map_create_opts m{};
    m.sz = *historical::map_create.begin(); // libbpf 1.0
    m.map_flags = 1;
    m.token_fd = 9; // past 48: an old caller's stack garbage
    Opts o(&m);
    REQUIRE(o.valid());
    CHECK(SYSBPF_OPT(o, map_flags, 0) == 1u);
    CHECK(SYSBPF_OPT(o, token_fd, 0) == 0u);
}

TEST_CASE("opts: a larger (newer) struct is valid only with a zero tail")
{
    unsigned char buf[128] = {};
    auto *m = reinterpret_cast<bpf_map_create_opts *>(buf);
    m->sz = sizeof(buf);
    m->map_flags = 4;
    CHECK(Opts<const bpf_map_create_opts>(m).valid());
    const size_t known = END_OF(bpf_map_create_opts, excl_prog_hash_size);
    buf[known] = 1; // past the last field: not ours, must be zero
    CHECK_FALSE(Opts<const bpf_map_create_opts>(m).valid());
    buf[known] = 0;
    buf[127] = 1;
    CHECK_FALSE(Opts<const bpf_map_create_opts>(m).valid());
}

TEST_CASE("opts: outputs are written only inside sz")
{
    bpf_prog_load_opts p{};
    p.sz = *historical::prog_load.begin(); // libbpf 1.0: no log_true_size
    p.log_true_size = 0xdead;
    Opts o(&p);
    SYSBPF_OPT_SET(o, log_true_size, 55u);
    CHECK(p.log_true_size == 0xdead);
    p.sz = sizeof(p);
    Opts o2(&p);
    SYSBPF_OPT_SET(o2, log_true_size, 55u);
    CHECK(p.log_true_size == 55u);
}

TEST_CASE("opts: nested union fields are read at their own offsets")
{
    bpf_link_create_opts l{};
    l.sz = sizeof(l);
    l.uprobe_multi.pid = 1234;
    Opts o(&l);
    CHECK(SYSBPF_OPT(o, uprobe_multi.pid, 0) == 1234u);
    l.sz = *historical::link_create.begin(); // libbpf 1.0..1.2: no uprobe_multi.pid
    Opts old(&l);
    CHECK(SYSBPF_OPT(old, uprobe_multi.pid, 0) == 0u);
}

TEST_CASE("opts: an enum field holding a value outside the enum reads back as that integer")
{
    // A caller built against a newer header may store an attach type this
    // build's enum does not cover; reading it must not go through the enum.
    bpf_prog_load_opts p{};
    p.sz = sizeof(p);
    const unsigned big = 0x55;
    std::memcpy(&p.expected_attach_type, &big, sizeof(big));
    Opts o(&p);
    auto v = SYSBPF_OPT(o, expected_attach_type, 0);
    static_assert(!std::is_enum_v<decltype(v)>);
    CHECK(v == big);
}

TEST_CASE("opts: historical sizes are computed for this target; on LP64, those recorded on x86_64")
{
    using V = std::vector<size_t>;
    // Each release's struct is no larger than the next one's.
    for (const auto &l : {historical::map_create, historical::prog_load, historical::btf_load,
                          historical::obj_get, historical::prog_attach, historical::link_create,
                          historical::link_update, historical::get_fd_by_id, historical::prog_query}) {
        const V v(l);
        for (size_t i = 1; i < v.size(); i++)
            CHECK(v[i - 1] <= v[i]);
    }
    CHECK(V(historical::map_create).back() == sizeof(struct bpf_map_create_opts));
    CHECK(V(historical::prog_load).back() == sizeof(struct bpf_prog_load_opts));
    CHECK(V(historical::test_run).back() == sizeof(struct bpf_test_run_opts));
    if (sizeof(void *) != 8 || alignof(bpf_map_create_opts) != 8)
        return;
    // Measured with libbpf's own headers of each release (x86_64).
    CHECK(V(historical::map_create) == V{48, 56, 72});
    CHECK(V(historical::prog_load) == V{104, 112, 112, 120});
    CHECK(V(historical::btf_load) == V{24, 32, 40});
    CHECK(V(historical::map_batch) == V{24});
    CHECK(V(historical::obj_pin) == V{16});
    CHECK(V(historical::obj_get) == V{16, 16});
    CHECK(V(historical::prog_attach) == V{16, 32});
    CHECK(V(historical::prog_detach) == V{32});
    CHECK(V(historical::link_create) == V{64, 80});
    CHECK(V(historical::link_update) == V{16, 24});
    CHECK(V(historical::get_fd_by_id) == V{16, 16});
    CHECK(V(historical::prog_query) == V{40, 64});
    CHECK(V(historical::raw_tp) == V{24});
    CHECK(V(historical::prog_bind) == V{16});
    CHECK(V(historical::test_run) == V{80});
    CHECK(V(historical::token_create) == V{16});
    CHECK(V(historical::stream_read) == V{8});
    CHECK(V(historical::assoc_struct_ops) == V{16});
}
