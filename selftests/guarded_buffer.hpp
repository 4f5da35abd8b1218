// Memory that ends at an inaccessible page: `n` usable bytes placed right
// before a PROT_NONE page, so that reading or writing one byte past them
// faults (in the process) or fails with EFAULT (in the kernel). With an
// alignment above 1 the start is aligned and up to align - 1 bytes of slack
// remain before the guard (a struct must be aligned; the fuzz target checks
// reads past sz to the byte, under ASan).
#pragma once

#include <cstddef>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

namespace selftest {

class GuardedBuffer {
public:
    explicit GuardedBuffer(std::size_t n, unsigned char fill = 0, std::size_t align = 1) : n_(n)
    {
        const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
        pages_ = (n + page - 1) / page + 1;
        len_ = pages_ * page;
        void *m = ::mmap(nullptr, len_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            return;
        base_ = static_cast<unsigned char *>(m);
        ::mprotect(base_ + len_ - page, page, PROT_NONE);
        data_ = base_ + len_ - page - (n + align - 1) / align * align;
        std::memset(data_, fill, n);
    }
    ~GuardedBuffer()
    {
        if (base_)
            ::munmap(base_, len_);
    }
    GuardedBuffer(const GuardedBuffer &) = delete;
    GuardedBuffer &operator=(const GuardedBuffer &) = delete;

    bool ok() const { return data_ != nullptr; }
    unsigned char *data() const { return data_; }
    std::size_t size() const { return n_; }
    template <class T>
    T *as() const
    {
        return reinterpret_cast<T *>(data_);
    }

private:
    unsigned char *base_ = nullptr;
    unsigned char *data_ = nullptr;
    std::size_t n_ = 0, pages_ = 0, len_ = 0;
};

} // namespace selftest
