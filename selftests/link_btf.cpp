#include "link_btf.hpp"

#include <cstdio>
#include <cstring>

namespace selftest::links {

namespace {

struct Header {
    std::uint16_t magic;
    std::uint8_t version, flags;
    std::uint32_t hdr_len, type_off, type_len, str_off, str_len;
};

// Bytes of kind-specific data after a btf_type of `kind` with `vlen` entries.
long extra_size(unsigned kind, unsigned vlen)
{
    switch (kind) {
    case 2: case 7: case 8: case 9: case 10: case 11: case 12: case 16: case 18:
        return 0; // PTR FWD TYPEDEF VOLATILE CONST RESTRICT FUNC FLOAT TYPE_TAG
    case 1: case 14: case 17:
        return 4; // INT VAR DECL_TAG
    case 3:
        return 12; // ARRAY
    case 4: case 5: case 15: case 19:
        return 12L * vlen; // STRUCT UNION DATASEC ENUM64
    case 6: case 13:
        return 8L * vlen; // ENUM FUNC_PROTO
    default:
        return -1;
    }
}

} // namespace

VmlinuxBtf::VmlinuxBtf()
{
    FILE *f = std::fopen("/sys/kernel/btf/vmlinux", "rb");
    if (!f)
        return;
    unsigned char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0)
        data_.insert(data_.end(), buf, buf + n);
    std::fclose(f);

    Header h;
    if (data_.size() < sizeof(h))
        return;
    std::memcpy(&h, data_.data(), sizeof(h));
    if (h.magic != 0xeB9F)
        return;
    std::size_t types_begin = h.hdr_len + h.type_off, types_end = types_begin + h.type_len;
    str_begin_ = h.hdr_len + h.str_off;
    str_len_ = h.str_len;
    if (types_end > data_.size() || str_begin_ + str_len_ > data_.size())
        return;
    for (std::size_t p = types_begin; p + 12 <= types_end;) {
        Type t;
        std::memcpy(&t, data_.data() + p, 12);
        t.extra = p + 12;
        long extra = extra_size((t.info >> 24) & 0x1f, t.info & 0xffff);
        if (extra < 0)
            return;
        types_.push_back(t);
        p += 12 + extra;
    }
    ok_ = true;
}

const char *VmlinuxBtf::str(std::uint32_t off) const
{
    return off < str_len_ ? reinterpret_cast<const char *>(data_.data() + str_begin_ + off) : "";
}

std::uint32_t VmlinuxBtf::find(unsigned kind, const std::string &name) const
{
    for (std::size_t i = 0; i < types_.size(); i++) {
        const Type &t = types_[i];
        if (((t.info >> 24) & 0x1f) == kind && name == str(t.name_off))
            return static_cast<std::uint32_t>(i + 1);
    }
    return 0;
}

long VmlinuxBtf::member_offset(const std::string &name, const std::string &member) const
{
    std::uint32_t id = find(kStruct, name);
    return id ? member_offset_in(id, member) : -1;
}

long VmlinuxBtf::member_offset_in(std::uint32_t id, const std::string &member) const
{
    const Type &t = types_[id - 1];
    bool bitfield_encoding = t.info >> 31;
    for (unsigned i = 0; i < (t.info & 0xffff); i++) {
        std::uint32_t m[3]; // name_off, type, offset
        std::memcpy(m, data_.data() + t.extra + 12 * i, sizeof(m));
        long here = (bitfield_encoding ? (m[2] & 0xffffff) : m[2]) / 8;
        if (member == str(m[0]))
            return here;
        // Anonymous struct or union members hold fields of their own.
        if (!*str(m[0]) && m[1] && m[1] <= types_.size()) {
            unsigned kind = (types_[m[1] - 1].info >> 24) & 0x1f;
            if (kind == kStruct || kind == kUnion) {
                long inner = member_offset_in(m[1], member);
                if (inner >= 0)
                    return here + inner;
            }
        }
    }
    return -1;
}

long VmlinuxBtf::struct_size(const std::string &name) const
{
    std::uint32_t id = find(kStruct, name);
    return id ? static_cast<long>(types_[id - 1].size_or_type) : -1;
}

long VmlinuxBtf::member_index(const std::string &name, const std::string &member) const
{
    std::uint32_t id = find(kStruct, name);
    if (!id)
        return -1;
    const Type &t = types_[id - 1];
    for (unsigned i = 0; i < (t.info & 0xffff); i++) {
        std::uint32_t name_off;
        std::memcpy(&name_off, data_.data() + t.extra + 12 * i, sizeof(name_off));
        if (member == str(name_off))
            return i;
    }
    return -1;
}

bool VmlinuxBtf::has_enumerator(const std::string &name, const std::string &value) const
{
    std::uint32_t id = find(kEnum, name);
    if (!id)
        return false;
    const Type &t = types_[id - 1];
    for (unsigned i = 0; i < (t.info & 0xffff); i++) {
        std::uint32_t name_off;
        std::memcpy(&name_off, data_.data() + t.extra + 8 * i, sizeof(name_off));
        if (value == str(name_off))
            return true;
    }
    return false;
}

} // namespace selftest::links
