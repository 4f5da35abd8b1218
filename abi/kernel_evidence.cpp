#include "kernel_evidence.hpp"

#include "vmlinux_btf.hpp"

#include <cerrno>
#include <cstring>
#include <sys/syscall.h>
#include <unistd.h>

namespace abi {
namespace {

std::string errno_name(int err)
{
    switch (err) {
    case EINVAL: return "EINVAL";
    case EPERM: return "EPERM";
    case EBADF: return "EBADF";
    case E2BIG: return "E2BIG";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    default: return "errno " + std::to_string(err);
    }
}

// errno of bpf(cmd, attr), 0 if it succeeded (an fd it returned is closed).
int raw_bpf_err(int cmd, const void *attr, unsigned size)
{
    alignas(8) unsigned char copy[256] = {};
    if (size > sizeof(copy))
        return E2BIG;
    std::memcpy(copy, attr, size);
    long r = ::syscall(__NR_bpf, cmd, copy, size);
    if (r < 0)
        return errno;
    if (r > 2)
        ::close(static_cast<int>(r));
    return 0;
}

// "its BTF's enum bpf_cmd has no <name>", or "" (enumerator there, or no BTF).
std::string btf_lacks_cmd(const char *name)
{
    vmlinux_btf::VmlinuxBtf btf;
    std::uint32_t id = btf.ok() ? btf.find("bpf_cmd", vmlinux_btf::kBtfKindEnum) : 0;
    if (!id || btf.enum_has(id, name))
        return "";
    return std::string("its BTF's enum bpf_cmd has no ") + name;
}

} // namespace

std::string kernel_lacks_cmd(int cmd, const char *name, const char *release, int lib_err, const void *attr,
                             unsigned size)
{
    if (lib_err <= 0 || raw_bpf_err(cmd, attr, size) != lib_err)
        return "";
    std::string btf = btf_lacks_cmd(name);
    if (btf.empty())
        return "";
    return std::string("kernel without ") + name + " (" + release + "): " + btf + "; raw bpf(" + name +
           ") refused the same way, " + errno_name(lib_err);
}

} // namespace abi
