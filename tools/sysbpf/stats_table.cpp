#include "stats_table.hpp"

#include <sstream>

namespace sysbpf_tool {

void StatsTable::add(const std::string &text)
{
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream f(line);
        std::string name;
        f >> name;
        if (name == "function") {
            processes++;
            continue;
        }
        unsigned long long calls = 0, errors = 0;
        double us = 0;
        if (name.empty() || name == "total" || !(f >> calls >> errors >> us))
            continue;
        FnStats &s = fns[name];
        s.calls += calls;
        s.errors += errors;
        s.total_us += us;
        std::string e; // NAME:count
        while (f >> e) {
            size_t colon = e.rfind(':');
            if (colon != std::string::npos)
                s.by_errno[e.substr(0, colon)] += std::stoull(e.substr(colon + 1));
        }
    }
}

void StatsTable::print(std::FILE *out) const
{
    std::fprintf(out, "%-40s %10s %10s %14s  %s\n", "function", "calls", "errors", "total_us",
                 "errors by errno");
    unsigned long long calls = 0, errors = 0;
    for (const auto &[name, s] : fns) {
        calls += s.calls;
        errors += s.errors;
        std::string errnos;
        for (const auto &[e, n] : s.by_errno)
            errnos += " " + e + ":" + std::to_string(n);
        std::fprintf(out, "%-40s %10llu %10llu %14.1f %s\n", name.c_str(), s.calls, s.errors, s.total_us,
                     errnos.c_str());
    }
    std::fprintf(out, "%-40s %10llu %10llu\n", "total", calls, errors);
}

} // namespace sysbpf_tool
