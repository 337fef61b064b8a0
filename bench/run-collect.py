#!/usr/bin/env python3
# run-collect.py: leakwatch collect against the vendor-script loop (ps, top, vmstat, slabinfo): CPU per sample.
# SPDX-License-Identifier: ISC
"""Issue 16, Benchmarks: `leakwatch collect` and the way vendor scripts (mem-html-style) collect,
a shell loop of `ps aux; top -b -n 1; vmstat; cat /proc/slabinfo` writing to files, run one after
the other for the same duration at the same interval on the same host (topped up to about 1,000
processes with spawn_idle). The CPU of each is utime + stime of its whole process tree, as wait4()
returns it (the process, its threads and every child it waited for); per sample and the ratio.
Goal: leakwatch at least 20 times cheaper.

leakwatch's figure is given twice: the collection alone (its CPU read from /proc when the last
sample is in the database, before the report starts) and the whole command, report included.

The floor, measured in the same run on the same processes (bench/proc_cost's helper,
bench/proc_floor.c): the bare system calls that reading each process's memory, CPU and
descriptor count takes (readdir, pread of stat and statm kept open, fstatat of PID/fd), no
parsing, no TCP, no kernel files, no storage. Its cost per sample says how far below the
vendor loop any collector of those columns can go: vendor / floor is the most any ratio can be."""
import argparse
import os
import shlex
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# benchlib first: it puts tests/integration, where the lw* modules are, on sys.path
from benchlib import (CLK_TCK, REPO, bench_module, binaries_missing, binary, cpu_ticks, loadavg,
                      parse_keys, unwind_on_signals)

budget = bench_module("run_budget", "run-budget.py")

GOAL_RATIO = 20

# What the vendor scripts run each round: every command's output to a file of its own, as
# mem-html-style scripts keep them for their report.
VENDOR_LOOP = r"""
i=0
while [ "$i" -lt "$1" ]; do
    ps aux > "ps.$i"
    top -b -n 1 > "top.$i"
    vmstat > "vmstat.$i"
    cat /proc/slabinfo > "slabinfo.$i" 2>&1
    i=$((i + 1))
    if [ "$i" -lt "$1" ]; then sleep "$2"; fi
done
"""


def rusage_s(ru):
    return ru.ru_utime + ru.ru_stime


def cycles_in(db):
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
            return c.execute("SELECT count(*) FROM cycle").fetchone()[0]
    except sqlite3.Error:
        return 0


def run_leakwatch(leakwatch, tmp, duration, interval, config):
    """leakwatch collect for duration s: (samples, collection CPU ticks, rusage, wall s, exit)."""
    out, db = tmp / "collect.tar.gz", tmp / "collect.db"
    argv = [str(leakwatch), "collect", "--duration", f"{duration}s", "--interval",
            f"{interval}s", "-o", str(out)]
    if config:
        argv += ["--config", str(config)]
    print(f"command.leakwatch: {shlex.join(argv)}", flush=True)
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, cwd=tmp, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    try:
        return _wait_leakwatch(proc, db, t0)
    finally:
        if proc.returncode is None:     # interrupted: stop it (it writes its report) and reap
            proc.terminate()
            os.waitpid(proc.pid, 0)


def _wait_leakwatch(proc, db, t0):
    seen = {}   # cycles stored -> the process's CPU ticks when that count was first seen
    while True:
        # wait4 rather than Popen.poll: the child's rusage (threads, waited-for children)
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            break
        n = cycles_in(db)
        if n not in seen:
            try:
                seen[n] = cpu_ticks(proc.pid)
            except (FileNotFoundError, ProcessLookupError):
                pass
        time.sleep(0.2)
    wall = time.monotonic() - t0
    err = proc.stderr.read()
    for line in err.splitlines():
        print(f"leakwatch.stderr: {line}")
    samples = cycles_in(db)
    # the collection alone: the CPU when the last sample was stored, before the report
    return samples, seen.get(samples), ru, wall, proc.returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=int, default=600, help="seconds each way runs (600)")
    ap.add_argument("--interval", type=int, default=10, help="seconds between samples (10)")
    ap.add_argument("-p", "--processes", type=int, default=1000,
                    help="processes on the host in total, topped up with spawn_idle (1000)")
    ap.add_argument("--kernel-every-sample", action="store_true",
                    help="leakwatch reads slabinfo/zoneinfo/buddyinfo at every sample too "
                    "(kernel_interval = interval) instead of its default of 60 s")
    args = ap.parse_args()
    leakwatch = Path(os.environ.get("LEAKWATCH") or REPO / "build" / "cli" / "leakwatch")
    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}")
    print(f"kernel: {' '.join(os.uname()[2:4])}")
    print(f"cpus: {os.cpu_count()}")
    print(f"uid: {os.geteuid()}")
    print(f"loadavg_at_start: {loadavg()}  # other work on the machine", flush=True)
    proc_cost = binary("PROC_COST", "proc_cost")
    if binaries_missing("run-collect", [("SPAWN_IDLE", binary("SPAWN_IDLE", "spawn_idle")),
                                        ("PROC_COST", proc_cost), ("LEAKWATCH", leakwatch)]):
        return 2
    if args.interval < 1 or args.duration < args.interval:
        ap.error("--interval at least 1 and --duration at least --interval")

    unwind_on_signals()
    tmp = Path(tempfile.mkdtemp(prefix="lw-collectbench-"))
    fleet = None
    try:
        before = budget.count_processes()
        print(f"processes.before_top_up: {before}")
        if args.processes - before > 0:
            fleet = budget.Fleet(args.processes - before)
            fleet.wait_ready()
        print(f"processes.after_top_up: {budget.count_processes()}", flush=True)
        config = None
        if args.kernel_every_sample:
            config = tmp / "leakwatchd.conf"
            config.write_text(f"kernel_interval {args.interval}\n")
        print(f"leakwatch.kernel_interval_s: {args.interval if config else 60}")

        # 1. leakwatch collect
        lw_dir = tmp / "leakwatch"
        lw_dir.mkdir()
        samples, coll_ticks, ru, wall, rc = run_leakwatch(leakwatch, lw_dir, args.duration,
                                                          args.interval, config)
        whole_s = rusage_s(ru)
        coll_s = coll_ticks / CLK_TCK if coll_ticks is not None else whole_s
        print(f"leakwatch.exit: {rc}")
        print(f"leakwatch.processes_at_end: {budget.count_processes()}")
        print(f"leakwatch.samples: {samples}")
        print(f"leakwatch.wall_s: {wall:.1f}")
        print(f"leakwatch.cpu_collection_s: {coll_s:.3f}  # when the last sample was stored")
        print(f"leakwatch.cpu_total_s: {whole_s:.3f}  # the whole command, report included")
        lw_per = coll_s / samples * 1000 if samples else float("nan")
        lw_per_total = whole_s / samples * 1000 if samples else float("nan")
        print(f"leakwatch.cpu_ms_per_sample: {lw_per:.2f}")
        print(f"leakwatch.cpu_ms_per_sample_with_report: {lw_per_total:.2f}", flush=True)

        # 2. the vendor-script loop, the same number of rounds at the same interval
        rounds = args.duration // args.interval + 1
        v_dir = tmp / "vendor"
        v_dir.mkdir()
        argv = ["sh", "-c", VENDOR_LOOP, "vendor-loop", str(rounds), str(args.interval)]
        print(f"command.vendor: sh -c '<ps aux; top -b -n 1; vmstat; cat /proc/slabinfo> "
              f"to files' {rounds} rounds, sleep {args.interval}", flush=True)
        t0 = time.monotonic()
        proc = subprocess.Popen(argv, cwd=v_dir, stdin=subprocess.DEVNULL)
        _, status, ru = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - t0
        v_s = rusage_s(ru)
        made = len(list(v_dir.glob("ps.*")))
        print(f"vendor.exit: {proc.returncode}")
        print(f"vendor.processes_at_end: {budget.count_processes()}")
        print(f"vendor.samples: {made}")
        print(f"vendor.wall_s: {wall:.1f}")
        print(f"vendor.cpu_total_s: {v_s:.3f}")
        v_per = v_s / made * 1000 if made else float("nan")
        print(f"vendor.cpu_ms_per_sample: {v_per:.2f}")
        slab = (v_dir / "slabinfo.0").read_text(errors="replace")[:200]
        if "ermission" in slab:
            print("vendor.note: /proc/slabinfo not readable by this user: its cost is missing")

        # 3. the floor, on the same processes: median of 9 rounds of the bare system calls
        out = subprocess.run([str(proc_cost), "-m", "9"], capture_output=True, text=True,
                             timeout=600)
        keys = parse_keys(out.stdout)
        floor_us = float(keys.get("floor.cpu_us_per_process.median", "nan"))
        floor_n = int(keys.get("floor.processes", "0"))
        floor_per = floor_us * floor_n / 1000
        print(f"floor.processes: {floor_n}")
        print(f"floor.null_syscall_us: {keys.get('floor.null_syscall_us', 'n/a')}")
        print(f"floor.cpu_us_per_process: {floor_us:.2f}")
        print(f"floor.cpu_ms_per_sample: {floor_per:.2f}  # processes' memory, CPU, fd count only")
        print(f"ratio_vendor_over_floor: {v_per / floor_per:.1f}  # the most any collector can reach")
        print(f"ratio_leakwatch_over_floor: {lw_per / floor_per:.2f}")

        ratio = v_per / lw_per if lw_per > 0 else float("inf")
        ratio_total = v_per / lw_per_total if lw_per_total > 0 else float("inf")
        print(f"ratio: {ratio:.1f}  # vendor CPU per sample / leakwatch's (collection)")
        print(f"ratio_with_report: {ratio_total:.1f}  # leakwatch's report included")
        print(f"loadavg_at_end: {loadavg()}")
        ok = ratio >= GOAL_RATIO
        print(f"goal: leakwatch >= {GOAL_RATIO}x cheaper per sample: "
              f"{'PASS' if ok else 'FAIL'} ({ratio:.1f}x)")
        return 0 if ok else 1
    finally:
        if fleet is not None:
            fleet.stop()
        subprocess.run(["rm", "-rf", str(tmp)], check=False)


if __name__ == "__main__":
    sys.exit(main())
