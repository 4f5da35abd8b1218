"""Compares two record streams of the oracle driver case by case.

A case is identical when its lines are; deliberate when they differ but the
rules of entries in abi/deliberate-differences.tsv, applied to both, make
them equal; unexplained otherwise. A rule is used only when its id is an
entry of the list.
"""
import re

ERRNO_SENTINEL = 1000

BPF_LINE = re.compile(r"^  bpf cmd=(\d+) size=(\d+) attr=(\S*)(?: injected=(-\d+))? ret=(-?\d+)")
RESULT_LINE = re.compile(r"^  => (-?\d+) errno=(-?\d+)$")


def split_cases(text):
    cases, order = {}, []
    name, lines = "(setup)", []
    for line in text.splitlines():
        if line.startswith("case "):
            if name in cases:
                raise ValueError(f"case named twice: {name}")
            cases[name] = lines
            order.append(name)
            name, lines = line[5:], []
        else:
            lines.append(line)
    if name in cases:
        raise ValueError(f"case named twice: {name}")
    cases[name] = lines
    order.append(name)
    return order, cases


# ---- The rules, one per entry of the list (by id).

def rule_no_stderr(lib, ours, ctx):
    """libbpf's `libbpf: ...` warnings on stderr; sysbpf prints nothing."""
    return [l for l in lib if not l.startswith("  stderr libbpf: ")], ours


# libbpf's feature probes: a BPF_PROG_LOAD of its own instructions (pointers
# into libbpf, not the caller) made before the caller's first named create.
PROBE = re.compile(r"^  bpf cmd=5 size=\d+ attr=[0-9a-f]{16}\[&\?\]\[&\?\]")


def rule_no_probes(lib, ours, ctx):
    """libbpf probes names and memcg accounting before the first create;
    sysbpf sends the caller's call and probes only to interpret an E2BIG
    (names) or EPERM (memcg) answer; when the memcg probe fails it tries to
    raise RLIMIT_MEMLOCK, as libbpf does up front on such kernels."""
    out, after_failed_probe = [], False
    for l in ours:
        b = BPF_LINE.match(l)
        if PROBE.match(l):
            after_failed_probe = b is not None and int(b.group(5)) < 0
            continue
        if after_failed_probe and l.startswith("  setrlimit MEMLOCK ") and l.endswith(" ret=-1"):
            continue
        after_failed_probe = False
        out.append(l)
    return [l for l in lib if not PROBE.match(l)], out


CREATES = ("0", "5", "18")  # BPF_MAP_CREATE, BPF_PROG_LOAD, BPF_BTF_LOAD
SETRLIMIT_DONE = re.compile(r"^  setrlimit MEMLOCK .* ret=0$")


def _failed_memcg_probe(line):
    """The errno of a failed libbpf memcg probe on this line, else None."""
    b = BPF_LINE.match(line)
    if b and PROBE.match(line) and NAME_PROBE not in line and int(b.group(5)) < 0:
        return -int(b.group(5))
    return None


def rule_memlock_up_front(lib, ours, ctx):
    """Before 5.11 (BPF memory charged to RLIMIT_MEMLOCK): libbpf, its memcg
    probe failed, raises the limit before the first create of the process
    and leaves the probe's errno after that create's success. sysbpf raises it only
    after a create refused with EPERM (its memcg probe failed too) and sends
    that create once more, where libbpf, its limit raised, sent it once.
    (Injected EPERMs are left to the host run: this rule never matches one.)"""
    out, probe_err, raised = [], None, False
    for l in lib:
        err = _failed_memcg_probe(l)
        if err is not None:
            probe_err = err
        elif probe_err is not None and SETRLIMIT_DONE.match(l) and out and _failed_memcg_probe(out[-1]):
            raised = True
            continue
        r = RESULT_LINE.match(l)
        if r:
            if raised and int(r.group(1)) >= 0 and int(r.group(2)) == probe_err:
                l = f"  => {r.group(1)} errno={ERRNO_SENTINEL}"
            probe_err, raised = None, False
        out.append(l)
    lib = out
    out, i = [], 0
    while i < len(ours):
        a = BPF_LINE.match(ours[i])
        if a and a.group(1) in CREATES and a.group(5) == "-1" and not a.group(4) and not PROBE.match(ours[i]):
            j = i + 1
            while j < len(ours) and _failed_memcg_probe(ours[j]) is not None:
                j += 1
            b = BPF_LINE.match(ours[j + 1]) if j + 1 < len(ours) else None
            if b and SETRLIMIT_DONE.match(ours[j]) and b.group(1) == a.group(1) and b.group(3) == a.group(3):
                out.append(ours[j + 1])  # libbpf, its limit raised, sent only this one
                i = j + 2
                continue
        out.append(ours[i])
        i += 1
    return lib, out


def _blank_bytes(attr, start, end):
    """A rendered attr with bytes [start, end) zeroed. Two hex digits are one
    byte; a [...] token is an 8-byte pointer slot. None when the bytes are
    not plain hex."""
    out, pos, i = [], 0, 0
    while i < len(attr):
        if attr[i] == "[":
            j = attr.index("]", i) + 1
            if start < pos + 8 and pos < end:
                return None
            out.append(attr[i:j])
            pos += 8
            i = j
            continue
        out.append("00" if start <= pos < end else attr[i:i + 2])
        pos += 1
        i += 2
    return "".join(out)


def _without_name(attr):
    return _blank_bytes(attr, 28, 44)  # bpf_attr.map_name


def _without_prog_name(attr):
    return _blank_bytes(attr, 48, 64)  # bpf_attr.prog_name


def _has_map_name(attr):
    return _without_name(attr) != attr


def rule_e2big_name_retry(lib, ours, ctx):
    """sysbpf, after a named create refused with E2BIG: BPF_MAP_CREATE is sent
    once more without the name (the caller sees that answer; libbpf returns
    E2BIG); BPF_PROG_LOAD is followed by its own name probe, which a kernel
    with names answers normally (the caller's answer stands)."""
    out, i = [], 0
    retried = None
    while i < len(ours):
        a = BPF_LINE.match(ours[i])
        b = BPF_LINE.match(ours[i + 1]) if i + 1 < len(ours) else None
        if a and b and a.group(1) == "0" and b.group(1) == "0" and a.group(5) == "-7" \
                and _has_map_name(a.group(3)) and b.group(3) == _without_name(a.group(3)):
            out.append(ours[i])
            retried = int(b.group(5))
            i += 2
            continue
        if a and a.group(1) == "5" and a.group(5) == "-7" and i + 1 < len(ours) and PROBE.match(ours[i + 1]):
            out.append(ours[i])
            p = BPF_LINE.match(ours[i + 1])
            c = BPF_LINE.match(ours[i + 2]) if i + 2 < len(ours) else None
            if p and p.group(5) == "-7" and c and c.group(1) == "5" \
                    and c.group(3) == _without_prog_name(a.group(3)):
                retried = int(c.group(5))  # names refused: sent again without
                i += 3
                continue
            i += 2
            continue
        r = RESULT_LINE.match(ours[i])
        if r and retried is not None:
            # The caller got the retry's answer where libbpf's is E2BIG.
            if int(r.group(1)) == retried or (retried >= 0 and int(r.group(1)) >= 0):
                out.append("  => -7 errno=7")
                retried = None
                i += 1
                continue
        retried = None if r else retried
        out.append(ours[i])
        i += 1
    return lib, out


def rule_errno_after_retry(lib, ours, ctx):
    """libbpf leaves errno as a failed internal attempt set it when the call
    then succeeds; sysbpf restores the caller's errno."""
    out, failed = [], False
    for l in lib:
        b = BPF_LINE.match(l)
        if b and int(b.group(5)) < 0:
            failed = True
        r = RESULT_LINE.match(l)
        if r:
            if failed and int(r.group(1)) >= 0 and int(r.group(2)) != ERRNO_SENTINEL:
                l = f"  => {r.group(1)} errno={ERRNO_SENTINEL}"
            failed = False
        out.append(l)
    return out, ours


NAME_PROBE = "6c69626270665f6e616d6574657374"  # "libbpf_nametest"


def libbpf_names_refused(lib_lines):
    """Whether libbpf's name probe was refused (EPERM, say) in this process:
    from then on libbpf sends every object name empty."""
    for l in lib_lines:
        b = BPF_LINE.match(l)
        if b and PROBE.match(l) and NAME_PROBE in l and int(b.group(5)) < 0:
            return True
    return False


def _blank_name(line):
    b = BPF_LINE.match(line)
    if not b or b.group(1) not in ("0", "5"):
        return line
    attr = b.group(3)
    blank = _without_name(attr) if b.group(1) == "0" else _without_prog_name(attr)
    return line.replace("attr=" + attr, "attr=" + blank, 1) if blank else line


def rule_refused_probes(lib, ours, ctx):
    """libbpf's probes run without the caller's privileges or token; refused
    (EPERM), they make it send empty object names and raise RLIMIT_MEMLOCK up
    front. sysbpf keeps the names and raises the limit only after an EPERM of
    the caller's own call (see no-probes)."""
    if not ctx.get("libbpf_names_refused"):
        return lib, ours
    out = []
    for l in lib:
        if l.startswith("  setrlimit MEMLOCK ") and l.endswith(" ret=-1"):
            continue
        r = RESULT_LINE.match(l)
        if r and int(r.group(1)) >= 0 and r.group(2) == "1":
            l = f"  => {r.group(1)} errno={ERRNO_SENTINEL}"  # the probe's EPERM, left behind
        out.append(l)
    return out, [_blank_name(l) for l in ours]


RULES = {
    "no-stderr": rule_no_stderr,
    "e2big-name-retry": rule_e2big_name_retry,
    "memlock-up-front": rule_memlock_up_front,
    "no-probes": rule_no_probes,
    "errno-after-retry": rule_errno_after_retry,
    "refused-probes": rule_refused_probes,
}


def read_entries(path):
    """{id: the kernels it applies to} of the entries in the
    deliberate-differences list."""
    ids = {}
    with open(path) as f:
        header = None
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if header is None:
                header = cols
                continue
            ids[cols[header.index("id")]] = cols[header.index("kernels")]
    return ids


def kernel_in(release, scope):
    """Whether a kernel release ("5.10.0-32-cloud-amd64") is in an entry's
    kernels column: "all", or "< X.Y" / ">= X.Y"."""
    if scope == "all":
        return True
    m = re.fullmatch(r"(<|>=) (\d+)\.(\d+)", scope)
    r = re.match(r"(\d+)\.(\d+)", release)
    if not m or not r:
        raise ValueError(f"kernels {scope!r} or release {release!r} not understood")
    older = (int(r.group(1)), int(r.group(2))) < (int(m.group(2)), int(m.group(3)))
    return older if m.group(1) == "<" else not older


def compare(lib_text, ours_text, entries, release):
    """Returns (counts, details): counts of identical/deliberate/unexplained
    cases (setup excluded) and, per difference, (case, kind, rules or diff).
    entries: read_entries(); release: the kernel the records come from, where
    an entry whose kernels column does not cover it explains nothing."""
    lo, lc = split_cases(lib_text)
    oo, oc = split_cases(ours_text)
    if lo != oo:
        missing = [n for n in lo if n not in oc] + [n for n in oo if n not in lc]
        return None, [("(case list)", "unexplained", f"case lists differ: {missing[:5]}")]
    rules = [(i, RULES[i]) for i in RULES if i in entries and kernel_in(release, entries[i])]
    ctx = {"libbpf_names_refused": libbpf_names_refused(lib_text.splitlines())}
    counts = {"identical": 0, "deliberate": 0, "unexplained": 0}
    details = []
    for name in lo:
        a, b = lc[name], oc[name]
        counted = name != "(setup)" and not name.startswith("setup:")
        if a == b:
            counts["identical"] += counted
            continue
        used = []
        for rid, rule in rules:
            na, nb = rule(a, b, ctx)
            if (na, nb) != (a, b):
                used.append(rid)
            a, b = na, nb
        if a == b:
            counts["deliberate"] += counted
            details.append((name, "deliberate", used))
        else:
            counts["unexplained"] += counted or 1
            diff = [f"- {l}" for l in a if l not in b][:6] + [f"+ {l}" for l in b if l not in a][:6]
            details.append((name, "unexplained", diff))
    return counts, details
