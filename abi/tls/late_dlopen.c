/* A late dlopen() of libsysbpf.so.1 from a process whose static TLS surplus
 * is spent: ld.so cannot give an initial-exec TLS block to a library loaded
 * after start-up once the surplus is gone, so such a library fails to load
 * ("cannot allocate memory in static TLS block"). libsysbpf.so.1 must load
 * and serve a traced call (the trace is what touches its TLS).
 *
 * usage: late-dlopen LIBSYSBPF PROBE HOG... (HOGs largest TLS first)
 * PROBE holds one byte of initial-exec TLS: it must fail to load once the
 * surplus is spent, or the test has proved nothing. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/sysbpf-late-dlopen-XXXXXX";
static unsigned copies;

/* A fresh copy of path: ld.so loads a file once per (device, inode). */
static int copy(const char *path, char *out, size_t len)
{
    snprintf(out, len, "%s/copy%u.so", dir, copies++);
    int in = open(path, O_RDONLY | O_CLOEXEC);
    int o = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
    if (in < 0 || o < 0) {
        fprintf(stderr, "copy %s: %s\n", path, strerror(errno));
        return -1;
    }
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof(buf))) > 0)
        if (write(o, buf, (size_t)n) != n)
            return -1;
    close(in);
    close(o);
    return n < 0 ? -1 : 0;
}

/* dlopen() of a fresh copy: NULL with the loader's message in err. */
static void *load_copy(const char *path, char *err, size_t len)
{
    char p[4096];
    if (copy(path, p, sizeof(p)) != 0) {
        snprintf(err, len, "could not copy %s", path);
        return NULL;
    }
    void *h = dlopen(p, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        snprintf(err, len, "%s", dlerror());
    return h;
}

static void cleanup(void)
{
    for (unsigned i = 0; i < copies; i++) {
        char p[4096];
        snprintf(p, sizeof(p), "%s/copy%u.so", dir, i);
        unlink(p);
    }
    char p[4096];
    snprintf(p, sizeof(p), "%s/trace", dir);
    unlink(p);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s LIBSYSBPF PROBE HOG...\n", argv[0]);
        return 2;
    }
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    atexit(cleanup);

    /* Spend the surplus: copies of each hog until the loader refuses one
     * for want of static TLS, largest first, down to one byte. */
    char err[4096] = "";
    unsigned loaded = 0;
    for (int i = 3; i < argc; i++) {
        for (;;) {
            if (!load_copy(argv[i], err, sizeof(err)))
                break;
            loaded++;
        }
        if (!strstr(err, "static TLS")) {
            printf("FAIL: hog %s refused for another reason: %s\n", argv[i], err);
            return 1;
        }
    }
    printf("static TLS surplus spent by %u hog libraries; last refusal: %s\n", loaded, err);

    /* The companion: one byte of initial-exec TLS no longer loads. */
    if (load_copy(argv[2], err, sizeof(err))) {
        printf("FAIL: the initial-exec probe still loads: the surplus was not spent\n");
        return 1;
    }
    if (!strstr(err, "static TLS")) {
        printf("FAIL: the probe was refused for another reason: %s\n", err);
        return 1;
    }
    printf("probe with 1 byte of initial-exec TLS refused: %s\n", err);

    char trace[4096];
    snprintf(trace, sizeof(trace), "%s/trace", dir);
    setenv("SYSBPF_TRACE", trace, 1);
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        printf("FAIL: late dlopen of %s: %s\n", argv[1], dlerror());
        return 1;
    }
    /* A call that goes through the trace (which reads the library's TLS):
     * an invalid fd, refused by the kernel. */
    int (*obj_get_info_by_fd)(int, void *, unsigned *) =
        (int (*)(int, void *, unsigned *))dlsym(lib, "bpf_obj_get_info_by_fd");
    if (!obj_get_info_by_fd) {
        printf("FAIL: dlsym bpf_obj_get_info_by_fd: %s\n", dlerror());
        return 1;
    }
    char info[64];
    unsigned len = sizeof(info);
    errno = 0;
    int r = obj_get_info_by_fd(-1, info, &len);
    int e = errno;
    char line[512] = "";
    FILE *f = fopen(trace, "re");
    if (f) {
        if (!fgets(line, sizeof(line), f))
            line[0] = 0;
        fclose(f);
    }
    if (r >= 0 || e != -r || !strstr(line, "bpf_obj_get_info_by_fd(bpf_fd=-1")) {
        printf("FAIL: bpf_obj_get_info_by_fd(-1) = %d, errno %d (want a negative errno, errno set); "
               "trace: '%s'\n", r, e, line);
        return 1;
    }
    line[strcspn(line, "\n")] = 0;
    printf("late dlopen of %s: loaded; traced call served: %s\n", argv[1], line);
    return 0;
}
