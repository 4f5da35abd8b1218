// Rows for pinning and getting objects in a BPF file system, and for opening
// programs, maps, BTF and links by id.
#include "btf_fixtures.hpp"
#include "caller_row.hpp"
#include "obj_attach_fixtures.hpp"

#include <cerrno>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

using namespace selftest;

namespace abi {
namespace {

struct Objects {
    BpfFs fs; // private mount namespace, removed on destruction
    Fd dir;   // the file system's root, for path_fd
    Fd map, prog, btf, link;
    __u32 map_id = 0, prog_id = 0, btf_id = 0, link_id = 0; // looked up before any counted call
};
std::unique_ptr<Objects> g;

constexpr char kPinned[] = "abi_pinned"; // made by bpf_obj_pin_opts
constexpr char kStored[] = "abi_stored"; // read by bpf_obj_get_opts

Objects &objects()
{
    if (g)
        return *g;
    g = std::make_unique<Objects>();
    INFO("bpffs: " << errstr(g->fs.error()));
    REQUIRE(g->fs.ok());
    g->dir.reset(::open(g->fs.dir().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    REQUIRE(g->dir >= 0);
    g->map.reset(bpf_map_create(BPF_MAP_TYPE_ARRAY, "abi_obj", 4, 8, 1, nullptr));
    REQUIRE(g->map >= 3);
    REQUIRE(bpf_obj_pin(g->map, g->fs.path(kStored).c_str()) == 0);
    auto insns = return_imm(0);
    g->prog.reset(bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "abi_ids", "GPL", insns.data(), insns.size(),
                                nullptr));
    REQUIRE(g->prog >= 3);
    auto blob = pair_btf();
    g->btf.reset(bpf_btf_load(blob.data(), blob.size(), nullptr));
    REQUIRE(g->btf >= 3);
    g->link.reset(bpf_raw_tracepoint_open("sys_enter", g->prog));
    REQUIRE(g->link >= 3);
    g->map_id = map_id(g->map);
    g->prog_id = prog_id(g->prog);
    g->btf_id = btf_id(g->btf);
    g->link_id = link_id(g->link);
    REQUIRE((g->map_id && g->prog_id && g->btf_id && g->link_id));
    return *g;
}

void teardown()
{
    if (g)
        ::unlink(g->fs.path(kPinned).c_str()); // the rest goes with the file system
    g.reset();
}

// What a path in the file system holds: the map we know, something else, or nothing.
std::string pinned_object(const std::string &path)
{
    Fd fd(bpf_obj_get(path.c_str()));
    if (fd < 0)
        return "nothing pinned (" + errstr(errno) + ")";
    return map_id(fd) == g->map_id ? "the map, " + map_info(fd) : "another object";
}

// --- bpf_obj_pin_opts: a path relative to a directory fd (BPF_F_PATH_FD) -------
using PinOpts = struct bpf_obj_pin_opts;

void pin_fill(CallerOpts &o)
{
    Objects &x = objects();
    ::unlink(x.fs.path(kPinned).c_str());
    OPT_SET(o, PinOpts, file_flags, kFlagPathFd);
    OPT_SET(o, PinOpts, path_fd, x.dir.get());
}

int pin_call(void *opts) { return bpf_obj_pin_opts(g->map, kPinned, static_cast<PinOpts *>(opts)); }

std::string pin_observe(int, const CallerOpts &)
{
    std::string s = "pinned: " + pinned_object(g->fs.path(kPinned));
    ::unlink(g->fs.path(kPinned).c_str());
    return s;
}

// --- bpf_obj_get_opts: a read-only fd (file_flags, in every release) ----------
using GetOpts = struct bpf_obj_get_opts;

void get_fill(CallerOpts &o)
{
    objects();
    OPT_SET(o, GetOpts, file_flags, BPF_F_RDONLY);
}

int get_call(void *opts) { return bpf_obj_get_opts(g->fs.path(kStored).c_str(), static_cast<GetOpts *>(opts)); }

std::string get_observe(int fd, const CallerOpts &)
{
    Fd owned(fd);
    if (fd < 0)
        return "";
    return std::string(map_id(fd) == g->map_id ? "the map" : "another map") + ", " + map_info(fd) + ", " +
           map_write_result(fd);
}

// --- bpf_*_get_fd_by_id_opts -----------------------------------------------------
using IdOpts = struct bpf_get_fd_by_id_opts;

void id_fill(CallerOpts &) { objects(); }

// The map is opened read-only: open_flags reached the kernel.
void map_id_fill(CallerOpts &o)
{
    objects();
    OPT_SET(o, IdOpts, open_flags, BPF_F_RDONLY);
}

int prog_id_call(void *opts) { return bpf_prog_get_fd_by_id_opts(g->prog_id, static_cast<IdOpts *>(opts)); }
int map_id_call(void *opts) { return bpf_map_get_fd_by_id_opts(g->map_id, static_cast<IdOpts *>(opts)); }
int btf_id_call(void *opts) { return bpf_btf_get_fd_by_id_opts(g->btf_id, static_cast<IdOpts *>(opts)); }
int link_id_call(void *opts) { return bpf_link_get_fd_by_id_opts(g->link_id, static_cast<IdOpts *>(opts)); }

std::string same(bool yes) { return yes ? "same object" : "another object"; }

std::string prog_id_observe(int fd, const CallerOpts &)
{
    Fd owned(fd);
    return fd < 0 ? "" : same(prog_id(fd) == g->prog_id) + ", " + prog_info(fd);
}

std::string map_id_observe(int fd, const CallerOpts &)
{
    Fd owned(fd);
    return fd < 0 ? "" : same(map_id(fd) == g->map_id) + ", " + map_info(fd) + ", " + map_write_result(fd);
}

std::string btf_id_observe(int fd, const CallerOpts &)
{
    Fd owned(fd);
    if (fd < 0)
        return "";
    bpf_btf_info info{};
    __u32 len = sizeof(info);
    if (bpf_btf_get_info_by_fd(fd, &info, &len))
        return "btf info failed: " + errstr(errno);
    return same(info.id == g->btf_id) + ", btf size=" + std::to_string(info.btf_size);
}

std::string link_id_observe(int fd, const CallerOpts &)
{
    Fd owned(fd);
    if (fd < 0)
        return "";
    bpf_link_info info{};
    __u32 len = sizeof(info);
    if (bpf_link_get_info_by_fd(fd, &info, &len))
        return "link info failed: " + errstr(errno);
    return same(info.id == g->link_id) + ", link type=" + std::to_string(info.type) +
           (info.prog_id == g->prog_id ? " of our program" : " of another program");
}

constexpr size_t kIdEnd = KNOWN_END(bpf_get_fd_by_id_opts);

} // namespace

std::vector<Row> obj_id_rows()
{
    return {
        {"bpf_obj_pin_opts", "bpf_obj_pin_opts", sizeof(PinOpts), KNOWN_END(bpf_obj_pin_opts),
         "pinned: the map, map type=2 key=4 value=8 max=1 flags=0 name=abi_obj", pin_fill, pin_call,
         pin_observe, teardown, nullptr},
        {"bpf_obj_get_opts", "bpf_obj_get_opts", sizeof(GetOpts), KNOWN_END(bpf_obj_get_opts),
         "the map, map type=2 key=4 value=8 max=1 flags=0 name=abi_obj, write EPERM", get_fill, get_call,
         get_observe, teardown, nullptr},
        {"bpf_prog_get_fd_by_id_opts", "bpf_get_fd_by_id_opts", sizeof(IdOpts), kIdEnd,
         "same object, prog type=17 name=abi_ids", id_fill, prog_id_call, prog_id_observe, teardown, nullptr},
        {"bpf_map_get_fd_by_id_opts", "bpf_get_fd_by_id_opts", sizeof(IdOpts), kIdEnd,
         "same object, map type=2 key=4 value=8 max=1 flags=0 name=abi_obj, write EPERM", map_id_fill,
         map_id_call, map_id_observe, teardown, nullptr},
        {"bpf_btf_get_fd_by_id_opts", "bpf_get_fd_by_id_opts", sizeof(IdOpts), kIdEnd, "same object, btf size=90",
         id_fill, btf_id_call, btf_id_observe, teardown, nullptr},
        {"bpf_link_get_fd_by_id_opts", "bpf_get_fd_by_id_opts", sizeof(IdOpts), kIdEnd,
         "same object, link type=1 of our program", id_fill, link_id_call, link_id_observe, teardown, nullptr},
    };
}

} // namespace abi
