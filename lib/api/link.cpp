// bpf_link_create, bpf_link_detach, bpf_link_update, bpf_iter_create
#include "export.hpp"
#include "trace/trace.hpp"
#include "kernel/attach_type.hpp"
#include "kernel/prog_attach_flags.hpp"
#include "opts.hpp"
#include "raw_tp_open.hpp"
#include "sys/result.hpp"
#include "sys/syscall.hpp"

using namespace sysbpf;
using kernel::AttachType;
using kernel::Cmd;
using kernel::u32;
using CreateOpts = struct bpf_link_create_opts;

namespace {

namespace tail = kernel::link_tail;

// Offset just past `field` of bpf_link_create_opts.
#define END_OF(field) (offsetof(CreateOpts, field) + sizeof(std::declval<CreateOpts &>().field))

// The caller's opts hold nothing but zeros from byte `from` on. libbpf's rule
// for every field the chosen attach type does not use.
bool zero_from(const Opts<const CreateOpts> &o, std::size_t from) noexcept
{
    // Bytes past the known fields were already checked by valid(); bytes
    // past the caller's sz read as zero.
    for (std::size_t i = from; i < Opts<const CreateOpts>::kKnownEnd; i++) {
        if (o.get<unsigned char>(i, 0))
            return false;
    }
    return true;
}

// A zeroed attr with the head filled in; the caller fills the tail.
template <class Tail>
kernel::LinkCreateAttr<Tail> head(int prog_fd, int target_fd, u32 attach_type, u32 flags) noexcept
{
    kernel::LinkCreateAttr<Tail> a{};
    a.prog_fd = static_cast<u32>(prog_fd);
    a.target_fd = static_cast<u32>(target_fd);
    a.attach_type = attach_type;
    a.flags = flags;
    return a;
}

template <class Tail>
long send(kernel::LinkCreateAttr<Tail> &a) noexcept
{
    return sys::call_fd(Cmd::LinkCreate, a);
}

bool is_mprog_cgroup(AttachType t) noexcept
{
    switch (t) {
    case AttachType::CgroupInetIngress:
    case AttachType::CgroupInetEgress:
    case AttachType::CgroupInetSockCreate:
    case AttachType::CgroupInetSockRelease:
    case AttachType::CgroupInet4Bind:
    case AttachType::CgroupInet6Bind:
    case AttachType::CgroupInet4PostBind:
    case AttachType::CgroupInet6PostBind:
    case AttachType::CgroupInet4Connect:
    case AttachType::CgroupInet6Connect:
    case AttachType::CgroupUnixConnect:
    case AttachType::CgroupInet4Getpeername:
    case AttachType::CgroupInet6Getpeername:
    case AttachType::CgroupUnixGetpeername:
    case AttachType::CgroupInet4Getsockname:
    case AttachType::CgroupInet6Getsockname:
    case AttachType::CgroupUnixGetsockname:
    case AttachType::CgroupUdp4Sendmsg:
    case AttachType::CgroupUdp6Sendmsg:
    case AttachType::CgroupUnixSendmsg:
    case AttachType::CgroupUdp4Recvmsg:
    case AttachType::CgroupUdp6Recvmsg:
    case AttachType::CgroupUnixRecvmsg:
    case AttachType::CgroupSockOps:
    case AttachType::CgroupDevice:
    case AttachType::CgroupSysctl:
    case AttachType::CgroupGetsockopt:
    case AttachType::CgroupSetsockopt:
    case AttachType::LsmCgroup:
        return true;
    default:
        return false;
    }
}

// The attach types old kernels could only attach through
// BPF_RAW_TRACEPOINT_OPEN.
bool has_raw_tp_fallback(AttachType t) noexcept
{
    switch (t) {
    case AttachType::TraceRawTp:
    case AttachType::LsmMac:
    case AttachType::TraceFentry:
    case AttachType::TraceFexit:
    case AttachType::ModifyReturn:
        return true;
    default:
        return false;
    }
}

// tcx, netkit and cgroup share one opts shape at one offset.
static_assert(offsetof(CreateOpts, tcx) == offsetof(CreateOpts, cgroup) &&
              offsetof(CreateOpts, netkit) == offsetof(CreateOpts, cgroup) &&
              sizeof(CreateOpts::tcx) == sizeof(CreateOpts::cgroup) &&
              sizeof(CreateOpts::netkit) == sizeof(CreateOpts::cgroup));

// Fills an mprog tail (tcx, netkit, cgroup): an anchor given by id sets
// BPF_F_ID. -EINVAL for an anchor given both ways or stray opts bytes.
long fill_mprog(const Opts<const CreateOpts> &o, kernel::LinkCreateAttr<tail::Mprog> &a) noexcept
{
    u32 relative_fd = SYSBPF_OPT(o, cgroup.relative_fd, 0);
    u32 relative_id = SYSBPF_OPT(o, cgroup.relative_id, 0);
    if (relative_fd && relative_id)
        return -EINVAL;
    if (relative_id) {
        a.tail.relative_fd = relative_id;
        a.flags |= kernel::kAttachById;
    } else {
        a.tail.relative_fd = relative_fd;
    }
    a.tail.expected_revision = SYSBPF_OPT(o, cgroup.expected_revision, 0);
    return zero_from(o, END_OF(cgroup)) ? 0 : -EINVAL;
}

// One BPF_LINK_CREATE, its tail chosen by attach type; -EINVAL for opts the
// attach type does not take.
long create(int prog_fd, int target_fd, AttachType type, const Opts<const CreateOpts> &o) noexcept
{
    const u32 t = static_cast<u32>(type);
    const u32 flags = SYSBPF_OPT(o, flags, 0);
    const u32 iter_info_len = SYSBPF_OPT(o, iter_info_len, 0);
    const u32 target_btf_id = SYSBPF_OPT(o, target_btf_id, 0);

    if (iter_info_len && target_btf_id)
        return -EINVAL;
    if ((iter_info_len || target_btf_id) && !zero_from(o, END_OF(target_btf_id)))
        return -EINVAL;

    // A BTF target (freplace, tracing, LSM) overrides whatever the attach
    // type would take.
    if (target_btf_id) {
        auto a = head<tail::TargetBtfId>(prog_fd, target_fd, t, flags);
        a.tail.target_btf_id = target_btf_id;
        return send(a);
    }

    if (is_mprog_cgroup(type)) {
        auto a = head<tail::Mprog>(prog_fd, target_fd, t, flags);
        long err = fill_mprog(o, a);
        return err ? err : send(a);
    }

    switch (type) {
    case AttachType::TraceIter: {
        auto a = head<tail::Iter>(prog_fd, target_fd, t, flags);
        a.tail.iter_info = kernel::ptr(SYSBPF_OPT(o, iter_info, nullptr));
        a.tail.iter_info_len = iter_info_len;
        return send(a);
    }
    case AttachType::PerfEvent: {
        auto a = head<tail::PerfEvent>(prog_fd, target_fd, t, flags);
        a.tail.bpf_cookie = SYSBPF_OPT(o, perf_event.bpf_cookie, 0);
        if (!zero_from(o, END_OF(perf_event)))
            return -EINVAL;
        return send(a);
    }
    case AttachType::TraceKprobeMulti:
    case AttachType::TraceKprobeSession: {
        auto a = head<tail::KprobeMulti>(prog_fd, target_fd, t, flags);
        a.tail.flags = SYSBPF_OPT(o, kprobe_multi.flags, 0);
        a.tail.cnt = SYSBPF_OPT(o, kprobe_multi.cnt, 0);
        a.tail.syms = kernel::ptr(SYSBPF_OPT(o, kprobe_multi.syms, nullptr));
        a.tail.addrs = kernel::ptr(SYSBPF_OPT(o, kprobe_multi.addrs, nullptr));
        a.tail.cookies = kernel::ptr(SYSBPF_OPT(o, kprobe_multi.cookies, nullptr));
        if (!zero_from(o, END_OF(kprobe_multi)))
            return -EINVAL;
        return send(a);
    }
    case AttachType::TraceUprobeMulti:
    case AttachType::TraceUprobeSession: {
        auto a = head<tail::UprobeMulti>(prog_fd, target_fd, t, flags);
        a.tail.flags = SYSBPF_OPT(o, uprobe_multi.flags, 0);
        a.tail.cnt = SYSBPF_OPT(o, uprobe_multi.cnt, 0);
        a.tail.path = kernel::ptr(SYSBPF_OPT(o, uprobe_multi.path, nullptr));
        a.tail.offsets = kernel::ptr(SYSBPF_OPT(o, uprobe_multi.offsets, nullptr));
        a.tail.ref_ctr_offsets = kernel::ptr(SYSBPF_OPT(o, uprobe_multi.ref_ctr_offsets, nullptr));
        a.tail.cookies = kernel::ptr(SYSBPF_OPT(o, uprobe_multi.cookies, nullptr));
        a.tail.pid = SYSBPF_OPT(o, uprobe_multi.pid, 0);
        if (!zero_from(o, END_OF(uprobe_multi)))
            return -EINVAL;
        return send(a);
    }
    case AttachType::TraceRawTp:
    case AttachType::TraceFentry:
    case AttachType::TraceFexit:
    case AttachType::ModifyReturn:
    case AttachType::TraceFsession:
    case AttachType::LsmMac: {
        auto a = head<tail::Tracing>(prog_fd, target_fd, t, flags);
        a.tail.cookie = SYSBPF_OPT(o, tracing.cookie, 0);
        if (!zero_from(o, END_OF(tracing)))
            return -EINVAL;
        return send(a);
    }
    case AttachType::Netfilter: {
        auto a = head<tail::Netfilter>(prog_fd, target_fd, t, flags);
        a.tail.pf = SYSBPF_OPT(o, netfilter.pf, 0);
        a.tail.hooknum = SYSBPF_OPT(o, netfilter.hooknum, 0);
        a.tail.priority = SYSBPF_OPT(o, netfilter.priority, 0);
        a.tail.flags = SYSBPF_OPT(o, netfilter.flags, 0);
        if (!zero_from(o, END_OF(netfilter)))
            return -EINVAL;
        return send(a);
    }
    case AttachType::TcxIngress:
    case AttachType::TcxEgress:
    case AttachType::NetkitPrimary:
    case AttachType::NetkitPeer: {
        auto a = head<tail::Mprog>(prog_fd, target_fd, t, flags);
        long err = fill_mprog(o, a);
        return err ? err : send(a);
    }
    default: {
        // Plain attach (XDP, sockmap, struct_ops, sk_lookup, ...): flags only.
        if (!zero_from(o, END_OF(flags)))
            return -EINVAL;
        auto a = head<tail::None>(prog_fd, target_fd, t, flags);
        return send(a);
    }
    }
}

} // namespace

SYSBPF_EXPORT int bpf_link_create(int prog_fd, int target_fd, enum bpf_attach_type attach_type,
                                  const struct bpf_link_create_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_link_create, prog_fd, target_fd, attach_type, opts);
    Opts o(opts);
    if (!o.valid())
        return sys::c_return(-EINVAL);

    const auto type = static_cast<AttachType>(attach_type);
    long fd = create(prog_fd, target_fd, type, o);

    // Kernels before tracing links (5.8 and older) answer EINVAL; programs
    // named by nothing but their fd can still be attached through
    // BPF_RAW_TRACEPOINT_OPEN, as long as the caller asked for nothing more:
    // no target fd, and opts (flags, target_btf_id, cookie) all zero. (Such
    // opts pass every check above, so this EINVAL is the kernel's.)
    if (fd == -EINVAL && has_raw_tp_fallback(type) && target_fd == 0 &&
        zero_from(o, END_OF(sz)))
        fd = raw_tracepoint_open(prog_fd, nullptr, 0);
    return sys::c_return(fd);
}

#undef END_OF

SYSBPF_EXPORT int bpf_link_detach(int link_fd)
{
    SYSBPF_TRACE_CALL(bpf_link_detach, link_fd);
    kernel::LinkDetachAttr a{};
    a.link_fd = static_cast<u32>(link_fd);
    return sys::c_return(sys::call_final(Cmd::LinkDetach, a));
}

SYSBPF_EXPORT int bpf_link_update(int link_fd, int new_prog_fd,
                                  const struct bpf_link_update_opts *opts)
{
    SYSBPF_TRACE_CALL(bpf_link_update, link_fd, new_prog_fd, opts);
    Opts o(opts);
    if (!o.valid())
        return sys::c_return(-EINVAL);

    const u32 old_prog_fd = SYSBPF_OPT(o, old_prog_fd, 0);
    const u32 old_map_fd = SYSBPF_OPT(o, old_map_fd, 0);
    if (old_prog_fd && old_map_fd)
        return sys::c_return(-EINVAL);

    kernel::LinkUpdateAttr a{};
    a.link_fd = static_cast<u32>(link_fd);
    a.new_prog_fd = static_cast<u32>(new_prog_fd);
    a.flags = SYSBPF_OPT(o, flags, 0);
    a.old_prog_fd = old_prog_fd ? old_prog_fd : old_map_fd;
    return sys::c_return(sys::call_final(Cmd::LinkUpdate, a));
}

SYSBPF_EXPORT int bpf_iter_create(int link_fd)
{
    SYSBPF_TRACE_CALL(bpf_iter_create, link_fd);
    kernel::IterCreateAttr a{};
    a.link_fd = static_cast<u32>(link_fd);
    return sys::c_return(sys::call_fd_final(Cmd::IterCreate, a));
}
