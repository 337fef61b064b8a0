#!/usr/bin/env python3
# run-mcast-bench.py: one sender core's top multicast rate over a veth: leakwatchd vs tcpdump.
# SPDX-License-Identifier: ISC
import argparse
import atexit
import os
import re
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
from benchlib import (REPO, binaries_missing, binary, loadavg, parse_keys, run,
                      unwind_on_signals)
from lwdaemons import Leakwatchd
from lwoids import (MCAST_GROUP_COLUMNS, MCAST_GROUP_ENTRY, MCAST_IF_COLUMNS,
                    MCAST_IF_ENTRY)
from lwsnmp import EXCEPTIONS, SnmpError, parse_varbinds, run_tool
from lwutil import GiveUp, WaitTimeout, leakwatchd_path, wait_until

SNMP_PORT = 1161                      # leakwatchd's master port on the receiver's 127.0.0.1
SENDER_ADDR, RECEIVER_ADDR = "10.254.0.1", "10.254.0.2"   # a /30 on the private veth
GROUP_PREFIX = "239.77.0."            # administratively scoped (RFC 2365) groups
RUNNING = 1                           # lwMcastIfCaptureState running(1)
# The kernel filter leakwatchd compiles on Ethernet (lw_mcast_filter(DLT_EN10MB) in
# src/mcast/mcastcap.c); used only if that file cannot be read, the source is parsed first.
_F = "(ip dst net 224.0.0.0/4 or ip6 dst net ff00::/8)"
FALLBACK_FILTER = f"{_F} or (vlan and ({_F} or (vlan and {_F})))"

_procs = []          # every Popen this script started, killed at exit if still running
_netns = []          # namespaces it created, deleted at exit if still there


@atexit.register
def _cleanup_at_exit():
    for p in _procs:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)   # its own session: only what it started
            except ProcessLookupError:
                pass
            p.wait()
    for name in list(_netns):
        subprocess.run(["ip", "netns", "del", name], check=False, stderr=subprocess.DEVNULL)
        _netns.remove(name)


def kernel_filter():
    """(filter string, where it came from): lw_mcast_filter(DLT_EN10MB) read from
    src/mcast/mcastcap.c (the MCAST_F macro and the C string literals of its Ethernet return)."""
    try:
        src = (REPO / "src" / "mcast" / "mcastcap.c").read_text()
        macro = re.search(r'#define MCAST_F "([^"]*)"', src).group(1)
        body = re.search(r"lw_mcast_filter\(int dlt\)\s*\{(.*?)\n\}", src, re.S).group(1)
        expr = re.search(r"return (MCAST_F[^;]*);", body).group(1)
        parts = re.findall(r'MCAST_F|"([^"]*)"', expr)
        tokens = re.findall(r'MCAST_F|"[^"]*"', expr)
        text = "".join(macro if t == "MCAST_F" else p for t, p in zip(tokens, parts))
        if text:
            return text, "src/mcast/mcastcap.c lw_mcast_filter(DLT_EN10MB)"
    except (OSError, AttributeError):
        pass
    return FALLBACK_FILTER, "built-in copy (src/mcast/mcastcap.c not parsed)"


# --- the two namespaces ---------------------------------------------------------------------
class Pair:
    """Two private network namespaces joined by a veth pair, IPv6 off, a /30 of 10.254/16."""

    def __init__(self, tag):
        self.ns_s, self.ns_r = f"lwmcS{tag}", f"lwmcR{tag}"
        self.dev_s, self.dev_r = f"lwmS{tag}", f"lwmR{tag}"   # at most 15 characters

    def wrap(self, ns, argv):
        return ["ip", "netns", "exec", ns, *[str(a) for a in argv]]

    def create(self):
        for ns in (self.ns_s, self.ns_r):
            run(["ip", "netns", "add", ns])
            _netns.append(ns)
            # before the veth exists: no link-local address, no MLD report, no RS on it
            run(self.wrap(ns, ["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1",
                               "net.ipv6.conf.default.disable_ipv6=1"]))
            run(["ip", "-n", ns, "link", "set", "lo", "up"])
        run(["ip", "link", "add", self.dev_s, "netns", self.ns_s, "type", "veth",
             "peer", "name", self.dev_r, "netns", self.ns_r])
        run(["ip", "-n", self.ns_s, "addr", "add", f"{SENDER_ADDR}/30", "dev", self.dev_s])
        run(["ip", "-n", self.ns_r, "addr", "add", f"{RECEIVER_ADDR}/30", "dev", self.dev_r])
        run(["ip", "-n", self.ns_s, "link", "set", self.dev_s, "up"])
        run(["ip", "-n", self.ns_r, "link", "set", self.dev_r, "up"])

        def both_up():
            return (self.stats(self.ns_s, self.dev_s, "operstate") == "up" and
                    self.stats(self.ns_r, self.dev_r, "operstate") == "up")
        wait_until(both_up, 10, interval=0.1, what="the veth pair to come up")

    def stats(self, ns, dev, *names):
        """/sys/class/net/DEV/NAME read inside ns (one process for all names): ints where the
        value is a number, a single value for a single name."""
        paths = [f"/sys/class/net/{dev}/" + (n if n in ("operstate", "ifindex") else
                                              f"statistics/{n}") for n in names]
        out = subprocess.run(self.wrap(ns, ["cat", *paths]), check=True, capture_output=True,
                             text=True).stdout.split()
        vals = [int(v) if v.isdigit() else v for v in out]
        return vals[0] if len(names) == 1 else dict(zip(names, vals))

    def counters(self):
        """What the wire did: the sender's tx and the receiver's rx, packets and drops."""
        s = self.stats(self.ns_s, self.dev_s, "tx_packets", "tx_dropped")
        r = self.stats(self.ns_r, self.dev_r, "rx_packets", "rx_dropped")
        return {"tx_packets": s["tx_packets"], "tx_dropped": s["tx_dropped"],
                "rx_packets": r["rx_packets"], "rx_dropped": r["rx_dropped"]}

    def delete(self):
        for ns in (self.ns_s, self.ns_r):
            if ns in _netns:
                subprocess.run(["ip", "netns", "del", ns], check=False)
                _netns.remove(ns)


# --- CPU from the scheduler -----------------------------------------------------------------
def thread_ns(pid):
    """{tid: ns on CPU} from /proc/PID/task/*/schedstat (field 1), every living thread."""
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out[int(task.name)] = int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return out


class CpuWindow:
    """Per-thread CPU of one process over a window, less each thread's idle rate (ns/s)
    measured just before: idle = {tid: ns/s}."""

    def __init__(self, pid):
        self.pid = pid
        self.idle = {}

    def measure_idle(self, seconds):
        a, t = thread_ns(self.pid), time.monotonic()
        time.sleep(seconds)
        b, t2 = thread_ns(self.pid), time.monotonic()
        self.idle = {tid: (b[tid] - a.get(tid, 0)) / (t2 - t) for tid in b}

    def start(self):
        self.t0, self.a = time.monotonic(), thread_ns(self.pid)

    def stop(self):
        self.t1, self.b = time.monotonic(), thread_ns(self.pid)
        span = self.t1 - self.t0
        self.excess = {tid: self.b[tid] - self.a.get(tid, 0) - self.idle.get(tid, 0) * span
                       for tid in self.b}
        self.raw = {tid: self.b[tid] - self.a.get(tid, 0) for tid in self.b}
        return span

    def named(self, comm):
        """(tid, ns above its idle rate, raw ns) of the thread called comm (leakwatchd names its
        capture threads mc:IFNAME)."""
        for tid in self.b:
            try:
                if Path(f"/proc/{self.pid}/task/{tid}/comm").read_text().strip() == comm:
                    return tid, self.excess[tid], self.raw[tid]
            except FileNotFoundError:
                continue
        raise GiveUp(f"no thread {comm!r} in process {self.pid}")

    def total(self):
        """(ns above the idle rate, raw ns), every thread."""
        return sum(self.excess.values()), sum(self.raw.values())

    def idle_us_per_s(self):
        return sum(self.idle.values()) / 1000


# --- one phase: the sender, alone or with a capture -----------------------------------------
def send(pair, args, groups, label, count=None):
    argv = pair.wrap(pair.ns_s, ["taskset", "-c", args.sender_cpu,
                                 binary("MCAST_SEND", "mcast_send"), "-i", SENDER_ADDR,
                                 "-g", ",".join(groups), "-p", args.port, "-s", args.payload,
                                 "-n", count or args.count, "-b", args.batch])
    if label:
        print(f"command.{label}: {shlex.join(argv)}", flush=True)
    p = subprocess.run(argv, capture_output=True, text=True, timeout=3600)
    if p.returncode != 0:
        raise SystemExit(f"run-mcast-bench: mcast_send exited {p.returncode}: {p.stderr.strip()}")
    return parse_keys(p.stdout)


def wire(before, after, res):
    """The send's figures: what the sender handed over, what the receiver's veth got."""
    d = {k: after[k] - before[k] for k in after}
    sent = int(res["sent"])
    return {"sent": sent, "errors": int(res["errors"]), "received": d["rx_packets"],
            "veth_lost": sent - d["rx_packets"], "tx_dropped": d["tx_dropped"],
            "rx_dropped": d["rx_dropped"], "sender_pps": float(res["pps"]),
            "sender_cpu_ns_per_pkt": float(res["cpu_seconds"]) * 1e9 / max(sent, 1),
            "sender_wall_ns_per_pkt": float(res["seconds"]) * 1e9 / max(sent, 1),
            "errors_by_errno": {k: v for k, v in res.items() if k.startswith("errors.")}}


def phase_alone(pair, args, groups, first):
    before = pair.counters()
    res = send(pair, args, groups, "mcast_send" if first else None)
    return wire(before, pair.counters(), res)


# --- leakwatchd -----------------------------------------------------------------------------
def snmp(pair, tool, *oids, extra=()):
    argv = pair.wrap(pair.ns_r, [tool, "-v2c", "-c", "public", "-On", "-Oe", "-t", "2", "-r", "1",
                                 *extra, f"udp:127.0.0.1:{SNMP_PORT}", *["." + o for o in oids]])
    return parse_varbinds(run_tool(argv, timeout=60))


def if_row(pair):
    """lwMcastIfTable's one row: {column name: value} (empty while there is no row)."""
    names = {str(sub): name for name, sub in MCAST_IF_COLUMNS.items()}
    row = {}
    for vb in snmp(pair, "snmpbulkwalk", MCAST_IF_ENTRY, extra=["-Cr40"]):
        column, _, index = vb.oid[len(MCAST_IF_ENTRY) + 1:].partition(".")
        if vb.type not in EXCEPTIONS:
            row[names.get(column, column)] = vb.text if vb.type == "STRING" else vb.value
            row["index"] = int(index)
    return row


def group_packets(pair):
    """lwMcastGroupPackets: {group address text: packets}."""
    col = f"{MCAST_GROUP_ENTRY}.{MCAST_GROUP_COLUMNS['lwMcastGroupPackets']}"
    out = {}
    for vb in snmp(pair, "snmpbulkwalk", col, extra=["-Cr40"]):
        if vb.type in EXCEPTIONS or not vb.oid.startswith(col + "."):
            continue
        parts = [int(x) for x in vb.oid[len(col) + 1:].split(".")]
        addr = parts[3:] if parts[2] == len(parts) - 3 else parts[2:]   # length-prefixed
        text = ".".join(map(str, addr)) if len(addr) == 4 else ":".join(
            f"{addr[i] << 8 | addr[i + 1]:x}" for i in range(0, len(addr), 2))
        out[text] = vb.value
    return out


def settled(pair, timeout=30):
    """lwMcastIfPackets once it has not changed for 2.5 s (publications are 1 s apart)."""
    deadline = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        value = if_row(pair).get("lwMcastIfPackets")
        if value != last:
            last, since = value, time.monotonic()
        elif time.monotonic() - since >= 2.5:
            return value
        time.sleep(0.25)
    raise WaitTimeout(f"lwMcastIfPackets still changing after {timeout} s")


def phase_leakwatch(pair, args, groups, tmp, rnd):
    lw = Leakwatchd(tmp / f"leakwatchd.{rnd}", master=True, port=SNMP_PORT, interval=1,
                    rocommunity="public 127.0.0.1", extra_lines=[f"mcast_interface {pair.dev_r}"],
                    wrapper=pair.wrap(pair.ns_r, ["taskset", "-c", args.capture_cpu]))
    try:
        lw.start()
        if rnd == 1:
            print(f"command.leakwatchd: {shlex.join(lw.cmdline)}", flush=True)
            print("leakwatchd.conf: " + " | ".join(
                ln for ln in lw.conf.read_text().splitlines() if not ln.startswith("#")))

        def running():
            lw.check_alive()
            return if_row(pair).get("lwMcastIfCaptureState") == RUNNING
        wait_until(running, 30, interval=0.3, what="lwMcastIfCaptureState running(1)")
        time.sleep(1)
        cpu = CpuWindow(lw.pid)
        cpu.measure_idle(args.idle)
        row0, groups0 = if_row(pair), group_packets(pair)
        before = pair.counters()
        cpu.start()
        res = send(pair, args, groups, None)
        time.sleep(args.drain)
        span = cpu.stop()
        out = wire(before, pair.counters(), res)
        settled(pair)
        lw.check_alive()
        row, per_group = if_row(pair), group_packets(pair)
        if "lwMcastIfPackets" not in row:
            raise GiveUp(f"no lwMcastIfTable row after the send: {row}")
        tid, thread_excess, thread_raw = cpu.named(f"mc:{pair.dev_r[:12]}")
        total_excess, total_raw = cpu.total()
        counted = row["lwMcastIfPackets"] - row0.get("lwMcastIfPackets", 0)
        out.update({
            "lw_packets": counted,
            "lw_drops": row["lwMcastIfDrops"] - row0.get("lwMcastIfDrops", 0),
            "lw_ifdrops": row["lwMcastIfIfDrops"] - row0.get("lwMcastIfIfDrops", 0),
            "lw_malformed": row["lwMcastIfMalformed"] - row0.get("lwMcastIfMalformed", 0),
            "lw_overflow": row["lwMcastIfGroupOverflow"] - row0.get("lwMcastIfGroupOverflow", 0),
            "lw_groups": {g: per_group.get(g, 0) - groups0.get(g, 0) for g in per_group},
            "lw_state": row["lwMcastIfCaptureState"],
            "window_s": span, "threads": len(cpu.b), "capture_tid": tid,
            "capture_cpu_ms": thread_excess / 1e6, "capture_cpu_raw_ms": thread_raw / 1e6,
            "daemon_cpu_ms": total_excess / 1e6, "daemon_cpu_raw_ms": total_raw / 1e6,
            "idle_us_per_s": cpu.idle_us_per_s(),
            "capture_ns_per_pkt": thread_excess / max(counted, 1),
            "daemon_ns_per_pkt": total_excess / max(counted, 1),
        })
        return out
    finally:
        if lw.alive():
            code = lw.stop()
            if code not in (0, None):
                print(f"run-mcast-bench: leakwatchd exited {code}\n{lw.diagnostics()[-3000:]}",
                      file=sys.stderr)


# --- tcpdump --------------------------------------------------------------------------------
def phase_tcpdump(pair, args, groups, tmp, rnd, filt):
    errpath = tmp / f"tcpdump.{rnd}.stderr"
    argv = pair.wrap(pair.ns_r, ["taskset", "-c", args.capture_cpu, "tcpdump", "-i", pair.dev_r,
                                 "-Q", "in", "-s", "128", "-B", "8192", "-w", "/dev/null", filt])
    if rnd == 1:
        print(f"command.tcpdump: {shlex.join(argv)}", flush=True)
    with open(errpath, "wb") as err:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err, start_new_session=True)
    _procs.append(proc)
    try:
        def listening():
            if proc.poll() is not None:
                raise GiveUp(f"tcpdump exited {proc.returncode}: {errpath.read_text()}")
            return "listening on" in errpath.read_text()
        wait_until(listening, 15, interval=0.1, what="tcpdump to listen")
        time.sleep(1)
        cpu = CpuWindow(proc.pid)   # ip netns exec and taskset exec: the same pid
        cpu.measure_idle(args.idle)
        before = pair.counters()
        cpu.start()
        res = send(pair, args, groups, None)
        time.sleep(args.drain)      # > tcpdump's 1 s ring timeout: its last block is read
        span = cpu.stop()
        out = wire(before, pair.counters(), res)
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
        text = errpath.read_text()
        stat = {}
        for key, pattern in (("td_captured", r"(\d+) packets? captured"),
                             ("td_received_by_filter", r"(\d+) packets? received by filter"),
                             ("td_dropped_by_kernel", r"(\d+) packets? dropped by kernel")):
            m = re.search(pattern, text)
            if m is None:
                raise SystemExit(f"run-mcast-bench: no '{key}' line from tcpdump:\n{text}")
            stat[key] = int(m.group(1))
        excess, raw = cpu.total()
        out.update(stat)
        out.update({"window_s": span, "td_cpu_ms": excess / 1e6, "td_cpu_raw_ms": raw / 1e6,
                    "idle_us_per_s": cpu.idle_us_per_s(),
                    "td_ns_per_pkt": excess / max(stat["td_captured"], 1)})
        return out
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --- report ---------------------------------------------------------------------------------
def expected_per_group(groups, sent, errors, count):
    """Round-robin shares when every packet went out and arrived; None otherwise."""
    if errors:
        return None
    return {g: count // len(groups) + (1 if i < count % len(groups) else 0)
            for i, g in enumerate(groups)}


def fmt(v):
    if isinstance(v, float):
        return f"{v:.1f}" if abs(v) < 1e5 else f"{v:.0f}"
    if isinstance(v, dict):
        return " ".join(f"{k}={fmt(x)}" for k, x in v.items()) or "none"
    return str(v)


def report_round(rnd, phase, res, keys):
    for key in keys:
        if key in res:
            print(f"round.{rnd}.{phase}.{key}: {fmt(res[key])}")
    for key, value in res.get("errors_by_errno", {}).items():
        print(f"round.{rnd}.{phase}.sender_{key}: {value}")
    sys.stdout.flush()


WIRE_KEYS = ["sent", "errors", "received", "veth_lost", "tx_dropped", "rx_dropped", "sender_pps",
             "sender_wall_ns_per_pkt", "sender_cpu_ns_per_pkt"]
LW_KEYS = WIRE_KEYS + ["lw_packets", "lw_drops", "lw_ifdrops", "lw_malformed", "lw_overflow",
                       "lw_groups", "lw_exact", "lw_groups_exact", "lw_state", "window_s",
                       "threads", "capture_tid", "capture_cpu_ms", "capture_cpu_raw_ms",
                       "capture_ns_per_pkt", "daemon_cpu_ms", "daemon_cpu_raw_ms",
                       "daemon_ns_per_pkt", "idle_us_per_s"]
TD_KEYS = WIRE_KEYS + ["td_captured", "td_received_by_filter", "td_dropped_by_kernel", "td_exact",
                       "window_s", "td_cpu_ms", "td_cpu_raw_ms", "td_ns_per_pkt",
                       "idle_us_per_s"]


def med(rows, key):
    return statistics.median(r[key] for r in rows)


def main():
    ap = argparse.ArgumentParser(description="Multicast capture at one sender core's top rate, "
                                 "in two private network namespaces joined by a veth pair: "
                                 "leakwatchd against tcpdump with the same kernel filter.")
    ap.add_argument("-r", "--rounds", type=int, default=3, help="a/b/c rounds (default 3)")
    ap.add_argument("-n", "--count", type=int, default=5000000,
                    help="packets per send (default 5000000, about 5 s)")
    ap.add_argument("-g", "--groups", type=int, default=4, help=f"groups {GROUP_PREFIX}1..N, "
                    "round-robin (default 4)")
    ap.add_argument("-s", "--payload", type=int, default=64, help="UDP payload bytes (64)")
    ap.add_argument("-b", "--batch", type=int, default=64, help="messages per sendmmsg (64)")
    ap.add_argument("-p", "--port", type=int, default=5000, help="UDP destination port (5000)")
    ap.add_argument("--sender-cpu", type=int, default=0, help="CPU of the sender (0)")
    ap.add_argument("--capture-cpu", type=int, default=1, help="CPU of leakwatchd/tcpdump (1)")
    ap.add_argument("--idle", type=float, default=3.0,
                    help="seconds of idle baseline before each capture's send (3)")
    ap.add_argument("--drain", type=float, default=2.0,
                    help="seconds after the send before the CPU window closes (2)")
    args = ap.parse_args()
    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M:%S %z')}")
    print(f"kernel: {' '.join(os.uname()[2:4])}")
    print(f"cpus: {os.cpu_count()}  sender on {args.sender_cpu}, capture on {args.capture_cpu}")
    print(f"loadavg_at_start: {loadavg()}", flush=True)
    if os.geteuid() != 0:
        print("run-mcast-bench: needs root (ip netns, packet capture); run it with sudo",
              file=sys.stderr)
        return 2
    if binaries_missing("run-mcast-bench", [("MCAST_SEND", binary("MCAST_SEND", "mcast_send")),
                                            ("LEAKWATCHD", leakwatchd_path())]):
        return 2
    if shutil.which("tcpdump") is None or shutil.which("taskset") is None:
        print("run-mcast-bench: needs tcpdump and taskset", file=sys.stderr)
        return 2
    if args.sender_cpu == args.capture_cpu or max(args.sender_cpu, args.capture_cpu) >= (
            os.cpu_count() or 1):
        print("run-mcast-bench: need two distinct online CPUs (--sender-cpu, --capture-cpu)",
              file=sys.stderr)
        return 2
    if not (1 <= args.groups <= 64 and args.count > 0 and args.rounds > 0):
        print("run-mcast-bench: need 1 <= --groups <= 64, --count > 0, --rounds > 0",
              file=sys.stderr)
        return 2
    filt, filt_src = kernel_filter()
    groups = [f"{GROUP_PREFIX}{i + 1}" for i in range(args.groups)]
    print(f"filter: {filt}\nfilter.source: {filt_src}")

    unwind_on_signals()
    tmp = Path(tempfile.mkdtemp(prefix="lw-mcastbench-"))
    pair = Pair(os.getpid())
    try:
        try:
            pair.create()
        except (subprocess.CalledProcessError, WaitTimeout) as exc:
            print(f"run-mcast-bench: namespace setup failed: {exc}", file=sys.stderr)
            return 1
        print(f"netns: {pair.ns_s} ({pair.dev_s} {SENDER_ADDR}/30) <-> {pair.ns_r} "
              f"({pair.dev_r} {RECEIVER_ADDR}/30), IPv6 disabled in both")
        print(f"groups: {' '.join(groups)}  port {args.port}, payload {args.payload} B, frame "
              f"{args.payload + 42} B, {args.count} packets per send, batch {args.batch}",
              flush=True)
        warm = send(pair, args, groups, None, count=min(args.count, 200000))
        print(f"warmup: {warm['sent']} packets at {float(warm['pps']):.0f} pps (not counted)",
              flush=True)
        rounds = []
        for rnd in range(1, args.rounds + 1):
            a = phase_alone(pair, args, groups, rnd == 1)
            report_round(rnd, "a", a, WIRE_KEYS)
            order = ("b", "c") if rnd % 2 else ("c", "b")
            got = {}
            for phase in order:
                if phase == "b":
                    res = phase_leakwatch(pair, args, groups, tmp, rnd)
                    want = (expected_per_group(groups, res["sent"], res["errors"], args.count)
                            if res["veth_lost"] == 0 else None)
                    res["lw_exact"] = "ok" if res["lw_packets"] == res["received"] else "MISSED"
                    res["lw_groups_exact"] = (
                        "n/a (the veth lost packets: shares unknown)" if want is None else
                        "ok" if res["lw_groups"] == want else f"MISSED (want {fmt(want)})")
                    report_round(rnd, "b", res, LW_KEYS)
                else:
                    res = phase_tcpdump(pair, args, groups, tmp, rnd, filt)
                    res["td_exact"] = "ok" if res["td_captured"] == res["received"] else "MISSED"
                    report_round(rnd, "c", res, TD_KEYS)
                got[phase] = res
            rounds.append((a, got["b"], got["c"]))

        # --- summary ----------------------------------------------------------------------
        A, B, C = ([r[i] for r in rounds] for i in range(3))
        print("--- summary ---")
        print(f"loadavg_at_end: {loadavg()}")
        print(f"order: a b c in odd rounds, a c b in even rounds; {args.rounds} rounds")
        for phase, rows in (("a", A), ("b", B), ("c", C)):
            for key in ("sender_pps", "sender_wall_ns_per_pkt", "sender_cpu_ns_per_pkt"):
                print(f"median.{phase}.{key}: {fmt(med(rows, key))}")
            print(f"median.{phase}.veth_lost: {fmt(med(rows, 'veth_lost'))}")
        for key in ("capture_ns_per_pkt", "daemon_ns_per_pkt", "capture_cpu_ms",
                    "daemon_cpu_ms", "idle_us_per_s"):
            print(f"median.b.lw_{key}: {med(B, key):.2f}")
        for key in ("td_ns_per_pkt", "td_cpu_ms", "idle_us_per_s"):
            print(f"median.c.{key}: {med(C, key):.2f}")
        cap, dmn = med(B, "capture_ns_per_pkt"), med(B, "daemon_ns_per_pkt")
        td = med(C, "td_ns_per_pkt")
        print(f"ratio_tcpdump_over_leakwatch.cpu_per_pkt: {td / cap:.2f}  # against the capture "
              "thread")
        print(f"ratio_tcpdump_over_leakwatch.cpu_per_pkt_whole_daemon: {td / dmn:.2f}  # against "
              "every thread less the idle rate")
        base = med(A, "sender_wall_ns_per_pkt")
        print(f"kernel_tap.leakwatch_ns_per_pkt: {med(B, 'sender_wall_ns_per_pkt') - base:.1f}"
              "  # the sender core's extra time per packet with the capture on (receive softirq)")
        print(f"kernel_tap.tcpdump_ns_per_pkt: {med(C, 'sender_wall_ns_per_pkt') - base:.1f}")
        print(f"sender.max_pps: {med(A, 'sender_pps'):.0f}  # alone, median")
        print(f"sender.pps_with_leakwatch: {med(B, 'sender_pps'):.0f}  "
              f"({med(B, 'sender_pps') / med(A, 'sender_pps') * 100:.0f} % of alone)")
        print(f"sender.pps_with_tcpdump: {med(C, 'sender_pps'):.0f}  "
              f"({med(C, 'sender_pps') / med(A, 'sender_pps') * 100:.0f} % of alone)")
        print("received_over_sent: " + " ".join(
            f"{r[p]['received']}/{r[p]['sent']}" for r in rounds for p in range(3))
              + "  # a b c of each round")
        for i, (a, b, c) in enumerate(rounds, 1):
            print(f"summary.round.{i}: sent {b['sent']} received {b['received']} "
                  f"leakwatch {b['lw_packets']} drops {b['lw_drops']} "
                  f"{b['capture_ns_per_pkt']:.1f} ns/pkt | tcpdump {c['td_captured']} drops "
                  f"{c['td_dropped_by_kernel']} {c['td_ns_per_pkt']:.1f} ns/pkt | sender pps "
                  f"alone {a['sender_pps']:.0f}, with leakwatch {b['sender_pps']:.0f}, with "
                  f"tcpdump {c['sender_pps']:.0f}")
        # per group: n/a (not a miss) when the veth itself lost packets and the shares are unknown
        exact = all(b["lw_exact"] == "ok" and not b["lw_groups_exact"].startswith("MISSED")
                    for b in B)
        drops = all(b["lw_drops"] == 0 for b in B)
        print(f"tcpdump.exact: {'ok' if all(c['td_exact'] == 'ok' for c in C) else 'MISSED'}  "
              f"(dropped by kernel: {' '.join(str(c['td_dropped_by_kernel']) for c in C)})")
        print(f"goal.exact: {'ok' if exact else 'MISSED'}  (lwMcastIfPackets = rx_packets "
              "delta and lwMcastGroupPackets = the round-robin share, every round)")
        print(f"goal.zero_drops: {'ok' if drops else 'MISSED'}  (lwMcastIfDrops: "
              f"{' '.join(str(b['lw_drops']) for b in B)})")
        print(f"goal.at_max_rate: sender unpaced in every round, "
              f"{med(B, 'sender_pps') / med(A, 'sender_pps') * 100:.0f} % of its rate alone "
              f"(tcpdump: {med(C, 'sender_pps') / med(A, 'sender_pps') * 100:.0f} %): the "
              "receive softirq, filter and ring copy run on the sender's core")
        print(f"goal: {'met' if exact and drops else 'MISSED'}", flush=True)
        return 0
    except KeyboardInterrupt as exc:
        print(f"run-mcast-bench: interrupted ({str(exc) or 'Ctrl-C'}); cleaning up",
              file=sys.stderr)
        return 130
    except (AssertionError, SnmpError, subprocess.CalledProcessError,
            subprocess.TimeoutExpired) as exc:   # GiveUp, WaitTimeout, a daemon that would not stop
        print(f"run-mcast-bench: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip the rest
        _cleanup_at_exit()
        pair.delete()
        shutil.rmtree(tmp, ignore_errors=True)
        left = [ns for ns in (pair.ns_s, pair.ns_r)
                if subprocess.run(["ip", "netns", "pids", ns], capture_output=True).returncode == 0]
        print(f"cleanup.netns_left: {' '.join(left) or 'none'}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
