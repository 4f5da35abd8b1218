// Looks up types in the running kernel's BTF (/sys/kernel/btf/vmlinux), for
// programs that name a kernel function or read a kernel struct.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace selftest::links {

class VmlinuxBtf {
public:
    // Reads /sys/kernel/btf/vmlinux; ok() is false if it is absent or malformed.
    VmlinuxBtf();
    bool ok() const { return ok_; }

    // Id of the first type of `kind` named `name`, or 0.
    std::uint32_t find(unsigned kind, const std::string &name) const;
    // Byte offset of member `member` of struct `name` (also found inside
    // anonymous struct/union members), or -1.
    long member_offset(const std::string &name, const std::string &member) const;

    // Size of struct `name`, or -1.
    long struct_size(const std::string &name) const;
    // Position of member `member` among the members of struct `name`, or -1.
    long member_index(const std::string &name, const std::string &member) const;
    // Whether enum `name` has an enumerator `value` (what a kernel knows of
    // its own UAPI enums, e.g. bpf_attach_type).
    bool has_enumerator(const std::string &name, const std::string &value) const;

    static constexpr unsigned kStruct = 4;
    static constexpr unsigned kUnion = 5;
    static constexpr unsigned kTypedef = 8;
    static constexpr unsigned kEnum = 6;
    static constexpr unsigned kFunc = 12;

private:
    struct Type {
        std::uint32_t name_off, info, size_or_type;
        std::size_t extra; // offset of the kind-specific data in data_
    };
    const char *str(std::uint32_t off) const;
    long member_offset_in(std::uint32_t id, const std::string &member) const;

    std::vector<unsigned char> data_;
    std::vector<Type> types_; // index = type id - 1
    std::size_t str_begin_ = 0, str_len_ = 0;
    bool ok_ = false;
};

} // namespace selftest::links
