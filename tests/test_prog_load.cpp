// bpf_prog_load through the seam: attr bytes, opts sizes, retries, fallbacks.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "historical_sizes.hpp"

#include <bpf/bpf.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

// LIBBPF_OPTS with a few designated fields is the API's intended use.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace sysbpf_test;
using sysbpf::kernel::ProgLoadAttr;

namespace {

const bpf_insn kInsns[2] = {{0xb7, 0, 0, 0, 0}, {0x95, 0, 0, 0, 0}};

uint64_t addr(const void *p) { return reinterpret_cast<uintptr_t>(p); }

int load(bpf_prog_load_opts *o, const char *name = nullptr)
{
    return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, name, "GPL", kInsns, 2, o);
}

// An fd the test owns that a fake kernel can hand out for the library to close.
int spare_fd() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }
bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

FakeKernel::Answer e2big_writing_rec_sizes(uint32_t func_rec, uint32_t line_rec)
{
    return [=](int, void *attr, unsigned) {
        auto *a = static_cast<ProgLoadAttr *>(attr);
        if (func_rec)
            a->func_info_rec_size = func_rec;
        if (line_rec)
            a->line_info_rec_size = line_rec;
        return -long(E2BIG);
    };
}

} // namespace

TEST_CASE("prog_load: sends 168 bytes with every opts field in place")
{
    FakeKernel k;
    k.then_return(42);
    static const int fds[2] = {7, 8};
    static const unsigned char finfo[16] = {1}, linfo[32] = {2};
    char log[64];
    LIBBPF_OPTS(bpf_prog_load_opts, o, .attempts = 3,
                .expected_attach_type = BPF_CGROUP_INET_EGRESS, .prog_btf_fd = 11,
                .prog_flags = 12, .prog_ifindex = 13, .kern_version = 14, .attach_btf_id = 15,
                .attach_prog_fd = 16, .fd_array = fds, .func_info = finfo, .func_info_cnt = 2,
                .func_info_rec_size = 8, .line_info = linfo, .line_info_cnt = 2,
                .line_info_rec_size = 16, .log_level = 2, .log_size = sizeof(log),
                .log_buf = log, .token_fd = 17, .fd_array_cnt = 2);
    const char license[] = "Dual BSD/GPL";
    CHECK(bpf_prog_load(BPF_PROG_TYPE_CGROUP_SKB, "a_prog", license, kInsns, 2, &o) == 42);
    REQUIRE(k.calls.size() == 1);
    CHECK(k.calls[0].cmd == BPF_PROG_LOAD);
    CHECK(k.calls[0].size == 168);

    ProgLoadAttr expect{};
    expect.prog_type = BPF_PROG_TYPE_CGROUP_SKB;
    expect.insn_cnt = 2;
    expect.insns = addr(kInsns);
    expect.license = addr(license);
    expect.log_level = 2;
    expect.log_size = sizeof(log);
    expect.log_buf = addr(log);
    expect.kern_version = 14;
    expect.prog_flags = 12;
    std::memcpy(expect.prog_name, "a_prog", 7);
    expect.prog_ifindex = 13;
    expect.expected_attach_type = BPF_CGROUP_INET_EGRESS;
    expect.prog_btf_fd = 11;
    expect.func_info_rec_size = 8;
    expect.func_info = addr(finfo);
    expect.func_info_cnt = 2;
    expect.line_info_rec_size = 16;
    expect.line_info = addr(linfo);
    expect.line_info_cnt = 2;
    expect.attach_btf_id = 15;
    expect.attach_prog_fd = 16;
    expect.fd_array = addr(fds);
    expect.prog_token_fd = 17;
    expect.fd_array_cnt = 2;
    auto a = k.attr<ProgLoadAttr>();
    CHECK(std::memcmp(&a, &expect, ProgLoadAttr::kSize) == 0);
    CHECK(a.core_relo_cnt == 0);
    CHECK(a.signature == 0);
    CHECK(a.keyring_id == 0);
}

TEST_CASE("prog_load: NULL name and NULL opts send only the arguments")
{
    FakeKernel k;
    k.then_return(3);
    CHECK(load(nullptr) == 3);
    REQUIRE(k.calls.size() == 1);
    ProgLoadAttr expect{};
    expect.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
    expect.insn_cnt = 2;
    expect.insns = addr(kInsns);
    auto a = k.attr<ProgLoadAttr>();
    expect.license = a.license; // a string literal in load()
    CHECK(a.license != 0);
    CHECK(std::memcmp(&a, &expect, ProgLoadAttr::kSize) == 0);
}

TEST_CASE("prog_load: attach_btf_obj_fd travels in attach_prog_fd's place; both is EINVAL")
{
    FakeKernel k;
    k.fallback = [](int, void *, unsigned) { return 5L; };
    LIBBPF_OPTS(bpf_prog_load_opts, o, .attach_btf_id = 99, .attach_btf_obj_fd = 21);
    CHECK(load(&o) == 5);
    CHECK(k.attr<ProgLoadAttr>(0).attach_prog_fd == 21);
    CHECK(k.attr<ProgLoadAttr>(0).attach_btf_id == 99);

    o.attach_prog_fd = 20;
    errno = 0;
    CHECK(load(&o) == -EINVAL);
    CHECK(errno == EINVAL);
    CHECK(k.calls.size() == 1);

    o.attach_btf_obj_fd = 0;
    CHECK(load(&o) == 5);
    CHECK(k.attr<ProgLoadAttr>(1).attach_prog_fd == 20);
}

TEST_CASE("prog_load: more than UINT_MAX instructions is E2BIG before any syscall")
{
    FakeKernel k;
    if (sizeof(size_t) > sizeof(unsigned)) { // else no count can exceed UINT_MAX
        errno = 0;
        CHECK(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, nullptr, "GPL", kInsns,
                            static_cast<size_t>(std::uint64_t{UINT_MAX} + 1), nullptr) == -E2BIG);
        CHECK(errno == E2BIG);
        CHECK(k.calls.empty());
    }
    k.then_return(3);
    CHECK(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, nullptr, "GPL", kInsns, UINT_MAX,
                        nullptr) == 3);
    CHECK(k.attr<ProgLoadAttr>().insn_cnt == UINT_MAX);
}

TEST_CASE("prog_load: names are cut to 15 bytes and NUL-terminated")
{
    FakeKernel k;
    k.then_return(3);
    load(nullptr, "0123456789abcdefXYZ");
    auto a = k.attr<ProgLoadAttr>();
    CHECK(std::string(a.prog_name, 16) == std::string("0123456789abcde\0", 16));
}

TEST_CASE("prog_load: every historical opts size is honoured")
{
    for (size_t sz : historical::prog_load) {
        INFO("sz " << sz);
        FakeKernel k;
        k.then([](int, void *attr, unsigned) {
            static_cast<ProgLoadAttr *>(attr)->log_true_size = 777;
            return 3L;
        });
        bpf_prog_load_opts o{};
        char log[16];
        o.prog_flags = 1;
        o.log_level = 1; // log fields: in every release
        o.log_size = sizeof(log);
        o.log_buf = log;
        o.log_true_size = 5; // since 1.2
        o.token_fd = 6;      // since 1.4
        o.fd_array_cnt = 7;  // since 1.6
        o.sz = sz;
        REQUIRE(load(&o) == 3);
        auto a = k.attr<ProgLoadAttr>();
        CHECK(k.calls[0].size == 168);
        CHECK(a.prog_flags == 1);
        CHECK(a.log_buf == addr(log));
        CHECK(a.log_size == sizeof(log));
        const auto in = [sz](size_t end) { return sz >= end; };
        CHECK(a.prog_token_fd == (in(SYSBPF_END_OF(bpf_prog_load_opts, token_fd)) ? 6 : 0));
        CHECK(a.fd_array_cnt == (in(SYSBPF_END_OF(bpf_prog_load_opts, fd_array_cnt)) ? 7u : 0u));
        CHECK(o.log_true_size == // never written past sz
              (in(SYSBPF_END_OF(bpf_prog_load_opts, log_true_size)) ? 777u : 5u));
    }
}

TEST_CASE("prog_load: bad opts fail with EINVAL before any syscall")
{
    FakeKernel k;
    unsigned char big[136] = {};
    auto *o = reinterpret_cast<bpf_prog_load_opts *>(big);
    SECTION("sz smaller than sz itself")
    {
        for (size_t sz : {size_t{0}, size_t{1}, sizeof(size_t) - 1}) {
            o->sz = sz;
            errno = 0;
            CHECK(load(o) == -EINVAL);
            CHECK(errno == EINVAL);
        }
    }
    SECTION("a non-zero byte right after fd_array_cnt")
    {
        const size_t known = SYSBPF_END_OF(bpf_prog_load_opts, fd_array_cnt);
        o->sz = known + 4;
        big[known + 1] = 1;
        CHECK(load(o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("a non-zero byte past sizeof in a newer caller's struct")
    {
        o->sz = sizeof(big);
        big[130] = 1;
        CHECK(load(o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    CHECK(k.calls.empty());
}

TEST_CASE("prog_load: a larger struct with a zero tail is accepted")
{
    FakeKernel k;
    k.then_return(40);
    unsigned char big[136] = {};
    auto *o = reinterpret_cast<bpf_prog_load_opts *>(big);
    o->sz = sizeof(big);
    CHECK(load(o) == 40);
}

TEST_CASE("prog_load: a kernel error comes back as -errno with errno set")
{
    FakeKernel k;
    k.then_return(-EACCES);
    errno = 0;
    CHECK(load(nullptr) == -EACCES);
    CHECK(errno == EACCES);
    CHECK(k.calls.size() == 1);
}

TEST_CASE("prog_load: attempts")
{
    FakeKernel k;
    k.fallback = [](int, void *, unsigned) { return -long(EAGAIN); };
    SECTION("negative is EINVAL before any syscall")
    {
        LIBBPF_OPTS(bpf_prog_load_opts, o, .attempts = -1);
        CHECK(load(&o) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK(k.calls.empty());
    }
    SECTION("0 means 5 tries while the kernel answers EAGAIN")
    {
        LIBBPF_OPTS(bpf_prog_load_opts, o, .attempts = 0);
        CHECK(load(&o) == -EAGAIN);
        CHECK(errno == EAGAIN);
        CHECK(k.calls.size() == 5);
    }
    SECTION("NULL opts: 5 tries too")
    {
        CHECK(load(nullptr) == -EAGAIN);
        CHECK(k.calls.size() == 5);
    }
    SECTION("n means n tries")
    {
        for (int n : {1, 2, 7}) {
            k.calls.clear();
            LIBBPF_OPTS(bpf_prog_load_opts, o, .attempts = n);
            CHECK(load(&o) == -EAGAIN);
            CHECK(k.calls.size() == size_t(n));
        }
    }
    SECTION("the tries stop at the first other answer; success keeps errno")
    {
        k.then_return(-EAGAIN);
        k.then_return(-EAGAIN);
        k.then_return(9);
        errno = 1234;
        CHECK(load(nullptr) == 9);
        CHECK(errno == 1234);
        CHECK(k.calls.size() == 3);
        for (size_t i = 1; i < 3; i++)
            CHECK(k.calls[i].bytes == k.calls[0].bytes);
    }
    SECTION("other errors are not retried")
    {
        k.then_return(-EINVAL);
        CHECK(load(nullptr) == -EINVAL);
        CHECK(k.calls.size() == 1);
    }
}

TEST_CASE("prog_load: log_buf and log_size come together or EINVAL")
{
    FakeKernel k;
    char log[8];
    LIBBPF_OPTS(bpf_prog_load_opts, o, .log_level = 1, .log_buf = log);
    CHECK(load(&o) == -EINVAL);
    CHECK(errno == EINVAL);
    LIBBPF_OPTS(bpf_prog_load_opts, p, .log_level = 1, .log_size = 8);
    CHECK(load(&p) == -EINVAL);
    CHECK(errno == EINVAL);
    LIBBPF_OPTS(bpf_prog_load_opts, q, .log_size = 8);
    CHECK(load(&q) == -EINVAL);
    CHECK(k.calls.empty());
}

TEST_CASE("prog_load: log_level without a buffer is sent alone")
{
    FakeKernel k;
    k.then_return(3);
    LIBBPF_OPTS(bpf_prog_load_opts, o, .log_level = 1);
    CHECK(load(&o) == 3);
    auto a = k.attr<ProgLoadAttr>();
    CHECK(a.log_level == 1);
    CHECK(a.log_size == 0);
    CHECK(a.log_buf == 0);
}

TEST_CASE("prog_load: log_level 0 with a buffer loads quietly, logs only a failure")
{
    FakeKernel k;
    char log[32];
    LIBBPF_OPTS(bpf_prog_load_opts, o, .log_size = sizeof(log), .log_buf = log);
    SECTION("success: one quiet load")
    {
        k.then_return(3);
        CHECK(load(&o) == 3);
        REQUIRE(k.calls.size() == 1);
        auto a = k.attr<ProgLoadAttr>();
        CHECK(a.log_level == 0);
        CHECK(a.log_size == 0);
        CHECK(a.log_buf == 0);
    }
    SECTION("failure: retried with log_level 1 and the buffer; that answer stands")
    {
        k.then_return(-EACCES);
        k.then([](int, void *attr, unsigned) {
            static_cast<ProgLoadAttr *>(attr)->log_true_size = 99;
            return -long(EINVAL);
        });
        CHECK(load(&o) == -EINVAL);
        CHECK(errno == EINVAL);
        REQUIRE(k.calls.size() == 2);
        auto a = k.attr<ProgLoadAttr>(1);
        CHECK(a.log_level == 1);
        CHECK(a.log_size == sizeof(log));
        CHECK(a.log_buf == addr(log));
        CHECK(o.log_true_size == 99);
        // Everything else as in the quiet load.
        ProgLoadAttr quiet = k.attr<ProgLoadAttr>(0);
        quiet.log_level = 1;
        quiet.log_size = sizeof(log);
        quiet.log_buf = addr(log);
        quiet.log_true_size = 0;
        a.log_true_size = 0;
        CHECK(std::memcmp(&quiet, &a, ProgLoadAttr::kSize) == 0);
    }
    SECTION("the logged retry gets its own EAGAIN tries")
    {
        o.attempts = 2;
        k.then_return(-EAGAIN);
        k.then_return(-EAGAIN);
        k.then_return(-EAGAIN);
        k.then_return(12);
        CHECK(load(&o) == 12);
        CHECK(k.calls.size() == 4);
        CHECK(k.attr<ProgLoadAttr>(1).log_level == 0);
        CHECK(k.attr<ProgLoadAttr>(2).log_level == 1);
    }
}

TEST_CASE("prog_load: a failing load with log_level > 0 is not retried")
{
    FakeKernel k;
    k.fallback = [](int, void *, unsigned) { return -long(EACCES); };
    char log[32];
    LIBBPF_OPTS(bpf_prog_load_opts, o, .log_level = 2, .log_size = sizeof(log), .log_buf = log);
    CHECK(load(&o) == -EACCES);
    CHECK(k.calls.size() == 1);
}

TEST_CASE("prog_load: log_true_size is written back on success and failure, within sz")
{
    FakeKernel k;
    k.fallback = [](int, void *attr, unsigned) {
        static_cast<ProgLoadAttr *>(attr)->log_true_size = 1234;
        return -long(ENOSPC);
    };
    char log[8];
    LIBBPF_OPTS(bpf_prog_load_opts, o, .log_level = 1, .log_size = sizeof(log), .log_buf = log);
    CHECK(load(&o) == -ENOSPC);
    CHECK(errno == ENOSPC);
    CHECK(o.log_true_size == 1234);

    k.fallback = [](int, void *attr, unsigned) {
        static_cast<ProgLoadAttr *>(attr)->log_true_size = 55;
        return 3L;
    };
    CHECK(load(&o) == 3);
    CHECK(o.log_true_size == 55);

    o.sz = *historical::prog_load.begin(); // a 1.0 caller: its struct ends before log_true_size
    o.log_true_size = 1;
    CHECK(load(&o) == 3);
    CHECK(o.log_true_size == 1);
}

TEST_CASE("prog_load: records larger than the kernel knows are resent with zeroed tails")
{
    FakeKernel k;
    // Three 16-byte records with every byte non-zero.
    unsigned char finfo[3][16], linfo[2][24];
    std::memset(finfo, 0xaa, sizeof(finfo));
    std::memset(linfo, 0xbb, sizeof(linfo));
    for (int i = 0; i < 3; i++)
        finfo[i][0] = static_cast<unsigned char>(i + 1);
    for (int i = 0; i < 2; i++)
        linfo[i][0] = static_cast<unsigned char>(i + 10);
    LIBBPF_OPTS(bpf_prog_load_opts, o, .func_info = finfo, .func_info_cnt = 3,
                .func_info_rec_size = 16, .line_info = linfo, .line_info_cnt = 2,
                .line_info_rec_size = 24);

    // What each resend carried, read while the library's copies are alive.
    std::vector<unsigned char> sent_finfo, sent_linfo;
    auto capture = [&](const ProgLoadAttr *a) {
        if (a->func_info != addr(finfo)) {
            const auto *p = reinterpret_cast<const unsigned char *>(a->func_info);
            sent_finfo.assign(p, p + a->func_info_rec_size * a->func_info_cnt);
        }
        if (a->line_info != addr(linfo)) {
            const auto *p = reinterpret_cast<const unsigned char *>(a->line_info);
            sent_linfo.assign(p, p + a->line_info_rec_size * a->line_info_cnt);
        }
    };

    SECTION("func_info, then line_info, then success")
    {
        k.then(e2big_writing_rec_sizes(8, 12)); // kernel knows 8-byte func, 12-byte line records
        k.then([&](int, void *attr, unsigned) {
            auto *a = static_cast<ProgLoadAttr *>(attr);
            CHECK(a->func_info_rec_size == 16);
            CHECK(a->func_info_cnt == 3);
            CHECK(a->func_info != addr(finfo));
            CHECK(a->line_info == addr(linfo)); // not yet fixed
            capture(a);
            a->line_info_rec_size = 12;
            return -long(E2BIG);
        });
        k.then([&](int, void *attr, unsigned) {
            auto *a = static_cast<ProgLoadAttr *>(attr);
            CHECK(a->line_info_rec_size == 24);
            CHECK(a->line_info_cnt == 2);
            CHECK(a->line_info != addr(linfo));
            capture(a);
            return 8L;
        });
        CHECK(load(&o) == 8);
        CHECK(k.calls.size() == 3);
        REQUIRE(sent_finfo.size() == sizeof(finfo));
        for (int i = 0; i < 3; i++) {
            INFO("func record " << i);
            CHECK(std::memcmp(&sent_finfo[i * 16], finfo[i], 8) == 0);
            CHECK(std::count(&sent_finfo[i * 16 + 8], &sent_finfo[i * 16 + 16], 0) == 8);
        }
        REQUIRE(sent_linfo.size() == sizeof(linfo));
        for (int i = 0; i < 2; i++) {
            INFO("line record " << i);
            CHECK(std::memcmp(&sent_linfo[i * 24], linfo[i], 12) == 0);
            CHECK(std::count(&sent_linfo[i * 24 + 12], &sent_linfo[i * 24 + 24], 0) == 12);
        }
        // The caller's records are untouched.
        CHECK(finfo[2][15] == 0xaa);
        CHECK(linfo[1][23] == 0xbb);
    }
    SECTION("line_info alone")
    {
        k.then(e2big_writing_rec_sizes(0, 16));
        k.then([&](int, void *attr, unsigned) {
            auto *a = static_cast<ProgLoadAttr *>(attr);
            CHECK(a->func_info == addr(finfo));
            CHECK(a->func_info_rec_size == 16);
            capture(a);
            return 8L;
        });
        CHECK(load(&o) == 8);
        CHECK(k.calls.size() == 2);
        REQUIRE(sent_linfo.size() == sizeof(linfo));
        CHECK(std::count(&sent_linfo[16], &sent_linfo[24], 0) == 8);
        CHECK(std::count(&sent_linfo[40], &sent_linfo[48], 0) == 8);
    }
    SECTION("E2BIG again after both fixes: the error stands")
    {
        k.then(e2big_writing_rec_sizes(8, 12));
        k.then(e2big_writing_rec_sizes(0, 12));
        k.then_return(-E2BIG);
        CHECK(load(&o) == -E2BIG);
        CHECK(errno == E2BIG);
        CHECK(k.calls.size() == 3);
    }
    SECTION("E2BIG without a smaller record size: no resend")
    {
        k.then_return(-E2BIG);
        CHECK(load(&o) == -E2BIG);
        CHECK(k.calls.size() == 1);
    }
    SECTION("a resend that succeeds skips the logged retry")
    {
        char log[8];
        o.log_buf = log;
        o.log_size = sizeof(log);
        k.then(e2big_writing_rec_sizes(8, 0));
        k.then_return(6);
        CHECK(load(&o) == 6);
        CHECK(k.calls.size() == 2);
    }
    SECTION("a resend failing otherwise gets the logged retry")
    {
        char log[8];
        o.log_buf = log;
        o.log_size = sizeof(log);
        k.then(e2big_writing_rec_sizes(8, 0));
        k.then_return(-EACCES);
        k.then_return(-EACCES);
        CHECK(load(&o) == -EACCES);
        REQUIRE(k.calls.size() == 3);
        CHECK(k.attr<ProgLoadAttr>(2).log_level == 1);
        CHECK(k.attr<ProgLoadAttr>(2).func_info_rec_size == 16);
    }
}

TEST_CASE("prog_load: a record copy that cannot be allocated ends the load with E2BIG")
{
    FakeKernel k;
    static const unsigned char rec[8] = {};
    char log[8];
    // 2^32-1 records of 2^32-1 bytes: no allocation can hold the copy.
    LIBBPF_OPTS(bpf_prog_load_opts, o, .func_info = rec, .func_info_cnt = UINT32_MAX,
                .func_info_rec_size = UINT32_MAX, .log_size = sizeof(log), .log_buf = log);
    k.then(e2big_writing_rec_sizes(8, 0));
    k.fallback = [](int, void *, unsigned) { return 3L; };
    errno = 0;
    CHECK(load(&o, "named") == -E2BIG);
    CHECK(errno == E2BIG);
    CHECK(k.calls.size() == 1); // as libbpf: no name probe, no logged retry
}

TEST_CASE("prog_load: a kernel without names (E2BIG) gets a nameless retry, remembered")
{
    FakeKernel k;
    auto refuse_names = [](int, void *attr, unsigned) {
        return static_cast<ProgLoadAttr *>(attr)->prog_name[0] ? -long(E2BIG) : 7L;
    };
    k.fallback = refuse_names;
    CHECK(load(nullptr, "named") == 7);
    REQUIRE(k.calls.size() == 3);
    // The probe: a named two-instruction socket filter, sent as libbpf does.
    CHECK(k.calls[1].cmd == BPF_PROG_LOAD);
    CHECK(k.calls[1].size == 148);
    auto probe = k.attr<ProgLoadAttr>(1);
    CHECK(probe.prog_type == BPF_PROG_TYPE_SOCKET_FILTER);
    CHECK(probe.insn_cnt == 2);
    CHECK(probe.prog_name[0] != 0);
    // The retry: the same load without its name.
    auto first = k.attr<ProgLoadAttr>(0), retry = k.attr<ProgLoadAttr>(2);
    CHECK(std::string(first.prog_name) == "named");
    std::memset(first.prog_name, 0, sizeof(first.prog_name));
    CHECK(std::memcmp(&first, &retry, ProgLoadAttr::kSize) == 0);
    // Learned: the next named load sends no name, and is not probed again.
    CHECK(load(nullptr, "named") == 7);
    CHECK(k.calls.size() == 4);
    CHECK(k.attr<ProgLoadAttr>(3).prog_name[0] == 0);
}

TEST_CASE("prog_load: E2BIG not caused by the name is returned after one probe")
{
    FakeKernel k;
    int probe_fd = spare_fd();
    REQUIRE(probe_fd >= 3);
    k.then_return(-E2BIG);
    k.then_return(probe_fd); // the probe loads: names work
    CHECK(load(nullptr, "named") == -E2BIG);
    CHECK(errno == E2BIG);
    CHECK(k.calls.size() == 2);
    CHECK_FALSE(is_open(probe_fd)); // the probe's program was closed
    // Names were not blamed: the next load still sends its name.
    k.then_return(5);
    CHECK(load(nullptr, "named") == 5);
    CHECK(std::string(k.attr<ProgLoadAttr>(2).prog_name) == "named");
    // Learned: a later E2BIG is returned as is, without a second probe.
    k.then_return(-E2BIG);
    CHECK(load(nullptr, "named") == -E2BIG);
    CHECK(errno == E2BIG);
    CHECK(k.calls.size() == 4);
}

TEST_CASE("prog_load: a name probe that did not load is tried again at the next E2BIG")
{
    FakeKernel k;
    k.then_return(-E2BIG);
    k.then_return(-EPERM); // the probe, refused: it tells nothing
    CHECK(load(nullptr, "named") == -E2BIG);
    CHECK(k.calls.size() == 2);
    k.then_return(-E2BIG);
    k.then_return(-EPERM);
    CHECK(load(nullptr, "named") == -E2BIG);
    CHECK(k.calls.size() == 4);
    CHECK(k.calls[3].cmd == BPF_PROG_LOAD);
    CHECK(k.attr<ProgLoadAttr>(3).insn_cnt == 2);
}

TEST_CASE("prog_load: E2BIG for a nameless load gets no probe")
{
    FakeKernel k;
    k.fallback = [](int, void *, unsigned) { return -long(E2BIG); };
    CHECK(load(nullptr) == -E2BIG);
    CHECK(k.calls.size() == 1);
}

TEST_CASE("prog_load: modern kernel EPERM is not retried")
{
    FakeKernel k;
    int probe_fd = spare_fd();
    REQUIRE(probe_fd >= 3);
    k.then_return(-EPERM);
    k.then_return(probe_fd); // memcg probe loads: memory is charged to memcg
    errno = 0;
    CHECK(load(nullptr) == -EPERM);
    CHECK(errno == EPERM);
    REQUIRE(k.calls.size() == 2);
    auto probe = k.attr<ProgLoadAttr>(1);
    CHECK(probe.insn_cnt == 2);
    CHECK(k.calls[1].size == 148);
    CHECK_FALSE(is_open(probe_fd));
}

TEST_CASE("prog_load: old kernel EPERM raises RLIMIT_MEMLOCK and retries")
{
    FakeKernel k;
    k.then_return(-EPERM);  // load
    k.then_return(-EINVAL); // memcg probe: helper unknown, memlock accounting
    k.then_return(11);      // the retried load
    // Raising to infinity needs CAP_SYS_RESOURCE; the current hard limit works.
    rlimit cur{};
    getrlimit(RLIMIT_MEMLOCK, &cur);
    REQUIRE(libbpf_set_memlock_rlim(cur.rlim_max) == 0);
    CHECK(load(nullptr) == 11);
    REQUIRE(k.calls.size() == 3);
    CHECK(k.calls[2].bytes == k.calls[0].bytes);
}

TEST_CASE("prog_load: EPERM after the memlock raise gets the logged retry")
{
    FakeKernel k;
    char log[8];
    LIBBPF_OPTS(bpf_prog_load_opts, o, .log_size = sizeof(log), .log_buf = log);
    k.then_return(-EPERM);  // load
    k.then_return(-EINVAL); // memcg probe
    k.then_return(-EPERM);  // the retried load
    k.then_return(-EPERM);  // the logged retry
    rlimit cur{};
    getrlimit(RLIMIT_MEMLOCK, &cur);
    REQUIRE(libbpf_set_memlock_rlim(cur.rlim_max) == 0);
    CHECK(load(&o) == -EPERM);
    REQUIRE(k.calls.size() == 4);
    CHECK(k.attr<ProgLoadAttr>(2).log_level == 0);
    CHECK(k.attr<ProgLoadAttr>(3).log_level == 1);
}
