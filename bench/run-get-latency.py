#!/usr/bin/env python3
# run-get-latency.py: leakwatchd GET latency vs snmpd's own sysUpTime, plus its CPU per cycle and RSS.
# SPDX-License-Identifier: ISC
import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# benchlib first: it puts tests/integration, where the lw* modules are, on sys.path
from benchlib import CLK_TCK, binaries_missing, binary, cpu_ticks, sched_ns, status_kib
from lwharness import Leakwatchd, Snmpd, leakwatchd_path, snmpbulkwalk
from lwoids import COLLECTOR_COLUMNS, COLLECTOR_ENTRY, SYS_UPTIME, system_oid

OID_A = "." + system_oid("lwLoad1")   # served by leakwatchd through snmpd's AgentX master
OID_B = "." + SYS_UPTIME              # answered by snmpd itself
INTERVAL = 1
BUDGET_CPU_PCT = 0.1                  # of one core, at the default 60 s interval
BUDGET_RSS_KIB = 16 * 1024


def client_path():
    return binary("SNMP_GET_LATENCY", "snmp_get_latency")


def collectors(port):
    """{index: {column name: value}} from a numeric snmpbulkwalk of lwCollectorEntry."""
    names = {str(sub): name for name, sub in COLLECTOR_COLUMNS.items()}
    rows = {}
    for vb in snmpbulkwalk(port, COLLECTOR_ENTRY):
        column, index = vb.oid[len(COLLECTOR_ENTRY) + 1:].split(".")
        value = vb.text if vb.type == "STRING" else vb.value
        rows.setdefault(int(index), {})[names.get(column, column)] = value
    return rows


def total_runs(port):
    """Sampling cycles completed so far: the largest lwCollectorRuns of any collector."""
    return max(r.get("lwCollectorRuns", 0) for r in collectors(port).values())


def measure_cpu(lw, port, cycles):
    """CPU the idle daemon spends over at least `cycles` sampling cycles, and how many it ran."""
    runs0 = total_runs(port)
    ticks0, ns0, t0 = cpu_ticks(lw.pid), sched_ns(lw.pid), time.monotonic()
    time.sleep(cycles * INTERVAL + 0.5)
    ticks1, ns1, t1 = cpu_ticks(lw.pid), sched_ns(lw.pid), time.monotonic()
    runs1 = total_runs(port)
    return runs1 - runs0, ticks1 - ticks0, ns1 - ns0, t1 - t0


def report_cpu(done, ticks, ns, window):
    if done <= 0:
        print("cpu.cycles: 0", flush=True)
        raise SystemExit("run-get-latency: leakwatchd ran no sampling cycle in the window")
    us_per_cycle = ticks * 1e6 / CLK_TCK / done
    sched_us = ns / 1e3 / done
    pct = us_per_cycle / (60 * 1e6) * 100
    print(f"cpu.window_s: {window:.1f}")
    print(f"cpu.cycles: {done}")
    print(f"cpu.ticks: {ticks}")
    print(f"cpu.clk_tck: {CLK_TCK}")
    print(f"cpu.us_per_cycle: {us_per_cycle:.1f}")
    print(f"cpu.resolution_us_per_cycle: {1e6 / CLK_TCK / done:.1f}")
    print(f"cpu.pct_core_at_60s: {pct:.6f}")
    print(f"cpu.sched_us_per_cycle: {sched_us:.1f}")
    print(f"cpu.sched_pct_core_at_60s: {sched_us / (60 * 1e6) * 100:.6f}")
    return pct


def run_client(port, requests, warmup):
    argv = [str(client_path()), "-p", f"udp:127.0.0.1:{port}", "-c", "public",
            "-n", str(requests), "-w", str(warmup), OID_A, OID_B]
    # 2 GETs per round at most 1 s each (timeout, no retry), bounded anyway
    p = subprocess.run(argv, stdout=subprocess.PIPE, text=True,
                       timeout=min(3600, 60 + 2 * (requests + warmup)))
    print(p.stdout, end="", flush=True)
    return p.returncode


def tail(text, lines):
    """The last lines of a (possibly long) diagnostics text."""
    parts = text.splitlines()
    cut = f"[... {len(parts) - lines} lines not shown]\n" if len(parts) > lines else ""
    return cut + "\n".join(parts[-lines:])


def main():
    ap = argparse.ArgumentParser(description="GET latency of leakwatchd behind a private snmpd, "
                                 "its CPU per sampling cycle and its RSS.")
    ap.add_argument("-n", "--requests", type=int, default=5000, help="timed GETs of each OID")
    ap.add_argument("-w", "--warmup", type=int, default=50, help="warm-up GETs of each OID")
    ap.add_argument("--cycles", type=int, default=25, help="CPU window in cycles (>= 20)")
    args = ap.parse_args()
    if args.cycles < 20:
        ap.error("--cycles must be at least 20")
    if binaries_missing("run-get-latency", [("SNMP_GET_LATENCY", client_path()),
                                            ("LEAKWATCHD", leakwatchd_path())]):
        return 2

    tmp = Path(tempfile.mkdtemp(prefix="lw-bench-"))
    snmpd = lw = None
    ok = False
    try:
        snmpd = Snmpd(tmp / "snmpd").start()
        lw = Leakwatchd(tmp / "leakwatchd", snmpd=snmpd, interval=INTERVAL).start()
        lw.wait_served(system_oid("lwLoad1"), timeout=30)
        # let start-up work (first cycles, AgentX registration) out of the CPU window
        time.sleep(3 * INTERVAL)
        print(f"leakwatchd: {lw.binary}")
        print(f"leakwatchd.pid: {lw.pid}")
        print(f"interval_s: {INTERVAL}")
        pct = report_cpu(*measure_cpu(lw, snmpd.port, args.cycles))
        rc = run_client(snmpd.port, args.requests, args.warmup)
        lw.check_alive()
        rss, hwm = status_kib(lw.pid, "VmRSS"), status_kib(lw.pid, "VmHWM")
        print(f"rss.vmrss_kib: {rss}")
        print(f"rss.vmrss_mib: {rss / 1024:.2f}")
        print(f"rss.vmhwm_kib: {hwm}")
        for index, row in sorted(collectors(snmpd.port).items()):
            name = row.get("lwCollectorName", str(index))
            runs = row.get("lwCollectorRuns", 0)
            print(f"collector.{name}.last_duration_us: {row.get('lwCollectorLastDurationUs')}")
            if runs:
                mean = row.get("lwCollectorTotalDurationUs", 0) / runs
                print(f"collector.{name}.mean_duration_us: {mean:.1f}")
            print(f"collector.{name}.runs: {runs}")
            print(f"collector.{name}.errors: {row.get('lwCollectorErrors')}")
        cpu_ok, rss_ok = pct <= BUDGET_CPU_PCT, rss <= BUDGET_RSS_KIB
        print(f"budget.cpu_pct_core_at_60s: {BUDGET_CPU_PCT} {'ok' if cpu_ok else 'OVER'}")
        print(f"budget.rss_kib: {BUDGET_RSS_KIB} {'ok' if rss_ok else 'OVER'}")
        ok = True
        if rc != 0:
            print(f"run-get-latency: snmp_get_latency exited {rc}", file=sys.stderr)
            return 1
        return 0 if cpu_ok and rss_ok else 3
    finally:
        code = lw.stop() if lw is not None and lw.proc is not None else None
        if snmpd is not None:
            snmpd.stop()
        if not ok or code not in (None, 0):
            print(f"run-get-latency: leakwatchd exit status {code}", file=sys.stderr)
            for d in (lw, snmpd):
                if d is not None:
                    print(tail(d.diagnostics(), 40), file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
