"""The per-kernel summary: a markdown table of passed / skipped / failed per
kernel and per area, then the skip reasons grouped and the failures.

Lines are indented or prefixed so that .ci/summarize, which adds up the
binaries' own closing lines, does not count them a second time."""


def _totals(results):
    return tuple(sum(getattr(r, f) for r in results.values()) for f in ("passed", "skipped", "failed"))


def print_summary(kernels):
    """kernels: list of (label, {area: Result} or a reason it did not run)."""
    print(summary_text(kernels), end="")


def summary_text(kernels):
    """The summary as markdown text."""
    out = []

    def print(line=""):
        out.append(line + "\n")

    print("\nselftests per kernel:\n")
    print("| kernel | passed | skipped | failed |")
    print("|---|---:|---:|---:|")
    for label, results in kernels:
        if isinstance(results, str):
            print(f"| {label} | – | – | – |  (not run: {results})")
        else:
            print("| {} | {} | {} | {} |".format(label, *_totals(results)))

    areas = []
    for _, results in kernels:
        if not isinstance(results, str):
            areas += [a for a in results if a not in areas]
    print("\nper area (passed/skipped/failed):\n")
    print("| area | " + " | ".join(label for label, _ in kernels) + " |")
    print("|---|" + "---:|" * len(kernels))
    for area in areas:
        cells = []
        for _, results in kernels:
            r = None if isinstance(results, str) else results.get(area)
            cells.append("–" if r is None else f"{r.passed}/{r.skipped}/{r.failed}")
        print(f"| {area} | " + " | ".join(cells) + " |")

    for label, results in kernels:
        if isinstance(results, str):
            continue
        by_reason = {}
        for r in results.values():
            for test, reason in r.skips:
                by_reason.setdefault(reason, []).append(f"{r.area}: {test}")
        if by_reason:
            print(f"\nskipped on {label}, by reason:")
            for reason, tests in sorted(by_reason.items(), key=lambda kv: (-len(kv[1]), kv[0])):
                print(f"  {len(tests)} x {reason}")
                for t in tests:
                    print(f"      {t}")
        failures = [f"{r.area}: {name}" for r in results.values() for name in r.failures]
        if failures:
            print(f"\nfailed on {label}:")
            for f in failures:
                print(f"  {f}")
    return "".join(out)
