#!/usr/bin/env python3
# run-status.py: `leakwatch status` against an agent serving 10,000 processes through snmpd
# (goal: at most 1 s), and in the same run what an operator does without it: net-snmp's
# snmpbulkwalk of the same tables, the walk of lwProcTable, and ps + ss + /proc for the screen.
# SPDX-License-Identifier: ISC
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# benchlib first: it puts tests/integration, where the lw* modules are, on sys.path
from benchlib import REPO, binaries_missing, binary, emit
from lwharness import Leakwatchd, Snmpd, leakwatchd_path, snmpget, wait_until
from lwoids import LW_OBJECTS
from lwsnmp import tool_env

GOAL_S = 1.0
LW_PROC_ROWS = LW_OBJECTS + ".3.5.0"  # lwProcRows
# the subtrees `leakwatch status` reads (cli/cmd_status.c), walked by net-snmp's tool instead
STATUS_SUBTREES = {
    "lwAgent": ".1.1", "lwSystem": ".1.2", "lwProcTopTable": ".3.3", "lwProcGroupTable": ".3.2",
    "lwTcpStateTable": ".4.1", "lwTcpTopRemoteTable": ".4.2", "lwSockstat": ".4.9",
    "lwTcpLimits": ".4.10", "lwKernelMemory": ".5.1", "lwSlabTable": ".5.2",
    "lwMcastIfTable": ".6.1", "lwAlarmTable": ".7.2", "lwTrendTable": ".7.3"}
# the same screen from the host itself: the processes by RSS, CPU and descriptors, TCP states
# and peers, socket memory, slab caches
PS_SS = [
    ["ps", "-eo", "pid,comm,rss,pcpu", "--sort=-rss"],
    ["ps", "-eo", "pid,comm,pcpu", "--sort=-pcpu"],
    # descriptors per process: one find(1) over /proc/PID/fd, counted per PID
    ["sh", "-c", "find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 2>/dev/null | cut -d/ -f3 |"
     " sort | uniq -c | sort -rn | head"],
    ["ss", "-tan"],
    ["ss", "-s"],
    ["cat", "/proc/net/sockstat", "/proc/sys/net/ipv4/tcp_mem", "/proc/sys/net/ipv4/tcp_max_orphans",
     "/proc/slabinfo", "/proc/meminfo"],
]


def leakwatch_path():
    return Path(os.environ.get("LEAKWATCH") or Path(leakwatchd_path()).parents[1] / "cli" / "leakwatch")


def timed(argvs, env=None):
    """Wall seconds and children's CPU seconds of running ARGVS one after the other."""
    before = os.times()
    t0 = time.perf_counter()
    for argv in argvs:
        p = subprocess.run([str(a) for a in argv], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, env=env, text=True)
        if p.returncode != 0:
            raise SystemExit(f"run-status: {' '.join(map(str, argv))} exited {p.returncode}: "
                             f"{p.stderr.strip()}")
    wall = time.perf_counter() - t0
    after = os.times()
    return wall, (after.children_user - before.children_user +
                  after.children_system - before.children_system)


def main():
    ap = argparse.ArgumentParser(description="leakwatch status with many processes vs the "
                                 "operator's alternatives")
    ap.add_argument("-n", "--processes", type=int, default=10000, help="idle processes to add")
    ap.add_argument("--runs", type=int, default=3, help="timed runs of each way")
    args = ap.parse_args()
    need = [("SPAWN_IDLE", binary("SPAWN_IDLE", "spawn_idle")), ("LEAKWATCHD", leakwatchd_path()),
            ("LEAKWATCH", leakwatch_path())]
    if binaries_missing("run-status", need):
        return 2
    idle = subprocess.Popen([str(binary("SPAWN_IDLE", "spawn_idle")), "-n", str(args.processes),
                             "-e"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    last = ""
    for last in idle.stdout:
        emit("spawn.", last)
        if last.strip() in ("ready", "incomplete"):
            break
    tmp = Path(tempfile.mkdtemp(prefix="lw-statusbench-"))
    snmpd = lw = None
    try:
        if last.strip() != "ready":
            raise SystemExit("run-status: spawn_idle could not start every process")
        snmpd = Snmpd(tmp / "snmpd").start()
        lw = Leakwatchd(tmp / "lw", snmpd=snmpd, interval=10).start()
        wait_until(lambda: lw.check_alive() or
                   snmpget(snmpd.port, LW_PROC_ROWS, timeout=2)[0].value >= args.processes,
                   300, what=f"lwProcRows to reach {args.processes}")
        rows = snmpget(snmpd.port, LW_PROC_ROWS, timeout=2)[0].value
        print(f"agent.lwProcRows: {rows}\nagent.path: snmpd (AgentX) udp:127.0.0.1:{snmpd.port}",
              flush=True)
        agent = f"udp:127.0.0.1:{snmpd.port}"
        snmp = ["-v2c", "-c", "public", "-t", "5", "-r", "0"]
        env = tool_env()
        ways = {
            "leakwatch_status": [[leakwatch_path(), "status", *snmp, agent]],
            "snmpbulkwalk_same_tables": [["snmpbulkwalk", *snmp, "-On", "-Cr50", agent,
                                          "." + LW_OBJECTS + sub]
                                         for sub in STATUS_SUBTREES.values()],
            "snmpbulkwalk_lwProcTable": [["snmpbulkwalk", *snmp, "-On", "-Cr50", agent,
                                          "." + LW_OBJECTS + ".3.1"]],
            "ps_ss_proc": PS_SS,
        }
        results = {}
        for run in range(args.runs):
            for name, argvs in ways.items():
                wall, cpu = timed(argvs, env)
                print(f"run.{run}.{name}_s: {wall:.3f}", flush=True)
                results.setdefault(name, []).append((wall, cpu))
        for name, runs in results.items():
            walls = [w for w, _ in runs]
            cpus = [c for _, c in runs]
            print(f"{name}.commands: {len(ways[name])}")
            print(f"{name}.runs_s: {' '.join(f'{w:.3f}' for w in walls)}")
            print(f"{name}.median_s: {statistics.median(walls):.3f}")
            print(f"{name}.client_cpu_median_s: {statistics.median(cpus):.3f}", flush=True)
        lw_med = statistics.median(w for w, _ in results["leakwatch_status"])
        for other in ("snmpbulkwalk_same_tables", "snmpbulkwalk_lwProcTable", "ps_ss_proc"):
            med = statistics.median(w for w, _ in results[other])
            print(f"ratio_{other}_over_status.median: {med / lw_med:.2f}")
        print(f"goal.status_s: {GOAL_S}\ngoal.met: {'yes' if lw_med <= GOAL_S else 'NO'}")
        out = subprocess.run([str(leakwatch_path()), "status", *snmp, agent], capture_output=True,
                             text=True, env=env)
        print("# the screen, once:\n" + "\n".join("# " + l for l in out.stdout.splitlines()))
        return 0 if lw_med <= GOAL_S else 1
    finally:
        for d in (lw, snmpd):
            if d is not None and d.alive():
                d.stop()
        idle.stdin.close()  # EOF: spawn_idle kills its process group and reaps it
        emit("spawn.", idle.stdout.read())
        idle.wait(300)


if __name__ == "__main__":
    sys.exit(main())
