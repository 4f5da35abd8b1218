// SYSBPF_INJECT on the real kernel: inject-child (inject_child.cpp) makes
// bpf.h calls under each rule form and prints one token per call; each case
// compares the schedule it saw, exactly. Every rule form, counts across
// threads, fork and exec, the trace mark and the stats row, a bad rule's one
// message. (`sysbpf run --inject` is the tool suite's; secure execution is
// selftest-secure-exec's.)
#include "child_process.hpp"
#include "harness/harness.hpp"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#ifndef INJECT_CHILD
#error "INJECT_CHILD: path of the inject-child helper"
#endif

using selftest::field;
using selftest::run_child;

namespace {

// The child's run under `rule` ("" for none), plus extra variables; its
// exit code and fd count checked.
selftest::ChildRun child(const std::vector<std::string> &args, const std::string &rule,
                         std::vector<std::string> env = {})
{
    std::vector<std::string> argv{INJECT_CHILD};
    argv.insert(argv.end(), args.begin(), args.end());
    if (!rule.empty())
        env.push_back("SYSBPF_INJECT=" + rule);
    auto r = run_child(argv, env);
    INFO("inject-child " << args[0] << " under '" << rule << "':\n" << r.out << r.err);
    CHECK(r.status == 0);
    CHECK(field(r.out, "fds") == "same");
    return r;
}

// What the child printed for `key` under `rule`.
std::string schedule(const std::vector<std::string> &args, const std::string &rule, const std::string &key)
{
    return field(child(args, rule).out, key);
}

// The lines of `text` that start with `prefix`.
std::vector<std::string> lines_starting(const std::string &text, const std::string &prefix)
{
    std::vector<std::string> out;
    for (size_t at = 0; at < text.size();) {
        size_t end = text.find('\n', at);
        if (end == std::string::npos)
            end = text.size();
        if (text.compare(at, prefix.size(), prefix) == 0)
            out.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    return out;
}

std::vector<std::string> words(const std::string &line)
{
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string w; in >> w;)
        out.push_back(w);
    return out;
}

size_t count(const std::string &s, char c) { return static_cast<size_t>(std::count(s.begin(), s.end(), c)); }

} // namespace

TEST_CASE("inject: always, nth, every, a number or ENOTSUPP as errno, two rules on one function")
{
    // Companion: without the variable nothing fails, so each schedule below
    // is the injection's.
    CHECK(schedule({"create", "4"}, "", "create") == ". . . .");
    CHECK(schedule({"prog", "7"}, "", "prog") == ". . . . . . .");
    CHECK(schedule({"create", "4"}, "bpf_map_create:ENOMEM", "create") == "ENOMEM ENOMEM ENOMEM ENOMEM");
    CHECK(schedule({"create", "4"}, "bpf_map_create:ENOMEM:nth=2", "create") == ". ENOMEM . .");
    CHECK(schedule({"create", "3"}, "bpf_map_create:12:nth=3", "create") == ". . ENOMEM");
    CHECK(schedule({"prog", "7"}, "bpf_prog_load:EPERM:every=3", "prog") == ". . EPERM . . EPERM .");
    CHECK(schedule({"prog", "2"}, "bpf_prog_load:ENOTSUPP", "prog") == "524 524");
    // Other functions' rules leave these calls alone.
    CHECK(schedule({"create", "2"}, "bpf_prog_load:EPERM,bpf_map_update_elem:E2BIG", "create") == ". .");
    // Two rules on one function: the first that fires wins; both count.
    CHECK(schedule({"create", "4"}, "bpf_map_create:EPERM:nth=2,bpf_map_create:ENOMEM:every=2", "create") ==
          ". EPERM . ENOMEM");
}

TEST_CASE("inject: name= and type= select the calls; nth counts matching calls only")
{
    CHECK(schedule({"mixed", "2"}, "", "mixed") == ". . . . . . . .");
    CHECK(schedule({"mixed", "2"}, "bpf_map_create:ENOMEM:name=a", "mixed") ==
          "ENOMEM . ENOMEM . ENOMEM . ENOMEM .");
    CHECK(schedule({"mixed", "2"}, "bpf_map_create:ENOMEM:type=array", "mixed") ==
          ". . ENOMEM ENOMEM . . ENOMEM ENOMEM");
    CHECK(schedule({"mixed", "2"}, "bpf_map_create:ENOMEM:name=b:type=BPF_MAP_TYPE_HASH", "mixed") ==
          ". ENOMEM . . . ENOMEM . .");
    // The 2nd map named b is the 4th call.
    CHECK(schedule({"mixed", "2"}, "bpf_map_create:ENOMEM:name=b:nth=2", "mixed") == ". . . ENOMEM . . . .");
    CHECK(schedule({"mixed", "1"}, "bpf_map_create:ENOMEM:name=ab", "mixed") == ". . . .");
    CHECK(schedule({"prog", "2"}, "bpf_prog_load:EPERM:type=xdp", "prog") == ". .");
    CHECK(schedule({"prog", "2"}, "bpf_prog_load:EPERM:type=socket_filter:name=p", "prog") == "EPERM EPERM");
}

TEST_CASE("inject: p= fails about that share, the same schedule for the same seed")
{
    const std::string rule = "bpf_map_update_elem:E2BIG:p=0.01:seed=7";
    const std::string a = schedule({"update", "1", "5000"}, rule, "pattern");
    const std::string b = schedule({"update", "1", "5000"}, rule, "pattern");
    const std::string c = schedule({"update", "1", "5000"}, "bpf_map_update_elem:E2BIG:p=0.01:seed=8", "pattern");
    CHECK(schedule({"update", "1", "5000"}, "", "pattern") == std::string(5000, '.'));
    REQUIRE(a.size() == 5000);
    CHECK(a == b);
    CHECK(a != c);
    CHECK(count(a, 'x') >= 20);
    CHECK(count(a, 'x') <= 90);
    const size_t half = count(schedule({"update", "1", "2000"}, "bpf_map_update_elem:E2BIG:p=0.5", "pattern"), 'x');
    CHECK(half >= 850);
    CHECK(half <= 1150);
}

TEST_CASE("inject: counts are exact across 4 threads")
{
    CHECK(schedule({"update", "4", "5000"}, "bpf_map_update_elem:E2BIG:every=7", "update") ==
          "ok 17143 E2BIG 2857 other 0");
    CHECK(schedule({"update", "4", "5000"}, "bpf_map_update_elem:E2BIG:nth=1234", "update") ==
          "ok 19999 E2BIG 1 other 0");
    CHECK(schedule({"update", "4", "5000"}, "bpf_map_update_elem:E2BIG", "update") == "ok 0 E2BIG 20000 other 0");
    CHECK(schedule({"update", "4", "5000"}, "", "update") == "ok 20000 E2BIG 0 other 0");
    // p: how many fail depends on the seed only, not on the threads' order.
    const std::string rule = "bpf_map_update_elem:E2BIG:p=0.01:seed=7";
    const size_t single = count(schedule({"update", "1", "10000"}, rule, "pattern"), 'x');
    CHECK(single > 0);
    CHECK(schedule({"update", "4", "2500"}, rule, "update") ==
          "ok " + std::to_string(10000 - single) + " E2BIG " + std::to_string(single) + " other 0");
}

TEST_CASE("inject: a forked child continues from the counts at fork; an exec'd program starts afresh")
{
    const auto f = child({"fork", "1", "3", "3"}, "bpf_map_create:ENOMEM:every=2").out;
    CHECK(field(f, "before") == ".");
    CHECK(field(f, "child") == "ENOMEM . ENOMEM");
    CHECK(field(f, "parent") == "ENOMEM . ENOMEM");
    const auto e = child({"exec", "1", "2"}, "bpf_map_create:ENOMEM:nth=2").out;
    CHECK(field(e, "before") == ".");
    CHECK(field(e, "create") == ". ENOMEM");
    // Companion: without exec the 2nd call would have been the first after it.
    CHECK(field(child({"create", "3"}, "bpf_map_create:ENOMEM:nth=2").out, "create") == ". ENOMEM .");
}

TEST_CASE("inject: the trace marks the injected call, the stats count it")
{
    selftest::TempDir tmp("sysbpf-inject-");
    REQUIRE(!tmp.path().empty());
    const auto r = child({"create", "3"}, "bpf_map_create:ENOMEM:nth=2",
                         {"SYSBPF_TRACE=" + (tmp / "trace"), "SYSBPF_STATS=" + (tmp / "stats")});
    CHECK(field(r.out, "create") == ". ENOMEM .");
    const auto calls = lines_starting(selftest::read_file(tmp / "trace"), "sysbpf: bpf_map_create(");
    REQUIRE(calls.size() == 3);
    CHECK(calls[1].find("= -12 ENOMEM (injected)") != std::string::npos);
    CHECK(calls[0].find("injected") == std::string::npos);
    CHECK(calls[2].find("injected") == std::string::npos);
    // "bpf_map_create  CALLS FAILED ... ENOMEM:1 injected:1"
    const auto rows = lines_starting(selftest::read_file(tmp / "stats"), "bpf_map_create ");
    REQUIRE(rows.size() == 1);
    const auto w = words(rows[0]);
    REQUIRE(w.size() >= 5);
    CHECK(w[1] == "3");
    CHECK(w[2] == "1");
    CHECK(w[w.size() - 2] == "ENOMEM:1");
    CHECK(w[w.size() - 1] == "injected:1");
    // Companion: without the rule no call is marked or counted injected.
    child({"create", "1"}, "", {"SYSBPF_TRACE=" + (tmp / "trace2"), "SYSBPF_STATS=" + (tmp / "stats2")});
    const auto plain_calls = lines_starting(selftest::read_file(tmp / "trace2"), "sysbpf: bpf_map_create(");
    REQUIRE(plain_calls.size() == 1);
    CHECK(plain_calls[0].find("injected") == std::string::npos);
    const auto plain = lines_starting(selftest::read_file(tmp / "stats2"), "bpf_map_create ");
    REQUIRE(plain.size() == 1);
    CHECK(words(plain[0])[1] == "1");
    CHECK(plain[0].find("injected") == std::string::npos);
}

TEST_CASE("inject: a bad rule is refused with one message and nothing is injected")
{
    const std::pair<const char *, const char *> bad[] = {
        {"bpf_map_create:EFOO", "rule 1: 'EFOO' is not an errno name or 1..4095"},
        {"bpf_map_create:ENOMEM,bpf_nope:EPERM", "rule 2: 'bpf_nope' is not a bpf.h function"},
        {"bpf_map_create:ENOMEM:nth=0", "rule 1: nth wants a whole number >= 1, not '0'"},
    };
    for (const auto &[rule, why] : bad) {
        const auto r = child({"create", "2"}, rule);
        CHECK(field(r.out, "create") == ". .");
        CHECK(r.err == std::string("sysbpf: SYSBPF_INJECT refused: ") + why +
                           "; this process runs with no faults injected\n");
    }
    // Companion: a good rule prints nothing and injects.
    const auto good = child({"create", "2"}, "bpf_map_create:ENOMEM");
    CHECK(field(good.out, "create") == "ENOMEM ENOMEM");
    CHECK(good.err.empty());
}
