// Type lookup in the running kernel's BTF (/sys/kernel/btf/vmlinux), for
// `sysbpf check` and for the selftests that call kfuncs from hand-written
// instructions or create struct_ops maps.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vmlinux_btf {

// BTF kinds used by the tests.
constexpr unsigned kBtfKindStruct = 4;
constexpr unsigned kBtfKindFunc = 12;

class VmlinuxBtf {
public:
    // Reads and indexes the kernel's BTF; ok() is false when unavailable.
    VmlinuxBtf();
    bool ok() const { return !offsets_.empty(); }

    // Id of the type of `kind` named `name`, or 0.
    std::uint32_t find(const std::string &name, unsigned kind) const;

    // Byte size of STRUCT/UNION `id` (0 for other kinds).
    std::uint32_t struct_size(std::uint32_t id) const;

private:
    struct Type {
        std::uint32_t name_off, info, size_or_type;
    };
    Type type(std::uint32_t id) const;
    std::string str(std::uint32_t off) const;

    std::vector<unsigned char> data_;
    std::uint32_t types_ = 0, strs_ = 0, strs_len_ = 0;
    std::vector<std::uint32_t> offsets_; // offsets_[id] = where type id starts (id 0: void)
};

} // namespace vmlinux_btf
