// Marks the extern "C" entry points the shared library exports; the version
// script in abi/ assigns each its libbpf version node.
#pragma once

#define SYSBPF_EXPORT extern "C" __attribute__((visibility("default")))
