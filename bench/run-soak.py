#!/usr/bin/env python3
# run-soak.py: leakwatchd's own RSS slope under process churn and continuous polling, and its verdict on itself.
# SPDX-License-Identifier: ISC
"""Starts leakwatchd (standalone -M on a loopback port, or --agentx behind a private snmpd),
drives process churn (bench/churn, default 1,500 processes/s) and an endless snmpbulkwalk of
LEAKWATCH-MIB for --minutes, samples the RSS of leakwatchd and of `top -b -d 1` (what an
operator would otherwise leave running on the host, reading every process every second) every
--sample-s seconds, and reports each one's RSS slope in KiB/min: a least-squares line through
the samples after --warmup-min. The detector runs with a short window and no warm-up, so it
judges its own process within the run: lwProcLeakState of leakwatchd's row. With --heap, glibc's
own figures (bench/heaplog.c, preloaded) are logged beside RSS, so that memory leakwatchd holds
(bytes in use) is told from memory glibc keeps for it (free chunks, per-thread caches)."""
import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchlib import binaries_missing, binary, parse_keys, status_kib, unwind_on_signals
from lwdaemons import Leakwatchd, Snmpd
from lwoids import LEAK_STATES, LW, PROC_LEAK_COLUMNS
from lwprocs import PROC_ENTRY
from lwsnmp import snmpget
from lwutil import leakwatchd_path

GOAL_KIB_PER_MIN = 1.0
STATE_NAMES = {v: k for k, v in LEAK_STATES.items()}


def detector_lines(window):
    """No warm-up, and a short window (default ten intervals, the least), so the detector judges
    leakwatchd's own row early and its ring of LW_DETECT_WINDOWS (18) window ceilings is full
    long before the RSS warm-up ends: filling it is a one-off step of the trend and alarm tables
    (bounded by the series, seen at minute 20-23 of runs with 70 s windows) that a slope through
    the samples must not mistake for a creep. The defaults, 600 s and 2 h, would keep every
    process learning."""
    return [f"leak_window {window}", "leak_warmup 0"]


def slope_kib_per_min(samples):
    """Least-squares slope of (seconds, KiB) pairs, in KiB per minute; None under 2 samples."""
    n = len(samples)
    if n < 2:
        return None
    mt = sum(t for t, _ in samples) / n
    mv = sum(v for _, v in samples) / n
    den = sum((t - mt) ** 2 for t, _ in samples)
    return 60 * sum((t - mt) * (v - mv) for t, v in samples) / den if den else None


def heap_samples(path, t0_mono):
    """(in use, free) sample lists of (seconds into the run, KiB) from its start, from
    heaplog.c's lines "<monotonic s> <in use> <free> <arena> <mmapped>" (bytes)."""
    used, free = [], []
    for line in Path(path).read_text().splitlines():
        f = line.split()
        if len(f) != 5:
            continue
        t = int(f[0]) - t0_mono
        if t < 0:
            continue  # leakwatchd starting, before the run
        used.append((t, (int(f[1]) + int(f[4])) / 1024))
        free.append((t, int(f[2]) / 1024))
    return used, free


def means_by(samples, minutes=5):
    """"start-end: mean" of (seconds, KiB) samples per `minutes`, to show a plateau or a creep."""
    buckets = {}
    for t, v in samples:
        buckets.setdefault(int(t // (60 * minutes)), []).append(v)
    return " ".join(f"{k * minutes}-{(k + 1) * minutes}:{sum(v) / len(v):.0f}"
                    for k, v in sorted(buckets.items()))


def rss(pid):
    """(VmRSS, RssAnon, RssFile) of pid in KiB."""
    return tuple(status_kib(pid, k) for k in ("VmRSS", "RssAnon", "RssFile"))


class Poller(threading.Thread):
    """snmpbulkwalk of the whole LEAKWATCH-MIB, one after another until stopped."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port, self.walks, self.failures, self.stop = port, 0, 0, threading.Event()

    def run(self):
        argv = ["snmpbulkwalk", "-v2c", "-c", "public", "-Cr50", "-On", "-t", "10", "-r", "0",
                f"udp:127.0.0.1:{self.port}", "." + LW]
        while not self.stop.is_set():
            rc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={"MIBS": "", "PATH": "/usr/bin:/bin"}).returncode
            self.walks += rc == 0
            self.failures += rc != 0


def own_verdict(port, pid):
    """lwProcLeakState and lwProcRssSlope of leakwatchd's own row (pid is the index)."""
    col = PROC_LEAK_COLUMNS
    vbs = snmpget(port, f"{PROC_ENTRY}.{col['lwProcLeakState']}.{pid}",
                  f"{PROC_ENTRY}.{col['lwProcRssSlope']}.{pid}", timeout=5)
    state = STATE_NAMES.get(vbs[0].value, str(vbs[0].value))
    return state, vbs[1].value


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=60, help="length of the run (default 60)")
    ap.add_argument("--warmup-min", type=float, default=None,
                    help="samples left out of the slope (default 30 min, at most half the run,"
                         " at least a minute past the detector's 18 windows)")
    ap.add_argument("--rate", type=float, default=1500, help="processes per second (1500)")
    ap.add_argument("--life-ms", type=int, default=200, help="each process's life (200 ms)")
    ap.add_argument("--forkers", type=int, default=4, help="churn processes sharing the rate")
    ap.add_argument("--sample-s", type=float, default=5, help="RSS sampling period (5 s)")
    ap.add_argument("--interval", type=int, default=1, help="leakwatchd's interval (1 s)")
    ap.add_argument("--agentx", action="store_true", help="behind a private snmpd, not -M")
    ap.add_argument("--heap", action="store_true",
                    help="log glibc's heap figures too (build/bench/libheaplog.so, or $HEAPLOG)")
    ap.add_argument("--leak-window", type=int, default=None,
                    help="leakwatchd's leak_window in seconds (default ten intervals)")
    args = ap.parse_args()
    window = args.leak_window or 10 * args.interval
    # The detector's ring is full after 18 windows; the warm-up ends a minute after that at least.
    detector_full_min = 18 * window / 60
    # 30 minutes: under churn RssAnon rises by about 100 KiB in the first 30-35 minutes while
    # the bytes glibc counts in use hardly move (glibc's free lists and per-thread caches
    # settling), then stays flat (the 60-minute run of docs/PERFORMANCE.md, "Own memory under
    # churn"); a slope through that rise measures glibc warming up, not leakwatchd.
    warmup = (args.warmup_min if args.warmup_min is not None
              else max(1.0, min(30.0, args.minutes / 2), detector_full_min + 1))
    churn = binary("CHURN", "churn")
    if binaries_missing("run-soak", [("CHURN", churn), ("LEAKWATCHD", leakwatchd_path())]):
        return 2
    if shutil.which("top") is None:
        print("run-soak: top not found (procps)", file=sys.stderr)
        return 2
    heaplog = binary("HEAPLOG", "libheaplog.so") if args.heap else None
    if heaplog is not None and not heaplog.is_file():
        print(f"run-soak: {heaplog} not found; make bench/libheaplog.so or set HEAPLOG",
              file=sys.stderr)
        return 2
    unwind_on_signals()
    lines = detector_lines(window)
    tmp = Path(tempfile.mkdtemp(prefix="lw-soak-"))
    snmpd = lw = poller = top = None
    churners = []
    wrapper = (["env", f"LD_PRELOAD={heaplog}", f"LW_HEAPLOG_FILE={tmp / 'heap.log'}"]
               if heaplog else [])
    try:
        if args.agentx:
            snmpd = Snmpd(tmp / "snmpd").start()
            lw = Leakwatchd(tmp / "leakwatchd", snmpd=snmpd, interval=args.interval,
                            extra_lines=lines, wrapper=wrapper)
        else:
            lw = Leakwatchd(tmp / "leakwatchd", master=True, interval=args.interval,
                            rocommunity="public 127.0.0.1", extra_lines=lines,
                            wrapper=wrapper)
        lw.start()
        lw.wait_served(timeout=30)
        port = lw.port
        print(f"leakwatchd: {lw.binary}")
        print(f"leakwatchd.pid: {lw.pid}")
        print(f"mode: {'agentx' if args.agentx else 'standalone'}")
        print(f"interval_s: {args.interval}")
        print(f"minutes: {args.minutes:g}")
        print(f"warmup_min: {warmup:g}")
        print(f"detector: {' '.join(lines)} (ring full at minute {detector_full_min:g})")
        print(f"churn.target_per_s: {args.rate:g}")
        print(f"churn.life_ms: {args.life_ms}")
        top = subprocess.Popen(["top", "-b", "-d", "1"], stdout=subprocess.DEVNULL,
                               env={"PATH": "/usr/bin:/bin", "HOME": str(tmp)})
        churners = [subprocess.Popen([churn, "-r", str(args.rate / args.forkers),
                                      "-l", str(args.life_ms)], stdout=subprocess.PIPE, text=True)
                    for _ in range(args.forkers)]
        poller = Poller(port)
        poller.start()
        t0 = time.monotonic()
        t0_mono = time.clock_gettime(time.CLOCK_MONOTONIC)
        samples = {"leakwatchd": [], "leakwatchd.anon": [], "leakwatchd.file": [], "top": []}
        every = []  # (t, RSS) from the start, warm-up included
        end = t0 + 60 * args.minutes
        first = None
        while time.monotonic() < end:
            lw.check_alive()
            t = time.monotonic() - t0
            total, anon, filed = rss(lw.pid)
            first = first or (total, anon, filed)
            every.append((t, total))
            if t >= 60 * warmup:
                samples["leakwatchd"].append((t, total))
                samples["leakwatchd.anon"].append((t, anon))
                samples["leakwatchd.file"].append((t, filed))
                samples["top"].append((t, rss(top.pid)[0]))
            print(f"sample: t={t:.0f}s rss={total} anon={anon} file={filed} "
                  f"top_rss={rss(top.pid)[0]} walks={poller.walks}", flush=True)
            time.sleep(max(0.0, min(args.sample_s, end - time.monotonic())))
        for c in churners:
            c.terminate()
        spawned = 0
        for c in churners:
            out, _ = c.communicate(timeout=60)
            spawned += int(parse_keys(out).get("spawned", 0))
        elapsed = time.monotonic() - t0
        poller.stop.set()
        poller.join(timeout=60)
        state, slope_h = own_verdict(port, lw.pid)
        last = rss(lw.pid)
        print(f"churn.spawned: {spawned}")
        print(f"churn.achieved_per_s: {spawned / elapsed:.0f}")
        print(f"poll.walks: {poller.walks}")
        print(f"poll.failures: {poller.failures}")
        print(f"samples_after_warmup: {len(samples['leakwatchd'])}")
        print(f"leakwatchd.rss_first_kib: {first[0]}")
        print(f"leakwatchd.rss_last_kib: {last[0]}")
        print(f"leakwatchd.anon_first_kib: {first[1]}")
        print(f"leakwatchd.anon_last_kib: {last[1]}")
        print(f"leakwatchd.rss_means_kib_per_5min: {means_by(every)}")
        for key, pts in samples.items():
            s = slope_kib_per_min(pts)
            print(f"{key}.rss_slope_kib_per_min: {'n/a' if s is None else f'{s:.2f}'}")
        if heaplog:
            used, free = heap_samples(tmp / "heap.log", t0_mono)
            print(f"leakwatchd.heap_in_use_means_kib_per_5min: {means_by(used)}")
            for key, pts in (("in_use", used), ("free", free)):
                pts = [(t, v) for t, v in pts if t >= 60 * warmup]
                s = slope_kib_per_min(pts)
                print(f"leakwatchd.heap_{key}_first_last_kib: "
                      f"{pts[0][1]:.0f} {pts[-1][1]:.0f}" if pts else
                      f"leakwatchd.heap_{key}_first_last_kib: n/a")
                print(f"leakwatchd.heap_{key}_slope_kib_per_min: "
                      f"{'n/a' if s is None else f'{s:.2f}'}")
        print(f"leakwatchd.own_leak_state: {state}")
        print(f"leakwatchd.own_rss_slope_kib_per_h: {slope_h}")
        s = slope_kib_per_min(samples["leakwatchd"])
        ok = s is not None and s <= GOAL_KIB_PER_MIN and state in ("normal", "learning")
        print(f"goal.rss_slope_kib_per_min: {GOAL_KIB_PER_MIN:g} "
              f"{'ok' if s is not None and s <= GOAL_KIB_PER_MIN else 'OVER'}")
        print(f"goal.own_leak_state: normal {'ok' if state == 'normal' else state}")
        return 0 if ok else 3
    finally:
        for c in churners:
            if c.poll() is None:
                c.kill()
                c.wait()
        if poller:
            poller.stop.set()
        if top and top.poll() is None:
            top.terminate()
            top.wait()
        for d in (lw, snmpd):
            if d is not None:
                d.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
