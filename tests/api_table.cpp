#include "api_table.hpp"

#include "kernel/attr.hpp"

#include <cstring>

// Weak, so that a function another branch has not landed yet makes its row
// unavailable rather than breaking the link.
#pragma weak libbpf_set_memlock_rlim
#pragma weak bpf_map_create
#pragma weak bpf_prog_load
#pragma weak bpf_btf_load
#pragma weak bpf_map_update_elem
#pragma weak bpf_map_lookup_elem
#pragma weak bpf_map_lookup_elem_flags
#pragma weak bpf_map_lookup_and_delete_elem
#pragma weak bpf_map_lookup_and_delete_elem_flags
#pragma weak bpf_map_delete_elem
#pragma weak bpf_map_delete_elem_flags
#pragma weak bpf_map_get_next_key
#pragma weak bpf_map_freeze
#pragma weak bpf_map_delete_batch
#pragma weak bpf_map_lookup_batch
#pragma weak bpf_map_lookup_and_delete_batch
#pragma weak bpf_map_update_batch
#pragma weak bpf_obj_pin
#pragma weak bpf_obj_pin_opts
#pragma weak bpf_obj_get
#pragma weak bpf_obj_get_opts
#pragma weak bpf_prog_attach
#pragma weak bpf_prog_detach
#pragma weak bpf_prog_detach2
#pragma weak bpf_prog_attach_opts
#pragma weak bpf_prog_detach_opts
#pragma weak bpf_link_create
#pragma weak bpf_link_detach
#pragma weak bpf_link_update
#pragma weak bpf_iter_create
#pragma weak bpf_prog_get_next_id
#pragma weak bpf_map_get_next_id
#pragma weak bpf_btf_get_next_id
#pragma weak bpf_link_get_next_id
#pragma weak bpf_prog_get_fd_by_id
#pragma weak bpf_prog_get_fd_by_id_opts
#pragma weak bpf_map_get_fd_by_id
#pragma weak bpf_map_get_fd_by_id_opts
#pragma weak bpf_btf_get_fd_by_id
#pragma weak bpf_btf_get_fd_by_id_opts
#pragma weak bpf_link_get_fd_by_id
#pragma weak bpf_link_get_fd_by_id_opts
#pragma weak bpf_obj_get_info_by_fd
#pragma weak bpf_prog_get_info_by_fd
#pragma weak bpf_map_get_info_by_fd
#pragma weak bpf_btf_get_info_by_fd
#pragma weak bpf_link_get_info_by_fd
#pragma weak bpf_prog_query_opts
#pragma weak bpf_prog_query
#pragma weak bpf_raw_tracepoint_open_opts
#pragma weak bpf_raw_tracepoint_open
#pragma weak bpf_task_fd_query
#pragma weak bpf_enable_stats
#pragma weak bpf_prog_bind_map
#pragma weak bpf_prog_test_run_opts
#pragma weak bpf_token_create
#pragma weak bpf_prog_stream_read
#pragma weak bpf_prog_assoc_struct_ops

namespace sysbpf_test::api {
namespace {

namespace k = sysbpf::kernel;

#define KNOWN_END(T) (offsetof(struct T, T##__last_field) + sizeof(((struct T *)nullptr)->T##__last_field))
#define OPTS_KIND(T) #T, sizeof(struct T), KNOWN_END(T)
#define OPTS_OUT(T, field, attr_t, attr_field)                                                 \
    OptsOutput                                                                                 \
    {                                                                                          \
        static_cast<unsigned>(offsetof(struct T, field)),                                     \
            static_cast<unsigned>(sizeof(((struct T *)nullptr)->field)),                     \
            static_cast<unsigned>(offsetof(k::attr_t, attr_field))                             \
    }

const OptsKind kMapCreate{OPTS_KIND(bpf_map_create_opts), {}, 0};
const OptsKind kProgLoad{OPTS_KIND(bpf_prog_load_opts),
                         {OPTS_OUT(bpf_prog_load_opts, log_true_size, ProgLoadAttr, log_true_size)},
                         1};
const OptsKind kBtfLoad{OPTS_KIND(bpf_btf_load_opts),
                        {OPTS_OUT(bpf_btf_load_opts, log_true_size, BtfLoadAttr, btf_log_true_size)},
                        1};
const OptsKind kMapBatch{OPTS_KIND(bpf_map_batch_opts), {}, 0};
const OptsKind kObjPin{OPTS_KIND(bpf_obj_pin_opts), {}, 0};
const OptsKind kObjGet{OPTS_KIND(bpf_obj_get_opts), {}, 0};
const OptsKind kProgAttach{OPTS_KIND(bpf_prog_attach_opts), {}, 0};
const OptsKind kProgDetach{OPTS_KIND(bpf_prog_detach_opts), {}, 0};
const OptsKind kLinkCreate{OPTS_KIND(bpf_link_create_opts), {}, 0};
const OptsKind kLinkUpdate{OPTS_KIND(bpf_link_update_opts), {}, 0};
const OptsKind kGetFdById{OPTS_KIND(bpf_get_fd_by_id_opts), {}, 0};
const OptsKind kProgQuery{OPTS_KIND(bpf_prog_query_opts),
                          {OPTS_OUT(bpf_prog_query_opts, attach_flags, ProgQueryAttr, attach_flags),
                           OPTS_OUT(bpf_prog_query_opts, count, ProgQueryAttr, prog_cnt),
                           OPTS_OUT(bpf_prog_query_opts, revision, ProgQueryAttr, revision)},
                          3};
const OptsKind kRawTp{OPTS_KIND(bpf_raw_tp_opts), {}, 0};
const OptsKind kProgBind{OPTS_KIND(bpf_prog_bind_opts), {}, 0};
const OptsKind kTestRun{OPTS_KIND(bpf_test_run_opts),
                        {OPTS_OUT(bpf_test_run_opts, data_size_out, TestRunAttr, data_size_out),
                         OPTS_OUT(bpf_test_run_opts, ctx_size_out, TestRunAttr, ctx_size_out),
                         OPTS_OUT(bpf_test_run_opts, duration, TestRunAttr, duration),
                         OPTS_OUT(bpf_test_run_opts, retval, TestRunAttr, retval)},
                        4};
const OptsKind kTokenCreate{OPTS_KIND(bpf_token_create_opts), {}, 0};
const OptsKind kStreamRead{OPTS_KIND(bpf_prog_stream_read_opts), {}, 0};
const OptsKind kAssoc{OPTS_KIND(bpf_prog_assoc_struct_ops_opts), {}, 0};

#define OUT(field, attr_t, attr_field, when)                                                   \
    OutRule                                                                                    \
    {                                                                                          \
        static_cast<unsigned>(offsetof(Out, field)), static_cast<unsigned>(sizeof(Out::field)), \
            static_cast<unsigned>(offsetof(k::attr_t, attr_field)), When::when                 \
    }

template <class T>
T *as(void *p)
{
    return static_cast<T *>(p);
}

#define FN(f) reinterpret_cast<const void *>(&f)
#define ONE(c) {Cmd::c}, 1

const Row kRows[] = {
    {"libbpf_set_memlock_rlim", FN(libbpf_set_memlock_rlim), nullptr, {}, 0,
     [](Caller &c) { return libbpf_set_memlock_rlim(c.size); }, {}, 0},
    {"bpf_map_create", FN(bpf_map_create), &kMapCreate, ONE(MapCreate),
     [](Caller &c) {
         return bpf_map_create(static_cast<bpf_map_type>(c.arg), c.name, 4, 8, 16,
                               as<struct bpf_map_create_opts>(c.opts));
     },
     {}, 0},
    {"bpf_prog_load", FN(bpf_prog_load), &kProgLoad, ONE(ProgLoad),
     [](Caller &c) {
         return bpf_prog_load(static_cast<bpf_prog_type>(c.prog_type), c.name, "GPL", c.insns, 2,
                              as<struct bpf_prog_load_opts>(c.opts));
     },
     {}, 0},
    {"bpf_btf_load", FN(bpf_btf_load), &kBtfLoad, ONE(BtfLoad),
     [](Caller &c) { return bpf_btf_load(c.btf, c.size, as<struct bpf_btf_load_opts>(c.opts)); }, {}, 0},
    {"bpf_map_update_elem", FN(bpf_map_update_elem), nullptr, ONE(MapUpdateElem),
     [](Caller &c) { return bpf_map_update_elem(c.fd, c.key, c.value, c.flags); }, {}, 0},
    {"bpf_map_lookup_elem", FN(bpf_map_lookup_elem), nullptr, ONE(MapLookupElem),
     [](Caller &c) { return bpf_map_lookup_elem(c.fd, c.key, c.value); }, {}, 0},
    {"bpf_map_lookup_elem_flags", FN(bpf_map_lookup_elem_flags), nullptr, ONE(MapLookupElem),
     [](Caller &c) { return bpf_map_lookup_elem_flags(c.fd, c.key, c.value, c.flags); }, {}, 0},
    {"bpf_map_lookup_and_delete_elem", FN(bpf_map_lookup_and_delete_elem), nullptr,
     ONE(MapLookupAndDeleteElem),
     [](Caller &c) { return bpf_map_lookup_and_delete_elem(c.fd, c.key, c.value); }, {}, 0},
    {"bpf_map_lookup_and_delete_elem_flags", FN(bpf_map_lookup_and_delete_elem_flags), nullptr,
     ONE(MapLookupAndDeleteElem),
     [](Caller &c) { return bpf_map_lookup_and_delete_elem_flags(c.fd, c.key, c.value, c.flags); },
     {}, 0},
    {"bpf_map_delete_elem", FN(bpf_map_delete_elem), nullptr, ONE(MapDeleteElem),
     [](Caller &c) { return bpf_map_delete_elem(c.fd, c.key); }, {}, 0},
    {"bpf_map_delete_elem_flags", FN(bpf_map_delete_elem_flags), nullptr, ONE(MapDeleteElem),
     [](Caller &c) { return bpf_map_delete_elem_flags(c.fd, c.key, c.flags); }, {}, 0},
    {"bpf_map_get_next_key", FN(bpf_map_get_next_key), nullptr, ONE(MapGetNextKey),
     [](Caller &c) { return bpf_map_get_next_key(c.fd, c.key, c.value); }, {}, 0},
    {"bpf_map_freeze", FN(bpf_map_freeze), nullptr, ONE(MapFreeze),
     [](Caller &c) { return bpf_map_freeze(c.fd); }, {}, 0},
    {"bpf_map_delete_batch", FN(bpf_map_delete_batch), &kMapBatch, ONE(MapDeleteBatch),
     [](Caller &c) {
         return bpf_map_delete_batch(c.fd, c.keys, &c.out.count, as<struct bpf_map_batch_opts>(c.opts));
     },
     {OUT(count, MapBatchAttr, count, Always)}, 1},
    {"bpf_map_lookup_batch", FN(bpf_map_lookup_batch), &kMapBatch, ONE(MapLookupBatch),
     [](Caller &c) {
         return bpf_map_lookup_batch(c.fd, c.in_batch, c.out_batch, c.keys, c.values,
                                     &c.out.count, as<struct bpf_map_batch_opts>(c.opts));
     },
     {OUT(count, MapBatchAttr, count, Always)}, 1},
    {"bpf_map_lookup_and_delete_batch", FN(bpf_map_lookup_and_delete_batch), &kMapBatch,
     ONE(MapLookupAndDeleteBatch),
     [](Caller &c) {
         return bpf_map_lookup_and_delete_batch(c.fd, c.in_batch, c.out_batch, c.keys, c.values,
                                                &c.out.count, as<struct bpf_map_batch_opts>(c.opts));
     },
     {OUT(count, MapBatchAttr, count, Always)}, 1},
    {"bpf_map_update_batch", FN(bpf_map_update_batch), &kMapBatch, ONE(MapUpdateBatch),
     [](Caller &c) {
         return bpf_map_update_batch(c.fd, c.keys, c.values, &c.out.count,
                                     as<struct bpf_map_batch_opts>(c.opts));
     },
     {OUT(count, MapBatchAttr, count, Always)}, 1},
    {"bpf_obj_pin", FN(bpf_obj_pin), nullptr, ONE(ObjPin),
     [](Caller &c) { return bpf_obj_pin(c.fd, c.path); }, {}, 0},
    {"bpf_obj_pin_opts", FN(bpf_obj_pin_opts), &kObjPin, ONE(ObjPin),
     [](Caller &c) { return bpf_obj_pin_opts(c.fd, c.path, as<struct bpf_obj_pin_opts>(c.opts)); }, {},
     0},
    {"bpf_obj_get", FN(bpf_obj_get), nullptr, ONE(ObjGet),
     [](Caller &c) { return bpf_obj_get(c.path); }, {}, 0},
    {"bpf_obj_get_opts", FN(bpf_obj_get_opts), &kObjGet, ONE(ObjGet),
     [](Caller &c) { return bpf_obj_get_opts(c.path, as<struct bpf_obj_get_opts>(c.opts)); }, {}, 0},
    {"bpf_prog_attach", FN(bpf_prog_attach), nullptr, ONE(ProgAttach),
     [](Caller &c) {
         return bpf_prog_attach(c.fd, c.fd2, static_cast<bpf_attach_type>(c.attach_type),
                                static_cast<unsigned>(c.flags));
     },
     {}, 0},
    {"bpf_prog_detach", FN(bpf_prog_detach), nullptr, ONE(ProgDetach),
     [](Caller &c) { return bpf_prog_detach(c.fd2, static_cast<bpf_attach_type>(c.attach_type)); },
     {}, 0},
    {"bpf_prog_detach2", FN(bpf_prog_detach2), nullptr, ONE(ProgDetach),
     [](Caller &c) {
         return bpf_prog_detach2(c.fd, c.fd2, static_cast<bpf_attach_type>(c.attach_type));
     },
     {}, 0},
    {"bpf_prog_attach_opts", FN(bpf_prog_attach_opts), &kProgAttach, ONE(ProgAttach),
     [](Caller &c) {
         return bpf_prog_attach_opts(c.fd, c.fd2, static_cast<bpf_attach_type>(c.attach_type),
                                     as<struct bpf_prog_attach_opts>(c.opts));
     },
     {}, 0},
    {"bpf_prog_detach_opts", FN(bpf_prog_detach_opts), &kProgDetach, ONE(ProgDetach),
     [](Caller &c) {
         return bpf_prog_detach_opts(c.fd, c.fd2, static_cast<bpf_attach_type>(c.attach_type),
                                     as<struct bpf_prog_detach_opts>(c.opts));
     },
     {}, 0},
    {"bpf_link_create", FN(bpf_link_create), &kLinkCreate, {Cmd::LinkCreate, Cmd::RawTracepointOpen}, 2,
     [](Caller &c) {
         return bpf_link_create(c.fd, static_cast<int>(c.arg),
                                static_cast<bpf_attach_type>(c.attach_type),
                                as<struct bpf_link_create_opts>(c.opts));
     },
     {}, 0},
    {"bpf_link_detach", FN(bpf_link_detach), nullptr, ONE(LinkDetach),
     [](Caller &c) { return bpf_link_detach(c.fd); }, {}, 0},
    {"bpf_link_update", FN(bpf_link_update), &kLinkUpdate, ONE(LinkUpdate),
     [](Caller &c) { return bpf_link_update(c.fd, c.fd2, as<struct bpf_link_update_opts>(c.opts)); }, {},
     0},
    {"bpf_iter_create", FN(bpf_iter_create), nullptr, ONE(IterCreate),
     [](Caller &c) { return bpf_iter_create(c.fd); }, {}, 0},
    {"bpf_prog_get_next_id", FN(bpf_prog_get_next_id), nullptr, ONE(ProgGetNextId),
     [](Caller &c) { return bpf_prog_get_next_id(c.arg, &c.out.next_id); },
     {OUT(next_id, GetIdAttr, next_id, OnSuccess)}, 1},
    {"bpf_map_get_next_id", FN(bpf_map_get_next_id), nullptr, ONE(MapGetNextId),
     [](Caller &c) { return bpf_map_get_next_id(c.arg, &c.out.next_id); },
     {OUT(next_id, GetIdAttr, next_id, OnSuccess)}, 1},
    {"bpf_btf_get_next_id", FN(bpf_btf_get_next_id), nullptr, ONE(BtfGetNextId),
     [](Caller &c) { return bpf_btf_get_next_id(c.arg, &c.out.next_id); },
     {OUT(next_id, GetIdAttr, next_id, OnSuccess)}, 1},
    {"bpf_link_get_next_id", FN(bpf_link_get_next_id), nullptr, ONE(LinkGetNextId),
     [](Caller &c) { return bpf_link_get_next_id(c.arg, &c.out.next_id); },
     {OUT(next_id, GetIdAttr, next_id, OnSuccess)}, 1},
    {"bpf_prog_get_fd_by_id", FN(bpf_prog_get_fd_by_id), nullptr, ONE(ProgGetFdById),
     [](Caller &c) { return bpf_prog_get_fd_by_id(c.id); }, {}, 0},
    {"bpf_prog_get_fd_by_id_opts", FN(bpf_prog_get_fd_by_id_opts), &kGetFdById,
     ONE(ProgGetFdById),
     [](Caller &c) {
         return bpf_prog_get_fd_by_id_opts(c.id, as<struct bpf_get_fd_by_id_opts>(c.opts));
     },
     {}, 0},
    {"bpf_map_get_fd_by_id", FN(bpf_map_get_fd_by_id), nullptr, ONE(MapGetFdById),
     [](Caller &c) { return bpf_map_get_fd_by_id(c.id); }, {}, 0},
    {"bpf_map_get_fd_by_id_opts", FN(bpf_map_get_fd_by_id_opts), &kGetFdById, ONE(MapGetFdById),
     [](Caller &c) { return bpf_map_get_fd_by_id_opts(c.id, as<struct bpf_get_fd_by_id_opts>(c.opts)); },
     {}, 0},
    {"bpf_btf_get_fd_by_id", FN(bpf_btf_get_fd_by_id), nullptr, ONE(BtfGetFdById),
     [](Caller &c) { return bpf_btf_get_fd_by_id(c.id); }, {}, 0},
    {"bpf_btf_get_fd_by_id_opts", FN(bpf_btf_get_fd_by_id_opts), &kGetFdById, ONE(BtfGetFdById),
     [](Caller &c) { return bpf_btf_get_fd_by_id_opts(c.id, as<struct bpf_get_fd_by_id_opts>(c.opts)); },
     {}, 0},
    {"bpf_link_get_fd_by_id", FN(bpf_link_get_fd_by_id), nullptr, ONE(LinkGetFdById),
     [](Caller &c) { return bpf_link_get_fd_by_id(c.id); }, {}, 0},
    {"bpf_link_get_fd_by_id_opts", FN(bpf_link_get_fd_by_id_opts), &kGetFdById,
     ONE(LinkGetFdById),
     [](Caller &c) {
         return bpf_link_get_fd_by_id_opts(c.id, as<struct bpf_get_fd_by_id_opts>(c.opts));
     },
     {}, 0},
    {"bpf_obj_get_info_by_fd", FN(bpf_obj_get_info_by_fd), nullptr, ONE(ObjGetInfoByFd),
     [](Caller &c) { return bpf_obj_get_info_by_fd(c.fd, c.info, &c.out.info_len); },
     {OUT(info_len, InfoAttr, info_len, OnSuccess)}, 1},
    {"bpf_prog_get_info_by_fd", FN(bpf_prog_get_info_by_fd), nullptr, ONE(ObjGetInfoByFd),
     [](Caller &c) {
         return bpf_prog_get_info_by_fd(c.fd, reinterpret_cast<bpf_prog_info *>(c.info),
                                        &c.out.info_len);
     },
     {OUT(info_len, InfoAttr, info_len, OnSuccess)}, 1},
    {"bpf_map_get_info_by_fd", FN(bpf_map_get_info_by_fd), nullptr, ONE(ObjGetInfoByFd),
     [](Caller &c) {
         return bpf_map_get_info_by_fd(c.fd, reinterpret_cast<bpf_map_info *>(c.info),
                                       &c.out.info_len);
     },
     {OUT(info_len, InfoAttr, info_len, OnSuccess)}, 1},
    {"bpf_btf_get_info_by_fd", FN(bpf_btf_get_info_by_fd), nullptr, ONE(ObjGetInfoByFd),
     [](Caller &c) {
         return bpf_btf_get_info_by_fd(c.fd, reinterpret_cast<bpf_btf_info *>(c.info),
                                       &c.out.info_len);
     },
     {OUT(info_len, InfoAttr, info_len, OnSuccess)}, 1},
    {"bpf_link_get_info_by_fd", FN(bpf_link_get_info_by_fd), nullptr, ONE(ObjGetInfoByFd),
     [](Caller &c) {
         return bpf_link_get_info_by_fd(c.fd, reinterpret_cast<bpf_link_info *>(c.info),
                                        &c.out.info_len);
     },
     {OUT(info_len, InfoAttr, info_len, OnSuccess)}, 1},
    {"bpf_prog_query_opts", FN(bpf_prog_query_opts), &kProgQuery, ONE(ProgQuery),
     [](Caller &c) {
         return bpf_prog_query_opts(c.fd, static_cast<bpf_attach_type>(c.attach_type),
                                    as<struct bpf_prog_query_opts>(c.opts));
     },
     {}, 0},
    {"bpf_prog_query", FN(bpf_prog_query), nullptr, ONE(ProgQuery),
     [](Caller &c) {
         return bpf_prog_query(c.fd, static_cast<bpf_attach_type>(c.attach_type),
                               static_cast<__u32>(c.flags), &c.out.attach_flags, c.prog_ids,
                               &c.out.prog_cnt);
     },
     {OUT(attach_flags, ProgQueryAttr, attach_flags, Always),
      OUT(prog_cnt, ProgQueryAttr, prog_cnt, Always)},
     2},
    {"bpf_raw_tracepoint_open_opts", FN(bpf_raw_tracepoint_open_opts), &kRawTp,
     ONE(RawTracepointOpen),
     [](Caller &c) { return bpf_raw_tracepoint_open_opts(c.fd, as<struct bpf_raw_tp_opts>(c.opts)); },
     {}, 0},
    {"bpf_raw_tracepoint_open", FN(bpf_raw_tracepoint_open), nullptr, ONE(RawTracepointOpen),
     [](Caller &c) { return bpf_raw_tracepoint_open(c.name, c.fd); }, {}, 0},
    {"bpf_task_fd_query", FN(bpf_task_fd_query), nullptr, ONE(TaskFdQuery),
     [](Caller &c) {
         return bpf_task_fd_query(static_cast<int>(c.arg), c.fd, static_cast<__u32>(c.flags),
                                  c.buf, &c.out.buf_len, &c.out.prog_id, &c.out.fd_type,
                                  &c.out.probe_offset, &c.out.probe_addr);
     },
     {OUT(buf_len, TaskFdQueryAttr, buf_len, Always),
      OUT(prog_id, TaskFdQueryAttr, prog_id, Always),
      OUT(fd_type, TaskFdQueryAttr, fd_type, Always),
      OUT(probe_offset, TaskFdQueryAttr, probe_offset, Always),
      OUT(probe_addr, TaskFdQueryAttr, probe_addr, Always)},
     5},
    {"bpf_enable_stats", FN(bpf_enable_stats), nullptr, ONE(EnableStats),
     [](Caller &c) { return bpf_enable_stats(static_cast<int>(c.arg)); }, {}, 0},
    {"bpf_prog_bind_map", FN(bpf_prog_bind_map), &kProgBind, ONE(ProgBindMap),
     [](Caller &c) { return bpf_prog_bind_map(c.fd, c.fd2, as<struct bpf_prog_bind_opts>(c.opts)); }, {},
     0},
    {"bpf_prog_test_run_opts", FN(bpf_prog_test_run_opts), &kTestRun, ONE(ProgTestRun),
     [](Caller &c) { return bpf_prog_test_run_opts(c.fd, as<struct bpf_test_run_opts>(c.opts)); }, {},
     0},
    {"bpf_token_create", FN(bpf_token_create), &kTokenCreate, ONE(TokenCreate),
     [](Caller &c) { return bpf_token_create(c.fd, as<struct bpf_token_create_opts>(c.opts)); }, {}, 0},
    {"bpf_prog_stream_read", FN(bpf_prog_stream_read), &kStreamRead, ONE(ProgStreamReadByFd),
     [](Caller &c) {
         return bpf_prog_stream_read(c.fd, c.arg, c.buf, sizeof(c.buf),
                                     as<struct bpf_prog_stream_read_opts>(c.opts));
     },
     {}, 0},
    {"bpf_prog_assoc_struct_ops", FN(bpf_prog_assoc_struct_ops), &kAssoc,
     ONE(ProgAssocStructOps),
     [](Caller &c) {
         return bpf_prog_assoc_struct_ops(c.fd, c.fd2,
                                          as<struct bpf_prog_assoc_struct_ops_opts>(c.opts));
     },
     {}, 0},
};

} // namespace

const Row *rows() { return kRows; }
unsigned count() { return sizeof(kRows) / sizeof(kRows[0]); }

const Row *find(const char *name)
{
    for (const Row &r : kRows)
        if (std::strcmp(r.name, name) == 0)
            return &r;
    return nullptr;
}

unsigned max_attr_size(Cmd cmd)
{
    switch (cmd) {
    case Cmd::MapCreate: return k::MapCreateAttr::kSize;
    case Cmd::MapLookupElem:
    case Cmd::MapUpdateElem:
    case Cmd::MapDeleteElem:
    case Cmd::MapLookupAndDeleteElem: return k::MapElemAttr::kSize;
    case Cmd::MapGetNextKey: return k::MapNextKeyAttr::kSize;
    case Cmd::ProgLoad: return k::ProgLoadAttr::kSize;
    case Cmd::ObjPin:
    case Cmd::ObjGet: return k::ObjAttr::kSize;
    case Cmd::ProgAttach:
    case Cmd::ProgDetach: return k::ProgAttachAttr::kSize;
    case Cmd::ProgTestRun: return k::TestRunAttr::kSize;
    case Cmd::ProgGetNextId:
    case Cmd::MapGetNextId:
    case Cmd::BtfGetNextId:
    case Cmd::LinkGetNextId:
    case Cmd::ProgGetFdById:
    case Cmd::MapGetFdById:
    case Cmd::LinkGetFdById: return k::GetIdAttr::kSizeNoToken;
    case Cmd::BtfGetFdById: return k::GetIdAttr::kSize;
    case Cmd::ObjGetInfoByFd: return k::InfoAttr::kSize;
    case Cmd::ProgQuery: return k::ProgQueryAttr::kSize;
    case Cmd::RawTracepointOpen: return k::RawTracepointAttr::kSize;
    case Cmd::BtfLoad: return k::BtfLoadAttr::kSize;
    case Cmd::TaskFdQuery: return k::TaskFdQueryAttr::kSize;
    case Cmd::MapFreeze: return k::MapFdAttr::kSize;
    case Cmd::MapLookupBatch:
    case Cmd::MapLookupAndDeleteBatch:
    case Cmd::MapUpdateBatch:
    case Cmd::MapDeleteBatch: return k::MapBatchAttr::kSize;
    case Cmd::LinkCreate: return k::LinkCreateAttr<k::link_tail::None>::kSize;
    case Cmd::LinkUpdate: return k::LinkUpdateAttr::kSize;
    case Cmd::LinkDetach: return k::LinkDetachAttr::kSize;
    case Cmd::EnableStats: return k::EnableStatsAttr::kSize;
    case Cmd::IterCreate: return k::IterCreateAttr::kSize;
    case Cmd::ProgBindMap: return k::ProgBindMapAttr::kSize;
    case Cmd::TokenCreate: return k::TokenCreateAttr::kSize;
    case Cmd::ProgStreamReadByFd: return k::ProgStreamReadAttr::kSize;
    case Cmd::ProgAssocStructOps: return k::ProgAssocStructOpsAttr::kSize;
    }
    return 0;
}

bool returns_fd(Cmd cmd)
{
    switch (cmd) {
    case Cmd::MapCreate:
    case Cmd::ProgLoad:
    case Cmd::ObjGet:
    case Cmd::ProgGetFdById:
    case Cmd::MapGetFdById:
    case Cmd::BtfLoad:
    case Cmd::BtfGetFdById:
    case Cmd::RawTracepointOpen:
    case Cmd::LinkCreate:
    case Cmd::LinkGetFdById:
    case Cmd::EnableStats:
    case Cmd::IterCreate:
    case Cmd::TokenCreate: return true;
    default: return false;
    }
}

unsigned kernel_outputs(Cmd cmd, AttrField out[5])
{
#define F(T, f) AttrField{static_cast<unsigned>(offsetof(k::T, f)), static_cast<unsigned>(sizeof(k::T::f))}
    unsigned n = 0;
    auto add = [&](AttrField f) { out[n++] = f; };
    switch (cmd) {
    case Cmd::ProgLoad: add(F(ProgLoadAttr, log_true_size)); break;
    case Cmd::BtfLoad: add(F(BtfLoadAttr, btf_log_true_size)); break;
    case Cmd::MapLookupBatch:
    case Cmd::MapLookupAndDeleteBatch:
    case Cmd::MapUpdateBatch:
    case Cmd::MapDeleteBatch: add(F(MapBatchAttr, count)); break;
    case Cmd::ProgGetNextId:
    case Cmd::MapGetNextId:
    case Cmd::BtfGetNextId:
    case Cmd::LinkGetNextId: add(F(GetIdAttr, next_id)); break;
    case Cmd::ObjGetInfoByFd: add(F(InfoAttr, info_len)); break;
    case Cmd::ProgQuery:
        add(F(ProgQueryAttr, attach_flags));
        add(F(ProgQueryAttr, prog_cnt));
        add(F(ProgQueryAttr, revision));
        break;
    case Cmd::ProgTestRun:
        add(F(TestRunAttr, retval));
        add(F(TestRunAttr, data_size_out));
        add(F(TestRunAttr, duration));
        add(F(TestRunAttr, ctx_size_out));
        break;
    case Cmd::TaskFdQuery:
        add(F(TaskFdQueryAttr, buf_len));
        add(F(TaskFdQueryAttr, prog_id));
        add(F(TaskFdQueryAttr, fd_type));
        add(F(TaskFdQueryAttr, probe_offset));
        add(F(TaskFdQueryAttr, probe_addr));
        break;
    default: break;
    }
#undef F
    return n;
}

} // namespace sysbpf_test::api
