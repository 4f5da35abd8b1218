#include "caller_row.hpp"

#include <cerrno>
#include <cstdio>

using selftest::errstr;

namespace abi {

const std::vector<Row> &all_rows()
{
    static const std::vector<Row> rows = [] {
        std::vector<Row> all;
        for (auto area : {load_rows, map_batch_rows, obj_id_rows, cgroup_rows, link_rows, misc_rows, token_rows})
            for (const Row &r : area())
                all.push_back(r);
        return all;
    }();
    return rows;
}

std::string map_info(int fd)
{
    bpf_map_info info{};
    __u32 len = sizeof(info);
    if (bpf_map_get_info_by_fd(fd, &info, &len))
        return "map info failed: " + errstr(errno);
    char s[160];
    std::snprintf(s, sizeof(s), "map type=%u key=%u value=%u max=%u flags=%#x name=%s", info.type,
                  info.key_size, info.value_size, info.max_entries, info.map_flags, info.name);
    return s;
}

std::string prog_info(int fd)
{
    bpf_prog_info info{};
    __u32 len = sizeof(info);
    if (bpf_prog_get_info_by_fd(fd, &info, &len))
        return "prog info failed: " + errstr(errno);
    return "prog type=" + std::to_string(info.type) + " name=" + info.name;
}

std::string map_write_result(int fd)
{
    __u32 key = 0;
    unsigned char value[64] = {};
    return bpf_map_update_elem(fd, &key, value, BPF_ANY) == 0 ? "writable" : "write " + errstr(errno);
}

} // namespace abi
