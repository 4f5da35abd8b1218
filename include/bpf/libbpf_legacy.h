/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Names older bpf.h users still spell. The libbpf.so functions upstream's
 * copy declares (libbpf_set_strict_mode(), libbpf_get_error(), ...) are not
 * part of bpf.h and not declared here: callers of them link libbpf.
 */
#ifndef __LIBBPF_LEGACY_BPF_H
#define __LIBBPF_LEGACY_BPF_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "libbpf_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* libbpf 0.x strictness switches; all always on since 1.0. */
enum libbpf_strict_mode {
	LIBBPF_STRICT_ALL = 0xffffffff,
	LIBBPF_STRICT_NONE = 0x00,
	LIBBPF_STRICT_CLEAN_PTRS = 0x01,
	LIBBPF_STRICT_DIRECT_ERRS = 0x02,
	LIBBPF_STRICT_SEC_NAME = 0x04,
	LIBBPF_STRICT_NO_OBJECT_LIST = 0x08,
	LIBBPF_STRICT_AUTO_RLIMIT_MEMLOCK = 0x10,
	LIBBPF_STRICT_MAP_DEFINITIONS = 0x20,
	__LIBBPF_STRICT_LAST,
};

#define DECLARE_LIBBPF_OPTS LIBBPF_OPTS

struct bpf_program;
struct bpf_map;
struct btf;
struct btf_ext;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* __LIBBPF_LEGACY_BPF_H */
