"""The VM's initramfs: busybox as /init's shell, the selftest binaries, the
shared libraries they need (found with ldd), and the kernel modules to load.
Binaries and libraries go in without their debug info."""
import os
import re
import shutil
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))

# The host's /bin/sh (dash on Debian) and iproute2's ip and tc, when the host
# has them, take the place of busybox's: selftests that shell out see the same
# tools as on a Debian host. (busybox's sh would run its own ip and tc applets
# whatever PATH says.)
HOST_TOOLS = {"/bin/sh": "sh", "/usr/sbin/ip": "ip", "/usr/sbin/tc": "tc"}
_SBIN = "/usr/sbin:/sbin:/usr/bin:/bin"

_LDD_LINE = re.compile(r"^\s*(?:(\S+) => )?(/\S+) \(0x[0-9a-f]+\)$")


def shared_libraries(binary, foreign=None):
    """(soname, path) of every library ldd resolves for binary; the dynamic
    loader comes back with its absolute path as the soname. foreign: for a
    binary of another architecture, (the command that runs it, its sysroot):
    its loader lists the libraries, found in the sysroot where they are."""
    if foreign:
        run_with, sysroot = foreign
        loader = subprocess.run(["readelf", "-lW", binary], capture_output=True, text=True,
                                timeout=60).stdout
        m = re.search(r"interpreter: (/\S+)\]", loader)
        if not m:
            return []
        # The sysroot's libraries (its /lib), not what the host's
        # ld.so.cache names.
        r = subprocess.run(run_with + [sysroot + m.group(1), "--inhibit-cache", "--library-path",
                                       "/lib", "--list", binary],
                           capture_output=True, text=True, timeout=60)
        libs = []
        for soname, path in re.findall(r"^\s*(?:(\S+) => )?(/\S+) \(0x", r.stdout, re.M):
            real = sysroot + path if os.path.exists(sysroot + path) else path
            libs.append((soname or path, real))
        if r.returncode != 0 or not libs:
            raise RuntimeError(f"{binary}: its loader does not list its libraries: {r.stderr.strip()}")
        return libs
    r = subprocess.run(["ldd", binary], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        if "not a dynamic executable" in r.stdout + r.stderr:
            return []
        raise RuntimeError(f"ldd {binary}: {r.stderr.strip()}")
    libs = []
    for line in r.stdout.splitlines():
        m = _LDD_LINE.match(line)
        if m:
            libs.append((m.group(1) or m.group(2), m.group(2)))
        elif "=>" in line and "not found" in line:
            raise RuntimeError(f"ldd {binary}: {line.strip()}")
    return libs


def _install(src, root, dest, strip=False):
    path = os.path.join(root, dest.lstrip("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if strip:  # follows symlinks, as the copy does
        subprocess.run(["strip", "--strip-debug", "-o", path, src], check=True, timeout=120)
        shutil.copymode(src, path)
    else:
        shutil.copy(src, path)  # follows symlinks
    return path


def _install_library(src, root, dest):
    """A library under its real file name, with dest (its soname) a link to
    it as on the host: some programs read their libraries' versions there."""
    real = os.path.realpath(src)
    if os.path.basename(real) == os.path.basename(dest):
        return _install(src, root, dest, strip=True)
    target = _install(real, root, os.path.join(os.path.dirname(dest), os.path.basename(real)),
                      strip=True)
    link = os.path.join(root, dest.lstrip("/"))
    if not os.path.lexists(link):
        os.symlink(os.path.basename(target), link)
    return link


def build(work, kernel, selftests, test_timeout, helpers=(), foreign=None, commands=None):
    """Writes work/initramfs.cpio.gz and returns its path. selftests maps a
    name to a binary; helpers are binaries the selftests start by the absolute
    path compiled into them, installed at that same path. foreign: see
    shared_libraries(); the selftests' libraries then go where their loader
    looks by default (LD_LIBRARY_PATH holds the host's). commands: instead of
    running each binary once, (name, shell command) pairs run in order, each
    with its stderr reported apart (vm_init.sh); the binaries are at
    /selftests/<name>."""
    root = os.path.join(work, "initramfs")
    shutil.rmtree(root, ignore_errors=True)
    for d in ["bin", "dev", "proc", "sys", "selftests", "modules", "lib/sysbpf"]:
        os.makedirs(os.path.join(root, d))

    binaries = [(shutil.which("busybox", path=_SBIN), "/bin/busybox")]
    binaries += [(path, "/selftests/" + name) for name, path in selftests.items()]
    binaries += [(path, os.path.abspath(path)) for path in helpers]
    for dest, tool in HOST_TOOLS.items():
        if shutil.which(tool, path=_SBIN):
            binaries.append((shutil.which(tool, path=_SBIN), dest))
    foreign_binaries = {path for path in selftests.values()} if foreign else set()
    for src, dest in binaries:
        os.chmod(_install(src, root, dest, strip=True), 0o755)
        if src in foreign_binaries:
            for soname, lib in shared_libraries(src, foreign):
                _install_library(lib, root, soname if soname.startswith("/") else "/lib/foreign/" + soname)
            continue
        for soname, lib in shared_libraries(src):
            # The loader at the path compiled into every binary, the rest in
            # one directory on LD_LIBRARY_PATH (ahead of the binaries' RUNPATH).
            _install_library(lib, root, soname if soname.startswith("/") else "/lib/sysbpf/" + soname)

    with open(os.path.join(root, "selftests", "list"), "w") as f:
        if commands is None:
            f.write("".join(name + "\n" for name in selftests))
        else:
            for name, command in commands:
                assert " " not in name and "\n" not in command, (name, command)
                f.write(f"{name} {command}\n")
    with open(os.path.join(root, "modules", "order"), "w") as f:
        for ko in kernel.modules:
            _install(ko, root, "/modules/" + os.path.basename(ko))
            f.write(os.path.basename(ko) + "\n")
    with open(os.path.join(root, "vm.conf"), "w") as f:
        f.write(f"TEST_TIMEOUT={int(test_timeout)}\n")
    os.chmod(_install(os.path.join(HERE, "vm_init.sh"), root, "/init"), 0o755)

    image = os.path.join(work, "initramfs.cpio.gz")
    files = subprocess.run(["find", "."], cwd=root, capture_output=True, text=True,
                           check=True).stdout
    files = "".join(sorted(line + "\n" for line in files.splitlines()))
    with open(image, "wb") as out:
        cpio = subprocess.Popen(["cpio", "-o", "-H", "newc", "--quiet", "-R", "0:0"], cwd=root,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        gz = subprocess.Popen(["gzip", "-1"], stdin=cpio.stdout, stdout=out)
        cpio.stdout.close()
        cpio.communicate(files.encode())
        gz.wait()
        if cpio.returncode or gz.returncode:
            raise RuntimeError("cpio | gzip failed")
    return image
