#!/usr/bin/env python3
"""Copies the tables the kernel suite printed in a `meson test` run (from
meson's testlog.json) into RESULTS.md, between the kernels markers.

usage: update_results.py TESTLOG_JSON RESULTS_MD
Fails, leaving RESULTS.md alone, when the log holds no kernel tables or
RESULTS.md has no kernels section.
"""
import datetime
import json
import re
import sys

START, END = "<!-- kernels:start -->", "<!-- kernels:end -->"
MARK = "selftests per kernel:"


def kernel_tables(testlog):
    """(date, markdown) of the last test whose output holds the kernel tables."""
    found = None
    with open(testlog) as log:
        for entry in log:
            t = json.loads(entry)
            out = t.get("stdout") or ""
            if MARK not in out:
                continue
            lines, tables, in_table = [], 0, False
            for line in out.split(MARK, 1)[1].splitlines():
                if line.startswith("|"):
                    in_table = True
                elif in_table:  # a table just ended
                    in_table = False
                    tables += 1
                    if tables == 2:
                        break
                lines.append(line)
            day = datetime.date.fromtimestamp(t.get("starttime", 0))
            found = (day, "\n".join(lines).strip())
    return found


def main():
    testlog, results = sys.argv[1], sys.argv[2]
    tables = kernel_tables(testlog)
    if not tables:
        sys.exit(f"{testlog}: no kernel tables; run `meson test --suite kernel-6.1` first")
    with open(results) as f:
        doc = f.read()
    section = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not section.search(doc):
        sys.exit(f"{results}: no {START} ... {END} section to replace")
    text = f"Measured {tables[0]}, selftests per kernel:\n\n{tables[1]}"
    with open(results, "w") as f:
        f.write(section.sub(lambda _: START + "\n" + text + "\n" + END, doc))
    print(text)


if __name__ == "__main__":
    main()
