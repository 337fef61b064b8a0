# One leakwatchd at a time (leakwatchd(8), "One daemon at a time"): a second daemon on the same
# master, state directory or pid file exits at once with its documented status and leaves the
# first serving, its history and its pid file whole; the state files are private (0600 in a 0750
# directory).
# SPDX-License-Identifier: ISC
import contextlib
import os
import sqlite3
import stat
import time

import pytest

from lwharness import snmpbulkwalk, wait_until
from lwoids import AGENT_SCALARS, LW, collector_cell, collector_index, system_oid, threshold_oid
from lwsnmp import snmpset

EXIT_ANOTHER_INSTANCE = 3  # leakwatchd(8) EXIT STATUS
EXIT_REGISTRATION_REFUSED = 4
INTERVAL = AGENT_SCALARS["lwSampleInterval"]
MEMTOTAL = system_oid("lwMemTotalKB")
HISTORY = collector_index("history")


def walk_count(port):
    return len(snmpbulkwalk(port, LW, timeout=3, retries=1))


def assert_full_walk(port, before, what):
    """A walk of leakwatchMIB still answers about as many varbinds as before (the process
    table moves with the host's processes; a lost registration answers 0 or 1)."""
    now = walk_count(port)
    assert now >= 0.8 * before and now > 100, f"{what}: {now} varbinds, {before} before"


def served_interval(lw):
    return lw.get(INTERVAL, timeout=2, retries=1)[0].value


@pytest.mark.parametrize("first_interval,second_interval", [(1, 2), (2, 1)],
                         ids=["fast-first", "slow-first"])
def test_second_subagent_on_one_master_exits(snmpd, lw_factory, first_interval,
                                             second_interval):
    first = lw_factory(snmpd=snmpd, interval=first_interval, agentx_ping_interval=1)
    first.wait_served(MEMTOTAL)
    before = walk_count(snmpd.port)
    assert before > 100
    second = lw_factory(snmpd=snmpd, interval=second_interval, agentx_ping_interval=1)
    code = second.wait_exit(timeout=10)
    out = second.output()
    assert code == EXIT_REGISTRATION_REFUSED, out
    assert "refused" in out and LW + ".1" in out, out
    assert "started" not in second.log(), out
    # The refused daemon removed nothing of the first's registration when it left.
    assert served_interval(first) == first_interval
    assert_full_walk(snmpd.port, before, "after the second daemon exited")
    time.sleep(2)
    assert_full_walk(snmpd.port, before, "2 s later")
    assert first.alive()
    assert int(first.pidfile.read_text().split()[0]) == first.pid
    assert not second.pidfile.exists()


def test_refusal_at_reregistration_is_fatal(snmpd, lw_factory):
    """The master restarts with two daemons waiting to register again: one gets lwObjects, the
    other is refused and exits with the documented status, and the winner keeps serving."""
    a = lw_factory(snmpd=snmpd, interval=1, agentx_ping_interval=1)
    a.wait_served(MEMTOTAL)
    before = walk_count(snmpd.port)
    snmpd.kill()
    b = lw_factory(snmpd=snmpd, interval=2, agentx_ping_interval=1)
    time.sleep(1.5)  # b is up, retrying the master like a
    assert a.alive() and b.alive(), b.diagnostics()
    snmpd.restart()
    wait_until(lambda: not (a.alive() and b.alive()), timeout=15,
               what="one of the two daemons to be refused and exit")
    loser, winner = (a, b) if not a.alive() else (b, a)
    code = loser.wait_exit(timeout=5)
    assert code == EXIT_REGISTRATION_REFUSED, loser.output()
    assert "refused" in loser.output(), loser.output()
    winner.wait_served(MEMTOTAL, timeout=10)
    assert served_interval(winner) == winner.settings["interval"]
    time.sleep(1.5)
    assert winner.alive()
    assert_full_walk(snmpd.port, before, "after the master restart")


def history_times(db):
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as c:
        return [t for (t,) in c.execute("SELECT t FROM cycle ORDER BY t")]


def test_second_daemon_on_one_state_dir_exits(lw_factory, tmp_path):
    state = tmp_path / "shared-state"
    first = lw_factory(master=True, rocommunity="public 127.0.0.1", interval=1, state_dir=state)
    first.wait_served(collector_cell("lwCollectorRuns", HISTORY))
    second = lw_factory(master=True, rocommunity="public 127.0.0.1", interval=1,
                        state_dir=state)
    started = time.monotonic()
    code = second.wait_exit(timeout=10)
    took = time.monotonic() - started
    out = second.output()
    assert code == EXIT_ANOTHER_INSTANCE, out
    assert str(state) in out and f"pid {first.pid}" in out, out
    assert took < 5, f"the second daemon took {took:.1f}s to exit"  # valgrind: ~2 s to start
    # It never listened: its port answers nothing.
    with pytest.raises(Exception):
        second.get(MEMTOTAL, timeout=0.5)
    time.sleep(4)
    for d in (first, second):
        log = d.output()
        assert "UNIQUE" not in log and "went back" not in log, log
    times = history_times(state / "history.db")
    # One writer at 1 s: strictly increasing times, about one cycle a second.
    assert times == sorted(set(times))
    span = times[-1] - times[0]
    assert len(times) <= span + 2, (len(times), span)
    errors = first.get(collector_cell("lwCollectorErrors", HISTORY))[0].value
    assert errors == 0
    assert first.alive()


def test_second_daemon_with_one_pid_file_exits(lw_factory, tmp_path):
    pidfile = tmp_path / "shared.pid"
    first = lw_factory(master=True, rocommunity="public 127.0.0.1", interval=1, start=False)
    first.pidfile = pidfile
    first.start()
    first.wait_served(MEMTOTAL)
    assert pidfile.read_text() == f"{first.pid}\n"
    inode = pidfile.stat().st_ino
    second = lw_factory(master=True, rocommunity="public 127.0.0.1", interval=1, start=False)
    second.pidfile = pidfile
    second.start()
    code = second.wait_exit(timeout=10)
    out = second.output()
    assert code == EXIT_ANOTHER_INSTANCE, out
    assert str(pidfile) in out and f"pid {first.pid}" in out, out
    # Neither overwritten nor removed.
    assert pidfile.read_text() == f"{first.pid}\n"
    assert pidfile.stat().st_ino == inode
    assert first.alive()
    first.wait_served(MEMTOTAL)
    assert first.stop() == 0
    assert not pidfile.exists()


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_state_files_are_private(snmpd, lw_factory, tmp_path):
    state = tmp_path / "new-state"
    old = os.umask(0o022)  # the usual umask: what the daemon creates must not rely on it
    try:
        lw = lw_factory(snmpd=snmpd, interval=1, agentx_ping_interval=1, state_dir=state)
    finally:
        os.umask(old)
    lw.wait_served(collector_cell("lwCollectorRuns", HISTORY))
    assert snmpset(snmpd.port, (threshold_oid("lwAlarmHoldDown"), "u", 120)) is None
    wait_until(lambda: (state / "thresholds").exists(), timeout=5, what="the thresholds file")
    assert mode(state) == 0o750
    files = ["history.db", "history.db-wal", "history.db-shm", "thresholds", "leakwatchd.lock"]
    modes = {f: oct(mode(state / f)) for f in files}
    assert modes == {f: oct(0o600) for f in files}
