// Shared by the unit tests and the kernel selftests.
//
// SKIP_TEST(reason) ends the current test case as skipped: the reason is
// printed and the case is counted as skipped, never as passed. A test case
// that finishes without a single assertion and without skipping fails.
#pragma once

#include <catch2/catch.hpp>

#include <string>

namespace sysbpf_test {
void record_skip(const std::string &reason);
}

#define SKIP_TEST(reason)                                                                      \
    do {                                                                                       \
        ::sysbpf_test::record_skip(reason);                                                    \
        return;                                                                                \
    } while (0)
