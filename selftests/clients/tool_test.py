#!/usr/bin/env python3
"""Tests of the `sysbpf` tool and of the library's trace/stats switches.

usage: tool_test.py TEST LIBSYSBPF VERSION_SCRIPT SYSBPF_TOOL SOURCE_ROOT LOADER OBJECT
TEST is one of: check, run-stats, run-trace, silent, usage, trace-coverage.
"""
import glob
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clientlib  # noqa: E402
from clientlib import Skip, plain_env  # noqa: E402

TEST, LIB, MAP, TOOL, SRC, LOADER, OBJ = sys.argv[1:8]
TIMEOUT = 60


def tool(args, env=None, timeout=TIMEOUT):
    return subprocess.run([TOOL] + args, capture_output=True, text=True, env=env or plain_env(),
                          timeout=timeout)


def leftovers():
    return sorted(glob.glob("/tmp/sysbpf-check-*") + glob.glob("/tmp/sysbpf-cgroup-*") +
                  glob.glob("/sys/fs/cgroup/sysbpf-check-*") + glob.glob("/tmp/sysbpf-stats-*"))


def loader_argv(s):
    """The libbpf client, run in a private mount namespace with its own bpffs."""
    if not LOADER or not os.path.exists(LOADER) or not OBJ or not os.path.exists(OBJ):
        raise Skip("libbpf_loader or packet_stats.bpf.o not built (libbpf-dev or clang missing at configure time)")
    pins = os.path.join(s.tmp, "pins")
    os.mkdir(pins)
    return pins, ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                  'mount -t bpf bpf "$1" && shift && exec "$@"', "sh", pins]


def names_in_table(text):
    return {l.split()[0] for l in text.splitlines()[1:] if l.split() and l.split()[0] not in ("function", "total")}


def t_check(s):
    before = leftovers()
    r = tool(["check"])
    s.expect(r.returncode == 0, f"sysbpf check exited {r.returncode}\n{r.stdout}{r.stderr}")
    rows = {l.split()[0]: l for l in r.stdout.splitlines() if l.startswith(("bpf_", "libbpf_"))}
    s.expect(set(rows) == s.functions,
             f"table rows differ from bpf.h: missing {sorted(s.functions - set(rows))}, extra {sorted(set(rows) - s.functions)}")
    for fn, row in rows.items():
        s.expect(re.match(r"^\S+\s+(ok|not supported by this kernel \(E[A-Z0-9]+|unavailable here \()", row),
                 f"row for {fn} is not ok / not supported (errno) / unavailable (why): {row}")
    m = re.search(r"^(\d+) functions: (\d+) ok, (\d+) not supported by this kernel, (\d+) unavailable here, "
                  r"(\d+) failed$", r.stdout, re.M)
    s.expect(m and int(m.group(1)) == len(s.functions) and m.group(5) == "0", f"bad count line:\n{r.stdout}")
    s.expect(int(m.group(2)) >= 50, f"only {m.group(2)} functions ok on this kernel:\n{r.stdout}")
    s.expect(leftovers() == before, f"sysbpf check left behind: {sorted(set(leftovers()) - set(before))}")
    print("  " + m.group(0))


def t_trace_coverage(s):
    """Every exported function starts with SYSBPF_TRACE_CALL (source), and
    running `sysbpf check` with SYSBPF_STATS counts every bpf.h function."""
    shims = {}
    for path in glob.glob(os.path.join(SRC, "lib", "api", "*.cpp")):
        text = open(path).read()
        for m in re.finditer(r"SYSBPF_EXPORT[^{;]*?\b(\w+)\s*\([^{;]*\)\s*\{\s*(\S[^\n]*)", text):
            shims[m.group(1)] = m.group(2)
    s.expect(set(shims) == s.functions, f"exported shims differ from bpf.h: {sorted(set(shims) ^ s.functions)}")
    untraced = sorted(fn for fn, first in shims.items() if not first.startswith(f"SYSBPF_TRACE_CALL({fn}"))
    s.expect(not untraced, f"shims whose first statement is not SYSBPF_TRACE_CALL: {untraced}")
    stats = os.path.join(s.tmp, "stats")
    env = plain_env()
    env["SYSBPF_STATS"] = stats
    r = tool(["check"], env)
    s.expect(r.returncode == 0, f"sysbpf check failed\n{r.stdout}{r.stderr}")
    counted = set(clientlib.parse_stats(open(stats).read()))
    s.expect(counted == s.functions, f"functions missing from SYSBPF_STATS: {sorted(s.functions - counted)}")
    print(f"  all {len(shims)} shims start with SYSBPF_TRACE_CALL; SYSBPF_STATS counted all {len(counted)} functions")


def t_run_stats(s):
    pins, wrap = loader_argv(s)
    before = leftovers()
    r = subprocess.run(wrap + [TOOL, "run", "--stats", "--", LOADER, OBJ, pins], capture_output=True, text=True,
                       env=plain_env(), timeout=TIMEOUT)
    s.expect(r.returncode == 0 and r.stdout.endswith("done\n"), f"client failed under sysbpf run\n{r.stdout}{r.stderr}")
    m = re.search(r"^sysbpf: bpf.h calls served by (\S+) \(1 process\):\n((?:.*\n)*?)total\s+(\d+)\s+(\d+)",
                  r.stderr, re.M)
    s.expect(m, f"no statistics table on stderr:\n{r.stderr}")
    s.expect(os.path.realpath(m.group(1)) == os.path.realpath(LIB), f"served by {m.group(1)}, built {LIB}")
    served = names_in_table(m.group(2))
    s.expect({"bpf_map_create", "bpf_prog_load", "bpf_prog_test_run_opts", "bpf_obj_pin"} <= served,
             f"table lacks the client's calls: {sorted(served)}")
    s.expect(int(m.group(3)) >= 50, f"only {m.group(3)} calls served")
    s.expect(leftovers() == before, "the statistics file was left behind")
    print(f"  sysbpf run --stats: {m.group(3)} calls in {len(served)} functions served, table printed")

    for opts in ([], ["--stats"]):
        for argv, want in ((["sh", "-c", "exit 7"], 7), (["sh", "-c", "kill -9 $$"], -9),
                           (["/nonexistent/program"], 127)):
            r = tool(["run"] + opts + ["--"] + argv)
            s.expect(r.returncode == want,
                     f"sysbpf run {opts} -- {argv}: exit {r.returncode}, expected {want}\n{r.stderr}")
    print("  exit status propagated (7, killed by SIGKILL, 127 for a missing program), with and without --stats")


def t_run_trace(s):
    pins, wrap = loader_argv(s)
    r = subprocess.run(wrap + [TOOL, "run", "--trace", "--", LOADER, OBJ, pins], capture_output=True, text=True,
                       env=plain_env(), timeout=TIMEOUT)
    s.expect(r.returncode == 0, f"client failed under sysbpf run --trace\n{r.stdout}{r.stderr}")
    lines = [l for l in r.stderr.splitlines() if l.startswith("sysbpf: ")]
    line = re.compile(r"^sysbpf: (\w+)\((.*)\) = (-?\d+)( E[A-Z0-9]+)? <\d+\.\d{3} us>$")
    bad = [l for l in lines if not line.match(l)]
    s.expect(lines and not bad, f"malformed trace lines: {bad[:5]}")
    s.expect(any(re.search(r'bpf_map_create\(map_type=BPF_MAP_TYPE_HASH, map_name="lengths", key_size=4, value_size=8, '
                           r'max_entries=64, opts=', l) for l in lines), "no map_create line with name and sizes")
    s.expect(any(re.search(r'bpf_prog_load\(prog_type=BPF_PROG_TYPE_XDP, prog_name="count_packet", license="GPL", '
                           r'insns=0x[0-9a-f]+, insn_cnt=\d+', l) for l in lines), "no prog_load line with its name")
    s.expect(any(re.search(r"bpf_map_update_elem\(fd=\d+, .*flags=0\) = -1 EPERM", l) for l in lines),
             "the refused update of .rodata does not show -1 EPERM")
    s.expect(any(re.search(r"bpf_map_get_next_key\(fd=\d+, key=.*\) = -2 ENOENT", l) for l in lines),
             "the end of a key walk does not show ENOENT")
    print(f"  {len(lines)} trace lines, all well formed; names, sizes, flags and errno names present")


def t_silent(s):
    """Preloaded with neither variable set, the library writes nothing."""
    if not shutil.which("strace"):
        raise Skip("strace is not installed")
    pins, wrap = loader_argv(s)
    env = plain_env()
    env["LD_PRELOAD"] = LIB
    r = subprocess.run(wrap + ["strace", "-f", "-qq", "-e", "trace=openat,write", "-o", os.path.join(s.tmp, "st"),
                               LOADER, OBJ, pins], capture_output=True, text=True, env=env, timeout=TIMEOUT)
    s.expect(r.returncode == 0 and "sysbpf" not in r.stderr, f"preloaded client failed or printed\n{r.stderr}")
    trace = open(os.path.join(s.tmp, "st")).read()
    opened = [l for l in trace.splitlines() if "openat(" in l and "sysbpf" in l and "libsysbpf" not in l]
    s.expect(not opened, f"the library opened files with tracing off: {opened}")
    print("  preloaded without SYSBPF_TRACE/SYSBPF_STATS: no output, no file opened")


def t_usage(s):
    for args in ([], ["frob"], ["run"], ["run", "--"], ["run", "--bogus", "--", "true"], ["check", "extra"]):
        r = tool(args)
        s.expect(r.returncode == 2 and "Try 'sysbpf" in r.stderr and not r.stdout,
                 f"sysbpf {' '.join(args)}: exit {r.returncode}, stderr {r.stderr!r}: expected 2 with a hint")
    for args in (["--help"], ["help"], ["run", "--help"], ["check", "--help"]):
        r = tool(args)
        s.expect(r.returncode == 0 and r.stdout.startswith("usage: sysbpf"),
                 f"sysbpf {' '.join(args)}: exit {r.returncode}")
    print("  bad usage exits 2 with a hint; --help exits 0 for the tool, run and check")


TESTS = {"check": t_check, "run-stats": t_run_stats, "run-trace": t_run_trace, "silent": t_silent,
         "usage": t_usage, "trace-coverage": t_trace_coverage}

if __name__ == "__main__":
    clientlib.main("sysbpf-" + TEST, TESTS[TEST], LIB, MAP, isolated=False)
