// The opts reader: libbpf's sz rules.
#include "harness/harness.hpp"
#include "opts.hpp"

#include <cstring>

using sysbpf::Opts;

TEST_CASE("opts: NULL is valid and reads fallbacks")
{
    const bpf_map_create_opts *none = nullptr;
    Opts o(none);
    CHECK(o.valid());
    CHECK(SYSBPF_OPT(o, map_flags, 7) == 7u);
}

TEST_CASE("opts: sz below sizeof(size_t) is invalid")
{
    for (size_t sz : {0, 1, 4, 7}) {
        bpf_map_create_opts m{};
        m.sz = sz;
        CHECK_FALSE(Opts(&m).valid());
    }
}

TEST_CASE("opts: the known end is __last_field's end, not sizeof")
{
    CHECK(Opts<const bpf_map_create_opts>::kKnownEnd == 68);
    CHECK(Opts<bpf_prog_load_opts>::kKnownEnd == 116);
    CHECK(Opts<bpf_btf_load_opts>::kKnownEnd == 36);
    CHECK(Opts<const bpf_link_create_opts>::kKnownEnd == 76);
    CHECK(Opts<const bpf_link_update_opts>::kKnownEnd == 20);
    CHECK(Opts<const bpf_prog_bind_opts>::kKnownEnd == 12);
    CHECK(Opts<bpf_token_create_opts>::kKnownEnd == 12);
    CHECK(Opts<bpf_prog_stream_read_opts>::kKnownEnd == 8);
    CHECK(Opts<const bpf_get_fd_by_id_opts>::kKnownEnd == 16);
}

TEST_CASE("opts: a smaller (older) struct hides the fields past sz")
{
    bpf_map_create_opts m{};
    m.sz = 48; // libbpf 1.0
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
    buf[68] = 1; // tail padding of today's struct: not ours, must be zero
    CHECK_FALSE(Opts<const bpf_map_create_opts>(m).valid());
    buf[68] = 0;
    buf[127] = 1;
    CHECK_FALSE(Opts<const bpf_map_create_opts>(m).valid());
}

TEST_CASE("opts: outputs are written only inside sz")
{
    bpf_prog_load_opts p{};
    p.sz = 104; // libbpf 1.0: no log_true_size
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
    l.sz = 64; // libbpf 1.0..1.2: no uprobe_multi.pid (offset 72)
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
