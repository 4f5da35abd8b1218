#!/usr/bin/env python3
"""Relinking against sysbpf: stages an install (`meson install --destdir`),
builds relink/sample.c with `cc $(pkg-config --cflags --libs sysbpf)` and,
statically, with `-Wl,-Bstatic -lsysbpf -Wl,-Bdynamic`; both must run
correctly, the dynamic one linked to libsysbpf.so.1 and not libbpf.so.1, the
static one to neither. Also checks the staged library needs only libc (and the
dynamic loader, for __tls_get_addr) and has
no dynamic relocation against a bpf.h symbol (its calls to itself cannot be
interposed).

usage: relink.py LIBSYSBPF VERSION_SCRIPT BUILD_DIR SAMPLE_C
"""
import glob
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import clientlib  # noqa: E402
from clientlib import Failure, Skip, plain_env  # noqa: E402

EXPECTED = """map: 2 entries, sum 400
map info: relinked type 1 flags 0x1
test run: retval 2
program relinked_xdp found by id: yes
"""


def out(argv, env=None, what=None):
    p = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    if p.returncode != 0:
        raise Failure(f"{what or ' '.join(argv)}: exit {p.returncode}\n{p.stdout}{p.stderr}")
    return p.stdout


def scenario(s):
    build, sample = os.path.abspath(sys.argv[3]), os.path.abspath(sys.argv[4])
    cc = shutil.which(os.environ.get("CC", "cc"))
    if not cc or not shutil.which("pkg-config"):
        raise Skip("no C compiler or pkg-config on PATH")
    stage = os.path.join(s.tmp, "stage")
    out(["meson", "install", "-C", build, "--no-rebuild", "--destdir", stage, "--quiet"],
        plain_env(), "meson install --destdir")
    pcs = glob.glob(os.path.join(stage, "**", "pkgconfig", "sysbpf.pc"), recursive=True)
    s.expect(len(pcs) == 1, f"staged install has {len(pcs)} sysbpf.pc files")
    pcdir = os.path.dirname(pcs[0])
    libdir = os.path.dirname(pcdir)
    env = plain_env()
    env.update(PKG_CONFIG_LIBDIR=pcdir, PKG_CONFIG_SYSROOT_DIR=stage)
    cflags = out(["pkg-config", "--cflags", "sysbpf"], env).split()
    libs = out(["pkg-config", "--libs", "sysbpf"], env).split()
    static_l = out(["pkg-config", "--static", "--libs-only-L", "sysbpf"], env).split()
    static_l_libs = out(["pkg-config", "--static", "--libs-only-l", "sysbpf"], env).split()
    s.expect(any(f.startswith("-I" + stage) for f in cflags), f"cflags do not point into the stage: {cflags}")
    print(f"  pkg-config --cflags --libs sysbpf: {' '.join(cflags + libs)}")

    lib = os.path.join(libdir, "libsysbpf.so.1")
    needed = [l.split("[")[1].rstrip("]") for l in out(["readelf", "-d", lib]).splitlines() if "(NEEDED)" in l]
    # The dynamic loader serves __tls_get_addr (default-model TLS, abi/tls).
    loader = re.compile(r"^ld(64)?(-[\w.-]+)?\.so\.\d+$")
    s.expect([n for n in needed if not loader.match(n)] == ["libc.so.6"],
             f"libsysbpf.so.1 needs {needed}, not only libc.so.6 and the dynamic loader")
    relocs = [l for l in out(["readelf", "-rW", lib]).splitlines()
              if any(f" {fn}@" in l or l.endswith(f" {fn}") for fn in s.functions)]
    s.expect(not relocs, "dynamic relocations against bpf.h symbols:\n" + "\n".join(relocs))

    run_env = plain_env()
    run_env["LD_LIBRARY_PATH"] = libdir

    dyn = os.path.join(s.tmp, "sample-dynamic")
    out([cc, sample, "-o", dyn] + cflags + libs, env, "cc $(pkg-config --cflags --libs sysbpf)")
    ldd = out(["ldd", dyn], run_env)
    s.expect(f"libsysbpf.so.1 => {lib}" in ldd, f"ldd does not show the staged libsysbpf.so.1:\n{ldd}")
    s.expect("libbpf.so" not in ldd, f"ldd shows libbpf:\n{ldd}")
    check_runs(s, dyn, run_env, "dynamic")

    sta = os.path.join(s.tmp, "sample-static")
    out([cc, sample, "-o", sta] + cflags + static_l + ["-Wl,-Bstatic"] + static_l_libs + ["-Wl,-Bdynamic"],
        env, "cc ... -Wl,-Bstatic -lsysbpf -Wl,-Bdynamic")
    ldd = out(["ldd", sta], run_env)
    s.expect("libsysbpf" not in ldd and "libbpf.so" not in ldd, f"static build still links a bpf library:\n{ldd}")
    defined = out(["nm", "--defined-only", sta])
    s.expect(" T bpf_map_create\n" in defined, "static build does not contain bpf_map_create")
    check_runs(s, sta, run_env, "static")


def check_runs(s, exe, env, label):
    stats = os.path.join(s.tmp, f"stats-{label}")
    e = dict(env, SYSBPF_STATS=stats)
    got = out([exe], e, f"{label} sample")
    s.expect(got == EXPECTED, f"{label} sample printed:\n{got}\nexpected:\n{EXPECTED}")
    served = clientlib.parse_stats(open(stats).read()) if os.path.exists(stats) else {}
    calls = sum(c for c, _ in served.values())
    s.expect(calls >= 10, f"{label} sample: sysbpf's statistics count {calls} calls")
    for fn, (c, _) in served.items():
        s.served_total[fn] = s.served_total.get(fn, 0) + c
    print(f"  {label} sample: correct output; sysbpf served {calls} calls ({len(served)} functions)")


if __name__ == "__main__":
    clientlib.main("relink", scenario, sys.argv[1], sys.argv[2], isolated=False)
