/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file libbpf_common.h
 * @brief Export and deprecation annotations and the opts-declaration macros
 *        shared by the bpf.h API.
 */
#ifndef __LIBBPF_LIBBPF_COMMON_H
#define __LIBBPF_LIBBPF_COMMON_H

#include <string.h>
#include "libbpf_version.h"

#ifndef LIBBPF_API
/** Marks a declaration as part of the exported API. */
#define LIBBPF_API __attribute__((visibility("default")))
#endif

/** Marks a declaration deprecated, with @p msg shown by the compiler. */
#define LIBBPF_DEPRECATED(msg) __attribute__((deprecated(msg)))

/* A deprecation is switched on only once the headers reach the release in
 * which it was announced; these helpers select the marker for a release. */
#define __LIBBPF_CURRENT_VERSION_GEQ(major, minor) \
	(LIBBPF_MAJOR_VERSION > (major) || \
	 (LIBBPF_MAJOR_VERSION == (major) && LIBBPF_MINOR_VERSION >= (minor)))

#if __LIBBPF_CURRENT_VERSION_GEQ(1, 0)
#define __LIBBPF_MARK_DEPRECATED_1_0(X) X
#else
#define __LIBBPF_MARK_DEPRECATED_1_0(X)
#endif

/** Deprecated since libbpf @p major.@p minor, once these headers reach it. */
#define LIBBPF_DEPRECATED_SINCE(major, minor, msg) \
	__LIBBPF_MARK_DEPRECATED_ ## major ## _ ## minor \
		(LIBBPF_DEPRECATED("libbpf v" # major "." # minor "+: " msg))

#define ___libbpf_cat(A, B) A ## B
#define ___libbpf_select(NAME, NUM) ___libbpf_cat(NAME, NUM)
#define ___libbpf_nth(_1, _2, _3, _4, _5, _6, N, ...) N
#define ___libbpf_cnt(...) ___libbpf_nth(__VA_ARGS__, 6, 5, 4, 3, 2, 1)
#define ___libbpf_overload(NAME, ...) \
	___libbpf_select(NAME, ___libbpf_cnt(__VA_ARGS__))(__VA_ARGS__)

/**
 * Defines `struct TYPE NAME`, zeroed in full (padding too), with `.sz` set to
 * `sizeof(struct TYPE)` and the given designated initialisers applied.
 *
 * The whole-struct memset matters: the library rejects opts whose bytes past
 * the last field it knows are not zero.
 */
#define LIBBPF_OPTS(TYPE, NAME, ...)					    \
	struct TYPE NAME = ({						    \
		memset(&NAME, 0, sizeof(struct TYPE));			    \
		(struct TYPE) {						    \
			.sz = sizeof(struct TYPE),			    \
			__VA_ARGS__					    \
		};							    \
	})

/**
 * Re-initialises the opts variable NAME as LIBBPF_OPTS would: all bytes zero,
 * `.sz = sizeof(NAME)`, then the given designated initialisers.
 */
#define LIBBPF_OPTS_RESET(NAME, ...)					    \
	do {								    \
		__typeof__(NAME) ___##NAME = ({				    \
			memset(&___##NAME, 0, sizeof(NAME));		    \
			(__typeof__(NAME)) {				    \
				.sz = sizeof(NAME),			    \
				__VA_ARGS__				    \
			};						    \
		});							    \
		memcpy(&NAME, &___##NAME, sizeof(NAME));		    \
	} while (0)

#endif /* __LIBBPF_LIBBPF_COMMON_H */
