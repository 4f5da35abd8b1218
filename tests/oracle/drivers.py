"""The oracle's binaries: the driver built against libbpf 1.7.0 and against
sysbpf (static-pie, so they run unchanged in the kernel VMs), and drivers
linked with a broken copy of sysbpf. Built once per build tree: the host run
and the VM runs share them; they are rebuilt only when a source, a library
or the compiler command changes.
"""
import fcntl
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor

import libbpf_source

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER_SOURCES = ["tracer.cpp", "driver.cpp", "cases_map.cpp", "cases_load.cpp", "cases_obj.cpp",
                  "cases_attach.cpp", "cases_link.cpp", "cases_ids.cpp", "cases_misc.cpp",
                  "cases_injected.cpp", "cases_unprivileged.cpp", "cases_token.cpp"]
DRIVER_HEADERS = ["driver.hpp", "marker.hpp", "tracer.hpp"]
CXXFLAGS = ["-std=gnu++20", "-O1", "-g0", "-Wall", "-Wextra", "-Werror", "-Wno-missing-field-initializers"]


class Drivers:
    def __init__(self, work):
        self.libbpf = os.path.join(work, "oracle-driver-libbpf")
        self.sysbpf = os.path.join(work, "oracle-driver-sysbpf")
        self.sysbpf_objs = [os.path.join(work, "obj-sysbpf", s + ".o") for s in DRIVER_SOURCES]


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def _compile(cxx, includes, objdir, pool):
    os.makedirs(objdir, exist_ok=True)
    jobs = []
    for src in DRIVER_SOURCES:
        obj = os.path.join(objdir, src + ".o")
        cmd = [*cxx, *CXXFLAGS, *[f"-I{i}" for i in includes], "-c", os.path.join(HERE, src), "-o", obj]
        jobs.append((obj, pool.submit(run, cmd)))
    for obj, fut in jobs:
        r = fut.result()
        if r.returncode != 0:
            raise RuntimeError(f"compiling {obj}:\n{r.stderr[-3000:]}")
    return [obj for obj, _ in jobs]


def link(cxx, objs, libs, out):
    r = run([*cxx, "-static-pie", *objs, *libs, "-o", out])
    if r.returncode != 0:
        raise RuntimeError(f"linking {out}:\n{r.stderr[-3000:]}")


def _digest(paths, words):
    h = hashlib.sha256("\0".join(words).encode())
    for p in paths:
        with open(p, "rb") as f:
            h.update(hashlib.sha256(f.read()).digest())
    return h.hexdigest()


def build(work, cxx, sysbpf_lib, sysbpf_include):
    """libbpf 1.7.0 (libbpf_source.build; its exceptions pass through) and
    both drivers under work, reused when nothing they are made of changed."""
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "drivers.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # meson may run two oracle tests at once
        lib_includes, libbpf_a, libbpf_libs = libbpf_source.build(os.path.join(work, "libbpf"))
        d = Drivers(work)
        headers = [os.path.join(dirpath, f) for dirpath, _, files in os.walk(sysbpf_include)
                   for f in sorted(files)]
        key = _digest([os.path.join(HERE, s) for s in DRIVER_SOURCES + DRIVER_HEADERS]
                      + [sysbpf_lib, libbpf_a] + sorted(headers), cxx + CXXFLAGS)
        stamp = os.path.join(work, "drivers.stamp")
        if os.path.exists(stamp) and open(stamp).read() == key and \
                all(os.path.exists(p) for p in [d.libbpf, d.sysbpf] + d.sysbpf_objs):
            return d
        if os.path.exists(stamp):
            os.remove(stamp)
        uapi = lib_includes[1]
        with ThreadPoolExecutor(max_workers=2) as pool:
            lib_objs = _compile(cxx, lib_includes, os.path.join(work, "obj-libbpf"), pool)
            ours_objs = _compile(cxx, [sysbpf_include, uapi], os.path.join(work, "obj-sysbpf"), pool)
        link(cxx, lib_objs, [libbpf_a, *libbpf_libs], d.libbpf)
        link(cxx, ours_objs, [sysbpf_lib], d.sysbpf)
        with open(stamp, "w") as f:
            f.write(key)
        return d


def build_broken(drivers, cxx, sysbpf_lib, lib_src, compile_commands, rel, text, repl, out):
    """The sysbpf driver linked with libsysbpf.a whose object for lib/<rel>
    is rebuilt from a copy with `text` (which must occur once) replaced by
    `repl`, written to out. Returns None, or what went wrong."""
    with open(compile_commands) as f:
        commands = json.load(f)
    src = os.path.realpath(os.path.join(lib_src, rel))
    entry = next((c for c in commands
                  if os.path.realpath(os.path.join(c["directory"], c["file"])) == src), None)
    if entry is None:
        return f"no compile command for {src}"
    code = open(src).read()
    if code.count(text) != 1:
        return f"the text to change occurs {code.count(text)} times in {rel}"
    with tempfile.TemporaryDirectory(dir=os.path.dirname(out)) as tmp:
        mutated = os.path.join(tmp, os.path.basename(src))
        with open(mutated, "w") as f:
            f.write(code.replace(text, repl))
        obj = os.path.join(tmp, os.path.basename(entry["output"]))
        cmd = shlex.split(entry["command"])
        cmd[cmd.index("-o") + 1] = obj
        cmd = [mutated if c == entry["file"] else c for c in cmd]
        # The copy's own includes resolve through -I../lib as before.
        cmd = [c for c in cmd if c not in ("-MD",)]
        for flag in ("-MQ", "-MF"):
            while flag in cmd:
                j = cmd.index(flag)
                del cmd[j:j + 2]
        r = run(cmd, cwd=entry["directory"])
        if r.returncode != 0:
            return f"does not compile:\n{r.stderr[-2000:]}"
        archive = os.path.join(tmp, "libsysbpf-broken.a")
        shutil.copy(sysbpf_lib, archive)
        r = run(["ar", "r", archive, obj])
        if r.returncode != 0:
            return f"ar: {r.stderr}"
        link(cxx, drivers.sysbpf_objs, [archive], out)
    return None
