// SYSBPF_VERIFIER_LOG on the real kernel: vlog-child (vlog_child.cpp) makes
// one load with and without the variable. A failing load with no log or a
// too-small log leaves one file holding the verifier's whole log, equal to
// the log this test gets by loading the same program itself; a sufficient
// log and a successful load cost no extra load and leave no file; a repeat
// that succeeds leaves no fd; names already taken in the directory (a file,
// symlinks) are neither overwritten nor followed. In every case the caller
// sees what it sees without the option: result, errno, log bytes,
// log_true_size, fds. (`sysbpf run --verifier-log` is the tool suite's;
// secure execution is selftest-secure-exec's.)
#include "child_process.hpp"
#include "harness/harness.hpp"
#include "vlog_common.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <vector>

#ifndef VLOG_CHILD
#error "VLOG_CHILD: path of the vlog-child helper"
#endif

using selftest::TempDir;

namespace {

// One line of vlog-child: what the caller saw, and the loads made.
struct Seen {
    int ret = 0, err = 0, loads = 0;
    unsigned true_size = 0;
    unsigned long sum = 0;
    char fds[16] = {};
    bool parsed = false;
};

Seen run(const std::vector<std::string> &args, const std::vector<std::string> &env = {})
{
    std::vector<std::string> argv{VLOG_CHILD};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = selftest::run_child(argv, env);
    INFO("vlog-child " << args[0] << (env.empty() ? "" : " with " + env[0]) << ":\n" << r.out << r.err);
    CHECK(r.status == 0);
    Seen s;
    s.parsed = std::sscanf(r.out.c_str(), "ret %d errno %d log_true_size %u log_sum %lu loads %d fds %15s",
                           &s.ret, &s.err, &s.true_size, &s.sum, &s.loads, s.fds) == 6;
    CHECK(s.parsed);
    return s;
}

// The child's run without and with SYSBPF_VERIFIER_LOG=dir/<case>: the
// caller's view identical, the extra loads (-1: two or more) and files as
// wanted. Returns the files' paths.
std::vector<std::string> compare(const TempDir &tmp, const std::string &what, size_t want_files, int want_extra,
                                 const std::vector<std::string> &more_env = {})
{
    const std::string dir = tmp / what;
    REQUIRE(::mkdir(dir.c_str(), 0755) == 0);
    const Seen plain = run({what});
    std::vector<std::string> env{"SYSBPF_VERIFIER_LOG=" + dir};
    env.insert(env.end(), more_env.begin(), more_env.end());
    const Seen seen = run({what}, env);
    INFO(what);
    CHECK(seen.ret == plain.ret);
    CHECK(seen.err == plain.err);
    CHECK(seen.true_size == plain.true_size);
    CHECK(seen.sum == plain.sum);
    CHECK(std::string(plain.fds) == "same");
    CHECK(std::string(seen.fds) == "same");
    const int extra = seen.loads - plain.loads;
    if (want_extra >= 0)
        CHECK(extra == want_extra);
    else
        CHECK(extra >= 2);
    std::vector<std::string> paths;
    for (const auto &name : selftest::list_dir(dir))
        paths.push_back(dir + "/" + name);
    CHECK(paths.size() == want_files);
    return paths;
}

// A log file: the header and, after the blank line, the verifier's log.
struct LogFile {
    std::string head, log;
};
LogFile split(const std::string &text)
{
    const size_t at = text.find("\n\n");
    if (at == std::string::npos)
        return {text, ""};
    return {text.substr(0, at + 1), text.substr(at + 2)};
}

bool has(const std::string &text, const std::string &what) { return text.find(what) != std::string::npos; }

// The verifier's log of this process's own load of `prog` (level 1, a
// buffer large enough), and the load's errno (0: it loaded).
std::string own_log(const std::vector<bpf_insn> &prog, int *err = nullptr)
{
    static char buf[4 << 20];
    buf[0] = '\0';
    LIBBPF_OPTS(bpf_prog_load_opts, o, .log_level = 1, .log_size = sizeof(buf), .log_buf = buf);
    const int fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, vlog::kProgName, "GPL", prog.data(), prog.size(), &o);
    if (err)
        *err = fd < 0 ? errno : 0;
    if (fd >= 0)
        ::close(fd);
    return buf;
}

bool kernel_at_least(int major, int minor)
{
    utsname u{};
    int ma = 0, mi = 0;
    ::uname(&u);
    std::sscanf(u.release, "%d.%d", &ma, &mi);
    return ma > major || (ma == major && mi >= minor);
}

mode_t current_umask()
{
    const mode_t m = ::umask(022);
    ::umask(m);
    return m;
}

} // namespace

TEST_CASE("verifier log: a successful load and a sufficient log: no extra load, no file")
{
    TempDir tmp("sysbpf-vlog-");
    compare(tmp, "good", 0, 0);
    compare(tmp, "enough", 0, 0);
}

TEST_CASE("verifier log: a failing load with no log or a too-small log: one file, the verifier's whole log")
{
    TempDir tmp("sysbpf-vlog-");
    int own_err = 0;
    const std::string want = own_log(vlog::bad_prog(vlog::kSmallBad), &own_err);
    REQUIRE(own_err == EACCES);
    REQUIRE(has(want, "R0 !read_ok"));
    REQUIRE(want.size() > 128);
    for (const char *what : {"nolog", "small"}) {
        INFO(what);
        const auto files = compare(tmp, what, 1, 1);
        REQUIRE(files.size() == 1);
        struct stat st{};
        REQUIRE(::lstat(files[0].c_str(), &st) == 0);
        CHECK(S_ISREG(st.st_mode));
        CHECK((st.st_mode & 0777) == (0600 & ~current_umask()));
        const auto f = split(selftest::read_file(files[0]));
        CHECK(f.log == want);
        CHECK(has(f.head, "pid: "));
        CHECK(has(f.head, "function: bpf_prog_load\n"));
        CHECK(has(f.head, "prog_type: BPF_PROG_TYPE_SOCKET_FILTER (1)\n"));
        CHECK(has(f.head, "prog_name: vlog_prog\n"));
        CHECK(has(f.head, "insn_cnt: 9\n"));
        CHECK(has(f.head, std::string(what) == "nolog" ? "errno: EACCES (13)\ncaller_log: none\n"
                                                       : "errno: ENOSPC (28)\ncaller_log: truncated (ENOSPC)\n"));
        CHECK(has(f.head, "repeat: -13 EACCES, log_level 1, log_size 65536\n"));
    }
    // Companion: the comparison tells another program's log apart.
    CHECK(own_log(vlog::bad_prog(vlog::kSmallBad + 1)) != want);
}

TEST_CASE("verifier log: a log past 64 KiB grows the buffer; level 2 on request")
{
    TempDir tmp("sysbpf-vlog-");
    int own_err = 0;
    const std::string want = own_log(vlog::bad_prog(vlog::kBigBad), &own_err);
    REQUIRE(own_err == EACCES);
    REQUIRE(want.size() > 65536);
    // 64 KiB, then the log_true_size the kernel reported (6.4+): two loads;
    // before 6.4, which reports no size, the buffer doubles.
    const bool true_size = kernel_at_least(6, 4);
    const auto files = compare(tmp, "big", 1, true_size ? 2 : -1);
    REQUIRE(files.size() == 1);
    const auto f = split(selftest::read_file(files[0]));
    CHECK(f.log.size() == want.size());
    CHECK(f.log == want);
    if (true_size)
        CHECK(has(f.head, "log_size " + std::to_string(want.size() + 1) + "\n"));
    CHECK(!has(f.head, "truncated at the bound"));

    const auto level2 = compare(tmp, "nolog", 1, 1, {"SYSBPF_VERIFIER_LOG_LEVEL=2"});
    REQUIRE(level2.size() == 1);
    const auto l2 = split(selftest::read_file(level2[0]));
    // (The nolog case shows level 1 without the variable.)
    CHECK(has(l2.head, "log_level 2, "));
}

TEST_CASE("verifier log: a failing BTF load leaves its log")
{
    TempDir tmp("sysbpf-vlog-");
    static char buf[1 << 16];
    const auto btf = vlog::bad_btf();
    LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = buf, .log_level = 1, .log_size = sizeof(buf));
    REQUIRE(bpf_btf_load(btf.data(), btf.size(), &o) < 0);
    const std::string want = buf;
    REQUIRE(!want.empty());
    const auto files = compare(tmp, "btf", 1, 1);
    REQUIRE(files.size() == 1);
    const auto f = split(selftest::read_file(files[0]));
    CHECK(has(f.head, "function: bpf_btf_load\nbtf_size: 25\n"));
    CHECK(f.log == want);
}

TEST_CASE("verifier log: a repeat that succeeds: its fd closed, the caller's failure unchanged")
{
    // vlog-child's first load fails with ENOMEM before the kernel; the
    // library's repeat reaches the kernel and loads.
    TempDir tmp("sysbpf-vlog-");
    int own_err = -1;
    const std::string want = own_log(vlog::good_prog(), &own_err);
    REQUIRE(own_err == 0);
    const Seen plain = run({"flaky"});
    CHECK(plain.ret == -ENOMEM);
    CHECK(plain.err == ENOMEM);
    CHECK(plain.loads == 1);
    const auto files = compare(tmp, "flaky", 1, 1);
    REQUIRE(files.size() == 1);
    const auto f = split(selftest::read_file(files[0]));
    CHECK(has(f.head, "errno: ENOMEM (12)\ncaller_log: none\n"));
    int fd = -1;
    const size_t at = f.head.find("repeat: ");
    REQUIRE(at != std::string::npos);
    CHECK(std::sscanf(f.head.c_str() + at, "repeat: %d (succeeded, fd closed), log_level 1, log_size 65536\n", &fd) == 1);
    CHECK(fd >= 3);
    CHECK(has(f.head, " (succeeded, fd closed), log_level 1, log_size 65536\n"));
    CHECK(f.log == want);
    // Companion: the fd check sees an fd that survives a load (the same
    // first load reaching the kernel, its fd kept).
    const Seen leak = run({"flaky-leak"});
    CHECK(leak.ret == -ENOMEM);
    CHECK(std::string(leak.fds) == "CHANGED");
}

namespace {

// What a writer of `dir`'s log files did to the names planted for `pid`
// (vlog::plant); empty when nothing was overwritten or followed.
std::vector<std::string> damage(const std::string &dir, int pid, const std::string &target)
{
    std::vector<std::string> found;
    if (selftest::read_file(vlog::log_name(dir, pid, 0)) != "precious\n")
        found.push_back("the existing file was overwritten");
    char link[4096];
    for (int n : {1, 2}) {
        const ssize_t len = ::readlink(vlog::log_name(dir, pid, n).c_str(), link, sizeof(link));
        if (len < 0 || std::string(link, static_cast<size_t>(len)) != target + (n == 2 ? ".new" : ""))
            found.push_back("symlink " + std::to_string(n) + " replaced");
    }
    if (selftest::read_file(target) != "target\n")
        found.push_back("the symlink's target was written");
    if (::access((target + ".new").c_str(), F_OK) == 0)
        found.push_back("the dangling symlink's target was created");
    return found;
}

void write_target(const std::string &path)
{
    FILE *f = std::fopen(path.c_str(), "we");
    REQUIRE(f);
    std::fputs("target\n", f);
    std::fclose(f);
}

} // namespace

TEST_CASE("verifier log: an existing file or symlink at the name is neither overwritten nor followed")
{
    TempDir tmp("sysbpf-vlog-");
    const std::string dir = tmp / "logs", target = tmp / "target";
    REQUIRE(::mkdir(dir.c_str(), 0755) == 0);
    write_target(target);
    const Seen s = run({"planted", target}, {"SYSBPF_VERIFIER_LOG=" + dir});
    CHECK(s.ret == -EACCES);
    CHECK(std::string(s.fds) == "same");
    const auto names = selftest::list_dir(dir);
    REQUIRE(names.size() == 4);
    // The log went to the first free name, n = 3.
    const std::string written = dir + "/" + names[3];
    const auto f = split(selftest::read_file(written));
    int pid = 0;
    REQUIRE(std::sscanf(f.head.c_str(), "pid: %d", &pid) == 1);
    CHECK(written == vlog::log_name(dir, pid, 3));
    struct stat st{};
    REQUIRE(::lstat(written.c_str(), &st) == 0);
    CHECK(S_ISREG(st.st_mode));
    CHECK(f.log == own_log(vlog::bad_prog(vlog::kSmallBad)));
    const auto found = damage(dir, pid, target);
    CHECK(found.empty());
    for (const auto &d : found)
        UNSCOPED_INFO(d);

    // Companion: a writer that opens with O_CREAT | O_TRUNC only (no
    // O_EXCL, no O_NOFOLLOW) does all of the damage the check looks for.
    const std::string dir2 = tmp / "broken", target2 = tmp / "target2";
    REQUIRE(::mkdir(dir2.c_str(), 0755) == 0);
    write_target(target2);
    REQUIRE(vlog::plant(dir2, 42, target2));
    for (int n = 0; n < 3; n++) {
        const int fd = ::open(vlog::log_name(dir2, 42, n).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        REQUIRE(fd >= 0);
        CHECK(::write(fd, "log\n", 4) == 4);
        ::close(fd);
    }
    CHECK(damage(dir2, 42, target2).size() == 3);
}
