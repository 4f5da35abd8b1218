#!/usr/bin/env python3
"""The packaging suite: sysbpf packaged the way Debian would.

A clean export of the source tree (git's tracked and untracked-but-not-ignored
files, as they are on disk) is wrapped, in a temp dir, as a Debian source
package with the files of debian/ next to this script (plus a generated
changelog and copyright, and abi/libsysbpf1.symbols), and built twice with
`dpkg-buildpackage -us -uc -b` and hardening=+all: in two directories of
different depth, with the same SOURCE_DATE_EPOCH. Then:
  - the three packages (libsysbpf1, libsysbpf-dev, sysbpf) are there;
  - lintian reports no error and no warning (overrides only with a reason);
  - hardening-check passes on the library and on the tool;
  - the two builds install byte-identical files (reproducible);
  - unpacked into a throwaway root (dpkg-deb -x), the relink sample builds
    with that root's `pkg-config --cflags --libs sysbpf` and runs, linked to
    the packaged library; the packaged tool runs `sysbpf check`; and
    `ip link set dev V xdp obj ...` in a private network namespace, with the
    packaged library preloaded, is served by it.
Skips (exit 77) only when the packaging tools are not installed.

usage: package.py SOURCE_DIR VERSION VERSION_SCRIPT NET_HOOKS_OBJECT
"""
import filecmp
import glob
import gzip
import hashlib
import os
import shutil
import stat
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "clients"))
sys.path.insert(0, os.path.join(HERE, "..", "clients", "relink"))
import clientlib  # noqa: E402
from clientlib import Failure, Skip, plain_env  # noqa: E402
import relink  # noqa: E402

PACKAGES = ["libsysbpf1", "libsysbpf-dev", "sysbpf"]
TOOLS = {"dpkg-buildpackage": "dpkg-dev", "dpkg-deb": "dpkg", "dpkg-checkbuilddeps": "dpkg-dev",
         "dh": "debhelper", "lintian": "lintian", "hardening-check": "devscripts"}
BUILD_TIMEOUT_S = 1500
DEV, PEER = "sbpkg0", "sbpkg1"


def sh(argv, what=None, timeout=600, **kw):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kw)
    if p.returncode != 0:
        raise Failure(f"{what or ' '.join(argv)}: exit {p.returncode}\n{p.stdout[-4000:]}{p.stderr[-4000:]}")
    return p.stdout


def clean_env():
    """The caller's environment without what meson test or a user's
    preload would leak into a package build."""
    env = plain_env()
    for k in list(env):
        if k.startswith(("DEB_", "DH_", "MESON")) or k in ("MALLOC_PERTURB_", "CFLAGS", "CXXFLAGS",
                                                             "CPPFLAGS", "LDFLAGS", "PKG_CONFIG_PATH",
                                                             "PKG_CONFIG_LIBDIR", "PKG_CONFIG_SYSROOT_DIR"):
            del env[k]
    env["LC_ALL"] = "C.UTF-8"
    return env


# --- the source package ----------------------------------------------------

def tree_files(src):
    """Relative paths of the tree as it is: git's tracked and untracked (not
    ignored) files that exist; without git, everything but build dirs."""
    if os.path.isdir(os.path.join(src, ".git")) or os.path.isfile(os.path.join(src, ".git")):
        out = subprocess.run(["git", "-C", src, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             capture_output=True, check=True).stdout.decode()
        return sorted({f for f in out.split("\0") if f and os.path.lexists(os.path.join(src, f))})
    files = []
    for root, dirs, names in os.walk(src):
        rel = os.path.relpath(root, src)
        dirs[:] = [d for d in dirs if not (rel == "." and (d.startswith("build") or d == ".git"))]
        files += [os.path.normpath(os.path.join(rel, n)) for n in names]
    return sorted(files)


def export(src, files, dest):
    for f in files:
        s, d = os.path.join(src, f), os.path.join(dest, f)
        os.makedirs(os.path.dirname(d), exist_ok=True)
        if os.path.islink(s):
            os.symlink(os.readlink(s), d)
        else:
            shutil.copy2(s, d)


def source_date_epoch(src):
    """The last commit's time; if that is today (UTC), the end of yesterday,
    so that a build date leaking into a file is told from it."""
    p = subprocess.run(["git", "-C", src, "log", "-1", "--format=%ct"], capture_output=True, text=True)
    if p.returncode == 0 and p.stdout.strip().isdigit():
        epoch = int(p.stdout.strip())
    else:
        epoch = int(os.stat(os.path.join(src, "meson.build")).st_mtime)
    midnight = int(time.time()) // 86400 * 86400
    return min(epoch, midnight - 1)


def build_date_leaks(root):
    """Installed files (man pages uncompressed) that name today's date."""
    now = time.gmtime()
    stamps = {time.strftime(f, now).encode() for f in ("%Y-%m-%d", "%b %d %Y", "%d %b %Y")}
    stamps.add(f"{time.strftime('%a %b', now)} {now.tm_mday} {now.tm_year}".encode())
    leaks = []
    for dirpath, _, names in os.walk(root):
        for n in names:
            p = os.path.join(dirpath, n)
            if os.path.islink(p):
                continue
            with open(p, "rb") as f:
                data = f.read()
            if n.endswith(".gz"):
                data = gzip.decompress(data)
            leaks += [f"{os.path.relpath(p, root)}: {st.decode()}" for st in stamps if st in data]
    return leaks


def debianize(src, tree, version, epoch):
    """tree/debian: the files kept here, plus the changelog (version and date
    from the tree), the copyright (from LICENSE) and the symbols file."""
    shutil.copytree(os.path.join(HERE, "debian"), os.path.join(tree, "debian"))
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(epoch))
    with open(os.path.join(tree, "debian", "changelog"), "w") as f:
        f.write(f"sysbpf ({version}-1) unstable; urgency=medium\n\n"
                f"  * Trial package, built by sysbpf's packaging suite.\n\n"
                f" -- sysbpf packaging test <sysbpf-packaging@lists.invalid>  {date}\n")
    with open(os.path.join(src, "LICENSE")) as f:
        lines = f.read().splitlines()
    # LICENSE: title, blank, copyright line, blank, then the license text.
    copyright_line = lines[2].replace("Copyright (c) ", "").strip()
    text = "\n".join(" " + l if l.strip() else " ." for l in lines[4:])
    with open(os.path.join(tree, "debian", "copyright"), "w") as f:
        f.write("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
                "Upstream-Name: sysbpf\n\n"
                f"Files: *\nCopyright: {copyright_line}\nLicense: BSD-2-Clause\n\n"
                f"License: BSD-2-Clause\n{text}\n")
    shutil.copy(os.path.join(src, "abi", "libsysbpf1.symbols"),
                os.path.join(tree, "debian", "libsysbpf1.symbols"))


def build_all(trees, env):
    """dpkg-buildpackage in each tree, concurrently (one job each)."""
    procs = []
    for t in trees:
        log = open(os.path.join(os.path.dirname(t), "build.log"), "w")
        procs.append((t, log, subprocess.Popen(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=t, env=env,
                                               stdout=log, stderr=subprocess.STDOUT)))
    deadline = time.monotonic() + BUILD_TIMEOUT_S
    failed = []
    for t, log, p in procs:
        try:
            rc = p.wait(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            rc = "timeout"
        log.close()
        if rc != 0:
            with open(log.name) as f:
                failed.append(f"dpkg-buildpackage in {t}: exit {rc}\n" + "".join(f.readlines()[-60:]))
    if failed:
        raise Failure("\n".join(failed))


def debs(outdir):
    found = {}
    for path in glob.glob(os.path.join(outdir, "*.deb")):
        found[os.path.basename(path).split("_")[0]] = path
    return found


# --- checks ------------------------------------------------------------------

def lintian(s, changes):
    p = subprocess.run(["lintian", "--display-info", "--show-overrides", "--tag-display-limit", "0",
                        "--fail-on", "error,warning", changes],
                       capture_output=True, text=True, timeout=600, env=clean_env())
    lines = p.stdout.splitlines()
    counts = {k: sum(l.startswith(k + ": ") for l in lines) for k in "EWIPXO"}
    print(f"  lintian: {counts['E']} errors, {counts['W']} warnings, {counts['I']} info, "
          f"{counts['P']} pedantic, {counts['X']} experimental, {counts['O']} overridden (exit {p.returncode})")
    for l in lines:
        if l[:3] in ("I: ", "O: "):
            print("    " + l)
    unused = [l for l in lines if "unused-override" in l]
    if unused:
        print("  NOTE: lintian overrides no longer needed; delete them from selftests/packaging/debian/:\n    "
              + "\n    ".join(unused))
    # Exit 1: lintian could not process the packages. Exit 2: a --fail-on
    # tag, which with --show-overrides counts overridden ones too; the E:
    # and W: lines are the tags not overridden.
    s.expect(counts["E"] == 0 and counts["W"] == 0 and p.returncode in (0, 2),
             "lintian reports errors or warnings:\n" + p.stdout + p.stderr)


def start_files_have_cet():
    """Whether the C library's start files carry the x86 IBT/SHSTK property.
    The linker keeps it only if every object has it; Debian 12's crti.o and
    crtn.o do not, so nothing linked there can pass hardening-check's
    control-flow-integrity check. None off x86."""
    cc = shutil.which(os.environ.get("CC", "cc"))
    machine = subprocess.run([cc, "-dumpmachine"], capture_output=True, text=True).stdout
    if not machine.startswith(("x86_64", "i686", "i386")):
        return None
    notes = ""
    for f in ("crti.o", "crtn.o"):
        path = subprocess.run([cc, "-print-file-name=" + f], capture_output=True, text=True).stdout.strip()
        notes = subprocess.run(["readelf", "-n", path], capture_output=True, text=True).stdout
        if "x86 feature: IBT, SHSTK" not in notes:
            return f"{path} has no 'x86 feature: IBT, SHSTK' property"
    return True


def hardening(s, paths):
    args = []
    cet = start_files_have_cet()
    if isinstance(cet, str):
        args = ["--nocfprotection"]
        print(f"  hardening-check --nocfprotection: {cet}, so no binary linked with it has the property")
    for path in paths:
        p = subprocess.run(["hardening-check", *args, path], capture_output=True, text=True, env=clean_env())
        print("  " + p.stdout.strip().replace("\n", "\n  "))
        s.expect(p.returncode == 0, f"hardening-check {path}: exit {p.returncode}\n{p.stdout}{p.stderr}")
    # The companion: a program built without the flags fails the same check.
    plain = os.path.join(s.tmp, "unhardened")
    src = plain + ".c"
    with open(src, "w") as f:
        f.write("#include <stdio.h>\n#include <string.h>\nint main(int c, char **v)\n"
                "{ char b[64]; strcpy(b, v[0]); puts(b); return c; }\n")
    cc = shutil.which(os.environ.get("CC", "cc"))
    sh([cc, "-O2", "-fno-stack-protector", "-U_FORTIFY_SOURCE", "-no-pie", "-Wl,-z,norelro", "-Wl,-z,lazy",
        src, "-o", plain], "cc unhardened.c", env=clean_env())
    p = subprocess.run(["hardening-check", *args, plain], capture_output=True, text=True, env=clean_env())
    bad = [l.split(":")[0].strip() for l in p.stdout.splitlines() if ": no" in l and "(ignored)" not in l]
    s.expect(p.returncode != 0 and len(bad) >= 4,
             f"hardening-check passes a program built without hardening: exit {p.returncode}\n{p.stdout}")
    print(f"  hardening-check, companion: a program built without the flags fails ({', '.join(bad)})")


def unpack(packages, root):
    for path in packages:
        sh(["dpkg-deb", "-x", path, root], f"dpkg-deb -x {os.path.basename(path)}")


def inventory(root):
    """{relative path: (kind, mode, content digest or link target)}."""
    inv = {}
    for dirpath, dirs, names in os.walk(root):
        for n in dirs + names:
            p = os.path.join(dirpath, n)
            st = os.lstat(p)
            rel = os.path.relpath(p, root)
            if stat.S_ISLNK(st.st_mode):
                inv[rel] = ("link", 0, os.readlink(p))
            elif stat.S_ISDIR(st.st_mode):
                inv[rel] = ("dir", stat.S_IMODE(st.st_mode), "")
            else:
                with open(p, "rb") as f:
                    inv[rel] = ("file", stat.S_IMODE(st.st_mode), hashlib.sha256(f.read()).hexdigest())
    return inv


def differences(root_a, root_b):
    a, b = inventory(root_a), inventory(root_b)
    return a, sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k)), b


def reproducible(s, root_a, root_b, debs_a, debs_b):
    a, differ, b = differences(root_a, root_b)
    files = sum(v[0] == "file" for v in a.values())
    s.expect(not differ, "the two builds install different files:\n  " + "\n  ".join(
        f"{k}: {a.get(k)} vs {b.get(k)}" for k in differ[:40]))
    same_debs = [n for n in debs_a if n in debs_b and filecmp.cmp(debs_a[n], debs_b[n], shallow=False)]
    print(f"  reproducible: {files} installed files byte-identical between the two builds; "
          f"{len(same_debs)} of {len(debs_a)} .deb files identical")
    s.expect(len(same_debs) == len(debs_a), "the .deb files differ although their files are identical: "
             + ", ".join(sorted(set(debs_a) - set(same_debs))))
    leaks = build_date_leaks(root_a)
    s.expect(not leaks, "installed files carry the build date, not SOURCE_DATE_EPOCH's:\n  " + "\n  ".join(leaks))
    print("  reproducible: no installed file names the build date")
    # The companion: one byte of the library changed in a copy is caught.
    doctored = os.path.join(s.tmp, "root-doctored")
    shutil.copytree(root_b, doctored, symlinks=True)
    lib = glob.glob(os.path.join(doctored, "usr", "lib", "*", "libsysbpf.so.1.*"))[0]
    with open(lib, "r+b") as f:
        f.seek(100)
        byte = f.read(1)
        f.seek(100)
        f.write(bytes([byte[0] ^ 1]))
    _, differ, _ = differences(root_a, doctored)
    s.expect([os.path.basename(d) for d in differ] == [os.path.basename(lib)],
             f"a changed byte in the library: comparison reports {differ}")
    print(f"  reproducible, companion: one changed byte reported ({differ[0]})")


def relink_sample(s, root, sample):
    """The relink sample built with the root's pkg-config and run against the
    packaged library."""
    pcs = glob.glob(os.path.join(root, "**", "pkgconfig", "sysbpf.pc"), recursive=True)
    s.expect(len(pcs) == 1, f"packages hold {len(pcs)} sysbpf.pc files")
    pcdir = os.path.dirname(pcs[0])
    libdir = os.path.dirname(pcdir)
    env = clean_env()
    env.update(PKG_CONFIG_LIBDIR=pcdir, PKG_CONFIG_SYSROOT_DIR=root)
    flags = sh(["pkg-config", "--cflags", "--libs", "sysbpf"], env=env).split()
    s.expect(any(f.startswith("-I" + root) for f in flags) and any(f.startswith("-L" + root) for f in flags),
             f"pkg-config flags do not point into the root: {flags}")
    print(f"  pkg-config --cflags --libs sysbpf: {' '.join(flags)}")
    cc = shutil.which(os.environ.get("CC", "cc"))
    exe = os.path.join(s.tmp, "sample")
    sh([cc, sample, "-o", exe] + flags, "cc sample.c $(pkg-config --cflags --libs sysbpf)", env=env)
    run_env = clean_env()
    run_env["LD_LIBRARY_PATH"] = libdir
    ldd = sh(["ldd", exe], env=run_env)
    s.expect(f"libsysbpf.so.1 => {libdir}/libsysbpf.so.1" in ldd, f"ldd does not show the packaged library:\n{ldd}")
    relink.check_runs(s, exe, run_env, "packaged")
    # The static library of libsysbpf-dev, as README's static recipe uses it.
    static = os.path.join(s.tmp, "sample-static")
    libs_l = sh(["pkg-config", "--static", "--libs-only-L", "sysbpf"], env=env).split()
    libs_ll = sh(["pkg-config", "--static", "--libs-only-l", "sysbpf"], env=env).split()
    cflags = sh(["pkg-config", "--cflags", "sysbpf"], env=env).split()
    sh([cc, sample, "-o", static] + cflags + libs_l + ["-Wl,-Bstatic"] + libs_ll + ["-Wl,-Bdynamic"],
       "cc sample.c ... -Wl,-Bstatic -lsysbpf -Wl,-Bdynamic", env=env)
    ldd = sh(["ldd", static], env=run_env)
    s.expect("libsysbpf" not in ldd, f"the static build still links libsysbpf:\n{ldd}")
    relink.check_runs(s, static, run_env, "packaged static")
    return libdir


def packaged_tool(s, root, libdir):
    tool = os.path.join(root, "usr", "bin", "sysbpf")
    env = clean_env()
    env["LD_LIBRARY_PATH"] = libdir
    ldd = sh(["ldd", tool], env=env)
    s.expect(f"libsysbpf.so.1 => {libdir}/libsysbpf.so.1" in ldd, f"the tool is not linked to the packaged library:\n{ldd}")
    out = sh([tool, "check"], "packaged sysbpf check", env=env)
    print(f"  packaged sysbpf check: exit 0, {len(out.splitlines())} lines")


def xdp_client(s, obj):
    s.require_client("ip")
    if not obj or not os.path.exists(obj):
        raise Failure("net_hooks.bpf.o was not built (clang missing at configure time?)")
    s.veth_pair(DEV, PEER)
    s.client(["ip", "link", "set", "dev", DEV, "xdp", "obj", obj, "sec", "xdp"], True)
    show = s.sh("ip", "-d", "link", "show", "dev", DEV).stdout
    s.expect(" name xdp_hook " in show, f"ip -d link does not show xdp_hook attached:\n{show}")
    s.sh("ip", "link", "set", "dev", DEV, "xdp", "off")


# --- the scenario ------------------------------------------------------------

def scenario(s):
    src, version, obj = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[4]
    missing = sorted({pkg for tool, pkg in TOOLS.items() if not shutil.which(tool)})
    if missing:
        raise Skip(f"packaging tools not installed: {', '.join(missing)} (bash .ci/install-deps installs them)")
    t0 = time.monotonic()
    epoch = source_date_epoch(src)
    files = tree_files(src)
    # Two directories of different names and depths.
    trees = [os.path.join(s.tmp, "a", f"sysbpf-{version}"),
             os.path.join(s.tmp, "b", "elsewhere", f"sysbpf-{version}")]
    for t in trees:
        export(src, files, t)
        debianize(src, t, version, epoch)
    p = subprocess.run(["dpkg-checkbuilddeps"], cwd=trees[0], capture_output=True, text=True)
    s.expect(p.returncode == 0, f"build dependencies missing (bash .ci/install-deps): {p.stderr.strip()}")
    env = clean_env()
    env.update(SOURCE_DATE_EPOCH=str(epoch), DEB_BUILD_MAINT_OPTIONS="hardening=+all",
               DEB_BUILD_OPTIONS="parallel=1")
    print(f"  source: {len(files)} files exported, SOURCE_DATE_EPOCH={epoch}; "
          f"building in {trees[0]} and {trees[1]}")
    build_all(trees, env)
    t_build = time.monotonic() - t0
    built = [debs(os.path.dirname(t)) for t in trees]
    print(f"  dpkg-buildpackage -us -uc -b: both builds done in {t_build:.0f} s: "
          + ", ".join(sorted(os.path.basename(p) for p in built[0].values())))
    for pkg in PACKAGES:
        s.expect(pkg in built[0], f"package {pkg} was not built")
    extra = sorted(set(built[0]) - set(PACKAGES) - {p + "-dbgsym" for p in PACKAGES})
    s.expect(not extra, f"packages not expected: {extra}")

    changes = glob.glob(os.path.join(os.path.dirname(trees[0]), "*.changes"))
    s.expect(len(changes) == 1, f"{len(changes)} .changes files")
    lintian(s, changes[0])

    roots = [os.path.join(s.tmp, "root-a"), os.path.join(s.tmp, "root-b")]
    for root, b in zip(roots, built):
        unpack(b.values(), root)
    libs = glob.glob(os.path.join(roots[0], "usr", "lib", "*", "libsysbpf.so.1.*"))
    s.expect(len(libs) == 1, f"libsysbpf1 holds {libs}")
    hardening(s, [libs[0], os.path.join(roots[0], "usr", "bin", "sysbpf")])
    reproducible(s, roots[0], roots[1], built[0], built[1])

    sample = os.path.join(src, "selftests", "clients", "relink", "sample.c")
    libdir = relink_sample(s, roots[0], sample)
    packaged_tool(s, roots[0], libdir)
    s.lib = os.path.join(libdir, "libsysbpf.so.1")
    xdp_client(s, obj)
    print(f"  packaging suite: {time.monotonic() - t0:.0f} s in all")


if __name__ == "__main__":
    # The packaged library is not there yet: the scenario points s.lib at it.
    clientlib.main("packaging", scenario, sys.argv[1] + "/abi/libsysbpf.map", sys.argv[3])
