#!/usr/bin/env python3
"""The man pages' own checks (suite 'docs').

  lint MANDOC PAGE...        mandoc -Tlint prints nothing for the pages
  complete HEADER MAN_DIR    one section 3 page per function bpf.h declares
  prove-fails MANDOC HEADER MAN_DIR
                             both checks fail on doctored copies: a page with
                             a \\fC escape (which mandoc drops) and a missing page

Exit status 0 when the check holds, 1 when it does not.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile


def lint(mandoc, pages):
    proc = subprocess.run([mandoc, "-Tlint"] + pages, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.strip()
    if out or proc.returncode != 0:
        print(out or f"mandoc exited {proc.returncode}")
        return False
    print(f"{len(pages)} pages, no mandoc -Tlint message")
    return True


def complete(header, man_dir):
    text = open(header, encoding="utf-8").read()
    want = set(re.findall(r"^LIBBPF_API[^(;]*?\b(\w+)\s*\(", text, re.M))
    have = {p[:-2] for p in os.listdir(man_dir) if p.endswith(".3")}
    for f in sorted(want - have):
        print(f"error: {f} has no page")
    for f in sorted(have - want):
        print(f"error: {f}.3 documents no function of bpf.h")
    if want and want == have:
        print(f"{len(want)} functions, one page each")
        return True
    return False


def prove_fails(mandoc, header, man_dir):
    ok = True
    with tempfile.TemporaryDirectory(prefix="sysbpf-man-") as tmp:
        src = os.path.join(man_dir, "bpf_map_freeze.3")
        page = os.path.join(tmp, "bpf_map_freeze.3")
        text = open(src, encoding="utf-8").read()
        text = text.replace("@MAN_DATE@", "2000-01-01").replace("@VERSION@", "0")
        open(page, "w", encoding="utf-8").write(text.replace(".SH DESCRIPTION\n", ".SH DESCRIPTION\n\\fCfd\\fP\n", 1))
        if lint(mandoc, [page]):
            print("error: lint passed a page with a \\fC escape")
            ok = False
        for p in os.listdir(man_dir):
            if p.endswith(".3") and p != "bpf_map_freeze.3":
                shutil.copy(os.path.join(man_dir, p), tmp)
        os.remove(page)
        if complete(header, tmp):
            print("error: completeness passed without bpf_map_freeze.3")
            ok = False
    print("both doctored copies caught" if ok else "a doctored copy went unnoticed")
    return ok


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode in ("lint", "prove-fails") and not shutil.which(args[0]):
        print(f"SKIP: {args[0]} not found; .ci/install-deps installs mandoc")
        return 77
    if mode == "lint":
        return 0 if lint(args[0], args[1:]) else 1
    if mode == "complete":
        return 0 if complete(*args) else 1
    if mode == "prove-fails":
        return 0 if prove_fails(*args) else 1
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
