#!/usr/bin/env python3
# run-tcp-bench.py: 100k+ loopback sockets in a private netns: tcp_cost, TCP-MIB vs lwTcp walks.
# SPDX-License-Identifier: ISC
import argparse
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# benchlib first: it puts tests/integration, where the lw* modules are, on sys.path
from benchlib import (binaries_missing, binary, cpu_ticks, emit, parse_keys, run, status_kib,
                      unwind_on_signals)
from lwdaemons import Daemon, Leakwatchd
from lwoids import AGENT_SCALARS, COLLECTOR_ENTRY, LW_OBJECTS, SYS_UPTIME
from lwsnmp import tool_env
from lwutil import GiveUp, WaitTimeout, leakwatchd_path, wait_until

TCP_CONNECTION_STATE = "1.3.6.1.2.1.6.19.1.7"   # TCP-MIB::tcpConnectionState
LW_TCP = LW_OBJECTS + ".4"
LW_TCP_TABLES = [("lwTcpStateTable", LW_TCP + ".1"),
                 ("lwTcpTopRemoteTable", LW_TCP + ".2"),
                 ("lwTcpPortStateTable", LW_TCP + ".3")]
SNMP_PORT = 1161                 # below the ephemeral range set in the netns
LISTEN_PORT_BASE = 5000          # tcp_sockets' listeners, also below it
PORT_RANGE = "10000 65000"       # per netns: room for every client 4-tuple
GOAL_LW_OVER_FLOOR = 1.25
GOAL_SS_OVER_LW = 1.6
MEM_SLACK_KIB = 64               # "independent of socket count": full <= small + this


class Netns:
    """A private network namespace: only lo, up; deleted by close() unless kept."""

    def __init__(self, name):
        self.name = name
        self.created = False

    def create(self):
        run(["ip", "netns", "add", self.name])
        self.created = True
        name = self.name
        run(["ip", "-n", name, "link", "set", "lo", "up"])
        # per-netns sysctls: the accept backlog and the client port range
        run(["ip", "netns", "exec", name, "sysctl", "-q", "-w", "net.core.somaxconn=65535",
             "net.ipv4.tcp_max_syn_backlog=65535", f"net.ipv4.ip_local_port_range={PORT_RANGE}"])

    def wrap(self, argv):
        return ["ip", "netns", "exec", self.name, *[str(a) for a in argv]]

    def close(self, keep):
        if not self.created:
            return
        if keep:
            print(f"netns.kept: {self.name}  # remove with: ip netns del {self.name}", flush=True)
            return
        subprocess.run(["ip", "netns", "del", self.name], check=False)
        self.created = False


class Sockets:
    """tcp_sockets inside the netns, driven through its stdin (`grow`, `tw`, EOF to stop)."""

    def __init__(self, ns, argv):
        self.argv = ns.wrap(argv)
        print(f"command.tcp_sockets: {shlex.join(self.argv)}", flush=True)
        # own session: a Ctrl-C reaches only this script, which then stops the builder in order
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, start_new_session=True)
        self.stage = {}

    def wait_ready(self, timeout=300):
        deadline = time.monotonic() + timeout
        self.stage = {}
        for line in self.proc.stdout:
            emit("sockets.", line)
            key, sep, value = line.strip().partition(": ")
            if sep:
                self.stage[key] = value
            if line.strip() in ("ready", "incomplete"):
                if line.strip() != "ready":
                    raise SystemExit("run-tcp-bench: tcp_sockets could not make every connection")
                return self.stage
            if time.monotonic() > deadline:
                break
        raise SystemExit(f"run-tcp-bench: tcp_sockets exited or stalled ({self.proc.poll()})")

    def command(self, word):
        self.proc.stdin.write(word + "\n")
        self.proc.stdin.flush()
        return self.wait_ready()

    def stop(self):
        if self.proc.poll() is None:
            try:  # EOF on its stdin: the workers reset their connections and exit
                emit("sockets.", self.proc.communicate(timeout=30)[0])
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # its own group: it and its workers
                self.proc.communicate()


def tcp_cost(ns, rounds, label, prefix):
    argv = ns.wrap([binary("TCP_COST", "tcp_cost"), "-m", rounds])
    print(f"command.tcp_cost_{label}: {shlex.join(argv)}", flush=True)
    p = subprocess.run(argv, capture_output=True, text=True, timeout=1800)
    emit(prefix, p.stdout)
    if p.returncode != 0:
        raise SystemExit(f"run-tcp-bench: tcp_cost exited {p.returncode}: {p.stderr}")
    return parse_keys(p.stdout)


# --- SNMP: a private snmpd and leakwatchd, both inside the netns ---------------------------
class NetnsSnmpd(Daemon):
    """snmpd in the netns: TCP-MIB there, AgentX master on a unix socket in a private directory
    (a pathname socket is reachable from any network namespace)."""

    name = "snmpd"

    def __init__(self, tmpdir, ns):
        super().__init__(tmpdir)
        self.ns = ns
        self.port = SNMP_PORT
        self.conf = self.tmpdir / "snmpd.conf"
        self.log_path = self.tmpdir / "snmpd.log"
        sockdir = self.tmpdir / "agentx"
        sockdir.mkdir(mode=0o700, exist_ok=True)
        self.agentx = f"unix:{sockdir / 'master'}"

    def start(self):
        self.conf.write_text("rocommunity public 127.0.0.1\nmaster agentx\n"
                             f"agentXSocket {self.agentx}\n")
        env = tool_env()
        env.update(SNMP_PERSISTENT_DIR=str(self.tmpdir / "persist"), MIBS="")
        # -I -smux: no SMUX listener on TCP 199 (one socket more in the tables)
        self._spawn(self.ns.wrap(["/usr/sbin/snmpd", "-f", "-Lf", self.log_path, "-C", "-c",
                                  self.conf, "-I", "-smux", f"udp:127.0.0.1:{self.port}"]), env)
        print(f"command.snmpd: {shlex.join(self.cmdline)}", flush=True)

        def ready():
            self.check_alive()
            return snmp(self.ns, "snmpget", self.port, SYS_UPTIME, timeout=1).returncode == 0
        wait_until(ready, 30, interval=0.2, what=f"snmpd on udp:127.0.0.1:{self.port} in the netns")
        return self


def snmp(ns, tool, port, oid, timeout=30, extra=()):
    argv = ns.wrap([tool, "-v2c", "-c", "public", "-On", "-t", str(timeout), "-r", "0", *extra,
                    f"udp:127.0.0.1:{port}", "." + oid])
    return subprocess.run(argv, env=tool_env(), capture_output=True, text=True,
                          timeout=3600)


def walk(ns, port, oid):
    """One snmpbulkwalk (50 repetitions a PDU): (seconds, varbinds under oid, argv), varbinds
    None when the agent has no such object."""
    argv = ns.wrap(["snmpbulkwalk", "-v2c", "-c", "public", "-Cr50", "-On", "-t", "30", "-r", "0",
                    f"udp:127.0.0.1:{port}", "." + oid])
    t0 = time.monotonic()
    p = subprocess.run(argv, env=tool_env(), capture_output=True, text=True, timeout=3600)
    wall = time.monotonic() - t0
    if p.returncode != 0 or "Timeout" in p.stderr:
        raise RuntimeError(f"{shlex.join(argv)} exited {p.returncode}: {p.stderr.strip()}")
    n = sum(1 for line in p.stdout.splitlines() if line.startswith("." + oid + "."))
    if n == 0 and ("No Such Object" in p.stdout or "No Such Instance" in p.stdout
                   or "No more variables" in p.stdout or not p.stdout.strip()):
        return wall, None, argv
    return wall, n, argv


def daemons_ticks(*daemons):
    """utime + stime of the daemons still running, clock ticks."""
    total = 0
    for d in daemons:
        try:
            total += cpu_ticks(d.pid)
        except (FileNotFoundError, TypeError):
            pass
    return total


def tcp_collector_duration(ns, port):
    """lwCollectorLastDurationUs of the collector named `tcp`, if leakwatchd has one."""
    names = snmp(ns, "snmpbulkwalk", port, COLLECTOR_ENTRY + ".2", extra=["-Cr50"]).stdout
    for line in names.splitlines():
        oid, _, value = line.partition(" = ")
        if value.strip() == 'STRING: "tcp"':
            index = oid.rsplit(".", 1)[1]
            out = snmp(ns, "snmpget", port, f"{COLLECTOR_ENTRY}.5.{index}").stdout
            return out.rsplit(":", 1)[1].strip() if ":" in out else None
    return None


def start_leakwatchd(ns, tmp, snmpd):
    """leakwatchd attached to snmpd, or None (with the reason printed) if it does not attach or
    does not serve lwTcpStateTable: that figure is then unavailable, the rest still measured."""
    lw = Leakwatchd(tmp / "leakwatchd", agentx=snmpd.agentx, port=snmpd.port, interval=5,
                    wrapper=ns.wrap([])).start()
    print(f"command.leakwatchd: {shlex.join(lw.cmdline)}", flush=True)

    def attached():
        lw.check_alive()
        out = snmp(ns, "snmpget", snmpd.port, AGENT_SCALARS["lwSampleInterval"], timeout=1)
        return out.returncode == 0 and "No Such" not in out.stdout

    def tcp_served():
        lw.check_alive()
        return walk(ns, snmpd.port, LW_TCP_TABLES[0][1])[1]
    try:
        wait_until(attached, 30, interval=0.2, what="leakwatchd to attach to snmpd")
        # the first cycle runs at start: a few seconds for 100k sockets
        wait_until(tcp_served, 20, interval=1, what="lwTcpStateTable from leakwatchd")
    except (GiveUp, WaitTimeout) as exc:
        why = str(exc).splitlines()[0]
        print(f"snmp.lwtcp: unavailable ({why}; a leakwatchd without the lwTcp tables answers "
              "No Such Object)", flush=True)
        return lw, {}
    info = {"tcp_last_duration_us": tcp_collector_duration(ns, snmpd.port),
            "vmrss_kib": status_kib(lw.pid, "VmRSS"), "vmhwm_kib": status_kib(lw.pid, "VmHWM")}
    for key, value in info.items():
        print(f"leakwatchd.{key}: {value}", flush=True)
    return lw, info


def snmp_compare(ns, tmp, walks):
    """TCP-MIB tcpConnectionState through snmpd vs the three lwTcp tables through leakwatchd;
    returns (tcpmib seconds, tcpmib varbinds, lw seconds, lw varbinds, leakwatchd info), the
    lw figures None and the info empty when leakwatchd does not serve the tables."""
    snmpd = lw = None
    try:
        snmpd = NetnsSnmpd(tmp / "snmpd", ns).start()
        lw, info = start_leakwatchd(ns, tmp, snmpd)
        lw_available = bool(info)
        sources = [("tcpmib", [("tcpConnectionState", TCP_CONNECTION_STATE)])]
        if lw_available:
            sources.append(("lwtcp", LW_TCP_TABLES))
        results = {name: [] for name, _ in sources}
        cold, hz = {}, os.sysconf("SC_CLK_TCK")
        for run_no in range(walks + 1):   # run 0: the warm-up (snmpd fills its TCP cache)
            for name, tables in sources:
                t_ticks = daemons_ticks(snmpd, lw)
                total, counts = 0.0, []
                for table, oid in tables:
                    wall, n, argv = walk(ns, snmpd.port, oid)
                    if run_no == 0:
                        print(f"command.walk_{table}: {shlex.join(argv)}")
                    total += wall
                    counts.append(n or 0)
                ticks = daemons_ticks(snmpd, lw) - t_ticks
                if run_no == 0:
                    cold[name] = total
                    print(f"snmp.{name}.warmup_s: {total:.3f}\n"
                          f"snmp.{name}.warmup_agent_cpu_ms: {ticks * 1000 / hz:.0f}")
                    for (table, _), n in zip(tables, counts):
                        print(f"snmp.{name}.{table}.varbinds: {n}")
                else:
                    # one GETBULK per 50 varbinds, one more to step past each table
                    pdus = sum(n // 50 + 1 for n in counts)
                    results[name].append((total, sum(counts), ticks, pdus))
        med = {}
        for name, runs in results.items():
            secs = [r[0] for r in runs]
            med[name] = (statistics.median(secs), runs[-1][1])
            print(f"snmp.{name}.runs_s: {' '.join(f'{s:.3f}' for s in secs)}")
            print(f"snmp.{name}.varbinds: {' '.join(str(r[1]) for r in runs)}")
            print(f"snmp.{name}.pdus: {runs[-1][3]}")
            print(f"snmp.{name}.median_s: {med[name][0]:.3f}")
            print(f"snmp.{name}.agent_cpu_ms_median: "
                  f"{statistics.median(r[2] for r in runs) * 1000 / hz:.0f}"
                  "  # snmpd + leakwatchd CPU during the walk")
        if "lwtcp" in med:
            print(f"ratio_tcpmib_over_lwtcp.seconds: {med['tcpmib'][0] / med['lwtcp'][0]:.1f}")
            print(f"ratio_tcpmib_over_lwtcp.varbinds: {med['tcpmib'][1] / med['lwtcp'][1]:.1f}")
        sys.stdout.flush()
        lw_s, lw_n = med.get("lwtcp", (None, None))
        return med["tcpmib"][0], med["tcpmib"][1], lw_s, lw_n, info, cold["tcpmib"]
    finally:
        code = lw.stop() if lw is not None and lw.alive() else None
        if snmpd is not None:
            snmpd.stop()
        if code not in (None, 0) or (lw is not None and lw.returncode() not in (None, 0)):
            print(f"run-tcp-bench: leakwatchd exit status {lw.returncode()}\n"
                  f"{lw.diagnostics()[-4000:]}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description="leakwatch's TCP collector with 100k+ loopback "
                                 "sockets in a private network namespace: vs the bare sock_diag "
                                 "dump, /proc/net/tcp, ss -tan; TCP-MIB walk vs lwTcp tables.")
    ap.add_argument("-n", "--connections", type=int, default=55000,
                    help="connections held at full size, two sockets each (default 55000)")
    ap.add_argument("-s", "--small", type=int, default=5000,
                    help="connections of the first, small measurement (memory at two sizes)")
    ap.add_argument("-m", "--rounds", type=int, default=15, help="tcp_cost rounds")
    ap.add_argument("--walks", type=int, default=3, help="timed walks of each (after a warm-up)")
    ap.add_argument("--keep", action="store_true", help="leave the netns for inspection")
    ap.add_argument("--no-snmp", action="store_true", help="skip snmpd, leakwatchd and the walks")
    args = ap.parse_args()
    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"kernel: {' '.join(os.uname()[2:4])}", flush=True)
    if os.geteuid() != 0:
        print("run-tcp-bench: needs root (ip netns); run it with sudo", file=sys.stderr)
        return 2
    need = [("TCP_SOCKETS", binary("TCP_SOCKETS", "tcp_sockets")),
            ("TCP_COST", binary("TCP_COST", "tcp_cost"))]
    if not args.no_snmp:
        need.append(("LEAKWATCHD", leakwatchd_path()))
    if binaries_missing("run-tcp-bench", need):
        return 2
    if not 0 < args.small < args.connections:
        print("run-tcp-bench: need 0 < --small < --connections", file=sys.stderr)
        return 2

    unwind_on_signals()  # so the finally below always runs
    tmp = Path(tempfile.mkdtemp(prefix="lw-tcpbench-"))
    ns = sockets = None
    try:
        ns = Netns(f"lwbench{os.getpid()}")
        ns.create()
        print(f"netns: {ns.name}\nnetns.sysctl: net.core.somaxconn=65535 "
              f"net.ipv4.tcp_max_syn_backlog=65535 net.ipv4.ip_local_port_range={PORT_RANGE}")
        sockets = Sockets(ns, [binary("TCP_SOCKETS", "tcp_sockets"), "-n", args.connections,
                               "-s", args.small, "-b", LISTEN_PORT_BASE, "-e"])
        small_stage = sockets.wait_ready()
        small = tcp_cost(ns, args.rounds, "small", "small.")
        full_stage = sockets.command("grow")
        full = tcp_cost(ns, args.rounds, "full", "tcp_cost.")
        snmp_res = None
        if not args.no_snmp:
            sockets.command("tw")  # the first batch of TIME_WAIT is gone after 60 s
            snmp_res = snmp_compare(ns, tmp, args.walks)

        # --- summary ------------------------------------------------------------------------
        lw_floor = float(full["ratio_leakwatch_over_floor.wall"].split()[0])
        ss_lw = float(full["ratio_ss_over_leakwatch.wall"].split()[0])
        mem = {k: (int(small[f"leakwatch.{k}"]), int(full[f"leakwatch.{k}"]))
               for k in ("vmhwm_growth_kib", "vmrss_growth_kib_after_rounds")}
        n_small, n_full = small["floor.sockets"].split()[0], full["floor.sockets"].split()[0]
        ok_floor, ok_ss = lw_floor <= GOAL_LW_OVER_FLOOR, ss_lw >= GOAL_SS_OVER_LW
        # the goal on the growth measured with only the collector running (tcp_cost.c says why)
        ok_mem = mem["vmhwm_growth_kib"][1] <= mem["vmhwm_growth_kib"][0] + MEM_SLACK_KIB
        print("--- summary ---")
        print(f"summary.kernel: {os.uname()[2]}")
        print(f"summary.sockets_small: {n_small}  ({small_stage.get('connections')} connections)")
        print(f"summary.sockets_full: {n_full}  ({full_stage.get('connections')} connections)")
        for key, value in full.items():
            if key.startswith("floor.state."):
                print(f"summary.state.{key[len('floor.state.'):]}: {value.split()[0]}")
        for m in ("leakwatch", "floor", "floor_all_bits", "procnet", "ss"):
            print(f"summary.{m}_ms: {full[m + '.wall_ms.median']} median, "
                  f"{full[m + '.wall_ms.min']} min, cpu {full[m + '.cpu_ms.median']} "
                  f"(saw {full[m + '.sockets'].split()[0]} sockets)")
        print(f"summary.leakwatch_over_floor: {lw_floor:.2f}  (goal <= {GOAL_LW_OVER_FLOOR}) "
              f"{'PASS' if ok_floor else 'MISS'}  "
              f"(cpu {full['ratio_leakwatch_over_floor.cpu']})")
        print(f"summary.ss_over_leakwatch: {ss_lw:.2f}  (goal >= {GOAL_SS_OVER_LW}) "
              f"{'PASS' if ok_ss else 'MISS'}  (cpu {full['ratio_ss_over_leakwatch.cpu']})")
        print("summary.procnet_over_leakwatch: "
              f"{full['ratio_procnet_over_leakwatch.wall'].split()[0]}")
        print("summary.leakwatch_over_floor_all_bits: "
              f"{full['ratio_leakwatch_over_floor_all_bits.wall'].split()[0]}"
              "  (vs a floor also asking for TCP_BOUND_INACTIVE, bit 13, as ~TCPF_LISTEN does)")
        print(f"summary.memory: leakwatch VmHWM growth {mem['vmhwm_growth_kib'][0]} KiB at "
              f"{n_small} sockets, {mem['vmhwm_growth_kib'][1]} KiB at {n_full}; VmRSS growth "
              f"after the rounds {mem['vmrss_growth_kib_after_rounds'][0]} / "
              f"{mem['vmrss_growth_kib_after_rounds'][1]} KiB  (goal: VmHWM growth at full <= "
              f"small + {MEM_SLACK_KIB} KiB) {'PASS' if ok_mem else 'MISS'}")
        if snmp_res is not None:
            mib_s, mib_n, lw_s, lw_n, info, mib_cold = snmp_res
            print(f"summary.snmp_tcpmib_walk: {mib_s:.3f} s, {mib_n} varbinds  (the first walk, "
                  f"snmpd's TCP cache cold as a periodic poll finds it: {mib_cold:.3f} s)")
            if lw_s is None:
                print("summary.snmp_lwtcp_walk: unavailable (noSuchObject from leakwatchd)")
            else:
                print(f"summary.snmp_lwtcp_walk: {lw_s:.3f} s, {lw_n} varbinds  "
                      f"(TCP-MIB costs {mib_s / lw_s:.1f}x the time, {mib_n / lw_n:.0f}x the "
                      "varbinds)")
                print(f"summary.leakwatchd: VmRSS {info['vmrss_kib']} KiB, VmHWM "
                      f"{info['vmhwm_kib']} KiB, tcp collector last run "
                      f"{info['tcp_last_duration_us']} us, at {n_full} sockets")
        sys.stdout.flush()
        return 0 if ok_floor and ok_ss and ok_mem else 3
    except KeyboardInterrupt as exc:
        print(f"run-tcp-bench: interrupted ({str(exc) or 'Ctrl-C'}); cleaning up", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip the rest
        if sockets is not None:
            sockets.stop()
        if ns is not None:
            ns.close(args.keep)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (GiveUp, WaitTimeout) as exc:
        print(f"run-tcp-bench: {exc}", file=sys.stderr)
        sys.exit(1)
