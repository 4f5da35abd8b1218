/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file bpf.h
 * @brief The bpf(2) system call layer of libbpf 1.7, as implemented by sysbpf.
 *
 * Each function wraps one bpf(2) command; its page, bpf_<name>(3), lists the
 * errors a caller can act on, each produced by a selftest on Linux 6.18 (or
 * marked as the kernel's documented behaviour). The kernel may return others.
 *
 * Conventions shared by every function:
 * - Success returns a new file descriptor (>= 3, close-on-exec), 0, or a
 *   count, and leaves errno as it was.
 * - Failure returns a negative error code and sets errno to its absolute
 *   value. -ENOTSUPP is the kernel's internal code 524 (not EOPNOTSUPP, 95),
 *   which some commands pass to user space unchanged.
 * - An opts pointer may be NULL (all defaults). Otherwise its `sz` must be at
 *   least `sizeof(size_t)`, fields past `sz` read as zero and outputs past
 *   `sz` are not written, and bytes past the last field this release knows
 *   (the `<struct>__last_field` macro) must be zero; a violation gives
 *   -EINVAL before any system call ("bad opts" in the error lists).
 * - Object names are cut to 15 characters (BPF_OBJ_NAME_LEN is 16, the
 *   terminating NUL included).
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
 * @defgroup libbpf_set_memlock_rlim set the RLIMIT_MEMLOCK the library raises to
 * On kernels that charge BPF memory to RLIMIT_MEMLOCK (before 5.11), the
 * object-creating calls raise the limit once, after an EPERM, and retry.
 * Kernels that charge memory to the memory cgroup never need the raise.
 * @{
 */

/**
 * @brief Sets the value RLIMIT_MEMLOCK is raised to.
 * @param memlock_bytes new limit; 0 disables the raise
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -EBUSY the limit has already been raised
 */
LIBBPF_API int libbpf_set_memlock_rlim(size_t memlock_bytes);

/** @} */

/**
 * @defgroup bpf_map_create create a map (BPF_MAP_CREATE)
 * Creates a map of @p map_type holding up to @p max_entries elements of
 * @p key_size and @p value_size bytes.
 * @{
 */

/** Options for bpf_map_create(). */
struct bpf_map_create_opts {
	size_t sz; /**< size of this struct, for compatibility */

	__u32 btf_fd;			/**< BTF object describing key and value */
	__u32 btf_key_type_id;		/**< BTF type id of the key, in btf_fd */
	__u32 btf_value_type_id;	/**< BTF type id of the value, in btf_fd */
	__u32 btf_vmlinux_value_type_id; /**< kernel BTF type id of the value (struct_ops maps) */

	__u32 inner_map_fd;	/**< template map for map-in-map types */
	__u32 map_flags;	/**< BPF_F_* map flags */
	/** per-type extra value; bloom filter: number of hash functions in the
	 *  low 4 bits; arena: the address user space maps it at */
	__u64 map_extra;

	__u32 numa_node;	/**< NUMA node, with BPF_F_NUMA_NODE */
	__u32 map_ifindex;	/**< device for offloaded maps */
	__s32 value_type_btf_obj_fd; /**< module BTF holding btf_vmlinux_value_type_id,
				      *   with BPF_F_VTYPE_BTF_OBJ_FD */

	__u32 token_fd;		/**< BPF token, with BPF_F_TOKEN_FD in map_flags */

	const void *excl_prog_hash; /**< hash of the only program allowed to use the map */
	__u32 excl_prog_hash_size;  /**< size of excl_prog_hash in bytes */
	size_t :0;
};
/** The last field of struct bpf_map_create_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_map_create_opts__last_field excl_prog_hash_size

/**
 * @brief Creates a map.
 * @param map_type BPF_MAP_TYPE_*
 * @param map_name name shown in map info, or NULL; cut to 15 characters
 * @param key_size key size in bytes
 * @param value_size value size in bytes
 * @param max_entries capacity
 * @param opts optional settings; may be NULL
 * @return map fd on success; negative error code, otherwise (errno is also set)
 * @retval -EINVAL an unknown @p map_type; a @p key_size, @p value_size or
 *         BTF type the map type does not accept (e.g. @p key_size 0 for a hash
 *         map, a key type whose size is not @p key_size); a character the
 *         kernel refuses in @p map_name (e.g. a space); bad opts
 * @retval -EBADF @p opts->inner_map_fd is not open
 * @retval -EPERM the caller lacks CAP_BPF (e.g. root of a user namespace
 *         without a BPF token)
 */
LIBBPF_API int bpf_map_create(enum bpf_map_type map_type,
			      const char *map_name,
			      __u32 key_size,
			      __u32 value_size,
			      __u32 max_entries,
			      const struct bpf_map_create_opts *opts);

/** @} */

/**
 * @defgroup bpf_prog_load load a program (BPF_PROG_LOAD)
 * Verifies and loads @p insn_cnt instructions as a program of @p prog_type.
 * While the kernel answers EAGAIN the load is retried, @p opts->attempts
 * times in all. A log buffer with log_level 0 is used only when the load
 * fails: the load is then repeated at log_level 1 to fill it.
 * @{
 */

/** Options for bpf_prog_load(). */
struct bpf_prog_load_opts {
	size_t sz; /**< size of this struct, for compatibility */

	/** Tries while the kernel answers EAGAIN; 0 means 5; negative is refused. */
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
	 * Verifier log level: 1, or 2 to trace every instruction. With 0 and a
	 * log_buf, the log is requested only by a second attempt after a failed
	 * load.
	 */
	__u32 log_level;
	__u32 log_size;	/**< size of log_buf; non-zero exactly when log_buf is set */
	char *log_buf;	/**< verifier log output buffer */
	/** Output: log size the kernel needed, terminating NUL included. */
	__u32 log_true_size;
	__u32 token_fd;		/**< BPF token, with BPF_F_TOKEN_FD in prog_flags */

	/** entries of fd_array to bind to the program, whether insns use them or not */
	__u32 fd_array_cnt;
	size_t :0;
};
/** The last field of struct bpf_prog_load_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_prog_load_opts__last_field fd_array_cnt

/**
 * @brief Loads a program.
 * @param prog_type BPF_PROG_TYPE_*
 * @param prog_name name shown in program info, or NULL; cut to 15 characters
 * @param license license string, e.g. "GPL"
 * @param insns instructions
 * @param insn_cnt number of instructions
 * @param opts optional settings; may be NULL
 * @return program fd on success; negative error code, otherwise (errno is also set)
 * @retval -EACCES the verifier rejected the program (e.g. it reads an
 *         uninitialised register); the log says why
 * @retval -EINVAL an unknown @p prog_type; a malformed program (no final exit,
 *         an unknown opcode); a GPL-only helper under a non-GPL @p license; an
 *         fd_array_cnt entry that is not a map or BTF fd; a character the
 *         kernel refuses in @p prog_name; bad opts, negative attempts,
 *         log_buf without log_size, or both attach_prog_fd and
 *         attach_btf_obj_fd
 * @retval -E2BIG @p insn_cnt is 0 or above the kernel's limit (1,000,000)
 * @retval -ENOSPC the log did not fit in log_size; log_true_size says what
 *         it needs, and no program is loaded
 * @retval -EBADF a map fd the instructions reference is not open
 */
LIBBPF_API int bpf_prog_load(enum bpf_prog_type prog_type,
			     const char *prog_name, const char *license,
			     const struct bpf_insn *insns, size_t insn_cnt,
			     struct bpf_prog_load_opts *opts);

/** @} */

/**
 * @defgroup bpf_btf_load load BTF type information (BPF_BTF_LOAD)
 * Loads raw BTF (header, types, strings) into the kernel. A log buffer with
 * log_level 0 is used only when the load fails: the load is then repeated at
 * log_level 1 to fill it.
 * @{
 */

/** Options for bpf_btf_load(). */
struct bpf_btf_load_opts {
	size_t sz; /**< size of this struct, for compatibility */

	char *log_buf;	 /**< log output buffer */
	__u32 log_level; /**< log level; with 0 and a log_buf, the log is requested only on failure */
	__u32 log_size;	 /**< size of log_buf; set only with log_buf */
	/** Output: log size the kernel needed, terminating NUL included. */
	__u32 log_true_size;

	__u32 btf_flags; /**< BPF_F_* flags (BPF_F_TOKEN_FD) */
	__u32 token_fd;	 /**< BPF token, with BPF_F_TOKEN_FD in btf_flags */
	size_t :0;
};
/** The last field of struct bpf_btf_load_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_btf_load_opts__last_field token_fd

/**
 * @brief Loads BTF type information.
 * @param btf_data raw BTF: header, types, strings
 * @param btf_size size of btf_data
 * @param opts optional settings; may be NULL
 * @return BTF fd on success; negative error code, otherwise (errno is also set)
 * @retval -EINVAL invalid BTF (the log says why); @p btf_size 0 or shorter
 *         than the header; a log the kernel refuses (unknown log_level,
 *         log_buf without log_size); unknown btf_flags; a token_fd that is not
 *         a BPF token; bad opts, or log_size without log_buf
 * @retval -E2BIG @p btf_size above the kernel's limit (16 MiB)
 * @retval -EFAULT @p btf_data cannot be read or log_buf cannot be written
 * @retval -ENOSPC the log did not fit in log_size (even for invalid BTF);
 *         log_true_size says what it needs
 * @retval -EBADF BPF_F_TOKEN_FD with a token_fd that is not open
 */
LIBBPF_API int bpf_btf_load(const void *btf_data, size_t btf_size,
			    struct bpf_btf_load_opts *opts);

/** @} */

/**
 * @defgroup bpf_map_update_elem create or update an element (BPF_MAP_UPDATE_ELEM)
 * Writes @p value under @p key. Per-CPU maps take one value per possible CPU;
 * queue and stack maps take a NULL @p key and push @p value.
 * @{
 */

/**
 * @brief Creates or updates an element.
 * @param fd map fd
 * @param key key
 * @param value value
 * @param flags BPF_ANY, BPF_NOEXIST (create only), BPF_EXIST (update only),
 *        BPF_F_LOCK
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -EEXIST BPF_NOEXIST and the key exists
 * @retval -ENOENT BPF_EXIST and the key does not exist
 * @retval -E2BIG the map is full (hash maps; LRU maps evict instead)
 * @retval -EPERM the map is frozen, or @p fd was opened read-only
 *         (BPF_F_RDONLY)
 * @retval -EINVAL unknown @p flags
 */
LIBBPF_API int bpf_map_update_elem(int fd, const void *key, const void *value,
				   __u64 flags);

/** @} */

/**
 * @defgroup bpf_map_lookup_elem read an element (BPF_MAP_LOOKUP_ELEM)
 * Copies the value stored under @p key to @p value.
 * @{
 */

/**
 * @brief Reads an element.
 * @param fd map fd
 * @param key key
 * @param value output; per-CPU maps fill one value per possible CPU
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no element has @p key
 * @retval -EBADF @p fd is not open
 * @retval -EINVAL @p fd is not a map, or the map type has no lookup from user
 *         space (e.g. a ring buffer)
 * @retval -EPERM @p fd was opened write-only (BPF_F_WRONLY)
 */
LIBBPF_API int bpf_map_lookup_elem(int fd, const void *key, void *value);

/** @} */

/**
 * @defgroup bpf_map_lookup_elem_flags read an element, with flags (BPF_MAP_LOOKUP_ELEM)
 * As bpf_map_lookup_elem(), with element flags.
 * @{
 */

/**
 * @brief Reads an element, with flags.
 * @param fd map fd
 * @param key key
 * @param value output
 * @param flags BPF_F_LOCK: copy under the value's bpf_spin_lock
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no element has @p key
 * @retval -EINVAL BPF_F_LOCK on a map whose value has no bpf_spin_lock
 */
LIBBPF_API int bpf_map_lookup_elem_flags(int fd, const void *key, void *value,
					 __u64 flags);

/** @} */

/**
 * @defgroup bpf_map_lookup_and_delete_elem read and remove an element (BPF_MAP_LOOKUP_AND_DELETE_ELEM)
 * Copies the value under @p key to @p value and removes the element. Queue and
 * stack maps take a NULL @p key and pop.
 * @{
 */

/**
 * @brief Reads and removes an element.
 * @param fd map fd
 * @param key key, or NULL for queue and stack maps
 * @param value output
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no element has @p key, or the queue or stack is empty
 */
LIBBPF_API int bpf_map_lookup_and_delete_elem(int fd, const void *key,
					      void *value);

/** @} */

/**
 * @defgroup bpf_map_lookup_and_delete_elem_flags read and remove an element, with flags (BPF_MAP_LOOKUP_AND_DELETE_ELEM)
 * As bpf_map_lookup_and_delete_elem(), with element flags.
 * @{
 */

/**
 * @brief Reads and removes an element, with flags.
 * @param fd map fd
 * @param key key, or NULL for queue and stack maps
 * @param value output
 * @param flags BPF_F_LOCK: copy under the value's bpf_spin_lock
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no element has @p key
 * @retval -EINVAL BPF_F_LOCK on a map whose value has no bpf_spin_lock
 */
LIBBPF_API int bpf_map_lookup_and_delete_elem_flags(int fd, const void *key,
						    void *value, __u64 flags);

/** @} */

/**
 * @defgroup bpf_map_delete_elem remove an element (BPF_MAP_DELETE_ELEM)
 * Removes the element under @p key.
 * @{
 */

/**
 * @brief Removes an element.
 * @param fd map fd
 * @param key key
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no element has @p key
 * @retval -EINVAL the map's elements cannot be removed (array maps)
 */
LIBBPF_API int bpf_map_delete_elem(int fd, const void *key);

/** @} */

/**
 * @defgroup bpf_map_delete_elem_flags remove an element, with flags (BPF_MAP_DELETE_ELEM)
 * As bpf_map_delete_elem(), with element flags.
 * @{
 */

/**
 * @brief Removes an element, with flags.
 * @param fd map fd
 * @param key key
 * @param flags element flags, passed to the kernel as they are
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no element has @p key
 * @retval -EINVAL @p flags the kernel does not take; an array map
 */
LIBBPF_API int bpf_map_delete_elem_flags(int fd, const void *key, __u64 flags);

/** @} */

/**
 * @defgroup bpf_map_get_next_key iterate over a map's keys (BPF_MAP_GET_NEXT_KEY)
 * Stores the key that follows @p key in @p next_key. A NULL @p key, or one
 * that is not in the map, gives the first key, so a walk starts with NULL and
 * ends at -ENOENT.
 * @{
 */

/**
 * @brief Finds the key after @p key.
 * @param fd map fd
 * @param key current key, or NULL
 * @param next_key output
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT @p key is the last key, or the map is empty
 */
LIBBPF_API int bpf_map_get_next_key(int fd, const void *key, void *next_key);

/** @} */

/**
 * @defgroup bpf_map_freeze make a map read-only for user space (BPF_MAP_FREEZE)
 * After the call, writes from user space fail with -EPERM while lookups keep
 * working; programs can still write (kernel ABI).
 * @{
 */

/**
 * @brief Freezes a map.
 * @param fd map fd
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -EPERM the map is already frozen (Linux 6.1 answers -EBUSY)
 */
LIBBPF_API int bpf_map_freeze(int fd);

/** @} */

/**
 * @defgroup bpf_map_lookup_batch read a batch of elements (BPF_MAP_LOOKUP_BATCH)
 * Copies up to @p *count elements, from the position @p in_batch names, into
 * @p keys and @p values, and stores the position to resume from in
 * @p out_batch. A walk starts with a NULL @p in_batch, passes each
 * @p out_batch back as the next @p in_batch, and ends when the call returns
 * -ENOENT, which carries the last elements. The position is opaque (for array
 * maps, the last key read); give @p in_batch and @p out_batch room for a key
 * and at least 4 bytes.
 *
 * @p *count is written back on failure too: elements copied before an error
 * are counted. Hash maps copy whole buckets: a bucket with more elements than
 * @p *count gives -ENOSPC. Per-CPU maps fill one value per possible CPU for
 * each element.
 *
 * struct bpf_map_batch_opts serves every batch operation.
 * @{
 */

/** Options for the batch map operations. */
struct bpf_map_batch_opts {
	size_t sz; /**< size of this struct, for compatibility */
	__u64 elem_flags; /**< flags applied to each element: 0 or BPF_F_LOCK */
	__u64 flags;	  /**< flags of the whole operation: 0 */
};
/** The last field of struct bpf_map_batch_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_map_batch_opts__last_field flags

/** @} */

/**
 * @defgroup bpf_map_delete_batch remove a batch of elements (BPF_MAP_DELETE_BATCH)
 * Removes the elements under @p *count keys, in order, stopping at the first
 * failure; @p *count then says how many were removed. @p opts is a
 * struct bpf_map_batch_opts, see bpf_map_lookup_batch(3).
 * @{
 */

/**
 * @brief Removes a batch of elements.
 * @param fd map fd
 * @param keys @p *count keys, packed
 * @param count in: keys to remove; out: elements removed
 * @param opts optional settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT a key is not in the map; the keys before it were removed
 * @retval -EPERM the map is frozen
 * @retval -EFAULT @p keys cannot be read
 * @retval -EINVAL @p fd is not a map; bad opts
 * @retval -ENOTSUPP (524) the map type has no batch delete (array maps)
 */
LIBBPF_API int bpf_map_delete_batch(int fd, const void *keys,
				    __u32 *count,
				    const struct bpf_map_batch_opts *opts);

/** @} */

/**
 * @addtogroup bpf_map_lookup_batch
 * @{
 */

/**
 * @brief Reads a batch of elements.
 * @param fd map fd
 * @param in_batch position to resume from; NULL starts at the beginning
 * @param out_batch output: position for the next call
 * @param keys output: @p *count keys, packed
 * @param values output: @p *count values, packed
 * @param count in: room in keys and values; out: elements read
 * @param opts optional settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT the walk is over: @p *count elements (maybe 0) were the last
 * @retval -ENOSPC one hash bucket holds more elements than @p *count
 * @retval -EFAULT @p keys, @p values, @p in_batch or @p out_batch cannot be
 *         accessed (@p *count still counts what was copied)
 * @retval -EBADF @p fd is not open
 * @retval -EINVAL BPF_F_LOCK on a map whose value has no bpf_spin_lock;
 *         non-zero flags; bad opts
 * @retval -ENOTSUPP (524) the map type has no batch operations (e.g. queue
 *         maps)
 */
LIBBPF_API int bpf_map_lookup_batch(int fd, void *in_batch, void *out_batch,
				    void *keys, void *values, __u32 *count,
				    const struct bpf_map_batch_opts *opts);

/** @} */

/**
 * @defgroup bpf_map_lookup_and_delete_batch read and remove a batch of elements (BPF_MAP_LOOKUP_AND_DELETE_BATCH)
 * As bpf_map_lookup_batch(), and removes the elements read: a walk to
 * -ENOENT empties the map.
 * @{
 */

/**
 * @brief Reads and removes a batch of elements.
 * @param fd map fd
 * @param in_batch position to resume from; NULL starts at the beginning
 * @param out_batch output: position for the next call
 * @param keys output: @p *count keys, packed
 * @param values output: @p *count values, packed
 * @param count in: room in keys and values; out: elements read and removed
 * @param opts optional settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT the walk is over: @p *count elements (maybe 0) were the last
 * @retval -EPERM the map is frozen
 * @retval -EINVAL non-zero flags; bad opts
 * @retval -ENOTSUPP (524) the map type has no batch delete (array maps)
 */
LIBBPF_API int bpf_map_lookup_and_delete_batch(int fd, void *in_batch,
					void *out_batch, void *keys,
					void *values, __u32 *count,
					const struct bpf_map_batch_opts *opts);

/** @} */

/**
 * @defgroup bpf_map_update_batch create or update a batch of elements (BPF_MAP_UPDATE_BATCH)
 * Writes @p *count elements, in order, stopping at the first failure;
 * @p *count then says how many were written. @p opts is a
 * struct bpf_map_batch_opts, see bpf_map_lookup_batch(3).
 * @{
 */

/**
 * @brief Creates or updates a batch of elements.
 * @param fd map fd
 * @param keys @p *count keys, packed
 * @param values @p *count values, packed
 * @param count in: elements to write; out: elements written
 * @param opts optional settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -E2BIG the hash map is full, or an array key is out of range
 * @retval -EPERM the map is frozen
 * @retval -EFAULT @p keys or @p values cannot be read
 * @retval -EBADF @p fd is not open
 * @retval -EINVAL elem_flags other than BPF_F_LOCK (per-element update
 *         flags such as BPF_NOEXIST are refused); BPF_F_LOCK on a map whose
 *         value has no bpf_spin_lock; bad opts
 */
LIBBPF_API int bpf_map_update_batch(int fd, const void *keys, const void *values,
				    __u32 *count,
				    const struct bpf_map_batch_opts *opts);

/** @} */

/**
 * @defgroup bpf_obj_pin_opts pin a BPF object, with options (BPF_OBJ_PIN)
 * Pins the map, program or link behind @p fd at @p pathname, in a BPF file
 * system; the pin holds a reference, so the object outlives its fds.
 * @{
 */

/** Options for bpf_obj_pin_opts(). */
struct bpf_obj_pin_opts {
	size_t sz; /**< size of this struct, for compatibility */

	__u32 file_flags; /**< BPF_F_PATH_FD */
	int path_fd;	  /**< directory a relative pathname starts from, with BPF_F_PATH_FD */

	size_t :0;
};
/** The last field of struct bpf_obj_pin_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_obj_pin_opts__last_field path_fd

/** @} */

/**
 * @defgroup bpf_obj_pin pin a BPF object (BPF_OBJ_PIN)
 * Pins the map, program or link behind @p fd at @p pathname, in a BPF file
 * system; the pin holds a reference, so the object outlives its fds. Remove
 * the pin with unlink(2).
 * @{
 */

/**
 * @brief Pins a BPF object.
 * @param fd map, program or link fd
 * @param pathname path in a BPF file system
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -EEXIST @p pathname exists
 * @retval -ENOENT a directory of @p pathname does not exist
 * @retval -EPERM the directory is not in a BPF file system
 * @retval -EINVAL @p fd is not a BPF object, or not open (not -EBADF)
 */
LIBBPF_API int bpf_obj_pin(int fd, const char *pathname);

/** @} */

/**
 * @addtogroup bpf_obj_pin_opts
 * @{
 */

/**
 * @brief Pins a BPF object, with options.
 * @param fd map, program or link fd
 * @param pathname path in a BPF file system; with BPF_F_PATH_FD, relative
 *        to @p opts->path_fd unless absolute
 * @param opts optional settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -EEXIST @p pathname exists
 * @retval -EBADF BPF_F_PATH_FD with a path_fd that is not open
 * @retval -EINVAL path_fd without BPF_F_PATH_FD; file_flags other than
 *         BPF_F_PATH_FD; bad opts
 */
LIBBPF_API int bpf_obj_pin_opts(int fd, const char *pathname,
				const struct bpf_obj_pin_opts *opts);

/** @} */

/**
 * @defgroup bpf_obj_get_opts open a pinned BPF object, with options (BPF_OBJ_GET)
 * Opens the object pinned at @p pathname. Map fds can be opened read-only or
 * write-only: writes through a BPF_F_RDONLY fd and reads through a
 * BPF_F_WRONLY fd fail with -EPERM.
 * @{
 */

/** Options for bpf_obj_get_opts(). */
struct bpf_obj_get_opts {
	size_t sz; /**< size of this struct, for compatibility */

	__u32 file_flags; /**< BPF_F_RDONLY, BPF_F_WRONLY, BPF_F_PATH_FD */
	int path_fd;	  /**< directory a relative pathname starts from, with BPF_F_PATH_FD */

	size_t :0;
};
/** The last field of struct bpf_obj_get_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_obj_get_opts__last_field path_fd

/** @} */

/**
 * @defgroup bpf_obj_get open a pinned BPF object (BPF_OBJ_GET)
 * Opens the map, program or link pinned at @p pathname.
 * @{
 */

/**
 * @brief Opens a pinned BPF object.
 * @param pathname pinned path
 * @return object fd on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT nothing is pinned at @p pathname
 * @retval -EACCES @p pathname is not a pinned BPF object (e.g. a regular file)
 */
LIBBPF_API int bpf_obj_get(const char *pathname);

/** @} */

/**
 * @addtogroup bpf_obj_get_opts
 * @{
 */

/**
 * @brief Opens a pinned BPF object, with options.
 * @param pathname pinned path; with BPF_F_PATH_FD, relative to
 *        @p opts->path_fd unless absolute
 * @param opts optional settings; may be NULL
 * @return object fd on success; negative error code, otherwise (errno is also set)
 * @retval -EBADF BPF_F_PATH_FD with a path_fd that is not open
 * @retval -EINVAL unknown file_flags; bad opts
 */
LIBBPF_API int bpf_obj_get_opts(const char *pathname,
				const struct bpf_obj_get_opts *opts);

/** @} */

/**
 * @defgroup bpf_prog_attach attach a program to a hook (BPF_PROG_ATTACH)
 * Attaches @p prog_fd at the hook @p type of @p attachable_fd (a cgroup, a
 * map, ...). At a cgroup hook, flags 0 or BPF_F_ALLOW_OVERRIDE allow one
 * program, which a later attach with the same flags replaces, and
 * BPF_F_ALLOW_MULTI keeps a list run in attach order; the kernel refuses to
 * mix the modes at one hook.
 * @{
 */

/**
 * @brief Attaches a program to a hook.
 * @param prog_fd program fd
 * @param attachable_fd target (cgroup fd, map fd, ...)
 * @param type attach type
 * @param flags 0, BPF_F_ALLOW_OVERRIDE or BPF_F_ALLOW_MULTI
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -EPERM the hook holds programs attached in the other mode
 *         (BPF_F_ALLOW_MULTI against 0 or BPF_F_ALLOW_OVERRIDE)
 * @retval -EINVAL @p type is unknown or does not fit the program's type;
 *         @p prog_fd is not a program; the program is attached at the hook
 *         already
 * @retval -EBADF @p prog_fd or @p attachable_fd is not open
 */
LIBBPF_API int bpf_prog_attach(int prog_fd, int attachable_fd,
			       enum bpf_attach_type type, unsigned int flags);

/** @} */

/**
 * @defgroup bpf_prog_detach detach the program of a hook (BPF_PROG_DETACH)
 * Detaches the program attached at the hook @p type of @p attachable_fd, for
 * hooks that hold one program; otherwise name the program with
 * bpf_prog_detach2().
 * @{
 */

/**
 * @brief Detaches the program attached at a hook.
 * @param attachable_fd target
 * @param type attach type
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -EINVAL the hook holds several programs (BPF_F_ALLOW_MULTI)
 * @retval -EBADF @p attachable_fd is not open
 */
LIBBPF_API int bpf_prog_detach(int attachable_fd, enum bpf_attach_type type);

/** @} */

/**
 * @defgroup bpf_prog_detach2 detach a given program from a hook (BPF_PROG_DETACH)
 * Detaches @p prog_fd from the hook @p type of @p attachable_fd.
 * @{
 */

/**
 * @brief Detaches a given program from a hook.
 * @param prog_fd program fd
 * @param attachable_fd target
 * @param type attach type
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT the program is not attached at that hook
 * @retval -EBADF @p attachable_fd is not open
 */
LIBBPF_API int bpf_prog_detach2(int prog_fd, int attachable_fd,
				enum bpf_attach_type type);

/** @} */

/**
 * @defgroup bpf_prog_attach_opts attach a program to a hook, with options (BPF_PROG_ATTACH)
 * As bpf_prog_attach(), and with BPF_F_ALLOW_MULTI: BPF_F_REPLACE puts the
 * program in the place of replace_fd; BPF_F_BEFORE or BPF_F_AFTER put it
 * before or after the anchor program named by relative_fd or relative_id, or
 * at the very front or end without an anchor. A non-zero expected_revision
 * makes the attach fail unless the hook is at that revision (each attach and
 * detach increments it; bpf_prog_query_opts() reports it).
 * @{
 */

/** Options for bpf_prog_attach_opts(). */
struct bpf_prog_attach_opts {
	size_t sz; /**< size of this struct, for compatibility */
	/** BPF_F_ALLOW_OVERRIDE, BPF_F_ALLOW_MULTI, BPF_F_REPLACE, BPF_F_BEFORE,
	 *  BPF_F_AFTER */
	__u32 flags;
	union {
		int replace_prog_fd; /**< program to replace (BPF_F_REPLACE) */
		int replace_fd;	     /**< same as replace_prog_fd */
	};
	int relative_fd;	 /**< anchor program fd (BPF_F_BEFORE/AFTER) */
	/** anchor program id, instead of relative_fd; the library adds BPF_F_ID */
	__u32 relative_id;
	__u64 expected_revision; /**< revision the hook must be at, or 0 */
	size_t :0;
};
/** The last field of struct bpf_prog_attach_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_prog_attach_opts__last_field expected_revision

/** @} */

/**
 * @defgroup bpf_prog_detach_opts detach a program from a hook, with options (BPF_PROG_DETACH)
 * As bpf_prog_detach2(), checking the hook's revision against
 * expected_revision when it is not 0.
 * @{
 */

/** Options for bpf_prog_detach_opts(). */
struct bpf_prog_detach_opts {
	size_t sz; /**< size of this struct, for compatibility */
	__u32 flags;		 /**< BPF_F_* detach flags */
	int relative_fd;	 /**< anchor program fd */
	/** anchor program id, instead of relative_fd; the library adds BPF_F_ID */
	__u32 relative_id;
	__u64 expected_revision; /**< revision the hook must be at, or 0 */
	size_t :0;
};
/** The last field of struct bpf_prog_detach_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_prog_detach_opts__last_field expected_revision

/** @} */

/**
 * @addtogroup bpf_prog_attach_opts
 * @{
 */

/**
 * @brief Attaches a program to a hook, with options.
 * @param prog_fd program fd
 * @param target target fd
 * @param type attach type
 * @param opts optional settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT replace_fd or the anchor is not attached at the hook
 * @retval -EPERM BPF_F_BEFORE or BPF_F_AFTER without BPF_F_ALLOW_MULTI; a
 *         mode mismatch as for bpf_prog_attach()
 * @retval -ESTALE the hook is not at expected_revision
 * @retval -EINVAL BPF_F_REPLACE without BPF_F_ALLOW_MULTI; an anchor without
 *         BPF_F_BEFORE or BPF_F_AFTER; both relative_fd and relative_id; bad
 *         opts
 */
LIBBPF_API int bpf_prog_attach_opts(int prog_fd, int target,
				    enum bpf_attach_type type,
				    const struct bpf_prog_attach_opts *opts);

/** @} */

/**
 * @addtogroup bpf_prog_detach_opts
 * @{
 */

/**
 * @brief Detaches a program from a hook, with options.
 * @param prog_fd program fd, or 0 for the hook's only program (as
 *        bpf_prog_detach())
 * @param target target fd
 * @param type attach type
 * @param opts optional settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT the program is not attached at the hook
 * @retval -ESTALE the hook is not at expected_revision
 * @retval -EINVAL both relative_fd and relative_id; at a cgroup hook,
 *         BPF_F_BEFORE or BPF_F_AFTER with an anchor; bad opts
 */
LIBBPF_API int bpf_prog_detach_opts(int prog_fd, int target,
				    enum bpf_attach_type type,
				    const struct bpf_prog_detach_opts *opts);

/** @} */

union bpf_iter_link_info; /* defined in linux/bpf.h */

/**
 * @defgroup bpf_link_create attach a program through a link (BPF_LINK_CREATE)
 * Attaches @p prog_fd at the hook @p attach_type names on @p target_fd (a
 * cgroup, an ifindex, a perf event, a map, ...) and returns a link: closing
 * its last fd (and unpinning it) detaches the program. Which union member of
 * @p opts applies follows @p attach_type; bytes of the others must be zero.
 *
 * For BPF_TRACE_RAW_TP and the tracing attach types (fentry, fexit,
 * fmod_ret, LSM), when the kernel answers EINVAL and neither @p target_fd nor
 * @p opts asks for anything, the attach is retried as
 * BPF_RAW_TRACEPOINT_OPEN without a name (BPF_LINK_CREATE refuses the
 * tracing attach types before 5.19: 5.10 falls back, 6.1 does not); its
 * error is the one returned.
 * @{
 */

/** Options for bpf_link_create(); the union member used follows the attach type. */
struct bpf_link_create_opts {
	size_t sz; /**< size of this struct, for compatibility */
	__u32 flags; /**< link flags: BPF_F_BEFORE, BPF_F_AFTER, BPF_F_LINK, XDP_FLAGS_*, ... */
	union bpf_iter_link_info *iter_info; /**< iterator parameters (BPF_TRACE_ITER) */
	__u32 iter_info_len;		     /**< size of *iter_info; excludes target_btf_id */
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
		/** fentry, fexit, fmod_ret, LSM, tp_btf */
		struct {
			__u64 cookie; /**< value returned by bpf_get_attach_cookie() */
		} tracing;
		/** BPF_NETFILTER */
		struct {
			__u32 pf;	/**< protocol family (NFPROTO_*) */
			__u32 hooknum;	/**< netfilter hook (NF_INET_*) */
			__s32 priority;	/**< priority in the hook; not the first or last value */
			__u32 flags;	/**< BPF_F_NETFILTER_* */
		} netfilter;
		/** BPF_TCX_INGRESS / BPF_TCX_EGRESS */
		struct {
			__u32 relative_fd;	 /**< anchor program or link fd */
			/** anchor id, instead of relative_fd; the library adds BPF_F_ID */
			__u32 relative_id;
			__u64 expected_revision; /**< revision the hook must be at, or 0 */
		} tcx;
		/** BPF_NETKIT_PRIMARY / BPF_NETKIT_PEER */
		struct {
			__u32 relative_fd;	 /**< anchor program or link fd */
			/** anchor id, instead of relative_fd; the library adds BPF_F_ID */
			__u32 relative_id;
			__u64 expected_revision; /**< revision the hook must be at, or 0 */
		} netkit;
		/** cgroup attach types with mprog ordering */
		struct {
			__u32 relative_fd;	 /**< anchor program or link fd */
			/** anchor id, instead of relative_fd; the library adds BPF_F_ID */
			__u32 relative_id;
			__u64 expected_revision; /**< revision the hook must be at, or 0 */
		} cgroup;
	};
	size_t :0;
};
/** The last field of struct bpf_link_create_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_link_create_opts__last_field uprobe_multi.pid

/**
 * @brief Attaches a program through a link.
 * @param prog_fd program fd (the map fd for struct_ops links)
 * @param target_fd target fd or ifindex, per attach type; 0 where there is none
 * @param attach_type attach type
 * @param opts optional settings; may be NULL
 * @return link fd on success; negative error code, otherwise (errno is also set)
 * @retval -EINVAL @p attach_type is unknown or does not fit the program's type;
 *         @p prog_fd is not a program; no XDP device has ifindex
 *         @p target_fd; unknown XDP flags; at a cgroup hook, an anchor named by
 *         its program though it was attached through a link; uprobe_multi with
 *         cnt 0; iter_info without iter_info_len; opts bytes the attach type
 *         does not use; both relative_fd and relative_id; iter_info_len with
 *         target_btf_id; bad opts
 * @retval -EBADF @p prog_fd or @p target_fd is not open; @p target_fd is not
 *         what the attach type needs (a perf event, a cgroup directory); an
 *         iterator's map fd is not open or missing (bpf_map_elem)
 * @retval -EBUSY the hook takes one link and has one (XDP on a device,
 *         a sockmap's verdict)
 * @retval -EEXIST a struct_ops map that is registered already
 * @retval -ENOENT the anchor is not attached at the hook (tcx); the
 *         uprobe_multi path does not exist
 * @retval -ESTALE the hook is not at expected_revision
 * @retval -ENODEV no device has ifindex @p target_fd (tcx)
 * @retval -EACCES an iterator's map has values smaller than the program reads
 * @retval -ERANGE netfilter priority is the first or last value of its type
 * @retval -EPROTO an unknown netfilter hooknum
 * @retval -EAFNOSUPPORT an unknown netfilter pf
 * @retval -EFAULT a raw tracepoint program given no name (the
 *         BPF_RAW_TRACEPOINT_OPEN retry)
 */
LIBBPF_API int bpf_link_create(int prog_fd, int target_fd,
			       enum bpf_attach_type attach_type,
			       const struct bpf_link_create_opts *opts);

/** @} */

/**
 * @defgroup bpf_link_detach detach a link from its hook (BPF_LINK_DETACH)
 * Detaches the link's program from its hook while the link fd stays open;
 * the link then reports no target, and updates fail with -ENOLINK.
 * @{
 */

/**
 * @brief Detaches a link from its hook, leaving the fd open.
 * @param link_fd link fd
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -EBADF @p link_fd is not open
 * @retval -EINVAL @p link_fd is not a link
 * @retval -EOPNOTSUPP the link kind has no hook to leave (iterator links)
 */
LIBBPF_API int bpf_link_detach(int link_fd);

/** @} */

/**
 * @defgroup bpf_link_update replace the program of a link (BPF_LINK_UPDATE)
 * Puts @p new_prog_fd in the place of the link's program; with
 * BPF_F_REPLACE only if the link holds old_prog_fd (old_map_fd for
 * struct_ops links, which take a map as @p new_prog_fd).
 * @{
 */

/** Options for bpf_link_update(). */
struct bpf_link_update_opts {
	size_t sz; /**< size of this struct, for compatibility */
	__u32 flags;	   /**< BPF_F_REPLACE to require old_prog_fd or old_map_fd */
	__u32 old_prog_fd; /**< program the link must hold now */
	__u32 old_map_fd;  /**< map the link must hold now (struct_ops); excludes old_prog_fd */
};
/** The last field of struct bpf_link_update_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_link_update_opts__last_field old_map_fd

/**
 * @brief Replaces the program of a link.
 * @param link_fd link fd
 * @param new_prog_fd new program fd (map fd for struct_ops links)
 * @param opts optional settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -EPERM BPF_F_REPLACE and the link holds another program or map
 * @retval -ENOLINK the link was detached
 * @retval -EBADF @p link_fd is not open
 * @retval -EINVAL @p link_fd is not a link; @p new_prog_fd has another
 *         program type; both old_prog_fd and old_map_fd; bad opts
 */
LIBBPF_API int bpf_link_update(int link_fd, int new_prog_fd,
			       const struct bpf_link_update_opts *opts);

/** @} */

/**
 * @defgroup bpf_iter_create open an iterator instance (BPF_ITER_CREATE)
 * Opens a new instance of the iterator behind an iterator link (see
 * bpf_link_create() with BPF_TRACE_ITER): each read(2) runs the program
 * for the next objects; a read at the end returns 0.
 * @{
 */

/**
 * @brief Opens a new instance of an iterator link.
 * @param link_fd iterator link fd
 * @return iterator fd on success; negative error code, otherwise (errno is also set)
 * @retval -EBADF @p link_fd is not open
 * @retval -EINVAL @p link_fd is not a link, or not an iterator link
 */
LIBBPF_API int bpf_iter_create(int link_fd);

/** @} */

/**
 * @defgroup bpf_prog_test_run_opts run a program on test input (BPF_PROG_TEST_RUN)
 * Runs @p prog_fd @p opts->repeat times on data_in (and ctx_in), without
 * attaching it, and reports its return value, the mean run time, and the
 * packet and context it left in data_out and ctx_out. The outputs are written
 * back (within sz) on failure too.
 * @{
 */

/** Arguments of the test run of a program, in libbpf's old layout; no function of
 *  this release takes it. Kept for source compatibility. */
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

/** @} */

/**
 * @defgroup bpf_prog_get_next_id walk program ids (BPF_PROG_GET_NEXT_ID)
 * Stores the smallest program id above @p start_id in @p next_id; a walk
 * starts at 0 and ends at -ENOENT.
 * @{
 */

/**
 * @brief Finds the next program id.
 * @param start_id id to start after (0 for the first)
 * @param next_id output; left alone on failure
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no program has a larger id
 * @retval -EINVAL @p start_id is INT_MAX or larger
 */
LIBBPF_API int bpf_prog_get_next_id(__u32 start_id, __u32 *next_id);

/** @} */

/**
 * @defgroup bpf_map_get_next_id walk map ids (BPF_MAP_GET_NEXT_ID)
 * As bpf_prog_get_next_id(), for maps.
 * @{
 */

/** @brief Finds the next map id.
 * @param start_id id to start after (0 for the first)
 * @param next_id output; left alone on failure
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no map has a larger id
 * @retval -EINVAL @p start_id is INT_MAX or larger */
LIBBPF_API int bpf_map_get_next_id(__u32 start_id, __u32 *next_id);

/** @} */

/**
 * @defgroup bpf_btf_get_next_id walk BTF object ids (BPF_BTF_GET_NEXT_ID)
 * As bpf_prog_get_next_id(), for BTF objects.
 * @{
 */

/** @brief Finds the next BTF object id.
 * @param start_id id to start after (0 for the first)
 * @param next_id output; left alone on failure
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no BTF object has a larger id
 * @retval -EINVAL @p start_id is INT_MAX or larger */
LIBBPF_API int bpf_btf_get_next_id(__u32 start_id, __u32 *next_id);

/** @} */

/**
 * @defgroup bpf_link_get_next_id walk link ids (BPF_LINK_GET_NEXT_ID)
 * As bpf_prog_get_next_id(), for links.
 * @{
 */

/** @brief Finds the next link id.
 * @param start_id id to start after (0 for the first)
 * @param next_id output; left alone on failure
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no link has a larger id
 * @retval -EINVAL @p start_id is INT_MAX or larger */
LIBBPF_API int bpf_link_get_next_id(__u32 start_id, __u32 *next_id);

/** @} */

/**
 * @defgroup bpf_prog_get_fd_by_id_opts open a program by id, with options (BPF_PROG_GET_FD_BY_ID)
 * Opens the program with id @p id. struct bpf_get_fd_by_id_opts serves the
 * maps', BTF objects' and links' _opts forms as well; which open_flags the
 * kernel takes depends on the object.
 * @{
 */

/** Options for the bpf_*_get_fd_by_id_opts() functions. */
struct bpf_get_fd_by_id_opts {
	size_t sz; /**< size of this struct, for compatibility */
	/** maps: BPF_F_RDONLY or BPF_F_WRONLY; BTF objects: BPF_F_TOKEN_FD;
	 *  programs and links: 0 */
	__u32 open_flags;
	__u32 token_fd;	  /**< BPF token, with BPF_F_TOKEN_FD in open_flags */
	size_t :0;
};
/** The last field of struct bpf_get_fd_by_id_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_get_fd_by_id_opts__last_field token_fd

/** @} */

/**
 * @defgroup bpf_prog_get_fd_by_id open a program by id (BPF_PROG_GET_FD_BY_ID)
 * Opens the program with id @p id, e.g. one found by bpf_prog_get_next_id().
 * @{
 */

/** @brief Opens a program by id.
 * @param id program id
 * @return program fd on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no program has @p id (0 included) */
LIBBPF_API int bpf_prog_get_fd_by_id(__u32 id);

/** @} */

/**
 * @addtogroup bpf_prog_get_fd_by_id_opts
 * @{
 */

/** @brief Opens a program by id, with options.
 * @param id program id
 * @param opts optional settings; may be NULL
 * @return program fd on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no program has @p id
 * @retval -EINVAL open_flags, such as BPF_F_RDONLY, which programs do not
 *         take; bad opts */
LIBBPF_API int bpf_prog_get_fd_by_id_opts(__u32 id,
				const struct bpf_get_fd_by_id_opts *opts);

/** @} */

/**
 * @defgroup bpf_map_get_fd_by_id open a map by id (BPF_MAP_GET_FD_BY_ID)
 * Opens the map with id @p id, read-write.
 * @{
 */

/** @brief Opens a map by id.
 * @param id map id
 * @return map fd on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no map has @p id (0 included) */
LIBBPF_API int bpf_map_get_fd_by_id(__u32 id);

/** @} */

/**
 * @defgroup bpf_map_get_fd_by_id_opts open a map by id, with options (BPF_MAP_GET_FD_BY_ID)
 * Opens the map with id @p id; open_flags BPF_F_RDONLY or BPF_F_WRONLY give an
 * fd through which writes, or reads, fail with -EPERM. @p opts is a
 * struct bpf_get_fd_by_id_opts, see bpf_prog_get_fd_by_id_opts(3).
 * @{
 */

/** @brief Opens a map by id, with options.
 * @param id map id
 * @param opts optional settings; may be NULL
 * @return map fd on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no map has @p id
 * @retval -EINVAL unknown open_flags, or BPF_F_TOKEN_FD; bad opts */
LIBBPF_API int bpf_map_get_fd_by_id_opts(__u32 id,
				const struct bpf_get_fd_by_id_opts *opts);

/** @} */

/**
 * @defgroup bpf_btf_get_fd_by_id open a BTF object by id (BPF_BTF_GET_FD_BY_ID)
 * Opens the BTF object with id @p id.
 * @{
 */

/** @brief Opens a BTF object by id.
 * @param id BTF id
 * @return BTF fd on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no BTF object has @p id (0 included) */
LIBBPF_API int bpf_btf_get_fd_by_id(__u32 id);

/** @} */

/**
 * @defgroup bpf_btf_get_fd_by_id_opts open a BTF object by id, with options (BPF_BTF_GET_FD_BY_ID)
 * Opens the BTF object with id @p id, with a BPF token if open_flags has
 * BPF_F_TOKEN_FD (token_fd is ignored otherwise). @p opts is a
 * struct bpf_get_fd_by_id_opts, see bpf_prog_get_fd_by_id_opts(3).
 * @{
 */

/** @brief Opens a BTF object by id, with options.
 * @param id BTF id
 * @param opts optional settings; may be NULL
 * @return BTF fd on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no BTF object has @p id
 * @retval -EBADF BPF_F_TOKEN_FD with a token_fd that is not open
 * @retval -EINVAL open_flags other than BPF_F_TOKEN_FD, such as
 *         BPF_F_RDONLY; bad opts */
LIBBPF_API int bpf_btf_get_fd_by_id_opts(__u32 id,
				const struct bpf_get_fd_by_id_opts *opts);

/** @} */

/**
 * @defgroup bpf_link_get_fd_by_id open a link by id (BPF_LINK_GET_FD_BY_ID)
 * Opens the link with id @p id.
 * @{
 */

/** @brief Opens a link by id.
 * @param id link id
 * @return link fd on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no link has @p id (0 included) */
LIBBPF_API int bpf_link_get_fd_by_id(__u32 id);

/** @} */

/**
 * @defgroup bpf_link_get_fd_by_id_opts open a link by id, with options (BPF_LINK_GET_FD_BY_ID)
 * Opens the link with id @p id. @p opts is a struct bpf_get_fd_by_id_opts,
 * see bpf_prog_get_fd_by_id_opts(3).
 * @{
 */

/** @brief Opens a link by id, with options.
 * @param id link id
 * @param opts optional settings; may be NULL
 * @return link fd on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no link has @p id
 * @retval -EINVAL open_flags, such as BPF_F_RDONLY, which links do not take;
 *         bad opts */
LIBBPF_API int bpf_link_get_fd_by_id_opts(__u32 id,
				const struct bpf_get_fd_by_id_opts *opts);

/** @} */

/**
 * @defgroup bpf_obj_get_info_by_fd read an object's info (BPF_OBJ_GET_INFO_BY_FD)
 * Fills @p info with what the kernel reports about the program, map, BTF
 * object or link behind @p bpf_fd (struct bpf_prog_info, bpf_map_info,
 * bpf_btf_info or bpf_link_info, by the fd's kind). At most @p *info_len
 * bytes are written, and @p *info_len is set to the bytes filled: a caller
 * built with an older, shorter struct gets its prefix. Bytes of @p info past
 * the kernel's struct must be zero.
 * @{
 */

/**
 * @brief Reads an object's info.
 * @param bpf_fd program, map, BTF or link fd
 * @param info output buffer
 * @param info_len in: size of info; out: bytes the kernel filled
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -EBADFD @p bpf_fd is not open (not -EBADF)
 * @retval -EINVAL @p bpf_fd is not a BPF object
 * @retval -EFAULT @p info cannot be written
 * @retval -E2BIG a non-zero byte of @p info past the kernel's struct
 */
LIBBPF_API int bpf_obj_get_info_by_fd(int bpf_fd, void *info, __u32 *info_len);

/** @} */

/**
 * @defgroup bpf_prog_get_info_by_fd read a program's info (BPF_OBJ_GET_INFO_BY_FD)
 * bpf_obj_get_info_by_fd(), typed for a program. The pointers in
 * struct bpf_prog_info (map_ids, ...) name caller buffers the kernel fills,
 * up to the counts given with them.
 * @{
 */

/** @brief Reads a program's info.
 * @param prog_fd program fd
 * @param info output
 * @param info_len in: size of info; out: bytes the kernel filled
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -EBADFD @p prog_fd is not open (not -EBADF)
 * @retval -EINVAL @p prog_fd is not a BPF object */
LIBBPF_API int bpf_prog_get_info_by_fd(int prog_fd, struct bpf_prog_info *info,
				       __u32 *info_len);

/** @} */

/**
 * @defgroup bpf_map_get_info_by_fd read a map's info (BPF_OBJ_GET_INFO_BY_FD)
 * bpf_obj_get_info_by_fd(), typed for a map.
 * @{
 */

/** @brief Reads a map's info.
 * @param map_fd map fd
 * @param info output
 * @param info_len in: size of info; out: bytes the kernel filled
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -EBADFD @p map_fd is not open (not -EBADF)
 * @retval -EINVAL @p map_fd is not a BPF object
 * @retval -EFAULT @p info cannot be written */
LIBBPF_API int bpf_map_get_info_by_fd(int map_fd, struct bpf_map_info *info,
				      __u32 *info_len);

/** @} */

/**
 * @defgroup bpf_btf_get_info_by_fd read a BTF object's info (BPF_OBJ_GET_INFO_BY_FD)
 * bpf_obj_get_info_by_fd(), typed for a BTF object.
 * @{
 */

/** @brief Reads a BTF object's info.
 * @param btf_fd BTF fd
 * @param info output
 * @param info_len in: size of info; out: bytes the kernel filled
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -EBADFD @p btf_fd is not open (not -EBADF)
 * @retval -EINVAL @p btf_fd is not a BPF object */
LIBBPF_API int bpf_btf_get_info_by_fd(int btf_fd, struct bpf_btf_info *info,
				      __u32 *info_len);

/** @} */

/**
 * @defgroup bpf_link_get_info_by_fd read a link's info (BPF_OBJ_GET_INFO_BY_FD)
 * bpf_obj_get_info_by_fd(), typed for a link.
 * @{
 */

/** @brief Reads a link's info.
 * @param link_fd link fd
 * @param info output
 * @param info_len in: size of info; out: bytes the kernel filled
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -EBADFD @p link_fd is not open (not -EBADF)
 * @retval -EINVAL @p link_fd is not a BPF object */
LIBBPF_API int bpf_link_get_info_by_fd(int link_fd, struct bpf_link_info *info,
				       __u32 *info_len);

/** @} */

/**
 * @defgroup bpf_prog_query_opts list the programs at a hook, with options (BPF_PROG_QUERY)
 * Reports the programs attached at the hook @p type of @p target: their
 * count, and, into the arrays given, their ids and attach flags, in the
 * order they run. The outputs are written back on failure too; with
 * -ENOSPC, count is the number attached and the arrays hold the first ones.
 * @{
 */

/** Options for bpf_prog_query_opts(). */
struct bpf_prog_query_opts {
	size_t sz; /**< size of this struct, for compatibility */
	/** BPF_F_QUERY_EFFECTIVE: what runs at a cgroup, inherited programs included */
	__u32 query_flags;
	__u32 attach_flags; /**< output: attach flags of the hook (cgroups) */
	__u32 *prog_ids;    /**< output: attached program ids, or NULL */
	union {
		/** in: room in prog_ids (and the other arrays); out: programs attached */
		__u32 prog_cnt;
		/** same as prog_cnt */
		__u32 count;
	};
	/** output: per-program attach flags, or NULL; not with BPF_F_QUERY_EFFECTIVE */
	__u32 *prog_attach_flags;
	__u32 *link_ids;	  /**< output: per-program link ids, or NULL */
	__u32 *link_attach_flags; /**< output: per-link attach flags, or NULL */
	__u64 revision;		  /**< output: revision of the hook */
	size_t :0;
};
/** The last field of struct bpf_prog_query_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_prog_query_opts__last_field revision

/**
 * @brief Lists the programs attached at a hook, with options.
 * @param target target fd
 * @param type attach type
 * @param opts in/out settings; NULL reports nothing
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOSPC prog_ids has room for fewer programs than are attached
 * @retval -EBADF @p target is not open, or not a cgroup for a cgroup
 *         attach type
 * @retval -EINVAL unknown query_flags or @p type; prog_attach_flags with
 *         BPF_F_QUERY_EFFECTIVE; bad opts
 */
LIBBPF_API int bpf_prog_query_opts(int target, enum bpf_attach_type type,
				   struct bpf_prog_query_opts *opts);

/** @} */

/**
 * @defgroup bpf_prog_query list the programs at a hook (BPF_PROG_QUERY)
 * The older form of bpf_prog_query_opts(): attach flags, program ids and
 * their count, written back on failure too.
 * @{
 */

/**
 * @brief Lists the programs attached at a hook.
 * @param target_fd target fd
 * @param type attach type
 * @param query_flags BPF_F_QUERY_EFFECTIVE
 * @param attach_flags output: attach flags of the hook, or NULL
 * @param prog_ids output: program ids, or NULL
 * @param prog_cnt in: room in prog_ids; out: programs attached
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOSPC prog_ids has room for fewer programs than are attached;
 *         @p *prog_cnt is the number attached
 */
LIBBPF_API int bpf_prog_query(int target_fd, enum bpf_attach_type type,
			      __u32 query_flags, __u32 *attach_flags,
			      __u32 *prog_ids, __u32 *prog_cnt);

/** @} */

/**
 * @defgroup bpf_raw_tracepoint_open_opts attach a raw tracepoint or tracing program, with options (BPF_RAW_TRACEPOINT_OPEN)
 * Attaches a raw_tracepoint program to the tracepoint tp_name, or a program
 * whose target was set at load (tp_btf, ...) with a NULL tp_name, and returns
 * a link: closing its last fd detaches the program.
 * @{
 */

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
 * @brief Attaches a raw tracepoint or tracing program, with options.
 * @param prog_fd program fd
 * @param opts optional settings; may be NULL
 * @return link fd on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no tracepoint is named tp_name
 * @retval -EBADF @p prog_fd is not open
 * @retval -EINVAL @p prog_fd is a program of another type; bad opts
 */
LIBBPF_API int bpf_raw_tracepoint_open_opts(int prog_fd, struct bpf_raw_tp_opts *opts);

/** @} */

/**
 * @defgroup bpf_raw_tracepoint_open attach a raw tracepoint program (BPF_RAW_TRACEPOINT_OPEN)
 * bpf_raw_tracepoint_open_opts() with tp_name @p name and no cookie.
 * @{
 */

/**
 * @brief Attaches a raw tracepoint program.
 * @param name tracepoint name; NULL for programs whose target is set at load
 * @param prog_fd program fd
 * @return link fd on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT no tracepoint is named @p name
 * @retval -EFAULT @p name is NULL for a raw_tracepoint program
 * @retval -EBADF @p prog_fd is not open
 * @retval -EINVAL @p prog_fd is a program of another type
 */
LIBBPF_API int bpf_raw_tracepoint_open(const char *name, int prog_fd);

/** @} */

/**
 * @defgroup bpf_task_fd_query describe the BPF attachment behind a process's fd (BPF_TASK_FD_QUERY)
 * Reports the program attached through fd @p fd of process @p pid (a BPF link
 * or a perf event) and what it is attached to: the tracepoint name or probe
 * target in @p buf, and the kind in @p fd_type. Every output is written back
 * whatever the result: after errors other than -ENOSPC they read 0, and
 * @p *buf_len keeps the caller's value.
 * @{
 */

/**
 * @brief Describes the BPF attachment behind a process's fd.
 * @param pid process id
 * @param fd fd in that process
 * @param flags 0
 * @param buf output: tracepoint name or probe target, NUL-terminated; or NULL
 * @param buf_len in: size of buf; out: length of the name, without its NUL
 * @param prog_id output: program id
 * @param fd_type output: BPF_FD_TYPE_*
 * @param probe_offset output: probe offset
 * @param probe_addr output: probe address
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOSPC the name does not fit in @p buf: @p buf holds what fits,
 *         NUL-terminated, @p *buf_len is set to the name's length, and the
 *         other outputs are filled
 * @retval -ENOENT no process has @p pid
 * @retval -EBADF @p fd is not open in that process
 * @retval -ENOTSUPP (524) @p fd is neither a BPF link nor a perf event
 *         (a program fd included)
 * @retval -EINVAL @p flags is not 0
 */
LIBBPF_API int bpf_task_fd_query(int pid, int fd, __u32 flags, char *buf,
				 __u32 *buf_len, __u32 *prog_id, __u32 *fd_type,
				 __u64 *probe_offset, __u64 *probe_addr);

/** @} */

/**
 * @defgroup bpf_enable_stats turn on run-time statistics (BPF_ENABLE_STATS)
 * While the returned fd (or any other such fd) is open, the kernel counts
 * the runs and run time of every program, shown as run_cnt and run_time_ns
 * in struct bpf_prog_info.
 * @{
 */

#ifdef __cplusplus
/**
 * @brief Turns on run-time statistics while the returned fd is open.
 * @param type BPF_STATS_RUN_TIME
 * @return fd on success; negative error code, otherwise (errno is also set)
 * @retval -EINVAL a @p type the kernel does not know
 */
LIBBPF_API int bpf_enable_stats(int type);
#else
enum bpf_stats_type; /* defined in linux/bpf.h */
/**
 * @brief Turns on run-time statistics while the returned fd is open.
 * @param type BPF_STATS_RUN_TIME
 * @return fd on success; negative error code, otherwise (errno is also set)
 * @retval -EINVAL a @p type the kernel does not know
 */
LIBBPF_API int bpf_enable_stats(enum bpf_stats_type type);
#endif

/** @} */

/**
 * @defgroup bpf_prog_bind_map tie a map's lifetime to a program's (BPF_PROG_BIND_MAP)
 * Adds @p map_fd to the maps @p prog_fd holds, as if its instructions used
 * it: the map then lives as long as the program and shows in its map_ids.
 * Binding a map twice is not an error.
 * @{
 */

/** Options for bpf_prog_bind_map(). */
struct bpf_prog_bind_opts {
	size_t sz; /**< size of this struct, for compatibility */
	__u32 flags; /**< 0 */
};
/** The last field of struct bpf_prog_bind_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_prog_bind_opts__last_field flags

/**
 * @brief Ties a map's lifetime to a program's.
 * @param prog_fd program fd
 * @param map_fd map fd
 * @param opts optional settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -EBADF @p prog_fd or @p map_fd is not open
 * @retval -EINVAL @p prog_fd is not a program; flags is not 0; bad opts
 */
LIBBPF_API int bpf_prog_bind_map(int prog_fd, int map_fd,
				 const struct bpf_prog_bind_opts *opts);

/** @} */

/**
 * @addtogroup bpf_prog_test_run_opts
 * @{
 */

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
	__u32 duration;		/**< output: mean run time, ns */
	__u32 flags;		/**< BPF_F_TEST_* */
	__u32 cpu;		/**< CPU to run on, with BPF_F_TEST_RUN_ON_CPU */
	__u32 batch_size;	/**< XDP live-frames batch size */
};
/** The last field of struct bpf_test_run_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_test_run_opts__last_field batch_size

/**
 * @brief Runs a program on test input.
 * @param prog_fd program fd
 * @param opts in/out settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -ENOSPC data_out is smaller than the output: what fits is copied,
 *         data_size_out is the full size, and retval is set
 * @retval -EBADF @p prog_fd is not open
 * @retval -EINVAL @p prog_fd is not a program; a packet shorter than an
 *         Ethernet header (e.g. socket filters); a ctx_in field the kernel
 *         does not take; bad opts
 * @retval -ENOTSUPP (524) the program type has no test run (e.g. tracepoint)
 */
LIBBPF_API int bpf_prog_test_run_opts(int prog_fd,
				      struct bpf_test_run_opts *opts);

/** @} */

/**
 * @defgroup bpf_token_create create a BPF token (BPF_TOKEN_CREATE)
 * Creates a token from a BPF file system instance mounted with delegation
 * options (delegate_cmds, delegate_maps, ...) in a user namespace: commands
 * given the token (token_fd with BPF_F_TOKEN_FD) are allowed as the
 * delegation says, without CAP_BPF outside the namespace. The caller must be
 * in the user namespace that owns the file system.
 * @{
 */

/** Options for bpf_token_create(). */
struct bpf_token_create_opts {
	size_t sz; /**< size of this struct, for compatibility */
	__u32 flags; /**< 0 */
	size_t :0;
};
/** The last field of struct bpf_token_create_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_token_create_opts__last_field flags

/**
 * @brief Creates a BPF token.
 * @param bpffs_fd fd of the BPF file system's root directory, opened with
 *        open(2) (an O_PATH fd from fsmount(2) is refused)
 * @param opts optional settings; may be NULL
 * @return token fd on success; negative error code, otherwise (errno is also set)
 * @retval -EOPNOTSUPP the caller is in the initial user namespace
 * @retval -EPERM the file system belongs to another user namespace
 * @retval -ENOENT the file system has no delegation options
 * @retval -EINVAL @p bpffs_fd is not the root of a BPF file system; flags is
 *         not 0; bad opts
 * @retval -EBADF @p bpffs_fd is not open, or is an O_PATH fd
 */
LIBBPF_API int bpf_token_create(int bpffs_fd,
				struct bpf_token_create_opts *opts);

/** @} */

/**
 * @defgroup bpf_prog_stream_read read a program's BPF stream (BPF_PROG_STREAM_READ_BY_FD)
 * Reads up to @p buf_len bytes of what the program wrote to stream
 * @p stream_id (e.g. with bpf_stream_vprintk) into @p buf; a stream the
 * program wrote nothing to reads 0 bytes.
 * @{
 */

/** Options for bpf_prog_stream_read(). */
struct bpf_prog_stream_read_opts {
	size_t sz; /**< size of this struct, for compatibility */
	size_t :0;
};
/** The last field of struct bpf_prog_stream_read_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_prog_stream_read_opts__last_field sz

/**
 * @brief Reads from a program's BPF stream.
 * @param prog_fd program fd
 * @param stream_id BPF_STDOUT (1) or BPF_STDERR (2)
 * @param buf output buffer
 * @param buf_len size of buf
 * @param opts optional settings; may be NULL
 * @return bytes read on success; negative error code, otherwise (errno is also set)
 * @retval -ENOENT @p stream_id is neither BPF_STDOUT nor BPF_STDERR
 * @retval -EBADF @p prog_fd is not open
 * @retval -EINVAL @p prog_fd is not a program; bad opts
 */
LIBBPF_API int bpf_prog_stream_read(int prog_fd, __u32 stream_id, void *buf, __u32 buf_len,
				    struct bpf_prog_stream_read_opts *opts);

/** @} */

/**
 * @defgroup bpf_prog_assoc_struct_ops associate a program with a struct_ops map (BPF_PROG_ASSOC_STRUCT_OPS)
 * Associates @p prog_fd with the struct_ops map @p map_fd. Kernels without
 * the command (6.18 among them) answer -EINVAL to every call.
 * @{
 */

/** Options for bpf_prog_assoc_struct_ops(). */
struct bpf_prog_assoc_struct_ops_opts {
	size_t sz; /**< size of this struct, for compatibility */
	__u32 flags; /**< 0 */
	size_t :0;
};
/** The last field of struct bpf_prog_assoc_struct_ops_opts in this release: its end bounds the
 *  bytes the library reads, and past it a caller's struct must be zero. */
#define bpf_prog_assoc_struct_ops_opts__last_field flags

/**
 * @brief Associates a program with a struct_ops map.
 * @param prog_fd program fd
 * @param map_fd struct_ops map fd
 * @param opts optional settings; may be NULL
 * @return 0 on success; negative error code, otherwise (errno is also set)
 * @retval -EINVAL a kernel without the command; @p map_fd is not a
 *         struct_ops map; flags is not 0; bad opts
 * @retval -EBADF @p prog_fd or @p map_fd is not open
 */
LIBBPF_API int bpf_prog_assoc_struct_ops(int prog_fd, int map_fd,
					 struct bpf_prog_assoc_struct_ops_opts *opts);

/** @} */

/** Flag of the legacy map definitions; kept for source compatibility. */
#define MAPS_RELAX_COMPAT	0x01

/** The largest verifier log size old kernels accept. */
#define BPF_LOG_BUF_SIZE (UINT32_MAX >> 8)

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* __LIBBPF_BPF_H */
