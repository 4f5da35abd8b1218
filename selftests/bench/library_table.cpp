#include "api_table.hpp"

#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>

namespace {

template <class F>
void resolve(void *lib, const char *label, const char *sym, F &out)
{
    void *p = dlsym(lib, sym);
    if (!p) {
        std::fprintf(stderr, "bench: %s lacks %s\n", label, sym);
        std::exit(2);
    }
    out = reinterpret_cast<F>(p);
}

} // namespace

ApiTable load_library_table(const char *label, const char *path)
{
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!lib) {
        std::fprintf(stderr, "bench: cannot load %s: %s\n", path, dlerror());
        std::exit(2);
    }
    ApiTable t{};
    t.name = label;
    resolve(lib, label, "bpf_map_create", t.map_create);
    resolve(lib, label, "bpf_map_lookup_elem", t.map_lookup_elem);
    resolve(lib, label, "bpf_map_update_elem", t.map_update_elem);
    resolve(lib, label, "bpf_map_delete_elem", t.map_delete_elem);
    resolve(lib, label, "bpf_map_get_next_key", t.map_get_next_key);
    resolve(lib, label, "bpf_map_lookup_batch", t.map_lookup_batch);
    resolve(lib, label, "bpf_map_update_batch", t.map_update_batch);
    resolve(lib, label, "bpf_obj_get_info_by_fd", t.obj_get_info_by_fd);
    resolve(lib, label, "bpf_prog_test_run_opts", t.prog_test_run_opts);
    resolve(lib, label, "bpf_prog_load", t.prog_load);
    return t;
}
