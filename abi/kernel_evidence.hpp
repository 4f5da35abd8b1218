// Evidence that the running kernel lacks a bpf() command, behind the rows'
// kernel_lacks: a reason is given only when the kernel shows it.
#pragma once

#include <string>

namespace abi {

// Why a row's kernel part cannot run on a kernel without bpf() command `cmd`
// (`name`, first in Linux `release`): the library's call failed with lib_err
// (a positive errno), the same command made with raw bpf() and `attr` failed
// with it too, and the kernel's BTF has an enum bpf_cmd without `name`.
// Empty when any of that is not so: then the row runs, and fails on what
// it checks.
std::string kernel_lacks_cmd(int cmd, const char *name, const char *release, int lib_err, const void *attr,
                             unsigned size);

} // namespace abi
