// Catch2 runner with skip accounting. Prints a closing line
// "N passed, N failed, N skipped"; exits 77 (meson's "skipped") when every
// test case that ran was skipped.
#define CATCH_CONFIG_RUNNER
#include "harness.hpp"

#include <cstdio>

namespace sysbpf_test {
namespace {
struct Counts {
    int passed = 0, failed = 0, skipped = 0, empty = 0;
    bool current_skipped = false;
    std::string skip_reason;
} g;
} // namespace

void record_skip(const std::string &reason)
{
    g.current_skipped = true;
    g.skip_reason = reason;
}

struct SkipListener : Catch::TestEventListenerBase {
    using TestEventListenerBase::TestEventListenerBase;

    void testCaseStarting(Catch::TestCaseInfo const &) override
    {
        g.current_skipped = false;
        g.skip_reason.clear();
    }

    void testCaseEnded(Catch::TestCaseStats const &stats) override
    {
        const auto &name = stats.testInfo.name;
        const auto &a = stats.totals.assertions;
        if (a.failed > 0) {
            g.failed++;
        } else if (g.current_skipped) {
            g.skipped++;
            std::printf("SKIP: %s: %s\n", name.c_str(), g.skip_reason.c_str());
        } else if (a.total() == 0) {
            g.empty++;
            g.failed++;
            std::printf("FAIL: %s: no assertion ran\n", name.c_str());
        } else {
            g.passed++;
        }
        std::fflush(stdout);
    }
};
CATCH_REGISTER_LISTENER(SkipListener)

} // namespace sysbpf_test

int main(int argc, char **argv)
{
    Catch::Session session;
    int rc = session.run(argc, argv);
    using sysbpf_test::g;
    std::printf("%d passed, %d failed, %d skipped\n", g.passed, g.failed, g.skipped);
    if (rc == 0 && g.empty > 0)
        rc = 1;
    if (rc == 0 && g.passed == 0 && g.skipped > 0)
        return 77;
    return rc;
}
