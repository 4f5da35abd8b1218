// Whether a prog load's E2BIG was the kernel refusing the program name.
#pragma once

namespace sysbpf {

// After a named BPF_PROG_LOAD failed with E2BIG: loads a tiny named socket
// filter, as libbpf's name probe does, to tell a kernel without object names
// (< 4.15, which sees non-zero bytes past the attr it knows) from a real E2BIG.
// When names are refused, notes it in features and returns true. Any other
// answer, including one the probe cannot interpret, returns false.
bool prog_names_refused_by_probe() noexcept;

} // namespace sysbpf
