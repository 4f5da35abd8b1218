#include "vmlinux_btf.hpp"

#include <cstring>
#include <fstream>
#include <iterator>

namespace vmlinux_btf {
namespace {

constexpr std::uint16_t kBtfMagic = 0xeb9f;

std::uint32_t kind_of(std::uint32_t info) { return (info >> 24) & 0x1f; }
std::uint32_t vlen_of(std::uint32_t info) { return info & 0xffff; }

// Bytes that follow the 12-byte common part of a type of this kind.
std::uint32_t extra_bytes(std::uint32_t info)
{
    std::uint32_t vlen = vlen_of(info);
    switch (kind_of(info)) {
    case 1:  // INT
    case 14: // VAR
    case 17: // DECL_TAG
        return 4;
    case 3: // ARRAY
        return 12;
    case 4:  // STRUCT
    case 5:  // UNION
    case 15: // DATASEC
    case 19: // ENUM64
        return vlen * 12;
    case 6:  // ENUM
    case 13: // FUNC_PROTO
        return vlen * 8;
    default: // PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG
        return 0;
    }
}

template <class T>
T load(const std::vector<unsigned char> &d, size_t off)
{
    T v{};
    if (off + sizeof(T) <= d.size())
        std::memcpy(&v, d.data() + off, sizeof(T));
    return v;
}

} // namespace

VmlinuxBtf::VmlinuxBtf()
{
    std::ifstream f("/sys/kernel/btf/vmlinux", std::ios::binary);
    if (!f)
        return;
    data_.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    // struct btf_header: magic u16, version u8, flags u8, hdr_len u32,
    // type_off u32, type_len u32, str_off u32, str_len u32.
    if (data_.size() < 24 || load<std::uint16_t>(data_, 0) != kBtfMagic)
        return;
    std::uint32_t hdr_len = load<std::uint32_t>(data_, 4);
    std::uint32_t type_off = load<std::uint32_t>(data_, 8);
    std::uint32_t type_len = load<std::uint32_t>(data_, 12);
    std::uint32_t str_off = load<std::uint32_t>(data_, 16);
    strs_len_ = load<std::uint32_t>(data_, 20);
    types_ = hdr_len + type_off;
    strs_ = hdr_len + str_off;
    if (types_ + type_len > data_.size() || strs_ + strs_len_ > data_.size())
        return;
    offsets_.push_back(0); // void
    for (std::uint32_t at = types_; at + 12 <= types_ + type_len;) {
        offsets_.push_back(at);
        at += 12 + extra_bytes(load<std::uint32_t>(data_, at + 4));
    }
}

VmlinuxBtf::Type VmlinuxBtf::type(std::uint32_t id) const
{
    if (id == 0 || id >= offsets_.size())
        return {};
    std::uint32_t at = offsets_[id];
    return {load<std::uint32_t>(data_, at), load<std::uint32_t>(data_, at + 4),
            load<std::uint32_t>(data_, at + 8)};
}

std::string VmlinuxBtf::str(std::uint32_t off) const
{
    if (off >= strs_len_)
        return {};
    const char *s = reinterpret_cast<const char *>(data_.data() + strs_ + off);
    return std::string(s, strnlen(s, strs_len_ - off));
}

std::uint32_t VmlinuxBtf::find(const std::string &name, unsigned kind) const
{
    for (std::uint32_t id = 1; id < offsets_.size(); id++) {
        Type t = type(id);
        if (kind_of(t.info) == kind && str(t.name_off) == name)
            return id;
    }
    return 0;
}

std::uint32_t VmlinuxBtf::struct_size(std::uint32_t id) const
{
    Type t = type(id);
    std::uint32_t k = kind_of(t.info);
    return k == kBtfKindStruct || k == 5 /* UNION */ ? t.size_or_type : 0;
}

} // namespace vmlinux_btf
