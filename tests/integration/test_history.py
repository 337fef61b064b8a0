# The history file under the daemon: kill -9 never corrupts it, a corrupt file is moved aside,
# a full disk and a read-only file system are reported in lwCollectorTable while SNMP is served,
# and writing resumes when the cause goes away.
# SPDX-License-Identifier: ISC
import contextlib
import random
import sqlite3
import subprocess
import time

import pytest

from lwharness import wait_until
from lwoids import collector_cell, collector_index, system_oid
from lwprocs import collector_row
from lwsnmp import snmpget

HISTORY = collector_index("history")


def history_row(port):
    return collector_row(port, HISTORY)


def query_one(path, sql):
    """One value from the file, read-only; the connection is closed at once (a WAL reader keeps
    the -shm file open for writing, which would stop a remount read-only)."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return db.execute(sql).fetchone()[0]


def integrity(path):
    return query_one(path, "PRAGMA integrity_check")


def cycles(path):
    return query_one(path, "SELECT count(*) FROM cycle")


@pytest.fixture
def tmpfs(tmp_path):
    """A 16 MiB tmpfs mounted for the test (set up before the daemons, so unmounted after).
    Room for the first cycles of a 10,000-process host: with schema version 2 (a process's
    extras are a second series) its first two cycles take about 2 MB of WAL, which filled the
    4 MiB this test had before the filler could be created."""
    d = tmp_path / "small"
    d.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(d)],
                       capture_output=True, text=True)
    assert r.returncode == 0, f"mount tmpfs (root needed): {r.stderr}"
    yield d
    subprocess.run(["umount", "-l", str(d)], check=False)


def start_lw(lw_factory, snmpd, state_dir=None):
    lw = lw_factory(snmpd=snmpd, interval=1, agentx_ping_interval=1, state_dir=state_dir)
    lw.wait_served(collector_cell("lwCollectorRuns", HISTORY))
    return lw


def test_kill_9_never_corrupts(snmpd, lw_factory):
    lw = start_lw(lw_factory, snmpd)
    db = lw.state_dir / "history.db"
    rnd = random.Random(7)
    for _ in range(4):
        time.sleep(1.5 + rnd.random() * 2)
        lw.kill()                           # SIGKILL: whatever the writer was doing
        assert integrity(db) == "ok"
        before = cycles(db)
        lw.start()
        lw.wait_served(collector_cell("lwCollectorRuns", HISTORY))
        wait_until(lambda: cycles(db) > before, 20, what="cycles written after the restart")
    assert history_row(lw.port)["lwCollectorErrors"] == 0


def test_corrupt_file_moved_aside(snmpd, lw_factory, tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    (state / "history.db").write_bytes(b"not a database, " * 4096)
    lw = start_lw(lw_factory, snmpd, state_dir=state)
    row = wait_until(lambda: (r := history_row(lw.port))["lwCollectorNotice"] and r, 20,
                     what="the history collector's notice")
    assert "corrupt" in row["lwCollectorNotice"], row
    moved = [p.name for p in state.iterdir() if p.name.startswith("history.db.corrupt-")]
    assert moved, list(state.iterdir())
    assert (state / moved[0]).read_bytes().startswith(b"not a database")
    wait_until(lambda: cycles(state / "history.db") >= 2, 20, what="a new file written")
    assert integrity(state / "history.db") == "ok"


def fill(d):
    """Takes every free byte of d; returns the filler file."""
    filler = d / "filler"
    # unbuffered: a buffered file's close() flushes what the failed write left and raises
    # ENOSPC again, outside the try
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 65536)
        except OSError:
            pass
    return filler


def test_full_disk_and_read_only_reported_then_resumed(snmpd, lw_factory, tmpfs):
    lw = start_lw(lw_factory, snmpd, state_dir=tmpfs / "state")
    db = tmpfs / "state" / "history.db"
    wait_until(lambda: cycles(db) >= 2, 20, what="history written")
    filler = fill(tmpfs)
    row = wait_until(lambda: (r := history_row(lw.port))["lwCollectorErrors"] > 0 and r, 60,
                     what="the history collector failing on a full disk")
    assert "full" in row["lwCollectorLastError"].lower(), row
    assert str(db) in row["lwCollectorLastError"], row
    # everything else is still served
    assert snmpget(lw.port, system_oid("lwMemTotalKB"))[0].type == "Gauge32"
    assert lw.alive()
    filler.unlink()
    wait_until(lambda: history_row(lw.port)["lwCollectorLastError"] == "", 60,
               what="writing resumed after space came back")
    resumed = cycles(db)
    wait_until(lambda: cycles(db) > resumed, 20, what="new cycles in the file")
    log = lw.log()
    # a read-only file system, then writable again. Linux refuses to remount read-only while a
    # file is open for writing, so the daemon meets it as after a reboot: it starts on it.
    assert lw.stop() == 0
    stopped_at = cycles(db)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    try:
        lw.start()
        row = wait_until(lambda: (r := history_row(lw.port))["lwCollectorLastError"] and r, 60,
                         what="the history collector failing on a read-only file system")
        assert "read-only" in row["lwCollectorLastError"].lower(), row
        assert str(db) in row["lwCollectorLastError"], row
        assert snmpget(lw.port, system_oid("lwMemTotalKB"))[0].type == "Gauge32"
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tmpfs)], check=True)
    wait_until(lambda: history_row(lw.port)["lwCollectorLastError"] == "", 60,
               what="writing resumed on a writable file system")
    wait_until(lambda: cycles(db) > stopped_at, 20, what="new cycles after the remount")
    assert integrity(db) == "ok"
    # logged once per change, not per failed cycle: once by each daemon
    if lw.log().startswith(log):
        log = lw.log()
    else:
        log += lw.log()
    assert log.count("collector history failed") == 2, log
    assert log.count("collector history recovered") == 2, log
