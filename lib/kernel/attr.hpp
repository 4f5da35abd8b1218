// The bpf(2) attribute layouts, one struct per command family, from the
// kernel ABI (union bpf_attr in include/uapi/linux/bpf.h, as of Linux 6.18 /
// libbpf 1.7). Independent of the build host's <linux/bpf.h>.
//
// Rules every layout here obeys, checked at compile time:
//  - every byte is a named field (holes are explicit `pad` members), so `T a{}`
//    zeroes everything the kernel reads;
//  - kSize is the number of bytes sent, equal to the attr size libbpf 1.7
//    sends for that command (offsetofend of its last field in union bpf_attr);
//  - each field sits at its kernel offset (asserted below the struct).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace sysbpf::kernel {

using u8 = std::uint8_t;
using u32 = std::uint32_t;
using s32 = std::int32_t;
using u64 = std::uint64_t;
typedef u64 a64 __attribute__((aligned(8))); // __aligned_u64

inline constexpr unsigned kObjNameLen = 16; // BPF_OBJ_NAME_LEN

// Pointers travel as 64-bit integers.
inline u64 ptr(const void *p) noexcept { return reinterpret_cast<std::uintptr_t>(p); }

template <class T>
inline constexpr bool is_attr_layout =
    std::is_trivially_copyable_v<T> && std::has_unique_object_representations_v<T> &&
    T::kSize <= sizeof(T) && sizeof(T) <= T::kSize + 7;

#define SYSBPF_ATTR_AT(T, field, off) static_assert(offsetof(T, field) == (off), #T "." #field)
#define SYSBPF_ATTR_END(T, field)                                                          \
    static_assert(::sysbpf::kernel::is_attr_layout<T>, #T " has hidden padding or size"); \
    static_assert(offsetof(T, field) + sizeof(T::field) == T::kSize, #T " kSize")

// One BPF instruction (struct bpf_insn), for the programs the library loads
// itself (feature probes).
//
// ENDIAN-DEPENDENT LAYOUT, the only one in the library: the register nibbles
// are C bitfields, declared exactly as the kernel's uapi declares them, so
// the compiler places them as the kernel for this target expects (dst_reg in
// the low nibble on little-endian, in the high nibble on big-endian).
struct Insn {
    u8 code;
    u8 dst_reg : 4;
    u8 src_reg : 4;
    std::int16_t off;
    s32 imm;
};
static_assert(sizeof(Insn) == 8 && alignof(Insn) == 4, "struct bpf_insn");
SYSBPF_ATTR_AT(Insn, off, 2);
SYSBPF_ATTR_AT(Insn, imm, 4);

// BPF_MAP_CREATE
struct MapCreateAttr {
    u32 map_type;
    u32 key_size;
    u32 value_size;
    u32 max_entries;
    u32 map_flags;
    u32 inner_map_fd;
    u32 numa_node;
    char map_name[kObjNameLen];
    u32 map_ifindex;
    u32 btf_fd;
    u32 btf_key_type_id;
    u32 btf_value_type_id;
    u32 btf_vmlinux_value_type_id;
    a64 map_extra;
    s32 value_type_btf_obj_fd;
    s32 map_token_fd;
    a64 excl_prog_hash;
    u32 excl_prog_hash_size;
    u32 pad_tail; // not sent
    static constexpr unsigned kSize = 92;
};
SYSBPF_ATTR_AT(MapCreateAttr, map_name, 28);
SYSBPF_ATTR_AT(MapCreateAttr, map_ifindex, 44);
SYSBPF_ATTR_AT(MapCreateAttr, btf_vmlinux_value_type_id, 60);
SYSBPF_ATTR_AT(MapCreateAttr, map_extra, 64);
SYSBPF_ATTR_AT(MapCreateAttr, value_type_btf_obj_fd, 72);
SYSBPF_ATTR_AT(MapCreateAttr, map_token_fd, 76);
SYSBPF_ATTR_AT(MapCreateAttr, excl_prog_hash, 80);
SYSBPF_ATTR_END(MapCreateAttr, excl_prog_hash_size);

// BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM, BPF_MAP_DELETE_ELEM,
// BPF_MAP_LOOKUP_AND_DELETE_ELEM
struct MapElemAttr {
    u32 map_fd;
    u32 pad0;
    a64 key;
    a64 value;
    u64 flags;
    static constexpr unsigned kSize = 32;
};
SYSBPF_ATTR_AT(MapElemAttr, key, 8);
SYSBPF_ATTR_AT(MapElemAttr, value, 16);
SYSBPF_ATTR_END(MapElemAttr, flags);

// BPF_MAP_GET_NEXT_KEY (next_key shares the value slot)
struct MapNextKeyAttr {
    u32 map_fd;
    u32 pad0;
    a64 key;
    a64 next_key;
    static constexpr unsigned kSize = 24;
};
SYSBPF_ATTR_END(MapNextKeyAttr, next_key);

// BPF_MAP_FREEZE
struct MapFdAttr {
    u32 map_fd;
    static constexpr unsigned kSize = 4;
};
SYSBPF_ATTR_END(MapFdAttr, map_fd);

// BPF_MAP_{LOOKUP,LOOKUP_AND_DELETE,UPDATE,DELETE}_BATCH
struct MapBatchAttr {
    a64 in_batch;
    a64 out_batch;
    a64 keys;
    a64 values;
    u32 count;
    u32 map_fd;
    u64 elem_flags;
    u64 flags;
    static constexpr unsigned kSize = 56;
};
SYSBPF_ATTR_AT(MapBatchAttr, count, 32);
SYSBPF_ATTR_AT(MapBatchAttr, elem_flags, 40);
SYSBPF_ATTR_END(MapBatchAttr, flags);

// BPF_PROG_LOAD
struct ProgLoadAttr {
    u32 prog_type;
    u32 insn_cnt;
    a64 insns;
    a64 license;
    u32 log_level;
    u32 log_size;
    a64 log_buf;
    u32 kern_version;
    u32 prog_flags;
    char prog_name[kObjNameLen];
    u32 prog_ifindex;
    u32 expected_attach_type;
    u32 prog_btf_fd;
    u32 func_info_rec_size;
    a64 func_info;
    u32 func_info_cnt;
    u32 line_info_rec_size;
    a64 line_info;
    u32 line_info_cnt;
    u32 attach_btf_id;
    u32 attach_prog_fd; // also attach_btf_obj_fd
    u32 core_relo_cnt;
    a64 fd_array;
    a64 core_relos;
    u32 core_relo_rec_size;
    u32 log_true_size;
    s32 prog_token_fd;
    u32 fd_array_cnt;
    a64 signature;
    u32 signature_size;
    s32 keyring_id;
    static constexpr unsigned kSize = 168;
};
SYSBPF_ATTR_AT(ProgLoadAttr, log_level, 24);
SYSBPF_ATTR_AT(ProgLoadAttr, log_buf, 32);
SYSBPF_ATTR_AT(ProgLoadAttr, prog_name, 48);
SYSBPF_ATTR_AT(ProgLoadAttr, expected_attach_type, 68);
SYSBPF_ATTR_AT(ProgLoadAttr, func_info, 80);
SYSBPF_ATTR_AT(ProgLoadAttr, line_info, 96);
SYSBPF_ATTR_AT(ProgLoadAttr, attach_btf_id, 108);
SYSBPF_ATTR_AT(ProgLoadAttr, attach_prog_fd, 112);
SYSBPF_ATTR_AT(ProgLoadAttr, fd_array, 120);
SYSBPF_ATTR_AT(ProgLoadAttr, log_true_size, 140);
SYSBPF_ATTR_AT(ProgLoadAttr, prog_token_fd, 144);
SYSBPF_ATTR_AT(ProgLoadAttr, fd_array_cnt, 148);
SYSBPF_ATTR_AT(ProgLoadAttr, signature, 152);
SYSBPF_ATTR_END(ProgLoadAttr, keyring_id);

// BPF_OBJ_PIN, BPF_OBJ_GET
struct ObjAttr {
    a64 pathname;
    u32 bpf_fd;
    u32 file_flags;
    s32 path_fd;
    u32 pad_tail; // not sent
    static constexpr unsigned kSize = 20;
};
SYSBPF_ATTR_END(ObjAttr, path_fd);

// BPF_PROG_ATTACH, BPF_PROG_DETACH
struct ProgAttachAttr {
    u32 target_fd; // also target_ifindex
    u32 attach_bpf_fd;
    u32 attach_type;
    u32 attach_flags;
    u32 replace_bpf_fd;
    u32 relative_fd; // also relative_id
    u64 expected_revision;
    static constexpr unsigned kSize = 32;
};
SYSBPF_ATTR_AT(ProgAttachAttr, replace_bpf_fd, 16);
SYSBPF_ATTR_AT(ProgAttachAttr, relative_fd, 20);
SYSBPF_ATTR_END(ProgAttachAttr, expected_revision);

// BPF_PROG_TEST_RUN
struct TestRunAttr {
    u32 prog_fd;
    u32 retval;
    u32 data_size_in;
    u32 data_size_out;
    a64 data_in;
    a64 data_out;
    u32 repeat;
    u32 duration;
    u32 ctx_size_in;
    u32 ctx_size_out;
    a64 ctx_in;
    a64 ctx_out;
    u32 flags;
    u32 cpu;
    u32 batch_size;
    u32 pad_tail; // sent: libbpf sends the whole struct, tail padding included
    static constexpr unsigned kSize = 80;
};
SYSBPF_ATTR_AT(TestRunAttr, data_in, 16);
SYSBPF_ATTR_AT(TestRunAttr, repeat, 32);
SYSBPF_ATTR_AT(TestRunAttr, ctx_in, 48);
SYSBPF_ATTR_AT(TestRunAttr, flags, 64);
SYSBPF_ATTR_AT(TestRunAttr, batch_size, 72);
SYSBPF_ATTR_END(TestRunAttr, pad_tail);

// BPF_{PROG,MAP,BTF,LINK}_GET_NEXT_ID and _GET_FD_BY_ID. libbpf sends 12
// bytes (through open_flags) except where a token fd is possible (16 bytes).
struct GetIdAttr {
    u32 start_id; // also prog_id, map_id, btf_id, link_id
    u32 next_id;
    u32 open_flags;
    s32 fd_by_id_token_fd;
    static constexpr unsigned kSize = 16;
    static constexpr unsigned kSizeNoToken = 12;
};
SYSBPF_ATTR_AT(GetIdAttr, open_flags, 8);
SYSBPF_ATTR_END(GetIdAttr, fd_by_id_token_fd);

// BPF_OBJ_GET_INFO_BY_FD
struct InfoAttr {
    u32 bpf_fd;
    u32 info_len;
    a64 info;
    static constexpr unsigned kSize = 16;
};
SYSBPF_ATTR_END(InfoAttr, info);

// BPF_PROG_QUERY
struct ProgQueryAttr {
    u32 target_fd; // also target_ifindex
    u32 attach_type;
    u32 query_flags;
    u32 attach_flags;
    a64 prog_ids;
    u32 prog_cnt; // also count
    u32 pad0;
    a64 prog_attach_flags;
    a64 link_ids;
    a64 link_attach_flags;
    u64 revision;
    static constexpr unsigned kSize = 64;
};
SYSBPF_ATTR_AT(ProgQueryAttr, prog_ids, 16);
SYSBPF_ATTR_AT(ProgQueryAttr, prog_cnt, 24);
SYSBPF_ATTR_AT(ProgQueryAttr, prog_attach_flags, 32);
SYSBPF_ATTR_END(ProgQueryAttr, revision);

// BPF_RAW_TRACEPOINT_OPEN
struct RawTracepointAttr {
    u64 name;
    u32 prog_fd;
    u32 pad0;
    a64 cookie;
    static constexpr unsigned kSize = 24;
};
SYSBPF_ATTR_END(RawTracepointAttr, cookie);

// BPF_BTF_LOAD
struct BtfLoadAttr {
    a64 btf;
    a64 btf_log_buf;
    u32 btf_size;
    u32 btf_log_size;
    u32 btf_log_level;
    u32 btf_log_true_size;
    u32 btf_flags;
    s32 btf_token_fd;
    static constexpr unsigned kSize = 40;
};
SYSBPF_ATTR_AT(BtfLoadAttr, btf_log_true_size, 28);
SYSBPF_ATTR_END(BtfLoadAttr, btf_token_fd);

// BPF_TASK_FD_QUERY
struct TaskFdQueryAttr {
    u32 pid;
    u32 fd;
    u32 flags;
    u32 buf_len;
    a64 buf;
    u32 prog_id;
    u32 fd_type;
    u64 probe_offset;
    u64 probe_addr;
    static constexpr unsigned kSize = 48;
};
SYSBPF_ATTR_AT(TaskFdQueryAttr, prog_id, 24);
SYSBPF_ATTR_END(TaskFdQueryAttr, probe_addr);

// BPF_LINK_CREATE: a 16-byte head and a 48-byte tail whose layout depends on
// the attach type. Each tail kind is its own struct, padded to 48 bytes.
namespace link_tail {
struct None {
    u8 pad[48];
};
struct TargetBtfId {
    u32 target_btf_id;
    u8 pad[44];
};
struct Iter {
    a64 iter_info;
    u32 iter_info_len;
    u8 pad[36];
};
struct PerfEvent {
    u64 bpf_cookie;
    u8 pad[40];
};
struct KprobeMulti {
    u32 flags;
    u32 cnt;
    a64 syms;
    a64 addrs;
    a64 cookies;
    u8 pad[16];
};
struct Tracing {
    u32 target_btf_id;
    u32 pad0;
    u64 cookie;
    u8 pad[32];
};
struct Netfilter {
    u32 pf;
    u32 hooknum;
    s32 priority;
    u32 flags;
    u8 pad[32];
};
// tcx, netkit and cgroup share this shape
struct Mprog {
    u32 relative_fd; // also relative_id
    u32 pad0;
    u64 expected_revision;
    u8 pad[32];
};
struct UprobeMulti {
    a64 path;
    a64 offsets;
    a64 ref_ctr_offsets;
    a64 cookies;
    u32 cnt;
    u32 flags;
    u32 pid;
    u32 pad0;
};
} // namespace link_tail

template <class Tail>
struct LinkCreateAttr {
    u32 prog_fd; // also map_fd
    u32 target_fd; // also target_ifindex
    u32 attach_type;
    u32 flags;
    Tail tail;
    static constexpr unsigned kSize = 64;
};
#define SYSBPF_LINK_TAIL(K)                                                                 \
    static_assert(sizeof(link_tail::K) == 48, "link tail " #K);                             \
    SYSBPF_ATTR_AT(LinkCreateAttr<link_tail::K>, tail, 16);                                 \
    SYSBPF_ATTR_END(LinkCreateAttr<link_tail::K>, tail)
SYSBPF_LINK_TAIL(None);
SYSBPF_LINK_TAIL(TargetBtfId);
SYSBPF_LINK_TAIL(Iter);
SYSBPF_LINK_TAIL(PerfEvent);
SYSBPF_LINK_TAIL(KprobeMulti);
SYSBPF_LINK_TAIL(Tracing);
SYSBPF_LINK_TAIL(Netfilter);
SYSBPF_LINK_TAIL(Mprog);
SYSBPF_LINK_TAIL(UprobeMulti);
#undef SYSBPF_LINK_TAIL
static_assert(offsetof(link_tail::KprobeMulti, syms) == 8);
static_assert(offsetof(link_tail::Tracing, cookie) == 8);
static_assert(offsetof(link_tail::Mprog, expected_revision) == 8);
static_assert(offsetof(link_tail::UprobeMulti, cnt) == 32);
static_assert(offsetof(link_tail::UprobeMulti, pid) == 40);

// BPF_LINK_UPDATE
struct LinkUpdateAttr {
    u32 link_fd;
    u32 new_prog_fd; // also new_map_fd
    u32 flags;
    u32 old_prog_fd; // also old_map_fd
    static constexpr unsigned kSize = 16;
};
SYSBPF_ATTR_END(LinkUpdateAttr, old_prog_fd);

// BPF_LINK_DETACH
struct LinkDetachAttr {
    u32 link_fd;
    static constexpr unsigned kSize = 4;
};
SYSBPF_ATTR_END(LinkDetachAttr, link_fd);

// BPF_ENABLE_STATS
struct EnableStatsAttr {
    u32 type;
    static constexpr unsigned kSize = 4;
};
SYSBPF_ATTR_END(EnableStatsAttr, type);

// BPF_ITER_CREATE
struct IterCreateAttr {
    u32 link_fd;
    u32 flags;
    static constexpr unsigned kSize = 8;
};
SYSBPF_ATTR_END(IterCreateAttr, flags);

// BPF_PROG_BIND_MAP
struct ProgBindMapAttr {
    u32 prog_fd;
    u32 map_fd;
    u32 flags;
    static constexpr unsigned kSize = 12;
};
SYSBPF_ATTR_END(ProgBindMapAttr, flags);

// BPF_TOKEN_CREATE
struct TokenCreateAttr {
    u32 flags;
    u32 bpffs_fd;
    static constexpr unsigned kSize = 8;
};
SYSBPF_ATTR_END(TokenCreateAttr, bpffs_fd);

// BPF_PROG_STREAM_READ_BY_FD
struct ProgStreamReadAttr {
    a64 stream_buf;
    u32 stream_buf_len;
    u32 stream_id;
    u32 prog_fd;
    u32 pad_tail; // sent: libbpf sends the whole struct
    static constexpr unsigned kSize = 24;
};
SYSBPF_ATTR_AT(ProgStreamReadAttr, prog_fd, 16);
SYSBPF_ATTR_END(ProgStreamReadAttr, pad_tail);

// BPF_PROG_ASSOC_STRUCT_OPS
struct ProgAssocStructOpsAttr {
    u32 map_fd;
    u32 prog_fd;
    u32 flags;
    static constexpr unsigned kSize = 12;
};
SYSBPF_ATTR_END(ProgAssocStructOpsAttr, flags);

#undef SYSBPF_ATTR_AT
#undef SYSBPF_ATTR_END

} // namespace sysbpf::kernel
