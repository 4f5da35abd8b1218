// Rows for links that carry a cookie to their program: bpf_link_create of a
// perf_event link on a tracepoint, and bpf_raw_tracepoint_open_opts.
#include "caller_row.hpp"
#include "link_fixtures.hpp"
#include "link_tracefs.hpp"

#include <cerrno>
#include <cstdio>
#include <memory>

using namespace selftest;
using namespace selftest::links;

namespace abi {
namespace {

constexpr __u64 kPerfCookie = 0x1234567890abcdefULL;
constexpr __u64 kRawTpCookie = 0x5eb0f00dcafe0001ULL;

struct Cookies {
    Fd map;   // map[0]: the cookie the program last saw
    Fd perf_prog, raw_tp_prog, event;
};
std::unique_ptr<Cookies> g;

Cookies &cookies()
{
    if (g)
        return *g;
    g = std::make_unique<Cookies>();
    g->map.reset(u64_array(1));
    REQUIRE(g->map >= 3);
    g->perf_prog.reset(load_prog(BPF_PROG_TYPE_TRACEPOINT, record_cookie_prog(g->map, 0)));
    g->raw_tp_prog.reset(load_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, record_cookie_prog(g->map, 0)));
    REQUIRE((g->perf_prog >= 3 && g->raw_tp_prog >= 3));
    static const long id = tracepoint_id("raw_syscalls", "sys_enter");
    INFO("tracepoint raw_syscalls:sys_enter: " << errstr(static_cast<int>(-id)));
    REQUIRE(id >= 0);
    g->event.reset(open_tracepoint_event(id));
    REQUIRE(g->event >= 0);
    return *g;
}

void teardown() { g.reset(); }

void reset_seen()
{
    __u32 key = 0;
    __u64 zero = 0;
    REQUIRE(bpf_map_update_elem(cookies().map, &key, &zero, BPF_ANY) == 0);
}

// Makes a system call under the new link and tells what the program saw.
std::string seen(int link_fd, size_t info_cookie_offset)
{
    Fd link(link_fd);
    if (link < 0)
        return "";
    some_syscall();
    LinkInfo info;
    char s[160];
    if (link_info(link, info))
        return "link info failed: " + errstr(errno);
    std::snprintf(s, sizeof(s), "link type=%u, program saw cookie %#llx, link info cookie %#llx", info.type(),
                  static_cast<unsigned long long>(read_u64(g->map, 0)),
                  static_cast<unsigned long long>(info.u64_at(info_cookie_offset)));
    return s;
}

// --- bpf_link_create: perf_event.bpf_cookie, in 1.0's struct -------------------
using LinkOpts = struct bpf_link_create_opts;

void link_create_fill(CallerOpts &o)
{
    reset_seen();
    OPT_SET(o, LinkOpts, perf_event.bpf_cookie, kPerfCookie);
}

int link_create_call(void *opts)
{
    return bpf_link_create(g->perf_prog, g->event, BPF_PERF_EVENT, static_cast<LinkOpts *>(opts));
}

// bpf_link_info.perf_event.tracepoint.cookie
std::string link_create_observe(int fd, const CallerOpts &) { return seen(fd, 40); }

// --- bpf_raw_tracepoint_open_opts: tp_name and cookie --------------------------
using RawTpOpts = struct bpf_raw_tp_opts;

void raw_tp_fill(CallerOpts &o)
{
    reset_seen();
    OPT_SET(o, RawTpOpts, tp_name, "sys_enter");
    OPT_SET(o, RawTpOpts, cookie, kRawTpCookie);
}

int raw_tp_call(void *opts) { return bpf_raw_tracepoint_open_opts(g->raw_tp_prog, static_cast<RawTpOpts *>(opts)); }

// bpf_link_info.raw_tracepoint.cookie
std::string raw_tp_observe(int fd, const CallerOpts &) { return seen(fd, 32); }

} // namespace

std::vector<Row> link_rows()
{
    return {
        {"bpf_link_create", "bpf_link_create_opts", sizeof(LinkOpts), KNOWN_END(bpf_link_create_opts),
         "link type=7, program saw cookie 0x1234567890abcdef, link info cookie 0x1234567890abcdef",
         link_create_fill, link_create_call, link_create_observe, teardown, nullptr},
        {"bpf_raw_tracepoint_open_opts", "bpf_raw_tp_opts", sizeof(RawTpOpts), KNOWN_END(bpf_raw_tp_opts),
         "link type=1, program saw cookie 0x5eb0f00dcafe0001, link info cookie 0x5eb0f00dcafe0001", raw_tp_fill,
         raw_tp_call, raw_tp_observe, teardown, nullptr},
    };
}

} // namespace abi
