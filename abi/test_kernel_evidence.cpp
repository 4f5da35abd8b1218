// kernel_lacks_cmd gives a reason only with all of its evidence: the checks
// that it stays silent could pass on a helper that never speaks, so one case
// shows it does speak when the evidence is there.
#include "harness/harness.hpp"
#include "kernel_evidence.hpp"

#include <cerrno>
#include <linux/bpf.h>

using abi::kernel_lacks_cmd;

namespace {

struct ClosedMapFd {
    __u32 map_fd = 100000;
};

} // namespace

TEST_CASE("abi: kernel_lacks_cmd speaks only with a matching raw errno and the BTF's word")
{
    ClosedMapFd a;
    // The kernel has BPF_MAP_FREEZE: a closed fd gives EBADF.
    CHECK(kernel_lacks_cmd(BPF_MAP_FREEZE, "BPF_MAP_FREEZE", "5.2", EINVAL, &a, sizeof(a)).empty());
    CHECK(kernel_lacks_cmd(BPF_MAP_FREEZE, "BPF_MAP_FREEZE", "5.2", EBADF, &a, sizeof(a)).empty());
    CHECK(kernel_lacks_cmd(BPF_MAP_FREEZE, "BPF_MAP_FREEZE", "5.2", 0, &a, sizeof(a)).empty());
    // A name the BTF's enum bpf_cmd lacks, with the errno the raw call gives.
    std::string r = kernel_lacks_cmd(BPF_MAP_FREEZE, "BPF_NO_SUCH_CMD", "9.9", EBADF, &a, sizeof(a));
    INFO(r);
    CHECK(r == "kernel without BPF_NO_SUCH_CMD (9.9): its BTF's enum bpf_cmd has no BPF_NO_SUCH_CMD; "
               "raw bpf(BPF_NO_SUCH_CMD) refused the same way, EBADF");
}
