// The fast paths give the same answers as the general ones: opts read in
// their three shapes (NULL, the whole struct, any other size), object names
// of every length.
#include "fake_kernel.hpp"
#include "harness/harness.hpp"
#include "opts.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <sys/mman.h>
#include <type_traits>
#include <unistd.h>

using namespace sysbpf_test;
using sysbpf::kernel::MapCreateAttr;
using sysbpf::kernel::ProgLoadAttr;
using sysbpf::kernel::TestRunAttr;

namespace {

const bpf_insn kInsns[2] = {{0xb7, 0, 0, 0, 0}, {0x95, 0, 0, 0, 0}};

// Reads two fields through with_opts and reports which shape ran.
struct Seen {
    int shape = -1; // 0 NoOpts, 1 WholeOpts, 2 Opts
    __u32 log_size = 0;
    __u32 fd_array_cnt = 0;
};

template <class O>
constexpr int shape_of()
{
    using T = struct bpf_prog_load_opts;
    if constexpr (std::is_same_v<O, sysbpf::NoOpts<T>>)
        return 0;
    else if constexpr (std::is_same_v<O, sysbpf::WholeOpts<T>>)
        return 1;
    else
        return 2;
}

int read_two(bpf_prog_load_opts *opts, Seen *seen)
{
    return sysbpf::with_opts(
        opts,
        [](auto o, Seen *seen) noexcept {
            seen->shape = shape_of<decltype(o)>();
            seen->log_size = SYSBPF_OPT(o, log_size, 77);
            seen->fd_array_cnt = SYSBPF_OPT(o, fd_array_cnt, 88);
            SYSBPF_OPT_SET(o, log_true_size, 99u);
            return 0;
        },
        seen);
}

// A page whose successor is inaccessible: a string placed at its very end
// proves that nothing reads past the string's NUL.
struct GuardedPage {
    char *page = nullptr;
    long size = ::sysconf(_SC_PAGESIZE);
    GuardedPage()
    {
        void *p = ::mmap(nullptr, 2 * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                         -1, 0);
        REQUIRE(p != MAP_FAILED);
        page = static_cast<char *>(p);
        REQUIRE(::mprotect(page + size, size, PROT_NONE) == 0);
    }
    ~GuardedPage() { ::munmap(page, 2 * size); }
    GuardedPage(const GuardedPage &) = delete;
    GuardedPage &operator=(const GuardedPage &) = delete;

    // `s` copied so that its NUL is the page's last byte.
    const char *at_end(const std::string &s)
    {
        char *dst = page + size - (s.size() + 1);
        std::memcpy(dst, s.c_str(), s.size() + 1);
        return dst;
    }
};

std::string expected_name(const std::string &s)
{
    std::string e = s.substr(0, 15);
    e.resize(16, '\0');
    return e;
}

} // namespace

TEST_CASE("fast paths: NULL opts read fallbacks and write nothing")
{
    Seen s;
    CHECK(read_two(nullptr, &s) == 0);
    CHECK(s.shape == 0);
    CHECK(s.log_size == 77);
    CHECK(s.fd_array_cnt == 88);
}

TEST_CASE("fast paths: the whole struct is read and written in place")
{
    bpf_prog_load_opts o{};
    o.sz = sizeof(o);
    o.log_size = 5;
    o.fd_array_cnt = 6;
    Seen s;
    CHECK(read_two(&o, &s) == 0);
    CHECK(s.shape == 1);
    CHECK(s.log_size == 5);
    CHECK(s.fd_array_cnt == 6);
    CHECK(o.log_true_size == 99);
}

TEST_CASE("fast paths: sz == sizeof with a non-zero tail padding byte is refused")
{
    constexpr size_t known = sysbpf::opts_known_end<bpf_prog_load_opts>;
    if (known == sizeof(bpf_prog_load_opts)) // ILP32: fd_array_cnt ends the struct
        SKIP_TEST("bpf_prog_load_opts has no tail padding on this target (sizeof " +
                  std::to_string(sizeof(bpf_prog_load_opts)) + " == end of fd_array_cnt)");
    for (size_t at = known; at < sizeof(bpf_prog_load_opts); at++) {
        INFO("byte " << at);
        bpf_prog_load_opts o{};
        o.sz = sizeof(o);
        reinterpret_cast<unsigned char *>(&o)[at] = 1;
        Seen s;
        errno = 0;
        CHECK(read_two(&o, &s) == -EINVAL);
        CHECK(errno == EINVAL);
        CHECK(s.shape == -1); // the body never ran

        FakeKernel k;
        errno = 0;
        CHECK(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, nullptr, "GPL", kInsns, 2, &o) ==
              -EINVAL);
        CHECK(errno == EINVAL);
        CHECK(k.calls.empty());
    }
}

TEST_CASE("fast paths: other sizes take the checked reader")
{
    SECTION("older: fields past sz read as fallbacks and are not written")
    {
        bpf_prog_load_opts o{};
        o.sz = offsetof(bpf_prog_load_opts, log_true_size); // ends before log_true_size
        o.log_size = 5;
        o.fd_array_cnt = 6; // past sz: the old caller's garbage
        Seen s;
        CHECK(read_two(&o, &s) == 0);
        CHECK(s.shape == 2);
        CHECK(s.log_size == 5);
        CHECK(s.fd_array_cnt == 88);
        CHECK(o.log_true_size == 0);
    }
    SECTION("newer: a zero tail is accepted, every field read")
    {
        alignas(8) unsigned char buf[sizeof(bpf_prog_load_opts) + 16] = {};
        auto *o = reinterpret_cast<bpf_prog_load_opts *>(buf);
        o->sz = sizeof(buf);
        o->fd_array_cnt = 6;
        Seen s;
        CHECK(read_two(o, &s) == 0);
        CHECK(s.shape == 2);
        CHECK(s.fd_array_cnt == 6);
        CHECK(o->log_true_size == 99);
        buf[sizeof(buf) - 1] = 1;
        errno = 0;
        CHECK(read_two(o, &s) == -EINVAL);
        CHECK(errno == EINVAL);
    }
}

TEST_CASE("fast paths: test_run with the whole struct sends and returns every field")
{
    FakeKernel k;
    k.then([](int, void *attr, unsigned) {
        auto *a = static_cast<TestRunAttr *>(attr);
        a->retval = 11;
        a->data_size_out = 12;
        a->ctx_size_out = 13;
        a->duration = 14;
        return 0L;
    });
    unsigned char din[4], dout[4], cin[4], cout[4];
    bpf_test_run_opts o{};
    o.sz = sizeof(o);
    o.data_in = din;
    o.data_out = dout;
    o.data_size_in = 1;
    o.data_size_out = 2;
    o.ctx_in = cin;
    o.ctx_out = cout;
    o.ctx_size_in = 3;
    o.ctx_size_out = 4;
    o.repeat = 5;
    o.duration = 6;
    o.flags = 7;
    o.cpu = 8;
    o.batch_size = 9;
    CHECK(bpf_prog_test_run_opts(10, &o) == 0);
    REQUIRE(k.calls.size() == 1);
    CHECK(k.calls[0].size == 80);
    TestRunAttr want{};
    want.prog_fd = 10;
    want.data_size_in = 1;
    want.data_size_out = 2;
    want.data_in = reinterpret_cast<uintptr_t>(din);
    want.data_out = reinterpret_cast<uintptr_t>(dout);
    want.repeat = 5;
    want.duration = 6;
    want.ctx_size_in = 3;
    want.ctx_size_out = 4;
    want.ctx_in = reinterpret_cast<uintptr_t>(cin);
    want.ctx_out = reinterpret_cast<uintptr_t>(cout);
    want.flags = 7;
    want.cpu = 8;
    want.batch_size = 9;
    CHECK(std::memcmp(k.calls[0].bytes.data(), &want, 80) == 0);
    CHECK(o.retval == 11);
    CHECK(o.data_size_out == 12);
    CHECK(o.ctx_size_out == 13);
    CHECK(o.duration == 14);
}

TEST_CASE("fast paths: names of every length, ending at an inaccessible page")
{
    GuardedPage g;
    const std::string letters = "abcdefghijklmnopqrstu";
    for (size_t len = 0; len <= 20; len++) {
        const std::string name = letters.substr(0, len);
        INFO("length " << len);
        const char *src = g.at_end(name);
        FakeKernel k;
        k.then_return(3);
        k.then_return(4);
        CHECK(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, src, "GPL", kInsns, 2, nullptr) == 3);
        CHECK(bpf_map_create(BPF_MAP_TYPE_ARRAY, src, 4, 4, 1, nullptr) == 4);
        REQUIRE(k.calls.size() == 2);
        const auto p = k.attr<ProgLoadAttr>(0);
        const auto m = k.attr<MapCreateAttr>(1);
        CHECK(std::string(p.prog_name, 16) == expected_name(name));
        CHECK(std::string(m.map_name, 16) == expected_name(name));
    }
}

TEST_CASE("fast paths: a first-try success leaves errno alone")
{
    // errno is saved only once a try has failed: nothing before may touch it.
    FakeKernel k;
    k.then_return(3);
    errno = 4321;
    CHECK(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "n", "GPL", kInsns, 2, nullptr) == 3);
    CHECK(errno == 4321);
}
