#!/usr/bin/env python3
# run-report.py: `leakwatch report` of a 10,000-process host over 48 h: time, memory, HTML size, Chromium load time, against sqlite3 and rrdtool doing part of it.
# SPDX-License-Identifier: ISC
"""Writes a synthetic history with bench/history_size -o (10,000 processes, 60 s cycles, 48 h,
--leakers of them leaking steadily; the model is history_size's), then times
`leakwatch report --db FILE -o DIR` (wall, CPU, peak RSS from wait4) and, apart, its model and its
page (bench/report_html_cost: lw_report_build, then lw_report_write_html), measures index.html and
the directory, opens index.html --loads times in headless Chromium without a network
(tests/integration/lwbrowser.py: DOMContentLoaded, load event, first contentful paint), and
measures, in the same run, what an operator would otherwise do by hand with the tools at hand:
`sqlite3 -csv` dumping the window's samples (the least needed to look at the data at all), and
rrdtool creating, filling and graphing the same series the page charts (one `rrdtool -` per
series, fed its changed samples). Goals (issue 16): report <= 20 s, HTML <= 10 MB, page usable
(load event) <= 2 s.
Output: `key: value` lines (bench/README.md)."""
import argparse
import os
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from html import unescape
from pathlib import Path

from benchlib import REPO, binaries_missing, binary, loadavg, parse_keys, unwind_on_signals

import lwbrowser

GOAL_S, GOAL_HTML_MB, GOAL_LOAD_MS = 20.0, 10.0, 2000.0


def timed(argv, **kw):
    """Run argv; (returncode, wall s, CPU s, peak RSS KiB, stdout, stderr) from wait4."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        p = subprocess.Popen([str(a) for a in argv], stdout=out, stderr=err, **kw)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (p.returncode, wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss,
                out.read().decode(errors="replace"), err.read().decode(errors="replace"))


def dir_bytes(d):
    return sum(p.stat().st_size for p in Path(d).rglob("*") if p.is_file())


def charted_series(page):
    """(kind, pid, start_time, name, metric) of every chart of the page, from its data-*."""
    text = page.read_text(encoding="utf-8", errors="replace")
    out = []
    for m in re.finditer(r'<figure class="chart" id="[^"]*" data-kind="([^"]*)" data-pid="(\d+)" '
                         r'data-start-time="(-?\d+)" data-name="([^"]*)" data-metric="([^"]*)"',
                         text):
        out.append((m[1], int(m[2]), int(m[3]), unescape(m[4]), m[5]))
    return out


def sqlite_dump(db, t0, t1, dest):
    """sqlite3 -csv of every sample row of the window with its series' identity."""
    sql = ("SELECT s.t, k.name, i.pid, i.start_time, i.name, s.v0, s.v1, s.v2, s.v3, s.v4 "
           "FROM sample s JOIN ident i ON i.id = s.id JOIN kind k ON k.kind = i.kind "
           f"WHERE s.t BETWEEN {int(t0)} AND {int(t1)};")
    with open(dest, "wb") as out:
        t = time.monotonic()
        p = subprocess.Popen(["sqlite3", "-csv", "-readonly", str(db), sql], stdout=out)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("sqlite3 -csv failed")
    return wall, ru.ru_utime + ru.ru_stime, Path(dest).stat().st_size


def cpu_s(who):
    ru = resource.getrusage(who)
    return ru.ru_utime + ru.ru_stime


def rrd_graphs(db, series, t0, t1, workdir, width):
    """What a script does with rrdtool for the charts: each charted series read from the history
    (sqlite3's Python module), then `rrdtool -` creating, filling and graphing it. (wall s,
    CPU s of the reads and of rrdtool, PNG bytes)."""
    t_start, self0, kids0 = time.monotonic(), cpu_s(resource.RUSAGE_SELF), \
        cpu_s(resource.RUSAGE_CHILDREN)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    kinds = {r[0]: list(r[1:]) for r in con.execute("SELECT name, v0, v1, v2, v3, v4 FROM kind")}
    png = 0
    for n, (kind, pid, start, name, metric) in enumerate(series):
        col = kinds[kind].index(metric)
        ident = con.execute("SELECT i.id FROM ident i JOIN kind k ON k.kind = i.kind WHERE "
                            "k.name = ? AND i.pid = ? AND i.start_time = ? AND i.name = ?",
                            (kind, pid, start, name)).fetchone()
        if ident is None:
            continue
        rows = con.execute(f"SELECT t, v{col} FROM sample WHERE id = ? AND v{col} IS NOT NULL "
                           "AND t BETWEEN ? AND ? ORDER BY t", (ident[0], t0, t1)).fetchall()
        rrd, out = Path(workdir) / f"s{n}.rrd", Path(workdir) / f"s{n}.png"
        # the changed samples only, as the history has them: a long heartbeat holds a value
        cmds = [f"create {rrd} --start {t0 - 60} --step 60 DS:v:GAUGE:172800:U:U "
                "RRA:AVERAGE:0.5:1:2880 RRA:MIN:0.5:10:288 RRA:MAX:0.5:10:288"]
        for i in range(0, len(rows), 200):
            cmds.append(f"update {rrd} " + " ".join(f"{t}:{v}" for t, v in rows[i:i + 200]))
        cmds.append(f"graph {out} --start {t0} --end {t1} -w {width} -h 110 "
                    f"DEF:v={rrd}:v:AVERAGE DEF:lo={rrd}:v:MIN DEF:hi={rrd}:v:MAX "
                    "LINE1:v#1f5fa8 LINE1:lo#9ec5ee LINE1:hi#9ec5ee")
        subprocess.run(["rrdtool", "-"], input=("\n".join(cmds) + "\n").encode(),
                       stdout=subprocess.DEVNULL, check=True)
        png += out.stat().st_size if out.exists() else 0
    con.close()
    cpu = cpu_s(resource.RUSAGE_SELF) - self0 + cpu_s(resource.RUSAGE_CHILDREN) - kids0
    return time.monotonic() - t_start, cpu, png


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--procs", type=int, default=10000)
    ap.add_argument("--hours", type=int, default=48)
    ap.add_argument("--leakers", type=int, default=20)
    ap.add_argument("--db", help="an existing history instead of a synthetic one")
    ap.add_argument("--loads", type=int, default=3, help="Chromium loads of the page")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--dir", default="/var/tmp")
    args = ap.parse_args()
    unwind_on_signals()

    leakwatch = Path(os.environ.get("LEAKWATCH") or REPO / "build" / "cli" / "leakwatch")
    history_size = binary("HISTORY_SIZE", "history_size")
    html_cost = binary("REPORT_HTML_COST", "report_html_cost")
    if binaries_missing("run-report", [("LEAKWATCH", leakwatch),
                                       ("HISTORY_SIZE", history_size),
                                       ("REPORT_HTML_COST", html_cost)]):
        return 1
    for tool, pkg in (("sqlite3", "sqlite3"), ("rrdtool", "rrdtool")):
        if shutil.which(tool) is None:
            print(f"run-report: {tool} not found (Debian package {pkg})", file=sys.stderr)
            return 1
    why = lwbrowser.missing()
    if why:
        print(f"run-report: the browser cannot run: {why}", file=sys.stderr)
        return 1

    work = Path(tempfile.mkdtemp(prefix="lw-run-report-", dir=args.dir))
    try:
        print(f"loadavg.start: {loadavg()}")
        if args.db:
            db = Path(args.db)
        else:
            db = work / "history.db"
            rc, wall, _, _, out, err = timed([history_size, "-p", args.procs, "-H", args.hours,
                                              "-L", args.leakers, "-o", db])
            if rc != 0:
                print(f"run-report: history_size failed: {err.strip()}", file=sys.stderr)
                return 1
            k = parse_keys(out)
            print(f"history.processes: {args.procs}")
            print(f"history.hours: {args.hours}")
            print(f"history.leakers: {args.leakers}")
            print(f"history.cycles: {k['history.cycles_written']}")
            print(f"history.file_mb: {int(k['history.file_bytes']) / 1e6:.1f}")
            print(f"history.write_s: {wall:.1f}")

        out_dir = work / "report"
        rc, wall, cpu, rss, out, err = timed([leakwatch, "report", "--db", db, "-o", out_dir])
        if rc != 0:
            print(f"run-report: leakwatch report failed ({rc}): {err.strip()}", file=sys.stderr)
            return 1
        page = out_dir / "index.html"
        html_mb = page.stat().st_size / 1e6
        print(f"report.wall_s: {wall:.2f}")
        print(f"report.cpu_s: {cpu:.2f}")
        print(f"report.peak_rss_mib: {rss / 1024:.0f}")
        print(f"report.dir_mb: {dir_bytes(out_dir) / 1e6:.1f}")
        print(f"report.html_mb: {html_mb:.2f}")
        text = page.read_text(encoding="utf-8", errors="replace")
        charts, rows = text.count('<figure class="chart"'), text.count('<tr class="suspect"')
        print(f"report.html.charts: {charts}")
        print(f"report.html.suspect_rows: {rows}")
        # the same history again, the model and the page timed apart (bench/report_html_cost)
        rc, _, _, _, out, err = timed([html_cost, db])
        if rc != 0:
            print(f"run-report: report_html_cost failed: {err.strip()}", file=sys.stderr)
            return 1
        split = parse_keys(out)
        for key, value in split.items():
            print(f"split.{key}: {value}")
        m = re.search(r'id="window" data-from="(\d+)" data-to="(\d+)"', text)
        t0, t1 = int(m[1]), int(m[2])

        loads = []
        for i in range(args.loads):
            got = lwbrowser.load(page, work / "browser", "return document.querySelectorAll("
                                 "'figure.chart svg').length;", shot=f"load{i}.png")
            bad = [c for c in got["console"] if c["level"] in ("SEVERE", "ERROR")]
            if bad or got["requests"] != [got["url"]]:
                print(f"run-report: the page logged {bad} or asked for {got['requests']}",
                      file=sys.stderr)
                return 1
            loads.append(got["timing"])
        med = {k: statistics.median(t[k] for t in loads if t[k] is not None)
               for k in ("domContentLoaded", "load", "first_contentful_paint", "wall_ms")
               if any(t[k] is not None for t in loads)}
        print(f"chromium.loads: {len(loads)}")
        for k, v in med.items():
            print(f"chromium.{k.removesuffix('_ms')}_ms: {v:.0f}")

        dump_wall, dump_cpu, dump_bytes = sqlite_dump(db, t0, t1, work / "dump.csv")
        print(f"sqlite3_csv.wall_s: {dump_wall:.2f}")
        print(f"sqlite3_csv.cpu_s: {dump_cpu:.2f}")
        print(f"sqlite3_csv.mb: {dump_bytes / 1e6:.0f}")
        series = charted_series(page)
        rrd_wall, rrd_cpu, png = rrd_graphs(db, series, t0, t1, work, 900)
        print(f"rrdtool.series: {len(series)}")
        print(f"rrdtool.wall_s: {rrd_wall:.2f}")
        print(f"rrdtool.cpu_s: {rrd_cpu:.2f}")
        print(f"rrdtool.png_mb: {png / 1e6:.2f}")
        # CPU as well as wall time: on a shared machine the wall clock measures the neighbours
        print(f"ratio.sqlite3_csv_wall_over_report: {dump_wall / wall:.2f}")
        # the floor: reading every sample row of the window at all (sqlite3 -csv), in the same
        # run, so that the neighbours' load weighs on both
        print(f"ratio.report_over_sqlite3_floor_wall: {wall / dump_wall:.2f}")
        print(f"ratio.report_over_sqlite3_floor_cpu: {cpu / dump_cpu:.2f}")
        both = (dump_wall + rrd_wall) / wall
        print(f"ratio.sqlite3_csv_plus_rrdtool_wall_over_report: {both:.2f}")
        print(f"ratio.sqlite3_csv_plus_rrdtool_cpu_over_report: {(dump_cpu + rrd_cpu) / cpu:.2f}")
        # the same charts: rrdtool's graphs against the page that draws them and everything else
        html_cpu = float(split["html.cpu_ms"]) / 1000
        print(f"ratio.rrdtool_cpu_over_page_cpu: {rrd_cpu / html_cpu:.0f}")
        print(f"goal.report_s: {'met' if wall <= GOAL_S else 'MISSED'} ({wall:.1f} <= {GOAL_S:g})")
        print(f"goal.html_mb: {'met' if html_mb <= GOAL_HTML_MB else 'MISSED'} "
              f"({html_mb:.2f} <= {GOAL_HTML_MB:g})")
        ld = med.get("load")
        print(f"goal.page_usable_ms: {'met' if ld is not None and ld <= GOAL_LOAD_MS else 'MISSED'}"
              f" ({ld if ld is None else round(ld)} <= {GOAL_LOAD_MS:g})")
        print(f"loadavg.end: {loadavg()}")
        if args.keep:
            print(f"kept: {work}")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
