// The program selftest-secure-exec makes setuid-root and runs as another
// uid. Linked statically (libsysbpf.a and libc): a secure-execution process
// ignores LD_LIBRARY_PATH, by which the kernel VMs find their libraries.
//
//   secure-exec-child inject   two bpf_map_lookup_elem(-1, ...) calls
//   secure-exec-child vlog     one failing program load, no log
// then "euid: N" and "secure: AT_SECURE".
#include <bpf/bpf.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/auxv.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    if (!std::strcmp(argv[1], "inject")) {
        char key[4] = {}, value[8];
        int err[2];
        for (int &e : err) {
            errno = 0;
            bpf_map_lookup_elem(-1, key, value);
            e = errno;
        }
        std::printf("lookup: %s %s\n", strerrorname_np(err[0]), strerrorname_np(err[1]));
    } else if (!std::strcmp(argv[1], "vlog")) {
        // r0 never written: the verifier refuses.
        const bpf_insn prog[] = {{BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, 0}, {BPF_JMP | BPF_EXIT, 0, 0, 0, 0}};
        errno = 0;
        const int r = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "secure_prog", "GPL", prog, 2, nullptr);
        std::printf("load: %d %s\n", r, strerrorname_np(errno));
    } else {
        return 2;
    }
    std::printf("euid: %d\nsecure: %lu\n", static_cast<int>(geteuid()), getauxval(AT_SECURE));
    return 0;
}
