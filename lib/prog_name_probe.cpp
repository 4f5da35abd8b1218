#include "prog_name_probe.hpp"

#include "features.hpp"
#include "kernel/attr.hpp"
#include "sys/syscall.hpp"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <unistd.h>

namespace sysbpf {

bool prog_names_refused_by_probe() noexcept
{
    constexpr kernel::u64 kMovR0Zero = 0xb7; // r0 = 0
    constexpr kernel::u64 kExit = 0x95;
    const kernel::u64 insns[] = {kMovR0Zero, kExit};
    kernel::ProgLoadAttr a{};
    a.prog_type = 1; // BPF_PROG_TYPE_SOCKET_FILTER
    a.insn_cnt = 2;
    a.insns = kernel::ptr(insns);
    a.license = kernel::ptr("GPL");
    std::memcpy(a.prog_name, "sysbpf_namechk", sizeof("sysbpf_namechk"));
    // libbpf's probe sends the attr up to prog_token_fd.
    constexpr unsigned kProbeSize = offsetof(kernel::ProgLoadAttr, prog_token_fd) + 4;

    long fd;
    int left = 5;
    do {
        fd = sys::call_fd(kernel::Cmd::ProgLoad, a, kProbeSize);
    } while (fd == -EAGAIN && --left > 0);
    if (fd >= 0) {
        ::close(static_cast<int>(fd));
        return false;
    }
    if (fd != -E2BIG)
        return false;
    features::note_names_refused();
    return true;
}

} // namespace sysbpf
