/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file libbpf_version.h
 * @brief The libbpf API release that sysbpf's headers implement.
 */
#ifndef __LIBBPF_VERSION_H
#define __LIBBPF_VERSION_H

/** Major number of the libbpf API these headers match. */
#define LIBBPF_MAJOR_VERSION 1
/** Minor number of the libbpf API these headers match. */
#define LIBBPF_MINOR_VERSION 7

#endif /* __LIBBPF_VERSION_H */
