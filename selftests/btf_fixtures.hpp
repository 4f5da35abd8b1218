// Hand-built raw BTF for tests: a header, a type section and a string
// section, laid out as the kernel's BTF_LOAD expects (include/uapi/linux/btf.h).
#pragma once

#include <linux/btf.h>

#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

namespace selftest {

class BtfBuilder {
public:
    struct Member {
        const char *name;
        __u32 type;
        __u32 bit_offset;
    };

    BtfBuilder() { strings_.push_back('\0'); }

    // Each add_* returns the new type's id (1, 2, ...).
    __u32 add_int(const char *name, __u32 size, bool is_signed)
    {
        put_type(str(name), BTF_KIND_INT, 0, size);
        types_.push_back((is_signed ? BTF_INT_SIGNED : 0u) << 24 | size * 8);
        return ++count_;
    }

    __u32 add_struct(const char *name, __u32 size, std::initializer_list<Member> members)
    {
        put_type(str(name), BTF_KIND_STRUCT, static_cast<__u32>(members.size()), size);
        for (const Member &m : members) {
            types_.push_back(str(m.name));
            types_.push_back(m.type);
            types_.push_back(m.bit_offset);
        }
        return ++count_;
    }

    // The raw blob for bpf_btf_load().
    std::vector<unsigned char> blob() const
    {
        btf_header h{};
        h.magic = BTF_MAGIC;
        h.version = BTF_VERSION;
        h.hdr_len = sizeof(h);
        h.type_off = 0;
        h.type_len = static_cast<__u32>(types_.size() * 4);
        h.str_off = h.type_len;
        h.str_len = static_cast<__u32>(strings_.size());
        std::vector<unsigned char> out(sizeof(h) + h.type_len + h.str_len);
        std::memcpy(out.data(), &h, sizeof(h));
        std::memcpy(out.data() + sizeof(h), types_.data(), h.type_len);
        std::memcpy(out.data() + sizeof(h) + h.type_len, strings_.data(), h.str_len);
        return out;
    }

private:
    __u32 str(const char *s)
    {
        if (!s || !*s)
            return 0;
        auto off = static_cast<__u32>(strings_.size());
        strings_.insert(strings_.end(), s, s + std::strlen(s) + 1);
        return off;
    }
    void put_type(__u32 name_off, __u32 kind, __u32 vlen, __u32 size)
    {
        types_.push_back(name_off);
        types_.push_back(kind << 24 | vlen);
        types_.push_back(size);
    }

    std::vector<__u32> types_;
    std::vector<char> strings_;
    __u32 count_ = 0;
};

// [1] int, [2] struct pair { int a; int b; }: a key and a value type.
inline std::vector<unsigned char> pair_btf()
{
    BtfBuilder b;
    __u32 int_id = b.add_int("int", 4, true);
    b.add_struct("pair", 8, {{"a", int_id, 0}, {"b", int_id, 32}});
    return b.blob();
}
constexpr __u32 kPairBtfInt = 1;
constexpr __u32 kPairBtfStruct = 2;

// [1] int, [2] struct bpf_spin_lock { int val; },
// [3] struct locked { struct bpf_spin_lock lock; int x; }: an 8-byte value
// whose first field is a spin lock.
inline std::vector<unsigned char> locked_btf()
{
    BtfBuilder b;
    __u32 int_id = b.add_int("int", 4, true);
    __u32 lock_id = b.add_struct("bpf_spin_lock", 4, {{"val", int_id, 0}});
    b.add_struct("locked", 8, {{"lock", lock_id, 0}, {"x", int_id, 32}});
    return b.blob();
}
constexpr __u32 kLockedBtfInt = 1;
constexpr __u32 kLockedBtfValue = 3;

} // namespace selftest
