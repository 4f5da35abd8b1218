// BTF loading on the real kernel: a hand-built blob, its info, a map typed by
// it, the verifier log rules and every documented failure with its errno.
#include "btf_fixtures.hpp"
#include "harness/harness.hpp"
#include "kernel_refusal.hpp"
#include "kernel_helpers.hpp"
#include "log_probes.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <unistd.h>

using namespace selftest;

namespace {

// struct pair whose member points at type 99, which does not exist.
std::vector<unsigned char> broken_btf()
{
    BtfBuilder b;
    b.add_int("int", 4, true);
    b.add_struct("pair", 8, {{"a", 99, 0}});
    return b.blob();
}

struct LogBuf {
    char text[4096];
    LogBuf() { std::memset(text, 'X', sizeof(text)); }
    bool untouched() const
    {
        for (char c : text)
            if (c != 'X')
                return false;
        return true;
    }
    // Length of the NUL-terminated text, or -1 if there is no NUL in `limit`.
    int len(size_t limit = sizeof(text)) const
    {
        const void *nul = std::memchr(text, 0, limit);
        return nul ? int(static_cast<const char *>(nul) - text) : -1;
    }
    bool contains(const char *s) const { return len() >= 0 && std::strstr(text, s); }
};

} // namespace

TEST_CASE("btf_load: a hand-built INT + STRUCT blob loads; its info matches")
{
    auto blob = pair_btf();
    Fd fd(bpf_btf_load(blob.data(), blob.size(), nullptr));
    REQUIRE(fd >= 3);
    CHECK(cloexec(fd));

    std::vector<unsigned char> back(blob.size() + 16, 0xaa);
    bpf_btf_info info{};
    info.btf = reinterpret_cast<uintptr_t>(back.data());
    info.btf_size = static_cast<__u32>(back.size());
    __u32 len = sizeof(info);
    REQUIRE(bpf_btf_get_info_by_fd(fd, &info, &len) == 0);
    CHECK(info.id != 0);
    CHECK(info.btf_size == blob.size());
    CHECK(info.kernel_btf == 0);
    CHECK(std::memcmp(back.data(), blob.data(), blob.size()) == 0); // raw data round-trips

    // Two loads are two objects.
    Fd again(bpf_btf_load(blob.data(), blob.size(), nullptr));
    REQUIRE(again >= 3);
    bpf_btf_info info2{};
    len = sizeof(info2);
    REQUIRE(bpf_btf_get_info_by_fd(again, &info2, &len) == 0);
    CHECK(info2.id != info.id);
}

TEST_CASE("btf_load: a hash map typed by the BTF shows it in map info")
{
    auto blob = pair_btf();
    Fd btf(bpf_btf_load(blob.data(), blob.size(), nullptr));
    REQUIRE(btf >= 3);
    bpf_btf_info binfo{};
    __u32 len = sizeof(binfo);
    REQUIRE(bpf_btf_get_info_by_fd(btf, &binfo, &len) == 0);

    LIBBPF_OPTS(bpf_map_create_opts, o, .btf_fd = (__u32)btf.get(),
                .btf_key_type_id = kPairBtfInt, .btf_value_type_id = kPairBtfStruct);
    Fd map(bpf_map_create(BPF_MAP_TYPE_HASH, "st_btf_map", 4, 8, 4, &o));
    REQUIRE(map >= 3);
    bpf_map_info minfo{};
    len = sizeof(minfo);
    REQUIRE(bpf_map_get_info_by_fd(map, &minfo, &len) == 0);
    CHECK(minfo.btf_id == binfo.id);
    CHECK(minfo.btf_key_type_id == kPairBtfInt);
    CHECK(minfo.btf_value_type_id == kPairBtfStruct);

    // The map holds its own reference: closing the BTF fd changes nothing.
    btf.reset();
    bpf_map_info after{};
    len = sizeof(after);
    REQUIRE(bpf_map_get_info_by_fd(map, &after, &len) == 0);
    CHECK(after.btf_id == binfo.id);

    SECTION("a key type whose size is not key_size: EINVAL")
    {
        Fd b2(bpf_btf_load(blob.data(), blob.size(), nullptr));
        REQUIRE(b2 >= 3);
        LIBBPF_OPTS(bpf_map_create_opts, bad, .btf_fd = (__u32)b2.get(),
                    .btf_key_type_id = kPairBtfStruct, .btf_value_type_id = kPairBtfStruct);
        errno = 0;
        CHECK(bpf_map_create(BPF_MAP_TYPE_HASH, nullptr, 4, 8, 4, &bad) == -EINVAL);
        CHECK(errno == EINVAL);
    }
}

TEST_CASE("btf_load: log_level 1 on valid BTF: loads, and the log describes every type")
{
    auto blob = pair_btf();
    LogBuf log;
    LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log.text, .log_level = 1,
                .log_size = sizeof(log.text));
    Fd fd(bpf_btf_load(blob.data(), blob.size(), &o));
    REQUIRE(fd >= 3);
    REQUIRE(log.len() > 0);
    CHECK(log.contains("INT int"));
    CHECK(log.contains("STRUCT pair"));
}

TEST_CASE("btf_load: invalid BTF with log_level 1: EINVAL and the reason in the log")
{
    auto blob = broken_btf();
    LogBuf log;
    LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log.text, .log_level = 1,
                .log_size = sizeof(log.text));
    errno = 0;
    CHECK(bpf_btf_load(blob.data(), blob.size(), &o) == -EINVAL);
    CHECK(errno == EINVAL);
    REQUIRE(log.len() > 0);
    CHECK(log.contains("Invalid member"));
}

TEST_CASE("btf_load: log_level 0 with a log_buf")
{
    LogBuf log;
    LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log.text, .log_size = sizeof(log.text));
    SECTION("valid BTF loads quietly: the buffer is never handed to the kernel")
    {
        auto blob = pair_btf();
        Fd fd(bpf_btf_load(blob.data(), blob.size(), &o));
        REQUIRE(fd >= 3);
        CHECK(log.untouched());
        CHECK(o.log_true_size == 0);
    }
    SECTION("invalid BTF is retried at level 1: EINVAL with the log filled")
    {
        auto blob = broken_btf();
        errno = 0;
        CHECK(bpf_btf_load(blob.data(), blob.size(), &o) == -EINVAL);
        CHECK(errno == EINVAL);
        REQUIRE(log.len() > 0);
        CHECK(log.contains("Invalid member"));
    }
}

TEST_CASE("btf_load: log_true_size is the log's length plus its NUL (6.4+)")
{
    if (long r = log_probe::btf_log_true_size(pair_btf()); r < 0)
        SKIP_TEST("kernel without btf_log_true_size (6.4+): raw bpf(BPF_BTF_LOAD) with it gives " + errstr(int(-r)));
    LogBuf log;
    SECTION("valid BTF at level 1")
    {
        auto blob = pair_btf();
        LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log.text, .log_level = 1,
                    .log_size = sizeof(log.text));
        Fd fd(bpf_btf_load(blob.data(), blob.size(), &o));
        REQUIRE(fd >= 3);
        REQUIRE(log.len() > 0);
        CHECK(o.log_true_size == __u32(log.len() + 1));
    }
    SECTION("invalid BTF at level 1")
    {
        auto blob = broken_btf();
        LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log.text, .log_level = 1,
                    .log_size = sizeof(log.text));
        CHECK(bpf_btf_load(blob.data(), blob.size(), &o) == -EINVAL);
        REQUIRE(log.len() > 0);
        CHECK(o.log_true_size == __u32(log.len() + 1));
    }
    SECTION("invalid BTF at level 0, retried at level 1")
    {
        auto blob = broken_btf();
        LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log.text, .log_size = sizeof(log.text));
        CHECK(bpf_btf_load(blob.data(), blob.size(), &o) == -EINVAL);
        REQUIRE(log.len() > 0);
        CHECK(o.log_true_size == __u32(log.len() + 1));
    }
}

TEST_CASE("btf_load: a 128-byte log for a longer log: ENOSPC, truncated and NUL-terminated")
{
    // 128 bytes: the smallest log every kernel takes (6.4 dropped the minimum).
    LogBuf log;
    constexpr __u32 kSize = 128;
    SECTION("valid BTF: the load itself fails")
    {
        auto blob = pair_btf();
        LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log.text, .log_level = 1, .log_size = kSize);
        errno = 0;
        CHECK(bpf_btf_load(blob.data(), blob.size(), &o) == -ENOSPC);
        CHECK(errno == ENOSPC);
        CHECK(log.len(kSize) >= 0);
        CHECK(log.text[kSize] == 'X');
    }
    SECTION("invalid BTF: ENOSPC, or EINVAL before 6.4")
    {
        // Since 6.4 (bpf_vlog_finalize() in btf_parse()) a full log turns any
        // parse error into ENOSPC; before, the parse error was returned.
        const int expected = log_probe::btf_log_true_size(pair_btf()) == 0 ? ENOSPC : EINVAL;
        auto blob = broken_btf();
        LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log.text, .log_level = 1, .log_size = kSize);
        errno = 0;
        CHECK(bpf_btf_load(blob.data(), blob.size(), &o) == -expected);
        CHECK(errno == expected);
        CHECK(log.len(kSize) >= 0);
        CHECK(log.text[kSize] == 'X');
    }
}

TEST_CASE("btf_load: a log buffer too small: ENOSPC, and log_true_size says what was needed")
{
    if (long r = log_probe::btf_small_log(pair_btf()); r < 0)
        SKIP_TEST("kernel refuses a log under 128 bytes (minimum dropped in 6.4): raw bpf() with one gives " + errstr(int(-r)));
    if (long r = log_probe::btf_log_true_size(pair_btf()); r < 0)
        SKIP_TEST("kernel without btf_log_true_size (6.4+): raw bpf(BPF_BTF_LOAD) with it gives " + errstr(int(-r)));
    LogBuf log;
    constexpr __u32 kSmall = 32;
    SECTION("valid BTF: the load itself fails")
    {
        auto blob = pair_btf();
        LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log.text, .log_level = 1,
                    .log_size = kSmall);
        errno = 0;
        CHECK(bpf_btf_load(blob.data(), blob.size(), &o) == -ENOSPC);
        CHECK(errno == ENOSPC);
        CHECK(o.log_true_size > kSmall);
        CHECK(log.len(kSmall) >= 0); // NUL-terminated inside log_size
        CHECK(log.text[kSmall] == 'X'); // nothing written past it
    }
    SECTION("invalid BTF: ENOSPC takes precedence over EINVAL")
    {
        auto blob = broken_btf();
        LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log.text, .log_level = 1,
                    .log_size = kSmall);
        CHECK(bpf_btf_load(blob.data(), blob.size(), &o) == -ENOSPC);
        CHECK(errno == ENOSPC);
        CHECK(o.log_true_size > kSmall);
    }
    SECTION("a buffer of exactly log_true_size is enough")
    {
        auto blob = pair_btf();
        LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log.text, .log_level = 1,
                    .log_size = kSmall);
        REQUIRE(bpf_btf_load(blob.data(), blob.size(), &o) == -ENOSPC);
        __u32 needed = o.log_true_size;
        REQUIRE(needed <= sizeof(log.text));
        o.log_size = needed;
        Fd fd(bpf_btf_load(blob.data(), blob.size(), &o));
        CHECK(fd >= 3);
        CHECK(o.log_true_size == needed);
    }
}

TEST_CASE("btf_load: an old caller's 24-byte opts never get log_true_size written")
{
    auto blob = broken_btf();
    LogBuf log;
    unsigned char raw[sizeof(bpf_btf_load_opts)];
    std::memset(raw, 0, sizeof(raw));
    auto *o = reinterpret_cast<bpf_btf_load_opts *>(raw);
    o->sz = 24; // libbpf 1.0
    o->log_buf = log.text;
    o->log_level = 1;
    o->log_size = sizeof(log.text);
    CHECK(bpf_btf_load(blob.data(), blob.size(), o) == -EINVAL);
    CHECK(log.contains("Invalid member"));
    for (size_t i = 24; i < sizeof(raw); i++)
        CHECK(raw[i] == 0);
}

TEST_CASE("btf_load: log_size without log_buf is EINVAL from the library")
{
    const int before = open_fd_count();
    auto blob = pair_btf();
    for (__u32 level : {0u, 1u}) {
        LIBBPF_OPTS(bpf_btf_load_opts, o, .log_level = level, .log_size = 128);
        errno = 0;
        CHECK(bpf_btf_load(blob.data(), blob.size(), &o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    CHECK(open_fd_count() == before);
}

TEST_CASE("btf_load: kernel-side errors")
{
    const int before = open_fd_count();
    auto blob = pair_btf();
    LogBuf log;
    SECTION("bad magic: EINVAL, the log says so")
    {
        auto bad = blob;
        bad[0] = 0;
        LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log.text, .log_level = 1,
                    .log_size = sizeof(log.text));
        errno = 0;
        CHECK(bpf_btf_load(bad.data(), bad.size(), &o) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK(log.contains("Invalid magic"));
    }
    SECTION("a size shorter than the header, or 0: EINVAL")
    {
        CHECK(bpf_btf_load(blob.data(), 4, nullptr) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK(bpf_btf_load(blob.data(), 0, nullptr) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("a size over the kernel's 16 MiB limit: E2BIG")
    {
        CHECK(bpf_btf_load(blob.data(), 17u << 20, nullptr) == -E2BIG);
        CHECK(errno == E2BIG);
    }
    SECTION("unreadable BTF data or unwritable log buffer: EFAULT")
    {
        CHECK(bpf_btf_load(reinterpret_cast<void *>(8), blob.size(), nullptr) == -EFAULT);
        CHECK(errno == EFAULT);
    }
    SECTION("log attributes the kernel refuses: EINVAL")
    {
        LIBBPF_OPTS(bpf_btf_load_opts, unknown_level, .log_buf = log.text, .log_level = 0x100,
                    .log_size = sizeof(log.text));
        CHECK(bpf_btf_load(blob.data(), blob.size(), &unknown_level) == -EINVAL);
        CHECK(errno == EINVAL);
        LIBBPF_OPTS(bpf_btf_load_opts, no_size, .log_buf = log.text, .log_level = 1);
        CHECK(bpf_btf_load(blob.data(), blob.size(), &no_size) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK(log.untouched());
    }
    SECTION("an unknown btf_flags bit: EINVAL")
    {
        LIBBPF_OPTS(bpf_btf_load_opts, unknown, .btf_flags = 1);
        CHECK(bpf_btf_load(blob.data(), blob.size(), &unknown) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("opts with a bad sz: EINVAL from the library")
    {
        bpf_btf_load_opts o{};
        o.sz = sizeof(size_t) - 1;
        CHECK(bpf_btf_load(blob.data(), blob.size(), &o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    CHECK(open_fd_count() == before);
}

TEST_CASE("btf_load: an unwritable log buffer: EFAULT (the load succeeds before 6.4)")
{
    const int before = open_fd_count();
    auto blob = pair_btf();
    LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = reinterpret_cast<char *>(8), .log_level = 1,
                .log_size = 256);
    errno = 0;
    int r = bpf_btf_load(blob.data(), blob.size(), &o);
    const int err = errno;
    Fd loaded(r);
    if (log_probe::btf_log_true_size(blob) == 0) {
        CHECK(r == -EFAULT);
        CHECK(err == EFAULT);
    } else {
        // Before 6.4 a failed copy to the log only stopped the logging
        // (bpf_verifier_vlog() cleared log->ubuf); bpf_vlog_finalize(), which
        // reports it as EFAULT, came with the 6.4 log rework.
        CHECK(r >= 3);
        CHECK(err == 0);
    }
    loaded.reset();
    CHECK(open_fd_count() == before);
}

TEST_CASE("btf_load: btf_flags and btf_token_fd: token_fd ignored without the flag (6.9+)")
{
    const int before = open_fd_count();
    auto blob = pair_btf();
    // Without BPF_F_TOKEN_FD the kernel does not look at token_fd; kernels
    // before BPF tokens (6.9) refuse the non-zero field itself.
    LIBBPF_OPTS(bpf_btf_load_opts, unflagged, .token_fd = 100000);
    int r = bpf_btf_load(blob.data(), blob.size(), &unflagged);
    Fd loaded(r);
    if (r == -EINVAL) {
        RawAttr raw;
        raw.ptr(0, blob.data()).u32(16, static_cast<__u32>(blob.size())).u32(36, 100000); // btf_token_fd
        SKIP_IF_REFUSED(kernel_lacks("btf_token_fd (BPF tokens, 6.9+)", -r, raw_bpf_err(BPF_BTF_LOAD, raw),
                                     "BPF_BTF_LOAD", btf_lacks(nullptr, "BPF_F_TOKEN_FD", "BPF_F_RDONLY")));
    }
    CHECK(loaded >= 3);
    constexpr __u32 kTokenFdFlag = 1u << 16; // BPF_F_TOKEN_FD
    Fd notmap(::dup(1));
    LIBBPF_OPTS(bpf_btf_load_opts, not_token, .btf_flags = kTokenFdFlag,
                .token_fd = (__u32)notmap.get());
    CHECK(bpf_btf_load(blob.data(), blob.size(), &not_token) == -EINVAL);
    CHECK(errno == EINVAL);
    LIBBPF_OPTS(bpf_btf_load_opts, closed, .btf_flags = kTokenFdFlag, .token_fd = 100000);
    CHECK(bpf_btf_load(blob.data(), blob.size(), &closed) == -EBADF);
    CHECK(errno == EBADF);
    loaded.reset();
    notmap.reset();
    CHECK(open_fd_count() == before);
}
