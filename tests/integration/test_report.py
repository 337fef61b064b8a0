# leakwatch report against the history a real leakwatchd writes: csv/ and report.json checked
# against the database (read here independently with Python's sqlite3), made while the daemon
# writes (its writer never sees 'database is locked'), a restart and a kill -9 shown as gaps
# and a recovery, a read-only copy, --from/--to, the alarm history, one-line errors.
# SPDX-License-Identifier: ISC
import contextlib
import csv
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from lwharness import wait_until
from lwoids import collector_index
from lwprocfs import build_fixture_root
from lwprocs import collector_row

HISTORY = collector_index("history")
UNKNOWN = 4294967295
COUNTERS = {"cpu_ticks", "packets", "octets"}
LEAK_KIB_S = 256                 # the leaking helper's rate
UNPRIVILEGED = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def leakwatch_path():
    p = os.environ.get("LEAKWATCH")
    if p:
        return Path(p)
    d = os.environ.get("LEAKWATCHD")
    assert d, "LEAKWATCHD (or LEAKWATCH) must name the build's binaries"
    return Path(d).resolve().parent.parent / "cli" / "leakwatch"


def report(*args, user=None, check=True):
    cmd = [*(UNPRIVILEGED if user == "nobody" else []), str(leakwatch_path()), "report", *args]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if check:
        assert r.returncode == 0, f"{cmd}: exit {r.returncode}\n{r.stderr}"
    return r


def query(path, sql, *params):
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return db.execute(sql, params).fetchall()


# ----------------------------------------------------------- the database, read here alone

def expand(path, t0, t1):
    """The full-resolution tier's samples in [t0, t1], by series: {(kind, pid, start, name,
    metric): [(t, value)]}, by the rules of history_schema.c (a keyframe ends every series, a
    row of NULLs ends one, other NULLs keep the value, a kind not sampled gives no sample)."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        kinds = {k: (name, [m for m in ms if m]) for k, name, *ms in
                 db.execute("SELECT kind, name, v0, v1, v2, v3, v4 FROM kind")}
        ident = {i: (k, pid, st, name) for i, k, pid, st, name in
                 db.execute("SELECT id, kind, pid, start_time, name FROM ident")}
        start = db.execute("SELECT max(t) FROM cycle WHERE keyframe = 1 AND t <= ?",
                           (t0,)).fetchone()[0]
        if start is None:
            start = db.execute("SELECT min(t) FROM cycle").fetchone()[0]
        rows = {}
        for t, i, *v in db.execute("SELECT t, id, v0, v1, v2, v3, v4 FROM sample WHERE t >= ?"
                                   " AND t <= ? ORDER BY t, id", (start, t1)):
            rows.setdefault(t, []).append((i, v))
        points = db.execute("SELECT t, keyframe, sampled FROM cycle WHERE t >= ? AND t <= ?"
                            " ORDER BY t", (start, t1)).fetchall()
    live, out = {}, {}
    for t, keyframe, sampled in points:
        if keyframe:
            live = {}
        for i, v in rows.get(t, []):
            if all(x is None for x in v):
                live.pop(i, None)
                continue
            cur = live.setdefault(i, [None] * 5)
            for j, x in enumerate(v):
                if x is not None:
                    cur[j] = x
        if t < t0:
            continue
        for i, v in live.items():
            k, pid, st, name = ident[i]
            if not sampled & (1 << k):
                continue
            kname, metrics = kinds[k]
            kname = "process" if kname == "process_ext" else kname
            for j, m in enumerate(metrics):
                if v[j] is None or v[j] == UNKNOWN:
                    continue
                out.setdefault((kname, pid, st, name, m), []).append((t, v[j]))
    return out


def rates(samples, gap):
    """A counter's rate per second between consecutive samples, as the report computes it."""
    out = []
    for (ta, a), (tb, b) in zip(samples, samples[1:]):
        if tb > ta and b >= a and tb - ta <= gap:
            out.append((tb, (b - a) / (tb - ta)))
    return out


def read_points(outdir):
    """csv/<table>.csv and its parts: {series key: [(t, min, max, avg, n)]}."""
    series = {}
    for f in sorted((outdir / "csv").glob("*.csv")):
        if f.name.endswith("-start-end.csv") or f.stem in ("runs", "gaps", "alarms"):
            continue
        with open(f, newline="") as fh:
            for r in csv.DictReader(fh):
                key = (r["kind"], int(r["pid"]), int(r["start_time"]), r["name"], r["metric"])
                series.setdefault(key, []).append((int(r["t"]), float(r["min"]), float(r["max"]),
                                                   float(r["avg"]), int(r["n"])))
    return series


def read_summary(outdir):
    out = {}
    for f in (outdir / "csv").glob("*-start-end.csv"):
        with open(f, newline="") as fh:
            for r in csv.DictReader(fh):
                out[(r["kind"], int(r["pid"]), int(r["start_time"]), r["name"], r["metric"])] = r
    return out


def check_against_db(outdir, db, t0, t1, interval=1):
    """Every series of csv/ against the samples the database holds in [t0, t1]."""
    truth = expand(db, t0, t1)
    pts = read_points(outdir)
    summary = read_summary(outdir)
    doc = json.loads((outdir / "report.json").read_text())
    for key, samples in list(truth.items()):
        if key[4] in COUNTERS:
            truth[key] = rates(samples, 2 * interval)
    truth = {k: v for k, v in truth.items() if v}
    assert set(pts) == set(truth), (set(pts) ^ set(truth))
    checked = 0
    for key, samples in truth.items():
        got = pts[key]
        at = dict(samples)
        values = [v for _, v in samples]
        assert sum(p[4] for p in got) == len(samples), key
        assert min(p[1] for p in got) == pytest.approx(min(values)), key
        assert max(p[2] for p in got) == pytest.approx(max(values)), key
        assert all(t0 <= p[0] <= t1 for p in got), key
        # fewer samples than the chart's pixels: each point is a sample, or a flat run's end
        for t, mn, mx, avg, n in got:
            if mn == mx:
                assert at[t] == pytest.approx(avg), (key, t)
        # every change of value is kept with the sample before it
        kept = {p[0] for p in got}
        for (ta, a), (tb, b) in zip(samples, samples[1:]):
            if a != b:
                assert ta in kept and tb in kept, (key, ta, tb)
        s = summary[key]
        assert float(s["start"]) == pytest.approx(values[0]), key
        assert float(s["end"]) == pytest.approx(values[-1]), key
        assert int(s["samples"]) == len(samples), key
        assert int(s["first_t"]) == samples[0][0] and int(s["last_t"]) == samples[-1][0], key
        checked += 1
    assert checked > 50
    cycles = query(db, "SELECT count(*) FROM cycle WHERE t >= ? AND t <= ?", t0, t1)[0][0]
    assert doc["schema_version"] == 1
    assert doc["window"]["from"] == t0 and doc["window"]["to"] == t1
    assert doc["window"]["cycles"] == cycles
    assert len(doc["series"]) == len(truth)
    for s in doc["series"]:
        key = (s["kind"], s["pid"], s["start_time"], s["name"], s["metric"])
        assert s["start"] == pytest.approx(truth[key][0][1])
        assert s["end"] == pytest.approx(truth[key][-1][1])
        assert s["samples"] == len(truth[key])
    return doc, truth


def check_sums(outdir):
    lines = (outdir / "SHA256SUMS").read_text().splitlines()
    files = sorted(str(p.relative_to(outdir)) for p in outdir.rglob("*")
                   if p.is_file() and p.name != "SHA256SUMS")
    assert sorted(line.split("  ", 1)[1] for line in lines) == files
    for line in lines:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((outdir / name).read_bytes()).hexdigest() == digest, name


# ----------------------------------------------------------- helpers: processes

LEAKER = f"""
import ctypes, time
ctypes.CDLL(None).prctl(15, b"lw-leaker", 0, 0, 0)
held = []
while True:
    held.append(b"x" * ({LEAK_KIB_S} * 1024))
    time.sleep(1)
"""

SAWTOOTH = """
import ctypes, time
ctypes.CDLL(None).prctl(15, b"lw-sawtooth", 0, 0, 0)
while True:
    held = []
    for _ in range(8):
        held.append(b"x" * (1024 * 1024))
        time.sleep(1)
    del held
    time.sleep(1)
"""


@pytest.fixture
def helpers():
    procs = []

    def start(code):
        p = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.DEVNULL)
        procs.append(p)
        return p
    yield start
    for p in procs:
        p.kill()
        p.wait()


def history_ok(lw):
    row = collector_row(lw.port, HISTORY)
    assert row["lwCollectorErrors"] == 0, row
    assert "locked" not in (row["lwCollectorNotice"] or ""), row
    return row


def start_lw(lw_factory, **kw):
    lw = lw_factory(master=True, rocommunity="public 127.0.0.1", interval=1, **kw)
    lw.wait_served()
    return lw


def cycles_of_run(db, lw, n):
    """Waits until the daemon's current run has written n cycles."""
    def enough():
        (start,), = query(db, "SELECT max(start_t) FROM run WHERE pid = ?", lw.pid)
        return start is not None and query(db, "SELECT count(*) FROM cycle WHERE t >= ?",
                                           start)[0][0] >= n
    wait_until(lambda: db.exists() and enough(), 60, interval=0.5,
               what=f"{n} cycles of leakwatchd pid {lw.pid}")


def last_t(db):
    return query(db, "SELECT max(t) FROM cycle")[0][0]


# ----------------------------------------------------------- the tests

def test_report_while_writing_matches_database(lw_factory, helpers, tmp_path):
    lw = start_lw(lw_factory)
    db = lw.state_dir / "history.db"
    leaker = helpers(LEAKER)
    saw = helpers(SAWTOOTH)
    wait_until(lambda: db.exists() and last_t(db), 20, what="the first cycle")
    t_start = last_t(db)
    time.sleep(36)
    t1 = last_t(db) - 1
    t0 = t1 - 30
    out = tmp_path / "rep"
    r = report("--db", str(db), "--from", str(t0), "--to", str(t1), "-o", str(out))
    assert str(out) in r.stdout
    assert lw.alive()
    doc, truth = check_against_db(out, db, t0, t1)
    check_sums(out)
    assert (out / "index.html").stat().st_size > 0
    assert not list(out.rglob("*.tmp"))
    # the window's copy of the database: the same samples, a file of its own
    copy = out / "history.db"
    assert query(copy, "PRAGMA integrity_check")[0][0] == "ok"
    assert query(copy, "SELECT min(t), max(t), count(*) FROM cycle")[0] == \
        query(db, "SELECT min(t), max(t), count(*) FROM cycle WHERE t >= ? AND t <= ?", t0, t1)[0]
    assert expand(copy, t0, t1) == expand(db, t0, t1)
    # the leak: a suspect, its slope within 10 % of the helper's rate; the sawtooth is none
    series = doc["series"]
    ranked = [series[i] for i in doc["suspects"]]
    mine = [s for s in ranked if s["pid"] == leaker.pid and s["metric"] == "rss_kb"]
    assert mine, [(s["name"], s["metric"]) for s in ranked[:10]]
    assert mine[0]["slope_per_h"] == pytest.approx(LEAK_KIB_S * 3600, rel=0.10)
    assert mine[0]["limit"] == "MemAvailable" and mine[0]["exhaustion_s"] > 0
    assert not [s for s in ranked if s["pid"] == saw.pid], "the sawtooth ranked as a suspect"
    # first of the processes this test runs (others on a shared host may grow too)
    ours = [s for s in ranked if s["pid"] in (leaker.pid, saw.pid, lw.pid)]
    assert ours[0]["pid"] == leaker.pid, [(s["name"], s["pid"]) for s in ours[:5]]
    # the writer went on, never locked out
    wait_until(lambda: last_t(db) > t1 + 3, 10, what="cycles after the report")
    history_ok(lw)
    assert t_start < t0

    # --last, into a tarball: the window is the last 30 s up to the history's last sample
    tgz = tmp_path / "rep.tar.gz"
    report("--db", str(db), "--last", "10s", "-o", str(tgz))
    with tarfile.open(tgz) as tf:
        tf.extractall(tmp_path / "x")
    top = tmp_path / "x" / "rep"
    check_sums(top)
    d2 = json.loads((top / "report.json").read_text())
    assert d2["window"]["to"] - d2["window"]["from"] == 10
    assert not list(tmp_path.glob("rep.tar.gz.*"))
    history_ok(lw)


def test_restart_and_kill9_gap_and_recovery(lw_factory, tmp_path, nobody_dir):
    lw = start_lw(lw_factory)
    db = lw.state_dir / "history.db"
    cycles_of_run(db, lw, 4)
    lw.stop()                                  # a clean stop: stop_t
    time.sleep(4)
    lw.start()
    lw.wait_served()
    cycles_of_run(db, lw, 4)
    lw.kill()                                  # kill -9: no stop_t, the WAL left behind
    time.sleep(4)
    lw.start()
    lw.wait_served()
    cycles_of_run(db, lw, 4)
    lw.kill()
    assert Path(f"{db}-wal").exists()
    out = tmp_path / "rep"
    report("--db", str(db), "-o", str(out))
    lo, hi = query(db, "SELECT min(t), max(t) FROM cycle")[0]
    doc, truth = check_against_db(out, db, lo, hi)
    runs = doc["runs"]
    assert len(runs) == 3
    assert runs[0]["stop_t"] is not None and not runs[0]["crashed"]
    assert runs[1]["stop_t"] is None and runs[1]["crashed"]
    assert runs[2]["stop_t"] is None and not runs[2]["crashed"]   # the last: killed, no next
    assert (doc["window"]["restarts"], doc["window"]["crashes"], doc["window"]["reboots"]) == \
        (2, 1, 0)
    ts = [t for (t,) in query(db, "SELECT t FROM cycle ORDER BY t")]
    expected = [(a, b) for a, b in zip(ts, ts[1:]) if b - a > 2]
    assert [(g["from"], g["to"]) for g in doc["gaps"]] == expected
    # the gap over each restart says why; any other is cycles missed (a loaded host)
    whys = {}
    for g in doc["gaps"]:
        over = [i for i, u in enumerate(runs) if g["from"] < u["start_t"] <= g["to"]]
        whys[over[0] if over else None] = g["why"]
        if over == [1]:
            assert g["from"] <= runs[0]["stop_t"] <= g["to"], (g, runs[0])
        if not over:
            assert g["why"] == "cycles missed", g
    assert whys[1] == "leakwatchd not running" and whys[2] == "after a crash", doc["gaps"]
    # leakwatchd's own RSS, from its process series (the run's pid)
    for run in runs:
        own, = [v for k, v in truth.items() if k[0] == "process" and k[1] == run["pid"] and
                k[3] == "leakwatchd" and k[4] == "rss_kb"]
        assert run["self_rss_kb"] == own[-1][1] and run["self_rss_kb_max"] == max(
            v for _, v in own)
        assert run["self_cpu_pct"] is not None
    gaps_csv = list(csv.DictReader(open(out / "csv/gaps.csv")))
    assert [(int(g["from"]), int(g["to"]), g["why"]) for g in gaps_csv] == \
        [(g["from"], g["to"], g["why"]) for g in doc["gaps"]]

    # a copy as `cp` makes it (database and WAL), and a read-only one read by nobody
    copied = tmp_path / "copied"
    copied.mkdir()
    for suffix in ("", "-wal"):
        shutil.copy(f"{db}{suffix}", copied / f"history.db{suffix}")
    report("--db", str(copied / "history.db"), "-o", str(tmp_path / "rep-copy"))
    d2 = json.loads((tmp_path / "rep-copy/report.json").read_text())
    assert d2["window"]["cycles"] == doc["window"]["cycles"]
    ro, _, _ = nobody_dir
    ro = ro / "ro"
    ro.mkdir()
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as src, \
            contextlib.closing(sqlite3.connect(ro / "history.db")) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = WAL")   # as the daemon's: a reader needs -shm
    for p in ro.iterdir():
        p.chmod(0o444)
    ro.chmod(0o555)
    outro = nobody_dir[0] / "out"
    outro.mkdir()
    os.chown(outro, nobody_dir[1], nobody_dir[2])
    report("--db", str(ro / "history.db"), "-o", str(outro / "rep"), user="nobody")
    d3 = json.loads((outro / "rep/report.json").read_text())
    assert d3["database"]["immutable"] is True
    assert any("immutable=1" in n for n in d3["window"]["notes"])
    assert d3["window"]["cycles"] == doc["window"]["cycles"]
    assert d3["series"] == doc["series"]
    assert not list(ro.glob("*-shm"))


def test_alarm_history(lw_factory, tmp_path):
    root = build_fixture_root(tmp_path / "root")
    (root / "sys/devices/system/cpu/online").write_text("0-1\n")
    load = root / "proc/loadavg"
    load.write_text("1.00 0.50 0.40 1/123 4567\n")
    lw = start_lw(lw_factory, root=root, extra_lines=["alarm_load_per_cpu 200",
                                                      "alarm_clear_percent 90",
                                                      "alarm_holddown 1"])
    db = lw.state_dir / "history.db"
    load.write_text("4.20 0.50 0.40 1/123 4567\n")
    wait_until(lambda: query(db, "SELECT count(*) FROM alarm_event")[0][0] >= 1, 20,
               what="the raise")
    load.write_text("1.00 0.50 0.40 1/123 4567\n")
    wait_until(lambda: query(db, "SELECT count(*) FROM alarm_event")[0][0] >= 2, 20,
               what="the clear")
    time.sleep(1.5)
    out = tmp_path / "rep"
    report("--db", str(db), "-o", str(out))
    events = query(db, "SELECT t, is_raise, alarm_index, type_name, object, value, threshold"
                       " FROM alarm_event ORDER BY t, run_id, seq")
    got = [(int(r["t"]), r["event"] == "raise", int(r["alarm_index"]), r["type"], r["object"],
            int(r["value"]), int(r["threshold"]))
           for r in csv.DictReader(open(out / "csv/alarms.csv"))]
    assert got == [(t, bool(i), a, ty, o, v, th) for t, i, a, ty, o, v, th in events]
    doc = json.loads((out / "report.json").read_text())
    assert [(e["event"], e["type"], e["severity"]) for e in doc["alarm_events"]] == \
        [("raise", "loadHigh", "major"), ("clear", "loadHigh", "major")]
    assert "alarm_load_per_cpu 200" in doc["runs"][0]["config"]
    assert "alarm_load_per_cpu 200" in (out / "system/config-run-1.conf").read_text()


def test_errors_one_line(lw_factory, tmp_path):
    def fails(*args, code=1, what):
        r = report(*args, check=False)
        assert r.returncode == code, (args, r.returncode, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert lines[0].startswith("leakwatch report: ") and what in lines[0], r.stderr
        assert len(lines) == 1, r.stderr   # usage errors too (cli/usage.c)
        return r
    fails("--db", str(tmp_path / "none.db"), "-o", str(tmp_path / "o"),
          what="No such file")
    other = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(other)) as db:
        db.execute("CREATE TABLE t (x)")
    fails("--db", str(other), "-o", str(tmp_path / "o"), what="not a leakwatch history")
    fails("--last", "forever", what="--last", code=2)
    fails("--from", "yesterday", what="--from", code=2)
    lw = start_lw(lw_factory)
    db = lw.state_dir / "history.db"
    wait_until(lambda: db.exists() and (last_t(db) or 0) > 0, 20, what="the first cycle")
    fails("--db", str(db), "--from", "2099-01-01T00:00:00Z", "-o", str(tmp_path / "o"),
          what="no sample in the window")
    fails("--db", str(db), "-o", "/proc/leakwatch-report.tar.gz", what="cannot write")
    # ISO 8601 with an offset: the same instant as UTC
    t = last_t(db)
    iso = time.strftime("%Y-%m-%dT%H:%M:%S+02:00", time.gmtime(t + 7200))
    report("--db", str(db), "--from", iso, "--to", str(t), "-o", str(tmp_path / "iso"))
    doc = json.loads((tmp_path / "iso/report.json").read_text())
    assert (doc["window"]["from"], doc["window"]["to"]) == (t, t)


def show_collectors(port):
    """The running agent's lwCollectorTable by `leakwatch show collectors --json`."""
    cmd = [str(leakwatch_path()), "show", "-v2c", "-c", "public", "-t", "2", "-r", "1",
           f"udp:127.0.0.1:{port}", "collectors", "--json"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, f"{cmd}: exit {r.returncode}\n{r.stderr}"
    return {row["lwCollectorName"]: row for row in json.loads(r.stdout)}


def test_collector_table_in_report(lw_factory, tmp_path):
    lw = start_lw(lw_factory)
    db = lw.state_dir / "history.db"
    cycles_of_run(db, lw, 3)
    out = tmp_path / "rep"
    report("--db", str(db), "--last", "60s", "-o", str(out))
    live = show_collectors(lw.port)       # after the report: its figures are the later ones
    doc = json.loads((out / "report.json").read_text())
    n = len(doc["runs"])
    assert n >= 1 and doc["runs"][-1]["pid"] == lw.pid
    stored = {c["name"]: c for c in doc["runs"][-1]["collectors"]}
    # every collector and stage the agent lists, none else, with runs within the live ones
    assert set(stored) == set(live), (sorted(stored), sorted(live))
    for name, c in stored.items():
        assert 1 <= c["runs"] <= live[name]["lwCollectorRuns"], (name, c, live[name])
        assert c["errors"] <= live[name]["lwCollectorErrors"], (name, c, live[name])
    # the file a person reads: one line per collector, under its name
    text = (out / "system" / f"collectors-run-{n}.txt").read_text().splitlines()
    assert {line.split()[0] for line in text if not line.startswith("#")} == set(live) | {"name"}
    assert "collectors-run-N.txt" in (out / "system" / "system.txt").read_text()
    check_sums(out)
    history_ok(lw)
