// Callers built against other libbpf releases, on the real kernel.
//
// A caller compiled against libbpf 1.x passes that release's sizeof as the
// opts `sz`. Each row (caller_row.hpp, rows_*.cpp) is one opts-taking
// function: it fills the inputs that fit in the caller's struct, calls, and
// describes what the kernel did. For every size an older release used (read
// from abi/expected/layouts.tsv), the description must equal today's, the
// call must have reached the kernel, and nothing past the caller's struct
// may be written. A newer caller's larger struct works when its extra bytes
// are zero and gets -EINVAL/EINVAL, without a bpf() system call, when any is
// not.
//
// A row whose command this kernel lacks still runs every check of the
// library's side (the call reaches the kernel, or does not, by the counted
// bpf() calls); its kernel part is reported as skipped, with the errno.
#include "bpf_call_counter.hpp"
#include "caller_row.hpp"

#include <cerrno>
#include <cstdlib>
#include <dlfcn.h>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace selftest;
using namespace abi;

namespace {

// What one call did, as text, and how many bpf() calls it made.
struct Outcome {
    std::string text;
    unsigned long long bpf_calls;
};

// Per test case: the bpf() counter, and every row's objects dropped at the
// end, also when an assertion ends the case early.
class Session {
public:
    Session()
    {
        INFO("bpf() counter: " << counter_.error());
        REQUIRE(counter_.error().empty());
    }
    ~Session()
    {
        for (const Row &row : all_rows())
            if (row.teardown)
                row.teardown();
    }
    Outcome run(const Row &row, CallerOpts &o)
    {
        row.fill(o);
        errno = kErrnoSentinel;
        unsigned long long before = counter_.count();
        int rc = row.call(o.bytes);
        int err = errno;
        unsigned long long calls = counter_.count() - before;
        std::string text;
        if (rc < 0)
            text = "error " + errstr(-rc) + " errno " + errstr(err) + "; ";
        else if (err != kErrnoSentinel)
            text = "success changed errno to " + errstr(err) + "; ";
        return {text + row.observe(rc, o), calls};
    }
    BpfCallCounter &counter() { return counter_; }

private:
    BpfCallCounter counter_;
};

std::string lacking(const Row &row) { return row.kernel_lacks ? row.kernel_lacks() : ""; }

bool has_parts(const std::string &text, const std::string &expect)
{
    std::stringstream parts(expect);
    for (std::string part; std::getline(parts, part, '|');)
        if (text.find(part) == std::string::npos)
            return false;
    return true;
}

// ---- expectations, from abi/expected/ ------------------------------------------

std::string expected_dir()
{
    const char *d = std::getenv("SYSBPF_ABI_EXPECTED");
    return d ? d : "abi/expected";
}

std::vector<std::vector<std::string>> tsv(const std::string &name)
{
    std::ifstream f(expected_dir() + "/" + name);
    std::vector<std::vector<std::string>> out;
    for (std::string line; std::getline(f, line);) {
        if (line.empty() || line[0] == '#')
            continue;
        std::vector<std::string> cols;
        std::stringstream ss(line);
        for (std::string c; std::getline(ss, c, '\t');)
            cols.push_back(c);
        out.push_back(cols);
    }
    return out;
}

// sizeof(opts_struct) per release that defines it: size -> "v1.0.0 v1.1.0 ...".
std::map<size_t, std::string> historical_sizes(const std::string &opts_struct)
{
    std::map<size_t, std::string> sizes;
    for (auto &r : tsv("layouts.tsv"))
        if (r.size() == 6 && r[1] == opts_struct && r[2] == "struct")
            sizes[std::stoul(r[4])] += r[0] + " ";
    return sizes;
}

} // namespace

TEST_CASE("abi: each older release's opts size behaves like today's")
{
    Session s;
    for (const Row &row : all_rows()) {
        CallerOpts now(row.today);
        Outcome today = s.run(row, now);
        INFO(row.function << " with today's sizeof " << row.today << ": " << today.text);
        if (lacking(row).empty())
            CHECK(has_parts(today.text, row.expect));
        CHECK(today.bpf_calls >= 1);
        auto sizes = historical_sizes(row.opts_struct);
        REQUIRE(!sizes.empty());
        REQUIRE(sizes.rbegin()->first == row.today);
        for (auto &[size, releases] : sizes) {
            CallerOpts old(size);
            Outcome then = s.run(row, old);
            INFO("opts sz " << size << " (libbpf " << releases << "): " << then.text);
            CHECK(then.text == today.text);
            CHECK(then.bpf_calls >= 1);
            CHECK(old.canary_intact());
        }
    }
}

TEST_CASE("abi: a newer caller's larger opts with zero extra bytes works")
{
    Session s;
    for (const Row &row : all_rows()) {
        CallerOpts now(row.today);
        Outcome today = s.run(row, now);
        for (size_t size : {row.today + 8, row.today + 64}) {
            CallerOpts newer(size);
            Outcome o = s.run(row, newer);
            INFO(row.function << " with opts sz " << size << ": " << o.text << "; today: " << today.text);
            CHECK(o.text == today.text);
            CHECK(o.bpf_calls >= 1);
            CHECK(newer.canary_intact());
        }
    }
}

TEST_CASE("abi: a non-zero byte past the known fields is EINVAL before any syscall")
{
    Session s;
    for (const Row &row : all_rows()) {
        size_t size = row.today + 16;
        // Tail padding after __last_field, the first and the last byte a
        // newer release would own.
        std::set<size_t> offsets = {row.known_end, row.today, size - 1};
        for (size_t off : offsets) {
            CallerOpts newer(size);
            row.fill(newer);
            newer.bytes[off] = 1;
            int fds = open_fd_count();
            errno = 0;
            unsigned long long before = s.counter().count();
            int rc = row.call(newer.bytes);
            int err = errno;
            unsigned long long calls = s.counter().count() - before;
            row.observe(rc, newer); // releases whatever an unexpected success made
            INFO(row.function << ": opts sz " << size << ", byte " << off << " set: " << calls << " bpf() calls");
            CHECK(rc == -EINVAL);
            CHECK(err == EINVAL);
            CHECK(calls == 0);
            CHECK(open_fd_count() == fds);
            CHECK(newer.canary_intact());
        }
    }
}

// Where the kernel lacks a row's command, the checks above could only check
// the library's side; this says so.
TEST_CASE("abi: every row's kernel part runs on this kernel")
{
    std::string missing;
    size_t rows = 0;
    for (const Row &row : all_rows()) {
        rows++;
        std::string why = lacking(row);
        if (!why.empty())
            missing += std::string(missing.empty() ? "" : "; ") + row.function + ": " + why;
    }
    REQUIRE(rows > 0);
    if (!missing.empty())
        SKIP_TEST("kernel part not checked (library side checked) for " + missing);
    CHECK(missing.empty());
}

// The comparisons above can fail: a library that dropped an input, wrote
// past the caller's struct or called bpf() would be noticed.
TEST_CASE("abi: the checks notice a changed outcome, a write past the caller's struct, a bpf() call")
{
    Session s;
    const Row &row = all_rows().front();
    CallerOpts now(row.today);
    Outcome today = s.run(row, now);
    CallerOpts dropped(row.today);
    errno = kErrnoSentinel;
    Outcome without_flags = {row.observe(row.call(dropped.bytes), dropped), 0}; // fill skipped
    CHECK(without_flags.text != today.text);

    CallerOpts old(48);
    old.bytes[old.sz] = 0; // what a library writing past sz would leave
    CHECK_FALSE(old.canary_intact());

    // One bpf() (EBADF for a closed fd) counts one; other system calls none.
    unsigned long long before = s.counter().count();
    bpf_attr a{};
    a.map_fd = 100000;
    CHECK(::syscall(__NR_bpf, BPF_MAP_FREEZE, &a, sizeof(a)) == -1);
    CHECK(s.counter().count() - before == 1);
    before = s.counter().count();
    ::syscall(SYS_getppid);
    CHECK(s.counter().count() - before == 0);

    // A child that signs up is counted too.
    before = s.counter().count();
    pid_t pid = ::fork();
    if (pid == 0) {
        s.counter().watch_self();
        ::syscall(__NR_bpf, BPF_MAP_FREEZE, &a, sizeof(a));
        ::_exit(0);
    }
    REQUIRE(pid > 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(s.counter().count() - before == 1);
}

// Lists what the table does not cover yet. A function the library exports
// without a row is named as such; the case is skipped, not passed.
TEST_CASE("abi: every opts-taking bpf.h function has a historical-caller row")
{
    std::set<std::string> covered;
    for (const Row &row : all_rows())
        covered.insert(std::string(row.function).substr(0, std::string(row.function).find(' ')));
    std::string exported, pending;
    int with_opts = 0;
    for (auto &r : tsv("prototypes.tsv")) {
        if (r.size() != 3 || r[1] != "C" || r[2].find("_opts *") == std::string::npos)
            continue;
        with_opts++;
        if (covered.count(r[0]))
            continue;
        (dlsym(RTLD_DEFAULT, r[0].c_str()) ? exported : pending) += " " + r[0];
    }
    REQUIRE(with_opts > 0);
    if (!exported.empty() || !pending.empty())
        SKIP_TEST("no row yet for: exported by the library:" + (exported.empty() ? " none" : exported) +
                  "; not exported yet:" + (pending.empty() ? " none" : pending));
    CHECK(covered.size() == static_cast<size_t>(with_opts));
}
