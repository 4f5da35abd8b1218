/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file bpf.h
 * @brief The bpf(2) system call layer of libbpf 1.7, as implemented by sysbpf.
 *
 * Every function wraps one bpf(2) command. Conventions shared by all of them:
 * - Success returns a new file descriptor (always >= 3, close-on-exec) or 0.
 * - Failure returns a negative error code and also sets errno to its
 *   absolute value.
 * - An opts pointer may be NULL (all defaults). Otherwise its `sz` must be at
 *   least `sizeof(size_t)`; fields past `sz` count as zero and outputs past
 *   `sz` are not written; bytes past the last field this library knows must
 *   be zero. A violation gives -EINVAL.
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
 * @brief Sets the RLIMIT_MEMLOCK value the library raises the limit to when
 *        the kernel charges BPF memory against it (kernels before 5.11).
 * @param memlock_bytes new limit; 0 disables the automatic raise.
 * @return 0 on success; -EBUSY once the limit has already been raised.
 */
LIBBPF_API int libbpf_set_memlock_rlim(size_t memlock_bytes);

/** Options for bpf_map_create(). */
struct bpf_map_create_opts {
	size_t sz; /**< size of this struct, for compatibility */

	__u32 btf_fd;			/**< BTF object describing key and value */
	__u32 btf_key_type_id;		/**< BTF type id of the key */
	__u32 btf_value_type_id;	/**< BTF type id of the value */
	__u32 btf_vmlinux_value_type_id; /**< kernel BTF type id (struct_ops) */

	__u32 inner_map_fd;	/**< template map for map-in-map types */
	__u32 map_flags;	/**< BPF_F_* map flags */
	__u64 map_extra;	/**< per-type extra value (bloom filter hashes, ...) */

	__u32 numa_node;	/**< NUMA node, with BPF_F_NUMA_NODE */
	__u32 map_ifindex;	/**< device for offloaded maps */
	__s32 value_type_btf_obj_fd; /**< module BTF holding the value type */

	__u32 token_fd;		/**< BPF token granting the permission */

	const void *excl_prog_hash; /**< hash of the only program allowed to use the map */
	__u32 excl_prog_hash_size;  /**< size of excl_prog_hash in bytes */
	size_t :0;
};
/** The last field of struct bpf_map_create_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_map_create_opts__last_field excl_prog_hash_size

/**
 * @brief Creates a map (BPF_MAP_CREATE).
 * @param map_type BPF_MAP_TYPE_*
 * @param map_name name shown in map info; may be NULL; cut to 15 characters
 * @param key_size key size in bytes
 * @param value_size value size in bytes
 * @param max_entries capacity
 * @param opts optional settings; may be NULL
 * @return map fd on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_map_create(enum bpf_map_type map_type,
			      const char *map_name,
			      __u32 key_size,
			      __u32 value_size,
			      __u32 max_entries,
			      const struct bpf_map_create_opts *opts);

/** Options for bpf_prog_load(). */
struct bpf_prog_load_opts {
	size_t sz; /**< size of this struct, for compatibility */

	/** Tries left when the kernel answers EAGAIN; 0 = library default (5). */
	int attempts;

	enum bpf_attach_type expected_attach_type; /**< attach type checked at load */
	__u32 prog_btf_fd;	/**< BTF of the program (func/line info) */
	__u32 prog_flags;	/**< BPF_F_* load flags */
	__u32 prog_ifindex;	/**< device for offloaded programs */
	__u32 kern_version;	/**< kernel version (old kprobe programs) */

	__u32 attach_btf_id;	 /**< BTF id of the attach target */
	__u32 attach_prog_fd;	 /**< program to extend or trace; excludes attach_btf_obj_fd */
	__u32 attach_btf_obj_fd; /**< module BTF holding attach_btf_id */

	const int *fd_array;	/**< map/BTF fds referenced by index from insns */

	const void *func_info;	  /**< bpf_func_info records */
	__u32 func_info_cnt;	  /**< number of func_info records */
	__u32 func_info_rec_size; /**< size of one func_info record */

	const void *line_info;	  /**< bpf_line_info records */
	__u32 line_info_cnt;	  /**< number of line_info records */
	__u32 line_info_rec_size; /**< size of one line_info record */

	/**
	 * Verifier log level. With 0 and a log_buf, the log is requested only
	 * by a second attempt after a failed load.
	 */
	__u32 log_level;
	__u32 log_size;	/**< size of log_buf; non-zero exactly when log_buf is set */
	char *log_buf;	/**< verifier log output buffer */
	/** Output: log size the kernel needed, terminating NUL included. */
	__u32 log_true_size;
	__u32 token_fd;		/**< BPF token granting the permission */

	__u32 fd_array_cnt;	/**< entries in fd_array, when the kernel should bind them all */
	size_t :0;
};
/** The last field of struct bpf_prog_load_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_prog_load_opts__last_field fd_array_cnt

/**
 * @brief Loads a program (BPF_PROG_LOAD).
 * @param prog_type BPF_PROG_TYPE_*
 * @param prog_name name shown in program info; may be NULL; cut to 15 characters
 * @param license license string, e.g. "GPL"
 * @param insns instructions
 * @param insn_cnt number of instructions
 * @param opts optional settings; may be NULL
 * @return program fd on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_prog_load(enum bpf_prog_type prog_type,
			     const char *prog_name, const char *license,
			     const struct bpf_insn *insns, size_t insn_cnt,
			     struct bpf_prog_load_opts *opts);

/** Options for bpf_btf_load(). */
struct bpf_btf_load_opts {
	size_t sz; /**< size of this struct, for compatibility */

	char *log_buf;	 /**< verifier log output buffer */
	__u32 log_level; /**< log level; with 0 and a log_buf, the log is requested only on failure */
	__u32 log_size;	 /**< size of log_buf; non-zero exactly when log_buf is set */
	/** Output: log size the kernel needed, terminating NUL included. */
	__u32 log_true_size;

	__u32 btf_flags; /**< BPF_F_* flags (BPF_F_TOKEN_FD) */
	__u32 token_fd;	 /**< BPF token granting the permission */
	size_t :0;
};
/** The last field of struct bpf_btf_load_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_btf_load_opts__last_field token_fd

/**
 * @brief Loads BTF type information (BPF_BTF_LOAD).
 * @param btf_data raw BTF: header, types, strings
 * @param btf_size size of btf_data
 * @param opts optional settings; may be NULL
 * @return BTF fd on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_btf_load(const void *btf_data, size_t btf_size,
			    struct bpf_btf_load_opts *opts);

/**
 * @brief Creates or updates an element (BPF_MAP_UPDATE_ELEM).
 * @param fd map fd
 * @param key key
 * @param value value
 * @param flags BPF_ANY, BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_map_update_elem(int fd, const void *key, const void *value,
				   __u64 flags);

/**
 * @brief Reads an element (BPF_MAP_LOOKUP_ELEM).
 * @param fd map fd
 * @param key key
 * @param value output; per-CPU maps fill one value per possible CPU
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_map_lookup_elem(int fd, const void *key, void *value);

/**
 * @brief Reads an element with flags (BPF_MAP_LOOKUP_ELEM).
 * @param fd map fd
 * @param key key
 * @param value output
 * @param flags BPF_F_LOCK, ...
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_map_lookup_elem_flags(int fd, const void *key, void *value,
					 __u64 flags);

/**
 * @brief Reads and removes an element (BPF_MAP_LOOKUP_AND_DELETE_ELEM); for
 *        queue and stack maps pass key NULL.
 * @param fd map fd
 * @param key key
 * @param value output
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_map_lookup_and_delete_elem(int fd, const void *key,
					      void *value);

/**
 * @brief Reads and removes an element, with flags
 *        (BPF_MAP_LOOKUP_AND_DELETE_ELEM).
 * @param fd map fd
 * @param key key
 * @param value output
 * @param flags BPF_F_LOCK, ...
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_map_lookup_and_delete_elem_flags(int fd, const void *key,
						    void *value, __u64 flags);

/**
 * @brief Removes an element (BPF_MAP_DELETE_ELEM).
 * @param fd map fd
 * @param key key
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_map_delete_elem(int fd, const void *key);

/**
 * @brief Removes an element, with flags (BPF_MAP_DELETE_ELEM).
 * @param fd map fd
 * @param key key
 * @param flags element flags
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_map_delete_elem_flags(int fd, const void *key, __u64 flags);

/**
 * @brief Finds the key after @p key (BPF_MAP_GET_NEXT_KEY); a NULL or absent
 *        key gives the first key.
 * @param fd map fd
 * @param key current key, or NULL
 * @param next_key output
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_map_get_next_key(int fd, const void *key, void *next_key);

/**
 * @brief Makes a map read-only for user space (BPF_MAP_FREEZE).
 * @param fd map fd
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_map_freeze(int fd);

/** Options for the batch map operations. */
struct bpf_map_batch_opts {
	size_t sz; /**< size of this struct, for compatibility */
	__u64 elem_flags; /**< flags applied to each element (BPF_F_LOCK) */
	__u64 flags;	  /**< flags of the whole operation */
};
/** The last field of struct bpf_map_batch_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_map_batch_opts__last_field flags

/**
 * @brief Removes a batch of elements (BPF_MAP_DELETE_BATCH).
 * @param fd map fd
 * @param keys @p *count keys, packed
 * @param count in: keys to delete; out: keys deleted
 * @param opts optional settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_map_delete_batch(int fd, const void *keys,
				    __u32 *count,
				    const struct bpf_map_batch_opts *opts);

/**
 * @brief Reads a batch of elements (BPF_MAP_LOOKUP_BATCH).
 * @param fd map fd
 * @param in_batch position to resume from; NULL starts at the beginning
 * @param out_batch output: position for the next call
 * @param keys output keys
 * @param values output values
 * @param count in: room in keys/values; out: elements read
 * @param opts optional settings; may be NULL
 * @return 0 on success (-ENOENT, with errno set, when the map is exhausted);
 *         negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_map_lookup_batch(int fd, void *in_batch, void *out_batch,
				    void *keys, void *values, __u32 *count,
				    const struct bpf_map_batch_opts *opts);

/**
 * @brief Reads and removes a batch of elements
 *        (BPF_MAP_LOOKUP_AND_DELETE_BATCH); arguments as bpf_map_lookup_batch().
 * @param fd map fd
 * @param in_batch position to resume from; NULL starts at the beginning
 * @param out_batch output: position for the next call
 * @param keys output keys
 * @param values output values
 * @param count in: room in keys/values; out: elements read
 * @param opts optional settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_map_lookup_and_delete_batch(int fd, void *in_batch,
					void *out_batch, void *keys,
					void *values, __u32 *count,
					const struct bpf_map_batch_opts *opts);

/**
 * @brief Creates or updates a batch of elements (BPF_MAP_UPDATE_BATCH).
 * @param fd map fd
 * @param keys @p *count keys, packed
 * @param values @p *count values, packed
 * @param count in: elements to write; out: elements written
 * @param opts optional settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_map_update_batch(int fd, const void *keys, const void *values,
				    __u32 *count,
				    const struct bpf_map_batch_opts *opts);

/** Options for bpf_obj_pin_opts(). */
struct bpf_obj_pin_opts {
	size_t sz; /**< size of this struct, for compatibility */

	__u32 file_flags; /**< BPF_F_PATH_FD */
	int path_fd;	  /**< directory fd that a relative pathname starts from */

	size_t :0;
};
/** The last field of struct bpf_obj_pin_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_obj_pin_opts__last_field path_fd

/**
 * @brief Pins a BPF object into a BPF file system (BPF_OBJ_PIN).
 * @param fd object fd
 * @param pathname path inside a bpffs mount
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_obj_pin(int fd, const char *pathname);

/**
 * @brief Pins a BPF object, with options (BPF_OBJ_PIN).
 * @param fd object fd
 * @param pathname path inside a bpffs mount
 * @param opts optional settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_obj_pin_opts(int fd, const char *pathname,
				const struct bpf_obj_pin_opts *opts);

/** Options for bpf_obj_get_opts(). */
struct bpf_obj_get_opts {
	size_t sz; /**< size of this struct, for compatibility */

	__u32 file_flags; /**< BPF_F_RDONLY, BPF_F_WRONLY, BPF_F_PATH_FD */
	int path_fd;	  /**< directory fd that a relative pathname starts from */

	size_t :0;
};
/** The last field of struct bpf_obj_get_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_obj_get_opts__last_field path_fd

/**
 * @brief Opens a pinned BPF object (BPF_OBJ_GET).
 * @param pathname pinned path
 * @return object fd on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_obj_get(const char *pathname);

/**
 * @brief Opens a pinned BPF object, with options (BPF_OBJ_GET).
 * @param pathname pinned path
 * @param opts optional settings; may be NULL
 * @return object fd on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_obj_get_opts(const char *pathname,
				const struct bpf_obj_get_opts *opts);

/**
 * @brief Attaches a program to a hook (BPF_PROG_ATTACH).
 * @param prog_fd program fd
 * @param attachable_fd target (cgroup fd, map fd, ifindex, ...)
 * @param type attach type
 * @param flags BPF_F_ALLOW_OVERRIDE, BPF_F_ALLOW_MULTI, ...
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_prog_attach(int prog_fd, int attachable_fd,
			       enum bpf_attach_type type, unsigned int flags);

/**
 * @brief Detaches the program attached at a hook (BPF_PROG_DETACH).
 * @param attachable_fd target
 * @param type attach type
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_prog_detach(int attachable_fd, enum bpf_attach_type type);

/**
 * @brief Detaches a given program from a hook (BPF_PROG_DETACH).
 * @param prog_fd program fd
 * @param attachable_fd target
 * @param type attach type
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_prog_detach2(int prog_fd, int attachable_fd,
				enum bpf_attach_type type);

/** Options for bpf_prog_attach_opts(). */
struct bpf_prog_attach_opts {
	size_t sz; /**< size of this struct, for compatibility */
	__u32 flags; /**< BPF_F_* attach flags */
	union {
		int replace_prog_fd; /**< program to replace (BPF_F_REPLACE) */
		int replace_fd;	     /**< same as replace_prog_fd */
	};
	int relative_fd;	 /**< anchor program or link fd (BPF_F_BEFORE/AFTER) */
	__u32 relative_id;	 /**< anchor program or link id */
	__u64 expected_revision; /**< fail with -ESTALE unless the hook is at this revision */
	size_t :0;
};
/** The last field of struct bpf_prog_attach_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_prog_attach_opts__last_field expected_revision

/** Options for bpf_prog_detach_opts(). */
struct bpf_prog_detach_opts {
	size_t sz; /**< size of this struct, for compatibility */
	__u32 flags;		 /**< BPF_F_* flags */
	int relative_fd;	 /**< anchor program or link fd */
	__u32 relative_id;	 /**< anchor program or link id */
	__u64 expected_revision; /**< fail with -ESTALE unless the hook is at this revision */
	size_t :0;
};
/** The last field of struct bpf_prog_detach_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_prog_detach_opts__last_field expected_revision

/**
 * @brief Attaches a program to a hook, with options (BPF_PROG_ATTACH).
 * @param prog_fd program fd
 * @param target target fd or ifindex
 * @param type attach type
 * @param opts optional settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_prog_attach_opts(int prog_fd, int target,
				    enum bpf_attach_type type,
				    const struct bpf_prog_attach_opts *opts);

/**
 * @brief Detaches a program from a hook, with options (BPF_PROG_DETACH).
 * @param prog_fd program fd (0 to detach whatever is attached, where allowed)
 * @param target target fd or ifindex
 * @param type attach type
 * @param opts optional settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_prog_detach_opts(int prog_fd, int target,
				    enum bpf_attach_type type,
				    const struct bpf_prog_detach_opts *opts);

union bpf_iter_link_info; /* defined in linux/bpf.h */

/** Options for bpf_link_create(); the union member used follows the attach type. */
struct bpf_link_create_opts {
	size_t sz; /**< size of this struct, for compatibility */
	__u32 flags; /**< link flags */
	union bpf_iter_link_info *iter_info; /**< iterator parameters (BPF_TRACE_ITER) */
	__u32 iter_info_len;		     /**< size of *iter_info */
	__u32 target_btf_id;		     /**< BTF id of the target (tracing, freplace) */
	union {
		/** perf event links (kprobe, uprobe, tracepoint perf events) */
		struct {
			__u64 bpf_cookie; /**< value returned by bpf_get_attach_cookie() */
		} perf_event;
		/** BPF_TRACE_KPROBE_MULTI / BPF_TRACE_KPROBE_SESSION */
		struct {
			__u32 flags;		     /**< BPF_F_KPROBE_MULTI_RETURN */
			__u32 cnt;		     /**< entries in syms, addrs, cookies */
			const char **syms;	     /**< symbol names, or NULL */
			const unsigned long *addrs;  /**< addresses, or NULL */
			const __u64 *cookies;	     /**< per-probe cookies, or NULL */
		} kprobe_multi;
		/** BPF_TRACE_UPROBE_MULTI / BPF_TRACE_UPROBE_SESSION */
		struct {
			__u32 flags;			     /**< BPF_F_UPROBE_MULTI_RETURN */
			__u32 cnt;			     /**< entries in the arrays */
			const char *path;		     /**< binary to probe */
			const unsigned long *offsets;	     /**< file offsets */
			const unsigned long *ref_ctr_offsets; /**< semaphore offsets, or NULL */
			const __u64 *cookies;		     /**< per-probe cookies, or NULL */
			__u32 pid;			     /**< only this process, or 0 */
		} uprobe_multi;
		/** fentry, fexit, fmod_ret, LSM, iterator-less tracing */
		struct {
			__u64 cookie; /**< value returned by bpf_get_attach_cookie() */
		} tracing;
		/** BPF_NETFILTER */
		struct {
			__u32 pf;	/**< protocol family */
			__u32 hooknum;	/**< netfilter hook */
			__s32 priority;	/**< priority in the hook */
			__u32 flags;	/**< BPF_F_NETFILTER_* */
		} netfilter;
		/** BPF_TCX_INGRESS / BPF_TCX_EGRESS */
		struct {
			__u32 relative_fd;	 /**< anchor program or link fd */
			__u32 relative_id;	 /**< anchor program or link id */
			__u64 expected_revision; /**< required revision of the hook */
		} tcx;
		/** BPF_NETKIT_PRIMARY / BPF_NETKIT_PEER */
		struct {
			__u32 relative_fd;	 /**< anchor program or link fd */
			__u32 relative_id;	 /**< anchor program or link id */
			__u64 expected_revision; /**< required revision of the hook */
		} netkit;
		/** cgroup attach types with mprog ordering */
		struct {
			__u32 relative_fd;	 /**< anchor program or link fd */
			__u32 relative_id;	 /**< anchor program or link id */
			__u64 expected_revision; /**< required revision of the hook */
		} cgroup;
	};
	size_t :0;
};
/** The last field of struct bpf_link_create_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_link_create_opts__last_field uprobe_multi.pid

/**
 * @brief Attaches a program through a link object (BPF_LINK_CREATE).
 * @param prog_fd program fd (or map fd for struct_ops links)
 * @param target_fd target fd or ifindex, per attach type
 * @param attach_type attach type
 * @param opts optional settings; may be NULL
 * @return link fd on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_link_create(int prog_fd, int target_fd,
			       enum bpf_attach_type attach_type,
			       const struct bpf_link_create_opts *opts);

/**
 * @brief Detaches a link from its hook, leaving the fd open (BPF_LINK_DETACH).
 * @param link_fd link fd
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_link_detach(int link_fd);

/** Options for bpf_link_update(). */
struct bpf_link_update_opts {
	size_t sz; /**< size of this struct, for compatibility */
	__u32 flags;	   /**< BPF_F_REPLACE to require old_prog_fd / old_map_fd */
	__u32 old_prog_fd; /**< program the link must hold now */
	__u32 old_map_fd;  /**< map the link must hold now (struct_ops) */
};
/** The last field of struct bpf_link_update_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_link_update_opts__last_field old_map_fd

/**
 * @brief Replaces the program of a link (BPF_LINK_UPDATE).
 * @param link_fd link fd
 * @param new_prog_fd new program fd (or map fd for struct_ops links)
 * @param opts optional settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_link_update(int link_fd, int new_prog_fd,
			       const struct bpf_link_update_opts *opts);

/**
 * @brief Opens a new instance of an iterator link (BPF_ITER_CREATE); read()
 *        it to run the iterator.
 * @param link_fd iterator link fd
 * @return iterator fd on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_iter_create(int link_fd);

/** Options for the test-run of a program. Old layout, kept for source compatibility. */
struct bpf_prog_test_run_attr {
	int prog_fd;		/**< program fd */
	int repeat;		/**< runs */
	const void *data_in;	/**< input packet */
	__u32 data_size_in;	/**< size of data_in */
	void *data_out;		/**< output packet */
	__u32 data_size_out;	/**< in: room in data_out; out: bytes written */
	__u32 retval;		/**< output: program return value */
	__u32 duration;		/**< output: average run time, ns */
	const void *ctx_in;	/**< input context */
	__u32 ctx_size_in;	/**< size of ctx_in */
	void *ctx_out;		/**< output context */
	__u32 ctx_size_out;	/**< in: room in ctx_out; out: bytes written */
};

/**
 * @brief Finds the smallest program id greater than @p start_id
 *        (BPF_PROG_GET_NEXT_ID).
 * @param start_id id to start after (0 for the first)
 * @param next_id output
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_prog_get_next_id(__u32 start_id, __u32 *next_id);
/** @brief As bpf_prog_get_next_id(), for maps (BPF_MAP_GET_NEXT_ID).
 * @param start_id id to start after (0 for the first)
 * @param next_id output
 * @return 0 on success; negative error code, otherwise (errno is also set) */
LIBBPF_API int bpf_map_get_next_id(__u32 start_id, __u32 *next_id);
/** @brief As bpf_prog_get_next_id(), for BTF objects (BPF_BTF_GET_NEXT_ID).
 * @param start_id id to start after (0 for the first)
 * @param next_id output
 * @return 0 on success; negative error code, otherwise (errno is also set) */
LIBBPF_API int bpf_btf_get_next_id(__u32 start_id, __u32 *next_id);
/** @brief As bpf_prog_get_next_id(), for links (BPF_LINK_GET_NEXT_ID).
 * @param start_id id to start after (0 for the first)
 * @param next_id output
 * @return 0 on success; negative error code, otherwise (errno is also set) */
LIBBPF_API int bpf_link_get_next_id(__u32 start_id, __u32 *next_id);

/** Options for the bpf_*_get_fd_by_id_opts() functions. */
struct bpf_get_fd_by_id_opts {
	size_t sz; /**< size of this struct, for compatibility */
	__u32 open_flags; /**< BPF_F_RDONLY, BPF_F_WRONLY, BPF_F_TOKEN_FD */
	__u32 token_fd;	  /**< BPF token granting the permission */
	size_t :0;
};
/** The last field of struct bpf_get_fd_by_id_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_get_fd_by_id_opts__last_field token_fd

/** @brief Opens a program by id (BPF_PROG_GET_FD_BY_ID).
 * @param id program id
 * @return program fd on success; negative error code, otherwise (errno is also set) */
LIBBPF_API int bpf_prog_get_fd_by_id(__u32 id);
/** @brief Opens a program by id, with options (BPF_PROG_GET_FD_BY_ID).
 * @param id program id
 * @param opts optional settings; may be NULL
 * @return program fd on success; negative error code, otherwise (errno is also set) */
LIBBPF_API int bpf_prog_get_fd_by_id_opts(__u32 id,
				const struct bpf_get_fd_by_id_opts *opts);
/** @brief Opens a map by id (BPF_MAP_GET_FD_BY_ID).
 * @param id map id
 * @return map fd on success; negative error code, otherwise (errno is also set) */
LIBBPF_API int bpf_map_get_fd_by_id(__u32 id);
/** @brief Opens a map by id, with options (BPF_MAP_GET_FD_BY_ID).
 * @param id map id
 * @param opts optional settings; may be NULL
 * @return map fd on success; negative error code, otherwise (errno is also set) */
LIBBPF_API int bpf_map_get_fd_by_id_opts(__u32 id,
				const struct bpf_get_fd_by_id_opts *opts);
/** @brief Opens a BTF object by id (BPF_BTF_GET_FD_BY_ID).
 * @param id BTF id
 * @return BTF fd on success; negative error code, otherwise (errno is also set) */
LIBBPF_API int bpf_btf_get_fd_by_id(__u32 id);
/** @brief Opens a BTF object by id, with options (BPF_BTF_GET_FD_BY_ID).
 * @param id BTF id
 * @param opts optional settings; may be NULL
 * @return BTF fd on success; negative error code, otherwise (errno is also set) */
LIBBPF_API int bpf_btf_get_fd_by_id_opts(__u32 id,
				const struct bpf_get_fd_by_id_opts *opts);
/** @brief Opens a link by id (BPF_LINK_GET_FD_BY_ID).
 * @param id link id
 * @return link fd on success; negative error code, otherwise (errno is also set) */
LIBBPF_API int bpf_link_get_fd_by_id(__u32 id);
/** @brief Opens a link by id, with options (BPF_LINK_GET_FD_BY_ID).
 * @param id link id
 * @param opts optional settings; may be NULL
 * @return link fd on success; negative error code, otherwise (errno is also set) */
LIBBPF_API int bpf_link_get_fd_by_id_opts(__u32 id,
				const struct bpf_get_fd_by_id_opts *opts);

/**
 * @brief Reads an object's info struct (BPF_OBJ_GET_INFO_BY_FD).
 * @param bpf_fd program, map, BTF or link fd
 * @param info output buffer
 * @param info_len in: size of info; out: bytes the kernel filled
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_obj_get_info_by_fd(int bpf_fd, void *info, __u32 *info_len);

/** @brief bpf_obj_get_info_by_fd() for a program.
 * @param prog_fd program fd
 * @param info output
 * @param info_len in: size of info; out: bytes the kernel filled
 * @return 0 on success; negative error code, otherwise (errno is also set) */
LIBBPF_API int bpf_prog_get_info_by_fd(int prog_fd, struct bpf_prog_info *info,
				       __u32 *info_len);
/** @brief bpf_obj_get_info_by_fd() for a map.
 * @param map_fd map fd
 * @param info output
 * @param info_len in: size of info; out: bytes the kernel filled
 * @return 0 on success; negative error code, otherwise (errno is also set) */
LIBBPF_API int bpf_map_get_info_by_fd(int map_fd, struct bpf_map_info *info,
				      __u32 *info_len);
/** @brief bpf_obj_get_info_by_fd() for a BTF object.
 * @param btf_fd BTF fd
 * @param info output
 * @param info_len in: size of info; out: bytes the kernel filled
 * @return 0 on success; negative error code, otherwise (errno is also set) */
LIBBPF_API int bpf_btf_get_info_by_fd(int btf_fd, struct bpf_btf_info *info,
				      __u32 *info_len);
/** @brief bpf_obj_get_info_by_fd() for a link.
 * @param link_fd link fd
 * @param info output
 * @param info_len in: size of info; out: bytes the kernel filled
 * @return 0 on success; negative error code, otherwise (errno is also set) */
LIBBPF_API int bpf_link_get_info_by_fd(int link_fd, struct bpf_link_info *info,
				       __u32 *info_len);

/** Options for bpf_prog_query_opts(). */
struct bpf_prog_query_opts {
	size_t sz; /**< size of this struct, for compatibility */
	__u32 query_flags;  /**< BPF_F_QUERY_EFFECTIVE */
	__u32 attach_flags; /**< output: flags of the hook */
	__u32 *prog_ids;    /**< output: attached program ids, or NULL */
	union {
		/** in: room in prog_ids (and the other arrays); out: programs attached */
		__u32 prog_cnt;
		/** same as prog_cnt */
		__u32 count;
	};
	__u32 *prog_attach_flags; /**< output: per-program attach flags, or NULL */
	__u32 *link_ids;	  /**< output: per-program link ids, or NULL */
	__u32 *link_attach_flags; /**< output: per-link attach flags, or NULL */
	__u64 revision;		  /**< output: revision of the hook */
	size_t :0;
};
/** The last field of struct bpf_prog_query_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_prog_query_opts__last_field revision

/**
 * @brief Lists the programs attached at a hook (BPF_PROG_QUERY).
 * @param target target fd or ifindex
 * @param type attach type
 * @param opts in/out settings; must hold at least sz
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_prog_query_opts(int target, enum bpf_attach_type type,
				   struct bpf_prog_query_opts *opts);

/**
 * @brief Lists the programs attached at a hook (BPF_PROG_QUERY).
 * @param target_fd target fd or ifindex
 * @param type attach type
 * @param query_flags BPF_F_QUERY_EFFECTIVE
 * @param attach_flags output: flags of the hook, or NULL
 * @param prog_ids output: program ids, or NULL
 * @param prog_cnt in: room in prog_ids; out: programs attached
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_prog_query(int target_fd, enum bpf_attach_type type,
			      __u32 query_flags, __u32 *attach_flags,
			      __u32 *prog_ids, __u32 *prog_cnt);

/** Options for bpf_raw_tracepoint_open_opts(). */
struct bpf_raw_tp_opts {
	size_t sz; /**< size of this struct, for compatibility */
	const char *tp_name; /**< tracepoint; NULL for programs whose target is set at load */
	__u64 cookie;	     /**< value returned by bpf_get_attach_cookie() */
	size_t :0;
};
/** The last field of struct bpf_raw_tp_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_raw_tp_opts__last_field cookie

/**
 * @brief Attaches a raw tracepoint or tracing program (BPF_RAW_TRACEPOINT_OPEN).
 * @param prog_fd program fd
 * @param opts optional settings; may be NULL
 * @return link fd on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_raw_tracepoint_open_opts(int prog_fd, struct bpf_raw_tp_opts *opts);

/**
 * @brief Attaches a raw tracepoint program (BPF_RAW_TRACEPOINT_OPEN).
 * @param name tracepoint name
 * @param prog_fd program fd
 * @return link fd on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_raw_tracepoint_open(const char *name, int prog_fd);

/**
 * @brief Describes the BPF attachment behind another process's fd
 *        (BPF_TASK_FD_QUERY).
 * @param pid process id
 * @param fd fd in that process (perf event or raw tracepoint)
 * @param flags must be 0
 * @param buf output: tracepoint name or probe target, or NULL
 * @param buf_len in: size of buf; out: length of the name
 * @param prog_id output: program id
 * @param fd_type output: BPF_FD_TYPE_*
 * @param probe_offset output: probe offset
 * @param probe_addr output: probe address
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_task_fd_query(int pid, int fd, __u32 flags, char *buf,
				 __u32 *buf_len, __u32 *prog_id, __u32 *fd_type,
				 __u64 *probe_offset, __u64 *probe_addr);

#ifdef __cplusplus
/**
 * @brief Turns on a kind of run-time statistics while the returned fd is open
 *        (BPF_ENABLE_STATS).
 * @param type BPF_STATS_*
 * @return fd on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_enable_stats(int type);
#else
enum bpf_stats_type; /* defined in linux/bpf.h */
/**
 * @brief Turns on a kind of run-time statistics while the returned fd is open
 *        (BPF_ENABLE_STATS).
 * @param type BPF_STATS_*
 * @return fd on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_enable_stats(enum bpf_stats_type type);
#endif

/** Options for bpf_prog_bind_map(). */
struct bpf_prog_bind_opts {
	size_t sz; /**< size of this struct, for compatibility */
	__u32 flags; /**< must be 0 */
};
/** The last field of struct bpf_prog_bind_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_prog_bind_opts__last_field flags

/**
 * @brief Ties a map's lifetime to a program's (BPF_PROG_BIND_MAP).
 * @param prog_fd program fd
 * @param map_fd map fd
 * @param opts optional settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_prog_bind_map(int prog_fd, int map_fd,
				 const struct bpf_prog_bind_opts *opts);

/** Options for bpf_prog_test_run_opts(). */
struct bpf_test_run_opts {
	size_t sz; /**< size of this struct, for compatibility */
	const void *data_in;	/**< input packet, or NULL */
	void *data_out;		/**< output packet buffer, or NULL */
	__u32 data_size_in;	/**< size of data_in */
	__u32 data_size_out;	/**< in: room in data_out; out: bytes the kernel produced */
	const void *ctx_in;	/**< input context, or NULL */
	void *ctx_out;		/**< output context buffer, or NULL */
	__u32 ctx_size_in;	/**< size of ctx_in */
	__u32 ctx_size_out;	/**< in: room in ctx_out; out: bytes the kernel produced */
	__u32 retval;		/**< output: program return value */
	int repeat;		/**< runs; 0 means 1 */
	__u32 duration;		/**< output: average run time, ns */
	__u32 flags;		/**< BPF_F_TEST_* */
	__u32 cpu;		/**< CPU to run on, with BPF_F_TEST_RUN_ON_CPU */
	__u32 batch_size;	/**< XDP live-frames batch size */
};
/** The last field of struct bpf_test_run_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_test_run_opts__last_field batch_size

/**
 * @brief Runs a program on test input (BPF_PROG_TEST_RUN).
 * @param prog_fd program fd
 * @param opts in/out settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_prog_test_run_opts(int prog_fd,
				      struct bpf_test_run_opts *opts);

/** Options for bpf_token_create(). */
struct bpf_token_create_opts {
	size_t sz; /**< size of this struct, for compatibility */
	__u32 flags; /**< must be 0 */
	size_t :0;
};
/** The last field of struct bpf_token_create_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_token_create_opts__last_field flags

/**
 * @brief Creates a BPF token from a delegating bpffs instance (BPF_TOKEN_CREATE).
 * @param bpffs_fd fd of the bpffs mount's root directory
 * @param opts optional settings; may be NULL
 * @return token fd on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_token_create(int bpffs_fd,
				struct bpf_token_create_opts *opts);

/** Options for bpf_prog_stream_read(). */
struct bpf_prog_stream_read_opts {
	size_t sz; /**< size of this struct, for compatibility */
	size_t :0;
};
/** The last field of struct bpf_prog_stream_read_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_prog_stream_read_opts__last_field sz

/**
 * @brief Reads from a program's BPF stream (BPF_PROG_STREAM_READ_BY_FD).
 * @param prog_fd program fd
 * @param stream_id BPF_STDOUT or BPF_STDERR
 * @param buf output buffer
 * @param buf_len size of buf
 * @param opts optional settings; may be NULL
 * @return bytes read on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_prog_stream_read(int prog_fd, __u32 stream_id, void *buf, __u32 buf_len,
				    struct bpf_prog_stream_read_opts *opts);

/** Options for bpf_prog_assoc_struct_ops(). */
struct bpf_prog_assoc_struct_ops_opts {
	size_t sz; /**< size of this struct, for compatibility */
	__u32 flags; /**< must be 0 */
	size_t :0;
};
/** The last field of struct bpf_prog_assoc_struct_ops_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_prog_assoc_struct_ops_opts__last_field flags

/**
 * @brief Associates a program with a struct_ops map (BPF_PROG_ASSOC_STRUCT_OPS).
 * @param prog_fd program fd
 * @param map_fd struct_ops map fd
 * @param opts optional settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 */
LIBBPF_API int bpf_prog_assoc_struct_ops(int prog_fd, int map_fd,
					 struct bpf_prog_assoc_struct_ops_opts *opts);

/** Flag of the legacy map definitions; kept for source compatibility. */
#define MAPS_RELAX_COMPAT	0x01

/** The largest verifier log size old kernels accept. */
#define BPF_LOG_BUF_SIZE (UINT32_MAX >> 8)

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* __LIBBPF_BPF_H */
