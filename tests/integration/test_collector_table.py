# lwCollectorTable (read with snmptable): the five collectors run, succeed and keep running.
from lwharness import collector_table, wait_until
from lwoids import COLLECTORS


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

    def all_ran_again():
        now = collector_table(leakwatchd.port)
        return all(now[i]["lwCollectorRuns"] > rows[i]["lwCollectorRuns"] for i in rows) and now
    later = wait_until(all_ran_again, timeout=leakwatchd.settings["interval"] * 2 + 5,
                       interval=0.2, what="every collector's lwCollectorRuns to increase")
    for i, row in later.items():
        assert row["lwCollectorErrors"] == 0, row
        assert row["lwCollectorTotalDurationUs"] >= rows[i]["lwCollectorTotalDurationUs"], row
