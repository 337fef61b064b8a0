#!/usr/bin/env python3
# lwdemo.py: the README's demo: snmpd + leakwatchd + snmptrapd and a process that leaks, shown in a few readable screens.
# SPDX-License-Identifier: ISC
"""Starts, on 127.0.0.1 only, a private snmpd (AgentX master, trap2sink to the demo's own
snmptrapd), leakwatchd attached to it with short leak windows, and a process named
"leak-demo" that grows by LEAK_KIB every second for LEAK_MINUTES, then holds what it took.
Prints the `leakwatch status` screen, then one line every PROGRESS_S seconds (the leaking
process's RSS and verdict), each notification as it arrives, and the status screen again once
the leak is found (about two to three minutes). Everything it writes stays in one directory
under /var/tmp, named at start and again at Ctrl-C.
LW_DEMO_DIR names that directory instead; LW_DEMO_UNTIL=found ends the demo (exit 0) once the
leak's verdict and its notification are both in (tests/integration/test_demo.py).

Why these settings: leakwatchd's defaults (10-minute windows, a 2-hour warm-up) are for
months on a real host and would keep every process `learning` through a demo; here windows
are 10 s and the warm-up one window, as tests/integration/test_leaks.py uses them, so the
detector has the nine windows of history its short test needs after about 100 s."""
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lwdaemons import Leakwatchd, Snmpd, Snmptrapd  # noqa: E402
from lwoids import (LEAK_STATES, LW, NOTIFICATIONS, PROC_LEAK_COLUMNS,  # noqa: E402
                    collector_cell, collector_index)
from lwprocs import PROC_COLUMNS, PROC_ENTRY  # noqa: E402
from lwsnmp import EXCEPTIONS, snmpget  # noqa: E402
from lwutil import REPO, shared_mibs_dir  # noqa: E402

INTERVAL_S = 1
DETECTOR = ["leak_window 10", "leak_warmup 10", "leak_min_slope 1024"]
LEAK_KIB, LEAK_MINUTES = 512, 10       # 30 MiB a minute, 300 MiB at most, then flat
PROGRESS_S = 15
SNMP_ARGS = ["-v2c", "-c", "public"]
STATE_NAMES = {v: k for k, v in LEAK_STATES.items()}
NOTIFICATION_NAMES = {v: k for k, v in NOTIFICATIONS.items()}

# The leaking process: sets its name (prctl PR_SET_NAME = 15) so it is found as "leak-demo",
# touches LEAK_KIB more every second (each page written, so it is resident), then holds it.
LEAKER = f"""
import ctypes, mmap, time
ctypes.CDLL(None).prctl(15, b"leak-demo", 0, 0, 0)
held, start = [], time.monotonic()
for step in range({LEAK_MINUTES * 60}):
    m = mmap.mmap(-1, {LEAK_KIB} * 1024)
    for off in range(0, len(m), mmap.PAGESIZE):
        m[off] = 1
    held.append(m)
    time.sleep(max(0.0, start + step + 1 - time.monotonic()))
while True:
    time.sleep(3600)
"""


def leakwatch_cli():
    """The `leakwatch` command built beside the daemon (build/cli/leakwatch), or None."""
    daemon = Path(os.environ.get("LEAKWATCHD", REPO / "build" / "agent" / "leakwatchd"))
    cli = daemon.resolve().parent.parent / "cli" / "leakwatch"
    return cli if os.access(cli, os.X_OK) else None


def status_screen(cli, port):
    out = subprocess.run([str(cli), "status", "--no-color", *SNMP_ARGS, f"udp:127.0.0.1:{port}"],
                         capture_output=True, text=True, timeout=60)
    return (out.stdout + out.stderr).rstrip()


def proc_verdict(port, pid):
    """(RSS KiB, lwProcLeakState name) of pid's row, or None while it is not served."""
    try:
        vbs = snmpget(port, f"{PROC_ENTRY}.{PROC_COLUMNS['lwProcRssKB']}.{pid}",
                      f"{PROC_ENTRY}.{PROC_LEAK_COLUMNS['lwProcLeakState']}.{pid}", timeout=5)
    except EXCEPTIONS:
        return None
    if not isinstance(vbs[0].value, int):
        return None
    return vbs[0].value, STATE_NAMES.get(vbs[1].value, str(vbs[1].value))


def describe(trap):
    """One line for a received notification: its name, the text objects it carries (the
    alarm's object, a process's or group's name) and the pid of a process's row."""
    name = NOTIFICATION_NAMES.get(trap["trap_oid"], trap["trap_oid"])
    texts = []
    for oid, vb in trap["varbinds"].items():
        text = vb.value.decode("ascii", "replace") if isinstance(vb.value, bytes) else ""
        if text and text.isprintable():
            if oid.startswith(f"{PROC_ENTRY}.{PROC_COLUMNS['lwProcName']}."):
                text += f" (pid {oid.rsplit('.', 1)[1]})"
            if text not in texts:
                texts.append(text)
    return f"notification {name}: {', '.join(texts)}" if texts else f"notification {name}"


def main():
    stamp = time.strftime("%Y%m%d-%H%M%S")
    base = Path(os.environ.get("LW_DEMO_DIR", f"/var/tmp/leakwatch-demo-{stamp}"))
    base.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    cli = leakwatch_cli()
    trapd = snmpd = lw = leaker = None
    print(f"leakwatch demo: everything it writes goes to {base}")
    if shared_mibs_dir() is None:
        print("note: the IETF base MIBs (SNMPv2-SMI, ...) are not beside the checkout; the demo "
              "and `leakwatch` do not need them, but snmpwalk prints numeric OIDs without them. "
              "To get names: put the base MIB files in ../shared/mibs, or install Debian's "
              "snmp-mibs-downloader (non-free) and run download-mibs.")
    try:
        trapd = Snmptrapd(base / "snmptrapd").start()
        snmpd = Snmpd(base / "snmpd", trap2sink=f"{trapd.address} public").start()
        lw = Leakwatchd(base / "leakwatchd", snmpd=snmpd, interval=INTERVAL_S,
                        agentx_ping_interval=1, extra_lines=DETECTOR).start()
        lw.wait_served(collector_cell("lwCollectorRuns", collector_index("detector")), timeout=60)
        with open(base / "leak-demo.log", "wb") as log:
            leaker = subprocess.Popen([sys.executable, "-c", LEAKER], stdin=subprocess.DEVNULL,
                                      stdout=log, stderr=subprocess.STDOUT)
        port = snmpd.port
        print(f"snmpd (pid {snmpd.pid}) on udp:127.0.0.1:{port}, leakwatchd (pid {lw.pid}) "
              f"attached over AgentX, snmptrapd (pid {trapd.pid}) on udp:{trapd.address}.")
        print(f"leak-demo (pid {leaker.pid}) grows by {LEAK_KIB} KiB a second for "
              f"{LEAK_MINUTES} minutes. The detector runs with 10 s windows for the demo "
              "(defaults: 10 min windows, 2 h warm-up).\n")
        if cli:
            print(status_screen(cli, port) + "\n")
        print(try_this(cli, port, base) + "\n", flush=True)
        until_found = os.environ.get("LW_DEMO_UNTIL") == "found"
        t0, seen, found, trapped, last = time.monotonic(), 0, False, False, 0.0
        while not stop.wait(1.0):
            for d in (trapd, snmpd, lw):
                if not d.alive():
                    print(f"{d.name} exited with {d.returncode()}:\n{d.diagnostics()}",
                          file=sys.stderr)
                    return 1
            traps = trapd.notifications()
            for trap in traps[seen:]:
                if trap["trap_oid"] in NOTIFICATION_NAMES:
                    line = describe(trap)
                    trapped |= line.startswith("notification lwProcMemLeak:") and \
                        f"leak-demo (pid {leaker.pid})" in line
                    print(f"[{time.monotonic() - t0:4.0f}s] {line}", flush=True)
            seen = len(traps)
            now = time.monotonic() - t0
            if now - last >= PROGRESS_S:
                last = now
                v = proc_verdict(port, leaker.pid)
                if v:
                    print(f"[{now:4.0f}s] leak-demo rss {v[0] / 1024:.0f} MiB, verdict {v[1]}",
                          flush=True)
                    if v[1] == "leaking" and not found:
                        found = True
                        print(f"\nleak-demo found leaking after {now:.0f} s.")
                        if cli:
                            print(status_screen(cli, port) + "\n", flush=True)
            if until_found and found and trapped:
                break
        return 0
    finally:
        if leaker and leaker.poll() is None:
            leaker.kill()
            leaker.wait()
        for d in (lw, snmpd, trapd):
            if d is not None and d.alive():
                d.stop()
        print(f"\nstopped. Logs and the history are kept in {base}:\n"
              f"  leakwatchd: {lw.log_path if lw else '-'}\n"
              f"  snmpd:      {snmpd.log_path if snmpd else '-'}\n"
              f"  traps:      {trapd.log_path if trapd else '-'}\n"
              f"Remove it with: rm -r {shlex.quote(str(base))}")


def try_this(cli, port, base):
    lines = ["Try, while it runs:"]
    if cli:
        agent = f"-v2c -c public udp:127.0.0.1:{port}"
        lines += [f"  {cli} status {agent}",
                  f"  {cli} show {agent} procs --sort lwProcRssKB --rows 10",
                  f"  {cli} show {agent} alarms"]
    lines += [f"  snmpwalk -v2c -c public -On udp:127.0.0.1:{port} .{LW}",
              f"  less {base}/snmptrapd/snmptrapd.log",
              "Press Ctrl-C to stop."]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
