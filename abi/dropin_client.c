/* A plain libbpf user: built against the installed upstream <bpf/bpf.h>
 * (Debian's libbpf-dev) and linked with -lbpf. check_dropin.py runs it with
 * and without libsysbpf.so.1 preloaded; the output must be the same. It prints
 * no fd numbers or ids, only what the kernel reports back. */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *err(int rc)
{
	static char s[64];
	snprintf(s, sizeof(s), "%d errno %s", rc, rc < 0 ? strerrorname_np(errno) : "-");
	return s;
}

static void map_info(int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	int rc = bpf_obj_get_info_by_fd(fd, &info, &len);
	printf("map info: %s type=%u key=%u value=%u max=%u flags=%#x name=%s\n", err(rc), info.type,
	       info.key_size, info.value_size, info.max_entries, info.map_flags, info.name);
}

static void maps(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "dropin_map", 4, 8, 16, &opts);
	__u32 key, next;
	__u64 value;
	int n = 0, rc;

	printf("map_create: %s\n", fd >= 3 ? "fd" : err(fd));
	if (fd < 0)
		return;
	map_info(fd);
	for (key = 1; key <= 3; key++) {
		value = key * 100;
		printf("update %u: %s\n", key, err(bpf_map_update_elem(fd, &key, &value, BPF_NOEXIST)));
	}
	key = 1;
	printf("update 1 again, BPF_NOEXIST: %s\n", err(bpf_map_update_elem(fd, &key, &value, BPF_NOEXIST)));
	value = 0;
	rc = bpf_map_lookup_elem(fd, &key, &value);
	printf("lookup 1: %s value=%llu\n", err(rc), (unsigned long long)value);
	printf("lookup_flags 1: %s\n", err(bpf_map_lookup_elem_flags(fd, &key, &value, 0)));
	for (rc = bpf_map_get_next_key(fd, NULL, &next); rc == 0; rc = bpf_map_get_next_key(fd, &next, &next))
		n++;
	printf("keys: %d\n", n);
	key = 2;
	rc = bpf_map_lookup_and_delete_elem(fd, &key, &value);
	printf("lookup_and_delete 2: %s value=%llu\n", err(rc), (unsigned long long)value);
	printf("delete 2 again: %s\n", err(bpf_map_delete_elem(fd, &key)));
	key = 3;
	printf("delete_flags 3: %s\n", err(bpf_map_delete_elem_flags(fd, &key, 0)));
	printf("lookup 3: %s\n", err(bpf_map_lookup_elem(fd, &key, &value)));
	printf("freeze: %s\n", err(bpf_map_freeze(fd)));
	printf("update after freeze: %s\n", err(bpf_map_update_elem(fd, &key, &value, BPF_ANY)));
	printf("map_create key_size 0: %s\n", err(bpf_map_create(BPF_MAP_TYPE_HASH, NULL, 0, 8, 16, NULL)));
}

static void progs(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpf_insn bad[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_0, .src_reg = BPF_REG_2 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static char log[8192];
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_buf = log, .log_size = sizeof(log), .log_level = 1);
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "dropin_prog", "GPL", insns, 2, &opts);

	printf("prog_load: %s\nlog: [%s]\n", fd >= 3 ? "fd" : err(fd), log);
	if (fd >= 0) {
		memset(&info, 0, sizeof(info));
		int rc = bpf_obj_get_info_by_fd(fd, &info, &len);
		printf("prog info: %s type=%u name=%s insns=%u\n", err(rc), info.type, info.name,
		       info.xlated_prog_len / 8);
	}

	memset(log, 0, sizeof(log));
	opts.log_level = 0;
	printf("prog_load bad: %s\n", err(bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, NULL, "GPL", bad, 2, &opts)));
	printf("log: [%s]\n", log);
}

int main(void)
{
	maps();
	progs();
	return 0;
}
