// The SYSBPF_STATS summaries that the processes of one `sysbpf run` wrote
// (one table per process that loaded libsysbpf.so.1), merged into one.
#pragma once

#include <cstdio>
#include <map>
#include <string>

namespace sysbpf_tool {

struct FnStats {
    unsigned long long calls = 0, errors = 0;
    double total_us = 0;
    std::map<std::string, unsigned long long> by_errno;
};

struct StatsTable {
    unsigned processes = 0;
    std::map<std::string, FnStats> fns;

    // Adds every table in `text` (the SYSBPF_STATS file's content).
    void add(const std::string &text);
    void print(std::FILE *out) const;
};

} // namespace sysbpf_tool
