#!/usr/bin/env python3
"""The guest suite's process-level cases: libsysbpf.so.1 inside other
people's processes must not write where it was not asked to, disturb the
program's fds, signals or children, or miss calls; `sysbpf run` and
`sysbpf check` must behave as faithful wrappers. One case per item of issue 13.

usage: guest_test.py CASE HOST LIBSYSBPF SYSBPF_TOOL
Each case works in a temporary directory removed however it ends; exit 0
pass, 1 fail, 77 skip (reason printed).
"""
import glob
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

CASE = sys.argv[1]
HOST, LIB, TOOL = (os.path.abspath(p) for p in sys.argv[2:5])
TIMEOUT = 30


class Skip(Exception):
    pass


class Failure(Exception):
    pass


def expect(cond, msg):
    if not cond:
        raise Failure(msg)


def env(**kw):
    e = {k: v for k, v in os.environ.items()
         if k not in ("LD_PRELOAD", "SYSBPF_TRACE", "SYSBPF_STATS", "LD_DEBUG")}
    e.update(kw)
    return e


def host(args, timeout=TIMEOUT, **kw):
    kw.setdefault("capture_output", True)
    return subprocess.run([HOST] + [str(a) for a in args], text=True, timeout=timeout, **kw)


def stats_blocks(path):
    """[(calls total) per process block] of a SYSBPF_STATS file."""
    if not os.path.exists(path):
        return []
    return [int(l.split()[1]) for l in open(path) if l.startswith("total ")]


def trace_lines(text):
    return [l for l in text.splitlines() if l.startswith("sysbpf: ")]


# 1. Secure execution: the switches are ignored in setuid/setcap processes;
# files are opened without following a final symlink and created 0600.
SECURE_PROG = r"""
#include <stdio.h>
#include <sys/auxv.h>
#include <unistd.h>
int bpf_map_lookup_elem(int fd, const void *key, void *value);
int main(void)
{
    char k[4] = {0}, v[8];
    for (int i = 0; i < 3; i++)
        bpf_map_lookup_elem(-1, k, v);
    printf("euid %d secure %lu\n", (int)geteuid(), getauxval(AT_SECURE));
    return 0;
}
"""


def case_01(tmp):
    if os.geteuid() != 0:
        raise Skip("needs root to make setuid-root and setcap binaries")
    for tool in ("cc", "setcap", "setpriv"):
        if not shutil.which(tool):
            raise Skip(f"{tool} not found")
    os.chmod(tmp, 0o755)
    shutil.copy(LIB, os.path.join(tmp, "libsysbpf.so.1"))
    src = os.path.join(tmp, "prog.c")
    with open(src, "w") as f:
        f.write(SECURE_PROG)
    binaries = {}
    for kind in ("setuid", "setcap"):
        exe = os.path.join(tmp, kind)
        subprocess.run([os.environ.get("CC", "cc"), src, "-o", exe, "-L" + tmp, "-l:libsysbpf.so.1",
                        "-Wl,-rpath," + tmp], check=True, capture_output=True, text=True)
        binaries[kind] = exe
    os.chmod(binaries["setuid"], 0o4755)
    subprocess.run(["setcap", "cap_dac_override+ep", binaries["setcap"]], check=True)
    secret = os.path.join(tmp, "secret")
    os.mkdir(secret, 0o700)
    rootfile = os.path.join(secret, "rootfile")
    with open(rootfile, "w") as f:
        f.write("ROOT\n")
    link = os.path.join(tmp, "link")
    os.symlink(rootfile, link)
    created = os.path.join(secret, "created")
    for kind, exe in binaries.items():
        for trace, stats in ((created, rootfile), (link, link), ("stderr", created)):
            r = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", exe],
                               capture_output=True, text=True, timeout=TIMEOUT,
                               env=env(SYSBPF_TRACE=trace, SYSBPF_STATS=stats))
            expect(r.returncode == 0, f"{kind}: exit {r.returncode}\n{r.stderr}")
            m = re.search(r"euid (\d+) secure (\d+)", r.stdout)
            expect(m, f"{kind}: no report: {r.stdout!r}")
            if m.group(2) != "1":
                # Only a nosuid mount excuses it; anything else is a failure.
                expect(os.statvfs(tmp).f_flag & os.ST_NOSUID,
                       f"{kind} binary did not run in secure-execution mode (AT_SECURE={m.group(2)}, "
                       f"euid {m.group(1)}), though {tmp} is not on a nosuid mount")
                raise Skip(f"host policy: {tmp} is on a nosuid mount (statvfs ST_NOSUID), so the "
                           f"{kind} binary ran without secure-execution (AT_SECURE={m.group(2)})")
            expect(not os.path.exists(created), f"{kind} (as nobody) created {created}")
            expect(open(rootfile).read() == "ROOT\n", f"{kind} (as nobody) wrote to a root file "
                   f"(SYSBPF_TRACE={trace}, SYSBPF_STATS={stats})")
            expect(not trace_lines(r.stderr), f"{kind} traced to stderr: {r.stderr!r}")
    print("  setuid-root and setcap binaries run as nobody: no file created, none written, nothing traced")

    # An ordinary process: a final symlink is not followed, a new file is 0600.
    target = os.path.join(tmp, "target")
    with open(target, "w") as f:
        f.write("KEEP\n")
    os.symlink(target, os.path.join(tmp, "tlink"))
    r = host(["calls", 3], env=env(SYSBPF_TRACE=os.path.join(tmp, "tlink"),
                                   SYSBPF_STATS=os.path.join(tmp, "tlink")))
    expect(r.returncode == 0, f"host failed: {r.stderr}")
    expect(open(target).read() == "KEEP\n", "trace/stats followed a symlink into another file")
    fresh = os.path.join(tmp, "fresh")
    r = host(["calls", 3], env=env(SYSBPF_STATS=fresh), preexec_fn=lambda: os.umask(0))
    expect(stats_blocks(fresh) == [3], f"stats not written: {stats_blocks(fresh)}")
    mode = stat.S_IMODE(os.stat(fresh).st_mode)
    expect(mode == 0o600, f"stats file created with mode {mode:o} under umask 0, expected 600")
    print("  a final symlink is not followed; a new file is created 0600 (umask 0)")


# 2. The trace fd is the library's own: fds the program reuses stay its own.
def case_02(tmp):
    data = os.path.join(tmp, "data")
    r = host(["reuse-stderr", 4, data], env=env(SYSBPF_TRACE="stderr", SYSBPF_STATS="stderr"))
    expect(r.returncode == 0, f"reuse-stderr exit {r.returncode}")
    expect(open(data).read() == "DATA\n", f"library text in the program's file (fd 2 reused): "
           f"{open(data).read()!r}")
    expect(len(trace_lines(r.stderr)) == 4 and "total" in r.stderr,
           f"trace/stats did not reach the original stderr: {r.stderr!r}")
    trace = os.path.join(tmp, "trace")
    r = host(["reuse-all", 4, data], env=env(SYSBPF_TRACE=trace))
    expect(r.returncode == 0, f"reuse-all exit {r.returncode}")
    expect(open(data).read() == "DATA\n", f"trace lines in the program's own file (trace fd reused): "
           f"{open(data).read()!r}")
    print("  fd 2 and the trace fd closed and reused by the program: its files hold only its data")


# 3. No SIGPIPE: a trace pipe whose reader has gone.
def case_03(tmp):
    for argv in ([HOST, "calls", 5], [TOOL, "run", "--trace", "--", HOST, "calls", 5]):
        rd, wr = os.pipe()
        os.close(rd)
        p = subprocess.run([str(a) for a in argv], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=wr, env=env(SYSBPF_TRACE="stderr"), timeout=TIMEOUT)
        os.close(wr)
        expect(p.returncode == 0, f"{argv[0]}: ended with {p.returncode} writing to a closed pipe "
               f"(-{signal.SIGPIPE} is SIGPIPE)")
    print("  trace to a pipe without a reader: exit 0, no SIGPIPE (direct and under sysbpf run --trace)")


# 4. Each process reports its own calls.
def case_04(tmp):
    stats = os.path.join(tmp, "stats")
    r = host(["fork", 3, 3], env=env(SYSBPF_STATS=stats))
    expect(r.returncode == 0, f"exit {r.returncode}")
    blocks = stats_blocks(stats)
    expect(sorted(blocks) == [3, 3, 3, 3], f"per-process totals {blocks}, expected four of 3 "
           f"(3 calls in the parent, 3 in each of 3 children)")
    print(f"  parent + 3 forked children, 3 calls each: totals {blocks}")


# 5. The stats path is fixed at start: chdir and a rewritten environment.
def case_05(tmp):
    sub = os.path.join(tmp, "sub")
    os.mkdir(sub)
    r = host(["rewrite", 4, sub], cwd=tmp, env=env(SYSBPF_STATS="stats"))
    expect(r.returncode == 0, f"exit {r.returncode}")
    expect(stats_blocks(os.path.join(tmp, "stats")) == [4],
           f"stats not at the path given at start: {os.listdir(tmp)} / {os.listdir(sub)}")
    expect(os.listdir(sub) == [], f"stats written after chdir: {os.listdir(sub)}")
    expect(sorted(os.listdir(tmp)) == ["stats", "sub"], f"stray files: {os.listdir(tmp)}")
    print("  chdir + overwritten environment: stats at the path resolved at start")


# 6. dlopen/dlclose cycles leak no fd.
def case_06(tmp):
    copy = os.path.join(tmp, "libcopy.so")
    shutil.copy(LIB, copy)
    r = host(["dlopen", 100, copy], env=env(SYSBPF_TRACE=os.path.join(tmp, "trace"),
                                             SYSBPF_STATS=os.path.join(tmp, "stats")))
    expect(r.returncode == 0, f"exit {r.returncode}: {r.stderr}")
    m = re.search(r"fds (\d+) (\d+)", r.stdout)
    expect(m and m.group(1) == m.group(2), f"fds before/after 100 dlopen/dlclose cycles: {r.stdout!r}")
    print(f"  100 dlopen/dlclose cycles with tracing on: {m.group(1)} fds before and after")


# 7. A FIFO without a reader does not block the host.
def case_07(tmp):
    fifo = os.path.join(tmp, "fifo")
    os.mkfifo(fifo)
    t0 = time.monotonic()
    try:
        r = host(["calls", 3], env=env(SYSBPF_TRACE=fifo, SYSBPF_STATS=fifo), timeout=10)
    except subprocess.TimeoutExpired:
        raise Failure("the host blocked on a FIFO without a reader")
    expect(r.returncode == 0, f"exit {r.returncode}")
    print(f"  trace/stats to a FIFO without a reader: exit 0 in {time.monotonic() - t0:.2f} s")


# 8. A bad string pointer prints as its address; no uninitialised read.
def case_08(tmp):
    r = host(["bad-pointer"], env=env(SYSBPF_TRACE="stderr"))
    expect(r.returncode == 0, f"exit {r.returncode}")
    lines = trace_lines(r.stderr)
    expect(len(lines) == 1 and "(pathname=0x1)" in lines[0],
           f"bad pointer not printed as its address: {lines}")
    if not shutil.which("valgrind"):
        raise Skip("valgrind not found (the address check passed)")
    r = subprocess.run(["valgrind", "-q", HOST, "bad-pointer"], capture_output=True,
                       text=True, timeout=120, env=env(SYSBPF_TRACE="stderr"))
    # (valgrind also reports the bad pointer handed to bpf(), which is the point)
    expect(r.returncode == 0 and "uninitialised" not in r.stderr and "Invalid read" not in r.stderr,
           f"valgrind: {r.stderr}")
    print(f"  {lines[0]}; valgrind memcheck clean")


# 9. Every call counted: from signal handlers, before libsysbpf's constructor
# (here: the program's preinit functions), from atexit handlers.
def case_09(tmp):
    stats = os.path.join(tmp, "stats")
    r = host(["signal", 300], env=env(SYSBPF_STATS=stats), timeout=60)
    expect(r.returncode == 0, f"exit {r.returncode}")
    made = int(re.search(r"calls (\d+)", r.stdout).group(1))
    expect(stats_blocks(stats) == [made], f"signal handler calls: made {made}, counted {stats_blocks(stats)}")
    print(f"  {made} calls, 300 of them from a SIGALRM handler interrupting traced calls: all counted")
    os.unlink(stats)
    r = host(["calls", 2], env=env(SYSBPF_STATS=stats, GUEST_PREINIT_CALLS="3"))
    expect(stats_blocks(stats) == [5], f"calls before the library's constructor: counted {stats_blocks(stats)} of 5")
    os.unlink(stats)
    r = host(["at-exit", 2], env=env(SYSBPF_STATS=stats))
    expect(stats_blocks(stats) == [4], f"calls from an atexit handler: counted {stats_blocks(stats)} of 4")
    print("  calls before libsysbpf's constructor and from atexit handlers: counted")


# 10. sysbpf run refuses a library path LD_PRELOAD cannot hold.
def case_10(tmp):
    for name in ("with space", "with:colon"):
        # The tool finds its library through RUNPATH $ORIGIN/../lib.
        root = os.path.join(tmp, name)
        os.makedirs(os.path.join(root, "bin"))
        os.makedirs(os.path.join(root, "lib"))
        tool = os.path.join(root, "bin", "sysbpf")
        shutil.copy(TOOL, tool)
        shutil.copy(LIB, os.path.join(root, "lib", "libsysbpf.so.1"))
        e = env()
        e.pop("LD_LIBRARY_PATH", None)
        r = subprocess.run([tool, "run", "--", HOST, "calls", "1"], capture_output=True, text=True,
                           timeout=TIMEOUT, env=e)
        expect(r.returncode == 1 and "LD_PRELOAD" in r.stderr,
               f"library under '{root}': sysbpf run exit {r.returncode}, stderr {r.stderr!r}")
    print("  library under a path with a space or ':': sysbpf run refuses (exit 1, reason given)")


# 11. sysbpf run passes signals on and ends as its command ended.
def case_11(tmp):
    e = env(TMPDIR=tmp)
    r = subprocess.run([TOOL, "run", "--stats", "--", "sh", "-c", "kill -TERM $$"], capture_output=True,
                       text=True, timeout=TIMEOUT, env=e)
    expect(r.returncode == -signal.SIGTERM, f"command killed by SIGTERM: sysbpf run exit {r.returncode}")
    pidfile = os.path.join(tmp, "pid")
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        p = subprocess.Popen([TOOL, "run", "--stats", "--", "sh", "-c", f'echo $$ > {pidfile}; exec sleep 30'],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=e)
        try:
            deadline = time.monotonic() + 10
            while not (os.path.exists(pidfile) and open(pidfile).read().strip()) and time.monotonic() < deadline:
                time.sleep(0.02)
            child = int(open(pidfile).read())
            time.sleep(0.1)
            p.send_signal(sig)
            rc = p.wait(timeout=10)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        alive = os.path.exists(f"/proc/{child}") and "zombie" not in open(f"/proc/{child}/status").read()
        if alive:
            os.kill(child, signal.SIGKILL)
        os.unlink(pidfile)
        expect(not alive, f"{sig.name} to sysbpf run: the command kept running")
        expect(rc == -sig, f"{sig.name}: sysbpf run ended with {rc}, expected -{int(sig)}")
        left = os.listdir(tmp)
        expect(left == [], f"{sig.name}: left behind {left}")
    p = subprocess.run([TOOL, "run", "--", "sh", "-c", "echo $$"], capture_output=True, text=True,
                       timeout=TIMEOUT, env=e)
    # Without --stats the command is exec'ed: its pid is sysbpf run's.
    q = subprocess.Popen([TOOL, "run", "--", "sh", "-c", "echo $$"], stdout=subprocess.PIPE, text=True, env=e)
    out, _ = q.communicate(timeout=TIMEOUT)
    expect(int(out) == q.pid, f"without --stats the command runs as pid {out.strip()}, not {q.pid} (not exec'ed)")
    print("  SIGTERM/SIGINT/SIGHUP passed on, same signal re-raised, no temp file left; plain run execs")


# 12. sysbpf check killed by a signal leaves nothing behind.
def cgroup2_mount():
    for line in open("/proc/self/mountinfo"):
        pre, _, post = line.partition(" - ")
        if post.startswith("cgroup2 "):
            return pre.split()[4]
    return None


def leftovers(pid):
    """What the `sysbpf check` of this pid left (its names carry the pid;
    other runs on the host, e.g. other test suites, do not count)."""
    cg = cgroup2_mount()
    return sorted(glob.glob(f"/tmp/sysbpf-check-{pid}-*") + glob.glob(f"/tmp/sysbpf-cgroup-{pid}-*") +
                  ([f"{cg}/sysbpf-check-{pid}"] if cg and os.path.exists(f"{cg}/sysbpf-check-{pid}") else []))


def case_12(tmp):
    mnt = cgroup2_mount()
    if os.geteuid() != 0:
        raise Skip(f"needs root to make a cgroup (euid {os.geteuid()})")
    if not mnt:
        raise Skip("host without a cgroup2 hierarchy mounted (none in /proc/self/mountinfo)")

    def no_core():
        import resource
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    for sig in (signal.SIGALRM, signal.SIGUSR1, signal.SIGQUIT, signal.SIGKILL):
        p = subprocess.Popen([TOOL, "check"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             cwd=tmp, env=env(), preexec_fn=no_core)
        cg = f"{mnt}/sysbpf-check-{p.pid}"
        deadline = time.monotonic() + 10
        while not os.path.exists(cg) and p.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        if p.poll() is not None:
            raise Failure(f"sysbpf check ended before its cgroup appeared (exit {p.returncode})")
        p.send_signal(sig)
        rc = p.wait(timeout=30)
        expect(rc == -sig, f"sysbpf check ended with {rc} after {sig.name}")
        if sig == signal.SIGKILL:
            r = subprocess.run([TOOL, "check"], capture_output=True, text=True, timeout=60, env=env(), cwd=tmp)
            expect(r.returncode == 0, f"sysbpf check after a killed run: exit {r.returncode}")
        expect(leftovers(p.pid) == [], f"after {sig.name}: left behind {leftovers(p.pid)}")
    print("  check killed by SIGALRM/SIGUSR1/SIGQUIT: nothing left; after SIGKILL the next run cleaned up")


def main():
    fn = globals().get("case_" + CASE)
    if not fn:
        print(f"unknown case {CASE}")
        return 2
    tmp = tempfile.mkdtemp(prefix=f"sysbpf-guest-{CASE}-")
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
