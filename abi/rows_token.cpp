// The row for bpf_token_create. A token comes only from a delegating bpffs
// owned by the caller's user namespace, so each call runs in a forked child
// in a user namespace of its own (selftests/token_fixtures). The caller's
// opts bytes travel there and back through shared memory, so that what the
// library wrote, inside and past the caller's struct, is seen here.
// Where the kernel refuses that set-up, the call is made here instead, on a
// bpffs of the initial namespace: the kernel's EOPNOTSUPP still shows the
// call reached it, which is the library's side of the row.
#include "bpf_call_counter.hpp"
#include "caller_row.hpp"
#include "kernel_evidence.hpp"
#include "token_fixtures.hpp"

#include <cerrno>
#include <memory>
#include <sys/mman.h>

using namespace selftest;
using namespace selftest::token;

// LIBBPF_OPTS leaves the fields it is not given to its memset.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace abi {
namespace {

constexpr size_t kBytes = sizeof(CallerOpts::bytes);
constexpr __u32 kFlagTokenFd = 1u << 16; // BPF_F_TOKEN_FD
constexpr int kCmdTokenCreate = 36;      // BPF_TOKEN_CREATE

struct Shared {
    unsigned char opts[kBytes];
};

std::string token_lacking();

struct TokenFixture {
    Fd init_bpffs; // handed to the child, which does not use it
    Shared *shared = nullptr;
    UsernsResult last;
    bool in_child = true; // false: the kernel refused the user namespace set-up

    TokenFixture()
    {
        std::string failed;
        init_bpffs.reset(open_init_bpffs(&failed));
        in_child = token_lacking().empty();
        INFO(failed);
        REQUIRE((init_bpffs >= 0 || !in_child));
        void *m = ::mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        REQUIRE(m != MAP_FAILED);
        shared = static_cast<Shared *>(m);
    }
    ~TokenFixture() { ::munmap(shared, sizeof(Shared)); }
};
std::unique_ptr<TokenFixture> g;

TokenFixture &fixture()
{
    if (!g)
        g = std::make_unique<TokenFixture>();
    return *g;
}

void teardown() { g.reset(); }

enum Value {
    kResult,       // bpf_token_create's return value
    kErrno,        // errno after it (kErrnoSentinel before)
    kMapWithToken, // bpf_map_create with the token: 1 for an fd, else -errno
    kFdsLeft,      // the child's open fds after, minus before (token closed)
};

// In the child, in its user namespace.
void scenario(int bpffs_fd, int, int *v)
{
    if (BpfCallCounter *c = BpfCallCounter::active())
        c->watch_self();
    int before = open_fd_count();
    errno = kErrnoSentinel;
    int tok = bpf_token_create(bpffs_fd, reinterpret_cast<bpf_token_create_opts *>(g->shared->opts));
    v[kResult] = tok;
    v[kErrno] = errno;
    if (tok >= 0) {
        LIBBPF_OPTS(bpf_map_create_opts, with, .map_flags = kFlagTokenFd, .token_fd = static_cast<__u32>(tok));
        int map = bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, &with);
        v[kMapWithToken] = map >= 0 ? 1 : -errno;
        if (map >= 0)
            ::close(map);
        ::close(tok);
    }
    v[kFdsLeft] = open_fd_count() - before;
}

void token_fill(CallerOpts &) { fixture(); }

// Runs the call in the child with the caller's bytes; returns its result
// with its errno, and brings the bytes back.
int token_call(void *opts)
{
    if (!g->in_child)
        return bpf_token_create(g->init_bpffs >= 0 ? g->init_bpffs.get() : 100000,
                                static_cast<bpf_token_create_opts *>(opts));
    std::memcpy(g->shared->opts, opts, kBytes);
    g->last = run_in_userns(Delegation::All, g->init_bpffs, scenario);
    std::memcpy(opts, g->shared->opts, kBytes);
    if (!g->last.broken.empty() || !g->last.skip_reason.empty())
        return -EIO;
    errno = g->last.values[kErrno];
    return g->last.values[kResult];
}

// The token's fd number is the child's: nothing to close here.
std::string token_observe(int rc, const CallerOpts &)
{
    if (!g->in_child) {
        Fd unexpected(rc);
        return rc >= 0 ? "a token in the initial namespace" : "";
    }
    const UsernsResult &r = g->last;
    if (!r.broken.empty() || !r.skip_reason.empty())
        return "child set-up failed: " + r.broken + r.skip_reason;
    std::string s = rc >= 0 ? "token, map with it: " + std::string(r.values[kMapWithToken] == 1 ? "created"
                                                                    : errstr(-r.values[kMapWithToken]))
                            : "";
    if (r.values[kFdsLeft] != 0)
        s += " child leaked " + std::to_string(r.values[kFdsLeft]) + " fds";
    return s;
}

// The set-up the kernel may refuse: the command itself (a closed bpffs fd
// gives EBADF with it, EINVAL without), then a user namespace and a
// delegating bpffs (token_fixtures.cpp says why, with the evidence, or
// counts the failure as broken: then the row runs and fails).
std::string token_lacking()
{
    static const std::string reason = [] {
        int r = bpf_token_create(100000, nullptr);
        struct {
            __u32 flags, bpffs_fd;
        } raw = {0, 100000};
        if (r < 0) {
            std::string lacks = kernel_lacks_cmd(kCmdTokenCreate, "BPF_TOKEN_CREATE", "6.9", -r, &raw, sizeof(raw));
            if (!lacks.empty())
                return lacks;
        }
        std::string failed;
        Fd init(open_init_bpffs(&failed));
        if (init < 0)
            return std::string();
        UsernsResult u = run_in_userns(Delegation::All, init, [](int, int, int *) {});
        return u.skip_reason.empty() ? std::string() : "token set-up refused: " + u.skip_reason;
    }();
    return reason;
}

} // namespace

std::vector<Row> token_rows()
{
    return {
        {"bpf_token_create", "bpf_token_create_opts", sizeof(bpf_token_create_opts),
         KNOWN_END(bpf_token_create_opts), "token, map with it: created", token_fill, token_call, token_observe,
         teardown, token_lacking},
    };
}

} // namespace abi
