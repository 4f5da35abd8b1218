#!/usr/bin/env python3
"""SYSBPF_VERIFIER_LOG on the real kernel: a failing load with no log and
with a too-small log leaves one file holding the verifier's whole log (equal
to the log the test obtains itself); a load whose own log was sufficient, and
a successful load, cost no extra load and leave no file. In every case the
caller sees what it sees without the option: result, errno, log bytes,
log_true_size, fds.

usage: vlog_test.py CASE CHILD SYSBPF_TOOL
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

CASE = sys.argv[1]
CHILD, TOOL = (os.path.abspath(p) for p in sys.argv[2:4])


class Failure(Exception):
    pass


def expect(cond, msg):
    if not cond:
        raise Failure(msg)


def env(**kw):
    e = {k: v for k, v in os.environ.items() if not k.startswith("SYSBPF_") and k != "LD_PRELOAD"}
    e.update(kw)
    return e


def run(args, **kw):
    r = subprocess.run([CHILD] + args, capture_output=True, text=True, timeout=60, env=env(**kw))
    expect(r.returncode == 0, f"{args}: exit {r.returncode}\n{r.stdout}{r.stderr}")
    m = re.match(r"ret (-?\d+) errno (\d+) log_true_size (\d+) log_sum (\d+) loads (\d+) fds (\w+)", r.stdout)
    expect(m, f"{args}: {r.stdout!r}")
    return m.groups()


def files(d):
    return sorted(os.listdir(d))


def kernel_at_least(major, minor):
    v = tuple(int(x) for x in re.match(r"(\d+)\.(\d+)", os.uname().release).groups())
    return v >= (major, minor)


def compare(tmp, case, want_files, want_extra):
    d = os.path.join(tmp, case)
    os.mkdir(d)
    plain = run([case])
    seen = run([case], SYSBPF_VERIFIER_LOG=d)
    # The caller's view is the same with the option (all but the load count).
    expect(plain[:4] == seen[:4], f"{case}: without {plain}, with {seen}")
    expect(plain[5] == seen[5] == "same", f"{case}: fds changed: {plain[5]} / {seen[5]}")
    extra = int(seen[4]) - int(plain[4])
    expect(extra == want_extra or (want_extra is None and extra >= 2), f"{case}: {extra} extra loads, want {want_extra}")
    got = files(d)
    expect(len(got) == want_files, f"{case}: files {got}")
    print(f"  {case}: ret {seen[0]} errno {seen[1]} as without the option; {extra} extra load(s); "
          f"{len(got)} file(s)")
    return [os.path.join(d, f) for f in got]


def case_prog(tmp):
    full = os.path.join(tmp, "full.log")
    compare(tmp, "good", 0, 0)
    compare(tmp, "enough", 0, 0)
    for case in ("nolog", "small"):
        (path,) = compare(tmp, case, 1, 1)
        st = os.stat(path)
        expect((st.st_mode & 0o777) == 0o600 & ~os.umask(os.umask(0)), f"{path}: mode {oct(st.st_mode)}")
        text = open(path).read()
        head, _, log = text.partition("\n\n")
        run(["nolog", full])
        want = open(full).read()
        expect(want and "R0 !read_ok" in want, f"the test's own log: {want!r}")
        expect(log == want, f"{case}: the file's log differs from the test's:\n{log!r}\n{want!r}")
        for field in ("function: bpf_prog_load", "prog_type: BPF_PROG_TYPE_SOCKET_FILTER (1)",
                      "prog_name: vlog_prog", "insn_cnt: 1", "pid: "):
            expect(field in head, f"{case}: no '{field}' in\n{head}")
        expect(("errno: EACCES (13)" if case == "nolog" else "errno: ENOSPC (28)") in head, head)
        print(f"  {case}: {os.path.basename(path)} holds the verifier's log ({len(log)} bytes)")


def case_big(tmp):
    # A log past the first 64 KiB: the buffer grows on ENOSPC; the file holds it all.
    full = os.path.join(tmp, "full.log")
    # 64 KiB, then the log_true_size the kernel reported: two loads (before
    # 6.4, which reports no size, the buffer doubles).
    (path,) = compare(tmp, "big", 1, 2 if kernel_at_least(6, 4) else None)
    head, _, log = open(path).read().partition("\n\n")
    run(["big", full])
    want = open(full).read()
    expect(len(want) > 65536, f"the test's own log is only {len(want)} bytes")
    expect(log == want, f"big: the file's log ({len(log)} bytes) differs from the test's ({len(want)})")
    m = re.search(r"log_size (\d+)", head)
    expect(m and (int(m.group(1)) == len(want) + 1 or not kernel_at_least(6, 4)),
           f"big: header (want log_size {len(want) + 1})\n{head}")
    print(f"  big: the log ({len(log)} bytes) grown past 64 KiB: {head.splitlines()[-1]}")
    # Level 2 on request.
    d = os.path.join(tmp, "level2")
    os.mkdir(d)
    run(["nolog"], SYSBPF_VERIFIER_LOG=d, SYSBPF_VERIFIER_LOG_LEVEL="2")
    (f,) = files(d)
    text = open(os.path.join(d, f)).read()
    expect("log_level 2" in text, f"level 2: {text}")
    print("  SYSBPF_VERIFIER_LOG_LEVEL=2: the repeat ran at level 2")


def case_btf(tmp):
    (path,) = compare(tmp, "btf", 1, 1)
    head, _, log = open(path).read().partition("\n\n")
    expect("function: bpf_btf_load" in head and log.strip(), f"btf file:\n{head}\n{log!r}")
    print(f"  btf: {log.strip().splitlines()[-1]!r}")


def case_run(tmp):
    d = os.path.join(tmp, "run")
    os.mkdir(d)
    r = subprocess.run([TOOL, "run", "--verifier-log", d, "--", CHILD, "nolog"], capture_output=True,
                       text=True, timeout=60, env=env())
    expect(r.returncode == 0 and r.stdout.startswith("ret -13 errno 13"), f"{r.stdout}{r.stderr}")
    expect(len(files(d)) == 1, f"sysbpf run --verifier-log: files {files(d)}")
    print(f"  sysbpf run --verifier-log: {files(d)[0]}")


def main():
    fn = globals().get("case_" + CASE)
    if not fn:
        return 2
    tmp = tempfile.mkdtemp(prefix=f"sysbpf-vlog-{CASE}-")
    try:
        fn(tmp)
    except (Failure, subprocess.TimeoutExpired) as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
