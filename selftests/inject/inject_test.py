#!/usr/bin/env python3
"""SYSBPF_INJECT on the real kernel: every rule form, exact counts across
threads, fork and exec, the trace mark and the stats column, a bad rule's one
message, `sysbpf run --inject`, and nothing in secure-execution processes.

usage: inject_test.py CASE CHILD LIBSYSBPF SYSBPF_TOOL
exit 0 pass, 1 fail, 77 skip (reason printed).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

CASE = sys.argv[1]
CHILD, LIB, TOOL = (os.path.abspath(p) for p in sys.argv[2:5])
TIMEOUT = 60


class Skip(Exception):
    pass


class Failure(Exception):
    pass


def expect(cond, msg):
    if not cond:
        raise Failure(msg)


def env(**kw):
    e = {k: v for k, v in os.environ.items()
         if k not in ("LD_PRELOAD", "SYSBPF_TRACE", "SYSBPF_STATS", "SYSBPF_INJECT")}
    e.update(kw)
    return e


def child(args, inject=None, **kw):
    e = env(**kw) if inject is None else env(SYSBPF_INJECT=inject, **kw)
    r = subprocess.run([CHILD] + [str(a) for a in args], capture_output=True, text=True,
                       timeout=TIMEOUT, env=e)
    expect(r.returncode == 0, f"{args} under {inject!r}: exit {r.returncode}\n{r.stdout}{r.stderr}")
    expect("fds: same" in r.stdout, f"{args} under {inject!r}: fds changed\n{r.stdout}")
    return r


def line(r, key):
    m = re.search(rf"^{key}: (.*)$", r.stdout, re.M)
    expect(m, f"no '{key}:' in {r.stdout!r}")
    return m.group(1)


def check(args, inject, key, want):
    got = line(child(args, inject), key)
    expect(got == want, f"{args} under {inject!r}: {key} {got!r}, want {want!r}")
    print(f"  {inject or '(none)'}: {' '.join(map(str, args))} -> {got}")


def case_forms(tmp):
    # Companion: without the variable nothing fails, so each schedule below
    # is the injection's.
    check(["create", 4], None, "create", ". . . .")
    check(["create", 4], "bpf_map_create:ENOMEM", "create", "ENOMEM ENOMEM ENOMEM ENOMEM")
    check(["create", 4], "bpf_map_create:ENOMEM:nth=2", "create", ". ENOMEM . .")
    check(["create", 3], "bpf_map_create:12:nth=3", "create", ". . ENOMEM")
    check(["prog", 7], None, "prog", ". . . . . . .")
    check(["prog", 7], "bpf_prog_load:EPERM:every=3", "prog", ". . EPERM . . EPERM .")
    check(["prog", 2], "bpf_prog_load:ENOTSUPP", "prog", "524 524")
    # Other functions' rules leave these calls alone.
    check(["create", 2], "bpf_prog_load:EPERM,bpf_map_update_elem:E2BIG", "create", ". .")
    # Two rules on one function: the first that fires wins; both count.
    check(["create", 4], "bpf_map_create:EPERM:nth=2,bpf_map_create:ENOMEM:every=2", "create",
          ". EPERM . ENOMEM")


def case_match(tmp):
    check(["mixed", 2], None, "mixed", ". . . . . . . .")
    check(["mixed", 2], "bpf_map_create:ENOMEM:name=a", "mixed", "ENOMEM . ENOMEM . ENOMEM . ENOMEM .")
    check(["mixed", 2], "bpf_map_create:ENOMEM:type=array", "mixed", ". . ENOMEM ENOMEM . . ENOMEM ENOMEM")
    check(["mixed", 2], "bpf_map_create:ENOMEM:name=b:type=BPF_MAP_TYPE_HASH", "mixed",
          ". ENOMEM . . . ENOMEM . .")
    # nth counts matching calls only: the 2nd map named b is the 4th call.
    check(["mixed", 2], "bpf_map_create:ENOMEM:name=b:nth=2", "mixed", ". . . ENOMEM . . . .")
    check(["mixed", 1], "bpf_map_create:ENOMEM:name=ab", "mixed", ". . . .")
    check(["prog", 2], "bpf_prog_load:EPERM:type=xdp", "prog", ". .")
    check(["prog", 2], "bpf_prog_load:EPERM:type=socket_filter:name=p", "prog", "EPERM EPERM")


def case_probability(tmp):
    rule = "bpf_map_update_elem:E2BIG:p=0.01:seed=7"
    a = line(child(["update", 1, 5000], rule), "pattern")
    b = line(child(["update", 1, 5000], rule), "pattern")
    c = line(child(["update", 1, 5000], "bpf_map_update_elem:E2BIG:p=0.01:seed=8"), "pattern")
    none = line(child(["update", 1, 5000]), "pattern")
    expect(none == "." * 5000, "updates fail without injection")
    expect(a == b, "the same seed gave two schedules")
    expect(a != c, "seeds 7 and 8 gave the same schedule")
    n = a.count("x")
    expect(20 <= n <= 90, f"p=0.01 failed {n} of 5000")
    print(f"  p=0.01 seed=7: {n}/5000 failed, same schedule twice; seed=8: {c.count('x')}/5000, another")
    half = line(child(["update", 1, 2000], "bpf_map_update_elem:E2BIG:p=0.5"), "pattern").count("x")
    expect(850 <= half <= 1150, f"p=0.5 failed {half} of 2000")
    print(f"  p=0.5: {half}/2000 failed")


def case_threads(tmp):
    for rule, want in (("bpf_map_update_elem:E2BIG:every=7", 4 * 5000 // 7),
                       ("bpf_map_update_elem:E2BIG:nth=1234", 1),
                       ("bpf_map_update_elem:E2BIG", 20000)):
        got = line(child(["update", 4, 5000], rule), "update")
        expect(got == f"ok {20000 - want} E2BIG {want} other 0", f"{rule}: {got}, want {want} failed")
        print(f"  4 threads x 5000 under {rule}: {got}")
    # p: the number failed depends on the seed only, not on the threads' order.
    rule = "bpf_map_update_elem:E2BIG:p=0.01:seed=7"
    single = line(child(["update", 1, 10000], rule), "pattern")[:10000].count("x")
    got = line(child(["update", 4, 2500], rule), "update")
    expect(got == f"ok {10000 - single} E2BIG {single} other 0",
           f"{rule}: 4 threads gave {got}, one thread {single} failed")
    print(f"  4 threads x 2500 under {rule}: {got} (one thread: {single})")


def case_fork_exec(tmp):
    # A forked child continues from the parent's counts at fork (its own copy).
    r = child(["fork", 1, 3, 3], "bpf_map_create:ENOMEM:every=2")
    got = (line(r, "before"), line(r, "child"), line(r, "parent"))
    expect(got == (".", "ENOMEM . ENOMEM", "ENOMEM . ENOMEM"), f"fork: {got}")
    print(f"  every=2, fork after 1 call: child {got[1]!r}, parent {got[2]!r}")
    # An exec'd program reads the rules from its environment afresh.
    r = child(["exec", 1, 2], "bpf_map_create:ENOMEM:nth=2")
    got = (line(r, "before"), line(r, "create"))
    expect(got == (".", ". ENOMEM"), f"exec: {got}")
    print(f"  nth=2, exec after 1 call: exec'd program {got[1]!r}")


def case_trace_stats(tmp):
    trace, stats = os.path.join(tmp, "trace"), os.path.join(tmp, "stats")
    r = child(["create", 3], "bpf_map_create:ENOMEM:nth=2", SYSBPF_TRACE=trace, SYSBPF_STATS=stats)
    expect(line(r, "create") == ". ENOMEM .", r.stdout)
    lines = [l for l in open(trace) if l.startswith("sysbpf: bpf_map_create(")]
    expect(len(lines) == 3, f"trace: {lines}")
    marked = [i for i, l in enumerate(lines) if "= -12 ENOMEM (injected)" in l]
    expect(marked == [1], f"trace marks: {marked}\n{''.join(lines)}")
    expect(not any("injected" in l for i, l in enumerate(lines) if i != 1), "other lines marked")
    row = [l for l in open(stats) if l.startswith("bpf_map_create ")]
    expect(len(row) == 1 and row[0].split()[1:3] == ["3", "1"] and row[0].split()[-2:] ==
           ["ENOMEM:1", "injected:1"], f"stats: {row}")
    print(f"  trace: {lines[1].strip()}")
    print(f"  stats: {row[0].strip()}")
    # A kernel failure is not marked injected.
    r = child(["create", 1], None, SYSBPF_STATS=stats + "2")
    expect(not any("injected" in l for l in open(stats + "2")), "uninjected run counted injected")


def case_bad_rule(tmp):
    for rule, why in (("bpf_map_create:EFOO", "rule 1: 'EFOO' is not an errno name or 1..4095"),
                      ("bpf_map_create:ENOMEM,bpf_nope:EPERM", "rule 2: 'bpf_nope' is not a bpf.h function"),
                      ("bpf_map_create:ENOMEM:nth=0", "rule 1: nth wants a whole number >= 1, not '0'")):
        r = child(["create", 2], rule)
        expect(line(r, "create") == ". .", f"{rule}: injected anyway: {r.stdout}")
        want = f"sysbpf: SYSBPF_INJECT refused: {why}; this process runs with no faults injected\n"
        expect(r.stderr == want, f"{rule}: stderr {r.stderr!r}, want {want!r}")
        print(f"  {rule}: {r.stderr.strip()}")
    r = child(["create", 2], "bpf_map_create:ENOMEM")
    expect(r.stderr == "", f"a good rule printed {r.stderr!r}")


def case_run(tmp):
    r = subprocess.run([TOOL, "run", "--inject", "bpf_map_create:ENOMEM:nth=2", "--", CHILD, "create", "3"],
                       capture_output=True, text=True, timeout=TIMEOUT, env=env())
    expect(r.returncode == 0 and line(r, "create") == ". ENOMEM .", f"run --inject: {r.returncode} {r.stdout}{r.stderr}")
    print(f"  sysbpf run --inject bpf_map_create:ENOMEM:nth=2: {line(r, 'create')}")
    r = subprocess.run([TOOL, "run", "--inject"], capture_output=True, text=True, timeout=TIMEOUT, env=env())
    expect(r.returncode == 2, f"run --inject without rules: exit {r.returncode}")


SECURE_PROG = r"""
#include <errno.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <unistd.h>
int bpf_map_lookup_elem(int fd, const void *key, void *value);
int main(void)
{
    char k[4] = {0}, v[8];
    for (int i = 0; i < 2; i++) {
        errno = 0;
        int r = bpf_map_lookup_elem(-1, k, v);
        printf("r %d errno %d\n", r, errno);
    }
    printf("euid %d secure %lu\n", (int)geteuid(), getauxval(AT_SECURE));
    return 0;
}
"""


def case_secure(tmp):
    if os.geteuid() != 0:
        raise Skip("needs root to make a setuid-root binary")
    for tool in ("cc", "setpriv"):
        if not shutil.which(tool):
            raise Skip(f"{tool} not found")
    os.chmod(tmp, 0o755)
    shutil.copy(LIB, os.path.join(tmp, "libsysbpf.so.1"))
    src, exe = os.path.join(tmp, "prog.c"), os.path.join(tmp, "setuid")
    with open(src, "w") as f:
        f.write(SECURE_PROG)
    subprocess.run([os.environ.get("CC", "cc"), src, "-o", exe, "-L" + tmp, "-l:libsysbpf.so.1",
                    "-Wl,-rpath," + tmp], check=True, capture_output=True, text=True)
    os.chmod(exe, 0o4755)
    for rule, want in (("bpf_map_lookup_elem:ENOMEM", "EBADF"), ("bpf_map_lookup_elem:EFOO", "EBADF")):
        for uid in (["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"], []):
            r = subprocess.run(uid + [exe], capture_output=True, text=True, timeout=TIMEOUT,
                               env=env(SYSBPF_INJECT=rule))
            expect(r.returncode == 0, f"exit {r.returncode}: {r.stderr}")
            m = re.search(r"euid (\d+) secure (\d+)", r.stdout)
            expect(m, r.stdout)
            secure = m.group(2) == "1"
            if uid and not secure:
                raise Skip(f"the setuid binary did not run in secure-execution mode (AT_SECURE=0): "
                           f"{tmp} is on a nosuid mount?")
            errs = re.findall(r"errno (\d+)", r.stdout)
            if secure:
                expect(errs == ["9", "9"] and r.stderr == "",
                       f"secure execution, {rule}: {r.stdout}{r.stderr}")
            elif rule.endswith("ENOMEM"):
                # Companion: the same binary, not setuid-run, is injected.
                expect(errs == ["12", "12"], f"ordinary run, {rule}: {r.stdout}")
    print("  setuid-root binary run as nobody: kernel's EBADF, no injection, no message")


def main():
    fn = globals().get("case_" + CASE)
    if not fn:
        print(f"unknown case {CASE}")
        return 2
    tmp = tempfile.mkdtemp(prefix=f"sysbpf-inject-{CASE}-")
    try:
        fn(tmp)
    except Skip as e:
        print(f"SKIP: {e}")
        return 77
    except (Failure, subprocess.TimeoutExpired, subprocess.CalledProcessError) as e:
        print(f"FAIL: {e}")
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
