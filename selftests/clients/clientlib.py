"""Shared machinery of the client scenarios: real programs run once with
libsysbpf.so.1 preloaded and once without, in a private network and mount
namespace that dies with the test.

A scenario is a function taking a Scenario; it raises Skip (exit 77, reason
printed) when the host cannot run it and Failure on a wrong result. Every run
with the preload proves, from the dynamic linker's own record
(LD_DEBUG=bindings), that each bpf.h symbol the program and its libraries use
is bound to libsysbpf.so.1, and counts the calls sysbpf served from its
SYSBPF_STATS summary.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

ISOLATED_ENV = "SYSBPF_CLIENTS_ISOLATED"
RUN_TIMEOUT_S = 30


class Skip(Exception):
    pass


class Failure(Exception):
    pass


def bpf_h_functions(version_script):
    """The bpf.h function names: every global in sysbpf's version script."""
    names = set()
    with open(version_script) as f:
        for line in f:
            m = re.match(r"^\s+([a-z_0-9]+);\s*$", line)
            if m:
                names.add(m.group(1))
    if len(names) < 50:
        raise Failure(f"read only {len(names)} functions from {version_script}")
    return names


def parse_stats(text):
    """Sums SYSBPF_STATS tables (one per process that exited) into
    {function: [calls, errors]}."""
    served = {}
    for line in text.splitlines():
        f = line.split()
        if len(f) >= 3 and f[0] not in ("function", "total") and f[1].isdigit() and f[2].isdigit():
            c = served.setdefault(f[0], [0, 0])
            c[0] += int(f[1])
            c[1] += int(f[2])
    return served


BINDING = re.compile(r"binding file (\S+) \[\d+\] to (\S+) \[\d+\]: normal symbol `([^']+)'")


def parse_bindings(directory, names):
    """{bpf.h function: {(referencing object, defining object)}} from every
    LD_DEBUG_OUTPUT file in directory."""
    bound = {}
    for fn in os.listdir(directory):
        with open(os.path.join(directory, fn), errors="replace") as f:
            for line in f:
                m = BINDING.search(line)
                if m and m.group(3) in names:
                    bound.setdefault(m.group(3), set()).add((m.group(1), m.group(2)))
    return bound


class Run:
    def __init__(self, argv, proc, served=None, bound=None):
        self.argv = argv
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.served = served or {}
        self.bound = bound or {}

    def calls(self):
        return sum(c for c, _ in self.served.values())

    def describe(self):
        return (f"$ {' '.join(self.argv)}\nexit {self.rc}\n--- stdout\n{self.stdout}"
                f"--- stderr\n{self.stderr}")


class Scenario:
    def __init__(self, name, lib, version_script):
        self.name = name
        # Preload by soname, as a user would (meson hands over the real file).
        soname = os.path.join(os.path.dirname(os.path.abspath(lib)), "libsysbpf.so.1")
        self.lib = soname if os.path.exists(soname) else os.path.abspath(lib)
        self.functions = bpf_h_functions(version_script)
        self.tmp = tempfile.mkdtemp(prefix=f"sysbpf-{name}-")
        self._cleanups = []
        self._runs = 0
        self.served_total = {}
        self.checks = 0

    # --- cleanup -------------------------------------------------------
    def on_cleanup(self, fn, *args):
        self._cleanups.append((fn, args))

    def cleanup(self):
        while self._cleanups:
            fn, args = self._cleanups.pop()
            try:
                fn(*args)
            except Exception as e:  # keep cleaning; report
                print(f"cleanup: {fn.__name__}{args}: {e}", file=sys.stderr)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- environment -----------------------------------------------------
    def require_tool(self, tool):
        path = shutil.which(tool)
        if not path:
            raise Skip(f"{tool} is not installed (bash .ci/install-deps installs it)")
        return path

    def require_client(self, tool):
        """The installed tool, which must link libbpf.so.1 for a preload to
        serve its bpf.h calls."""
        path = self.require_tool(tool)
        if "libbpf.so.1" not in subprocess.run(["ldd", path], capture_output=True, text=True).stdout:
            raise Skip(f"{path} does not link libbpf.so.1 (ldd): a preload cannot serve its bpf.h calls")
        return path

    @staticmethod
    def require_object(path, name):
        """A BPF object this build made with clang."""
        if not path or not os.path.exists(path):
            raise Skip(f"{name} was not built: clang missing at configure time")
        return path

    def sh(self, *argv, check=True):
        """A setup command (never preloaded)."""
        p = subprocess.run(list(argv), capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
                           env=plain_env())
        if check and p.returncode != 0:
            raise Failure(f"setup step failed: {' '.join(argv)}: exit {p.returncode}: {p.stderr.strip()}")
        return p

    def veth_pair(self, a, b):
        self.sh("ip", "link", "add", a, "type", "veth", "peer", "name", b)
        self.on_cleanup(self.sh, "ip", "link", "del", a)
        self.sh("ip", "link", "set", a, "up")
        self.sh("ip", "link", "set", b, "up")

    def mount_bpffs(self, where):
        """A fresh bpffs at where (replacing one mounted there before)."""
        os.makedirs(where, exist_ok=True)
        if os.path.ismount(where):
            self.sh("umount", where)
        else:
            self.on_cleanup(umount_if_mounted, where)
        self.sh("mount", "-t", "bpf", "bpf", where)

    # --- runs ----------------------------------------------------------
    def run(self, argv, preload, timeout=RUN_TIMEOUT_S):
        """Runs a client command to completion, in its own process group so
        that a timeout kills all of it."""
        self._runs += 1
        env = plain_env()
        stats = ld_dir = None
        if preload:
            stats = os.path.join(self.tmp, f"stats.{self._runs}")
            ld_dir = os.path.join(self.tmp, f"ld.{self._runs}")
            os.mkdir(ld_dir)
            env.update(LD_PRELOAD=self.lib, SYSBPF_STATS=stats, LD_DEBUG="bindings",
                       LD_DEBUG_OUTPUT=os.path.join(ld_dir, "ld"))
        p = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
            raise Failure(f"timed out after {timeout}s: {' '.join(argv)}")
        except BaseException:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            raise
        proc = subprocess.CompletedProcess(argv, p.returncode, out, err)
        if not preload:
            return Run(argv, proc)
        served = parse_stats(open(stats).read()) if os.path.exists(stats) else {}
        bound = parse_bindings(ld_dir, self.functions)
        r = Run(argv, proc, served, bound)
        for fn, (calls, _) in served.items():
            self.served_total[fn] = self.served_total.get(fn, 0) + calls
        return r

    def expect(self, cond, what, run=None):
        self.checks += 1
        if not cond:
            raise Failure(what + ("\n" + run.describe() if run else ""))

    def prove_served(self, run, makes_calls=True):
        """Every bpf.h symbol the process tree bound went to libsysbpf.so.1,
        at least one did, and sysbpf's statistics counted the calls."""
        self.expect(run.bound, "no bpf.h symbol was bound at all (preload not in effect?)", run)
        by_libbpf = sorted(f"{fn} ({os.path.basename(src)} -> {dst})"
                           for fn, pairs in run.bound.items()
                           for src, dst in pairs if os.path.realpath(dst) != os.path.realpath(self.lib))
        self.expect(not by_libbpf, "bpf.h functions not served by sysbpf:\n  " + "\n  ".join(by_libbpf), run)
        self.expect(run.calls() > 0 or not makes_calls, "sysbpf's statistics show no call served", run)
        unbound = sorted(set(run.served) - set(run.bound))
        self.expect(not unbound, f"counted but never bound: {unbound}", run)
        print(f"  {' '.join(run.argv[:3])} ...: sysbpf served {run.calls()} calls "
              f"({len(run.served)} functions), {len(run.bound)} bpf.h symbols bound, all to libsysbpf.so.1")

    def client(self, argv, preload, timeout=RUN_TIMEOUT_S, makes_calls=True):
        """One client step that must succeed; preloaded, it must be served
        by sysbpf (makes_calls=False: a step that may make no bpf.h call,
        whose bindings must still all go to sysbpf)."""
        r = self.run(argv, preload, timeout)
        self.expect(r.rc == 0, f"client command failed ({'with' if preload else 'without'} sysbpf)", r)
        if preload:
            self.prove_served(r, makes_calls)
        return r

    def agree(self, what, observe):
        """observe(preload) -> observable result; the runs with and without
        sysbpf must agree."""
        a, b = observe(True), observe(False)
        self.expect(a == b, f"{what}: with and without sysbpf disagree:\n  sysbpf: {a!r}\n  libbpf: {b!r}")
        print(f"  {what}: same result with and without sysbpf: {a!r}")
        return a

    def both(self, argv, check=None, normalize=lambda r: (r.rc, r.stdout), timeout=RUN_TIMEOUT_S,
             setup=None):
        """The same command with and without the preload (setup() before
        each): checks each result, proves the preloaded one was served by
        sysbpf, and requires the two observable results to agree."""
        results = []
        for preload in (True, False):
            if setup:
                setup()
            r = self.run(argv, preload, timeout)
            if check:
                check(r)
            if preload:
                self.prove_served(r)
            results.append(r)
        a, b = normalize(results[0]), normalize(results[1])
        self.expect(a == b, f"with and without sysbpf disagree:\n  sysbpf: {a!r}\n  libbpf: {b!r}")
        return results[0]


def umount_if_mounted(where):
    if os.path.ismount(where):
        subprocess.run(["umount", "-l", where], check=True, timeout=RUN_TIMEOUT_S)


def plain_env():
    env = dict(os.environ)
    # LD_LIBRARY_PATH: meson points it at the build's lib/ for tests.
    for k in ("LD_PRELOAD", "LD_LIBRARY_PATH", "SYSBPF_TRACE", "SYSBPF_STATS", "LD_DEBUG",
              "LD_DEBUG_OUTPUT"):
        env.pop(k, None)
    return env


def isolate():
    """Re-executes this script in a new network and mount namespace (same
    pid), so every device, mount and pin it makes dies with it whatever
    happens. Skips when namespaces cannot be made."""
    if os.environ.get(ISOLATED_ENV) == "1":
        return
    probe = subprocess.run(["unshare", "--mount", "--net", "--propagation", "private", "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        why = namespace_refusal()
        if not why:
            sys.exit(f"cannot create private network/mount namespaces: {probe.stderr.strip()}")
        finish_skip(f"{why}: {probe.stderr.strip()}")
    os.environ[ISOLATED_ENV] = "1"
    os.execvp("unshare", ["unshare", "--mount", "--net", "--propagation", "private",
                          sys.executable, *sys.argv])


def namespace_refusal():
    """The config or policy that explains why unshare(--mount --net) failed,
    with its evidence, or "" (then the failure is not excused)."""
    if os.path.isdir("/proc/self/ns") and not os.path.exists("/proc/self/ns/net"):
        return "kernel built without CONFIG_NET_NS (/proc/self/ns has no net)"
    try:
        with open("/proc/self/status") as f:
            eff = next(line.split()[1] for line in f if line.startswith("CapEff:"))
    except (OSError, StopIteration):
        return ""
    cap_sys_admin = 21
    if not int(eff, 16) & (1 << cap_sys_admin):
        return f"host policy: this process lacks CAP_SYS_ADMIN (CapEff {eff})"
    return ""


def finish_skip(reason):
    print(f"SKIP: {reason}")
    print("0 passed, 0 failed, 1 skipped")
    sys.exit(77)


def _terminate(signum, _frame):
    raise SystemExit(f"killed by signal {signum}")


def main(name, body, argv_lib, version_script, isolated=True):
    """Runs one scenario: isolated, cleaned up whatever happens; prints what
    sysbpf served and the closing count line."""
    if isolated:
        isolate()
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    s = None
    try:
        s = Scenario(name, argv_lib, version_script)
        if isolated:
            subprocess.run(["ip", "link", "set", "lo", "up"], check=False)
        body(s)
        total = sum(s.served_total.values())
        detail = ", ".join(f"{fn} {n}" for fn, n in sorted(s.served_total.items()))
        print(f"{name}: sysbpf served {total} bpf.h calls in all ({detail})")
        print(f"{name}: {s.checks} checks passed")
        print("1 passed, 0 failed, 0 skipped")
        rc = 0
    except Skip as e:
        print(f"SKIP: {name}: {e}")
        print("0 passed, 0 failed, 1 skipped")
        rc = 77
    except Failure as e:
        print(f"FAIL: {name}: {e}")
        print("0 passed, 1 failed, 0 skipped")
        rc = 1
    except BaseException as e:
        print(f"FAIL: {name}: {type(e).__name__}: {e}")
        print("0 passed, 1 failed, 0 skipped")
        rc = 1
    finally:
        if s:
            s.cleanup()
    sys.stdout.flush()
    sys.exit(rc)
