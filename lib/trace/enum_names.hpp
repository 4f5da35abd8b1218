// Names of the kernel's map, program and attach types, for trace lines.
#pragma once

namespace sysbpf::trace {

enum class EnumKind : unsigned char { MapType, ProgType, AttachType };

// "BPF_MAP_TYPE_HASH" and the like, or nullptr for a value this library
// does not know (newer than its tables).
const char *enum_prefix(EnumKind k) noexcept;
const char *enum_name(EnumKind k, long long value) noexcept;

} // namespace sysbpf::trace
