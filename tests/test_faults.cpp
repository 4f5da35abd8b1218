// Fault injection through the syscall seam, over every bpf.h function.
//
// Each API is run again and again against a fake kernel that follows a plan:
// the answer to each bpf() call in turn. Starting from the empty plan, every
// call position the API reaches is answered with success, with each errno the
// kernel can return, and (for commands that return an fd) with fd 0, 1 or 2,
// also while no fd >= 3 is free so that moving it up fails with EMFILE.
// Plans grow past answers that make the API go on (EAGAIN retries, the E2BIG
// name and record fallbacks, EPERM memlock, failed probes, logged retries),
// so retries and fallbacks are injected into as well.
//
// After every run: the result is the last own call's answer (an fd, 0, or
// -errno, with errno set on failure and untouched on success); the caller's
// memory differs only where libbpf 1.7 writes (opts outputs within sz, output
// parameters, with the kernel's values from the last own call); every fd the
// fake handed out was returned or closed, fds 0/1/2 handed out were closed,
// and no other fd was closed or opened (/proc/self/fd before and after). The
// ASan build adds LeakSanitizer: no allocation outlives a run.
#include "api_table.hpp"
#include "fake_kernel.hpp"
#include "fd_table.hpp"
#include "harness/harness.hpp"
#include "kernel/attr.hpp"

#include <bpf/bpf.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <sys/resource.h>
#include <vector>

using namespace sysbpf_test;
using api::Caller;
using api::Row;
using sysbpf::kernel::Cmd;
using sysbpf::kernel::ProgLoadAttr;

namespace {

// What the kernel may answer any command with.
constexpr int kErrnos[] = {EINTR,  EAGAIN, E2BIG,  ENOSPC, EFAULT, ENOMEM,     EMFILE,
                           EPERM,  EINVAL, ENOENT, EBADF,  EACCES, EBUSY,      EEXIST,
                           ENODEV, ERANGE, ESRCH,  ENXIO,  524 /* ENOTSUPP */, EOPNOTSUPP};
constexpr int kUntouched = 4242; // errno before each call: success must leave it

enum class Kind : unsigned char { Ok, Err, LowFd, LowFdNoRoom };
struct Answer {
    Kind kind;
    int v; // errno for Err, fd number for LowFd*
};

std::string describe(const Answer &a)
{
    switch (a.kind) {
    case Kind::Ok: return "ok";
    case Kind::Err: return strerrorname_np(a.v) ? strerrorname_np(a.v) : std::to_string(a.v);
    case Kind::LowFd: return "fd" + std::to_string(a.v);
    case Kind::LowFdNoRoom: return "fd" + std::to_string(a.v) + "+nofile";
    }
    return "?";
}

std::string describe(const std::vector<Answer> &plan)
{
    std::string s = "[";
    for (size_t i = 0; i < plan.size(); i++)
        s += (i ? " " : "") + describe(plan[i]);
    return s + "]";
}

struct OptsBuf {
    alignas(16) unsigned char bytes[256];
};

struct Scenario {
    const Row *row;
    std::string label;
    std::function<void(Caller &, OptsBuf &)> prepare; // after the fake has reset features
    std::vector<int> steer;                            // errnos to grow plans past
    bool record_hints = false; // E2BIG to a load with records names smaller record sizes
};

// Resources shared by all runs: the streams lent out as fds 0/1/2 and two
// fds passed as object fds, which the library must never close.
struct Env {
    fds::StdStreams streams;
    int arg_fd = fds::fresh();
    int arg_fd2 = fds::fresh();
    ~Env()
    {
        ::close(arg_fd);
        ::close(arg_fd2);
    }
};

struct CallRec {
    Cmd cmd;
    unsigned size;
    Answer answer;
    std::vector<unsigned char> post; // attr after the kernel's writes
    int handed_fd = -1;
};

struct Outcome {
    std::vector<CallRec> calls;
    std::vector<std::string> problems;
};

bool own_call(const Row &row, const CallRec &c)
{
    // The feature probes are prog loads of their own, sent shorter.
    if (c.cmd == Cmd::ProgLoad && c.size < ProgLoadAttr::kSize)
        return false;
    return row.owns(c.cmd);
}

void kernel_writes(Cmd cmd, unsigned char *attr, unsigned size, size_t call_index)
{
    api::AttrField f[5];
    unsigned n = api::kernel_outputs(cmd, f);
    for (unsigned i = 0; i < n; i++)
        if (f[i].off + f[i].size <= size)
            std::memset(attr + f[i].off, 0xc0 + static_cast<int>(call_index % 64), f[i].size);
}

// As the kernel does when records are larger than it knows: it checks func
// info before line info and names the size it expects for the first misfit.
void shrink_record_sizes(unsigned char *attr)
{
    auto *a = reinterpret_cast<ProgLoadAttr *>(attr);
    if (a->func_info_cnt && a->func_info_rec_size > 8)
        a->func_info_rec_size = 8;
    else if (a->line_info_cnt && a->line_info_rec_size > 16)
        a->line_info_rec_size = 16;
}

Outcome run(const Scenario &s, const std::vector<Answer> &plan, Env &env)
{
    Outcome o;
    auto problem = [&](const std::string &what) {
        o.problems.push_back(s.row->name + std::string(" (") + s.label + ") " + describe(plan) +
                             ": " + what);
    };
    const std::vector<int> fds_before = fds::snapshot();

    FakeKernel k;
    Caller c;
    c.fd = env.arg_fd;
    c.fd2 = env.arg_fd2;
    OptsBuf ob;
    std::memset(&ob, 0, sizeof(ob));
    s.prepare(c, ob);
    Caller c0;
    std::memcpy(&c0, &c, sizeof(c));
    OptsBuf ob0;
    std::memcpy(&ob0, &ob, sizeof(ob));

    std::vector<int> lent;
    std::vector<int> reserve; // fds opened before the limit was lowered
    std::unique_ptr<fds::NoFreeFd> no_room;
    auto take_fd = [&] {
        if (!reserve.empty()) {
            int fd = reserve.back();
            reserve.pop_back();
            return fd;
        }
        return fds::fresh();
    };

    k.fallback = [&](int cmd_no, void *attr_v, unsigned size) -> long {
        const int caller_errno = errno; // bpf(2) itself never touches errno
        const size_t i = k.calls.size() - 1; // already recorded by the fake
        const Cmd cmd = static_cast<Cmd>(cmd_no);
        auto *attr = static_cast<unsigned char *>(attr_v);
        Answer a = i < plan.size() ? plan[i] : Answer{Kind::Ok, 0};
        if (i > 64) // a retry loop that never ends
            a = Answer{Kind::Err, EINVAL};
        if (size > api::max_attr_size(cmd))
            problem("sent " + std::to_string(size) + " bytes for a command of " +
                    std::to_string(api::max_attr_size(cmd)));
        kernel_writes(cmd, attr, size, i);
        if (s.record_hints && a.kind == Kind::Err && a.v == E2BIG && cmd == Cmd::ProgLoad &&
            size == ProgLoadAttr::kSize)
            shrink_record_sizes(attr);

        CallRec r{cmd, size, a, std::vector<unsigned char>(attr, attr + size), -1};
        long ret = 0;
        switch (a.kind) {
        case Kind::Ok:
            if (api::returns_fd(cmd))
                ret = r.handed_fd = take_fd();
            break;
        case Kind::Err: ret = -a.v; break;
        case Kind::LowFd:
            env.streams.lend(a.v);
            lent.push_back(a.v);
            ret = a.v;
            break;
        case Kind::LowFdNoRoom:
            env.streams.lend(a.v);
            lent.push_back(a.v);
            for (int j = 0; j < 4; j++)
                reserve.push_back(fds::fresh());
            no_room = std::make_unique<fds::NoFreeFd>();
            ret = a.v;
            break;
        }
        o.calls.push_back(std::move(r));
        errno = caller_errno;
        return ret;
    };

    errno = kUntouched;
    const long ret = s.row->invoke(c);
    const int err = errno;

    // The fd table first, before anything else opens or closes an fd.
    std::vector<int> low_left_open;
    for (int n : lent)
        if (fds::is_open(n))
            low_left_open.push_back(n);
    const bool no_room_held = !no_room || no_room->active();
    no_room.reset();
    for (int n : lent)
        env.streams.give_back(n);
    for (int fd : reserve)
        ::close(fd);

    for (int n : low_left_open)
        problem("fd " + std::to_string(n) + " from the kernel left open");
    if (!no_room_held)
        problem("could not lower RLIMIT_NOFILE");

    // The result: the last own call's answer.
    int last = -1;
    for (size_t i = 0; i < o.calls.size(); i++)
        if (own_call(*s.row, o.calls[i]))
            last = static_cast<int>(i);
    bool ret_is_new_fd = false;
    if (s.row->n_cmds == 0) {
        if (!o.calls.empty())
            problem("a function without a command called bpf()");
        if (ret != 0)
            problem("returned " + std::to_string(ret));
    } else if (last < 0) {
        problem("no call of its own was made");
    } else {
        const CallRec &L = o.calls[last];
        switch (L.answer.kind) {
        case Kind::Ok:
            if (api::returns_fd(L.cmd) ? ret != L.handed_fd : ret != 0)
                problem("returned " + std::to_string(ret) + " for success");
            break;
        case Kind::Err:
            if (ret != -L.answer.v)
                problem("returned " + std::to_string(ret) + " for " + describe(L.answer));
            break;
        case Kind::LowFd:
            ret_is_new_fd = ret >= 3 && !std::binary_search(fds_before.begin(), fds_before.end(),
                                                            static_cast<int>(ret));
            if (!ret_is_new_fd)
                problem("returned " + std::to_string(ret) + " instead of a moved fd >= 3");
            else if (!fds::cloexec(static_cast<int>(ret)))
                problem("moved fd without close-on-exec");
            break;
        case Kind::LowFdNoRoom:
            if (ret != -EMFILE)
                problem("returned " + std::to_string(ret) + " with no fd >= 3 free");
            break;
        }
        if (ret >= 0 && api::returns_fd(L.cmd) && L.answer.kind == Kind::Ok &&
            !fds::cloexec(static_cast<int>(ret)))
            problem("fd returned without close-on-exec");
    }
    if (ret < 0 ? err != -ret : err != kUntouched)
        problem("errno " + std::to_string(err) + " after returning " + std::to_string(ret));

    // The caller's memory: what libbpf writes, nothing else.
    Caller want;
    std::memcpy(&want, &c0, sizeof(want));
    OptsBuf want_opts;
    std::memcpy(&want_opts, &ob0, sizeof(want_opts));
    if (last >= 0) {
        const auto &post = o.calls[last].post;
        const api::OptsKind *kind = s.row->opts;
        if (kind && c0.opts) {
            size_t sz;
            std::memcpy(&sz, ob0.bytes, sizeof(sz));
            for (unsigned i = 0; i < kind->n_outputs; i++) {
                const auto &f = kind->outputs[i];
                if (f.opts_off + f.size <= sz && f.attr_off + f.size <= post.size())
                    std::memcpy(want_opts.bytes + f.opts_off, post.data() + f.attr_off, f.size);
            }
        }
        for (unsigned i = 0; i < s.row->n_outs; i++) {
            const auto &r = s.row->outs[i];
            if (r.when == api::When::OnSuccess && ret != 0)
                continue;
            if (r.attr_off + r.size <= post.size())
                std::memcpy(reinterpret_cast<unsigned char *>(&want.out) + r.out_off,
                            post.data() + r.attr_off, r.size);
        }
    }
    if (std::memcmp(&want, &c, sizeof(c)) != 0)
        problem("caller's arguments or output parameters differ from libbpf's write-back");
    if (std::memcmp(&want_opts, &ob, sizeof(ob)) != 0)
        problem("opts differ from libbpf's write-back");

    // Close what the caller now owns, then compare the fd table.
    if (ret >= 0 && last >= 0 && api::returns_fd(o.calls[last].cmd) &&
        !std::binary_search(fds_before.begin(), fds_before.end(), static_cast<int>(ret)))
        ::close(static_cast<int>(ret));
    const std::vector<int> fds_after = fds::snapshot();
    if (fds_after != fds_before) {
        std::string diff;
        for (int fd : fds_after)
            if (!std::binary_search(fds_before.begin(), fds_before.end(), fd)) {
                diff += " leaked " + std::to_string(fd);
                ::close(fd);
            }
        for (int fd : fds_before)
            if (!std::binary_search(fds_after.begin(), fds_after.end(), fd))
                diff += " closed " + std::to_string(fd);
        problem("fd table changed:" + diff);
    }
    return o;
}

struct Tally {
    size_t runs = 0;
    size_t faults = 0;
    size_t failed_runs = 0;
    std::vector<std::string> examples;
};

// Depth-first over plans: every reached call position gets every answer.
void explore(const Scenario &s, Env &env, Tally &t)
{
    std::vector<std::vector<Answer>> prefixes{{}};
    while (!prefixes.empty()) {
        std::vector<Answer> prefix = std::move(prefixes.back());
        prefixes.pop_back();
        const size_t pos = prefix.size();

        auto run_counted = [&](const std::vector<Answer> &plan) {
            Outcome o = run(s, plan, env);
            t.runs++;
            if (plan.back().kind != Kind::Ok)
                t.faults++;
            if (!o.problems.empty()) {
                t.failed_runs++;
                for (auto &p : o.problems)
                    if (t.examples.size() < 12)
                        t.examples.push_back(p);
            }
            return o;
        };

        std::vector<Answer> plan = prefix;
        plan.push_back({Kind::Ok, 0});
        Outcome ok = run_counted(plan);
        if (ok.calls.size() <= pos)
            continue; // the API ended before this position
        const CallRec &here = ok.calls[pos];
        if (!own_call(*s.row, here) && ok.calls.size() > pos + 1)
            prefixes.push_back(plan); // a probe that succeeded: go on past it

        std::vector<Answer> alphabet;
        for (int e : kErrnos)
            alphabet.push_back({Kind::Err, e});
        if (api::returns_fd(here.cmd))
            for (int n = 0; n < 3; n++) {
                alphabet.push_back({Kind::LowFd, n});
                alphabet.push_back({Kind::LowFdNoRoom, n});
            }
        for (const Answer &a : alphabet) {
            plan.back() = a;
            Outcome o = run_counted(plan);
            const bool steers = a.kind == Kind::Err &&
                                std::find(s.steer.begin(), s.steer.end(), a.v) != s.steer.end();
            if (steers && o.calls.size() > plan.size() && plan.size() < 48)
                prefixes.push_back(plan);
        }
    }
}

// --- Scenarios -----------------------------------------------------------

const std::vector<int> kSteer = {EAGAIN, E2BIG, EPERM, EINVAL};

// Points the call's opts at `ob`, as a struct of `sz` bytes.
template <class T>
T *opts_at(Caller &c, OptsBuf &ob, size_t sz)
{
    std::memcpy(ob.bytes, &sz, sizeof(sz));
    c.opts = ob.bytes;
    return reinterpret_cast<T *>(ob.bytes);
}

// Arguments each row needs to reach its fallbacks.
void base_args(const Row &row, Caller &c)
{
    const std::string n = row.name;
    if (n == "bpf_map_create")
        c.name = "fi_map";
    else if (n == "bpf_raw_tracepoint_open")
        c.name = "sys_enter";
    else if (n == "bpf_link_create")
        c.arg = static_cast<__u32>(c.fd2); // target fd
    else if (n == "libbpf_set_memlock_rlim")
        c.size = 1 << 20;
}

// Lets the lazy RLIMIT_MEMLOCK raise succeed (a limit the process may set).
void memlock_raise_works()
{
    rlimit r{};
    ::getrlimit(RLIMIT_MEMLOCK, &r);
    libbpf_set_memlock_rlim(static_cast<size_t>(r.rlim_max));
}

char g_log[64];
unsigned char g_func_info[2 * 16], g_line_info[2 * 32];

std::vector<Scenario> scenarios()
{
    std::vector<Scenario> out;
    for (unsigned i = 0; i < api::count(); i++) {
        const Row &row = api::rows()[i];
        if (!row.available())
            continue;
        if (!row.opts) {
            out.push_back({&row, "", [&row](Caller &c, OptsBuf &) { base_args(row, c); }, kSteer});
            continue;
        }
        out.push_back({&row, "opts NULL", [&row](Caller &c, OptsBuf &) { base_args(row, c); },
                       kSteer});
        const size_t full = row.opts->size;
        out.push_back({&row, "opts sz " + std::to_string(full),
                       [&row, full](Caller &c, OptsBuf &ob) {
                           base_args(row, c);
                           opts_at<void>(c, ob, full);
                       },
                       kSteer});
    }

    auto add = [&](const char *name, std::string label,
                   std::function<void(Caller &, OptsBuf &)> prep, std::vector<int> steer,
                   bool hints = false) {
        const Row *row = api::find(name);
        if (row && row->available())
            out.push_back({row, std::move(label), std::move(prep), std::move(steer), hints});
    };

    add("bpf_map_create", "memlock raise works", [](Caller &c, OptsBuf &) {
        c.name = "fi_map";
        memlock_raise_works();
    }, kSteer);

    add("bpf_prog_load", "named, 2 attempts, log only on failure", [](Caller &c, OptsBuf &ob) {
        c.name = "fi_prog";
        auto *o = opts_at<struct bpf_prog_load_opts>(c, ob, sizeof(bpf_prog_load_opts));
        o->attempts = 2;
        o->log_buf = g_log;
        o->log_size = sizeof(g_log);
    }, kSteer);
    add("bpf_prog_load", "records the kernel shrinks, 2 attempts", [](Caller &c, OptsBuf &ob) {
        auto *o = opts_at<struct bpf_prog_load_opts>(c, ob, sizeof(bpf_prog_load_opts));
        o->attempts = 2;
        o->func_info = g_func_info;
        o->func_info_cnt = 2;
        o->func_info_rec_size = 16;
        o->line_info = g_line_info;
        o->line_info_cnt = 2;
        o->line_info_rec_size = 32;
        o->log_level = 1;
        o->log_buf = g_log;
        o->log_size = sizeof(g_log);
    }, {EAGAIN, E2BIG}, true);
    add("bpf_prog_load", "memlock raise works", [](Caller &c, OptsBuf &) {
        c.name = "fi_prog";
        memlock_raise_works();
    }, {EAGAIN, EPERM});
    for (size_t sz : {104, 106, 112}) // 1.0, odd, 1.2: log_true_size outside, cut, inside
        add("bpf_prog_load", "opts sz " + std::to_string(sz), [sz](Caller &c, OptsBuf &ob) {
            auto *o = opts_at<struct bpf_prog_load_opts>(c, ob, sz);
            o->attempts = 1;
            o->log_level = 1;
            o->log_buf = g_log;
            o->log_size = sizeof(g_log);
        }, {});

    for (size_t sz : {24, 32, 40}) // 1.0, 1.2, 1.4
        add("bpf_btf_load", "log only on failure, opts sz " + std::to_string(sz),
            [sz](Caller &c, OptsBuf &ob) {
                auto *o = opts_at<struct bpf_btf_load_opts>(c, ob, sz);
                o->log_buf = g_log;
                o->log_size = sizeof(g_log);
            },
            kSteer);

    for (size_t sz : {20, 40}) // attach_flags only; 1.0
        add("bpf_prog_query_opts", "opts sz " + std::to_string(sz), [sz](Caller &c, OptsBuf &ob) {
            opts_at<struct bpf_prog_query_opts>(c, ob, sz)->count = 4;
        }, {});
    add("bpf_prog_test_run_opts", "opts sz 56", [](Caller &c, OptsBuf &ob) {
        opts_at<struct bpf_test_run_opts>(c, ob, 56); // the sizes in, retval and duration out
    }, {});

    add("bpf_link_create", "raw tracepoint fallback", [](Caller &c, OptsBuf &) {
        c.arg = 0;
        c.attach_type = BPF_TRACE_RAW_TP;
    }, kSteer);
    return out;
}

} // namespace

TEST_CASE("faults: the table has a row for every bpf.h function")
{
    // lib/trace/functions.def lists every bpf.h function of libbpf 1.7.
    std::vector<std::string> missing;
    unsigned listed = 0;
#define SYSBPF_FN(name, params)                                                                \
    listed++;                                                                                  \
    if (!api::find(#name))                                                                     \
        missing.push_back(#name);
#include "trace/functions.def"
#undef SYSBPF_FN
    CHECK(listed == 58);
    CHECK(api::count() == listed);
    INFO("missing rows:" << [&] {
        std::string s;
        for (auto &m : missing)
            s += " " + m;
        return s;
    }());
    CHECK(missing.empty());
}

TEST_CASE("faults: every function of the table is in this build")
{
    std::string absent;
    for (unsigned i = 0; i < api::count(); i++)
        if (!api::rows()[i].available())
            absent += std::string(absent.empty() ? "" : ", ") + api::rows()[i].name;
    if (!absent.empty())
        SKIP_TEST("not implemented in this build yet, so not fault-injected: " + absent);
    CHECK(absent.empty());
}

TEST_CASE("faults: fd 2 from the kernel with no free fd >= 3: -EMFILE and fd 2 closed")
{
    const Row *row = api::find("bpf_map_create");
    REQUIRE(row);
    Env env;
    Scenario s{row, "focused", [](Caller &c, OptsBuf &) { c.name = "m"; }, {}};
    Outcome o = run(s, {{Kind::LowFdNoRoom, 2}}, env);
    REQUIRE(o.calls.size() == 1);
    INFO([&] {
        std::string all;
        for (auto &p : o.problems)
            all += p + "\n";
        return all;
    }());
    CHECK(o.problems.empty());
}

TEST_CASE("faults: every bpf() call of every API, failed in turn with every errno")
{
    Env env;
    Tally total;
    unsigned apis = 0;
    std::vector<std::string> seen;
    for (const Scenario &s : scenarios()) {
        Tally t;
        explore(s, env, t);
        INFO(s.row->name << " (" << s.label << "): " << t.runs << " runs, " << t.faults
                         << " faults");
        for (auto &e : t.examples)
            UNSCOPED_INFO(e);
        CHECK(t.failed_runs == 0);
        if (std::getenv("SYSBPF_FAULTS_VERBOSE"))
            std::printf("  %s (%s): %zu runs, %zu faults\n", s.row->name, s.label.c_str(),
                        t.runs, t.faults);
        if (std::find(seen.begin(), seen.end(), s.row->name) == seen.end()) {
            seen.push_back(s.row->name);
            apis++;
        }
        total.runs += t.runs;
        total.faults += t.faults;
        total.failed_runs += t.failed_runs;
    }
    std::printf("fault injection: %zu injected faults in %zu runs over %u functions, %zu runs "
                "with problems\n",
                total.faults, total.runs, apis, total.failed_runs);
    CHECK(total.faults > 0);
}
