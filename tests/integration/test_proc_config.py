# process_include/exclude/min_rss/top/max_rows (issue 3) shape lwProcTable, groups and top-N.
# SPDX-License-Identifier: ISC
import fnmatch
import re

from lwprocs import (PROC_ROWS, all_pids, check_rankings, largest_rss_kb, read_statm, snapshot,
                     top_ranking, unreadable_pids, wait_new_snapshot)
from lwworkers import workers  # noqa: F401 - fixture


def start_lw(lw_factory, snmpd, *lines):
    lw = lw_factory(snmpd=snmpd, interval=1, agentx_ping_interval=1, extra_lines=list(lines))
    lw.wait_served(PROC_ROWS, timeout=20)
    wait_new_snapshot(lw.port)
    wait_new_snapshot(lw.port)
    return lw


def names_everywhere(snap):
    """Names in lwProcTable, lwProcGroupTable and lwProcTopTable."""
    return ({r["lwProcName"] for r in snap["proc"].values()},
            {g["lwProcGroupName"] for g in snap["group"].values()},
            {r["lwProcTopName"] for r in snap["top"].values()})


def test_include_and_exclude(snmpd, lw_factory, workers):  # noqa: F811
    a = workers(name=b"lwinc-a", mem_mib=4)
    b = workers(name=b"lwinc-b", files=3)
    c = workers(name=b"lwinc-c")
    x = workers(name=b"lwexc-x")
    lw = start_lw(lw_factory, snmpd, "process_include lwinc-*", "process_exclude lwinc-c",
                  "process_include lwexc-*")
    snap = snapshot(lw.port)
    assert sorted(snap["proc"]) == sorted([a.pid, b.pid, x.pid]), snap["proc"]
    procs, groups, tops = names_everywhere(snap)
    assert procs == groups == {b"lwinc-a", b"lwinc-b", b"lwexc-x"}, (procs, groups)
    assert tops <= procs, tops
    assert snap["rows"] == 3 and snap["dropped"] == 0, snap
    assert snap["count"] >= len(all_pids()) - 10, "lwProcessCount must count every process"
    assert not check_rankings(snap), check_rankings(snap)
    assert c.pid not in snap["fd"] and set(snap["fd"]) <= {a.pid, b.pid, x.pid}, snap["fd"]


def test_exclude_hides(snmpd, lw_factory, workers):  # noqa: F811
    hidden = workers(name=b"lwexc-hidden")
    shown = workers(name=b"lwexc-shown")
    lw = start_lw(lw_factory, snmpd, "process_exclude lwexc-h*", "process_exclude kthreadd")
    snap = snapshot(lw.port)
    assert hidden.pid not in snap["proc"] and 2 not in snap["proc"], sorted(snap["proc"])
    assert shown.pid in snap["proc"] and 1 in snap["proc"]
    procs, groups, tops = names_everywhere(snap)
    assert not any(fnmatch.fnmatchcase(n.decode("latin-1"), "lwexc-h*") for n in procs | groups)
    assert b"kthreadd" not in procs | groups | tops


def test_min_rss(snmpd, lw_factory, workers):  # noqa: F811
    big = workers(name=b"lw-minrss-big", mem_mib=80)
    small = workers(name=b"lw-minrss-small", mem_mib=1)
    assert read_statm(small.pid)["rss"] < 50000 < read_statm(big.pid)["rss"]
    lw = start_lw(lw_factory, snmpd, "process_min_rss 50000")
    snap = snapshot(lw.port)
    assert big.pid in snap["proc"] and small.pid not in snap["proc"]
    low = {p: r["lwProcRssKB"] for p, r in snap["proc"].items() if r["lwProcRssKB"] < 50000}
    assert not low, low
    assert all(r[2] >= 50000 for r in top_ranking(snap["top"], "rss")), snap["top"]
    assert snap["count"] > len(snap["proc"])


def test_process_top_3(snmpd, lw_factory):
    lw = start_lw(lw_factory, snmpd, "process_top 3")
    snap = snapshot(lw.port)
    assert snap["topn"] == 3
    for metric in ("rss", "fds"):
        assert [r[0] for r in top_ranking(snap["top"], metric)] == [1, 2, 3], snap["top"]
    assert len(top_ranking(snap["top"], "cpu")) <= 3
    # the top 3 by descriptors, but one whose descriptors are not readable (a sandbox's init)
    fds_top = [r[1] for r in top_ranking(snap["top"], "fds")]
    assert sorted(snap["fd"]) == sorted(set(fds_top) - unreadable_pids(fds_top)), snap["fd"]
    assert not check_rankings(snap), check_rankings(snap)


def test_max_rows_keeps_the_largest(snmpd, lw_factory, workers):  # noqa: F811
    # Far above the largest process now: `make check` runs the valgrind suite beside this one,
    # and a daemon starting under valgrind there grows by well over 100 MiB meanwhile.
    mib = largest_rss_kb() // 1024 + 256
    big = [workers(name=b"lw-cap", mem_mib=mib + 8 * i) for i in range(5)]
    lw = start_lw(lw_factory, snmpd, "process_max_rows 5")
    for _ in range(5):  # a process exiting mid-cycle may make one cycle's total differ by one
        snap = snapshot(lw.port)
        if snap["dropped"] == snap["count"] - 5:
            break
        wait_new_snapshot(lw.port)
    assert sorted(snap["proc"]) == sorted(w.pid for w in big), snap["proc"]
    assert snap["rows"] == 5
    assert snap["dropped"] == snap["count"] - 5, (snap["dropped"], snap["count"])
    assert snap["count"] >= len(all_pids()) - 10
    notice = snap["notice"].decode("latin-1")
    assert re.search(r"\bcap\b", notice) and re.search(r"\b5\b", notice), notice
    assert str(snap["dropped"]) in notice, notice
