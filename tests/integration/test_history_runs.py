# Schema version 2 under a real leakwatchd: its run row (pid, version, interval, the configuration
# without secrets; stop_t at a clean stop, NULL after kill -9) and the alarm events it raises and
# clears, read back from the file against what lwAlarmTable served.
# SPDX-License-Identifier: ISC
import contextlib
import sqlite3
import subprocess

from lwharness import wait_until
from lwoids import ALARM_COLUMNS, ALARM_ENTRY, ALARM_SEVERITIES, ALARM_TYPES
from lwprocfs import build_fixture_root
from lwsnmp import walk_rows


def rows(path, sql):
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return db.execute(sql).fetchall()


def set_load(root, load1):
    (root / "proc/loadavg").write_text(f"{load1:.2f} 0.50 0.40 1/123 4567\n")


def start_lw(lw_factory, root, state_dir=None):
    lw = lw_factory(master=True, rocommunity="public 127.0.0.1", interval=1, root=root,
                    state_dir=state_dir,
                    extra_lines=["alarm_load_per_cpu 200", "alarm_clear_percent 90",
                                 "alarm_holddown 1", "trap2sink 127.0.0.1:9 s3cret"])
    lw.wait_served()
    return lw


def version_of(lw):
    out = subprocess.run([str(lw.binary), "-V"], capture_output=True, text=True, check=True)
    return out.stdout.split()[1]


def test_run_rows_and_alarm_events(lw_factory, tmp_path):
    root = build_fixture_root(tmp_path / "root")
    (root / "sys/devices/system/cpu/online").write_text("0-1\n")
    set_load(root, 1.00)
    lw = start_lw(lw_factory, root)
    db = lw.state_dir / "history.db"
    wait_until(lambda: db.exists() and rows(db, "SELECT count(*) FROM run")[0][0] == 1, 20,
               what="the run's row")
    (pid, version, interval, stop_t, program, config), = rows(
        db, "SELECT pid, version, interval_s, stop_t, program, config FROM run")
    assert (pid, program, interval, stop_t) == (lw.pid, "leakwatchd", 1, None)
    assert version == version_of(lw)
    assert "alarm_load_per_cpu 200" in config and "s3cret" not in config
    assert "trap2sink (arguments not stored)" in config

    set_load(root, 4.20)                     # 210 per CPU >= 200: raised
    raised = wait_until(lambda: rows(db, "SELECT is_raise, type, type_name, severity, object,"
                                         " value, threshold, alarm_index, run_id, t"
                                         " FROM alarm_event"), 20, what="the raise in the file")
    served = {i: r for i, r in walk_rows(lw.port, ALARM_ENTRY, ALARM_COLUMNS).items()
              if r["lwAlarmType"] == ALARM_TYPES["loadHigh"]}
    (index, row), = served.items()
    (is_raise, typ, type_name, severity, obj, value, threshold, alarm_index, run_id, t), = raised
    assert (is_raise, typ, type_name) == (1, ALARM_TYPES["loadHigh"], "loadHigh")
    assert severity == ALARM_SEVERITIES["major"] and obj == "load"
    assert (value, threshold, alarm_index) == (210, 200, index)
    assert t == row["lwAlarmRaisedUnix"]
    assert run_id == rows(db, "SELECT id FROM run")[0][0]

    set_load(root, 1.00)                     # cleared
    wait_until(lambda: rows(db, "SELECT count(*) FROM alarm_event WHERE is_raise = 0"
                                f" AND alarm_index = {index}")[0][0] == 1, 20,
               what="the clear in the file")
    lw.stop()                                # SIGTERM: a clean stop sets stop_t
    (stop_t, start_t), = rows(db, "SELECT stop_t, start_t FROM run")
    assert stop_t is not None and stop_t >= start_t

    # kill -9 leaves stop_t NULL; the next start is a new run with its own pid
    lw.start()
    lw.wait_served()
    wait_until(lambda: rows(db, "SELECT count(*) FROM run")[0][0] == 2, 20, what="the 2nd run")
    first_pid = lw.pid
    lw.kill()
    lw.start()
    lw.wait_served()
    wait_until(lambda: rows(db, "SELECT count(*) FROM run")[0][0] == 3, 20, what="the 3rd run")
    runs = rows(db, "SELECT pid, stop_t IS NULL FROM run ORDER BY id")
    assert runs[1] == (first_pid, 1) and runs[2] == (lw.pid, 1) and runs[0][1] == 0
    (boot_ids,), = rows(db, "SELECT count(DISTINCT boot_id) FROM run")
    assert boot_ids == 1
