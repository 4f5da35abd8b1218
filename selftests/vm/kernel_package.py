"""Debian's cloud kernel of one series (kernel_series.py) for the VM, fetched
with apt and cached outside the build directory.

The cache (--cache, by default ${XDG_CACHE_HOME:-$HOME/.cache}/sysbpf/kernels)
keeps the .deb files, each beside a .sha256 file holding the SHA256 and size
that apt's package index gave for it; a cached .deb is used only when it still
matches them (and the index, when apt knows the package). The packages are
unpacked into the work directory; from the tree the kernel image is taken, and
the few modules the VM loads (with the modules they depend on) are
decompressed (.ko.xz from 6.x) and stripped of debug info.

When apt cannot answer or download (offline), the newest valid kernel already
in the cache is used. SYSBPF_VM_KERNEL_PKG names the image package to use.
"""
import hashlib
import lzma
import os
import shutil
import struct
import subprocess
import tempfile

import apt_private
from kernel_series import version_key

# Modules the VM loads when present (network selftests use them; all other BPF
# pieces are built into the cloud kernels).
WANTED_MODULES = ["veth", "dummy", "sch_ingress", "cls_bpf", "act_bpf"]
MODULE_SUFFIXES = (".ko", ".ko.xz")


class Unavailable(Exception):
    """No kernel of the series can be had; the suite skips with this reason."""


class Kernel:
    def __init__(self, image, release, modules, packages):
        self.image = image        # path of the kernel image
        self.release = release    # uname -r of that kernel
        self.modules = modules    # paths of decompressed, stripped .ko files, load order
        self.packages = packages  # the .deb file names


def default_cache():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "sysbpf", "kernels")


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _valid(deb, expected):
    """Whether deb has the SHA256 and size of expected ({"sha256", "size"})."""
    return (os.path.isfile(deb) and os.path.getsize(deb) == expected["size"]
            and _sha256(deb) == expected["sha256"])


def _recorded(deb):
    try:
        with open(deb + ".sha256") as f:
            sha, size = f.read().split()
        return {"sha256": sha, "size": int(size)}
    except (OSError, ValueError):
        return None


def _cached_deb(directory, package):
    """The cached .deb of package (name_version_arch.deb) whose record it matches."""
    if not os.path.isdir(directory):
        return None
    for f in sorted(os.listdir(directory)):
        deb = os.path.join(directory, f)
        if f.startswith(package + "_") and f.endswith(".deb"):
            rec = _recorded(deb)
            if rec and _valid(deb, rec):
                return deb
    return None


def _fetch(apt, directory, package):
    """The package's .deb in the cache, downloaded when the cache has no valid
    copy of the index's version."""
    entry = apt.index_entry(package)
    cached = _cached_deb(directory, package)
    if cached and (entry is None or _recorded(cached) == entry):
        return cached
    if entry is None:
        raise Unavailable(f"apt knows no package {package}")
    os.makedirs(directory, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        deb = apt.download(package, tmp)
        if not _valid(deb, entry):
            raise Unavailable(f"{os.path.basename(deb)} does not match the SHA256 and size "
                              "in apt's package index")
        dest = os.path.join(directory, os.path.basename(deb))
        for old in os.listdir(directory):  # older versions of the same package
            if old.startswith(package + "_"):
                os.remove(os.path.join(directory, old))
        os.replace(deb, dest)
        with open(dest + ".sha256", "w") as f:
            f.write(f"{entry['sha256']} {entry['size']}\n")
    return dest


def _newest_cached_image(series, directory):
    if not os.path.isdir(directory):
        return None
    names = {f.split("_")[0] for f in os.listdir(directory) if f.endswith(".deb")}
    images = sorted((n for n in names if series.image.match(n)), key=version_key, reverse=True)
    for image in images:
        if all(_cached_deb(directory, p) for p in series.packages(image)):
            return image
    return None


def _modinfo_depends(ko):
    """The depends= entry of a module's .modinfo ELF section (ELF64 LE, x86_64
    guests only), as module names."""
    shoff, = struct.unpack_from("<Q", ko, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", ko, 0x3A)

    def section(i):
        name, _, _, _, offset, size = struct.unpack_from("<IIQQQQ", ko, shoff + i * shentsize)
        return name, offset, size

    _, strtab_off, _ = section(shstrndx)
    for i in range(shnum):
        name, offset, size = section(i)
        end = ko.index(b"\0", strtab_off + name)
        if ko[strtab_off + name:end] == b".modinfo":
            for entry in ko[offset:offset + size].split(b"\0"):
                if entry.startswith(b"depends="):
                    return [d for d in entry[len(b"depends="):].decode().split(",") if d]
    return []


def _module_name(filename):
    for suffix in MODULE_SUFFIXES:
        if filename.endswith(suffix):
            return filename[:-len(suffix)].replace("-", "_")
    return None


def _install_modules(modules_dir, dest):
    """WANTED_MODULES and their dependencies, decompressed and stripped into
    dest; returns their paths, dependencies first."""
    by_name = {}
    for dirpath, _, files in os.walk(modules_dir):
        for f in files:
            name = _module_name(f)
            if name:
                by_name[name] = os.path.join(dirpath, f)
    os.makedirs(dest, exist_ok=True)
    order = []

    def visit(name):
        src = by_name.get(name.replace("-", "_"))
        out = os.path.join(dest, name.replace("-", "_") + ".ko")
        if src is None or out in order:
            return
        with open(src, "rb") as f:
            data = f.read()
        if src.endswith(".xz"):
            data = lzma.decompress(data)
        for dep in _modinfo_depends(data):
            visit(dep)
        with open(out, "wb") as f:
            f.write(data)
        subprocess.run(["strip", "--strip-debug", out], check=True, timeout=60)
        order.append(out)

    for m in WANTED_MODULES:
        visit(m)
    return order


def _unpack(debs, work):
    """The kernel in work/kernel, unpacked from debs unless already there."""
    root = os.path.join(work, "kernel")
    stamp = os.path.join(root, "unpacked-from")
    want = "".join(f"{os.path.basename(d)} {_recorded(d)['sha256']}\n" for d in debs)
    if not (os.path.exists(stamp) and open(stamp).read() == want):
        shutil.rmtree(root, ignore_errors=True)
        tree = os.path.join(root, "tree")
        os.makedirs(tree)
        for deb in debs:
            subprocess.run(["dpkg-deb", "-x", deb, tree], check=True, timeout=600)
        images = []
        for base in ["boot", "lib/modules", "usr/lib/modules"]:
            for dirpath, _, files in os.walk(os.path.join(tree, base)):
                for f in files:
                    if f.startswith("vmlinuz"):
                        images.append(os.path.join(dirpath, f))
        if len(images) != 1:
            raise Unavailable(f"want one kernel image in {', '.join(debs)}, found {images}")
        image = images[0]
        if os.path.basename(image) == "vmlinuz":   # usr/lib/modules/<release>/vmlinuz
            release = os.path.basename(os.path.dirname(image))
        else:                                       # boot/vmlinuz-<release>
            release = os.path.basename(image)[len("vmlinuz-"):]
        shutil.move(image, os.path.join(root, "vmlinuz"))
        modules_dir = next((d for d in (os.path.join(tree, "lib/modules", release),
                                        os.path.join(tree, "usr/lib/modules", release))
                            if os.path.isdir(d)), None)
        if modules_dir is None:
            raise Unavailable(f"no modules for {release} in {', '.join(debs)}")
        modules = _install_modules(modules_dir, os.path.join(root, "modules"))
        shutil.rmtree(tree)
        with open(os.path.join(root, "release"), "w") as f:
            f.write(release + "\n")
        with open(os.path.join(root, "modules.order"), "w") as f:
            f.write("".join(os.path.basename(m) + "\n" for m in modules))
        with open(stamp, "w") as f:   # last: marks the tree complete
            f.write(want)
    with open(os.path.join(root, "release")) as f:
        release = f.read().strip()
    with open(os.path.join(root, "modules.order")) as f:
        modules = [os.path.join(root, "modules", line.strip()) for line in f if line.strip()]
    return Kernel(os.path.join(root, "vmlinuz"), release, modules,
                  [os.path.basename(d) for d in debs])


def get_kernel(series, cache, work):
    """The newest kernel of series, from the cache or downloaded into it,
    unpacked into work."""
    directory = os.path.join(cache, series.name)
    problem = None
    image = os.environ.get("SYSBPF_VM_KERNEL_PKG")
    try:
        apt = apt_private.Apt(series.suite, os.path.join(cache, "apt"))
        apt.update()
        if not image:
            known = apt.search(series.image)
            image = max(known, key=version_key) if known else None
            if image is None:
                problem = f"apt knows no package matching {series.image.pattern}"
        if image:
            debs = [_fetch(apt, directory, p) for p in series.packages(image)]
            return _unpack(debs, work)
    except (apt_private.AptError, Unavailable, OSError, subprocess.SubprocessError) as e:
        problem = str(e)
    image = _newest_cached_image(series, directory)
    if image is None:
        raise Unavailable(f"no Debian {series.name} kernel: {problem}; none cached in {directory}")
    print(f"note: {problem}; using the newest cached kernel, {image}")
    try:
        return _unpack([_cached_deb(directory, p) for p in series.packages(image)], work)
    except (OSError, subprocess.SubprocessError) as e:
        raise Unavailable(f"cached Debian {series.name} kernel {image} does not unpack: {e}") from e
