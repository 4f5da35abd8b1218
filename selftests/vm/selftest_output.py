"""Reads what one selftest binary printed (tests/harness): the closing line
"N passed, N failed, N skipped", "SKIP: <test>: <reason>" lines, and the
failing test cases named in Catch2's failure headers."""
import re
import signal

CLOSING = re.compile(r"^(\d+) passed, (\d+) failed, (\d+) skipped$", re.M)
HEADER = re.compile(r"^-{20,}\n(.*?)\n-{20,}$", re.M | re.S)


class Result:
    def __init__(self, area, output, rc, names):
        """rc: the exit code, or a text saying why there is none."""
        self.area = area
        self.output = output
        self.rc = rc
        self.passed = self.failed = self.skipped = 0
        self.skips = []      # (test case, reason)
        self.failures = []   # test case names, or what went wrong with the binary
        closing = CLOSING.findall(output)
        if closing:
            self.passed, self.failed, self.skipped = map(int, closing[-1])
        by_length = sorted(names, key=len, reverse=True)
        for line in output.splitlines():
            if line.startswith("SKIP: "):
                self.skips.append(_split_named(line[len("SKIP: "):], by_length))
        self.failures = _failed_names(output, by_length)
        problem = None
        if isinstance(rc, str):
            problem = rc
        elif not closing:
            problem = f"ended without its closing line ({describe_rc(rc)})"
        elif rc not in (0, 77) and self.failed == 0:
            problem = f"{describe_rc(rc)} with no failed test case"
        if problem:
            self.failures.append(f"[binary {problem}]")
            if closing:
                self.failed += 1
            else:  # what it printed before it stopped
                self.skipped, self.failed = len(self.skips), len(self.failures)
        elif len(self.failures) < self.failed:
            self.failures.append(f"[{self.failed - len(self.failures)} more, see the log]")


    def as_dict(self):
        return {"passed": self.passed, "skipped": self.skipped, "failed": self.failed,
                "skips": self.skips, "failures": self.failures}


class Stored:
    """A Result read back from as_dict()."""

    def __init__(self, area, d):
        self.area = area
        self.passed, self.skipped, self.failed = d["passed"], d["skipped"], d["failed"]
        self.skips = [tuple(s) for s in d["skips"]]
        self.failures = d["failures"]


def describe_rc(rc):
    """rc: an exit code, or a text saying why there is none."""
    if isinstance(rc, str):
        return rc
    # A death by signal: negative from Python, 128 + signal from a shell
    # (SIGTERM there: the VM's per-binary timeout).
    sig = -rc if rc < 0 else rc - 128 if rc > 128 else 0
    try:
        return f"exit code {rc}, killed by {signal.Signals(sig).name}" if sig else f"exit code {rc}"
    except ValueError:
        return f"exit code {rc}"


def _split_named(text, names):
    """'<test>: <reason>' split at the end of the longest known test name."""
    for n in names:
        if text.startswith(n + ": "):
            return n, text[len(n) + 2:]
    name, _, reason = text.partition(": ")
    return name, reason


def _failed_names(output, names):
    failed = []
    for line in output.splitlines():
        if line.startswith("FAIL: "):
            failed.append(_split_named(line[len("FAIL: "):], names)[0])
    # Catch2 frames each failure with the test case (and section) name between
    # two dashed lines, wrapping long names: compare with spaces squeezed.
    for header in HEADER.findall(output):
        text = " ".join(header.split())
        for n in names:
            if text.startswith(" ".join(n.split())) and n not in failed:
                failed.append(n)
                break
    return failed
