/* SPDX-License-Identifier: BSD-2-Clause */
/* The libbpf release whose bpf.h API these headers implement. */
#ifndef __LIBBPF_VERSION_H
#define __LIBBPF_VERSION_H

#define LIBBPF_MAJOR_VERSION 1
#define LIBBPF_MINOR_VERSION 7

#endif /* __LIBBPF_VERSION_H */
