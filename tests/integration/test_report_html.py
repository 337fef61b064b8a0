# The report's index.html in a real browser: a real daemon's history of a leaking and a sawtooth process, `leakwatch report`, headless Chromium without a network.
# SPDX-License-Identifier: ISC
"""leakwatchd (standalone, interval 1, a short leak window and no warm-up) watches two helper
processes for about two minutes: one leaking 1 MiB a second, one holding 64 MiB for 2 s out of
every 4 (a large sawtooth that never grows). `leakwatch report --config leakwatchd.conf -o DIR`
then writes the report from the daemon's history while it still runs, and index.html is opened
in Debian's headless Chromium inside a network namespace of its own (lwbrowser.py). Through the
DOM: the leak is the first suspect with its slope within 10 % of the rate it leaked at, the
sawtooth is no suspect, the leak's start and end values are the database's (read here with
sqlite3), every suspect has a chart; the browser logged no error and the page asked for nothing
but itself. The screenshot stays in the test's directory (its path is printed)."""
import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

import lwbrowser
from lwoids import LEAK_STATES, PROC_LEAK_COLUMNS
from lwprocs import PROC_ENTRY
from lwutil import leakwatchd_path, wait_until
from lwworkers import workers  # noqa: F401 - a fixture

LEAK_KIB_PER_S = 1024
# The detector as bench/run-soak.py runs it: ten 1 s steps a window, no warm-up, so a verdict
# comes within the two minutes (about nine windows of history).
# Only the helpers' processes: the report must rank them among themselves, not against every
# other leak on a shared test host.
SETTINGS = ["leak_window 10", "leak_warmup 0", "leak_min_slope 1024", "process_include lwrh-*"]
DETECT_S = 150
RUN_S = 100           # at least: the longer the line, the closer its slope

DOM_JS = """
const rows = Array.from(document.querySelectorAll('#suspect-table tr.suspect'));
const charts = Array.from(document.querySelectorAll('figure.chart')).map(function (f) {
  const ln = f.querySelector('svg path.ln');
  return {id: f.id, line: ln ? ln.getAttribute('d').length : 0};
});
const procs = Array.from(document.querySelectorAll('#t-procs tbody tr')).map(function (r) {
  return Array.from(r.cells).map(function (c) { return c.dataset.v === undefined ?
    c.textContent : c.dataset.v; });
});
const heads = {};
document.querySelectorAll('#t-procs thead th[data-key]').forEach(function (h) {
  heads[h.dataset.key] = +h.dataset.col; });
// Each heading of the processes table clicked twice: the column's raw values (data-v, else the
// text) and the rows' pids after each click (the page's own sorting script, as a reader uses it).
const pidCol = heads.pid;
const sorted = {};
document.querySelectorAll('#t-procs thead th[data-key]').forEach(function (h) {
  const i = +h.dataset.col, out = [];
  for (let k = 0; k < 2; k++) {
    h.dispatchEvent(new MouseEvent('click', {bubbles: true}));
    const body = Array.from(document.querySelectorAll('#t-procs tbody tr'));
    out.push({values: body.map(function (r) { const c = r.cells[i];
                return c.dataset.v === undefined ? null : c.dataset.v; }),
              pids: body.map(function (r) { return r.cells[pidCol].dataset.v ||
                r.cells[pidCol].textContent; })});
  }
  sorted[h.dataset.key] = out;
});
const w = document.getElementById('window');
return {suspects: rows.map(function (r) { return Object.assign({}, r.dataset); }),
        charts: charts, procs: procs, proc_heads: heads, sorted: sorted,
        window: {from: +w.dataset.from, to: +w.dataset.to},
        title: document.title, scripts: document.scripts.length};
"""


def leakwatch_path():
    """$LEAKWATCH, else the leakwatch built beside the daemon under test (build/cli/)."""
    env = os.environ.get("LEAKWATCH")
    return Path(env) if env else leakwatchd_path().resolve().parent.parent / "cli" / "leakwatch"


def db_rss(db, pid, start_time, t_to):
    """(first, last) rss_kb of the process identity in the history, up to t_to: its first
    sample row holds every value; later rows hold the values that changed (NULL: unchanged)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        ids = [r[0] for r in con.execute(
            "SELECT id FROM ident WHERE kind = 1 AND pid = ? AND abs(start_time - ?) <= 1",
            (pid, start_time))]
        assert len(ids) == 1, f"identity of pid {pid} in the database: {ids}"
        first = con.execute("SELECT t, v0 FROM sample WHERE id = ? AND v0 IS NOT NULL "
                            "ORDER BY t LIMIT 1", (ids[0],)).fetchone()
        last = con.execute("SELECT t, v0 FROM sample WHERE id = ? AND v0 IS NOT NULL AND t <= ? "
                           "ORDER BY t DESC LIMIT 1", (ids[0], t_to)).fetchone()
    finally:
        con.close()
    return first, last


@pytest.mark.once  # two minutes of Chromium; the report's C code runs under ASan in test_report.py
def test_report_in_a_browser(lw_factory, workers, tmp_path):  # noqa: F811
    why = lwbrowser.missing()
    assert why is None, f"the browser test cannot run: {why}"
    leakwatch = leakwatch_path()
    assert os.access(leakwatch, os.X_OK), f"{leakwatch} not built (or set LEAKWATCH)"

    lw = lw_factory(master=True, rocommunity="public 127.0.0.1", interval=1, extra_lines=SETTINGS)
    lw.wait_served()
    leaky = workers(name=b"lwrh-leaky")
    saw = workers(name=b"lwrh-sawtooth")
    leaky.call("leak", kib=LEAK_KIB_PER_S, period=1.0)
    saw.call("sawtooth", mib=64, period=4.0)
    t0 = time.monotonic()
    state = f"{PROC_ENTRY}.{PROC_LEAK_COLUMNS['lwProcLeakState']}.{leaky.pid}"
    # the daemon's own verdict first: the history then holds what the report's replay needs
    wait_until(lambda: lw.get(state)[0].value == LEAK_STATES["leaking"], DETECT_S,
               what="leakwatchd judging the leaking helper leaking")
    time.sleep(max(0.0, RUN_S - (time.monotonic() - t0)))

    out = tmp_path / "report"
    db = lw.state_dir / "history.db"
    started = time.monotonic()
    # as an operator runs it: the daemon's configuration says where the history is, and which
    # thresholds the detector replay uses
    r = subprocess.run([str(leakwatch), "report", "--config", str(lw.conf), "-o", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"leakwatch report: {r.returncode}\n{r.stdout}\n{r.stderr}"
    print(f"leakwatch report: {time.monotonic() - started:.1f} s")
    page = out / "index.html"
    assert page.is_file()

    got = lwbrowser.load(page, tmp_path / "browser", DOM_JS, shot="index.png")
    print(f"screenshot: {got['screenshot']} ({got['height']} px high)")
    print(f"timing (ms): {got['timing']}")
    dom = got["result"]

    # nothing asked for but the page itself, nothing logged as an error, our one script only
    assert got["requests"] == [got["url"]], got["requests"]
    errors = [c for c in got["console"] if c["level"] in ("SEVERE", "ERROR", "WARNING")]
    assert errors == [], errors
    assert dom["scripts"] == 1
    assert Path(got["screenshot"]).stat().st_size > 10000

    # the leak is the first suspect, at the rate it leaked
    sus = dom["suspects"]
    assert sus, "no suspect in the page"
    first = sus[0]
    assert (first["kind"], int(first["pid"]), first["metric"]) == \
        ("process", leaky.pid, "rss_kb"), sus[:3]
    assert first["verdict"] in ("leaking", "suspect"), first
    truth = LEAK_KIB_PER_S * 3600.0
    slope = float(first["slope"])
    assert abs(slope - truth) <= 0.10 * truth, f"slope {slope:.0f} KiB/h, truth {truth:.0f}"

    # the sawtooth is not a suspect
    judged = [s for s in sus if s["verdict"] in ("leaking", "suspect")]
    assert not [s for s in judged if int(s["pid"]) == saw.pid], judged

    # start and end as the database has them (its first and last sample in the window)
    (t_a, v_a), (t_b, v_b) = db_rss(db, leaky.pid, int(first["startTime"]), dom["window"]["to"])
    assert float(first["start"]) == v_a, (first["start"], v_a, t_a)
    assert float(first["end"]) == v_b, (first["end"], v_b, t_b)
    # and the processes table says the same in its RSS start and end columns
    col = dom["proc_heads"]
    row = next(p for p in dom["procs"] if int(p[col["pid"]]) == leaky.pid)
    assert float(row[col["rss_kb.start"]]) == v_a and float(row[col["rss_kb.end"]]) == v_b, row

    # a click on a heading sorts the table by that column's raw value, largest first, then
    # smallest first (cells without a value last both times); no row is lost or added
    pids = sorted(p[col["pid"]] for p in dom["procs"])
    numeric = 0
    for key, (down, up) in dom["sorted"].items():
        assert sorted(down["pids"]) == pids and sorted(up["pids"]) == pids, key
        if any(v is None for v in down["values"]):
            continue  # a text column: ordered by the browser's locale, not checked here
        numeric += 1
        for clicks, order in ((down, -1), (up, 1)):
            vals = [float(v) for v in clicks["values"] if v != ""]
            assert vals == sorted(vals, reverse=order < 0), (key, clicks["values"])
            blanks = [i for i, v in enumerate(clicks["values"]) if v == ""]
            assert blanks == list(range(len(vals), len(clicks["values"]))), (key, blanks)
    assert numeric >= 5 and "rss_kb.end" in dom["sorted"], sorted(dom["sorted"])

    # a chart for every suspect, with a line drawn
    charts = {c["id"]: c for c in dom["charts"]}
    for s in judged:
        c = charts.get(f"c-{s['series']}")
        assert c is not None and c["line"] > 0, (s, sorted(charts))
