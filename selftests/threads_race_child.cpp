// Started by the 'threads' selftest as a fresh process, so that the library's
// lazily learned facts (prog-name probe, names-refused flag, memcg probe) are
// still unknown. argv[1] threads make, as the process's very first library
// calls, the calls that trigger those probes, all at once. Prints each
// thread's results ("T<n> <line>") and "END"; the test compares a run with
// one thread against a run with many.
#include "kernel_helpers.hpp"
#include "link_btf.hpp"

#include <bpf/bpf.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

// LIBBPF_OPTS with a few designated fields is the API's intended use.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace {

std::atomic<int> g_ready{0};
std::atomic<bool> g_go{false};
__u32 g_fentry_target = 0;

std::string code(long r) { return r < 0 ? "-" + selftest::errstr(static_cast<int>(-r)) : "fd"; }

std::vector<std::string> race_calls()
{
    std::vector<std::string> out;
    const auto insns = selftest::return_imm(0);
    std::vector<int> fds;
    auto keep = [&](int fd) {
        if (fd >= 0)
            fds.push_back(fd);
        return fd;
    };

    // A named load the kernel refuses with E2BIG (too many instructions):
    // the library probes whether the kernel knows program names at all.
    out.push_back("named prog E2BIG: " +
                  code(keep(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "race_big", "GPL",
                                          insns.data(), 1000001, nullptr))));
    // A named map the kernel refuses with E2BIG (value too large): the
    // library retries without the name, to tell a kernel without names.
    out.push_back("named map E2BIG: " + code(keep(bpf_map_create(BPF_MAP_TYPE_HASH, "race_big", 4,
                                                                 1u << 30, 4, nullptr))));
    // An EPERM load (fentry is refused here even to root): the library
    // probes how the kernel charges BPF memory before any memlock raise.
    LIBBPF_OPTS(bpf_prog_load_opts, fo, .expected_attach_type = BPF_TRACE_FENTRY,
                .attach_btf_id = g_fentry_target);
    out.push_back("fentry load: " + code(keep(bpf_prog_load(BPF_PROG_TYPE_TRACING, "race_fentry",
                                                            "GPL", insns.data(), insns.size(),
                                                            &fo))));
    // Names must still work afterwards: nothing concluded "no names".
    int map = keep(bpf_map_create(BPF_MAP_TYPE_ARRAY, "race_named", 4, 8, 1, nullptr));
    bpf_map_info mi{};
    __u32 len = sizeof(mi);
    out.push_back("named map: " + code(map) + " " +
                  (bpf_map_get_info_by_fd(map, &mi, &len) == 0 ? mi.name : "?"));
    int prog = keep(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "race_named", "GPL", insns.data(),
                                  insns.size(), nullptr));
    bpf_prog_info pi{};
    len = sizeof(pi);
    out.push_back("named prog: " + code(prog) + " " +
                  (bpf_prog_get_info_by_fd(prog, &pi, &len) == 0 ? pi.name : "?"));
    for (int fd : fds)
        ::close(fd);
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    const int n = argc > 1 ? std::atoi(argv[1]) : 1;
    {
        selftest::links::VmlinuxBtf btf; // no library call
        if (btf.ok())
            g_fentry_target = btf.find(selftest::links::VmlinuxBtf::kFunc, "bpf_fentry_test1");
    }
    std::vector<std::vector<std::string>> results(static_cast<size_t>(n));
    std::vector<std::thread> threads;
    for (int i = 0; i < n; i++)
        threads.emplace_back([i, n, &results] {
            g_ready++;
            while (g_ready.load() < n || !g_go.load()) {
            }
            results[static_cast<size_t>(i)] = race_calls();
        });
    while (g_ready.load() < n) {
    }
    g_go = true;
    for (auto &t : threads)
        t.join();
    for (int i = 0; i < n; i++)
        for (const auto &line : results[static_cast<size_t>(i)])
            std::printf("T%d %s\n", i, line.c_str());
    std::printf("END\n");
    return 0;
}
