// Starting a helper program from a selftest and collecting what it printed.
// The child gets this process's environment without SYSBPF_* and
// LD_PRELOAD (so a variable the test sets is the only one in force), plus
// the variables the test gives.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace selftest {

struct ChildRun {
    int status = -1; // exit code; 128 + signal when killed; -1 not started or timed out
    std::string out, err;
};

// Runs argv[0] with argv, the environment above plus `env` ("NAME=value"),
// as `uid`/`gid` (all groups dropped) when uid is not -1. Killed after
// timeout_s seconds.
ChildRun run_child(const std::vector<std::string> &argv, const std::vector<std::string> &env = {},
                   uid_t uid = static_cast<uid_t>(-1), gid_t gid = static_cast<gid_t>(-1),
                   int timeout_s = 60);

// The text after "key: " on the first line of `text` that starts so, or
// "(no key: line)".
std::string field(const std::string &text, const std::string &key);

// A fresh directory under $TMPDIR (or /tmp), removed with its files.
class TempDir {
public:
    explicit TempDir(const char *prefix);
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    const std::string &path() const { return path_; }
    std::string operator/(const std::string &name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

// The names in `dir` (no . and ..), sorted.
std::vector<std::string> list_dir(const std::string &dir);

// A file's contents; "" when it cannot be read.
std::string read_file(const std::string &path);

} // namespace selftest
