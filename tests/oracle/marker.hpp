// The channel from the driver (the traced child) to the tracer: a system call
// number no kernel has. The tracer reads its arguments at syscall entry; the
// kernel answers ENOSYS, which the driver ignores.
#pragma once

namespace oracle {

constexpr long kMarkerNr = 0x6f72; // "or"

enum MarkerOp : long {
    kEmit = 1,   // (text, len): a line of the record stream
    kReg = 2,    // (name, addr, len): a caller buffer; attr pointers into it print as &name+off
    kInject = 3, // (errs, n): the next n bpf() calls answer -errs[i] without entering the kernel (0: let through)
    kCase = 4,   // (): a case starts; registrations are dropped
};

} // namespace oracle
