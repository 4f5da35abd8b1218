// libFuzzer target: every bpf.h function's opts handling and attr encoding,
// through the syscall seam. The input chooses the function, the opts bytes
// and their sz, the other arguments, and the fake kernel's answers (errnos,
// fds, the values it writes back, record-size hints). Invariants checked on
// every input (a violation aborts, which libFuzzer reports as a crash):
//  - no attr larger than the command's (libbpf 1.7's size) is ever sent, and
//    only the function's own commands (and the feature probes) are issued;
//  - invalid opts (sz < sizeof(size_t), a non-zero byte past the known fields) give
//    -EINVAL before any bpf() call;
//  - the opts struct is a heap block of exactly sz bytes (ASan: no access
//    past sz), and no byte of it changes except libbpf's output fields that
//    lie wholly inside sz, which get the kernel's values from the last own
//    call; output parameters likewise, by libbpf's rules;
//  - a failure returns -errno with errno set, a success leaves errno alone;
//  - every fd the fake kernel handed out is returned or closed, never both;
//  - (LeakSanitizer) nothing allocated outlives the call.
#include "api_table.hpp"
#include "fake_kernel.hpp"
#include "fd_table.hpp"
#include "kernel/attr.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace sysbpf_test;
using sysbpf::kernel::Cmd;
using sysbpf::kernel::ProgLoadAttr;

namespace {

constexpr int kErrnos[] = {EINTR, EAGAIN, E2BIG, ENOSPC, EFAULT, ENOMEM, EMFILE, EPERM,
                           EINVAL, ENOENT, EBADF, EACCES, EBUSY, 524, EOPNOTSUPP};
constexpr int kUntouched = 4242;
constexpr size_t kMaxAnswers = 24;

[[noreturn]] void violated(const char *row, const char *what)
{
    std::fprintf(stderr, "fuzz_api: %s: %s\n", row, what);
    std::abort();
}

struct Answer {
    bool ok;
    int err;
    unsigned char written; // byte the kernel writes into its output fields
    bool shrink_records;   // E2BIG with smaller record sizes named
    unsigned char count;   // success value of a non-fd command that returns one
};

struct KCall {
    Cmd cmd;
    unsigned size;
    std::vector<unsigned char> post;
    int handed_fd = -1;
};

bool own(const api::Row &row, Cmd cmd, unsigned size)
{
    if (cmd == Cmd::ProgLoad && size < ProgLoadAttr::kSize)
        return true; // a feature probe: allowed from any load
    return row.owns(cmd);
}

bool opts_valid(const unsigned char *opts, size_t sz, size_t known_end)
{
    if (sz < sizeof(size_t))
        return false;
    for (size_t i = known_end; i < sz; i++)
        if (opts[i])
            return false;
    return true;
}

// Record arrays the library copies (prog_load's func/line info) must be as
// long as the caller says; point them at buffers of exactly that size.
struct Records {
    std::vector<unsigned char> func, line;
};
void fix_records(unsigned char *opts, size_t sz, Records &rec)
{
    auto fix = [&](size_t ptr_off, size_t cnt_off, size_t rec_off, std::vector<unsigned char> &buf) {
        if (ptr_off + 8 > sz || cnt_off + 4 > sz || rec_off + 4 > sz)
            return;
        uint32_t cnt, rs;
        std::memcpy(&cnt, opts + cnt_off, 4);
        std::memcpy(&rs, opts + rec_off, 4);
        uint64_t total = uint64_t(cnt) * rs;
        if (total > 4096) {
            cnt = rs ? static_cast<uint32_t>(4096 / rs) : 0;
            std::memcpy(opts + cnt_off, &cnt, 4);
            total = uint64_t(cnt) * rs;
        }
        buf.assign(total ? total : 1, 0x11);
        const void *p = buf.data();
        std::memcpy(opts + ptr_off, &p, sizeof(p));
    };
    fix(offsetof(bpf_prog_load_opts, func_info), offsetof(bpf_prog_load_opts, func_info_cnt),
        offsetof(bpf_prog_load_opts, func_info_rec_size), rec.func);
    fix(offsetof(bpf_prog_load_opts, line_info), offsetof(bpf_prog_load_opts, line_info_cnt),
        offsetof(bpf_prog_load_opts, line_info_rec_size), rec.line);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzedDataProvider in(data, size);
    const api::Row &row = api::rows()[in.ConsumeIntegralInRange<unsigned>(0, api::count() - 1)];
    if (!row.available())
        return 0;

    // Opts: present or not, of which size, with which bytes.
    std::vector<unsigned char> opts_copy;
    unsigned char *opts = nullptr;
    size_t sz = 0;
    Records records;
    if (row.opts && in.ConsumeBool()) {
        const size_t full = row.opts->size, known = row.opts->known_end;
        switch (in.ConsumeIntegralInRange<int>(0, 3)) {
        case 0: sz = full; break;
        case 1: sz = known; break;
        case 2: sz = in.ConsumeIntegralInRange<size_t>(0, full + 16); break;
        default: sz = in.ConsumeIntegralInRange<size_t>(0, 600); break;
        }
        const bool zero_tail = in.ConsumeBool();
        opts = static_cast<unsigned char *>(std::malloc(sz < 8 ? 8 : sz)); // exactly sz bytes
        std::vector<unsigned char> bytes = in.ConsumeBytes<unsigned char>(sz);
        bytes.resize(sz < 8 ? 8 : sz, 0);
        if (zero_tail)
            for (size_t i = known; i < bytes.size(); i++)
                bytes[i] = 0;
        std::memcpy(bytes.data(), &sz, sizeof(sz));
        std::memcpy(opts, bytes.data(), bytes.size());
        if (std::strcmp(row.opts->type, "bpf_prog_load_opts") == 0)
            fix_records(opts, sz, records);
        opts_copy.assign(opts, opts + (sz < 8 ? 8 : sz));
    }

    api::Caller c;
    c.opts = opts;
    c.fd = in.ConsumeIntegral<int>();
    c.fd2 = in.ConsumeIntegral<int>();
    c.id = in.ConsumeIntegral<uint32_t>();
    // Arguments the rows pass as an enum stay within the enumerators of the
    // build host's <linux/bpf.h>: C++ code (the caller here, and the
    // library's shims, which take these as enum parameters) may not hold an
    // enum value outside that range. (A C caller built against a newer
    // header can pass one; see the README's reliability notes.)
    c.arg = in.ConsumeIntegralInRange<uint32_t>(0, BPF_MAP_TYPE_USER_RINGBUF);
    c.flags = in.ConsumeIntegral<uint64_t>();
    c.attach_type = in.ConsumeIntegralInRange<int>(0, __MAX_BPF_ATTACH_TYPE - 1);
    c.prog_type = in.ConsumeIntegralInRange<int>(0, BPF_PROG_TYPE_SYSCALL);
    c.size = in.ConsumeIntegralInRange<size_t>(0, sizeof(c.btf));
    static const char *const names[] = {nullptr, "", "n", "fuzz_name", "a_name_longer_than_16_bytes"};
    c.name = names[in.ConsumeIntegralInRange<int>(0, 4)];
    c.out.count = in.ConsumeIntegral<uint32_t>();
    c.out.prog_cnt = in.ConsumeIntegral<uint32_t>();
    c.out.info_len = in.ConsumeIntegral<uint32_t>();
    c.out.buf_len = in.ConsumeIntegral<uint32_t>();

    std::vector<Answer> answers;
    while (answers.size() < kMaxAnswers && in.remaining_bytes() > 0) {
        Answer a{};
        const unsigned pick = in.ConsumeIntegralInRange<unsigned>(0, std::size(kErrnos));
        a.ok = pick == std::size(kErrnos);
        a.err = a.ok ? 0 : kErrnos[pick];
        a.written = in.ConsumeIntegral<unsigned char>();
        a.shrink_records = in.ConsumeBool();
        a.count = in.ConsumeIntegral<unsigned char>();
        answers.push_back(a);
    }

    api::Caller before;
    std::memcpy(&before, &c, sizeof(c));
    std::vector<KCall> calls;
    {
        FakeKernel k; // also forgets what earlier inputs taught the library
        k.fallback = [&](int cmd_no, void *attr_v, unsigned asize) -> long {
            const int saved = errno;
            const Cmd cmd = static_cast<Cmd>(cmd_no);
            auto *attr = static_cast<unsigned char *>(attr_v);
            if (asize > api::max_attr_size(cmd))
                violated(row.name, "attr larger than the command's");
            if (!own(row, cmd, asize))
                violated(row.name, "a command that is not the function's own");
            const size_t i = calls.size();
            // Past the script, or in a loop that does not end: fail.
            const Answer a = i < answers.size() ? answers[i] : Answer{false, EINVAL, 0, false, 0};
            if (i > 64)
                violated(row.name, "more than 64 bpf() calls");
            api::AttrField f[5];
            const unsigned n = api::kernel_outputs(cmd, f);
            for (unsigned j = 0; j < n; j++)
                if (f[j].off + f[j].size <= asize)
                    std::memset(attr + f[j].off, a.written, f[j].size);
            if (!a.ok && a.err == E2BIG && a.shrink_records && cmd == Cmd::ProgLoad &&
                asize == ProgLoadAttr::kSize) {
                auto *p = reinterpret_cast<ProgLoadAttr *>(attr);
                if (p->func_info_cnt && p->func_info_rec_size)
                    p->func_info_rec_size = a.written % p->func_info_rec_size;
                else if (p->line_info_cnt && p->line_info_rec_size)
                    p->line_info_rec_size = a.written % p->line_info_rec_size;
            }
            KCall rec{cmd, asize, std::vector<unsigned char>(attr, attr + asize), -1};
            long ret;
            if (!a.ok)
                ret = -a.err;
            else if (api::returns_fd(cmd))
                ret = rec.handed_fd = fds::fresh();
            else
                ret = cmd == Cmd::ProgStreamReadByFd ? a.count : 0;
            calls.push_back(std::move(rec));
            errno = saved;
            return ret;
        };
        errno = kUntouched;
        const long r = row.invoke(c);
        const int err = errno;

        // Result and errno.
        if (r < 0 ? err != -r : err != kUntouched)
            violated(row.name, "errno does not match the result");
        if (opts && !opts_valid(opts_copy.data(), sz, row.opts->known_end) &&
            (r != -EINVAL || !calls.empty()))
            violated(row.name, "invalid opts not refused with EINVAL before any call");

        // fds: each handed-out fd returned or closed. A number handed out
        // again was closed in between; only its last handing counts.
        bool returned = false;
        for (size_t i = 0; i < calls.size(); i++) {
            const KCall &call = calls[i];
            if (call.handed_fd < 0)
                continue;
            bool handed_again = false;
            for (size_t j = i + 1; j < calls.size(); j++)
                handed_again |= calls[j].handed_fd == call.handed_fd;
            if (handed_again)
                continue;
            if (call.handed_fd == r) {
                if (returned)
                    violated(row.name, "one fd returned twice");
                returned = true;
            } else if (fds::is_open(call.handed_fd)) {
                violated(row.name, "an fd from the kernel leaked");
            }
        }
        if (returned)
            ::close(static_cast<int>(r));

        // Memory: only libbpf's outputs, with the last own call's values.
        int last = -1;
        for (size_t i = 0; i < calls.size(); i++)
            if (row.owns(calls[i].cmd) &&
                !(calls[i].cmd == Cmd::ProgLoad && calls[i].size < ProgLoadAttr::kSize))
                last = static_cast<int>(i);
        std::vector<unsigned char> want_opts = opts_copy;
        api::Caller want;
        std::memcpy(&want, &before, sizeof(want));
        if (last >= 0) {
            const auto &post = calls[static_cast<size_t>(last)].post;
            if (opts)
                for (unsigned j = 0; j < row.opts->n_outputs; j++) {
                    const auto &o = row.opts->outputs[j];
                    if (o.opts_off + o.size <= sz && o.attr_off + o.size <= post.size())
                        std::memcpy(want_opts.data() + o.opts_off, post.data() + o.attr_off, o.size);
                }
            for (unsigned j = 0; j < row.n_outs; j++) {
                const auto &o = row.outs[j];
                if ((o.when == api::When::Always || r == 0) && o.attr_off + o.size <= post.size())
                    std::memcpy(reinterpret_cast<unsigned char *>(&want.out) + o.out_off,
                                post.data() + o.attr_off, o.size);
            }
        }
        if (opts && std::memcmp(want_opts.data(), opts, want_opts.size()) != 0)
            violated(row.name, "opts bytes changed outside libbpf's output fields");
        if (std::memcmp(&want, &c, sizeof(c)) != 0)
            violated(row.name, "arguments or output parameters differ from libbpf's write-back");
    }
    std::free(opts);
    return 0;
}
