// The attr bytes a test expects on the wire, built field by field at the
// kernel's offsets (independently of the library's attr structs).
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace sysbpf_test {

class Wire {
public:
    explicit Wire(size_t size) : bytes(size) {}
    Wire &u32(size_t off, std::uint32_t v) { return put(off, &v, sizeof(v)); }
    Wire &u64(size_t off, std::uint64_t v) { return put(off, &v, sizeof(v)); }
    Wire &ptr(size_t off, const void *p) { return u64(off, reinterpret_cast<std::uintptr_t>(p)); }

    std::vector<unsigned char> bytes;

private:
    Wire &put(size_t off, const void *v, size_t n)
    {
        std::memcpy(bytes.data() + off, v, n);
        return *this;
    }
};

} // namespace sysbpf_test
