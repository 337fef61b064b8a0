# Process churn and PID reuse (issue 3): identities stay right, the collector never errs.
# SPDX-License-Identifier: ISC
import os
import signal
import time

import pytest

from lwharness import wait_until
from lwprocs import (PROC_COLUMNS, PROC_LEAK_COLUMNS, PROC_ROWS, all_pids, cmdline_matches,
                     cmdline_matches_masked, collector_row, escape, get_row, read_proc, read_stat, snapshot, start_epoch,
                     top_ranking, wait_new_snapshot)
from lwworkers import workers  # noqa: F401 - fixture

COLUMNS = ("lwProcName", "lwProcCmdline", "lwProcStartTime")


def identities():
    """{pid: (starttime in ticks, comm, cmdline)} of every process now."""
    out = {}
    for pid in all_pids():
        try:
            st = read_stat(pid)
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                out[pid] = (st["starttime"], st["comm"], f.read())
        except (FileNotFoundError, ProcessLookupError):
            pass
    return out


def identity_problems(snap, pre, post, settled):
    """Rows against processes alive from pre (read before the snapshot's collection began)
    to post (read after the walk): the same start time, the name when it did not change, the
    cmdline of processes older than settled (epoch s; younger ones may exec after their first
    sample, and the cmdline is read once per process)."""
    problems = []
    for pid, (start, comm, cmdline) in post.items():
        if pid not in pre or pre[pid][0] != start:
            continue  # born, or the pid reused, around the snapshot
        row = snap["proc"].get(pid)
        if row is None:
            problems.append(f"pid {pid} {comm!r} alive throughout, no row")
            continue
        if abs(row["lwProcStartTime"] - start_epoch(start)) > 1:
            problems.append(f"pid {pid}: row start {row['lwProcStartTime']} {row['lwProcName']!r}"
                            f" but the process there since {start_epoch(start):.2f} is {comm!r}")
        renames = comm.startswith(b"kworker")  # renamed per work item, even between reads
        if pre[pid][1] == comm and not renames and row["lwProcName"] != escape(comm):
            problems.append(f"pid {pid}: name {row['lwProcName']!r}, /proc {comm!r}")
        if (start_epoch(start) < settled and pre[pid][2] == cmdline
                and not cmdline_matches_masked(row["lwProcCmdline"], cmdline)):
            problems.append(f"pid {pid}: cmdline {row['lwProcCmdline']!r}, /proc {cmdline!r}")
    return problems


def test_thousands_of_short_lived_processes(leakwatchd, workers):  # noqa: F811
    churner = workers(name=b"lwchurn")
    settled = leakwatchd.start_wall - 1
    runs0 = collector_row(leakwatchd.port)["lwCollectorRuns"]
    churner.call("churn", batch=50)
    # churn until at least 3000 processes came and went and 4 snapshots taken during the churn
    # were checked: a slow (sanitized) build gets there later, never with fewer checks
    problems, snaps, spawned, deadline = [], 0, 0, time.monotonic() + 240
    while snaps < 4 or spawned < 3000:
        assert time.monotonic() < deadline, f"{snaps} snapshots, {spawned} processes in 240 s"
        leakwatchd.check_alive()
        leakwatchd.snmpd.check_alive()
        pre = identities()
        wait_new_snapshot(leakwatchd.port)
        wait_new_snapshot(leakwatchd.port)  # this one was collected entirely after pre
        snap = snapshot(leakwatchd.port, proc_columns=COLUMNS)
        problems += identity_problems(snap, pre, identities(), settled)
        snaps += 1
        spawned = churner.call("churn_count")["spawned"]
    done = churner.call("churn_stop")
    print(f"churn: {done}, {snaps} snapshots checked")
    assert not problems, "\n".join(problems[:50])
    wait_new_snapshot(leakwatchd.port)
    wait_new_snapshot(leakwatchd.port)
    snap = snapshot(leakwatchd.port, proc_columns=COLUMNS + ("lwProcPpid",))
    stale = {p: r for p, r in snap["proc"].items()
             if r["lwProcPpid"] == churner.pid or r["lwProcName"] == b"true"}
    assert not stale, f"rows of reaped processes: {stale}"
    row = collector_row(leakwatchd.port)
    assert row["lwCollectorErrors"] == 0 and row["lwCollectorLastError"] == "", row
    assert row["lwCollectorRuns"] >= runs0 + 5, (runs0, row)


def test_reused_pid_is_a_new_process(leakwatchd, workers):  # noqa: F811
    port = leakwatchd.port
    parent = workers(name=b"lwreuse-parent")
    for _ in range(10):
        old = parent.fork(1, name=b"lwreuse-old", nofile=1111)[0]
        wait_until(lambda: get_row(port, old)[0]["lwProcName"] == b"lwreuse-old", 10,
                   what="the first process in lwProcTable")
        for _ in range(2):
            wait_new_snapshot(port)
        old_row, _ = get_row(port, old)
        parent.grow(64)  # the next process inherits 64 MiB more RSS than the old one had
        wait_new_snapshot(port)  # swap the processes right after a snapshot
        parent.kill_child(old)
        new = parent.fork(1, name=b"lwreuse-new", nofile=2222, pid=old)[0]
        if new == old:
            break
        parent.kill_child(new)  # another process took the pid first; try again
    else:
        raise AssertionError("could not get the same pid again through ns_last_pid")
    truth = read_proc(new)
    assert truth["fdlimit"] == 2222 and abs(truth["start"] - old_row["lwProcStartTime"]) >= 2
    wait_until(lambda: get_row(port, new)[0]["lwProcName"] == b"lwreuse-new", 10,
               what="the new process's name in lwProcTable")
    first = snapshot(port)
    row = first["proc"][new]
    assert row["lwProcFdLimit"] == 2222, f"limits of the old process kept: {row}"
    assert abs(row["lwProcStartTime"] - truth["start"]) <= 1, (row, truth["start"], old_row)
    assert row["lwProcPpid"] == parent.pid
    assert set(row) == set(PROC_COLUMNS) | set(PROC_LEAK_COLUMNS), row
    assert cmdline_matches(row["lwProcCmdline"], truth["cmdline_raw"])
    growth = {pid: v for _, pid, v, _ in top_ranking(first["top"], "rssGrowth")}
    assert new not in growth or growth[new] < 1024, \
        f"the new process's RSS counted as growth of the old one: {growth}"
    row5 = collector_row(port)
    assert row5["lwCollectorErrors"] == 0, row5


def test_execve_refreshes_cmdline_limit_and_uid(leakwatchd, workers):  # noqa: F811
    port = leakwatchd.port
    parent = workers(name=b"lwexec-parent")
    child = parent.fork_exec(b"/bin/sleep", [b"lw-exec argv0", b"1000"], b"lwpre-exec",
                             nofile=777, uid=4444)
    wait_until(lambda: get_row(port, child)[0]["lwProcName"] == b"lwpre-exec", 10,
               what="the child in lwProcTable before its execve")
    before, _ = get_row(port, child)
    assert before["lwProcUid"] == 0 and before["lwProcFdLimit"] != 777, before
    os.kill(child, signal.SIGUSR1)
    wait_until(lambda: read_stat(child)["comm"] == b"sleep", 10, what="the child's execve")
    wait_new_snapshot(port)
    row, _ = get_row(port, child)
    want = {"lwProcName": b"sleep", "lwProcCmdline": b"lw-exec argv0 1000", "lwProcUid": 4444,
            "lwProcFdLimit": 777, "lwProcStartTime": before["lwProcStartTime"]}
    got = {k: row[k] for k in want}
    if got["lwProcCmdline"] == want["lwProcCmdline"] + b" ":
        got["lwProcCmdline"] = want["lwProcCmdline"]  # the trailing NUL may become a space
    assert got == want, (got, read_proc(child))


@pytest.mark.parametrize("nofile", [1024, 1100])
def test_low_fd_limit_publishes_every_process(snmpd, lw_factory, workers, nofile):  # noqa: F811
    # leakwatchd keeps stat/statm open for as many processes as its descriptor limit allows
    # (none at 1024, some at 1100); the rest must be read the ordinary way
    parent = workers(name=b"lwfdlim")
    kids = parent.fork(350)
    lw = lw_factory(snmpd=snmpd, interval=1, agentx_ping_interval=1,
                    wrapper=["prlimit", f"--nofile={nofile}:{nofile}"])
    lw.wait_served(PROC_ROWS, timeout=20)
    for _ in range(3):  # the first cycle opens, the next ones re-read
        pre = identities()
        wait_new_snapshot(lw.port)
        wait_new_snapshot(lw.port)
        snap = snapshot(lw.port, proc_columns=COLUMNS)
        problems = identity_problems(snap, pre, identities(), lw.start_wall - 1)
        assert not problems, "\n".join(problems[:50])
    assert snap["rows"] == len(snap["proc"]) > 350
    assert set(kids) <= set(snap["proc"]), sorted(set(kids) - set(snap["proc"]))
    assert len(os.listdir(f"/proc/{lw.pid}/fd")) < nofile
    row = collector_row(lw.port)
    assert row["lwCollectorErrors"] == 0 and row["lwCollectorLastError"] == "", row
