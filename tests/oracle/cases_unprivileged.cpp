// The unprivileged run: the fixtures are made as root, then the process
// becomes nobody (no capabilities) and every group runs again. With
// kernel.unprivileged_bpf_disabled set, creates answer EPERM: libbpf's and
// sysbpf's memlock handling and their answers for fds already open meet here.
#include "driver.hpp"

#include <cstdio>
#include <cstdlib>

#include <sys/prctl.h>
#include <unistd.h>

namespace oracle {

void cases_unprivileged()
{
    begin("setup: drop to nobody");
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || setresgid(65534, 65534, 65534) != 0 ||
        setresuid(65534, 65534, 65534) != 0) {
        std::fprintf(stderr, "oracle-driver: cannot become nobody\n");
        std::exit(2);
    }
    cases_every_group();
}

} // namespace oracle
