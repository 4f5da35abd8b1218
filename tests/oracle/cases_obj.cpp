// bpf_obj_pin, bpf_obj_pin_opts, bpf_obj_get, bpf_obj_get_opts.
#include "driver.hpp"

#include <cstdio>

#include <fcntl.h>
#include <unistd.h>

namespace oracle {

void cases_obj()
{
    static char path[128];
    struct Obj {
        const char *name;
        int fd;
    } objs[] = {{"map", fx.array_map}, {"prog", fx.prog}, {"btf", fx.btf}, {"bad", -1}, {"cgroup_dir", fx.cgroup}};
    const char *places[] = {"/tmp/bpffs/%s", "/tmp/bpffs/no_dir/%s", "/tmp/not_bpffs_%s", "relative_%s", ""};
    for (const Obj &o : objs)
        for (const char *place : places) {
            std::snprintf(path, sizeof path, place, o.name);
            begin("obj_pin %s at %s", o.name, place);
            reg("path", path, sizeof path);
            ORACLE_CALL(bpf_obj_pin(o.fd, path));
            begin("obj_pin again %s at %s", o.name, place);
            reg("path", path, sizeof path);
            ORACLE_CALL(bpf_obj_pin(o.fd, path));
            begin("obj_get %s at %s", o.name, place);
            reg("path", path, sizeof path);
            drop(ORACLE_CALL(bpf_obj_get(path)));
            for (uint32_t flags : {0u, (uint32_t)BPF_F_RDONLY, (uint32_t)BPF_F_WRONLY, 3u, 0x100u}) {
                struct bpf_obj_get_opts go{};
                go.sz = sizeof go;
                go.file_flags = flags;
                begin("obj_get_opts %s at %s flags=%u", o.name, place, flags);
                reg("path", path, sizeof path);
                drop(ORACLE_CALL(bpf_obj_get_opts(path, &go)));
            }
            unlink(path);
        }
    begin("obj_get NULL");
    drop(ORACLE_CALL(bpf_obj_get(nullptr)));
    begin("obj_pin NULL");
    ORACLE_CALL(bpf_obj_pin(fx.array_map, nullptr));

    // Shapes, with path_fd relative pins and gets.
    static const char rel[] = "rel_pin";
    for (const Shape &s : shapes({16}, sizeof(struct bpf_obj_pin_opts)))
        for (int f = 0; f < 4; f++) {
            OptsBuf ob;
            ob.clear();
            auto *o = ob.as<struct bpf_obj_pin_opts>();
            if (f == 1 || f == 3) {
                o->file_flags = BPF_F_PATH_FD;
                o->path_fd = fx.bpffs;
            }
            if (f == 2)
                o->path_fd = fx.bpffs; // without the flag: ignored by the kernel
            if (f == 3)
                o->file_flags |= BPF_F_RDONLY;
            begin("obj_pin_opts %s fill=%d", s.name, f);
            reg("path", rel, sizeof rel);
            auto *p = ob.apply<struct bpf_obj_pin_opts>(s);
            ORACLE_CALL(bpf_obj_pin_opts(fx.array_map, rel, p));
            ob.show(s, sizeof(struct bpf_obj_pin_opts));
            begin("obj_get_opts %s fill=%d", s.name, f);
            reg("path", rel, sizeof rel);
            drop(ORACLE_CALL(bpf_obj_get_opts(rel, reinterpret_cast<const struct bpf_obj_get_opts *>(p))));
            unlinkat(fx.bpffs, rel, 0);
        }
}

} // namespace oracle
