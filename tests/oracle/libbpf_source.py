"""libbpf 1.7.0, built from Debian's source package, for the oracle.

The source package comes from Debian sid with `apt-get source --download-only`
through a private apt configuration: one deb-src line made at run time from
the archive URI in this machine's own apt sources (none is written here), its
own lists and cache, and Check-Valid-Until off (sid's Release may look
expired). apt checks the files against the signed Sources index; the orig
tarball is checked again against ORIG_SHA256. The tarball is kept in
${XDG_CACHE_HOME:-~/.cache}/sysbpf/ so a clean clone does not fetch it again.
The static library is built with `make -C src` into the build tree.
"""
import glob
import hashlib
import os
import re
import shutil
import subprocess
import tarfile
import tempfile

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


def archive_uri():
    """The URI of the Debian archive (not the security archive) this machine's
    apt uses, and the keyring its entry names."""
    files = glob.glob("/etc/apt/sources.list") + sorted(glob.glob("/etc/apt/sources.list.d/*.list")) \
        + sorted(glob.glob("/etc/apt/sources.list.d/*.sources"))
    for path in files:
        try:
            text = open(path).read()
        except OSError:
            continue
        if path.endswith(".sources"):
            for stanza in re.split(r"\n\s*\n", text):
                fields = {}
                for line in stanza.splitlines():
                    if line.startswith("#") or ":" not in line:
                        continue
                    k, v = line.split(":", 1)
                    fields[k.strip().lower()] = v.strip()
                for uri in fields.get("uris", "").split():
                    suites = fields.get("suites", "").split()
                    if uri.rstrip("/").endswith("/debian") and any("-" not in s for s in suites):
                        return uri, fields.get("signed-by")
        else:
            for line in text.splitlines():
                m = re.match(r"\s*deb(?:-src)?\s+(\[[^\]]*\]\s+)?(\S+)\s+(\S+)", line)
                if m and m.group(2).rstrip("/").endswith("/debian") and "-" not in m.group(3):
                    opts = m.group(1) or ""
                    k = re.search(r"signed-by=(\S+?)[\s\]]", opts)
                    return m.group(2), (k.group(1) if k else None)
    return None, None


def _download(dest):
    uri, keyring = archive_uri()
    if not uri:
        raise Unavailable("no Debian archive URI in /etc/apt/sources.list*")
    with tempfile.TemporaryDirectory() as tmp:
        signed = f"[signed-by={keyring}] " if keyring else ""
        src_list = os.path.join(tmp, "sources.list")
        with open(src_list, "w") as f:
            f.write(f"deb-src {signed}{uri} sid main\n")
        for d in ("lists/partial", "cache/archives/partial", "get"):
            os.makedirs(os.path.join(tmp, d))
        opts = ["-o", f"Dir::Etc::sourcelist={src_list}", "-o", "Dir::Etc::sourceparts=/nonexistent",
                "-o", f"Dir::State::Lists={tmp}/lists", "-o", f"Dir::Cache={tmp}/cache",
                "-o", "Acquire::Check-Valid-Until=false", "-q"]
        r = subprocess.run(["apt-get", *opts, "update"], capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise Unavailable("apt-get update (sid deb-src) failed: " + r.stderr.strip()[-300:])
        r = subprocess.run(["apt-get", *opts, "source", "--download-only", f"libbpf={DEBIAN_VERSION}"],
                           cwd=os.path.join(tmp, "get"), capture_output=True, text=True, timeout=300)
        got = os.path.join(tmp, "get", ORIG)
        if r.returncode != 0 or not os.path.exists(got):
            raise Unavailable(f"apt-get source libbpf={DEBIAN_VERSION} failed: " + r.stderr.strip()[-300:])
        if _sha256(got) != ORIG_SHA256:
            raise Mismatch(f"{ORIG}: sha256 {_sha256(got)} is not the recorded {ORIG_SHA256}")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copy(got, dest + ".part")
        os.replace(dest + ".part", dest)


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
