/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file libbpf_legacy.h
 * @brief Names that older bpf.h users still spell: DECLARE_LIBBPF_OPTS and
 *        the strict-mode enumeration.
 *
 * sysbpf implements only the bpf.h layer, so the libbpf.so functions that
 * upstream's copy of this header declares (libbpf_set_strict_mode(),
 * libbpf_get_error(), ...) are not declared here: a caller that needs them
 * links libbpf itself.
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

/** Strictness switches of libbpf 0.x; every one is always on since 1.0. */
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

/** The pre-1.0 spelling of LIBBPF_OPTS. */
#define DECLARE_LIBBPF_OPTS LIBBPF_OPTS

struct bpf_program;
struct bpf_map;
struct btf;
struct btf_ext;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* __LIBBPF_LEGACY_BPF_H */
