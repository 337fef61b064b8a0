#!/usr/bin/env python3
# walk-compare.py: walks all of LEAKWATCH-MIB served by two leakwatchd builds over one fixture root
# and shows what differs beyond the values that move between runs (times, durations, host sockets).
# SPDX-License-Identifier: ISC
"""Usage:
    python3 tests/walk-compare.py OLD_LEAKWATCHD NEW_LEAKWATCHD [--root DIR] [--keep FILE]

Each daemon runs as an AgentX subagent of a private snmpd with `root DIR` (default: the
linux-6.18.44 fixture tree), so every file collector reads the same captured files; one cycle is
walked with snmpwalk (GETNEXT). The walks are normalised:
  - values that move between two runs of the same build are replaced by their type alone
    (lwAgent times, collector run times and durations, the last-run date);
  - tables filled from the live host rather than the fixture root (TCP over sock_diag, whose
    rows and counts follow this machine's sockets) keep only their column and type;
and compared line by line. Exit 0 when they are identical, 1 with a diff otherwise.
"""
import argparse
import difflib
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "integration"))

from lwharness import Leakwatchd, Snmpd, snmpwalk, wait_until  # noqa: E402
from lwoids import (COLLECTOR_ENTRY, LW_OBJECTS, LW_TCP, collector_index)  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
MOVING_SCALARS = {LW_OBJECTS + ".1.2.0", LW_OBJECTS + ".1.4.0"}   # start time, snapshot time
MOVING_COLLECTOR_COLUMNS = {"4", "5", "6"}                        # last run, duration, total
HOST_TABLES = [LW_TCP + ".1.1", LW_TCP + ".2.1", LW_TCP + ".3.1"]  # sock_diag: the live host
HOST_SCALARS = {LW_TCP + ".4.0", LW_TCP + ".6.0"}                  # sockets, port rows


def normalise(vb):
    oid = vb.oid
    if oid in MOVING_SCALARS or oid in HOST_SCALARS:
        return f"{oid} {vb.type} *"
    if oid.startswith(COLLECTOR_ENTRY + "."):
        column = oid[len(COLLECTOR_ENTRY) + 1:].split(".")[0]
        if column in MOVING_COLLECTOR_COLUMNS:
            return f"{oid} {vb.type} *"
    for entry in HOST_TABLES:
        if oid.startswith(entry + "."):
            column = oid[len(entry) + 1:].split(".")[0]
            return f"{entry}.{column}.* {vb.type} *"
    return f"{oid} {vb.type} {vb.value!r}"


def walk_once(binary, root, tmp):
    snmpd = Snmpd(tmp / "snmpd").start()
    daemon = Leakwatchd(tmp / "lw", snmpd=snmpd, interval=3600, root=root, binary=binary)
    try:
        daemon.start()
        daemon.wait_served()
        history = collector_index("history")
        # One whole cycle, history stage included, before walking.
        wait_until(lambda: snmpwalk(snmpd.port, f"{COLLECTOR_ENTRY}.7.{history}")[0].value >= 1,
                   30, what="the first cycle to finish")
        lines = [normalise(vb) for vb in snmpwalk(snmpd.port, LW_OBJECTS)]
    finally:
        daemon.stop()
        snmpd.stop()
    # Host tables collapse to one line per column and type.
    return sorted(set(lines), key=lines.index)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--root", default=str(REPO / "tests" / "fixtures" / "linux-6.18.44"))
    ap.add_argument("--keep", help="write the normalised new walk to this file")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="lw-walk-") as d:
        old = walk_once(args.old, args.root, Path(d) / "old")
        new = walk_once(args.new, args.root, Path(d) / "new")
    if args.keep:
        Path(args.keep).write_text("\n".join(new) + "\n")
    diff = list(difflib.unified_diff(old, new, "old", "new", lineterm=""))
    print(f"walk-compare: old {len(old)} lines, new {len(new)} lines, "
          f"{'identical' if not diff else 'DIFFERENT'} after normalising")
    if diff:
        print("\n".join(diff))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
