#!/usr/bin/env python3
"""Checks that each page's SYNOPSIS says what bpf.h declares.

For every section 3 page: the prototype (its .BI lines) must be the header's
declaration of the function the page is named after, and each struct shown
must have the header's members, comments and whitespace aside.
With --prove-fails, runs the check on a copy of the pages with one prototype
and one struct member changed, and succeeds only if both are caught.

Usage: check_synopsis.py [--prove-fails] HEADER MAN_DIR
"""

import os
import re
import shlex
import shutil
import sys
import tempfile


def squash(text):
    text = re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s*([(),;{}*])\s*", r"\1", text)


def header_decls(path):
    text = open(path, encoding="utf-8").read()
    protos = {}
    for m in re.finditer(r"LIBBPF_API\s+(int)\s+(\w+)\s*\((.*?)\);", text, re.S):
        # bpf_enable_stats is declared twice; C's form takes the enum.
        if m.group(2) in protos and "enum" not in m.group(3):
            continue
        protos[m.group(2)] = squash(f"int {m.group(2)}({m.group(3)})")
    structs = {}
    for m in re.finditer(r"^struct (\w+) \{(.*?)^\};", text, re.S | re.M):
        body = re.sub(r"size_t\s*:\s*0\s*;", "", m.group(2))
        structs[m.group(1)] = squash(body)
    return protos, structs


def page_synopsis(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    start = lines.index(".SH SYNOPSIS")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(".SH "))
    proto, structs, current = [], {}, None
    for line in lines[start + 1:end]:
        if line.startswith(".BI "):
            proto.append("".join(shlex.split(line[4:])))
        elif m := re.match(r"struct (\w+) \{$", line):
            current = m.group(1)
            structs[current] = []
        elif line == "};":
            current = None
        elif current:
            structs[current].append(line)
    return squash(" ".join(proto).rstrip(";")), {k: squash("\n".join(v)) for k, v in structs.items()}


def check(header, man_dir):
    protos, structs = header_decls(header)
    problems = []
    pages = sorted(p for p in os.listdir(man_dir) if p.endswith(".3"))
    for page in pages:
        function = page[:-2]
        proto, shown = page_synopsis(os.path.join(man_dir, page))
        if function not in protos:
            problems.append(f"{page}: bpf.h declares no {function}")
        elif proto != protos[function]:
            problems.append(f"{page}: SYNOPSIS has {proto}; bpf.h declares {protos[function]}")
        for name, body in shown.items():
            if name not in structs:
                problems.append(f"{page}: bpf.h defines no struct {name}")
            elif body != structs[name]:
                problems.append(f"{page}: struct {name} differs from bpf.h's:\n  page:   {body}\n  header: {structs[name]}")
    return pages, problems


def main():
    args = sys.argv[1:]
    prove = args[:1] == ["--prove-fails"]
    header, man_dir = args[-2:]
    if not prove:
        pages, problems = check(header, man_dir)
        for p in problems:
            print(f"error: {p}")
        print(f"{len(pages)} pages: prototypes and structs {'differ' if problems else 'match bpf.h'}")
        return 1 if problems or not pages else 0
    with tempfile.TemporaryDirectory(prefix="sysbpf-synopsis-") as tmp:
        for p in os.listdir(man_dir):
            if p.endswith(".3"):
                shutil.copy(os.path.join(man_dir, p), tmp)
        page = os.path.join(tmp, "bpf_map_lookup_batch.3")
        text = open(page, encoding="utf-8").read()
        doctored = text.replace('", __u32 *" count ,', '", __u64 *" count ,', 1)
        doctored = doctored.replace("    __u64 elem_flags;", "    __u32 elem_flags;", 1)
        if doctored == text:
            print("error: the doctoring changed nothing; update this test")
            return 1
        open(page, "w", encoding="utf-8").write(doctored)
        _, problems = check(header, tmp)
    caught = [p for p in problems if p.startswith("bpf_map_lookup_batch.3")]
    want = ["SYNOPSIS has", "struct bpf_map_batch_opts differs"]
    ok = all(any(w in p for p in caught) for w in want) and len(problems) == len(caught)
    for p in problems:
        print(f"caught: {p}")
    print("both doctored differences caught" if ok else "error: a doctored difference went unnoticed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
