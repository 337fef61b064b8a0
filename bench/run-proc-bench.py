#!/usr/bin/env python3
# run-proc-bench.py: with 10k idle processes, proc_cost, then lwProcTable walks vs hrSWRunPerfMem.
# SPDX-License-Identifier: ISC
import argparse
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# benchlib first: it puts tests/integration, where the lw* modules are, on sys.path
from benchlib import binaries_missing, binary, emit, status_kib
import lwber
from lwdaemons import Daemon
from lwharness import (Leakwatchd, Snmpd, leakwatchd_path, snmpget, tool_env,
                       wait_until)
from lwsnmp import run_tool
from lwoids import LW_OBJECTS, collector_cell

LW_PROC_TABLE = LW_OBJECTS + ".3.1"             # lwProcTable
LW_PROC_RSS = LW_PROC_TABLE + ".1.9"            # lwProcRssKB column
LW_PROC_ROWS = LW_OBJECTS + ".3.5.0"            # lwProcRows
HR_SWRUN_PERF_MEM = "1.3.6.1.2.1.25.5.1.1.2"    # HOST-RESOURCES-MIB::hrSWRunPerfMem
PROCESSES = 5                                   # lwCollectorIndex of the processes collector
AGENTX_TIMEOUT_S = 1.0                          # agentXTimeout of the harness's snmpd
GOAL_WALK_RATIO = 2.0
INTERVAL = 60


# --- minimal SNMPv2c GETBULK over UDP, to time each PDU without a tool's start-up -------------
def getbulk(sock, community, reqid, oid, reps):
    """One GETBULK; returns (error-status, [(oid, value tag)])."""
    sock.send(lwber.message(lwber.GETBULK, community.encode(), reqid, [(oid, lwber.NULL)],
                            0, reps))
    while True:
        rid, status, vbs = lwber.response(sock.recv(65535))
        if rid == reqid:
            return status, [(o, tag) for o, tag, _ in vbs]
        # else a stale answer: keep reading


def pdu_latency(port, subtree, reps, timeout=5.0):
    """Walk subtree one GETBULK at a time; return (rows, PDUs, [seconds per PDU])."""
    times, rows, oid, prefix = [], 0, subtree, subtree + "."
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.connect(("127.0.0.1", port))
        sock.settimeout(timeout)
        reqid = random.randrange(1, 1 << 30)
        while True:
            reqid += 1
            t0 = time.monotonic()
            status, vbs = getbulk(sock, "public", reqid, oid, reps)
            times.append(time.monotonic() - t0)
            if status:
                raise RuntimeError(f"GETBULK after {oid}: error-status {status}")
            inside = [o for o, tag in vbs if o.startswith(prefix) and tag not in (0x80, 0x81, 0x82)]
            rows += len(inside)
            if len(inside) < len(vbs) or not vbs:
                return rows, len(times), times
            oid = vbs[-1][0]


# --- the tools ------------------------------------------------------------------------------
def walk(port, oid, reps=50):
    argv = ["snmpbulkwalk", "-v2c", "-c", "public", f"-Cr{reps}", "-On", "-t", "10", "-r", "0",
            f"udp:127.0.0.1:{port}", "." + oid]
    t0 = time.monotonic()
    p = subprocess.run(argv, env=tool_env(), capture_output=True, text=True, timeout=600)
    wall = time.monotonic() - t0
    if p.returncode != 0 or "Timeout" in p.stderr:
        raise RuntimeError(f"{' '.join(argv)} exited {p.returncode}: {p.stderr.strip()}")
    return wall, sum(1 for line in p.stdout.splitlines() if line.startswith("." + oid + ".")), argv


def start_idle(count):
    argv = [str(binary("SPAWN_IDLE", "spawn_idle")), "-n", str(count), "-e"]
    print(f"command.spawn_idle: {' '.join(argv)}", flush=True)
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    last = ""
    for last in p.stdout:
        emit("spawn.", last)
        if last.strip() in ("ready", "incomplete"):
            break
    if p.poll() is not None or last.strip() != "ready":
        p.stdin.close()
        p.wait(300)
        raise SystemExit("run-proc-bench: spawn_idle could not start every process")
    return p


def stop_idle(p):
    p.stdin.close()  # EOF: spawn_idle kills its process group and reaps it
    emit("spawn.", p.stdout.read())
    p.wait(300)


class SnmpdSubagent(Daemon):
    """A second snmpd in AgentX subagent mode (-X) serving only hrSWRun: snmpd's own table
    behind the same AgentX hop as leakwatchd, the transport's baseline."""

    name = "snmpd-subagent"
    MODULES = "swrun,hrSWRunTable,hrSWRunPerfTable"

    def __init__(self, tmpdir, master):
        super().__init__(tmpdir)
        self.master = master
        self.conf = self.tmpdir / "snmpd.conf"
        self.log_path = self.tmpdir / "snmpd.log"

    def start(self):
        self.conf.write_text(f"agentXSocket {self.master.agentx}\n")
        env = tool_env()
        env.update(SNMP_PERSISTENT_DIR=str(self.tmpdir / "persist"), MIBS="")
        self._spawn(["/usr/sbin/snmpd", "-f", "-C", "-c", self.conf, "-Lf", self.log_path, "-X",
                     "-I", self.MODULES, "-x", self.master.agentx], env)

        def served():
            self.check_alive()
            out = run_tool(["snmpgetnext", "-v2c", "-c", "public", "-On", "-t", "2", "-r", "0",
                            f"udp:127.0.0.1:{self.master.port}", "." + HR_SWRUN_PERF_MEM])
            return out.startswith("." + HR_SWRUN_PERF_MEM + ".")
        wait_until(served, 30, what="hrSWRunPerfMem through the second master")
        return self


def compare_walks(sources, runs):
    """Interleaved walks of every (name, port, oid) after one warm-up walk of each."""
    result = {}
    for name, port, oid in sources:
        wall, rows, argv = walk(port, oid)
        print(f"command.walk_{name}: {' '.join(argv)}")
        print(f"walk.{name}.warmup_s: {wall:.3f}\nwalk.{name}.warmup_rows: {rows}", flush=True)
        result[name] = []
    for _ in range(runs):
        for name, port, oid in sources:
            result[name].append(walk(port, oid)[:2])
    medians = {}
    for name, runs_ in result.items():
        walls = [w for w, _ in runs_]
        medians[name] = statistics.median(walls)
        print(f"walk.{name}.runs_s: {' '.join(f'{w:.3f}' for w in walls)}")
        print(f"walk.{name}.rows: {' '.join(str(r) for _, r in runs_)}")
        print(f"walk.{name}.best_s: {min(walls):.3f}\nwalk.{name}.median_s: {medians[name]:.3f}")
    for a, b, why in (("lw", "hr", "the goal: lwProcRssKB through snmpd vs snmpd's own table"),
                      ("lw", "hr_agentx", "same AgentX hop: snmpd's table from a subagent"),
                      ("lw_direct", "hr", "no AgentX hop: leakwatchd's own listener (-M)")):
        if a in medians and b in medians:
            print(f"ratio_{a}_over_{b}.median: {medians[a] / medians[b]:.2f}  # {why}")
    sys.stdout.flush()
    return medians["lw"] / medians["hr"]


def report_pdus(port, name, subtree, reps):
    rows, pdus, times = pdu_latency(port, subtree, reps)
    ms = sorted(t * 1e3 for t in times)
    print(f"pdu.{name}.rows: {rows}\npdu.{name}.pdus: {pdus}\npdu.{name}.max_repetitions: {reps}")
    print(f"pdu.{name}.total_s: {sum(ms) / 1e3:.3f}\n"
          f"pdu.{name}.mean_ms: {sum(ms) / len(ms):.2f}")
    print(f"pdu.{name}.p50_ms: {ms[len(ms) // 2]:.2f}\npdu.{name}.p99_ms: "
          f"{ms[min(len(ms) - 1, int(len(ms) * 0.99))]:.2f}\npdu.{name}.max_ms: {ms[-1]:.2f}",
          flush=True)
    return ms[-1] / 1e3


def main():
    ap = argparse.ArgumentParser(description="leakwatch with many processes: collection cost vs "
                                 "ps, lwProcTable walk vs hrSWRunPerfMem, per-PDU latency.")
    ap.add_argument("-n", "--processes", type=int, default=10000, help="idle processes to add")
    ap.add_argument("-m", "--rounds", type=int, default=11,
                    help="proc_cost rounds (a leakwatch cycle, a ps run, a floor round each)")
    ap.add_argument("--walks", type=int, default=3, help="timed walks of each table")
    ap.add_argument("--skip-proc-cost", action="store_true")
    args = ap.parse_args()
    need = [("SPAWN_IDLE", binary("SPAWN_IDLE", "spawn_idle")), ("LEAKWATCHD", leakwatchd_path())]
    if not args.skip_proc_cost:
        need.append(("PROC_COST", binary("PROC_COST", "proc_cost")))
    if binaries_missing("run-proc-bench", need):
        return 2

    idle = start_idle(args.processes)
    tmp = Path(tempfile.mkdtemp(prefix="lw-procbench-"))
    snmpd = lw = None
    extra = []  # the baselines' daemons
    try:
        if not args.skip_proc_cost:
            argv = [str(binary("PROC_COST", "proc_cost")), "-m", str(args.rounds)]
            print(f"command.proc_cost: {' '.join(argv)}", flush=True)
            p = subprocess.run(argv, capture_output=True, text=True, timeout=3600)
            emit("proc_cost.", p.stdout)
            if p.returncode != 0:
                raise SystemExit(f"run-proc-bench: proc_cost exited {p.returncode}: {p.stderr}")
        snmpd = Snmpd(tmp / "snmpd").start()
        lw = Leakwatchd(tmp / "leakwatchd", snmpd=snmpd, interval=INTERVAL).start()
        t0 = time.monotonic()

        def rows_at(port):
            lw.check_alive()
            vb = snmpget(port, LW_PROC_ROWS, timeout=2)[0]
            return vb.value if isinstance(vb.value, int) and vb.value >= args.processes else None
        served = wait_until(lambda: rows_at(snmpd.port), 180, interval=0.5,
                            what=f"lwProcRows >= {args.processes}")
        print(f"leakwatchd.pid: {lw.pid}\nleakwatchd.interval_s: {INTERVAL}")
        print(f"leakwatchd.served_after_s: {time.monotonic() - t0:.1f}\nlwProcRows: {served}")
        cells = snmpget(snmpd.port, collector_cell("lwCollectorLastDurationUs", PROCESSES),
                        collector_cell("lwCollectorRuns", PROCESSES))
        print(f"leakwatchd.processes_last_duration_us: {cells[0].value}\n"
              f"leakwatchd.processes_runs: {cells[1].value}")
        print(f"leakwatchd.vmrss_kib: {status_kib(lw.pid, 'VmRSS')}\n"
              f"leakwatchd.vmhwm_kib: {status_kib(lw.pid, 'VmHWM')}", flush=True)
        # baselines: snmpd's hrSWRun behind the same AgentX hop (a second master without it,
        # a second snmpd as its subagent), and leakwatchd answering on its own port (-M)
        master2 = Snmpd(tmp / "snmpd2", modules_off=SnmpdSubagent.MODULES.split(",")).start()
        extra.append(master2)
        extra.append(SnmpdSubagent(tmp / "snmpd-subagent", master2).start())
        direct = Leakwatchd(tmp / "leakwatchd-direct", master=True, interval=INTERVAL,
                            rocommunity="public 127.0.0.1").start()
        extra.append(direct)
        wait_until(lambda: rows_at(direct.port), 180, interval=0.5,
                   what=f"lwProcRows >= {args.processes} from leakwatchd -M")
        print(f"snmpd2.port: {master2.port}\nleakwatchd_direct.port: {direct.port}", flush=True)
        ratio = compare_walks([("lw", snmpd.port, LW_PROC_RSS),
                               ("hr", snmpd.port, HR_SWRUN_PERF_MEM),
                               ("hr_agentx", master2.port, HR_SWRUN_PERF_MEM),
                               ("lw_direct", direct.port, LW_PROC_RSS)], args.walks)
        # leakwatchd's PDUs are the ones the AgentX timeout applies to; snmpd's for comparison
        worst = max(report_pdus(snmpd.port, "lwProcRssKB", LW_PROC_RSS, 50),
                    report_pdus(snmpd.port, "lwProcTable", LW_PROC_TABLE, 50))
        report_pdus(snmpd.port, "hrSWRunPerfMem", HR_SWRUN_PERF_MEM, 50)
        runs = snmpget(snmpd.port, collector_cell("lwCollectorRuns", PROCESSES))[0].value
        print(f"leakwatchd.processes_runs_at_end: {runs}")
        print(f"leakwatchd.vmrss_kib_after_walks: {status_kib(lw.pid, 'VmRSS')}\n"
              f"leakwatchd.vmhwm_kib_after_walks: {status_kib(lw.pid, 'VmHWM')}\n"
              f"snmpd.vmrss_kib_after_walks: {status_kib(snmpd.pid, 'VmRSS')}")
        walk_ok, pdu_ok = ratio <= GOAL_WALK_RATIO, worst < AGENTX_TIMEOUT_S / 2
        print(f"goal.walk_ratio_median_max: {GOAL_WALK_RATIO} {'ok' if walk_ok else 'MISSED'}")
        print(f"goal.pdu_max_s_below_half_agentx_timeout: {AGENTX_TIMEOUT_S / 2} "
              f"{'ok' if pdu_ok else 'MISSED'}", flush=True)
        return 0 if walk_ok and pdu_ok else 3
    finally:
        for d in reversed(extra):
            d.stop()
        code = lw.stop() if lw is not None and lw.proc is not None else None
        if snmpd is not None:
            snmpd.stop()
        if code not in (None, 0):
            print(f"run-proc-bench: leakwatchd exit status {code}\n{lw.diagnostics()[-4000:]}",
                  file=sys.stderr)
        stop_idle(idle)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
