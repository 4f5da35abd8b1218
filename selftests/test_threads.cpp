// Threads on the real kernel: every bpf.h function called from many threads
// at once gives exactly what one thread gets, and first calls that race the
// library's lazily learned facts (program-name probe, names-refused flag,
// memcg probe) agree with a single-threaded process. The ThreadSanitizer
// build runs this suite ('threads') too.
#include "harness/harness.hpp"
#include "kernel_helpers.hpp"
#include "kernel_refusal.hpp"
#include "threads_workload.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#ifndef THREADS_RACE_CHILD
#error "THREADS_RACE_CHILD: path of the threads-race-child helper"
#endif

using namespace selftest;

namespace {

constexpr int kWorkers = 8;
constexpr int kRounds = 3;

std::string diff(const std::vector<std::string> &want, const std::vector<std::string> &got)
{
    std::string d;
    for (size_t i = 0; i < std::max(want.size(), got.size()); i++) {
        const std::string w = i < want.size() ? want[i] : "(none)";
        const std::string g = i < got.size() ? got[i] : "(none)";
        if (w != g)
            d += "  want " + w + "\n   got " + g + "\n";
    }
    return d;
}

// Output lines of the race child with `threads` threads.
std::vector<std::string> run_race_child(int threads)
{
    const std::string cmd = std::string(THREADS_RACE_CHILD) + " " + std::to_string(threads);
    std::vector<std::string> lines;
    FILE *p = ::popen(cmd.c_str(), "re");
    if (!p)
        return lines;
    char buf[512];
    while (std::fgets(buf, sizeof(buf), p)) {
        std::string l(buf);
        if (!l.empty() && l.back() == '\n')
            l.pop_back();
        lines.push_back(l);
    }
    int status = ::pclose(p);
    lines.push_back("exit " + std::to_string(status));
    return lines;
}

// The lines of thread `t` ("T<t> ..."), without the prefix.
std::vector<std::string> of_thread(const std::vector<std::string> &out, int t)
{
    const std::string prefix = "T" + std::to_string(t) + " ";
    std::vector<std::string> r;
    for (const auto &l : out)
        if (l.rfind(prefix, 0) == 0)
            r.push_back(l.substr(prefix.size()));
    return r;
}

} // namespace

TEST_CASE("threads: every function from 8 threads at once, 3 rounds: the results of one thread")
{
    threads::Shared shared(kWorkers);
    if (!shared.ok()) {
        SKIP_IF_REFUSED(shared.refusal());
        FAIL("fixtures: " << shared.why());
    }
    const int fds_before = open_fd_count();

    const std::vector<std::string> alone = threads::every_api(shared, 0, 0);
    // Every bpf.h function is in the workload.
    std::string missing;
#define SYSBPF_FN(name, params)                                                                \
    if (std::none_of(alone.begin(), alone.end(), [](const std::string &l) {                    \
            return l.rfind(#name ": ", 0) == 0;                                                \
        }))                                                                                    \
        missing += " " #name;
#include "trace/functions.def"
#undef SYSBPF_FN
    INFO("functions the workload does not call:" << missing);
    CHECK(missing.empty());
    for (const auto &l : alone) {
        CHECK(l.find("BAD FD") == std::string::npos);
        if (std::getenv("SYSBPF_THREADS_VERBOSE"))
            std::printf("  %s\n", l.c_str());
    }

    for (int round = 1; round <= kRounds; round++) {
        std::vector<std::vector<std::string>> got(kWorkers);
        std::atomic<int> ready{0};
        std::vector<std::thread> ts;
        for (int w = 0; w < kWorkers; w++)
            ts.emplace_back([&, w] {
                ready++;
                while (ready.load() < kWorkers) {
                }
                got[static_cast<size_t>(w)] = threads::every_api(shared, w, round);
            });
        for (auto &t : ts)
            t.join();
        for (int w = 0; w < kWorkers; w++) {
            INFO("round " << round << ", worker " << w << ":\n" << diff(alone, got[static_cast<size_t>(w)]));
            CHECK(got[static_cast<size_t>(w)] == alone);
        }
    }
    CHECK(open_fd_count() == fds_before);
    std::printf("threads: %d workers x %d rounds x %zu calls matched the single-threaded run\n",
                kWorkers, kRounds, alone.size());
}

TEST_CASE("threads: first calls racing the feature probes agree with a single-threaded process")
{
    const std::vector<std::string> one = run_race_child(1);
    const std::vector<std::string> many = run_race_child(kWorkers);
    REQUIRE(!one.empty());
    CHECK(one.back() == "exit 0");
    CHECK(many.back() == "exit 0");
    const std::vector<std::string> want = of_thread(one, 0);
    REQUIRE(want.size() == 5);
    // What this kernel says, the same with one thread or many.
    CHECK(want[0] == "named prog E2BIG: -E2BIG");
    CHECK(want[1] == "named map E2BIG: -E2BIG");
    CHECK(want[3] == "named map: fd race_named");
    CHECK(want[4] == "named prog: fd race_named");
    for (int t = 0; t < kWorkers; t++) {
        INFO("thread " << t << ":\n" << diff(want, of_thread(many, t)));
        CHECK(of_thread(many, t) == want);
    }
    std::printf("threads: fresh processes, %d racing first calls: %s\n", kWorkers, want[2].c_str());
}
