// fd hygiene on the real kernel: a process that starts with fds 0, 1 and 2
// closed must still get every BPF fd at >= 3 with close-on-exec, and the
// library must never close (or reuse) an fd it did not create. The checks run
// in a child (fd_hygiene_child.cpp) started with the standard fds closed; this
// test starts it, reads its report and judges it.
#include "harness/harness.hpp"
#include "kernel_helpers.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#ifndef FD_HYGIENE_CHILD
#error "FD_HYGIENE_CHILD: path of the fd-hygiene-child helper"
#endif

namespace {

struct Report {
    int status = -1;
    std::vector<std::string> lines;
    int ok = 0, failed = 0, skipped = 0;
    bool ended = false;
};

// Runs the child with the standard fds in `closed` ("012", "0", ...) closed.
Report run_child(const char *closed)
{
    Report r;
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0)
        return r;
    // The child's end must survive exec: a copy without close-on-exec, high.
    const int report_fd = ::fcntl(p[1], F_DUPFD, 60);
    const pid_t pid = ::fork();
    if (pid == 0) {
        for (const char *c = closed; *c; c++)
            ::close(*c - '0');
        const std::string fd = std::to_string(report_fd);
        ::execl(FD_HYGIENE_CHILD, FD_HYGIENE_CHILD, fd.c_str(), closed, nullptr);
        ::_exit(127);
    }
    ::close(report_fd);
    ::close(p[1]);
    std::string text;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(p[0], buf, sizeof(buf))) > 0)
        text.append(buf, static_cast<size_t>(n));
    ::close(p[0]);
    if (pid > 0)
        ::waitpid(pid, &r.status, 0);
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::string line = text.substr(start, end - start);
        start = end + 1;
        if (line.rfind("OK", 0) == 0)
            r.ok++;
        else if (line.rfind("FAIL", 0) == 0)
            r.failed++;
        else if (line.rfind("SKIP", 0) == 0)
            r.skipped++;
        else if (line.rfind("END", 0) == 0)
            r.ended = true;
        r.lines.push_back(line);
    }
    return r;
}

void judge(const char *closed, const Report &r)
{
    std::string all;
    for (const auto &l : r.lines)
        all += l + "\n";
    INFO(all);
    CHECK(r.ended);
    CHECK(WIFEXITED(r.status));
    CHECK(WEXITSTATUS(r.status) == 0);
    CHECK(r.failed == 0);
    CHECK(r.ok >= 9);
    // The child's SKIP lines name only an errno, no evidence of a kernel or
    // host refusal: a check it could not run fails the case (every kernel
    // the selftests run on, 5.10 to 7.2, runs all 21).
    CHECK(r.skipped == 0);
    std::printf("fd hygiene (started with fds %s closed): %d checks passed, %d skipped\n", closed,
                r.ok, r.skipped);
}

} // namespace

TEST_CASE("fd hygiene: started with 0, 1 and 2 closed, every BPF fd is >= 3 and close-on-exec")
{
    judge("012", run_child("012"));
}

TEST_CASE("fd hygiene: started with only stdin closed")
{
    judge("0", run_child("0"));
}

TEST_CASE("fd hygiene: started with only stderr closed")
{
    judge("2", run_child("2"));
}
