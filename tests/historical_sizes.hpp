// sizeof each opts struct as compiled against each libbpf release from 1.0 to
// 1.7 (x86_64): the `sz` that LIBBPF_OPTS gave callers of that release.
#pragma once

#include <cstddef>
#include <initializer_list>

namespace sysbpf_test::historical {

constexpr std::initializer_list<size_t> map_create = {48, 56, 72};   // 1.0, 1.4, 1.7
constexpr std::initializer_list<size_t> prog_load = {104, 112, 120}; // 1.0, 1.2, 1.6
constexpr std::initializer_list<size_t> btf_load = {24, 32, 40};     // 1.0, 1.2, 1.4
constexpr std::initializer_list<size_t> map_batch = {24};
constexpr std::initializer_list<size_t> obj_pin = {16};
constexpr std::initializer_list<size_t> obj_get = {16};
constexpr std::initializer_list<size_t> prog_attach = {16, 32}; // 1.0, 1.3
constexpr std::initializer_list<size_t> prog_detach = {32};
constexpr std::initializer_list<size_t> link_create = {64, 80}; // 1.0, 1.3
constexpr std::initializer_list<size_t> link_update = {16, 24}; // 1.0, 1.2
constexpr std::initializer_list<size_t> get_fd_by_id = {16};
constexpr std::initializer_list<size_t> prog_query = {40, 64}; // 1.0, 1.3
constexpr std::initializer_list<size_t> raw_tp = {24};
constexpr std::initializer_list<size_t> prog_bind = {16};
constexpr std::initializer_list<size_t> test_run = {80};
constexpr std::initializer_list<size_t> token_create = {16};
constexpr std::initializer_list<size_t> stream_read = {8};
constexpr std::initializer_list<size_t> assoc_struct_ops = {16};

} // namespace sysbpf_test::historical
