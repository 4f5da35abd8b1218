// The oracle driver's vocabulary: cases, calls and the outputs they show.
// Compiled once against each library's bpf.h; the same source makes the same
// calls, and the tracer (tracer.cpp) records them on the wire.
#pragma once

#include <bpf/bpf.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <utility>
#include <vector>

namespace oracle {

// errno before every call; a library that leaves errno alone on success
// leaves this.
constexpr int kErrnoSentinel = 1000;

void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void begin(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
// The caller's buffer `name`: attr pointers into it are compared by name,
// offset and contents.
void reg(const char *name, const void *p, size_t len);
// The next bpf() calls answer -errs[i] (0: the kernel answers).
void inject(std::initializer_list<int> errs);
// Bytes the caller can read, with pointers into registered buffers named.
void dump(const char *label, const void *p, size_t len);
// A kernel id as its order of first sight among ids of its kind (each kind
// has its own id space: the same number names a program and a map).
enum class IdKind { Prog, Map, Btf, Link };
uint32_t id_ordinal(IdKind kind, uint32_t id);
// Records a call's return value and errno; sets errno to the sentinel again.
void result(long r, int e);

#define ORACLE_CALL(expr)                                                                          \
    ({                                                                                             \
        errno = ::oracle::kErrnoSentinel;                                                          \
        long r_ = (long)(expr);                                                                    \
        int e_ = errno;                                                                            \
        ::oracle::result(r_, e_);                                                                  \
        r_;                                                                                        \
    })

// A NUL-ended text the caller can read (a log), escaped.
void text(const char *label, const char *s, size_t max);

// Closes an fd a call returned (when it is one).
void drop(long fd);

// One opts `sz` shape: NULL opts, sz below 8, each historical size, the
// current sizeof, and larger with zero or non-zero tails.
struct Shape {
    char name[32];
    bool null;
    size_t sz;
    size_t tail_at; // 0: tail zero; else the byte at this offset is 1
};
std::vector<Shape> shapes(std::initializer_list<size_t> historical, size_t current);

// A zeroed, aligned buffer that opts structs are laid out in.
struct OptsBuf {
    alignas(16) unsigned char b[512];
    template <class T> T *as() { return reinterpret_cast<T *>(b); }
    void clear() { std::memset(b, 0, sizeof b); }
    // Sets sz and the tail byte; returns the pointer to pass (NULL for the NULL shape).
    template <class T> T *apply(const Shape &s)
    {
        if (s.null)
            return nullptr;
        as<T>()->sz = s.sz;
        if (s.tail_at)
            b[s.tail_at] = 1;
        return as<T>();
    }
    void show(const Shape &s, size_t current)
    {
        if (!s.null)
            dump("opts", b, s.sz > current ? s.sz : current);
    }
};

// Fixtures made with raw bpf() before the cases run.
struct Fixtures {
    int array_map;     // BPF_MAP_TYPE_ARRAY, key 4, value 8, 4 entries
    int hash_map;      // BPF_MAP_TYPE_HASH, key 4, value 8, 16 entries
    int prog;          // socket filter: r0 = 0; exit
    int xdp_prog;      // XDP: r0 = XDP_PASS; exit
    int cgskb_prog;    // cgroup_skb: r0 = 1; exit
    int btf;           // BTF with one int
    int cgroup;        // a cgroup directory fd
    int netns;         // this process's network namespace
    int bpffs;         // a bpffs mount, O_DIRECTORY
    uint32_t prog_id, map_id, btf_id;
};
extern Fixtures fx;
long raw_bpf(int cmd, void *attr, unsigned size);

constexpr size_t kBtfBlobSize = 74;
extern const unsigned char kBtfBlob[kBtfBlobSize];
extern const bpf_insn kRet0[2];

// Case groups, one per file.
void cases_map_create();
void cases_map_elem();
void cases_map_batch();
void cases_prog_load();
void cases_btf_load();
void cases_obj();
void cases_attach();
void cases_link();
void cases_ids_info();
void cases_misc();
// Every group above, in order: the privileged run, and again as nobody.
void cases_every_group();
int injected_case_count();
void injected_case(int i);
void cases_unprivileged();
void cases_token();

} // namespace oracle
