// Nothing driven by the environment in secure-execution processes: a
// setuid-root program (secure-exec-child, copied and made setuid here) run by
// uid 65534 gets AT_SECURE, and SYSBPF_INJECT and SYSBPF_VERIFIER_LOG are
// ignored there: no fault injected, no message, no file. The companions run
// the same program as root (no secure execution), where both take effect.
#include "child_process.hpp"
#include "harness/harness.hpp"

#include <cstdio>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#ifndef SECURE_CHILD
#error "SECURE_CHILD: path of the secure-exec-child helper"
#endif

using selftest::field;
using selftest::run_child;

namespace {

constexpr uid_t kNobody = 65534;

// The reason this host cannot run a setuid program here, or "".
std::string setuid_refusal(const std::string &dir)
{
    if (::geteuid() != 0)
        return "not root (euid " + std::to_string(::geteuid()) + "): cannot make a setuid-root program";
    const std::string status = selftest::read_file("/proc/self/status");
    if (status.find("\nNoNewPrivs:\t1\n") != std::string::npos)
        return "this process runs with no_new_privs (/proc/self/status): exec ignores the setuid bit";
    struct statvfs v{};
    if (::statvfs(dir.c_str(), &v) == 0 && (v.f_flag & ST_NOSUID))
        return dir + " is on a nosuid mount: exec ignores the setuid bit";
    return "";
}

// SECURE_CHILD copied into `tmp` as a setuid-root program; "" on failure.
std::string setuid_copy(const selftest::TempDir &tmp)
{
    const std::string bytes = selftest::read_file(SECURE_CHILD);
    const std::string path = tmp / "secure-exec-child";
    FILE *f = std::fopen(path.c_str(), "we");
    if (bytes.empty() || !f)
        return "";
    const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    if (std::fclose(f) != 0 || !ok || ::chmod(tmp.path().c_str(), 0755) != 0 || ::chmod(path.c_str(), 04755) != 0)
        return "";
    return path;
}

// The program run as uid 65534 (secure execution) or as root.
selftest::ChildRun run_as(bool nobody, const std::string &exe, const char *mode, const std::string &env)
{
    auto r = nobody ? run_child({exe, mode}, {env}, kNobody, kNobody) : run_child({exe, mode}, {env});
    INFO((nobody ? "as uid 65534: " : "as root: ") << exe << " " << mode << " with " << env << ":\n"
                                                   << r.out << r.err);
    CHECK(r.status == 0);
    CHECK(field(r.out, "euid") == "0");
    CHECK(field(r.out, "secure") == (nobody ? "1" : "0"));
    return r;
}

} // namespace

TEST_CASE("secure execution: SYSBPF_INJECT is ignored, a bad rule prints nothing")
{
    selftest::TempDir tmp("sysbpf-secure-");
    const std::string refusal = setuid_refusal(tmp.path());
    if (!refusal.empty())
        SKIP_TEST(refusal);
    const std::string exe = setuid_copy(tmp);
    REQUIRE(!exe.empty());
    const auto secure = run_as(true, exe, "inject", "SYSBPF_INJECT=bpf_map_lookup_elem:ENOMEM");
    CHECK(field(secure.out, "lookup") == "EBADF EBADF");
    CHECK(secure.err.empty());
    const auto secure_bad = run_as(true, exe, "inject", "SYSBPF_INJECT=bpf_map_lookup_elem:EFOO");
    CHECK(field(secure_bad.out, "lookup") == "EBADF EBADF");
    CHECK(secure_bad.err.empty());
    // Companions: the same program as root is injected, and told of the bad rule.
    CHECK(field(run_as(false, exe, "inject", "SYSBPF_INJECT=bpf_map_lookup_elem:ENOMEM").out, "lookup") ==
          "ENOMEM ENOMEM");
    CHECK(run_as(false, exe, "inject", "SYSBPF_INJECT=bpf_map_lookup_elem:EFOO").err.rfind("sysbpf: SYSBPF_INJECT refused: ", 0) == 0);
}

TEST_CASE("secure execution: SYSBPF_VERIFIER_LOG is ignored, no file written")
{
    selftest::TempDir tmp("sysbpf-secure-");
    const std::string refusal = setuid_refusal(tmp.path());
    if (!refusal.empty())
        SKIP_TEST(refusal);
    const std::string exe = setuid_copy(tmp);
    REQUIRE(!exe.empty());
    const std::string logs = tmp / "logs";
    REQUIRE(::mkdir(logs.c_str(), 0777) == 0);
    REQUIRE(::chmod(logs.c_str(), 0777) == 0);
    const auto secure = run_as(true, exe, "vlog", "SYSBPF_VERIFIER_LOG=" + logs);
    CHECK(field(secure.out, "load") == "-13 EACCES");
    CHECK(secure.err.empty());
    CHECK(selftest::list_dir(logs).empty());
    // Companion: the same program as root leaves the file.
    CHECK(field(run_as(false, exe, "vlog", "SYSBPF_VERIFIER_LOG=" + logs).out, "load") == "-13 EACCES");
    CHECK(selftest::list_dir(logs).size() == 1);
}
