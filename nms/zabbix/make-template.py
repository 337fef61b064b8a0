#!/usr/bin/env python3
# Generates the Zabbix 6.0 template nms/zabbix/leakwatch-zabbix-6.0.yaml from the compact tables below.
# SPDX-License-Identifier: ISC
"""Zabbix 6.0 template "LEAKWATCH-MIB SNMP", generated.

Usage: make-template.py [-o FILE]     (default: print the YAML on standard output)
       make-template.py --poll-plan      the SNMP polling plan at the default intervals

Why a generator: a Zabbix export repeats every OID, key, uuid and macro in several places
(items, triggers, graphs); writing it from one table per MIB area keeps them consistent.
The YAML is committed; tests/nms/test_zabbix.py checks it equals this script's output.
The emitter is written here (no PyYAML) so that the output is byte-for-byte reproducible.
Only the Python standard library is used.
"""
import hashlib
import re
import sys

TPL = "LEAKWATCH-MIB SNMP"
GROUP = "Templates/Applications"
B = "1.3.6.1.4.1.8072.9999.9999.4111.1"      # lwObjects

# Poll intervals are user macros so an operator (or a test) changes them per host.
FAST, SLOW, INV, LLD = "{$LW.POLL.FAST}", "{$LW.POLL.SLOW}", "{$LW.POLL.INVENTORY}", "{$LW.LLD.PERIOD}"
ALARM_LLD = "{$LW.LLD.ALARM.PERIOD}"


def uuid(*parts):
    """A stable UUIDv4-shaped id (Zabbix refuses others): md5 of the object's identity with the
    version digit (13th) set to 4 and the variant digit (17th) to 8..b."""
    h = list(hashlib.md5(("leakwatch-zabbix/" + "/".join(parts)).encode()).hexdigest())
    h[12] = "4"
    h[16] = "89ab"[int(h[16], 16) & 3]
    return "".join(h)


def ref(key):
    return f"/{TPL}/{key}"


# ---------------------------------------------------------------------------------------------
# Value maps (the MIB's enumerations)
VALUEMAPS = {
    "LwLeakState": [("1", "learning"), ("2", "normal"), ("3", "suspect"), ("4", "leaking")],
    "lwAlarmSeverity": [("1", "warning"), ("2", "minor"), ("3", "major"), ("4", "critical")],
    "lwAlarmType": [("1", "procMemLeak"), ("2", "procFdLeak"), ("3", "slabLeak"),
                    ("4", "tcpOrphanPressure"), ("5", "tcpMemPressure"), ("6", "mcastRateHigh"),
                    ("7", "loadHigh"), ("8", "groupMemLeak"), ("9", "kernelMemLeak")],
    "lwMcastIfCaptureState": [("1", "running"), ("2", "down"), ("3", "error")],
    "LwTcpConnState": [("1", "closed"), ("2", "listen"), ("3", "synSent"), ("4", "synReceived"),
                       ("5", "established"), ("6", "finWait1"), ("7", "finWait2"),
                       ("8", "closeWait"), ("9", "lastAck"), ("10", "closing"),
                       ("11", "timeWait")],
}

# ---------------------------------------------------------------------------------------------
# User macros: thresholds, filters and intervals
MACROS = [
    ("{$LW.POLL.FAST}", "1m", "Interval of the levels that move (load, memory, TCP, leak states)."),
    ("{$LW.POLL.SLOW}", "5m", "Interval of slow levels, forecasts, slab caches and collector health."),
    ("{$LW.POLL.INVENTORY}", "1h", "Interval of near-constant values (version, CPU count, limits)."),
    ("{$LW.LLD.PERIOD}", "1h", "Discovery interval of process groups, ports, slab caches, multicast and collectors."),
    ("{$LW.LLD.ALARM.PERIOD}", "5m", "Discovery interval of lwAlarmTable (active alarms): a new alarm shows within it."),
    ("{$LW.PAGE.SIZE}", "4096", "Page size of the monitored host in bytes (TCP memory is counted in pages)."),
    ("{$LW.NODATA.PERIOD}", "10m", "No answer from leakwatch for this long is a problem."),
    ("{$LW.SNAPSHOT.MAX.AGE}", "300", "Seconds: an lwAgentSnapshotTimeUnix older than this means sampling stalled."),
    ("{$LW.LOAD.PER.CPU.MAX}", "2", "1-minute load per CPU (5-minute average) above which the load is a problem."),
    ("{$LW.MEM.AVAIL.MIN.PCT}", "10", "MemAvailable below this percentage of MemTotal is a problem."),
    ("{$LW.FILES.MAX.PCT}", "90", "Allocated file handles above this percentage of fs.file-max are a problem."),
    ("{$LW.TCP.ORPHAN.MAX.PCT}", "80", "TCP orphans, percent of tcp_max_orphans (as leakwatchd's alarm_tcp_orphans)."),
    ("{$LW.TCP.MEM.MAX.PCT}", "80", "TCP memory, percent of tcp_mem's maximum (as alarm_tcp_mem)."),
    ("{$LW.EXHAUST.CRIT}", "3600", "Seconds: a forecast of exhaustion within this is a high-severity problem."),
    ("{$LW.EXHAUST.WARN}", "86400", "Seconds: a forecast of exhaustion within this is a warning."),
    ("{$LW.GROUP.MATCHES}", ".*", "Process groups (lwProcGroupName) to discover: regular expression."),
    ("{$LW.GROUP.NOT_MATCHES}", "^(kworker|ksoftirqd|migration|cpuhp|idle_inject|rcu_|irq/|watchdog)", "Process groups not to discover (kernel threads)."),
    ("{$LW.GROUP.MIN.RSS.KB}", "102400", "Discover process groups with at least this RSS (KiB) at discovery time; leaks of smaller ones still arrive as traps and alarms."),
    ("{$LW.PORT.MATCHES}", ".*", "Listening ports (lwTcpPortStatePortText) to discover: regular expression."),
    ("{$LW.PORT.NOT_MATCHES}", "^$", "Listening ports not to discover."),
    ("{$LW.PORT.CLOSEWAIT.MAX}", "100", "CLOSE_WAIT sockets on one port above which a problem is raised (context: the port)."),
    ("{$LW.PORT.SYNRECV.MAX}", "500", "SYN_RECV sockets on one port above which a problem is raised (context: the port)."),
    ("{$LW.SLAB.MIN.KB}", "65536", "Discover slab caches of at least this size (lwSlabTotalKB, KiB) at discovery time."),
    ("{$LW.SLAB.MATCHES}", ".*", "Slab caches to discover: regular expression."),
    ("{$LW.MCAST.IF.MATCHES}", ".*", "Multicast capture interfaces to discover."),
    ("{$LW.MCAST.PPS.MAX}", "20000", "Multicast frames per second (10-second rate, 5-minute minimum) on an interface above which a problem is raised (context: interface)."),
    ("{$LW.MCAST.GROUP.PPS.MAX}", "20000", "Multicast frames per second of one group (context: group address)."),
    ("{$LW.TRAP.FALLBACK.PERIOD}", "1h", "An unmatched trap stays a (information) problem this long."),
]

# ---------------------------------------------------------------------------------------------
# Scalar items: (key, name, oid, kind, delay, extra)
# kind: "u" unsigned raw, "kib" KiB -> bytes, "pct100" hundredths -> float, "rate" counter -> per
# second, "pages" pages -> bytes, "char" text, "time" unix seconds, "f" float raw.
S = []


def scalar(key, name, oid, kind, delay, units="", vmap=None, desc="", history=None, tags=()):
    S.append(dict(key=key, name=name, oid=oid, kind=kind, delay=delay, units=units, vmap=vmap,
                  desc=desc, history=history, tags=tags))


# lwAgent
scalar("lw.agent.version", "leakwatchd version", f"{B}.1.1.0", "char", INV, desc="lwAgentVersion.", tags=(("component", "agent"),))
scalar("lw.agent.interval", "leakwatchd sampling interval", f"{B}.1.3.0", "u", INV, units="s", desc="lwSampleInterval.", tags=(("component", "agent"),))
scalar("lw.agent.start", "leakwatchd start time", f"{B}.1.6.0", "time", SLOW, desc="lwAgentStartTimeUnix: a change is a restart.", tags=(("component", "agent"),))
scalar("lw.agent.snapshot", "leakwatchd snapshot time", f"{B}.1.7.0", "time", FAST, desc="lwAgentSnapshotTimeUnix: when the values served were sampled.", tags=(("component", "agent"),))
# lwSystem
for n, k, nm in ((1, "1", "1 minute"), (2, "5", "5 minutes"), (3, "15", "15 minutes")):
    scalar(f"lw.load[{k}]", f"Load average ({nm})", f"{B}.2.{n}.0", "pct100", FAST, desc=f"lwLoad{k} (hundredths on the wire).", tags=(("component", "cpu"),))
scalar("lw.cpu.count", "Online CPUs", f"{B}.2.4.0", "u", INV, desc="lwCpuCount.", tags=(("component", "cpu"),))
# The 64-bit twins (lwMemTotalKBX ...): Zabbix stores 64-bit values natively, so it takes the
# twins, which do not saturate at 4 TiB (or, for fs.file-max, at 2^32).
for n, k, nm, dl in ((17, "total", "Memory total", INV), (18, "free", "Memory free", FAST),
                     (19, "available", "Memory available", FAST), (20, "buffers", "Memory buffers", FAST),
                     (21, "cached", "Memory cached", FAST), (22, "swap.total", "Swap total", INV),
                     (23, "swap.free", "Swap free", FAST), (24, "committed", "Memory committed (Committed_AS)", FAST)):
    scalar(f"lw.mem.{k}", nm, f"{B}.2.{n}.0", "kib", dl, units="B", desc="From /proc/meminfo (the 64-bit twin, KiB on the wire).", tags=(("component", "memory"),))
scalar("lw.files.allocated", "File handles allocated", f"{B}.2.13.0", "u", FAST, desc="lwFilesAllocated.", tags=(("component", "files"),))
scalar("lw.files.max", "File handles maximum (fs.file-max)", f"{B}.2.25.0", "u", INV, desc="lwFilesMaxX.", tags=(("component", "files"),))
scalar("lw.proc.count", "Processes", f"{B}.2.15.0", "u", FAST, desc="lwProcessCount.", tags=(("component", "processes"),))
scalar("lw.thread.count", "Threads", f"{B}.2.16.0", "u", FAST, desc="lwThreadCount.", tags=(("component", "processes"),))
# lwProcesses scalars: how complete the tables are
scalar("lw.proc.dropped", "Processes left out of lwProcTable", f"{B}.3.6.0", "u", SLOW, desc="lwProcDropped (row cap).", tags=(("component", "processes"),))
# lwTcp
TCP_STATES = ((5, "established", "ESTABLISHED"), (4, "synReceived", "SYN_RECV"), (8, "closeWait", "CLOSE_WAIT"),
              (11, "timeWait", "TIME_WAIT"), (6, "finWait1", "FIN_WAIT1"), (7, "finWait2", "FIN_WAIT2"),
              (9, "lastAck", "LAST_ACK"), (2, "listen", "LISTEN"))
for st, k, nm in TCP_STATES:
    scalar(f"lw.tcp.state[{k}]", f"TCP sockets {nm}", f"{B}.4.1.1.2.{st}", "u", FAST, desc=f"lwTcpStateCount.{st}.", tags=(("component", "tcp"),))
scalar("lw.tcp.sockets", "TCP sockets", f"{B}.4.4.0", "u", FAST, desc="lwTcpSockets.", tags=(("component", "tcp"),))
scalar("lw.tcp.port.dropped", "Listening ports left out of lwTcpPortStateTable", f"{B}.4.7.0", "u", SLOW, desc="lwTcpPortDropped.", tags=(("component", "tcp"),))
for n, k, nm in ((1, "sockets.used", "Sockets used"), (2, "tcp.inuse", "TCP sockets in use"),
                 (3, "tcp.orphan", "TCP orphan sockets"), (4, "tcp.tw", "TCP TIME_WAIT sockets (sockstat)"),
                 (5, "tcp.alloc", "TCP sockets allocated"), (7, "udp.inuse", "UDP sockets in use")):
    scalar(f"lw.sockstat.{k}", nm, f"{B}.4.9.{n}.0", "u", FAST, desc="From /proc/net/sockstat.", tags=(("component", "tcp"),))
scalar("lw.sockstat.tcp.mem", "TCP socket memory", f"{B}.4.9.6.0", "pages", FAST, units="B", desc="lwSockstatTcpMemPages times {$LW.PAGE.SIZE}.", tags=(("component", "tcp"),))
scalar("lw.sockstat.udp.mem", "UDP socket memory", f"{B}.4.9.8.0", "pages", FAST, units="B", desc="lwSockstatUdpMemPages times {$LW.PAGE.SIZE}.", tags=(("component", "tcp"),))
scalar("lw.tcp.mem.max", "TCP memory limit (tcp_mem max)", f"{B}.4.10.3.0", "pages", INV, units="B", desc="lwTcpMemMaxPages times {$LW.PAGE.SIZE}.", tags=(("component", "tcp"),))
scalar("lw.tcp.orphans.max", "TCP orphan limit (tcp_max_orphans)", f"{B}.4.10.4.0", "u", INV, desc="lwTcpMaxOrphans.", tags=(("component", "tcp"),))
for n, k, nm in ((6, "orphan", "TCP orphans, percent of the limit"), (7, "mem.pressure", "TCP memory, percent of the pressure threshold"),
                 (8, "mem.max", "TCP memory, percent of the maximum"), (9, "tw", "TCP TIME_WAIT, percent of the limit")):
    scalar(f"lw.tcp.pct[{k}]", nm, f"{B}.4.10.{n}.0", "pct100", FAST, units="%", desc="Hundredths of a percent on the wire.", tags=(("component", "tcp"),))
scalar("lw.tcp.estab", "TCP connections established (CurrEstab)", f"{B}.4.11.5.0", "u", FAST, desc="lwTcpCurrEstab.", tags=(("component", "tcp"),))
for n, k, nm in ((1, "active.opens", "TCP active opens"), (2, "passive.opens", "TCP passive opens"),
                 (3, "attempt.fails", "TCP failed connection attempts"), (4, "estab.resets", "TCP resets of established connections"),
                 (6, "retrans", "TCP segments retransmitted"), (7, "listen.overflows", "TCP listen queue overflows"),
                 (8, "listen.drops", "TCP listen drops"), (9, "abort.on.memory", "TCP aborts for lack of memory"),
                 (10, "memory.pressures", "TCP memory pressure episodes")):
    scalar(f"lw.tcp.rate[{k}]", f"{nm} per second", f"{B}.4.11.{n}.0", "rate", FAST, desc="Counter from /proc/net/snmp or netstat, as a rate.", tags=(("component", "tcp"),))
# lwKernelMemory
for n, k, nm in ((1, "slab", "Slab"), (2, "sreclaimable", "SReclaimable"), (3, "sunreclaim", "SUnreclaim"),
                 (4, "kernelstack", "KernelStack"), (5, "pagetables", "PageTables"), (6, "vmallocused", "VmallocUsed"),
                 (7, "percpu", "Percpu"), (8, "anon", "AnonPages"), (9, "shmem", "Shmem"), (10, "mapped", "Mapped"),
                 (13, "unaccounted", "Unaccounted")):
    scalar(f"lw.kmem[{k}]", f"Kernel memory: {nm}", f"{B}.5.1.{n}.0", "kib", FAST, units="B", desc="From /proc/meminfo (KiB on the wire).", tags=(("component", "kernel"),))
scalar("lw.slab.dropped", "Slab caches left out of lwSlabTable", f"{B}.5.6.0", "u", SLOW, desc="lwSlabDropped.", tags=(("component", "kernel"),))
scalar("lw.vm.oomkill", "OOM killer victims", f"{B}.5.8.5.0", "u", FAST, desc="lwVmOomKill (a counter, kept raw so that a trigger sees each increase).", tags=(("component", "kernel"),))
for n, k, nm in ((2, "pgmajfault", "Major page faults"), (3, "pswpin", "Pages swapped in"), (4, "pswpout", "Pages swapped out"),
                 (6, "allocstall", "Allocation stalls"), (9, "pgscan.direct", "Pages scanned by direct reclaim"),
                 (12, "refault", "Working set refaults")):
    scalar(f"lw.vm.rate[{k}]", f"{nm} per second", f"{B}.5.8.{n}.0", "rate", FAST, desc="From /proc/vmstat, as a rate.", tags=(("component", "kernel"),))
# lwMulticast, lwAlarms
scalar("lw.mcast.interfaces", "Multicast capture interfaces", f"{B}.6.4.0", "u", INV, desc="lwMcastInterfaces.", tags=(("component", "multicast"),))
scalar("lw.alarm.count", "Active leakwatch alarms", f"{B}.7.4.0", "u", FAST, desc="lwAlarmCount: rows of lwAlarmTable.", tags=(("component", "alarms"),))
scalar("lw.alarm.events", "Alarm events per second", f"{B}.7.5.0", "rate", FAST, desc="lwAlarmEvents (raises and clears).", tags=(("component", "alarms"),))
# lwTrendTable: four fixed rows (sUnreclaim, memAvailable, tcpOrphans, tcpMem)
TRENDS = ((1, "sunreclaim", "SUnreclaim"), (2, "memavailable", "MemAvailable"),
          (3, "tcporphans", "TCP orphans"), (4, "tcpmem", "TCP memory"))
for i, k, nm in TRENDS:
    scalar(f"lw.trend.state[{k}]", f"Leak state of {nm}", f"{B}.7.3.1.3.{i}", "u", FAST, vmap="LwLeakState", desc=f"lwTrendState.{i}.", tags=(("component", "kernel"),))
    scalar(f"lw.trend.ttl[{k}]", f"Forecast: {nm} reaches its limit in", f"{B}.7.3.1.6.{i}", "u", SLOW, units="s", desc=f"lwTrendTimeToLimit.{i}: 0 = no forecast.", tags=(("component", "kernel"),))
for i, k, nm in TRENDS[:2]:
    scalar(f"lw.trend.slope[{k}]", f"Trend of {nm}", f"{B}.7.3.1.5.{i}", "slope", SLOW, units="Bps", desc=f"lwTrendSlope.{i} (KiB per hour on the wire).", tags=(("component", "kernel"),))

# ---------------------------------------------------------------------------------------------
# Scalar triggers: (name, expression, priority, extra)
T = []


def trigger(name, expr, prio, desc="", recovery=None, opdata="", deps=(), manual=False, tags=()):
    T.append(dict(name=name, expression=expr, priority=prio, description=desc, recovery=recovery,
                  opdata=opdata, deps=deps, manual=manual, tags=tags))


trigger("leakwatch: no SNMP data for {$LW.NODATA.PERIOD}", f"nodata({ref('lw.agent.snapshot')},{{$LW.NODATA.PERIOD}})=1",
        "WARNING", "leakwatchd (or its master agent) does not answer.")
trigger("leakwatch: sampling stalled (snapshot older than {$LW.SNAPSHOT.MAX.AGE}s)",
        f"fuzzytime({ref('lw.agent.snapshot')},{{$LW.SNAPSHOT.MAX.AGE}})=0", "WARNING",
        "The snapshot served is old: a collector blocks the cycle. See the collector items.",
        deps=("leakwatch: no SNMP data for {$LW.NODATA.PERIOD}",))
trigger("leakwatch: leakwatchd restarted", f"change({ref('lw.agent.start')})>0", "INFO",
        "lwAgentStartTimeUnix changed: alarms were raised again under new indexes.", manual=True)
trigger("leakwatch: {ITEM.LASTVALUE1} active alarms", f"last({ref('lw.alarm.count')})>0", "INFO",
        "lwAlarmTable lists active alarms (the discovered alarm items name them).")
trigger("Load per CPU is high (over {$LW.LOAD.PER.CPU.MAX} for 5m)",
        f"avg({ref('lw.load[1]')},5m)/last({ref('lw.cpu.count')})>{{$LW.LOAD.PER.CPU.MAX}}", "AVERAGE",
        "The 1-minute load per online CPU, averaged over 5 minutes.", opdata="Load: {ITEM.LASTVALUE1}, CPUs: {ITEM.LASTVALUE2}",
        tags=(("scope", "performance"),))
trigger("Memory available is low (under {$LW.MEM.AVAIL.MIN.PCT}%)",
        f"max({ref('lw.mem.available')},5m)/last({ref('lw.mem.total')})*100<{{$LW.MEM.AVAIL.MIN.PCT}}", "AVERAGE",
        opdata="Available: {ITEM.LASTVALUE1}", tags=(("scope", "capacity"),))
trigger("File handles nearly exhausted (over {$LW.FILES.MAX.PCT}% of fs.file-max)",
        f"last({ref('lw.files.allocated')})/last({ref('lw.files.max')})*100>{{$LW.FILES.MAX.PCT}}", "HIGH",
        opdata="Allocated: {ITEM.LASTVALUE1}", tags=(("scope", "capacity"),))
trigger("TCP orphan pressure (over {$LW.TCP.ORPHAN.MAX.PCT}% of tcp_max_orphans)",
        f"min({ref('lw.tcp.pct[orphan]')},5m)>={{$LW.TCP.ORPHAN.MAX.PCT}}", "HIGH",
        "Orphans near the limit: the kernel kills orphans and logs 'too many orphaned sockets'.",
        opdata="{ITEM.LASTVALUE1}", tags=(("scope", "capacity"),))
trigger("TCP memory pressure (over {$LW.TCP.MEM.MAX.PCT}% of tcp_mem max)",
        f"min({ref('lw.tcp.pct[mem.max]')},5m)>={{$LW.TCP.MEM.MAX.PCT}}", "HIGH",
        "At 100 % new TCP buffers are refused.", opdata="{ITEM.LASTVALUE1}", tags=(("scope", "capacity"),))
trigger("TCP listen queue overflows", f"min({ref('lw.tcp.rate[listen.overflows]')},5m)>0", "WARNING",
        "A listener does not accept() fast enough: connections are dropped.", tags=(("scope", "performance"),))
trigger("OOM killer invoked", f"change({ref('lw.vm.oomkill')})>0", "AVERAGE", manual=True, tags=(("scope", "capacity"),))
trigger("Kernel memory leak: SUnreclaim growing", f"last({ref('lw.trend.state[sunreclaim]')})=4", "HIGH",
        "leakwatchd's detector finds unreclaimable slab memory growing without bound.",
        opdata="Growth: {ITEM.LASTVALUE1}", tags=(("scope", "leak"),))
trigger("Memory leak: MemAvailable falling", f"last({ref('lw.trend.state[memavailable]')})=4", "HIGH",
        "Available memory falls steadily; if no process, group or slab cache leaks, look at lwUnaccountedKB.",
        tags=(("scope", "leak"),))
for i, k, nm in TRENDS:
    hi = f"{nm} reaches its limit within {{$LW.EXHAUST.CRIT}}s (forecast)"
    trigger(hi, f"last({ref(f'lw.trend.ttl[{k}]')})>0 and last({ref(f'lw.trend.ttl[{k}]')})<{{$LW.EXHAUST.CRIT}}",
            "HIGH", f"lwTrendTimeToLimit.{i}", opdata="In {ITEM.LASTVALUE1}", tags=(("scope", "forecast"),))
    trigger(f"{nm} reaches its limit within {{$LW.EXHAUST.WARN}}s (forecast)",
            f"last({ref(f'lw.trend.ttl[{k}]')})>0 and last({ref(f'lw.trend.ttl[{k}]')})<{{$LW.EXHAUST.WARN}}",
            "WARNING", f"lwTrendTimeToLimit.{i}", opdata="In {ITEM.LASTVALUE1}", deps=(hi,), tags=(("scope", "forecast"),))
trigger("Rows left out of leakwatch tables by their caps",
        f"last({ref('lw.proc.dropped')})>0 or last({ref('lw.tcp.port.dropped')})>0 or last({ref('lw.slab.dropped')})>0",
        "INFO", "process_max_rows, tcp_max_ports or the slab cap of leakwatchd.conf is too low for this host.")

# ---------------------------------------------------------------------------------------------
# SNMP traps: one log item per raise/clear pair (both land in it, in order), a trigger that is a
# problem while the last trap of the pair is a raise, one problem per raise (type MULTIPLE), and a
# clear closing only the problem of its own alarm (correlation by the tag lw.alarm: lwAlarmIndex,
# the instance of the varbinds; for collectors lwCollectorIndex).  Regular expressions match the
# symbolic (MIBs loaded in snmptrapd) and the numeric form, and use [.] instead of \. because a
# backslash is an escape character in trigger expression strings.
TRAPS = [
    # (key suffix, raise name, clear name, raise sub-id, what, priority, correlation varbind column)
    ("collector", "lwCollectorFailed", "lwCollectorRecovered", 1, "collector failed", "AVERAGE", "collector"),
    ("procmemleak", "lwProcMemLeak", "lwProcMemLeakClear", 3, "process memory leak", "AVERAGE", "alarm"),
    ("procfdleak", "lwProcFdLeak", "lwProcFdLeakClear", 5, "process descriptor leak", "AVERAGE", "alarm"),
    ("slableak", "lwSlabLeak", "lwSlabLeakClear", 7, "slab cache leak", "HIGH", "alarm"),
    ("tcporphan", "lwTcpOrphanPressure", "lwTcpOrphanPressureClear", 9, "TCP orphan pressure", "HIGH", "alarm"),
    ("tcpmem", "lwTcpMemPressure", "lwTcpMemPressureClear", 11, "TCP memory pressure", "HIGH", "alarm"),
    ("mcastrate", "lwMcastRateHigh", "lwMcastRateHighClear", 13, "multicast rate high", "WARNING", "alarm"),
    ("load", "lwLoadHigh", "lwLoadHighClear", 15, "load high", "WARNING", "alarm"),
    ("groupmemleak", "lwProcGroupMemLeak", "lwProcGroupMemLeakClear", 17, "process group memory leak", "AVERAGE", "alarm"),
    ("kernelmemleak", "lwKernelMemLeak", "lwKernelMemLeakClear", 19, "kernel memory leak", "HIGH", "alarm"),
]
# instance varbinds: lwAlarmObject (B.7.2.1.3.IDX), lwCollectorName (B.1.5.1.2.IDX)
CORR = {"alarm": ("lwAlarmObject", "7[.]2[.]1[.]3"), "collector": ("lwCollectorName", "1[.]5[.]1[.]2")}


def trap_regex(raise_name, clear_name, sub):
    """Matches the pair's snmpTrapOID value in either form; [^0-9A-Za-z] keeps lwLoadHigh from
    matching lwLoadHighClear's prefix and .0.1 from matching .0.10."""
    return (f"({raise_name}|{clear_name}|4111[.]0[.]({sub}|{sub + 1}))([^0-9A-Za-z]|$)")


def trap_raise_regex(raise_name, sub):
    return f"({raise_name}|4111[.]0[.]{sub})([^0-9A-Za-z]|$)"


# ---------------------------------------------------------------------------------------------
# Low-level discovery.  6.0 SNMP discovery: snmp_oid discovery[{#MACRO},OID,...]; {#SNMPINDEX}
# is the row's index.  Every discovery walks only the columns it names (GETBULK), never lwProcTable.

# LLD JavaScript: keep rows whose size column (an LLD macro) reaches a user macro threshold.
# LLD filters only match regular expressions, so a numeric threshold is applied here; the user
# macro in the script is resolved by the server before the script runs.
def size_filter_js(macro, threshold):
    return "\n".join([
        "// Keep the rows whose " + macro + " reaches " + threshold + " (LLD filters only do regular expressions).",
        "var rows = JSON.parse(value);",
        "var list = Array.isArray(rows) ? rows : rows.data;",
        "var min = parseInt('" + threshold + "', 10);",
        "var out = [];",
        "for (var i = 0; i < list.length; i++) {",
        "    if (parseInt(list[i]['" + macro + "'], 10) >= min)",
        "        out.push(list[i]);",
        "}",
        "return JSON.stringify(Array.isArray(rows) ? out : {data: out});",
    ])


ALARM_TYPE_JS = "\n".join([
    "// Adds {#LWALARMTYPENAME}, the name of lwAlarmType, for trigger names (value maps do not apply to LLD macros).",
    "var names = " + "{" + ", ".join(f"'{v}': '{n}'" for v, n in VALUEMAPS["lwAlarmType"]) + "};",
    "var rows = JSON.parse(value);",
    "var list = Array.isArray(rows) ? rows : rows.data;",
    "for (var i = 0; i < list.length; i++)",
    "    list[i]['{#LWALARMTYPENAME}'] = names[list[i]['{#LWALARMTYPE}']] || list[i]['{#LWALARMTYPE}'];",
    "return JSON.stringify(rows);",
])


def proto(key, name, oid, kind, delay, units="", vmap=None, desc="", tags=()):
    return dict(key=key, name=name, oid=oid, kind=kind, delay=delay, units=units, vmap=vmap,
                desc=desc, history=None, tags=tags)


G = f"{B}.3.2.1"      # lwProcGroupEntry
P = f"{B}.4.3.1"      # lwTcpPortStateEntry
SL = f"{B}.5.2.1"     # lwSlabEntry
MI = f"{B}.6.1.1"     # lwMcastIfEntry
MG = f"{B}.6.2.1"     # lwMcastGroupEntry
CO = f"{B}.1.5.1"     # lwCollectorEntry
AL = f"{B}.7.2.1"     # lwAlarmEntry
I = "{#SNMPINDEX}"

DISCOVERY = [
    dict(key="lw.group.discovery", name="Process groups",
         oid=f"discovery[{{#LWGROUP}},{G}.2,{{#LWGROUPRSS}},{G}.4]", delay=LLD, lifetime="7d",
         desc="lwProcGroupTable (processes by name). Groups with at least {$LW.GROUP.MIN.RSS.KB} KiB RSS at discovery time, named by {$LW.GROUP.MATCHES} and not {$LW.GROUP.NOT_MATCHES}.",
         js=size_filter_js("{#LWGROUPRSS}", "{$LW.GROUP.MIN.RSS.KB}"),
         filter=[("{#LWGROUP}", "{$LW.GROUP.MATCHES}", "MATCHES_REGEX"), ("{#LWGROUP}", "{$LW.GROUP.NOT_MATCHES}", "NOT_MATCHES_REGEX")],
         items=[
             proto(f"lw.group.count[{I}]", "Group {#LWGROUP}: processes", f"{G}.3.{I}", "u", SLOW),
             proto(f"lw.group.rss[{I}]", "Group {#LWGROUP}: RSS", f"{G}.4.{I}", "kib", FAST, units="B"),
             proto(f"lw.group.maxrss[{I}]", "Group {#LWGROUP}: largest process RSS", f"{G}.5.{I}", "kib", SLOW, units="B"),
             proto(f"lw.group.fds[{I}]", "Group {#LWGROUP}: descriptors", f"{G}.7.{I}", "u", SLOW),
             proto(f"lw.group.cpu[{I}]", "Group {#LWGROUP}: CPU", f"{G}.8.{I}", "pct100", FAST, units="%"),
             proto(f"lw.group.leak[{I}]", "Group {#LWGROUP}: memory leak state", f"{G}.9.{I}", "u", FAST, vmap="LwLeakState"),
             proto(f"lw.group.slope[{I}]", "Group {#LWGROUP}: memory growth", f"{G}.10.{I}", "slope", SLOW, units="Bps"),
             proto(f"lw.group.fdleak[{I}]", "Group {#LWGROUP}: descriptor leak state", f"{G}.11.{I}", "u", SLOW, vmap="LwLeakState"),
             proto(f"lw.group.tte[{I}]", "Group {#LWGROUP}: forecast of memory exhaustion in", f"{G}.13.{I}", "u", SLOW, units="s",
                   desc="lwProcGroupTimeToExhaustion: 0 = none forecast."),
         ],
         triggers=[
             dict(name="Process group {#LWGROUP}: memory leak", expr=f"last({ref(f'lw.group.leak[{I}]')})=4", prio="AVERAGE",
                  opdata="Growth: {ITEM.LASTVALUE1}", desc="The detector's verdict on the group's RSS (lwProcGroupLeakState leaking).",
                  tags=(("scope", "leak"), ("group", "{#LWGROUP}"))),
             dict(name="Process group {#LWGROUP}: descriptor leak", expr=f"last({ref(f'lw.group.fdleak[{I}]')})=4", prio="WARNING",
                  tags=(("scope", "leak"), ("group", "{#LWGROUP}"))),
             dict(name="Process group {#LWGROUP}: memory exhausted within {$LW.EXHAUST.CRIT}s (forecast)",
                  expr=f"last({ref(f'lw.group.tte[{I}]')})>0 and last({ref(f'lw.group.tte[{I}]')})<{{$LW.EXHAUST.CRIT}}", prio="HIGH",
                  opdata="In {ITEM.LASTVALUE1}", tags=(("scope", "forecast"), ("group", "{#LWGROUP}"))),
             dict(name="Process group {#LWGROUP}: memory exhausted within {$LW.EXHAUST.WARN}s (forecast)",
                  expr=f"last({ref(f'lw.group.tte[{I}]')})>0 and last({ref(f'lw.group.tte[{I}]')})<{{$LW.EXHAUST.WARN}}", prio="WARNING",
                  opdata="In {ITEM.LASTVALUE1}", deps=("Process group {#LWGROUP}: memory exhausted within {$LW.EXHAUST.CRIT}s (forecast)",),
                  tags=(("scope", "forecast"), ("group", "{#LWGROUP}"))),
         ],
         graphs=[("Group {#LWGROUP}: memory", [f"lw.group.rss[{I}]", f"lw.group.maxrss[{I}]"]),
                 ("Group {#LWGROUP}: descriptors and processes", [f"lw.group.fds[{I}]", f"lw.group.count[{I}]"])]),
    dict(key="lw.port.discovery", name="Listening TCP ports",
         oid=f"discovery[{{#LWPORT}},{P}.11]", delay=LLD, lifetime="7d",
         desc="lwTcpPortStateTable: sockets per state of each local port with a listener.",
         filter=[("{#LWPORT}", "{$LW.PORT.MATCHES}", "MATCHES_REGEX"), ("{#LWPORT}", "{$LW.PORT.NOT_MATCHES}", "NOT_MATCHES_REGEX")],
         items=[
             proto(f"lw.port.established[{I}]", "Port {#LWPORT}: ESTABLISHED", f"{P}.4.{I}", "u", FAST),
             proto(f"lw.port.synrecv[{I}]", "Port {#LWPORT}: SYN_RECV", f"{P}.3.{I}", "u", FAST),
             proto(f"lw.port.closewait[{I}]", "Port {#LWPORT}: CLOSE_WAIT", f"{P}.7.{I}", "u", FAST),
             proto(f"lw.port.timewait[{I}]", "Port {#LWPORT}: TIME_WAIT", f"{P}.10.{I}", "u", FAST),
         ],
         triggers=[
             dict(name="Port {#LWPORT}: CLOSE_WAIT sockets pile up (over {$LW.PORT.CLOSEWAIT.MAX:\"{#LWPORT}\"})",
                  expr=f"min({ref(f'lw.port.closewait[{I}]')},5m)>{{$LW.PORT.CLOSEWAIT.MAX:\"{{#LWPORT}}\"}}", prio="WARNING",
                  desc="The application behind the port does not close sockets its peers closed: a descriptor leak.",
                  opdata="{ITEM.LASTVALUE1}", tags=(("scope", "leak"), ("port", "{#LWPORT}"))),
             dict(name="Port {#LWPORT}: SYN_RECV backlog (over {$LW.PORT.SYNRECV.MAX:\"{#LWPORT}\"})",
                  expr=f"min({ref(f'lw.port.synrecv[{I}]')},5m)>{{$LW.PORT.SYNRECV.MAX:\"{{#LWPORT}}\"}}", prio="WARNING",
                  desc="A SYN flood or a listener that does not accept() fast enough.",
                  opdata="{ITEM.LASTVALUE1}", tags=(("scope", "performance"), ("port", "{#LWPORT}"))),
         ],
         graphs=[("Port {#LWPORT}: TCP states", [f"lw.port.established[{I}]", f"lw.port.synrecv[{I}]", f"lw.port.closewait[{I}]", f"lw.port.timewait[{I}]"])]),
    dict(key="lw.slab.discovery", name="Slab caches",
         oid=f"discovery[{{#LWSLAB}},{SL}.2,{{#LWSLABKB}},{SL}.9]", delay=LLD, lifetime="7d",
         desc="lwSlabTable: only caches of at least {$LW.SLAB.MIN.KB} KiB (lwSlabTotalKB) at discovery time become items.",
         js=size_filter_js("{#LWSLABKB}", "{$LW.SLAB.MIN.KB}"),
         filter=[("{#LWSLAB}", "{$LW.SLAB.MATCHES}", "MATCHES_REGEX")],
         items=[
             proto(f"lw.slab.size[{I}]", "Slab {#LWSLAB}: size", f"{SL}.9.{I}", "kib", SLOW, units="B"),
             proto(f"lw.slab.active[{I}]", "Slab {#LWSLAB}: active", f"{SL}.10.{I}", "kib", SLOW, units="B"),
             proto(f"lw.slab.leak[{I}]", "Slab {#LWSLAB}: leak state", f"{SL}.11.{I}", "u", SLOW, vmap="LwLeakState"),
             proto(f"lw.slab.slope[{I}]", "Slab {#LWSLAB}: growth", f"{SL}.12.{I}", "slope", SLOW, units="Bps"),
             proto(f"lw.slab.tte[{I}]", "Slab {#LWSLAB}: forecast of memory exhaustion in", f"{SL}.13.{I}", "u", SLOW, units="s"),
         ],
         triggers=[
             dict(name="Slab cache {#LWSLAB}: leak", expr=f"last({ref(f'lw.slab.leak[{I}]')})=4", prio="HIGH",
                  opdata="Growth: {ITEM.LASTVALUE1}", tags=(("scope", "leak"), ("slab", "{#LWSLAB}"))),
             dict(name="Slab cache {#LWSLAB}: memory exhausted within {$LW.EXHAUST.CRIT}s (forecast)",
                  expr=f"last({ref(f'lw.slab.tte[{I}]')})>0 and last({ref(f'lw.slab.tte[{I}]')})<{{$LW.EXHAUST.CRIT}}", prio="HIGH",
                  opdata="In {ITEM.LASTVALUE1}", tags=(("scope", "forecast"), ("slab", "{#LWSLAB}"))),
         ],
         graphs=[("Slab {#LWSLAB}: size", [f"lw.slab.size[{I}]", f"lw.slab.active[{I}]"])]),
    dict(key="lw.mcastif.discovery", name="Multicast interfaces",
         oid=f"discovery[{{#LWMCASTIF}},{MI}.2]", delay=LLD, lifetime="7d",
         desc="lwMcastIfTable: the interfaces leakwatchd captures (mcast_interface).",
         filter=[("{#LWMCASTIF}", "{$LW.MCAST.IF.MATCHES}", "MATCHES_REGEX")],
         items=[
             proto(f"lw.mcastif.pps[{I}]", "Multicast {#LWMCASTIF}: frames per second (10 s)", f"{MI}.6.{I}", "u", FAST, units="pps"),
             proto(f"lw.mcastif.bps[{I}]", "Multicast {#LWMCASTIF}: bits per second (10 s)", f"{MI}.21.{I}", "u", FAST, units="bps"),
             proto(f"lw.mcastif.groups[{I}]", "Multicast {#LWMCASTIF}: groups", f"{MI}.11.{I}", "u", SLOW),
             proto(f"lw.mcastif.drops[{I}]", "Multicast {#LWMCASTIF}: capture drops per second", f"{MI}.12.{I}", "rate", SLOW),
             proto(f"lw.mcastif.state[{I}]", "Multicast {#LWMCASTIF}: capture state", f"{MI}.14.{I}", "u", FAST, vmap="lwMcastIfCaptureState"),
             proto(f"lw.mcastif.error[{I}]", "Multicast {#LWMCASTIF}: capture error", f"{MI}.15.{I}", "char", SLOW),
         ],
         triggers=[
             dict(name="Multicast {#LWMCASTIF}: rate high (over {$LW.MCAST.PPS.MAX:\"{#LWMCASTIF}\"} pps)",
                  expr=f"min({ref(f'lw.mcastif.pps[{I}]')},5m)>={{$LW.MCAST.PPS.MAX:\"{{#LWMCASTIF}}\"}}", prio="WARNING",
                  opdata="{ITEM.LASTVALUE1}", tags=(("scope", "performance"), ("interface", "{#LWMCASTIF}"))),
             dict(name="Multicast {#LWMCASTIF}: capture not running",
                  expr=f"last({ref(f'lw.mcastif.state[{I}]')})<>1", prio="WARNING",
                  opdata="{ITEM.LASTVALUE1}", tags=(("scope", "availability"), ("interface", "{#LWMCASTIF}"))),
             dict(name="Multicast {#LWMCASTIF}: capture drops frames",
                  expr=f"min({ref(f'lw.mcastif.drops[{I}]')},15m)>0", prio="INFO",
                  desc="The capture ring is too small for the bursts (mcast_buffer_size).",
                  tags=(("scope", "performance"), ("interface", "{#LWMCASTIF}"))),
         ],
         graphs=[("Multicast {#LWMCASTIF}: rate", [f"lw.mcastif.pps[{I}]", f"lw.mcastif.bps[{I}]"])]),
    dict(key="lw.mcastgroup.discovery", name="Multicast groups",
         oid=f"discovery[{{#LWMCASTGROUP}},{MG}.15,{{#LWMCASTIF}},{MG}.17]", delay=LLD, lifetime="1d",
         desc="lwMcastGroupTable: groups seen on the captured interfaces.",
         filter=[("{#LWMCASTIF}", "{$LW.MCAST.IF.MATCHES}", "MATCHES_REGEX")],
         items=[
             proto(f"lw.mcastgroup.pps[{I}]", "Multicast {#LWMCASTGROUP} on {#LWMCASTIF}: frames per second", f"{MG}.6.{I}", "u", FAST, units="pps"),
             proto(f"lw.mcastgroup.bps[{I}]", "Multicast {#LWMCASTGROUP} on {#LWMCASTIF}: bits per second", f"{MG}.16.{I}", "u", FAST, units="bps"),
             proto(f"lw.mcastgroup.sources[{I}]", "Multicast {#LWMCASTGROUP} on {#LWMCASTIF}: sources", f"{MG}.8.{I}", "u", SLOW),
         ],
         triggers=[
             dict(name="Multicast group {#LWMCASTGROUP} on {#LWMCASTIF}: rate high (over {$LW.MCAST.GROUP.PPS.MAX:\"{#LWMCASTGROUP}\"} pps)",
                  expr=f"min({ref(f'lw.mcastgroup.pps[{I}]')},5m)>={{$LW.MCAST.GROUP.PPS.MAX:\"{{#LWMCASTGROUP}}\"}}", prio="WARNING",
                  opdata="{ITEM.LASTVALUE1}", tags=(("scope", "performance"), ("interface", "{#LWMCASTIF}"))),
         ],
         graphs=[]),
    dict(key="lw.collector.discovery", name="Collectors",
         oid=f"discovery[{{#LWCOLLECTOR}},{CO}.2]", delay=LLD, lifetime="7d",
         desc="lwCollectorTable: one row per source leakwatchd reads.",
         filter=[],
         items=[
             proto(f"lw.collector.error[{I}]", "Collector {#LWCOLLECTOR}: last error", f"{CO}.9.{I}", "char", SLOW,
                   desc="lwCollectorLastError: empty when the last run succeeded."),
             proto(f"lw.collector.errors[{I}]", "Collector {#LWCOLLECTOR}: failed runs", f"{CO}.8.{I}", "u", SLOW),
             proto(f"lw.collector.duration[{I}]", "Collector {#LWCOLLECTOR}: duration of the last run", f"{CO}.5.{I}", "us", SLOW, units="s"),
         ],
         triggers=[
             dict(name="Collector {#LWCOLLECTOR} fails: {ITEM.LASTVALUE1}",
                  expr=f"length(last({ref(f'lw.collector.error[{I}]')}))>0", prio="AVERAGE",
                  desc="The collector's last run failed; the objects it feeds read noSuchInstance until it succeeds.",
                  tags=(("scope", "availability"), ("collector", "{#LWCOLLECTOR}"))),
         ],
         graphs=[]),
    dict(key="lw.alarm.discovery", name="Active alarms",
         oid=f"discovery[{{#LWALARMOBJ}},{AL}.3,{{#LWALARMTYPE}},{AL}.2]", delay=ALARM_LLD, lifetime="0",
         desc="lwAlarmTable, the reference list of active alarms (also process leaks, without walking lwProcTable). "
              "An alarm's items go with its row (lifetime 0).",
         js=ALARM_TYPE_JS,
         filter=[],
         items=[
             proto(f"lw.alarm.severity[{I}]", "Alarm {#LWALARMTYPENAME} on {#LWALARMOBJ}: severity", f"{AL}.5.{I}", "u", FAST, vmap="lwAlarmSeverity"),
             proto(f"lw.alarm.type[{I}]", "Alarm {#LWALARMTYPENAME} on {#LWALARMOBJ}: type", f"{AL}.2.{I}", "u", INV, vmap="lwAlarmType"),
             proto(f"lw.alarm.tte[{I}]", "Alarm {#LWALARMTYPENAME} on {#LWALARMOBJ}: forecast of exhaustion in", f"{AL}.10.{I}", "u", FAST, units="s"),
         ],
         triggers=[
             dict(name="leakwatch alarm {#LWALARMTYPENAME}: {#LWALARMOBJ}",
                  expr=f"last({ref(f'lw.alarm.severity[{I}]')})<4", prio="AVERAGE",
                  opdata="Severity: {ITEM.LASTVALUE1}", tags=(("scope", "alarm"), ("alarm", "{#LWALARMTYPENAME}"))),
             dict(name="leakwatch alarm {#LWALARMTYPENAME}: {#LWALARMOBJ} (critical)",
                  expr=f"last({ref(f'lw.alarm.severity[{I}]')})=4", prio="HIGH",
                  opdata="Severity: {ITEM.LASTVALUE1}", tags=(("scope", "alarm"), ("alarm", "{#LWALARMTYPENAME}"))),
         ],
         graphs=[]),
]

GRAPHS = [
    ("leakwatch: load", ["lw.load[1]", "lw.load[5]", "lw.load[15]"]),
    ("leakwatch: memory", ["lw.mem.total", "lw.mem.available", "lw.mem.free", "lw.mem.cached", "lw.mem.buffers"]),
    ("leakwatch: kernel memory", ["lw.kmem[slab]", "lw.kmem[sunreclaim]", "lw.kmem[kernelstack]", "lw.kmem[pagetables]",
                                  "lw.kmem[vmallocused]", "lw.kmem[percpu]", "lw.kmem[unaccounted]"]),
    ("leakwatch: TCP states", [f"lw.tcp.state[{k}]" for _, k, _ in TCP_STATES[:6]]),
    ("leakwatch: TCP limits", ["lw.tcp.pct[orphan]", "lw.tcp.pct[mem.pressure]", "lw.tcp.pct[mem.max]", "lw.tcp.pct[tw]"]),
    ("leakwatch: file handles", ["lw.files.allocated"]),
    ("leakwatch: processes", ["lw.proc.count", "lw.thread.count"]),
]
COLORS = ["1A7C11", "F63100", "2774A4", "A54F10", "FC6EA3", "6C59DC", "AC8C14", "611F27"]


# ---------------------------------------------------------------------------------------------
# Building the export

def item_body(it, kind_key=None, prototype=False, uid_scope="item"):
    kind = it["kind"]
    d = {"uuid": uuid(uid_scope, it["key"]), "name": it["name"], "type": "SNMP_AGENT",
         "snmp_oid": it["oid"], "key": it["key"], "delay": it["delay"]}
    if kind in ("char",):
        d["history"] = "7d"
        d["trends"] = "0"
        d["value_type"] = "CHAR"
    elif kind in ("pct100", "rate", "slope", "us"):
        d["value_type"] = "FLOAT"
    if it["units"]:
        d["units"] = it["units"]
    elif kind == "time":
        d["units"] = "unixtime"
    if it["desc"]:
        d["description"] = it["desc"]
    if it["vmap"]:
        d["valuemap"] = {"name": it["vmap"]}
    pre = []
    if kind == "pct100":
        pre.append(("MULTIPLIER", ["0.01"]))
    elif kind == "kib":
        pre.append(("MULTIPLIER", ["1024"]))
    elif kind == "pages":
        pre.append(("MULTIPLIER", ["{$LW.PAGE.SIZE}"]))
    elif kind == "rate":
        pre.append(("CHANGE_PER_SECOND", [""]))
    elif kind == "slope":
        pre.append(("MULTIPLIER", ["0.284444444444"]))     # KiB/h -> B/s: 1024/3600
    elif kind == "us":
        pre.append(("MULTIPLIER", ["0.000001"]))
    elif kind == "char":
        pre.append(("DISCARD_UNCHANGED_HEARTBEAT", ["1d"]))
    if pre:
        d["preprocessing"] = [{"type": t, "parameters": p} for t, p in pre]
    if it["tags"]:
        d["tags"] = [{"tag": t, "value": v} for t, v in it["tags"]]
    return d


def trigger_body(tr, scope):
    d = {"uuid": uuid(scope, tr["name"]), "expression": tr["expression"], "name": tr["name"]}
    if tr.get("opdata"):
        d["opdata"] = tr["opdata"]
    d["priority"] = tr["priority"]
    if tr.get("description"):
        d["description"] = tr["description"]
    if tr.get("manual"):
        d["manual_close"] = "YES"
    if tr.get("deps"):
        d["dependencies"] = [{"name": n, "expression": find_trigger(n)["expression"]} for n in tr["deps"]]
    if tr.get("tags"):
        d["tags"] = [{"tag": t, "value": v} for t, v in tr["tags"]]
    return d


def find_trigger(name):
    return next(t for t in T if t["name"] == name)


def graph_body(name, keys, scope):
    return {"uuid": uuid(scope, name), "name": name,
            "graph_items": [{"sortorder": str(i), "color": COLORS[i % len(COLORS)],
                             "item": {"host": TPL, "key": k}} for i, k in enumerate(keys)]}


def trap_items():
    items = []
    for suffix, rname, cname, sub, what, prio, corr in TRAPS:
        key = f'snmptrap["{trap_regex(rname, cname, sub)}"]'
        vb_name, vb_num = CORR[corr]
        corr_re = f'({vb_name}|4111[.]1[.]{vb_num})[.]([0-9]+)'
        obj_re = f'({vb_name}|4111[.]1[.]{vb_num})[.][0-9]+[ =]+(.*)'
        idx_tag = "lw.collector" if corr == "collector" else "lw.alarm"
        raise_find = f'find({ref(key)},,"regexp","{trap_raise_regex(rname, sub)}")=1'
        items.append({
            "uuid": uuid("trap", suffix), "name": f"Trap: {what} ({rname} / {cname})", "type": "SNMP_TRAP",
            "key": key, "delay": "0", "history": "30d", "trends": "0", "value_type": "LOG",
            "description": f"Notifications {rname} (.0.{sub}) and {cname} (.0.{sub + 1}) of LEAKWATCH-MIB, as written "
                          "by the snmptrapd handler into Zabbix's SNMPTrapperFile.",
            "tags": [{"tag": "component", "value": "traps"}],
            "triggers": [{
                "uuid": uuid("trap-trigger", suffix), "expression": raise_find,
                "correlation_mode": "TAG_VALUE", "correlation_tag": idx_tag,
                "name": f"leakwatch trap: {what}",
                "event_name": f"leakwatch trap: {what}: {{{{ITEM.VALUE}}.regsub(\"{obj_re}\", \\2)}}",
                "opdata": f"{idx_tag} {{{{ITEM.VALUE}}.regsub(\"{corr_re}\", \\2)}}",
                "priority": prio, "type": "MULTIPLE", "manual_close": "YES",
                "description": f"A {rname} notification arrived; the {cname} of the same "
                               f"{'collector' if corr == 'collector' else 'alarm (lwAlarmIndex)'} closes this problem.",
                "tags": [{"tag": idx_tag, "value": f"{{{{ITEM.VALUE}}.regsub(\"{corr_re}\", \\2)}}"},
                         {"tag": "scope", "value": "trap"}],
            }],
        })
    items.append({
        "uuid": uuid("trap", "fallback"), "name": "Trap: other notifications", "type": "SNMP_TRAP",
        "key": "snmptrap.fallback", "delay": "0", "history": "30d", "trends": "0", "value_type": "LOG",
        "description": "Every trap from this host that no other trap item matches.",
        "tags": [{"tag": "component", "value": "traps"}],
        "triggers": [{
            "uuid": uuid("trap-trigger", "fallback"),
            "expression": f"nodata({ref('snmptrap.fallback')},{{$LW.TRAP.FALLBACK.PERIOD}})=0",
            "name": "Unmatched SNMP trap received", "opdata": "{ITEM.LASTVALUE1}", "priority": "INFO",
            "manual_close": "YES", "tags": [{"tag": "scope", "value": "trap"}]}],
    })
    return items


def discovery_body(dr):
    d = {"uuid": uuid("lld", dr["key"]), "name": dr["name"], "type": "SNMP_AGENT",
         "snmp_oid": dr["oid"], "key": dr["key"], "delay": dr["delay"]}
    if dr["filter"]:
        conds = []
        for n, (macro, value, op) in enumerate(dr["filter"]):
            c = {"macro": macro, "value": value}
            if op != "MATCHES_REGEX":
                c["operator"] = op
            c["formulaid"] = "ABCDEFGH"[n]
            conds.append(c)
        d["filter"] = {"evaltype": "AND", "conditions": conds}
    d["lifetime"] = dr["lifetime"]
    d["description"] = dr["desc"]
    d["item_prototypes"] = [item_body(p, uid_scope="proto") for p in dr["items"]]
    if dr["triggers"]:
        tps = []
        for tr in dr["triggers"]:
            t = {"uuid": uuid("trigger-proto", tr["name"]), "expression": tr["expr"], "name": tr["name"]}
            if tr.get("opdata"):
                t["opdata"] = tr["opdata"]
            t["priority"] = tr["prio"]
            if tr.get("desc"):
                t["description"] = tr["desc"]
            if tr.get("deps"):
                dep = next(x for x in dr["triggers"] if x["name"] == tr["deps"][0])
                t["dependencies"] = [{"name": dep["name"], "expression": dep["expr"]}]
            t["tags"] = [{"tag": a, "value": b} for a, b in tr["tags"]]
            tps.append(t)
        d["trigger_prototypes"] = tps
    if dr["graphs"]:
        d["graph_prototypes"] = [graph_body(n, ks, "graph-proto") for n, ks in dr["graphs"]]
    if dr.get("js"):
        d["preprocessing"] = [{"type": "JAVASCRIPT", "parameters": [dr["js"]]}]
    return d


def build():
    items = [item_body(it) for it in S] + trap_items()
    template = {
        "uuid": uuid("template", TPL), "template": TPL, "name": TPL,
        "description": "leakwatchd (LEAKWATCH-MIB) over SNMP: process, process group, TCP, socket, kernel and "
                       "multicast memory and descriptors, leak detection states, forecasts, alarms and traps. "
                       "Generated by nms/zabbix/make-template.py; see docs/nms/zabbix.md.",
        "groups": [{"name": GROUP}],
        "items": items,
        "discovery_rules": [discovery_body(dr) for dr in DISCOVERY],
        "tags": [{"tag": "class", "value": "software"}, {"tag": "target", "value": "leakwatch"}],
        "macros": [{"macro": m, "value": v, "description": d} for m, v, d in MACROS],
        "valuemaps": [{"uuid": uuid("valuemap", n), "name": n,
                       "mappings": [{"value": v, "newvalue": nv} for v, nv in m]} for n, m in VALUEMAPS.items()],
    }
    return {"zabbix_export": {
        "version": "6.0",
        "groups": [{"uuid": uuid("group", GROUP), "name": GROUP}],
        "templates": [template],
        "triggers": [trigger_body(t, "trigger") for t in T],
        "graphs": [graph_body(n, ks, "graph") for n, ks in GRAPHS],
    }}


# ---------------------------------------------------------------------------------------------
# A small YAML emitter in the style of Zabbix's own exports (2-space indent, lists under their key).

PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./ -]*$")
RESERVED = {"yes", "no", "true", "false", "on", "off", "null", "y", "n", "~"}


def scalar_text(s):
    if "\n" in s:
        return None
    if PLAIN.match(s) and s.lower() not in RESERVED and not s.endswith(" ") and ": " not in s and " #" not in s:
        return s
    return "'" + s.replace("'", "''") + "'"


def emit(obj, indent=0, out=None):
    pad = " " * indent
    for k, v in obj.items():
        if isinstance(v, dict):
            out.append(f"{pad}{k}:")
            emit(v, indent + 2, out)
        elif isinstance(v, list):
            out.append(f"{pad}{k}:")
            for e in v:
                if isinstance(e, dict):
                    sub = []
                    emit(e, indent + 4, sub)
                    sub[0] = pad + "  - " + sub[0][indent + 4:]
                    out.extend(sub)
                else:
                    out.extend(scalar_lines(f"{pad}  - ", e, indent + 4))
        else:
            out.extend(scalar_lines(f"{pad}{k}: ", v, indent + 2))
    return out


def scalar_lines(prefix, s, indent):
    t = scalar_text(s)
    if t is not None:
        return [prefix + t]
    return [prefix + "|-"] + [(" " * indent + line) if line else "" for line in s.split("\n")]


HEADER = ("# LEAKWATCH-MIB SNMP: Zabbix 6.0 template for leakwatchd, generated by nms/zabbix/make-template.py"
          " (do not edit; see docs/nms/zabbix.md)")


def render():
    return HEADER + "\n" + "\n".join(emit(build(), 0, [])) + "\n"


DEFAULTS = {m: v for m, v, _ in MACROS}
MINUTES = {"1m": 1, "5m": 5, "1h": 60}


def poll_plan():
    """The OIDs polled at the default intervals, for the poll-cost benchmark: scalar GETs per
    interval, GETs per discovered row, and the columns each discovery walks."""
    lines = ["# Zabbix template LEAKWATCH-MIB SNMP: polling plan at the default intervals",
             "# (SNMP interface with bulk on: items of one interval go out together, up to 128 varbinds per GET)"]
    per_min = 0.0
    for macro in (FAST, SLOW, INV):
        iv = DEFAULTS[macro]
        oids = [s["oid"] for s in S if s["delay"] == macro]
        per_min += len(oids) / MINUTES[iv]
        lines.append(f"scalars every {iv} ({macro}): {len(oids)} varbinds: " + " ".join(oids))
    lines.append(f"scalars: {per_min:.2f} varbinds per minute")
    for dr in DISCOVERY:
        cols = re.findall(r",([0-9.]+)", dr["oid"])
        iv = DEFAULTS[dr["delay"]]
        row = sum(1 / MINUTES[DEFAULTS[p["delay"]]] for p in dr["items"])
        detail = ", ".join(f"{p['oid'].rsplit('.', 1)[0].rsplit('.', 1)[1]}@{DEFAULTS[p['delay']]}"
                           for p in dr["items"])
        lines.append(f"{dr['key']}: walks {' '.join(cols)} every {iv} (GETBULK, one varbind per row and column); "
                     f"per discovered row {row:.2f} varbinds per minute (columns {detail})")
    lines.append("traps: no polling")
    return "\n".join(lines) + "\n"


def main(argv):
    text = render()
    if len(argv) == 3 and argv[1] == "-o":
        with open(argv[2], "w", encoding="utf-8") as f:
            f.write(text)
    elif len(argv) == 1:
        sys.stdout.write(text)
    elif argv[1:] == ["--poll-plan"]:
        sys.stdout.write(poll_plan())
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
