#!/usr/bin/env python3
# run-budget.py: the design budget's host (1k processes, 10k sockets) and the whole leakwatchd on it.
# SPDX-License-Identifier: ISC
import argparse
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

# benchlib first: it puts tests/integration, where the lw* modules are, on sys.path
from benchlib import (CLK_TCK, bench_module, binaries_missing, binary, cpu_ticks, emit,
                      loadavg, sched_ns, status_kib, unwind_on_signals)

getlat = bench_module("run_get_latency", "run-get-latency.py")
tcpbench = bench_module("run_tcp_bench", "run-tcp-bench.py")

from lwdaemons import Leakwatchd
from lwoids import COLLECTOR_COLUMNS, COLLECTOR_ENTRY, LW, LW_OBJECTS, system_oid
from lwsnmp import EXCEPTIONS, SnmpError, parse_varbinds, run_tool
from lwutil import GiveUp, WaitTimeout, leakwatchd_path, wait_until

BUDGET_CPU_PCT = getlat.BUDGET_CPU_PCT      # of one core, at the default 60 s interval
BUDGET_RSS_KIB = getlat.BUDGET_RSS_KIB      # 16 MiB
BUDGET_INTERVAL_S = 60
LW_TCP_SOCKETS = LW_OBJECTS + ".4.4.0"      # lwTcpSockets.0
LW_PROC_ROWS = LW_OBJECTS + ".3.5.0"        # lwProcRows.0
LW_PROCESS_COUNT = system_oid("lwProcessCount")
COLUMN_NAMES = {str(sub): name for name, sub in COLLECTOR_COLUMNS.items()}


def count_processes():
    """Entries /proc/[0-9]* right now: every process of the host (kernel threads included)."""
    return sum(1 for e in os.scandir("/proc") if e.name[:1] in "123456789")


# --- SNMP through the namespace ------------------------------------------------------------
def snmp(ns, tool, port, *oids, timeout=5, extra=(), run_timeout=120):
    argv = ns.wrap([tool, "-v2c", "-c", "public", "-On", "-Oe", "-t", str(timeout), "-r", "0",
                    *extra, f"udp:127.0.0.1:{port}", *["." + o for o in oids]])
    return parse_varbinds(run_tool(argv, timeout=run_timeout))


def get_int(ns, port, oid):
    vb = snmp(ns, "snmpget", port, oid)[0]
    return vb.value if vb.type not in EXCEPTIONS and isinstance(vb.value, int) else None


def collector_rows(ns, port):
    """lwCollectorTable as {index: {column name: value}}, walked numerically in the netns."""
    rows = {}
    for vb in snmp(ns, "snmpbulkwalk", port, COLLECTOR_ENTRY, extra=["-Cr50"]):
        column, index = vb.oid[len(COLLECTOR_ENTRY) + 1:].split(".")
        value = vb.text if vb.type == "STRING" else vb.value
        rows.setdefault(int(index), {})[COLUMN_NAMES.get(column, column)] = value
    return rows


def max_runs(rows):
    return max(r.get("lwCollectorRuns", 0) for r in rows.values())


def walk_mib(ns, port):
    """One snmpbulkwalk of the whole LEAKWATCH-MIB as an NMS does it: (seconds, varbinds)."""
    argv = ns.wrap(["snmpbulkwalk", "-v2c", "-c", "public", "-Cr50", "-On", "-t", "10", "-r", "0",
                    f"udp:127.0.0.1:{port}", "." + LW])
    t0 = time.monotonic()
    out = run_tool(argv, timeout=900)
    return time.monotonic() - t0, sum(1 for line in out.splitlines()
                                      if line.startswith("." + LW + ".")), argv


# --- CPU of the daemon's threads -----------------------------------------------------------
def thread_ns(pid):
    """{tid: (comm, ns of CPU)} from /proc/PID/task/*/schedstat (field 1)."""
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            ns = int((task / "schedstat").read_text().split()[0])
            comm = (task / "comm").read_text().strip()
        except (FileNotFoundError, ProcessLookupError):
            continue
        out[int(task.name)] = (comm, ns)
    return out


class RssSampler:
    """Samples the daemon's VmRSS in a thread while in use: the kernel's VmHWM is only brought
    up to date at some events (an unmap, an exit), so it can miss a short peak or read lower
    later than an earlier reading; the largest sample and the largest VmHWM seen are both kept."""

    def __init__(self, pid, period):
        self.pid, self.period = pid, period
        self.max_rss = self.max_hwm = self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self):
        try:
            rss = status_kib(self.pid, "VmRSS")
            hwm = status_kib(self.pid, "VmHWM")
        except (FileNotFoundError, ProcessLookupError, KeyError):
            return
        self.max_rss, self.max_hwm = max(self.max_rss, rss), max(self.max_hwm, hwm)
        self.samples += 1

    def _run(self):
        while not self._stop.wait(self.period):
            self.sample()

    def __enter__(self):
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.sample()


# --- the process fleet ---------------------------------------------------------------------
class Fleet:
    """spawn_idle -n COUNT -e in its own session, stopped through its stdin (EOF)."""

    def __init__(self, count):
        self.argv = [str(binary("SPAWN_IDLE", "spawn_idle")), "-n", str(count), "-e"]
        print(f"command.spawn_idle: {shlex.join(self.argv)}", flush=True)
        # own session: a Ctrl-C reaches only this script, which then stops the fleet in order
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, start_new_session=True)
        self.pgid = None

    def wait_ready(self):
        for line in self.proc.stdout:
            emit("spawn.", line)
            key, sep, value = line.strip().partition(": ")
            if sep and key == "pgid":
                self.pgid = int(value)
            if line.strip() in ("ready", "incomplete"):
                if line.strip() != "ready":
                    raise SystemExit("run-budget: spawn_idle could not start every process")
                return
        raise SystemExit(f"run-budget: spawn_idle exited ({self.proc.poll()}) before ready")

    def stop(self):
        if self.proc.poll() is None:
            try:  # EOF on its stdin: spawn_idle SIGKILLs its group and reaps every child
                emit("spawn.", self.proc.communicate(timeout=120)[0])
            except subprocess.TimeoutExpired:
                self.proc.kill()  # its children exit by themselves once its pipe closes
                if self.pgid:
                    try:
                        os.killpg(self.pgid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                self.proc.communicate()


def leftovers(sessions):
    """Processes still alive in the sessions this script started: {pid: comm}."""
    found = {}
    for e in os.scandir("/proc"):
        if not e.name.isdigit():
            continue
        try:
            text = Path(f"/proc/{e.name}/stat").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        fields = text[text.rindex(")") + 2:].split()
        if int(fields[3]) in sessions and fields[0] != "Z":
            found[int(e.name)] = text[text.index("(") + 1:text.rindex(")")]
    return found


# --- the measurement -----------------------------------------------------------------------
def wait_cycle_end(ns, port, timeout):
    """Poll until the sampler completes a cycle; return the monotonic time it was seen."""
    r = max_runs(collector_rows(ns, port))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.1)
        if max_runs(collector_rows(ns, port)) > r:
            return time.monotonic()
    raise WaitTimeout(f"no sampling cycle completed within {timeout} s")


def measure(ns, port, lw, interval, cycles):
    """CPU of the whole daemon over exactly `cycles` cycles: the window opens and closes half an
    interval after a cycle (the sampler's cadence is drift-free: cycle_start + interval), so
    both edges fall in idle time; every SNMP request of the script is outside the window."""
    seen = wait_cycle_end(ns, port, 3 * interval + 30)
    time.sleep(max(0.0, seen + interval / 2 - 0.3 - time.monotonic()))
    rows0 = collector_rows(ns, port)
    sockets0 = get_int(ns, port, LW_TCP_SOCKETS)
    procs0 = count_processes()
    t0, ticks0, threads0 = time.monotonic(), cpu_ticks(lw.pid), thread_ns(lw.pid)
    ns0 = sched_ns(lw.pid)
    with RssSampler(lw.pid, 0.5) as rss:
        time.sleep(max(0.0, t0 + cycles * interval - time.monotonic()))
    ns1 = sched_ns(lw.pid)
    t1, ticks1, threads1 = time.monotonic(), cpu_ticks(lw.pid), thread_ns(lw.pid)
    procs1 = count_processes()
    rows1 = collector_rows(ns, port)
    sockets1 = get_int(ns, port, LW_TCP_SOCKETS)
    return dict(window=t1 - t0, ns=ns1 - ns0, ticks=ticks1 - ticks0, threads0=threads0,
                threads1=threads1, rows0=rows0, rows1=rows1, sockets=(sockets0, sockets1),
                procs=(procs0, procs1), rss=rss)


def main():
    ap = argparse.ArgumentParser(description="The design budget's host (1k processes, 10k "
                                 "sockets in a private network namespace) and the whole "
                                 "leakwatchd measured against <= 0.1 % of one core at a 60 s "
                                 "interval and <= 16 MiB RSS.")
    ap.add_argument("-p", "--processes", type=int, default=1000,
                    help="processes on the host in total, topped up with spawn_idle (1000)")
    ap.add_argument("-c", "--connections", type=int, default=5000,
                    help="loopback connections in the netns, two sockets each (5000)")
    ap.add_argument("--cycles", type=int, default=12, help="sampling cycles measured (12)")
    ap.add_argument("--interval", type=int, default=5,
                    help="leakwatchd's interval during the measurement, s (5)")
    ap.add_argument("--walks", type=int, default=5, help="whole-MIB walks of the poll phase (5)")
    ap.add_argument("--keep", action="store_true", help="leave the netns for inspection")
    args = ap.parse_args()
    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"kernel: {' '.join(os.uname()[2:4])}")
    print(f"cpus: {os.cpu_count()}")
    print(f"loadavg_at_start: {loadavg()}  # 1, 5, 15 min, running/total tasks: other work on "
          "the machine", flush=True)
    if os.geteuid() != 0:
        print("run-budget: needs root (ip netns); run it with sudo", file=sys.stderr)
        return 2
    if binaries_missing("run-budget", [("TCP_SOCKETS", binary("TCP_SOCKETS", "tcp_sockets")),
                                       ("SPAWN_IDLE", binary("SPAWN_IDLE", "spawn_idle")),
                                       ("LEAKWATCHD", leakwatchd_path())]):
        return 2
    if args.cycles < 1 or args.interval < 1 or args.connections < 1 or args.walks < 0:
        ap.error("--cycles, --interval and -c must be at least 1, --walks at least 0")

    unwind_on_signals()
    tmp = Path(tempfile.mkdtemp(prefix="lw-budget-"))
    ns = sockets = fleet = snmpd = lw = None
    sessions = set()
    try:
        # 1. the host: 10k sockets in a private netns, then processes up to the total
        ns = tcpbench.Netns(f"lwbench{os.getpid()}")
        ns.create()
        print(f"netns: {ns.name}\nnetns.sysctl: net.core.somaxconn=65535 "
              f"net.ipv4.tcp_max_syn_backlog=65535 "
              f"net.ipv4.ip_local_port_range={tcpbench.PORT_RANGE}", flush=True)
        sockets = tcpbench.Sockets(ns, [binary("TCP_SOCKETS", "tcp_sockets"),
                                        "-n", args.connections,
                                        "-b", tcpbench.LISTEN_PORT_BASE, "-e"])
        sessions.add(sockets.proc.pid)
        sockets.wait_ready()
        before = count_processes()
        need = args.processes - before
        print(f"processes.before_top_up: {before}  # /proc/[0-9]*, the socket builder included")
        print(f"processes.to_add: {max(0, need)}", flush=True)
        if need > 0:
            fleet = Fleet(need)
            sessions.add(fleet.proc.pid)
            fleet.wait_ready()
        print(f"processes.after_top_up: {count_processes()}  # snmpd and leakwatchd come on "
              "top", flush=True)

        # 2. snmpd and leakwatchd inside the netns
        snmpd = tcpbench.NetnsSnmpd(tmp / "snmpd", ns).start()
        sessions.add(snmpd.pid)
        t_start = time.monotonic()
        lw = Leakwatchd(tmp / "leakwatchd", agentx=snmpd.agentx, port=snmpd.port,
                        interval=args.interval, wrapper=ns.wrap([])).start()
        sessions.add(lw.pid)
        print(f"command.leakwatchd: {shlex.join(lw.cmdline)}")
        print(f"leakwatchd.config: {' | '.join(lw.conf.read_text().splitlines()[1:])}", flush=True)

        # 3. the first snapshot (the cold cycle), then the window
        def first_snapshot():
            lw.check_alive()
            return (get_int(ns, snmpd.port, LW_TCP_SOCKETS) is not None
                    and get_int(ns, snmpd.port, LW_PROC_ROWS) is not None)
        wait_until(first_snapshot, 120, interval=0.2, what="leakwatchd's first snapshot")
        comm = Path(f"/proc/{lw.pid}/comm").read_text().strip()
        if comm != "leakwatchd":
            raise SystemExit(f"run-budget: pid {lw.pid} is {comm!r}, not leakwatchd")
        print(f"leakwatchd.pid: {lw.pid}")
        st = lw.binary.stat()
        print(f"leakwatchd.binary: {lw.binary}  ({st.st_size} bytes, built "
              f"{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(st.st_mtime))})")
        print(f"leakwatchd.first_snapshot_after_s: {time.monotonic() - t_start:.2f}")
        print(f"leakwatchd.cpu_until_first_snapshot_ms: {sched_ns(lw.pid) / 1e6:.1f}"
              "  # start-up, AgentX registration and the cold first cycle")
        print(f"leakwatchd.vmhwm_kib_after_first_snapshot: {status_kib(lw.pid, 'VmHWM')}",
              flush=True)
        print(f"measure.interval_s: {args.interval}\nmeasure.cycles: {args.cycles}\n"
              f"measure.expected_s: {args.cycles * args.interval}  # plus one cycle to align",
              flush=True)
        m = measure(ns, snmpd.port, lw, args.interval, args.cycles)
        lw.check_alive()
        rows0, rows1 = m["rows0"], m["rows1"]
        done = max_runs(rows1) - max_runs(rows0)
        if done <= 0:
            raise SystemExit("run-budget: leakwatchd ran no sampling cycle in the window")
        rss_window = status_kib(lw.pid, "VmRSS")
        hwm_window = max(status_kib(lw.pid, "VmHWM"), m["rss"].max_hwm)
        tcp_sockets = get_int(ns, snmpd.port, LW_TCP_SOCKETS)
        ss = subprocess.run(ns.wrap(["ss", "-tanH"]), capture_output=True, text=True, check=True)
        ss_sockets = len(ss.stdout.splitlines())
        lw_procs = get_int(ns, snmpd.port, LW_PROCESS_COUNT)
        lw_rows = get_int(ns, snmpd.port, LW_PROC_ROWS)

        # 4. an NMS-like poll: whole-MIB walks, then the memory again
        poll_runs0 = max_runs(collector_rows(ns, snmpd.port))
        poll_threads0, poll_ns0 = thread_ns(lw.pid), sched_ns(lw.pid)
        walks = []
        with RssSampler(lw.pid, 0.05) as poll_rss:
            for i in range(args.walks):
                secs, n, argv = walk_mib(ns, snmpd.port)
                if i == 0:
                    print(f"command.walk: {shlex.join(argv)}")
                walks.append((secs, n))
        poll_ns = sched_ns(lw.pid) - poll_ns0
        poll_agent_ns = thread_ns(lw.pid)[lw.pid][1] - poll_threads0[lw.pid][1]
        poll_cycles = max_runs(collector_rows(ns, snmpd.port)) - poll_runs0
        lw.check_alive()
        rss_poll = status_kib(lw.pid, "VmRSS")
        # what the RSS is made of: the daemon's own memory, and library code and data pages
        # (net-snmp, libcrypto, SQLite, libpcap) shared with snmpd and every other user
        rss_parts = {k: status_kib(lw.pid, k) for k in ("RssAnon", "RssFile", "RssShmem")}
        hwm_poll = max(status_kib(lw.pid, "VmHWM"), poll_rss.max_hwm)

        # --- report ---------------------------------------------------------------------------
        print(f"processes.during_window: {m['procs'][0]} at start, {m['procs'][1]} at end  "
              "# /proc/[0-9]*, the whole host")
        print(f"processes.lwProcessCount: {lw_procs}")
        print(f"processes.lwProcRows: {lw_rows}")
        print(f"sockets.lwTcpSockets: {tcp_sockets}  (window start {m['sockets'][0]}, "
              f"end {m['sockets'][1]})")
        print(f"sockets.ss_tanH_in_netns: {ss_sockets}")
        print(f"cpu.window_s: {m['window']:.2f}")
        print(f"cpu.cycles: {done}")
        for index, row in sorted(rows1.items()):
            name = row.get("lwCollectorName", str(index))
            old = rows0.get(index, {})
            runs = row.get("lwCollectorRuns", 0) - old.get("lwCollectorRuns", 0)
            total = (row.get("lwCollectorTotalDurationUs", 0)
                     - old.get("lwCollectorTotalDurationUs", 0))
            print(f"collector.{name}.last_duration_us: {row.get('lwCollectorLastDurationUs')}")
            if runs > 0:
                print(f"collector.{name}.mean_duration_us_in_window: {total / runs:.0f}  "
                      f"({runs} runs)")
        cycle_wall = sum(r.get("lwCollectorLastDurationUs", 0) for r in rows1.values())
        print(f"collector.all.last_duration_us_sum: {cycle_wall}  # wall time of the last cycle")
        us_cycle = m["ns"] / 1e3 / done
        agent_ns = sampler_ns = 0
        for tid, (tcomm, ns1) in m["threads1"].items():
            delta = ns1 - m["threads0"].get(tid, (tcomm, 0))[1]
            if tid == lw.pid:
                agent_ns += delta
            else:
                sampler_ns += delta
        agent_us, sampler_us = agent_ns / 1e3 / done, sampler_ns / 1e3 / done
        pct = us_cycle / (BUDGET_INTERVAL_S * 1e6) * 100
        # upper bound: every agent-thread microsecond taken as time-driven (AgentX pings every
        # 5 s), so it grows 60/interval times at 60 s; the sampler's work is per cycle
        upper_us = sampler_us + agent_us * BUDGET_INTERVAL_S / args.interval
        pct_upper = upper_us / (BUDGET_INTERVAL_S * 1e6) * 100
        print(f"cpu.threads: {len(m['threads1'])}  "
              f"({', '.join(sorted({c for c, _ in m['threads1'].values()}))})")
        print(f"cpu.us_per_cycle: {us_cycle:.0f}  # whole daemon, all threads, schedstat ns")
        print(f"cpu.sampler_thread_us_per_cycle: {sampler_us:.0f}")
        print(f"cpu.agent_thread_us_per_cycle: {agent_us:.0f}  # snapshot hand-over, AgentX "
              "pings")
        print(f"cpu.ticks_us_per_cycle: {m['ticks'] * 1e6 / CLK_TCK / done:.0f}  "
              f"# /proc/PID/stat utime+stime, resolution {1e6 / CLK_TCK / done:.0f} us")
        print(f"cpu.pct_core_at_{args.interval}s_measured: "
              f"{us_cycle / (args.interval * 1e6) * 100:.4f}")
        print(f"cpu.pct_core_at_60s: {pct:.4f}  # = cpu.us_per_cycle / 60 s: the work is per "
              f"cycle, measured at interval {args.interval} s")
        print(f"cpu.pct_core_at_60s_upper: {pct_upper:.4f}  # agent thread scaled x"
              f"{BUDGET_INTERVAL_S / args.interval:g} as if all time-driven (pings)")
        print(f"rss.vmrss_kib_after_window: {rss_window}")
        print(f"rss.vmrss_kib_max_in_window: {m['rss'].max_rss}  ({m['rss'].samples} samples, "
              "every 0.5 s)")
        print(f"rss.vmhwm_kib_after_window: {hwm_window}  # largest VmHWM read so far")
        if walks:
            print(f"poll.walks: {len(walks)}")
            print(f"poll.walk_s: {' '.join(f'{s:.2f}' for s, _ in walks)}")
            print(f"poll.varbinds: {' '.join(str(n) for _, n in walks)}")
            walk_us = max(0.0, poll_ns / 1e3 - poll_cycles * us_cycle) / len(walks)
            agent_walk_us = poll_agent_ns / 1e3 / len(walks)
            print(f"poll.leakwatchd_cpu_ms: {poll_ns / 1e6:.1f}  ({poll_cycles} sampling "
                  "cycles ran during the walks)")
            print(f"poll.leakwatchd_cpu_ms_per_walk: {walk_us / 1e3:.1f}  # less those cycles "
                  "at cpu.us_per_cycle")
            print(f"poll.agent_thread_cpu_ms_per_walk: {agent_walk_us / 1e3:.1f}  # the thread "
                  "that answers")
            print(f"poll.pct_core_at_60s_with_one_walk_per_cycle: "
                  f"{(us_cycle + walk_us) / (BUDGET_INTERVAL_S * 1e6) * 100:.4f}  # not part of "
                  "the budget figure")
        print(f"rss.vmrss_kib_after_polls: {rss_poll}")
        print("rss.parts_kib_after_polls: " + " ".join(f"{k}={v}" for k, v in rss_parts.items())
              + "  # RssAnon: the daemon's own; RssFile: mapped libraries, shared")
        print(f"rss.vmrss_kib_max_in_polls: {poll_rss.max_rss}  ({poll_rss.samples} samples, "
              "every 0.05 s)")
        print(f"rss.vmhwm_kib_after_polls: {hwm_poll}  # largest VmHWM read: peak since start, "
              "cold cycle included")
        print(f"loadavg_at_end: {loadavg()}")

        cpu_ok = pct <= BUDGET_CPU_PCT
        peak = max(hwm_window, hwm_poll, m["rss"].max_rss, poll_rss.max_rss)
        rss_ok = peak <= BUDGET_RSS_KIB
        print("--- summary ---")
        print(f"summary.host: {m['procs'][1]} processes (target {args.processes}), "
              f"{tcp_sockets} TCP sockets seen by leakwatchd ({ss_sockets} by ss) in netns "
              f"{ns.name}")
        print(f"summary.cycle: {us_cycle:.0f} us CPU per cycle (sampler {sampler_us:.0f}, agent "
              f"{agent_us:.0f}), collectors' wall {cycle_wall} us, over {done} cycles at "
              f"{args.interval} s")
        print(f"summary.cpu: {pct:.4f} % of one core at 60 s (budget <= {BUDGET_CPU_PCT} %) "
              f"{'PASS' if cpu_ok else 'MISS'}  ({pct / BUDGET_CPU_PCT * 100:.0f} % of the "
              f"budget; upper bound {pct_upper:.4f} %)")
        print(f"summary.rss: peak VmHWM {peak / 1024:.2f} MiB, VmRSS {rss_poll / 1024:.2f} MiB "
              f"after {len(walks)} whole-MIB walks (budget <= {BUDGET_RSS_KIB // 1024} MiB) "
              f"{'PASS' if rss_ok else 'MISS'}")
        if walks:
            print(f"summary.poll: one whole-MIB walk ({walks[-1][1]} varbinds) costs leakwatchd "
                  f"{walk_us / 1e3:.0f} ms of CPU; one per 60 s would add "
                  f"{walk_us / (BUDGET_INTERVAL_S * 1e6) * 100:.4f} % of one core (informative: "
                  "not in summary.cpu)")
        print(f"summary.loadavg: {loadavg()} at end (other work on the machine)")
        print(f"summary.budget: {'PASS' if cpu_ok and rss_ok else 'MISS'}", flush=True)
        return 0 if cpu_ok and rss_ok else 3
    except KeyboardInterrupt as exc:
        print(f"run-budget: interrupted ({str(exc) or 'Ctrl-C'}); cleaning up", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip the rest
        cleanup(ns, sockets, fleet, snmpd, lw, sessions, args.keep)
        shutil.rmtree(tmp, ignore_errors=True)


def cleanup(ns, sockets, fleet, snmpd, lw, sessions, keep):
    """Stop everything this script started, each step on its own, then check nothing is left."""
    steps = []
    if lw is not None:
        steps.append(("leakwatchd", lambda: report_exit(lw)))
    if snmpd is not None:
        steps.append(("snmpd", snmpd.stop))
    if sockets is not None:
        steps.append(("tcp_sockets", sockets.stop))
    if fleet is not None:
        steps.append(("spawn_idle", fleet.stop))
    for what, step in steps:
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - go on with the rest of the cleanup
            print(f"run-budget: stopping {what}: {exc}", file=sys.stderr)
    left = leftovers(sessions)
    for pid in left:  # only processes of the sessions this script started
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if ns is not None:
        ns.close(keep)
    netns_left = ns is not None and not keep and ns.name in subprocess.run(
        ["ip", "netns", "list"], capture_output=True, text=True).stdout.split()
    print(f"cleanup.processes_left: {len(left)}"
          + (f"  (killed: {', '.join(f'{p} {c}' for p, c in sorted(left.items()))})"
             if left else ""))
    print(f"cleanup.netns_left: {'yes' if netns_left else 'no'}", flush=True)


def report_exit(lw):
    code = lw.stop() if lw.proc is not None else None
    if code not in (None, 0):
        print(f"run-budget: leakwatchd exit status {code}\n{lw.diagnostics()[-4000:]}",
              file=sys.stderr)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (GiveUp, WaitTimeout, SnmpError) as exc:
        print(f"run-budget: {exc}", file=sys.stderr)
        sys.exit(1)
