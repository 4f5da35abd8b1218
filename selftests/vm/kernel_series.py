"""The kernels of the matrix: for each series, the Debian suite that ships its
cloud kernel and how the packages are named. The newest package of the series
that apt knows is taken (names sorted by their numbers).

suite: None for the host's own apt sources (Debian 12 ships 6.1), else a suite
  reached with a private apt configuration (apt_private.py).
image: the package holding the kernel image (and the modules, unless
  modules_of names another package).
modules_of: from the image package's name, the package holding the modules
  (7.x: linux-image-* is an empty meta-package; the image is in linux-binary-*
  under /usr/lib/modules/<release>/vmlinuz, the modules in linux-modules-*).
"""
import re


class Series:
    def __init__(self, name, suite, image, modules_of=None):
        self.name = name
        self.suite = suite
        self.image = re.compile("^" + image + "$")
        self.modules_of = modules_of

    def packages(self, image_package):
        """The packages to download for one image package."""
        if self.modules_of is None:
            return [image_package]
        return [image_package, self.modules_of(image_package)]


SERIES = {
    s.name: s for s in [
        Series("5.10", "bullseye", r"linux-image-5\.10\.0-[0-9]+-cloud-amd64"),
        Series("6.1", None, r"linux-image-6\.1\.0-[0-9]+-cloud-amd64"),
        Series("6.12", "trixie", r"linux-image-6\.12\.[0-9]+\+deb[0-9.]+-cloud-amd64"),
        Series("7.2", "sid", r"linux-binary-7\.2\.[0-9]+\+deb[0-9.]+-cloud-amd64",
               modules_of=lambda image: "linux-modules-" + image[len("linux-binary-"):]),
    ]
}


def version_key(package):
    """Sort key: the numbers in a package name (6.12.117+deb13 > 6.12.95+deb13)."""
    return tuple(int(n) for n in re.findall(r"[0-9]+", package))
