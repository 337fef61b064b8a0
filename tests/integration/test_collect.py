# leakwatch collect against real processes: a helper leaking at a known rate is in the database
# at that rate, the run row names the command, SIGTERM still writes the report of the shorter
# window, SIGKILL leaves an intact database that `leakwatch report --db` turns into the report,
# a second signal abandons the report, a terminal gets the progress line, user nobody collects
# and is told what it could not read, bad options exit 2.
# SPDX-License-Identifier: ISC
import json
import os
import pty
import select
import signal
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

import pytest

from lwharness import wait_until
from lwutil import leakwatchd_path
from lwworkers import workers  # noqa: F401 - a fixture

LEAK_KIB, LEAK_PERIOD = 1024, 1.0       # the helper touches 1 MiB more every second
RUN_S = 35                              # the full run: 36 samples at interval 1 s


def leakwatch_path():
    """$LEAKWATCH, else cli/leakwatch of the build that holds the daemon under test."""
    env = os.environ.get("LEAKWATCH")
    path = Path(env) if env else leakwatchd_path().parent.parent / "cli" / "leakwatch"
    assert path.is_file() and os.access(path, os.X_OK), f"leakwatch not built at {path}"
    return path


def start_collect(tmp_path, *args, **kw):
    return subprocess.Popen([str(leakwatch_path()), "collect", *args], cwd=tmp_path,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def finish(proc, timeout):
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"leakwatch collect still running after {timeout} s: {err}")
    return proc.returncode, out, err


def connect_ro(db):
    """The database as a reader sees it (read-only: the test never writes the collection)."""
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


def cycles(db):
    with connect_ro(db) as c:
        return [t for (t,) in c.execute("SELECT t FROM cycle ORDER BY t")]


def rss_points(db, pid):
    """(t, rss_kb) of every cycle the process was alive in: samples are stored change-only
    (a NULL value is the previous one; history_schema.c), so carried forward here."""
    with connect_ro(db) as c:
        ids = [i for (i,) in c.execute("SELECT id FROM ident WHERE kind = 1 AND pid = ?",
                                       (pid,))]
        assert len(ids) == 1, f"pid {pid}: {len(ids)} identities in the database"
        rows = dict(c.execute("SELECT t, v0 FROM sample WHERE id = ? ORDER BY t", (ids[0],)))
        times = [t for (t,) in c.execute("SELECT t FROM cycle WHERE t >= ? ORDER BY t",
                                         (min(rows),))]
    points, last = [], None
    for t in times:
        if t in rows:
            last = rows[t]
        if last is None:        # a row of NULLs ends the series
            break
        points.append((t, last))
    return points


def slope(points):
    """Least-squares slope of (t, v) points, per second."""
    n = len(points)
    mt = sum(t for t, _ in points) / n
    mv = sum(v for _, v in points) / n
    return sum((t - mt) * (v - mv) for t, v in points) / sum((t - mt) ** 2 for t, _ in points)


def run_rows(db):
    """The history's run rows (schema v2) as dicts."""
    with connect_ro(db) as c:
        c.row_factory = sqlite3.Row
        return [dict(r) for r in c.execute("SELECT * FROM run ORDER BY start_t")]


def integrity(db):
    with connect_ro(db) as c:
        return c.execute("PRAGMA integrity_check").fetchall()


def report_json(tarball):
    """report.json of a report tarball (members may sit under one top directory)."""
    with tarfile.open(tarball, "r:gz") as tar:
        names = tar.getnames()
        member = next((n for n in names if n.split("/")[-1] == "report.json"), None)
        assert member, f"no report.json in {tarball}: {names[:20]}"
        assert any(n.split("/")[-1] == "index.html" for n in names), names[:20]
        return json.load(tar.extractfile(member))


def window_of(doc):
    """(from, to) of report.json's window, wherever the schema puts it."""
    w = doc.get("window", doc)
    return int(w["from"]), int(w["to"])


def test_collects_a_leak_at_its_rate_then_writes_the_report(tmp_path, workers):  # noqa: F811
    """A full run at interval 1 s: every sample is in the database (the helper's RSS grows at
    the rate it leaks, within 10 %), the run row names `leakwatch collect`, the report is
    written, and nothing but errors reaches stderr off a terminal."""
    leaky = workers(name=b"lw-collectleak")
    leaky.call("leak", kib=LEAK_KIB, period=LEAK_PERIOD)
    out, db = tmp_path / "c.tar.gz", tmp_path / "c.db"
    t0 = time.time()
    proc = start_collect(tmp_path, "--duration", f"{RUN_S}s", "--interval", "1s", "-o", str(out))
    rc, stdout, stderr = finish(proc, RUN_S + 60)
    took = time.time() - t0
    assert stdout == "", stdout
    assert "\r" not in stderr, "a progress line off a terminal"
    assert RUN_S <= took <= RUN_S + 30, took

    # the database alone: no -wal or -shm left by the run or its report (before a reader opens it)
    assert sorted(p.name for p in tmp_path.glob("c.db*")) == ["c.db"]
    assert db.is_file() and integrity(db) == [("ok",)]
    ts = cycles(db)
    # duration / interval + 1 samples on a quiet host. On a loaded one (this 2-core machine at
    # load 40 with another suite's 10,000 processes: 17 of 36) a cycle at nice 10 takes longer
    # than the interval, the next starts at once, and the run still ends at the duration.
    assert (RUN_S + 1) // 3 <= len(ts) <= RUN_S + 1, ts
    assert all(b > a for a, b in zip(ts, ts[1:])), ts
    # the run is --duration long from its first sample (which a loaded host delays by seconds)
    assert t0 - 1 <= ts[0] and ts[-1] - ts[0] <= RUN_S + 1, (t0, ts)
    assert ts[-1] - ts[0] >= RUN_S - 10, ts

    points = rss_points(db, leaky.pid)
    assert len(points) >= len(ts) - 3, points      # the helper started before the run
    rate = slope(points)   # KiB per second
    assert abs(rate - LEAK_KIB / LEAK_PERIOD) <= 0.10 * LEAK_KIB / LEAK_PERIOD, (rate, points)

    runs = run_rows(db)
    assert len(runs) == 1, runs
    assert runs[0]["program"] == "leakwatch collect", runs
    assert runs[0]["pid"] == proc.pid, runs
    assert runs[0]["interval_s"] == 1, runs

    assert rc == 0, stderr
    assert out.is_file(), f"no report at {out}: {stderr}"
    doc = report_json(out)
    assert window_of(doc) == (ts[0], ts[-1]), (window_of(doc), ts)
    assert doc["window"]["cycles"] == len(ts), doc["window"]
    assert [r["program"] for r in doc["runs"]] == ["leakwatch collect"], doc["runs"]


def test_sigterm_stops_early_and_still_writes_the_report(tmp_path):
    """SIGTERM after 10 s of a 1-hour run: exit 0, a report of the 10 seconds collected."""
    out, db = tmp_path / "early.tar.gz", tmp_path / "early.db"
    proc = start_collect(tmp_path, "--duration", "1h", "--interval", "1s", "-o", str(out))
    time.sleep(10)
    assert proc.poll() is None, proc.stderr.read()
    proc.send_signal(signal.SIGTERM)
    signalled = time.time()
    rc, _, stderr = finish(proc, 60)
    assert integrity(db) == [("ok",)]
    ts = cycles(db)
    assert len(ts) >= 2 and ts[-1] - ts[0] <= 11, ts
    # nothing after the signal but the end of a cycle under way
    assert ts[-1] <= signalled + 10, (signalled, ts)
    runs = run_rows(db)
    assert runs[0]["program"] == "leakwatch collect" and runs[0]["stop_t"] >= ts[-1], runs
    assert rc == 0, stderr
    assert out.is_file(), stderr
    doc = report_json(out)
    assert window_of(doc) == (ts[0], ts[-1]) and doc["window"]["cycles"] == len(ts), doc
    # the collector table, stored by the same history stage as leakwatchd's
    coll = {c["name"]: c for c in doc["runs"][0]["collectors"]}
    assert {"processes", "meminfo", "history"} <= set(coll), sorted(coll)
    assert all(1 <= c["runs"] <= len(ts) + 1 for c in coll.values()), coll


def test_sigkill_leaves_a_database_that_report_turns_into_the_report(tmp_path):
    """SIGKILL mid-run: the database passes integrity_check, holds what was collected, and
    `leakwatch report --db` on it writes the report."""
    db = tmp_path / "killed.db"
    proc = start_collect(tmp_path, "--duration", "1h", "--interval", "1s", "-o",
                         str(tmp_path / "killed.tar.gz"))
    wait_until(lambda: db.is_file() and len(cycles(db)) >= 6, 60, interval=0.5,
               what="six cycles in the database")
    proc.kill()
    proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    assert integrity(db) == [("ok",)]
    ts = cycles(db)
    assert len(ts) >= 6, ts
    runs = run_rows(db)
    assert runs[0]["program"] == "leakwatch collect" and not runs[0]["stop_t"], runs

    out = tmp_path / "after.tar.gz"
    p = subprocess.run([str(leakwatch_path()), "report", "--db", str(db), "-o", str(out)],
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    frm, to = window_of(report_json(out))
    assert frm == ts[0] and to >= ts[-1], (frm, to, ts)


def test_second_signal_abandons_the_report_and_keeps_the_database(tmp_path):
    """A second signal, whenever it comes after the first (here at once, a SIGTERM after the
    SIGINT so that the kernel cannot merge them), abandons the report; exit 1, the database
    intact, no report."""
    out, db = tmp_path / "twice.tar.gz", tmp_path / "twice.db"
    proc = start_collect(tmp_path, "--duration", "1h", "--interval", "1s", "-o", str(out))
    wait_until(lambda: db.is_file() and len(cycles(db)) >= 3, 60, interval=0.5,
               what="three cycles in the database")
    proc.send_signal(signal.SIGINT)
    proc.send_signal(signal.SIGTERM)
    rc, _, stderr = finish(proc, 60)
    assert rc == 1, stderr
    assert "report abandoned" in stderr and str(db) in stderr, stderr
    assert integrity(db) == [("ok",)] and len(cycles(db)) >= 3
    assert not out.exists()


def read_pty(fd, until, timeout):
    """What a terminal shows until the process closes it or `until` is in it."""
    buf, deadline = b"", time.monotonic() + timeout
    while time.monotonic() < deadline and until not in buf:
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:     # EIO: the other side closed
                break
            if not chunk:
                break
            buf += chunk
    return buf


def test_progress_line_on_a_terminal(tmp_path):
    """On a terminal: one line rewritten in place (carriage returns, erase to the end) with
    elapsed, remaining, samples and the top suspect."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(leakwatch_path()), "collect", "--duration", "4s",
                             "--interval", "1s", "-o", str(tmp_path / "tty.tar.gz")],
                            cwd=tmp_path, stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    try:
        shown = read_pty(master, b"4s of 4s", 40).decode(errors="replace")
        proc.wait(60)
        shown += read_pty(master, b"\x00", 2).decode(errors="replace")
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    lines = [s for s in shown.split("\r") if s.startswith("collect ")]
    assert len(lines) >= 3, shown
    assert any("(3s left)" in s or "(2s left)" in s for s in lines), shown
    assert all("\x1b[K" in s for s in lines), shown
    assert any("; top suspect: " in s for s in lines), shown
    # the last count shown is the samples taken: what the database holds, but for a cycle that
    # completed in the same second as the one before, which the history drops (its times are
    # whole seconds: history.h), as a late cycle at interval 1 s on a loaded host can
    last = [s for s in lines if " sample" in s][-1]
    shown_samples = int(last.split(", ")[1].split(" sample")[0])
    stored = len(cycles(tmp_path / "tty.db"))
    assert 1 <= stored <= shown_samples <= 5 and shown_samples - stored <= 1, (last, stored)
    assert "writing the report" in shown, shown


@pytest.mark.parametrize("args, message", [
    (["--interval", "1s"], "--duration is required"),
    (["--duration", "10x"], "--duration '10x': unknown unit 'x'"),
    (["--duration", "1h30"], "a unit (s, m, h or d) is missing after 30"),
    (["--duration", "31d"], "more than 30 days"),
    (["--duration", "0s"], "--duration '0s': at least 1s"),
    (["--duration", "10m", "--interval", "0"], "--interval '0': at least 1s"),
    (["--duration", "5s", "--interval", "10s"], "--duration (5s) is shorter than --interval"),
    (["--duration", "1h", "--frobnicate"], "unknown option '--frobnicate'"),
    (["--duration", "1h", "extra"], "unexpected argument 'extra'"),
    (["--duration"], "--duration needs a value"),
    (["--duration", "1h", "-o", "x.tar.gz", "--db", "x.tar.gz"], "name the same file"),
])
def test_bad_options_exit_2_with_one_line(tmp_path, args, message):
    p = subprocess.run([str(leakwatch_path()), "collect", *args], cwd=tmp_path,
                       capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL)
    assert p.returncode == 2, p
    assert p.stderr.count("\n") == 1 and message in p.stderr, p.stderr
    assert "see leakwatch collect --help" in p.stderr
    assert list(tmp_path.iterdir()) == [], "a rejected run left files"


def test_bad_config_exits_2_naming_the_line(tmp_path):
    conf = tmp_path / "leakwatchd.conf"
    conf.write_text("interval 10\nprocess_max_rows many\n")
    p = subprocess.run([str(leakwatch_path()), "collect", "--duration", "10s", "--config",
                        str(conf)], cwd=tmp_path, capture_output=True, text=True, timeout=10,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 2, p
    assert p.stderr.count("\n") == 1 and f"{conf}:2:" in p.stderr, p.stderr


def test_existing_database_is_not_appended_to(tmp_path):
    (tmp_path / "old.db").write_bytes(b"")
    p = subprocess.run([str(leakwatch_path()), "collect", "--duration", "10s", "-o",
                        str(tmp_path / "old.tar.gz")], cwd=tmp_path, capture_output=True,
                       text=True, timeout=10, stdin=subprocess.DEVNULL)
    assert p.returncode == 1, p
    assert "old.db exists" in p.stderr and p.stderr.count("\n") == 1, p.stderr


def test_without_root_it_collects_and_says_what_it_could_not_read():
    """As an unprivileged user (nobody, through setpriv, when the test runs as root): exit 0, the
    report written, and one line for each thing it could not read: /proc/slabinfo when the
    kernel keeps it for root, other users' descriptors."""
    assert os.geteuid() == 0, "this test switches to user nobody: run it as root"
    # not under pytest's tmp_path, whose parent only root may enter
    with tempfile.TemporaryDirectory(prefix="lw-collect-nobody-") as d:
        check_as_nobody(Path(d))


def check_as_nobody(tmp_path):
    tmp_path.chmod(0o777)
    out = tmp_path / "nobody.tar.gz"
    p = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                        str(leakwatch_path()), "collect", "--duration", "2s", "--interval", "1s",
                        "-o", str(out)], cwd=tmp_path, capture_output=True, text=True,
                       timeout=120, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    assert out.is_file() and (tmp_path / "nobody.db").stat().st_uid != 0
    slab = os.stat("/proc/slabinfo")
    if not slab.st_mode & 0o004:
        assert "not collected as uid " in p.stderr and "slabinfo (" in p.stderr, p.stderr
    # root's own processes (pid 1 at least) keep their descriptors from nobody
    assert "descriptors of " in p.stderr and "not readable" in p.stderr, p.stderr
    assert report_json(out)["runs"][0]["program"] == "leakwatch collect"
