#!/usr/bin/env python3
"""Only the pages a user looks up are installed: `meson install` into a
staging dir must put under share/man no header-file page (bpf.h.3, ...), a
man3 page for each function the library exports, and a man1 page for each
program it installs. The packages take whatever is installed there.

usage: man_pages.py BUILD_DIR VERSION_SCRIPT
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients"))
from clientlib import bpf_h_functions, plain_env  # noqa: E402


def page_name(f):
    """bpf_map_create.3.gz -> (bpf_map_create, 3)."""
    m = re.match(r"^(.+)\.(\d)[a-z]*(\.gz)?$", f)
    return (m.group(1), m.group(2)) if m else (f, "")


def main():
    build, version_script = sys.argv[1], sys.argv[2]
    functions = bpf_h_functions(version_script)
    with tempfile.TemporaryDirectory(prefix="sysbpf-man-") as stage:
        p = subprocess.run(["meson", "install", "-C", build, "--no-rebuild", "--destdir", stage, "--quiet"],
                           capture_output=True, text=True, env=plain_env())
        if p.returncode != 0:
            print(f"FAIL: meson install --destdir: exit {p.returncode}\n{p.stdout}{p.stderr}")
            print("0 passed, 1 failed, 0 skipped")
            return 1
        pages, programs = {}, []
        for root, _, names in os.walk(stage):
            rel = os.path.relpath(root, stage)
            parts = rel.split(os.sep)
            if len(parts) >= 2 and parts[-2] == "man" and parts[-1].startswith("man"):
                for n in names:
                    pages.setdefault(parts[-1][3:], set()).add(page_name(n)[0])
            elif parts[-1] == "bin":
                programs += names
    failures = []
    header_pages = sorted(p for p in pages.get("3", ()) if p.endswith(".h"))
    if header_pages:
        failures.append(f"{len(header_pages)} header-file pages installed: {', '.join(p + '.3' for p in header_pages)}")
    no_page = sorted(functions - pages.get("3", set()))
    if no_page:
        failures.append(f"{len(no_page)} of {len(functions)} exported functions have no man3 page: {', '.join(no_page)}")
    no_tool_page = sorted(set(programs) - pages.get("1", set()))
    if no_tool_page:
        failures.append(f"installed programs without a man1 page: {', '.join(no_tool_page)}")
    print("installed man pages: " + ", ".join(f"man{s}: {len(n)}" for s, n in sorted(pages.items())))
    print(f"{len(functions) - len(no_page)} of {len(functions)} exported functions have a man3 page; "
          f"{len(programs) - len(no_tool_page)} of {len(programs)} programs a man1 page; "
          f"{len(header_pages)} header-file pages")
    if failures:
        for f in failures:
            print("FAIL: " + f)
        print("0 passed, 1 failed, 0 skipped")
        return 1
    print("1 passed, 0 failed, 0 skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
