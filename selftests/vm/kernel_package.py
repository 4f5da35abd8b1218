"""Debian's Linux 6.1 kernel for the VM, fetched with apt and cached.

The package is Debian 12's signed cloud kernel, linux-image-6.1.0-<N>-cloud-amd64
(the cloud flavour: small, no initramfs needed, virtio and 8250 serial built
in, BPF, BTF, tracing as on any Debian 6.1 host). N is Debian's ABI number and
changes with every point release, so the newest N that `apt-cache search`
knows is taken; SYSBPF_VM_KERNEL_PKG names another package instead.

`apt-get download` fetches the .deb (no install) and `dpkg-deb -x` unpacks it.
The cache keeps the .deb and a trimmed tree: the kernel image and the few
modules the VM loads (with the modules they depend on). A later run finds the
tree and asks apt nothing more than the package name; when apt cannot answer
or download (offline), the newest kernel already in the cache is used.
"""
import os
import re
import shutil
import struct
import subprocess
import tempfile

PACKAGE_RE = re.compile(r"^linux-image-6\.1\.0-(\d+)-cloud-amd64$")

# Modules the VM loads when present (network selftests use them; all other BPF
# pieces are built into the cloud kernel).
WANTED_MODULES = ["veth", "dummy", "sch_ingress", "cls_bpf", "act_bpf"]


class Unavailable(Exception):
    """No 6.1 kernel can be had; the suite reports skip with this reason."""


class Kernel:
    def __init__(self, root, package):
        self.root = root
        self.package = package
        boot = os.path.join(root, "boot")
        images = sorted(f for f in os.listdir(boot) if f.startswith("vmlinuz-"))
        self.image = os.path.join(boot, images[-1])
        self.release = images[-1][len("vmlinuz-"):]
        with open(os.path.join(root, "modules.order")) as f:
            self.modules = [os.path.join(root, line.strip()) for line in f if line.strip()]


def _abi_number(package):
    m = PACKAGE_RE.match(package)
    return int(m.group(1)) if m else -1


def newest_package_in_apt():
    try:
        out = subprocess.run(
            ["apt-cache", "search", "--names-only", r"^linux-image-6\.1\.0-[0-9]+-cloud-amd64$"],
            capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    names = [line.split()[0] for line in out.splitlines() if line.strip()]
    names = [n for n in names if PACKAGE_RE.match(n)]
    return max(names, key=_abi_number) if names else None


def _cached(cache):
    """Packages whose trimmed tree is complete in the cache, newest first."""
    if not os.path.isdir(cache):
        return []
    done = [d for d in os.listdir(cache) if os.path.exists(os.path.join(cache, d, "modules.order"))]
    return sorted(done, key=_abi_number, reverse=True)


def _modinfo_depends(ko_path):
    """The depends= entry of a module's .modinfo ELF section, as module names."""
    with open(ko_path, "rb") as f:
        elf = f.read()
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)

    def section(i):
        name, _, _, _, offset, size = struct.unpack_from("<IIQQQQ", elf, shoff + i * shentsize)
        return name, offset, size

    _, strtab_off, _ = section(shstrndx)
    for i in range(shnum):
        name, offset, size = section(i)
        end = elf.index(b"\0", strtab_off + name)
        if elf[strtab_off + name:end] == b".modinfo":
            for entry in elf[offset:offset + size].split(b"\0"):
                if entry.startswith(b"depends="):
                    return [d for d in entry[len(b"depends="):].decode().split(",") if d]
    return []


def _load_order(modules_dir):
    """Relative paths of WANTED_MODULES and their dependencies, dependencies first."""
    by_name = {}
    for dirpath, _, files in os.walk(modules_dir):
        for f in files:
            if f.endswith(".ko"):
                by_name[f[:-3].replace("-", "_")] = os.path.join(dirpath, f)
    order = []

    def visit(name):
        path = by_name.get(name.replace("-", "_"))
        if path is None or path in order:
            return
        for dep in _modinfo_depends(path):
            visit(dep)
        order.append(path)

    for m in WANTED_MODULES:
        visit(m)
    return order


def _download_and_trim(cache, package):
    os.makedirs(cache, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        r = subprocess.run(["apt-get", "download", package], cwd=tmp,
                           capture_output=True, text=True, timeout=600)
        debs = [f for f in os.listdir(tmp) if f.endswith(".deb")]
        if r.returncode != 0 or not debs:
            why = "; ".join(r.stderr.strip().splitlines()[-3:])
            raise Unavailable(f"apt-get download {package} failed: {why}")
        unpacked = os.path.join(tmp, "x")
        subprocess.run(["dpkg-deb", "-x", os.path.join(tmp, debs[0]), unpacked],
                       check=True, timeout=600)
        dest = os.path.join(cache, package)
        shutil.rmtree(dest, ignore_errors=True)
        os.makedirs(os.path.join(dest, "boot"))
        for f in os.listdir(os.path.join(unpacked, "boot")):
            if f.startswith(("vmlinuz-", "config-")):
                shutil.copy(os.path.join(unpacked, "boot", f), os.path.join(dest, "boot"))
        order = []
        for path in _load_order(os.path.join(unpacked, "lib", "modules")):
            rel = os.path.relpath(path, unpacked)
            os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
            shutil.copy(path, os.path.join(dest, rel))
            order.append(rel)
        os.replace(os.path.join(tmp, debs[0]), os.path.join(cache, debs[0]))
        # Written last: its presence marks the tree complete.
        with open(os.path.join(dest, "modules.order"), "w") as f:
            f.write("".join(rel + "\n" for rel in order))


def get_kernel(cache):
    """The 6.1 kernel to boot, downloading it into cache when needed."""
    package = os.environ.get("SYSBPF_VM_KERNEL_PKG") or newest_package_in_apt()
    if package and package not in _cached(cache):
        try:
            _download_and_trim(cache, package)
        except (Unavailable, OSError, subprocess.SubprocessError) as e:
            if not _cached(cache):
                raise Unavailable(str(e)) from e
            print(f"note: {e}; using the newest cached kernel instead")
            package = None
    if not package or package not in _cached(cache):
        cached = _cached(cache)
        if not cached:
            raise Unavailable("no linux-image-6.1.0-*-cloud-amd64 package known to apt-cache "
                              "(apt-get update?) and none cached")
        package = cached[0]
    return Kernel(os.path.join(cache, package), package)
