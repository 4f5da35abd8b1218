"""libbpf 1.7.0, built from Debian's source package, for the oracle.

The source package comes from Debian sid with `apt-get source --download-only`
through selftests/vm/apt_private.py's private apt configuration (a deb-src
line made at run time from this machine's own apt sources, its own lists in a
temporary directory, Check-Valid-Until off). apt checks the files against the signed
Sources index; the orig tarball is checked again against ORIG_SHA256. The tarball is kept in
${XDG_CACHE_HOME:-~/.cache}/sysbpf/ so a clean clone does not fetch it again.
The static library is built with `make -C src` into the build tree.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "selftests", "vm"))
import apt_private  # noqa: E402

VERSION = "1.7.0"
DEBIAN_VERSION = "1.7.0-1"
ORIG = f"libbpf_{VERSION}.orig.tar.gz"
ORIG_SHA256 = "7ab5feffbf78557f626f2e3e3204788528394494715a30fc2070fcddc2051b7b"


class Unavailable(Exception):
    """libbpf 1.7.0 cannot be had here; the suite skips with this reason."""


class Mismatch(Exception):
    """The archive served a tarball other than the recorded one: a failure,
    never a skip."""


def cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "sysbpf")


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _download(dest):
    try:
        with tempfile.TemporaryDirectory() as tmp:
            apt = apt_private.Apt("sid", os.path.join(tmp, "apt"), source=True)
            apt.update()
            apt.source(f"libbpf={DEBIAN_VERSION}", tmp)
            got = os.path.join(tmp, ORIG)
            if not os.path.exists(got):
                raise Unavailable(f"apt-get source libbpf={DEBIAN_VERSION} gave no {ORIG}")
            if _sha256(got) != ORIG_SHA256:
                raise Mismatch(f"{ORIG}: sha256 {_sha256(got)} is not the recorded {ORIG_SHA256}")
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copy(got, dest + ".part")
            os.replace(dest + ".part", dest)
    except (apt_private.AptError, OSError, subprocess.SubprocessError) as e:
        raise Unavailable(str(e)) from e


def tarball():
    """The verified orig tarball, from the cache or fetched into it."""
    path = os.path.join(cache_dir(), ORIG)
    if os.path.exists(path) and _sha256(path) == ORIG_SHA256:
        return path
    _download(path)
    return path


def build(work, make="make"):
    """libbpf.a and the headers as <bpf/...>, built under `work`. Returns
    (include dirs, static library, link flags)."""
    src_root = os.path.join(work, f"libbpf-{VERSION}")
    lib = os.path.join(work, "obj", "libbpf.a")
    inc = os.path.join(work, "include")
    stamp = os.path.join(work, "built." + ORIG_SHA256[:16])
    if not os.path.exists(stamp):
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        with tarfile.open(tarball()) as t:
            t.extractall(work)
        r = subprocess.run([make, "-C", os.path.join(src_root, "src"), f"-j{min(2, os.cpu_count() or 1)}",
                            "BUILD_STATIC_ONLY=y", f"OBJDIR={os.path.dirname(lib)}", "V=0"],
                           capture_output=True, text=True, timeout=600)
        if r.returncode != 0 or not os.path.exists(lib):
            missing = re.search(r"(\S+\.h): No such file", r.stderr)
            why = f"missing {missing.group(1)} (libelf-dev, zlib1g-dev?)" if missing else r.stderr.strip()[-400:]
            raise Unavailable(f"building libbpf {VERSION} failed: {why}")
        os.makedirs(os.path.join(inc, "bpf"))
        for h in ("bpf.h", "libbpf_common.h", "libbpf_legacy.h", "libbpf_version.h"):
            shutil.copy(os.path.join(src_root, "src", h), os.path.join(inc, "bpf"))
        open(stamp, "w").close()
    uapi = os.path.join(src_root, "include", "uapi")
    return [inc, uapi], lib, ["-lelf", "-lz"]
