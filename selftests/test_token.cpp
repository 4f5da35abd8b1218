// bpf_token_create on the real kernel: a token from a delegating bpffs in a
// user namespace, and each refusal.
#include "harness/harness.hpp"
#include "kernel_helpers.hpp"
#include "kernel_refusal.hpp"
#include "token_fixtures.hpp"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/mount.h>
#include <unistd.h>

using namespace selftest;
using namespace selftest::token;

namespace {

constexpr __u32 kMapFlagTokenFd = 1u << 16; // BPF_F_TOKEN_FD (newer than the host header)

// Asks the kernel itself whether it knows BPF_TOKEN_CREATE (command 36,
// 6.9+): 0 when a closed bpffs_fd gets EBADF, else the kernel's -errno
// (EINVAL for an unknown command).
int probe_token_create()
{
    constexpr int kTokenCreate = 36;
    __u32 attr[2] = {0, 100000}; // flags, bpffs_fd
    long r = ::syscall(__NR_bpf, kTokenCreate, attr, sizeof(attr));
    if (r >= 0)
        ::close(static_cast<int>(r));
    return r < 0 && errno == EBADF ? 0 : r < 0 ? -errno : 0;
}

// The skip reason on a kernel without BPF_TOKEN_CREATE: the raw probe is
// refused and the kernel's BTF, when its enum bpf_cmd is there, agrees.
std::string no_token_create()
{
    int r = probe_token_create();
    if (r >= 0)
        return "";
    std::string lacks = btf_lacks("bpf_cmd", "BPF_TOKEN_CREATE");
    return "kernel without BPF_TOKEN_CREATE (6.9+): raw bpf(BPF_TOKEN_CREATE) with a closed bpffs fd gives " +
           errstr(-r) + ", not EBADF" + (lacks.empty() ? "" : "; " + lacks);
}

// Whether /proc/self/fdinfo/<fd> has `line`.
bool fdinfo_has(int fd, const char *line)
{
    char path[64];
    std::snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
    FILE *f = std::fopen(path, "r");
    if (!f)
        return false;
    char buf[256];
    bool found = false;
    while (!found && std::fgets(buf, sizeof(buf), f))
        found = std::strncmp(buf, line, std::strlen(line)) == 0;
    std::fclose(f);
    return found;
}

// Scenario values for the delegating bpffs.
enum DelegatedValue {
    kTokenResult,    // bpf_token_create's return value
    kTokenErrno,     // errno after it (set to 4321 before: success leaves it)
    kTokenCloexec,   // 1 if the token fd is close-on-exec
    kFdinfoAny,      // 1 if the token's fdinfo says allowed_cmds: any
    kMapWithToken,   // bpf_map_create with the token: 1 for an fd, else -errno
    kMapNoToken,     // bpf_map_create without it: 1 for an fd, else -errno
    kForeignBpffs,   // bpf_token_create on the initial namespace's bpffs
    kFlagsSet,       // bpf_token_create with opts flags 1
};

int map_result(int fd)
{
    if (fd < 0)
        return fd;
    ::close(fd);
    return 1;
}

void delegated_scenario(int bpffs_fd, int init_bpffs_fd, int *v)
{
    errno = 4321;
    int tok = bpf_token_create(bpffs_fd, nullptr);
    v[kTokenResult] = tok;
    v[kTokenErrno] = errno;
    if (tok >= 0) {
        v[kTokenCloexec] = cloexec(tok);
        v[kFdinfoAny] = fdinfo_has(tok, "allowed_cmds:\tany");
        bpf_map_create_opts with{};
        with.sz = sizeof(with);
        with.map_flags = kMapFlagTokenFd;
        with.token_fd = tok;
        v[kMapWithToken] = map_result(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, &with));
        ::close(tok);
    }
    v[kMapNoToken] = map_result(bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr));
    v[kForeignBpffs] = bpf_token_create(init_bpffs_fd, nullptr);
    LIBBPF_OPTS(bpf_token_create_opts, flags, .flags = 1);
    v[kFlagsSet] = bpf_token_create(bpffs_fd, &flags);
}

void undelegated_scenario(int bpffs_fd, int, int *v)
{
    errno = 0;
    v[0] = bpf_token_create(bpffs_fd, nullptr);
    v[1] = errno;
}

} // namespace

TEST_CASE("token_create: a delegating bpffs in a user namespace gives a token that creates maps")
{
    SKIP_IF_REFUSED(no_token_create());
    std::string failed;
    int err = 0;
    Fd init_bpffs(open_init_bpffs(&failed, &err));
    if (init_bpffs < 0) {
        SKIP_IF_REFUSED(bpffs_refusal(err));
        FAIL("bpffs in this namespace: " << failed);
    }
    int before = open_fd_count();
    UsernsResult r = run_in_userns(Delegation::All, init_bpffs, delegated_scenario);
    INFO(r.broken);
    REQUIRE(r.broken.empty());
    if (!r.skip_reason.empty())
        SKIP_TEST("token set-up refused: " + r.skip_reason);
    const int *v = r.values;
    INFO("token_create returned " << v[kTokenResult] << " (" << errstr(-v[kTokenResult]) << ")");
    REQUIRE(v[kTokenResult] >= 3);
    CHECK(v[kTokenErrno] == 4321);
    CHECK(v[kTokenCloexec] == 1);
    CHECK(v[kFdinfoAny] == 1);
    // The namespace's root has no CAP_BPF outside it: only the token lets it
    // create a map.
    CHECK(v[kMapWithToken] == 1);
    CHECK(v[kMapNoToken] == -EPERM);
    // A bpffs owned by another user namespace cannot mint tokens here.
    CHECK(v[kForeignBpffs] == -EPERM);
    CHECK(v[kFlagsSet] == -EINVAL);
    CHECK(open_fd_count() == before);
}

TEST_CASE("token_create: a bpffs without delegation options gives ENOENT")
{
    SKIP_IF_REFUSED(no_token_create());
    std::string failed;
    int err = 0;
    Fd init_bpffs(open_init_bpffs(&failed, &err));
    if (init_bpffs < 0) {
        SKIP_IF_REFUSED(bpffs_refusal(err));
        FAIL("bpffs in this namespace: " << failed);
    }
    UsernsResult r = run_in_userns(Delegation::None, init_bpffs, undelegated_scenario);
    INFO(r.broken);
    REQUIRE(r.broken.empty());
    if (!r.skip_reason.empty())
        SKIP_TEST("token set-up refused: " + r.skip_reason);
    CHECK(r.values[0] == -ENOENT);
    CHECK(r.values[1] == ENOENT);
}

TEST_CASE("token_create: a bpffs of the initial user namespace gives EOPNOTSUPP")
{
    SKIP_IF_REFUSED(no_token_create());
    std::string failed;
    int err = 0;
    Fd bpffs(open_init_bpffs(&failed, &err));
    if (bpffs < 0) {
        SKIP_IF_REFUSED(bpffs_refusal(err));
        FAIL("bpffs in this namespace: " << failed);
    }
    int before = open_fd_count();
    errno = 0;
    CHECK(bpf_token_create(bpffs, nullptr) == -EOPNOTSUPP);
    CHECK(errno == EOPNOTSUPP);
    CHECK(open_fd_count() == before);
}

TEST_CASE("token_create: errors the kernel checks before the namespace")
{
    SKIP_IF_REFUSED(no_token_create());
    int before = open_fd_count();
    SECTION("EINVAL for opts flags the kernel does not know")
    {
        std::string failed;
        int err = 0;
        Fd bpffs(open_init_bpffs(&failed, &err));
        if (bpffs < 0)
            SKIP_IF_REFUSED(bpffs_refusal(err));
        INFO(failed);
        REQUIRE(bpffs >= 0);
        LIBBPF_OPTS(bpf_token_create_opts, o, .flags = 1);
        errno = 0;
        CHECK(bpf_token_create(bpffs, &o) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EINVAL for a directory that is not a bpffs root")
    {
        Fd proc(::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        REQUIRE(proc >= 0);
        errno = 0;
        CHECK(bpf_token_create(proc, nullptr) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EINVAL for a regular file")
    {
        Fd file(::open("/proc/self/status", O_RDONLY | O_CLOEXEC));
        REQUIRE(file >= 0);
        CHECK(bpf_token_create(file, nullptr) == -EINVAL);
        CHECK(errno == EINVAL);
    }
    SECTION("EBADF for an fd that is not open")
    {
        errno = 0;
        CHECK(bpf_token_create(100000, nullptr) == -EBADF);
        CHECK(errno == EBADF);
    }
    SECTION("EBADF for the O_PATH fd fsmount returns (the root must be opened)")
    {
        Fd fs(::fsopen("bpf", FSOPEN_CLOEXEC));
        if (fs < 0)
            SKIP_IF_REFUSED(bpffs_refusal(errno));
        REQUIRE(fs >= 0);
        REQUIRE(::fsconfig(fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) == 0);
        Fd mnt(::fsmount(fs, FSMOUNT_CLOEXEC, 0));
        REQUIRE(mnt >= 0);
        CHECK(bpf_token_create(mnt, nullptr) == -EBADF);
        CHECK(errno == EBADF);
    }
    SECTION("EINVAL for opts with sz below sizeof(size_t), before the kernel is asked")
    {
        bpf_token_create_opts o{};
        o.sz = sizeof(size_t) - 1;
        errno = 0;
        CHECK(bpf_token_create(100000, &o) == -EINVAL); // the kernel would say EBADF
        CHECK(errno == EINVAL);
    }
    CHECK(open_fd_count() == before);
}
