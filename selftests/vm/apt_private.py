"""apt for another Debian suite without touching the system's apt: a private
sources list, package lists and cache under a directory of ours, passed to
apt-get / apt-cache with -o. The archive URI and its signing key are read at
run time from the machine's own apt sources (the entry for the host's main
suite), so no archive is named here. suite None means the system's apt as is.
"""
import glob
import os
import re
import subprocess
import time

# Package lists older than this are fetched again (apt-get update).
LISTS_MAX_AGE = 24 * 3600
DEFAULT_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"


class AptError(Exception):
    pass


def _host_codename():
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("VERSION_CODENAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return None


def _deb822_stanzas(text):
    stanza = {}
    for line in text.splitlines() + [""]:
        if not line.strip():
            if stanza:
                yield stanza
            stanza = {}
        elif not line.startswith("#") and ":" in line and not line[0].isspace():
            key, _, value = line.partition(":")
            stanza[key.strip().lower()] = value.strip()


def host_archive():
    """(URI, keyring) of the machine's apt entry for its own main suite."""
    codename = _host_codename()
    entries = []  # (uri, suites, keyring)
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        with open(path) as f:
            for s in _deb822_stanzas(f.read()):
                if "deb" in s.get("types", "").split() and s.get("enabled", "yes") != "no":
                    for uri in s.get("uris", "").split():
                        entries.append((uri, s.get("suites", "").split(), s.get("signed-by")))
    for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
        if not os.path.exists(path):
            continue
        with open(path) as f:
            for line in f:
                m = re.match(r"^\s*deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)", line)
                if m:
                    key = re.search(r"signed-by=(\S+)", m.group(1) or "")
                    entries.append((m.group(2), [m.group(3)], key.group(1) if key else None))
    for uri, suites, keyring in entries:
        if codename in suites:
            return uri.rstrip("/"), keyring or DEFAULT_KEYRING
    raise AptError(f"no entry for the host's suite {codename!r} in /etc/apt/sources.list*")


class Apt:
    """apt-get / apt-cache for one suite (None: the system's apt); with
    source=True, for its source packages (deb-src)."""

    def __init__(self, suite, state_dir, source=False):
        self.suite = suite
        self.options = []
        self.index = "Sources" if source else "Packages"
        if suite is None:
            return
        self.dir = os.path.join(state_dir, suite + ("-src" if source else ""))
        sources = os.path.join(self.dir, "sources.list")
        uri, keyring = host_archive()
        os.makedirs(os.path.join(self.dir, "lists", "partial"), exist_ok=True)
        os.makedirs(os.path.join(self.dir, "cache", "archives", "partial"), exist_ok=True)
        kind = "deb-src" if source else "deb"
        line = f"{kind} [signed-by={keyring}] {uri} {suite} main\n"
        if not os.path.exists(sources) or open(sources).read() != line:
            with open(sources, "w") as f:
                f.write(line)
        self.options = [
            "-o", "Dir::Etc::sourcelist=" + sources,
            "-o", "Dir::Etc::sourceparts=/nonexistent",
            "-o", "Dir::State::Lists=" + os.path.join(self.dir, "lists"),
            "-o", "Dir::Cache=" + os.path.join(self.dir, "cache"),
            "-o", "Dir::State::status=/dev/null",
            "-o", "Acquire::Languages=none",
            # sid's Release can look expired by the clock.
            "-o", "Acquire::Check-Valid-Until=false",
        ]

    def _lists(self):
        return glob.glob(os.path.join(self.dir, "lists", f"*_{self.index}*"))

    def _lists_fresh(self):
        lists = self._lists()
        return lists and time.time() - min(os.path.getmtime(p) for p in lists) < LISTS_MAX_AGE

    def update(self):
        """Fetches the suite's package lists when missing or old (private suites only)."""
        if self.suite is None or self._lists_fresh():
            return
        r = subprocess.run(["apt-get"] + self.options + ["update"], capture_output=True,
                           text=True, timeout=600)
        if r.returncode != 0 or not self._lists():
            raise AptError(f"apt-get update for {self.suite} failed: "
                           + "; ".join(r.stderr.strip().splitlines()[-3:]))
        for p in self._lists():
            os.utime(p)

    def search(self, regex):
        """Package names matching regex (a compiled, anchored pattern)."""
        r = subprocess.run(["apt-cache"] + self.options + ["search", "--names-only", regex.pattern],
                           capture_output=True, text=True, timeout=120)
        return [line.split()[0] for line in r.stdout.splitlines()
                if line.strip() and regex.match(line.split()[0])]

    def index_entry(self, package):
        """{"sha256", "size"} of the package's candidate in the index, or None."""
        r = subprocess.run(["apt-cache"] + self.options + ["show", "--no-all-versions", package],
                           capture_output=True, text=True, timeout=120)
        fields = {}
        for line in r.stdout.splitlines():
            key, _, value = line.partition(": ")
            if key in ("SHA256", "Size") and key.lower() not in fields:
                fields[key.lower()] = value.strip()
        if r.returncode != 0 or "sha256" not in fields or "size" not in fields:
            return None
        return {"sha256": fields["sha256"], "size": int(fields["size"])}

    def download(self, package, directory):
        """apt-get download into directory; returns the .deb's path."""
        before = set(os.listdir(directory))
        r = subprocess.run(["apt-get"] + self.options + ["download", package], cwd=directory,
                           capture_output=True, text=True, timeout=900)
        new = [f for f in set(os.listdir(directory)) - before if f.endswith(".deb")]
        if r.returncode != 0 or len(new) != 1:
            raise AptError(f"apt-get download {package} failed: "
                           + "; ".join(r.stderr.strip().splitlines()[-3:]))
        return os.path.join(directory, new[0])

    def source(self, package, directory):
        """apt-get source --download-only package (name=version) into
        directory; apt checks each file against the signed Sources index."""
        r = subprocess.run(["apt-get"] + self.options + ["-q", "source", "--download-only", package],
                           cwd=directory, capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            raise AptError(f"apt-get source {package} failed: "
                           + "; ".join(r.stderr.strip().splitlines()[-3:]))
