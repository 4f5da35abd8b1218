"""Shared by the ABI checkers: expectation files, failure reporting, and what a
bpf.h declares according to clang."""
import json
import os
import subprocess
import sys
import tempfile


def rows(path):
    """The tab-separated rows of an expectation file, comments and blanks skipped."""
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip() and not line.startswith("#")]


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


class Report:
    """Collects differences; every one names the symbol, function or field."""

    def __init__(self, check):
        self.check = check
        self.failures = []

    def fail(self, msg):
        self.failures.append(msg)
        print(f"ABI FAIL [{self.check}] {msg}")

    def note(self, msg):
        print(f"[{self.check}] {msg}")

    def finish(self, what, skip_reason=None):
        """Prints the verdict and the harness's closing line; returns the exit
        status (77 is meson's "skipped")."""
        if self.failures:
            print(f"{self.check}: {len(self.failures)} difference(s) in {what}")
            print("0 passed, 1 failed, 0 skipped")
            return 1
        print(f"{self.check}: {what} match")
        if skip_reason:
            print(f"SKIP: {skip_reason}")
            print("0 passed, 0 failed, 1 skipped")
            return 77
        print("1 passed, 0 failed, 0 skipped")
        return 0


RECORD_KINDS = ("RecordDecl", "CXXRecordDecl")


def _track_file(node, state):
    """Walks clang's JSON in document order; "file" appears only when it
    changes, so the current file is whatever was last announced."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "file":
                state["file"] = value
            elif key != "includedFrom":
                _track_file(value, state)
    elif isinstance(node, list):
        for item in node:
            _track_file(item, state)


def _top_level(unit, state):
    """(declaration, file) for each top-level declaration, looking through
    extern "C" blocks."""
    for decl in unit.get("inner", []):
        _track_file(decl.get("loc", {}), state)
        file = state["file"] or ""
        if decl["kind"] == "LinkageSpecDecl":
            _track_file(decl.get("range", {}), state)
            yield from _top_level(decl, state)
            continue
        _track_file({k: v for k, v in decl.items() if k != "loc"}, state)
        yield decl, file


def bpf_h_decls(clang, include_dir, lang):
    """Top-level declarations of <bpf/bpf.h> found under include_dir (None: the
    system's), parsed as lang ("C" or "C++"): ({function: type}, {struct: record})."""
    flags = ["-x", "c", "-std=gnu11"] if lang == "C" else ["-x", "c++", "-std=gnu++17"]
    inc = ["-I", include_dir] if include_dir else []
    with tempfile.NamedTemporaryFile("w", suffix=".h") as tu:
        tu.write("#include <bpf/bpf.h>\n")
        tu.flush()
        out = run([clang, *flags, *inc, "-fsyntax-only", "-Xclang", "-ast-dump=json", tu.name])
    if out.returncode:
        sys.exit(f"clang could not parse bpf.h ({lang}, {include_dir or 'system'}):\n{out.stderr}")
    functions, records = {}, {}
    for decl, file in _top_level(json.loads(out.stdout), {"file": None}):
        if not file.endswith("/bpf/bpf.h"):
            continue
        if decl["kind"] == "FunctionDecl":
            functions[decl["name"]] = decl["type"]["qualType"]
        elif decl["kind"] in RECORD_KINDS and decl.get("name") and decl.get("completeDefinition"):
            records[decl["name"]] = decl
    return functions, records


def field_paths(record, prefix=""):
    """Member paths as C code writes them: members of anonymous unions and
    structs are lifted, inline named structs give "outer.inner"."""
    paths, inline = [], None
    for child in record.get("inner", []):
        if child["kind"] in RECORD_KINDS and not child.get("name"):
            inline = child
            continue
        if child["kind"] != "FieldDecl":
            continue
        qual = child["type"]["qualType"]
        nested = inline if inline and ("(anonymous" in qual or "(unnamed" in qual) else None
        inline = None
        name = child.get("name")
        if name:
            paths.append(prefix + name)
            if nested:
                paths += field_paths(nested, prefix + name + ".")
        elif nested:
            paths += field_paths(nested, prefix)
        # else: an unnamed bit-field (size_t :0), nothing to address
    return paths


def compiler(argv_value):
    """A compiler command passed as one argument, e.g. "ccache gcc"."""
    return argv_value.split()


def tmpdir():
    return tempfile.TemporaryDirectory(prefix="sysbpf-abi-", dir=os.environ.get("TMPDIR"))
