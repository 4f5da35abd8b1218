#include "kernel_evidence.hpp"

#include "kernel_refusal.hpp"

#include <cstring>

namespace abi {

std::string kernel_lacks_cmd(int cmd, const char *name, const char *release, int lib_err, const void *attr,
                             unsigned size)
{
    selftest::RawAttr raw;
    if (lib_err <= 0 || size > sizeof(raw.bytes))
        return "";
    std::memcpy(raw.bytes, attr, size);
    return selftest::kernel_lacks((std::string(name) + " (" + release + ")").c_str(), lib_err,
                                  selftest::raw_bpf_err(cmd, raw), name, selftest::btf_lacks("bpf_cmd", name));
}

} // namespace abi
