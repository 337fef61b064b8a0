# lwCollectorTable (read with snmptable): every collector runs, succeeds and keeps running at
# its cadence (the kernel_interval ones every 60 s by default, the others every interval).
# SPDX-License-Identifier: ISC
import time

from lwharness import collector_table, wait_until
from lwoids import COLLECTORS

SLOW = {"slabinfo", "zoneinfo", "buddyinfo"}  # kernel_interval, default 60 s


def test_collectors_run_without_errors(leakwatchd):
    rows = collector_table(leakwatchd.port)
    assert sorted(rows) == list(range(1, len(COLLECTORS) + 1)), rows
    assert [rows[i]["lwCollectorName"] for i in sorted(rows)] == COLLECTORS
    for i, row in rows.items():
        assert row["lwCollectorRuns"] > 0, row
        assert row["lwCollectorErrors"] == 0, row
        assert row["lwCollectorLastError"] == "", row
        assert row["lwCollectorTotalDurationUs"] >= row["lwCollectorLastDurationUs"], row
        assert row["lwCollectorTotalDurationUs"] > 0, row
        # its last run as Unix seconds: since the daemon started, not in the future
        assert leakwatchd.start_wall - 1 <= row["lwCollectorLastRunUnix"] <= time.time() + 1, row

    every_cycle = [i for i in rows if rows[i]["lwCollectorName"] not in SLOW]

    def all_ran_again():
        now = collector_table(leakwatchd.port)
        return all(now[i]["lwCollectorRuns"] > rows[i]["lwCollectorRuns"]
                   for i in every_cycle) and now
    later = wait_until(all_ran_again, timeout=leakwatchd.settings["interval"] * 2 + 5,
                       interval=0.2, what="every collector's lwCollectorRuns to increase")
    for i, row in later.items():
        assert row["lwCollectorErrors"] == 0, row
        assert row["lwCollectorTotalDurationUs"] >= rows[i]["lwCollectorTotalDurationUs"], row
        slow = row["lwCollectorName"] in SLOW
        assert row["lwCollectorInterval"] == (60 if slow else leakwatchd.settings["interval"])
        if slow:  # ran once at start, not again within seconds
            assert row["lwCollectorRuns"] == rows[i]["lwCollectorRuns"] == 1, row
