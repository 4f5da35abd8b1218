/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The bpf(2) system call layer of libbpf 1.7, as implemented by sysbpf.
 *
 * Each function's errors, with the condition of each, are on its man page,
 * e.g. bpf_map_create(3); the rules below are also in sysbpf(7).
 *
 * - Errors: a failing call returns a negative error code and sets errno to
 *   its absolute value; a successful call leaves errno as it was. -ENOTSUPP
 *   is the kernel's internal code 524, not EOPNOTSUPP.
 * - File descriptors returned are >= 3 and close-on-exec; the caller owns
 *   and closes them.
 * - Opts: a NULL pointer means all defaults. Otherwise `sz` must be at least
 *   sizeof(size_t) and is the size of the struct the caller was built with:
 *   fields past `sz` read as 0 and outputs past it are not written. Bytes
 *   past this release's last field (`<struct>__last_field`) must be zero.
 *   A violation gives -EINVAL before any system call. LIBBPF_OPTS() declares
 *   opts that follow these rules.
 * - Kernel releases: "(6.9)" marks the first Linux release with a command,
 *   field or flag; those without one are in 5.10. A kernel refuses a
 *   non-zero field it does not know, with -E2BIG (or -EINVAL when the field
 *   lies inside its own union bpf_attr).
 * - Old kernels: a create whose object name the kernel refuses (before
 *   4.15) is retried without it; on kernels that charge BPF memory to
 *   RLIMIT_MEMLOCK (before 5.11) the first create refused with EPERM raises
 *   the limit, see libbpf_set_memlock_rlim(), and is retried.
 * - Privileges: the id walks, opening objects by id and bpf_enable_stats()
 *   need CAP_SYS_ADMIN; most creates need CAP_BPF, or a BPF token (6.9).
 * - Object names are cut to 15 characters.
 * - Every function may be called from several threads at once.
 */
#ifndef __LIBBPF_BPF_H
#define __LIBBPF_BPF_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libbpf_common.h"
#include "libbpf_legacy.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Sets the value RLIMIT_MEMLOCK is raised to on kernels before 5.11.
 * @param memlock_bytes new limit (default RLIM_INFINITY); 0: never raise it
 * @return 0 on success; -EBUSY once a create has raised, or tried to raise,
 *         the limit
 */
LIBBPF_API int libbpf_set_memlock_rlim(size_t memlock_bytes);

struct bpf_map_create_opts {
	size_t sz;
	__u32 btf_fd;
	__u32 btf_key_type_id;
	__u32 btf_value_type_id;
	__u32 btf_vmlinux_value_type_id; /* struct_ops maps */
	__u32 inner_map_fd;	/* template of the inner maps of map-in-map types */
	__u32 map_flags;
	__u64 map_extra;	/* bloom filter: number of hashes (5.16); arena: address (6.9) */
	__u32 numa_node;	/* with BPF_F_NUMA_NODE */
	__u32 map_ifindex;	/* offload device */
	__s32 value_type_btf_obj_fd; /* with BPF_F_VTYPE_BTF_OBJ_FD (6.9) */
	__u32 token_fd;		/* with BPF_F_TOKEN_FD (6.9) */
	const void *excl_prog_hash; /* only the program with this hash may use the map (6.18) */
	__u32 excl_prog_hash_size;
	size_t :0;
};
#define bpf_map_create_opts__last_field excl_prog_hash_size

/**
 * @brief Creates a map.
 * @param map_type BPF_MAP_TYPE_*
 * @param map_name name shown in map info, or NULL
 * @param key_size key size in bytes
 * @param value_size value size in bytes
 * @param max_entries capacity
 * @param opts options, or NULL
 * @return new map fd on success; negative error code otherwise
 */
LIBBPF_API int bpf_map_create(enum bpf_map_type map_type,
			      const char *map_name,
			      __u32 key_size,
			      __u32 value_size,
			      __u32 max_entries,
			      const struct bpf_map_create_opts *opts);

struct bpf_prog_load_opts {
	size_t sz;
	int attempts;		/* tries while the kernel answers EAGAIN; 0: 5 */
	enum bpf_attach_type expected_attach_type;
	__u32 prog_btf_fd;	/* BTF of func_info and line_info */
	__u32 prog_flags;
	__u32 prog_ifindex;	/* offload device */
	__u32 kern_version;	/* checked by kprobe loads before 5.0 only */
	__u32 attach_btf_id;
	__u32 attach_prog_fd;	 /* excludes attach_btf_obj_fd */
	__u32 attach_btf_obj_fd; /* module BTF holding attach_btf_id (5.11) */
	const int *fd_array;	/* fds the insns name by index (5.14) */
	const void *func_info;
	__u32 func_info_cnt;
	__u32 func_info_rec_size;
	const void *line_info;
	__u32 line_info_cnt;
	__u32 line_info_rec_size;
	/* With log_level 0 and a log_buf, a failed load is repeated at level 1
	 * to fill the log. A log too small for the verifier's output makes the
	 * load fail with -ENOSPC, whatever the verifier decided. */
	__u32 log_level;
	__u32 log_size;
	char *log_buf;
	__u32 log_true_size;	/* out: log size needed, NUL included; 0 before 6.4 */
	__u32 token_fd;		/* with BPF_F_TOKEN_FD in prog_flags (6.9) */
	__u32 fd_array_cnt;	/* fd_array entries bound to the program, used or not (6.14) */
	size_t :0;
};
#define bpf_prog_load_opts__last_field fd_array_cnt

/**
 * @brief Verifies and loads a program.
 * @param prog_type BPF_PROG_TYPE_*
 * @param prog_name name shown in program info, or NULL
 * @param license license string, e.g. "GPL"
 * @param insns instructions
 * @param insn_cnt number of instructions: at most 1,000,000 with CAP_BPF,
 *        4096 without
 * @param opts options, or NULL; log_true_size is written back
 * @return new program fd on success; negative error code otherwise
 */
LIBBPF_API int bpf_prog_load(enum bpf_prog_type prog_type,
			     const char *prog_name, const char *license,
			     const struct bpf_insn *insns, size_t insn_cnt,
			     struct bpf_prog_load_opts *opts);

struct bpf_btf_load_opts {
	size_t sz;
	/* With log_level 0 and a log_buf, a failed load is repeated at level 1
	 * to fill the log. A log too small makes the load fail with -ENOSPC. */
	char *log_buf;
	__u32 log_level;
	__u32 log_size;
	__u32 log_true_size;	/* out: log size needed, NUL included; 0 before 6.4 */
	__u32 btf_flags;	/* BPF_F_TOKEN_FD (6.9) */
	__u32 token_fd;		/* (6.9) */
	size_t :0;
};
#define bpf_btf_load_opts__last_field token_fd

/**
 * @brief Loads BTF type information.
 * @param btf_data raw BTF: header, types, strings
 * @param btf_size size of btf_data in bytes
 * @param opts options, or NULL; log_true_size is written back
 * @return new BTF fd on success; negative error code otherwise
 */
LIBBPF_API int bpf_btf_load(const void *btf_data, size_t btf_size,
			    struct bpf_btf_load_opts *opts);

/**
 * @brief Creates or updates the element under @p key.
 * @param fd map fd
 * @param key key; NULL for queue and stack maps, which push
 * @param value value; per-CPU maps take one per possible CPU, rounded up
 *        to 8 bytes each
 * @param flags BPF_ANY, BPF_NOEXIST or BPF_EXIST, optionally with BPF_F_LOCK;
 *        per-CPU maps: BPF_F_CPU with the CPU in the upper 32 bits, or
 *        BPF_F_ALL_CPUS, with a single value (7.0)
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_map_update_elem(int fd, const void *key, const void *value,
				   __u64 flags);

/**
 * @brief Copies the value under @p key.
 * @param fd map fd
 * @param key key; NULL for queue and stack maps, which peek
 * @param value out: the value; per-CPU maps fill one per possible CPU
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_map_lookup_elem(int fd, const void *key, void *value);

/**
 * @brief Copies the value under @p key, with flags.
 * @param fd map fd
 * @param key key
 * @param value out: the value
 * @param flags 0 or BPF_F_LOCK; per-CPU maps: BPF_F_CPU with the CPU in the
 *        upper 32 bits, to read that CPU's value (7.0)
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_map_lookup_elem_flags(int fd, const void *key, void *value,
					 __u64 flags);

/**
 * @brief Copies and removes the element under @p key (hash maps: 5.14).
 * @param fd map fd
 * @param key key; NULL for queue and stack maps, which pop
 * @param value out: the value
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_map_lookup_and_delete_elem(int fd, const void *key,
					      void *value);

/**
 * @brief Copies and removes an element, with flags (hash maps: 5.14).
 * @param fd map fd
 * @param key key; NULL for queue and stack maps
 * @param value out: the value
 * @param flags 0 or BPF_F_LOCK
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_map_lookup_and_delete_elem_flags(int fd, const void *key,
						    void *value, __u64 flags);

/**
 * @brief Removes the element under @p key.
 * @param fd map fd
 * @param key key
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_map_delete_elem(int fd, const void *key);

/**
 * @brief Removes the element under @p key, with flags.
 * @param fd map fd
 * @param key key
 * @param flags 0; passed to the kernel as they are, and kernels up to 6.18
 *        refuse any other value
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_map_delete_elem_flags(int fd, const void *key, __u64 flags);

/**
 * @brief Finds the key after @p key.
 *
 * A NULL @p key, or one not in the map, gives the first key: a walk starts
 * with NULL and ends at -ENOENT.
 * @param fd map fd
 * @param key current key, or NULL
 * @param next_key out: the next key
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_map_get_next_key(int fd, const void *key, void *next_key);

/**
 * @brief Makes a map read-only for user space.
 *
 * Writes through the syscall fail from then on; programs can still write.
 * A read-only fd, or a map already frozen, gets -EPERM (6.5; before, the
 * first freezes and the second gets -EBUSY).
 * @param fd map fd
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_map_freeze(int fd);

/* Serves every batch operation. */
struct bpf_map_batch_opts {
	size_t sz;
	__u64 elem_flags;	/* BPF_F_LOCK; per-CPU maps: BPF_F_CPU, BPF_F_ALL_CPUS (7.0) */
	__u64 flags;
};
#define bpf_map_batch_opts__last_field flags

/**
 * @brief Removes a batch of elements, in order.
 * @param fd map fd
 * @param keys @p *count keys, packed
 * @param count in: keys to remove; out: elements removed, also on failure
 * @param opts options, or NULL
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_map_delete_batch(int fd, const void *keys,
				    __u32 *count,
				    const struct bpf_map_batch_opts *opts);

/**
 * @brief Copies a batch of elements.
 *
 * A walk starts with a NULL @p in_batch and passes each @p out_batch back as
 * the next @p in_batch; it ends with -ENOENT, which still returns the last
 * elements in @p *count. Hash maps copy whole buckets: a bucket larger than
 * @p *count gives -ENOSPC. After -EFAULT, @p *count does not tell what was
 * copied (hash maps report 0).
 * @param fd map fd
 * @param in_batch position to resume from, or NULL to start
 * @param out_batch out: position for the next call; room for a key and at
 *        least 4 bytes
 * @param keys out: @p *count keys, packed
 * @param values out: @p *count values, packed
 * @param count in: room in keys and values; out: elements copied
 * @param opts options, or NULL
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_map_lookup_batch(int fd, void *in_batch, void *out_batch,
				    void *keys, void *values, __u32 *count,
				    const struct bpf_map_batch_opts *opts);

/**
 * @brief Copies and removes a batch of elements.
 *
 * As bpf_map_lookup_batch(); a walk to -ENOENT empties the map. After
 * -EFAULT, elements may have been removed that were not copied out.
 * @param fd map fd
 * @param in_batch position to resume from, or NULL to start
 * @param out_batch out: position for the next call
 * @param keys out: @p *count keys, packed
 * @param values out: @p *count values, packed
 * @param count in: room in keys and values; out: elements copied and removed
 * @param opts options, or NULL
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_map_lookup_and_delete_batch(int fd, void *in_batch,
					void *out_batch, void *keys,
					void *values, __u32 *count,
					const struct bpf_map_batch_opts *opts);

/**
 * @brief Creates or updates a batch of elements, in order.
 * @param fd map fd
 * @param keys @p *count keys, packed
 * @param values @p *count values, packed
 * @param count in: elements to write; out: elements written, also on failure
 * @param opts options, or NULL
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_map_update_batch(int fd, const void *keys, const void *values,
				    __u32 *count,
				    const struct bpf_map_batch_opts *opts);

struct bpf_obj_pin_opts {
	size_t sz;
	__u32 file_flags;	/* BPF_F_PATH_FD (6.5) */
	int path_fd;		/* with BPF_F_PATH_FD: directory of a relative path (6.5) */
	size_t :0;
};
#define bpf_obj_pin_opts__last_field path_fd

/**
 * @brief Pins a map, program or link in a BPF file system.
 *
 * The pin holds a reference until it is removed with unlink(2).
 * @param fd map, program or link fd
 * @param pathname path in a BPF file system
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_obj_pin(int fd, const char *pathname);

/**
 * @brief Pins a map, program or link, with options.
 * @param fd map, program or link fd
 * @param pathname path in a BPF file system
 * @param opts options, or NULL
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_obj_pin_opts(int fd, const char *pathname,
				const struct bpf_obj_pin_opts *opts);

struct bpf_obj_get_opts {
	size_t sz;
	__u32 file_flags;	/* BPF_F_RDONLY, BPF_F_WRONLY (maps); BPF_F_PATH_FD (6.5) */
	int path_fd;		/* with BPF_F_PATH_FD: directory of a relative path (6.5) */
	size_t :0;
};
#define bpf_obj_get_opts__last_field path_fd

/**
 * @brief Opens the object pinned at @p pathname.
 * @param pathname pinned path
 * @return new map, program or link fd on success; negative error code
 *         otherwise
 */
LIBBPF_API int bpf_obj_get(const char *pathname);

/**
 * @brief Opens a pinned object, with options.
 *
 * Writes through a BPF_F_RDONLY map fd fail, and so do reads through a
 * BPF_F_WRONLY one.
 * @param pathname pinned path
 * @param opts options, or NULL
 * @return new object fd on success; negative error code otherwise
 */
LIBBPF_API int bpf_obj_get_opts(const char *pathname,
				const struct bpf_obj_get_opts *opts);

/**
 * @brief Attaches a program to a hook.
 *
 * At a cgroup hook, flags 0 and BPF_F_ALLOW_OVERRIDE hold one program, which
 * a later attach with the same flags replaces; BPF_F_ALLOW_MULTI holds a
 * list, run in attach order. The kernel refuses to mix the modes at a hook.
 * @param prog_fd program fd
 * @param attachable_fd target fd (cgroup, map, ...); ifindex for tcx, netkit
 * @param type attach type
 * @param flags 0, BPF_F_ALLOW_OVERRIDE or BPF_F_ALLOW_MULTI
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_prog_attach(int prog_fd, int attachable_fd,
			       enum bpf_attach_type type, unsigned int flags);

/**
 * @brief Detaches the program at a hook without naming it.
 *
 * For hooks that hold one program and need no name, such as a cgroup hook
 * without BPF_F_ALLOW_MULTI; otherwise use bpf_prog_detach2().
 * @param attachable_fd target fd; ifindex for tcx, netkit
 * @param type attach type
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_prog_detach(int attachable_fd, enum bpf_attach_type type);

/**
 * @brief Detaches @p prog_fd from a hook.
 * @param prog_fd program fd
 * @param attachable_fd target fd; ifindex for tcx, netkit
 * @param type attach type
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_prog_detach2(int prog_fd, int attachable_fd,
				enum bpf_attach_type type);

/* Anchors (relative_fd or relative_id, with BPF_F_BEFORE or BPF_F_AFTER) and
 * expected_revision, here and in bpf_prog_detach_opts: tcx (6.6), netkit
 * (6.7), cgroups (6.17, and 6.12.110 of the 6.12 stable series). */
struct bpf_prog_attach_opts {
	size_t sz;
	__u32 flags;
	union {
		int replace_prog_fd;	/* with BPF_F_REPLACE */
		int replace_fd;
	};
	int relative_fd;
	__u32 relative_id;	/* instead of relative_fd; BPF_F_ID is added */
	__u64 expected_revision; /* 0, or the revision the hook must be at */
	size_t :0;
};
#define bpf_prog_attach_opts__last_field expected_revision

struct bpf_prog_detach_opts {
	size_t sz;
	__u32 flags;
	int relative_fd;
	__u32 relative_id;	/* instead of relative_fd; BPF_F_ID is added */
	__u64 expected_revision; /* 0, or the revision the hook must be at */
	size_t :0;
};
#define bpf_prog_detach_opts__last_field expected_revision

/**
 * @brief Attaches a program to a hook, with options.
 * @param prog_fd program fd
 * @param target target fd; ifindex for tcx, netkit
 * @param type attach type
 * @param opts options, or NULL
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_prog_attach_opts(int prog_fd, int target,
				    enum bpf_attach_type type,
				    const struct bpf_prog_attach_opts *opts);

/**
 * @brief Detaches a program from a hook, with options.
 * @param prog_fd program fd; 0 as for bpf_prog_detach()
 * @param target target fd; ifindex for tcx, netkit
 * @param type attach type
 * @param opts options, or NULL
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_prog_detach_opts(int prog_fd, int target,
				    enum bpf_attach_type type,
				    const struct bpf_prog_detach_opts *opts);

union bpf_iter_link_info; /* defined in linux/bpf.h */

/* Only the union member of the attach type is read; the others must be 0. */
struct bpf_link_create_opts {
	size_t sz;
	__u32 flags;
	union bpf_iter_link_info *iter_info;	/* BPF_TRACE_ITER */
	__u32 iter_info_len;
	__u32 target_btf_id;			/* freplace and tracing */
	union {
		struct {
			__u64 bpf_cookie;	/* (5.15) */
		} perf_event;
		struct {			/* (5.18; sessions 6.10) */
			__u32 flags;
			__u32 cnt;
			const char **syms;
			const unsigned long *addrs;
			const __u64 *cookies;
		} kprobe_multi;
		struct {			/* (6.6; sessions 6.13) */
			__u32 flags;
			__u32 cnt;
			const char *path;
			const unsigned long *offsets;
			const unsigned long *ref_ctr_offsets;
			const __u64 *cookies;
			__u32 pid;
		} uprobe_multi;
		struct {
			__u64 cookie;		/* (5.19) */
		} tracing;
		struct {			/* (6.4) */
			__u32 pf;
			__u32 hooknum;
			__s32 priority;
			__u32 flags;
		} netfilter;
		struct {			/* (6.6) */
			__u32 relative_fd;
			__u32 relative_id;
			__u64 expected_revision;
		} tcx;
		struct {			/* (6.7) */
			__u32 relative_fd;
			__u32 relative_id;
			__u64 expected_revision;
		} netkit;
		struct {			/* (6.17; 6.12.110) */
			__u32 relative_fd;
			__u32 relative_id;
			__u64 expected_revision;
		} cgroup;
	};
	size_t :0;
};
#define bpf_link_create_opts__last_field uprobe_multi.pid

/**
 * @brief Attaches a program through a link.
 *
 * Closing the link's last fd, and removing its pins, detaches the program.
 * For raw tracepoint and tracing attach types without target or opts, an
 * -EINVAL is retried as BPF_RAW_TRACEPOINT_OPEN (BPF_LINK_CREATE takes the
 * tracing attach types from 5.19 on).
 * @param prog_fd program fd; map fd for struct_ops links (6.4)
 * @param target_fd target fd, or ifindex (XDP, tcx, netkit); 0 if none
 * @param attach_type attach type
 * @param opts options, or NULL
 * @return new link fd on success; negative error code otherwise
 */
LIBBPF_API int bpf_link_create(int prog_fd, int target_fd,
			       enum bpf_attach_type attach_type,
			       const struct bpf_link_create_opts *opts);

/**
 * @brief Detaches a link from its hook; the fd stays open.
 * @param link_fd link fd
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_link_detach(int link_fd);

struct bpf_link_update_opts {
	size_t sz;
	__u32 flags;	   /* BPF_F_REPLACE: update only if old_*_fd is held */
	__u32 old_prog_fd;
	__u32 old_map_fd;  /* struct_ops links (6.4) */
};
#define bpf_link_update_opts__last_field old_map_fd

/**
 * @brief Replaces the program of a link.
 * @param link_fd link fd
 * @param new_prog_fd program fd; map fd for struct_ops links (6.4)
 * @param opts options, or NULL
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_link_update(int link_fd, int new_prog_fd,
			       const struct bpf_link_update_opts *opts);

/**
 * @brief Opens an instance of an iterator link.
 *
 * Each read(2) of the new fd runs the program on the next objects.
 * @param link_fd link fd from bpf_link_create() with BPF_TRACE_ITER
 * @return new iterator fd on success; negative error code otherwise
 */
LIBBPF_API int bpf_iter_create(int link_fd);

/* libbpf's old test-run arguments; no function takes it any more. */
struct bpf_prog_test_run_attr {
	int prog_fd;
	int repeat;
	const void *data_in;
	__u32 data_size_in;
	void *data_out;
	__u32 data_size_out;	/* in: room in data_out; out: bytes written */
	__u32 retval;		/* out */
	__u32 duration;		/* out: mean run time, ns */
	const void *ctx_in;
	__u32 ctx_size_in;
	void *ctx_out;
	__u32 ctx_size_out;	/* in: room in ctx_out; out: bytes written */
};

/**
 * @brief Finds the smallest program id above @p start_id.
 * @param start_id 0 to start a walk, else the last id found
 * @param next_id out: the id, left alone on failure
 * @return 0 on success; negative error code otherwise (-ENOENT: no more)
 */
LIBBPF_API int bpf_prog_get_next_id(__u32 start_id, __u32 *next_id);

/**
 * @brief Finds the smallest map id above @p start_id.
 * @param start_id 0 to start a walk, else the last id found
 * @param next_id out: the id, left alone on failure
 * @return 0 on success; negative error code otherwise (-ENOENT: no more)
 */
LIBBPF_API int bpf_map_get_next_id(__u32 start_id, __u32 *next_id);

/**
 * @brief Finds the smallest BTF id above @p start_id.
 * @param start_id 0 to start a walk, else the last id found
 * @param next_id out: the id, left alone on failure
 * @return 0 on success; negative error code otherwise (-ENOENT: no more)
 */
LIBBPF_API int bpf_btf_get_next_id(__u32 start_id, __u32 *next_id);

/**
 * @brief Finds the smallest link id above @p start_id.
 * @param start_id 0 to start a walk, else the last id found
 * @param next_id out: the id, left alone on failure
 * @return 0 on success; negative error code otherwise (-ENOENT: no more)
 */
LIBBPF_API int bpf_link_get_next_id(__u32 start_id, __u32 *next_id);

/* Serves the four *_get_fd_by_id_opts() functions. */
struct bpf_get_fd_by_id_opts {
	size_t sz;
	__u32 open_flags; /* maps: BPF_F_RDONLY, BPF_F_WRONLY; BTF: BPF_F_TOKEN_FD (6.15) */
	__u32 token_fd;	  /* BTF only (6.15) */
	size_t :0;
};
#define bpf_get_fd_by_id_opts__last_field token_fd

/**
 * @brief Opens the program with id @p id.
 * @param id program id
 * @return new program fd on success; negative error code otherwise
 */
LIBBPF_API int bpf_prog_get_fd_by_id(__u32 id);

/**
 * @brief Opens the program with id @p id, with options.
 * @param id program id
 * @param opts options, or NULL; programs take no open_flags
 * @return new program fd on success; negative error code otherwise
 */
LIBBPF_API int bpf_prog_get_fd_by_id_opts(__u32 id,
				const struct bpf_get_fd_by_id_opts *opts);

/**
 * @brief Opens the map with id @p id, read-write.
 * @param id map id
 * @return new map fd on success; negative error code otherwise
 */
LIBBPF_API int bpf_map_get_fd_by_id(__u32 id);

/**
 * @brief Opens the map with id @p id, with options.
 * @param id map id
 * @param opts options, or NULL
 * @return new map fd on success; negative error code otherwise
 */
LIBBPF_API int bpf_map_get_fd_by_id_opts(__u32 id,
				const struct bpf_get_fd_by_id_opts *opts);

/**
 * @brief Opens the BTF object with id @p id.
 * @param id BTF id
 * @return new BTF fd on success; negative error code otherwise
 */
LIBBPF_API int bpf_btf_get_fd_by_id(__u32 id);

/**
 * @brief Opens the BTF object with id @p id, with options.
 * @param id BTF id
 * @param opts options, or NULL
 * @return new BTF fd on success; negative error code otherwise
 */
LIBBPF_API int bpf_btf_get_fd_by_id_opts(__u32 id,
				const struct bpf_get_fd_by_id_opts *opts);

/**
 * @brief Opens the link with id @p id.
 * @param id link id
 * @return new link fd on success; negative error code otherwise
 */
LIBBPF_API int bpf_link_get_fd_by_id(__u32 id);

/**
 * @brief Opens the link with id @p id, with options.
 * @param id link id
 * @param opts options, or NULL; links take no open_flags
 * @return new link fd on success; negative error code otherwise
 */
LIBBPF_API int bpf_link_get_fd_by_id_opts(__u32 id,
				const struct bpf_get_fd_by_id_opts *opts);

/**
 * @brief Reads what the kernel reports about an object.
 *
 * The kernel fills struct bpf_prog_info, bpf_map_info, bpf_btf_info or
 * bpf_link_info, as the fd's kind says, up to @p *info_len bytes; bytes of
 * @p info past the kernel's struct must be zero. Pointer fields of the info
 * structs (e.g. map_ids) name caller buffers, filled up to their counts.
 * @param bpf_fd program, map, BTF or link fd
 * @param info in/out: info struct
 * @param info_len in: size of @p info; out: bytes filled
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_obj_get_info_by_fd(int bpf_fd, void *info, __u32 *info_len);

/**
 * @brief bpf_obj_get_info_by_fd() for a program; the fd's kind is unchecked.
 * @param prog_fd program fd
 * @param info in/out: program info
 * @param info_len in: size of @p info; out: bytes filled
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_prog_get_info_by_fd(int prog_fd, struct bpf_prog_info *info,
				       __u32 *info_len);

/**
 * @brief bpf_obj_get_info_by_fd() for a map; the fd's kind is unchecked.
 * @param map_fd map fd
 * @param info out: map info
 * @param info_len in: size of @p info; out: bytes filled
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_map_get_info_by_fd(int map_fd, struct bpf_map_info *info,
				      __u32 *info_len);

/**
 * @brief bpf_obj_get_info_by_fd() for BTF; the fd's kind is unchecked.
 * @param btf_fd BTF fd
 * @param info in/out: BTF info
 * @param info_len in: size of @p info; out: bytes filled
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_btf_get_info_by_fd(int btf_fd, struct bpf_btf_info *info,
				      __u32 *info_len);

/**
 * @brief bpf_obj_get_info_by_fd() for a link; the fd's kind is unchecked.
 * @param link_fd link fd
 * @param info in/out: link info
 * @param info_len in: size of @p info; out: bytes filled
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_link_get_info_by_fd(int link_fd, struct bpf_link_info *info,
				       __u32 *info_len);

struct bpf_prog_query_opts {
	size_t sz;
	__u32 query_flags;	/* BPF_F_QUERY_EFFECTIVE: with inherited cgroup programs */
	__u32 attach_flags;	/* out */
	__u32 *prog_ids;	/* out, or NULL */
	union {
		__u32 prog_cnt;	/* in: room in the arrays; out: programs attached */
		__u32 count;
	};
	__u32 *prog_attach_flags; /* out, or NULL; not with BPF_F_QUERY_EFFECTIVE (6.0) */
	__u32 *link_ids;	  /* out, or NULL (6.6) */
	__u32 *link_attach_flags; /* out, or NULL (6.6) */
	__u64 revision;		  /* out (6.6) */
	size_t :0;
};
#define bpf_prog_query_opts__last_field revision

/**
 * @brief Lists the programs at a hook, in the order they run.
 *
 * The outputs are written back on failure too; after -ENOSPC the count is
 * the number attached and the arrays hold the first ones.
 * @param target target fd; ifindex for tcx, netkit
 * @param type attach type
 * @param opts in/out: query; NULL reports nothing
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_prog_query_opts(int target, enum bpf_attach_type type,
				   struct bpf_prog_query_opts *opts);

/**
 * @brief Lists the programs at a hook.
 *
 * The outputs are written back on failure too, as by bpf_prog_query_opts().
 * @param target_fd target fd; ifindex for tcx, netkit
 * @param type attach type
 * @param query_flags 0 or BPF_F_QUERY_EFFECTIVE
 * @param attach_flags out: the hook's attach flags, or NULL
 * @param prog_ids out: program ids, or NULL
 * @param prog_cnt in: room in prog_ids; out: programs attached
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_prog_query(int target_fd, enum bpf_attach_type type,
			      __u32 query_flags, __u32 *attach_flags,
			      __u32 *prog_ids, __u32 *prog_cnt);

struct bpf_raw_tp_opts {
	size_t sz;
	const char *tp_name;	/* NULL for programs whose target was set at load */
	__u64 cookie;		/* (6.10) */
	size_t :0;
};
#define bpf_raw_tp_opts__last_field cookie

/**
 * @brief Attaches a raw tracepoint or tracing program, with options.
 * @param prog_fd program fd
 * @param opts options, or NULL
 * @return new link fd on success; negative error code otherwise
 */
LIBBPF_API int bpf_raw_tracepoint_open_opts(int prog_fd, struct bpf_raw_tp_opts *opts);

/**
 * @brief Attaches a raw tracepoint or tracing program.
 * @param name tracepoint; NULL for programs whose target was set at load
 * @param prog_fd program fd
 * @return new link fd on success; negative error code otherwise
 */
LIBBPF_API int bpf_raw_tracepoint_open(const char *name, int prog_fd);

/**
 * @brief Describes the link or perf event behind a process's fd.
 *
 * Every output is written back whatever the result; after errors other than
 * -ENOSPC they read 0 and @p *buf_len keeps its value.
 * @param pid process id
 * @param fd fd in that process
 * @param flags 0
 * @param buf out: tracepoint name or probe target, NUL-terminated, or NULL
 * @param buf_len in: size of buf; out: length of the name, NUL excluded
 * @param prog_id out: program id
 * @param fd_type out: BPF_FD_TYPE_*
 * @param probe_offset out: probe offset
 * @param probe_addr out: probe address
 * @return 0 on success; negative error code otherwise (-ENOSPC: buf holds
 *         what fits, the other outputs are set)
 */
LIBBPF_API int bpf_task_fd_query(int pid, int fd, __u32 flags, char *buf,
				 __u32 *buf_len, __u32 *prog_id, __u32 *fd_type,
				 __u64 *probe_offset, __u64 *probe_addr);

/**
 * @brief Counts run time and runs of every program while the fd is open.
 * @param type BPF_STATS_RUN_TIME
 * @return new fd on success; negative error code otherwise
 */
#ifdef __cplusplus
LIBBPF_API int bpf_enable_stats(int type);
#else
enum bpf_stats_type; /* defined in linux/bpf.h */
LIBBPF_API int bpf_enable_stats(enum bpf_stats_type type);
#endif

struct bpf_prog_bind_opts {
	size_t sz;
	__u32 flags;
};
#define bpf_prog_bind_opts__last_field flags

/**
 * @brief Makes a program hold a map as if its instructions used it.
 * @param prog_fd program fd
 * @param map_fd map fd
 * @param opts options, or NULL
 * @return 0 on success, also if already bound; negative error code otherwise
 */
LIBBPF_API int bpf_prog_bind_map(int prog_fd, int map_fd,
				 const struct bpf_prog_bind_opts *opts);

struct bpf_test_run_opts {
	size_t sz;
	const void *data_in;
	void *data_out;
	__u32 data_size_in;
	__u32 data_size_out;	/* in: room in data_out; out: bytes produced */
	const void *ctx_in;
	void *ctx_out;
	__u32 ctx_size_in;
	__u32 ctx_size_out;	/* in: room in ctx_out; out: bytes produced */
	__u32 retval;		/* out: program's return value */
	int repeat;		/* 0: 1 */
	__u32 duration;		/* out: mean run time, ns */
	__u32 flags;		/* BPF_F_TEST_* */
	__u32 cpu;		/* with BPF_F_TEST_RUN_ON_CPU */
	__u32 batch_size;	/* with BPF_F_TEST_XDP_LIVE_FRAMES (5.18) */
};
#define bpf_test_run_opts__last_field batch_size

/**
 * @brief Runs a program on test input without attaching it.
 *
 * The outputs are written back on failure too; after -ENOSPC data_out holds
 * what fits and data_size_out the full size.
 * @param prog_fd program fd
 * @param opts in/out: input, output and run settings, or NULL
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_prog_test_run_opts(int prog_fd,
				      struct bpf_test_run_opts *opts);

struct bpf_token_create_opts {
	size_t sz;
	__u32 flags;
	size_t :0;
};
#define bpf_token_create_opts__last_field flags

/**
 * @brief Creates a BPF token (6.9).
 *
 * Calls given the token (token_fd with BPF_F_TOKEN_FD) may use what the file
 * system's delegate_* mount options allow, with capabilities checked in the
 * user namespace that owns the file system; the caller must be in it.
 * @param bpffs_fd root directory of a BPF file system mounted with
 *        delegate_* options, opened with open(2) (not O_PATH)
 * @param opts options, or NULL
 * @return new token fd on success; negative error code otherwise
 */
LIBBPF_API int bpf_token_create(int bpffs_fd,
				struct bpf_token_create_opts *opts);

struct bpf_prog_stream_read_opts {
	size_t sz;
	size_t :0;
};
#define bpf_prog_stream_read_opts__last_field sz

/**
 * @brief Reads what a program wrote to one of its BPF streams (6.17).
 * @param prog_fd program fd
 * @param stream_id BPF_STDOUT (1) or BPF_STDERR (2)
 * @param buf out: bytes read
 * @param buf_len size of buf
 * @param opts options, or NULL
 * @return bytes read (0 for an empty stream) on success; negative error code
 *         otherwise
 */
LIBBPF_API int bpf_prog_stream_read(int prog_fd, __u32 stream_id, void *buf, __u32 buf_len,
				    struct bpf_prog_stream_read_opts *opts);

struct bpf_prog_assoc_struct_ops_opts {
	size_t sz;
	__u32 flags;
	size_t :0;
};
#define bpf_prog_assoc_struct_ops_opts__last_field flags

/**
 * @brief Associates a program with a struct_ops map (7.0).
 * @param prog_fd program fd, not of a struct_ops program
 * @param map_fd struct_ops map fd
 * @param opts options, or NULL
 * @return 0 on success; negative error code otherwise
 */
LIBBPF_API int bpf_prog_assoc_struct_ops(int prog_fd, int map_fd,
					 struct bpf_prog_assoc_struct_ops_opts *opts);

/* Flag of the legacy map definitions; kept for source compatibility. */
#define MAPS_RELAX_COMPAT	0x01

/* The largest verifier log kernels before 5.2 accept. */
#define BPF_LOG_BUF_SIZE (UINT32_MAX >> 8)

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* __LIBBPF_BPF_H */
