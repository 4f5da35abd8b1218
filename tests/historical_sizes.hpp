// sizeof each opts struct as compiled against each libbpf release from 1.0 to
// 1.7: the `sz` that LIBBPF_OPTS gave callers of that release, for this
// target's data model.
//
// Every release's struct is a prefix of 1.7's, ending with the member that
// release's `<struct>__last_field` names (recorded per release in libbpf's
// struct tables), padded to the struct's alignment. The prefix has the full
// struct's alignment: `sz` (a size_t) or a member as aligned comes first in
// each. test_opts checks the results against the sizes recorded on x86_64
// when the target is LP64.
#pragma once

#include <bpf/bpf.h>

#include <cstddef>
#include <initializer_list>

namespace sysbpf_test::historical {

constexpr size_t padded(size_t end, size_t align)
{
    return (end + align - 1) / align * align;
}

// Where `member` of struct T ends, on this target.
#define SYSBPF_END_OF(T, member) (offsetof(struct T, member) + sizeof(((struct T *)nullptr)->member))

#define SYSBPF_SIZE_UNTIL(T, member)                                                       \
    ::sysbpf_test::historical::padded(                                                      \
        offsetof(struct T, member) + sizeof(((struct T *)nullptr)->member), alignof(struct T))

// The releases that changed each struct's last field, oldest first.
constexpr std::initializer_list<size_t> map_create = {
    SYSBPF_SIZE_UNTIL(bpf_map_create_opts, map_ifindex),          // 1.0
    SYSBPF_SIZE_UNTIL(bpf_map_create_opts, token_fd),             // 1.4
    SYSBPF_SIZE_UNTIL(bpf_map_create_opts, excl_prog_hash_size)}; // 1.7
constexpr std::initializer_list<size_t> prog_load = {
    SYSBPF_SIZE_UNTIL(bpf_prog_load_opts, log_buf),       // 1.0
    SYSBPF_SIZE_UNTIL(bpf_prog_load_opts, log_true_size), // 1.2
    SYSBPF_SIZE_UNTIL(bpf_prog_load_opts, token_fd),      // 1.4
    SYSBPF_SIZE_UNTIL(bpf_prog_load_opts, fd_array_cnt)}; // 1.6
constexpr std::initializer_list<size_t> btf_load = {
    SYSBPF_SIZE_UNTIL(bpf_btf_load_opts, log_size),      // 1.0
    SYSBPF_SIZE_UNTIL(bpf_btf_load_opts, log_true_size), // 1.2
    SYSBPF_SIZE_UNTIL(bpf_btf_load_opts, token_fd)};     // 1.4
constexpr std::initializer_list<size_t> map_batch = {SYSBPF_SIZE_UNTIL(bpf_map_batch_opts, flags)};
constexpr std::initializer_list<size_t> obj_pin = {SYSBPF_SIZE_UNTIL(bpf_obj_pin_opts, path_fd)}; // 1.3
constexpr std::initializer_list<size_t> obj_get = {
    SYSBPF_SIZE_UNTIL(bpf_obj_get_opts, file_flags), // 1.0
    SYSBPF_SIZE_UNTIL(bpf_obj_get_opts, path_fd)};   // 1.3
constexpr std::initializer_list<size_t> prog_attach = {
    SYSBPF_SIZE_UNTIL(bpf_prog_attach_opts, replace_prog_fd),    // 1.0
    SYSBPF_SIZE_UNTIL(bpf_prog_attach_opts, expected_revision)}; // 1.3
constexpr std::initializer_list<size_t> prog_detach = {
    SYSBPF_SIZE_UNTIL(bpf_prog_detach_opts, expected_revision)}; // 1.3
constexpr std::initializer_list<size_t> link_create = {
    SYSBPF_SIZE_UNTIL(bpf_link_create_opts, kprobe_multi.cookies), // 1.0
    SYSBPF_SIZE_UNTIL(bpf_link_create_opts, uprobe_multi.pid)};    // 1.3
constexpr std::initializer_list<size_t> link_update = {
    SYSBPF_SIZE_UNTIL(bpf_link_update_opts, old_prog_fd), // 1.0
    SYSBPF_SIZE_UNTIL(bpf_link_update_opts, old_map_fd)}; // 1.2
constexpr std::initializer_list<size_t> get_fd_by_id = {
    SYSBPF_SIZE_UNTIL(bpf_get_fd_by_id_opts, open_flags), // 1.1
    SYSBPF_SIZE_UNTIL(bpf_get_fd_by_id_opts, token_fd)};  // 1.6
constexpr std::initializer_list<size_t> prog_query = {
    SYSBPF_SIZE_UNTIL(bpf_prog_query_opts, prog_attach_flags), // 1.0
    SYSBPF_SIZE_UNTIL(bpf_prog_query_opts, revision)};         // 1.3
constexpr std::initializer_list<size_t> raw_tp = {SYSBPF_SIZE_UNTIL(bpf_raw_tp_opts, cookie)}; // 1.4
constexpr std::initializer_list<size_t> prog_bind = {SYSBPF_SIZE_UNTIL(bpf_prog_bind_opts, flags)};
constexpr std::initializer_list<size_t> test_run = {SYSBPF_SIZE_UNTIL(bpf_test_run_opts, batch_size)};
constexpr std::initializer_list<size_t> token_create = {
    SYSBPF_SIZE_UNTIL(bpf_token_create_opts, flags)}; // 1.4
constexpr std::initializer_list<size_t> stream_read = {
    SYSBPF_SIZE_UNTIL(bpf_prog_stream_read_opts, sz)}; // 1.6
constexpr std::initializer_list<size_t> assoc_struct_ops = {
    SYSBPF_SIZE_UNTIL(bpf_prog_assoc_struct_ops_opts, flags)}; // 1.7

} // namespace sysbpf_test::historical
