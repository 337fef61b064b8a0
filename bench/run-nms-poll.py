#!/usr/bin/env python3
# run-nms-poll.py: each shipped NMS integration's steady polling cost to leakwatchd, against snmpd's hrSWRun table.
# SPDX-License-Identifier: ISC
"""Issue 15, "Poll cost". On a host with about 1,000 processes (topped up with spawn_idle), a
private snmpd (AgentX master, UDP on 127.0.0.1) and leakwatchd behind it (interval 60 s, as
deployed), this script derives each integration's poll plan from the files it ships:

  zabbix      nms/zabbix/make-template.py (the generator of the YAML): scalar items by interval,
              discovery rules (columns walked, the JavaScript size filter and the regular
              expression filters with the macros' defaults) and the item prototypes of the rows
              that pass them. Zabbix 6.0 with bulk on: the items due together go out in GETs of
              up to 128 varbinds, discovery walks are GETBULKs of max-repetitions 128.
  prometheus  nms/prometheus/snmp.yml (generated with the worktree's generate.sh when it is not
              in the tree): for each job of prometheus.yml, its module's `get` list in GETs of
              max_repetitions varbinds and one GETBULK walk (max_repetitions) per `walk`
              subtree, every scrape_interval of that job (whole minutes).
  nagios      nms/nagios/leakwatch.cfg: each service's check_command (its mode) every
              check_interval minutes (the template's when the service sets none), run with the
              real check_leakwatch binary.
  cacti       nms/cacti/mkcacti.py (the generator of the data queries and templates): the
              scalar data sources and every output field of every row of the three data queries
              (all instances graphed), in GETs of 10 OIDs (spine's max_oids) every 5 minutes,
              plus the reindex checks (the group query's index walk, sysUpTime for the others).
  collectd    nms/collectd/leakwatch.conf: the Data blocks the example Host collects, every
              Interval: one GET per scalar block, a GETNEXT walk of all a table block's columns
              (values and instance OIDs in one PDU, a row per request) per table block.

and replays --minutes of it (one hour by default, --collectd-minutes for collectd, whose
row-by-row walks take one tool run per row) as fast as the tools run, with the net-snmp tools
(snmpget, snmpbulkwalk, snmpgetnext) or the real check_leakwatch. It measures leakwatchd's CPU
over the replay (its main thread, which answers AgentX; the whole process too) and subtracts the
same thread's CPU over an idle period of the same length right after it (the AgentX pings and
snapshot hand-overs, which are there without any NMS). Requests and varbinds are counted by
snmpd itself (snmpInPkts, snmpInTotalReqVars). snmpd's own CPU (the AgentX forwarding) is
reported beside it.

The peer, measured in the same run: what an operator would poll instead, net-snmp snmpd's
HOST-RESOURCES-MIB process table, hrSWRunName, hrSWRunPerfMem and hrSWRunPerfCPU walked with
GETBULK once an interval, with the snmpd cache of the table expired before each round (as it is
at a 1-minute or longer interval). Its snmpd CPU per round is scaled to each integration's
interval and compared with leakwatchd's."""
import argparse
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# benchlib first: it puts tests/integration, where the lw* modules are, on sys.path
from benchlib import (REPO, bench_module, binaries_missing, binary, load_script, loadavg,
                      unwind_on_signals)

budget = bench_module("run_budget", "run-budget.py")

from lwdaemons import Leakwatchd, Snmpd  # noqa: E402
from lwoids import LW_OBJECTS  # noqa: E402
from lwsnmp import tool_env  # noqa: E402
from lwutil import GiveUp, WaitTimeout, leakwatchd_path, wait_until  # noqa: E402

GOAL_ZABBIX_PCT = 0.02          # of one core, issue 15
INTERVAL_S = 60                 # leakwatchd's default interval, as deployed
B = LW_OBJECTS                  # 1.3.6.1.4.1.8072.9999.9999.4111.1
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
SNMP_IN_PKTS = "1.3.6.1.2.1.11.1.0"
SNMP_IN_TOTAL_REQ_VARS = "1.3.6.1.2.1.11.13.0"
HR_SWRUN_NAME = "1.3.6.1.2.1.25.4.2.1.2"
HR_SWRUN_PERF_CPU = "1.3.6.1.2.1.25.5.1.1.1"
HR_SWRUN_PERF_MEM = "1.3.6.1.2.1.25.5.1.1.2"
NS_CACHE_TIMEOUT = "1.3.6.1.4.1.8072.1.5.3.1.2"   # NET-SNMP-AGENT-MIB nsCacheTimeout, by table OID

ORDER = ["zabbix", "prometheus", "nagios", "cacti", "collectd"]
# where each integration is read from: this checkout's nms/; --nms-dir NAME=DIR overrides
SOURCES = {name: str(REPO) for name in ORDER}


# --- SNMP with the net-snmp tools ----------------------------------------------------------
class Tools:
    def __init__(self, port):
        self.port = port
        self.peer = f"udp:127.0.0.1:{port}"
        self.runs = 0

    def run(self, tool, *args, timeout=60):
        argv = [tool, "-v2c", "-c", "public", "-On", "-Oq", "-t", "5", "-r", "1", *args]
        self.runs += 1
        p = subprocess.run(argv, env=tool_env(), capture_output=True,
                           text=True, errors="replace", timeout=timeout)
        if p.returncode != 0 or "Timeout" in p.stderr:
            raise SystemExit(f"run-nms-poll: {shlex.join(argv)} exited {p.returncode}: "
                             f"{p.stderr.strip()[:300]}")
        return p.stdout

    @staticmethod
    def pairs(text):
        """(oid without the leading dot, value text) of -On -Oq output."""
        out = []
        for line in text.splitlines():
            if line.startswith(".1."):
                oid, _, value = line.partition(" ")
                out.append((oid[1:], value.strip().strip('"')))
        return out

    def get(self, oids):
        return self.pairs(self.run("snmpget", self.peer, *["." + o for o in oids]))

    def bulkwalk(self, oid, max_rep):
        return self.pairs(self.run("snmpbulkwalk", f"-Cr{max_rep}", self.peer, "." + oid,
                                   timeout=300))

    def nextwalk(self, columns):
        """collectd's table read: one GETNEXT with every column still inside its subtree, a row
        per request, until none is; returns the rows seen."""
        cur = {c: c for c in columns}
        rows = 0
        while cur:
            got = self.pairs(self.run("snmpgetnext", self.peer, *["." + o for o in cur.values()]))
            nxt = {}
            for (col, _), (oid, _) in zip(cur.items(), got):
                if oid.startswith(col + "."):
                    nxt[col] = oid
            if nxt:
                rows += 1
            cur = nxt
        return rows


def counters(tools):
    """snmpd's own count of the requests and varbinds it answered."""
    got = dict(tools.get([SNMP_IN_PKTS, SNMP_IN_TOTAL_REQ_VARS]))
    return int(got[SNMP_IN_PKTS]), int(got[SNMP_IN_TOTAL_REQ_VARS])


def walk_index(tools, column, max_rep=25):
    """{index: value} of one column."""
    return {oid[len(column) + 1:]: v for oid, v in tools.bulkwalk(column, max_rep)
            if oid.startswith(column + ".")}


def chunks(seq, n):
    return [seq[i:i + n] for i in range(0, len(seq), n)]


def commit_of(directory):
    p = subprocess.run(["git", "-C", str(directory), "log", "-1", "--format=%h %cI"],
                       capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(directory), "status", "--porcelain", "nms"],
                           capture_output=True, text=True).stdout.strip()
    return (p.stdout.strip() or "not a git checkout") + (" (nms/ modified)" if dirty else "")


# A plan: a list of steps per replayed minute, each step ("get", [oids]), ("walk", oid, max_rep),
# ("nextwalk", [columns]) or ("cmd", argv); plus notes. Built against the live daemon (rows).
class Plan:
    def __init__(self, name, interval_min, minutes, source):
        self.name, self.interval_min, self.minutes, self.source = name, interval_min, minutes, source
        self.steps = []          # (minute, step)
        self.notes = []

    def add(self, minute, *step):
        self.steps.append((minute, step))


# --- Zabbix -------------------------------------------------------------------------------
ZBX_MAX_VARS = 128   # ZBX_MAX_SNMP_ITEMS: the most varbinds Zabbix puts in one GET (bulk on)


def zabbix_plan(tools, top, minutes):
    path = top / "nms/zabbix/make-template.py"
    mt = load_script("lw_make_template", path)
    every = {m: mt.MINUTES[v] for m, v in mt.DEFAULTS.items() if v in mt.MINUTES}
    plan = Plan("zabbix", every["{$LW.POLL.FAST}"], minutes, path)
    items = [(s["oid"], every[s["delay"]]) for s in mt.S]     # (oid, every N minutes)
    walks = []                                               # (oid, every N minutes)
    for dr in mt.DISCOVERY:
        pairs = re.findall(r"(\{#\w+\}),([0-9.]+)", dr["oid"])
        period = every[dr["delay"]]
        rows = {}
        for macro, oid in pairs:
            walks.append((oid, period))
            for index, value in walk_index(tools, oid, ZBX_MAX_VARS).items():
                rows.setdefault(index, {})[macro] = value
        found = len(rows)
        js = dr.get("js") or ""
        size = re.search(r"list\[i\]\['(\{#\w+\})'\], 10\) >= min", js)
        limit = re.search(r"parseInt\('(\{\$[^']+\})', 10\)", js)
        if size and limit:
            floor = int(mt.DEFAULTS[limit.group(1)])
            rows = {i: r for i, r in rows.items() if int(r.get(size.group(1), 0) or 0) >= floor}
        for macro, value_macro, op in dr["filter"]:
            rx = re.compile(mt.DEFAULTS[value_macro])
            want = op == "MATCHES_REGEX"
            rows = {i: r for i, r in rows.items() if bool(rx.search(r.get(macro, ""))) == want}
        plan.notes.append(f"{dr['key']}: {found} rows, {len(rows)} pass the filters, "
                          f"{len(dr['items'])} item prototypes")
        for index in rows:
            for p in dr["items"]:
                items.append((p["oid"].replace("{#SNMPINDEX}", index), every[p["delay"]]))
    for minute in range(minutes):
        due = [oid for oid, n in items if minute % n == 0]
        for part in chunks(due, ZBX_MAX_VARS):
            plan.add(minute, "get", part)
        for oid, n in walks:
            if minute % n == 0:
                plan.add(minute, "walk", oid, ZBX_MAX_VARS)
    plan.notes.append(f"items polled: {len(items)} ({sum(1 for _, n in items if n == 1)} every "
                      f"minute), discovery walks: {len(walks)} columns")
    return plan


# --- Prometheus ---------------------------------------------------------------------------
def yaml_modules(text):
    """{module: (get, walk, max_repetitions)} of snmp.yml (plain YAML lists, modules at the
    top level, their keys indented by two)."""
    mods, name, section = {}, None, None
    for line in text.splitlines():
        m = re.match(r"^(\w+):\s*$", line)
        if m:
            name, section = m.group(1), None
            mods[name] = ([], [], 25)
            continue
        if name is None:
            continue
        m = re.match(r"^  (\w+):\s*(\S*)", line)
        if m:
            section = m.group(1)
            if section == "max_repetitions":
                get, walk, _ = mods[name]
                mods[name] = (get, walk, int(m.group(2)))
            continue
        m = re.match(r"^  - ([0-9.]+)\s*$", line)
        if m and section in ("get", "walk"):
            mods[name][0 if section == "get" else 1].append(m.group(1))
    return mods


def scrape_jobs(text):
    """{module: scrape interval in s} of the jobs of prometheus.yml (the global interval when a
    job sets none)."""
    def seconds(v):
        return int(v[:-1]) * {"s": 1, "m": 60, "h": 3600}[v[-1]]
    glob = re.search(r"^global:.*?^  scrape_interval:\s*(\d+[smh])", text, re.M | re.S)
    default = seconds(glob.group(1)) if glob else 60
    jobs = {}
    for body in re.split(r"^  - job_name:", text, flags=re.M)[1:]:
        module = re.search(r"module:\s*\[(\w+)\]", body)
        every = re.search(r"^    scrape_interval:\s*(\d+[smh])", body, re.M)
        if module:
            jobs[module.group(1)] = seconds(every.group(1)) if every else default
    return jobs


def prometheus_plan(tools, top, minutes, tmp):
    shipped = top / "nms/prometheus/snmp.yml"
    if shipped.is_file():
        path, how = shipped, "shipped"
    else:  # not in the tree yet: generate it from the shipped generator.yml with the real generator
        path = tmp / "snmp.yml"
        env = dict(os.environ)
        env.setdefault("LW_MIBDIRS", f"{REPO / 'mibs'}:{REPO.parent / 'shared' / 'mibs'}")
        subprocess.run(["sh", str(top / "nms/prometheus/generate.sh"), str(path)], env=env,
                       check=True, capture_output=True)
        how = (f"generated from {top / 'nms/prometheus/generator.yml'} by its generate.sh "
               f"(MIBs {env['LW_MIBDIRS']})")
    mods = yaml_modules(path.read_text())
    jobs = scrape_jobs((top / "nms/prometheus/prometheus.yml").read_text())
    if not jobs:
        raise SystemExit("run-nms-poll: no scrape job with a module in prometheus.yml")
    # the plan's interval (against the peer) is the most frequent job's
    plan = Plan("prometheus", max(1, min(jobs.values()) // 60), minutes, path)
    plan.notes.append(f"snmp.yml: {how}")
    for module, secs in sorted(jobs.items(), key=lambda kv: kv[1]):
        if module not in mods:
            raise SystemExit(f"run-nms-poll: prometheus.yml scrapes module {module}, "
                             f"not in {path}")
        get, walk, maxrep = mods[module]
        every = max(1, secs // 60)
        if secs % 60:
            raise SystemExit(f"run-nms-poll: scrape_interval {secs} s of module {module} "
                             "is not whole minutes")
        if minutes % every:
            plan.notes.append(f"warning: {minutes} min is not a multiple of module {module}'s "
                              f"{every} min interval")
        plan.notes.append(f"module {module}: {len(get)} GETs, {len(walk)} walked subtrees, "
                          f"max_repetitions {maxrep}; scrape_interval {secs} s (prometheus.yml)")
        for minute in range(0, minutes, every):
            for part in chunks(get, maxrep):
                plan.add(minute, "get", part)
            for oid in walk:
                plan.add(minute, "walk", oid, maxrep)
    plan.steps.sort(key=lambda s: s[0])
    return plan


# --- Nagios -------------------------------------------------------------------------------
def nagios_objects(text, kind):
    out = []
    for body in re.findall(r"define\s+" + kind + r"\s*\{(.*?)\}", text, re.S):
        obj = {}
        for line in body.splitlines():
            line = line.split(";")[0].strip()
            if line and not line.startswith("#"):
                key, _, value = line.partition(" ")
                obj[key] = value.strip()
        out.append(obj)
    return out


def nagios_plan(tools, top, minutes, check_leakwatch):
    path = top / "nms/nagios/leakwatch.cfg"
    text = path.read_text()
    commands = {c["command_name"]: c["command_line"] for c in nagios_objects(text, "command")}
    services = nagios_objects(text, "service")
    templates = {s["name"]: s for s in services if "name" in s}
    plan = Plan("nagios", None, minutes, path)
    intervals = []
    for s in services:
        if s.get("register") == "0":
            continue
        every = s.get("check_interval") or templates.get(s.get("use"), {}).get("check_interval")
        every = int(every or 5)   # interval_length 60: minutes
        name, *args = s["check_command"].split("!")
        line = commands[name]
        for n, a in enumerate(args, 1):
            line = line.replace(f"$ARG{n}$", a)
        line = re.sub(r"\$ARG\d+\$", "", line)
        line = (line.replace("$USER1$/check_leakwatch", shlex.quote(str(check_leakwatch)))
                .replace("$_HOSTSNMPCOMMUNITY$", "public").replace("$HOSTADDRESS$", "127.0.0.1")
                .replace("$_HOSTSNMPPORT$", str(tools.port)))
        argv = shlex.split(line)
        intervals.append(every)
        plan.notes.append(f"service '{s.get('service_description')}': every {every} min: "
                          f"{shlex.join(argv[1:])}")
        for minute in range(0, minutes, every):
            plan.add(minute, "cmd", argv)
    tpl_every = templates.get("leakwatch-service", {}).get("check_interval")
    plan.interval_min = int(tpl_every) if tpl_every else min(intervals)
    return plan


# --- Cacti --------------------------------------------------------------------------------
CACTI_POLL_MIN = 5      # the poller's interval, "5 Minute Collection"
SPINE_MAX_OIDS = 10     # spine's max_oids default


def cacti_plan(tools, top, minutes):
    path = top / "nms/cacti/mkcacti.py"
    mk = load_script("lw_mkcacti", path)
    plan = Plan("cacti", CACTI_POLL_MIN, minutes, path)
    oids = [s[2].lstrip(".") for s in mk.SCALARS]
    for q in mk.QUERIES:
        index_oid = q["index"].lstrip(".")
        rows = walk_index(tools, index_oid)
        plan.notes.append(f"data query {q['key']}: {len(rows)} rows x {len(q['outputs'])} "
                          "output fields, all graphed")
        for index in rows:
            oids += [f"{o[3].lstrip('.')}.{index}" for o in q["outputs"]]
    for minute in range(0, minutes, CACTI_POLL_MIN):
        for part in chunks(oids, SPINE_MAX_OIDS):
            plan.add(minute, "get", part)
        # reindex checks: method 2 (index count changed) for groups walks the index column;
        # method 1 (uptime goes backwards) for ports and interfaces reads sysUpTime (snmpd)
        plan.add(minute, "walk", mk.QUERIES[0]["index"].lstrip("."), SPINE_MAX_OIDS)
        plan.add(minute, "get", [SYS_UPTIME])
    plan.notes.append(f"{len(oids)} OIDs every {CACTI_POLL_MIN} min in GETs of {SPINE_MAX_OIDS}")
    return plan


# --- collectd -----------------------------------------------------------------------------
def collectd_plan(tools, top, minutes):
    path = top / "nms/collectd/leakwatch.conf"
    text = path.read_text()
    blocks = {}
    for name, body in re.findall(r'<Data\s+"([^"]+)">(.*?)</Data>', text, re.S):
        table = re.search(r"^\s*Table\s+true", body, re.M | re.I) is not None
        values = re.findall(r'"([0-9.]+)"', (re.search(r"^\s*Values\s+(.*)$", body, re.M)
                                             or [None, ""])[1])
        inst = re.findall(r'^\s*(?:Type|Plugin)InstanceOID\s+"([0-9.]+)"', body, re.M)
        blocks[name] = (table, values, inst)
    iv = re.search(r"^\s*#?\s*Interval\s+(\d+)", text[text.find("<Host"):] if "<Host" in text
                   else text, re.M)
    interval_s = int(iv.group(1)) if iv else 60
    collect = []
    for line in re.findall(r"^\s*#?\s*Collect\s+(.*)$", text, re.M):
        collect += re.findall(r'"([^"]+)"', line)
    collect = [c for c in collect if c in blocks] or list(blocks)
    every = max(1, interval_s // 60)
    plan = Plan("collectd", every, minutes, path)
    plan.notes.append(f"Interval {interval_s} s; {len(collect)} Data blocks collected "
                      f"({sum(1 for c in collect if blocks[c][0])} tables)")
    for minute in range(0, minutes, every):
        for name in collect:
            table, values, inst = blocks[name]
            if table:
                plan.add(minute, "nextwalk", values + inst)
            else:
                plan.add(minute, "get", values)
    return plan


# --- replay and measurement ---------------------------------------------------------------
def thread_ns(pid):
    return {tid: ns for tid, (_, ns) in budget.thread_ns(pid).items()}


def cpu_sample(lw, snmpd):
    th = thread_ns(lw.pid)
    return dict(t=time.monotonic(), lw_main=th.get(lw.pid, 0), lw_all=sum(th.values()),
                snmpd=sum(thread_ns(snmpd.pid).values()))


def delta(a, b):
    return {k: b[k] - a[k] for k in a}


def replay(plan, tools):
    """Runs every step of the plan in order, as fast as the tools go; returns failures."""
    failures = []
    for _minute, step in plan.steps:
        kind = step[0]
        if kind == "get":
            tools.get(step[1])
        elif kind == "walk":
            tools.bulkwalk(step[1], step[2])
        elif kind == "nextwalk":
            tools.nextwalk(step[1])
        elif kind == "cmd":
            tools.runs += 1
            p = subprocess.run(step[1], capture_output=True, text=True, timeout=60)
            if p.returncode == 3:
                failures.append(f"{shlex.join(step[1][-2:])}: UNKNOWN: {p.stdout.strip()[:200]}")
    return failures


def measure(plan, tools, lw, snmpd):
    c0 = counters(tools)
    s0 = cpu_sample(lw, snmpd)
    failures = replay(plan, tools)
    s1 = cpu_sample(lw, snmpd)
    c1 = counters(tools)
    busy = delta(s0, s1)
    # the idle period of the same length, right after: what the daemons do with no NMS
    time.sleep(busy["t"])
    s2 = cpu_sample(lw, snmpd)
    idle = delta(s1, s2)
    return busy, idle, (c1[0] - c0[0], c1[1] - c0[1]), failures


def counter_self_cost(tools):
    """What one counters() read adds to the counters themselves."""
    a = counters(tools)
    b = counters(tools)
    return b[0] - a[0], b[1] - a[1]


def swrun_cache_timeout(tools):
    """The snmpd cache timeout (s) of hrSWRunTable / hrSWRunPerfTable; None if not cached."""
    found = []
    for oid, value in tools.bulkwalk(NS_CACHE_TIMEOUT, 25):
        index = oid[len(NS_CACHE_TIMEOUT) + 1:]
        if ".1.3.6.1.2.1.25.4.2" in "." + index or ".1.3.6.1.2.1.25.5.1" in "." + index:
            try:
                found.append(int(value))
            except ValueError:
                pass
    return max(found) if found else None


def peer_rounds(tools, lw, snmpd, rounds, max_rep, spacing):
    """snmpd CPU for one cold walk of hrSWRunName, hrSWRunPerfMem, hrSWRunPerfCPU; per round."""
    results = []
    for r in range(rounds):
        if r:
            time.sleep(spacing)
        c0 = counters(tools)
        s0 = cpu_sample(lw, snmpd)
        for col in (HR_SWRUN_NAME, HR_SWRUN_PERF_MEM, HR_SWRUN_PERF_CPU):
            tools.bulkwalk(col, max_rep)
        s1 = cpu_sample(lw, snmpd)
        c1 = counters(tools)
        results.append((delta(s0, s1), (c1[0] - c0[0], c1[1] - c0[1])))
    return results


def build_check_leakwatch(src, tmp):
    """check_leakwatch compiled from the worktree's sources (the build there may be older)."""
    out = tmp / "check_leakwatch"
    flags = subprocess.run(["net-snmp-config", "--cflags", "--libs"], capture_output=True,
                           text=True, check=True).stdout.split()
    srcs = sorted(str(p) for p in (src / "nms/nagios").glob("*.c"))
    subprocess.run(["cc", "-O2", "-DLW_VERSION=\"bench\"", "-o", str(out), *srcs, *flags],
                   check=True, capture_output=True)
    return out


def main():
    ap = argparse.ArgumentParser(description="Each NMS integration's steady polling cost to "
                                 "leakwatchd at its default intervals on a ~1,000-process host, "
                                 "against snmpd's hrSWRun table polled at the same interval.")
    ap.add_argument("-p", "--processes", type=int, default=1000,
                    help="processes on the host in total, topped up with spawn_idle (1000)")
    ap.add_argument("--minutes", type=int, default=60,
                    help="minutes of each plan replayed (60; zabbix needs 60 for its hourly items)")
    ap.add_argument("--collectd-minutes", type=int, default=5,
                    help="minutes of collectd's plan replayed (5: a tool run per table row)")
    ap.add_argument("--only", default=",".join(ORDER), help="integrations, comma-separated")
    ap.add_argument("--nms-dir", action="append", default=[], metavar="NAME=DIR",
                    help="read integration NAME from the checkout DIR (default: this one)")
    ap.add_argument("--check-leakwatch", help="check_leakwatch binary (default: compiled from "
                    "the nagios checkout's sources)")
    ap.add_argument("--peer-rounds", type=int, default=3, help="cold hrSWRun rounds (3)")
    ap.add_argument("--peer-max-rep", type=int, default=25,
                    help="max-repetitions of the peer's walks (25, snmp_exporter's default)")
    args = ap.parse_args()
    only = [n for n in args.only.split(",") if n]
    dirs = dict(SOURCES)
    for spec in args.nms_dir:
        name, _, d = spec.partition("=")
        dirs[name] = d
    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}")
    print(f"kernel: {' '.join(os.uname()[2:4])}")
    print(f"cpus: {os.cpu_count()}")
    print(f"loadavg_at_start: {loadavg()}  # other work on the machine", flush=True)
    if binaries_missing("run-nms-poll", [("SPAWN_IDLE", binary("SPAWN_IDLE", "spawn_idle")),
                                         ("LEAKWATCHD", leakwatchd_path())]):
        return 2
    for name in only:
        if name not in ORDER:
            ap.error(f"unknown integration {name}")
        print(f"source.{name}: {dirs[name]} at {commit_of(dirs[name])}")

    unwind_on_signals()
    tmp = Path(tempfile.mkdtemp(prefix="lw-nmspoll-"))
    fleet = snmpd = lw = None
    sessions = set()
    try:
        check_leakwatch = None
        if "nagios" in only:
            check_leakwatch = (Path(args.check_leakwatch) if args.check_leakwatch
                               else build_check_leakwatch(Path(dirs["nagios"]), tmp))
            print(f"check_leakwatch: {check_leakwatch}")
        before = budget.count_processes()
        need = args.processes - before
        print(f"processes.before_top_up: {before}")
        if need > 0:
            fleet = budget.Fleet(need)
            sessions.add(fleet.proc.pid)
            fleet.wait_ready()
        snmpd = Snmpd(tmp / "snmpd").start()
        sessions.add(snmpd.pid)
        lw = Leakwatchd(tmp / "leakwatchd", snmpd=snmpd, interval=INTERVAL_S).start()
        sessions.add(lw.pid)
        tools = Tools(snmpd.port)
        def first_snapshot():
            lw.check_alive()
            try:
                return tools.get([B + ".3.5.0"])[0][1].isdigit()   # lwProcRows.0
            except SystemExit:
                return False
        wait_until(first_snapshot, 120, interval=0.5, what="leakwatchd's first snapshot")
        time.sleep(5)   # start-up and the first cycle's hand-over out of the windows
        print(f"processes.after_top_up: {budget.count_processes()}  # /proc/[0-9]*, "
              "snmpd and leakwatchd included")
        print(f"leakwatchd.binary: {lw.binary}")
        print(f"leakwatchd.pid: {lw.pid}\nsnmpd.pid: {snmpd.pid}\nleakwatchd.interval_s: "
              f"{INTERVAL_S}")
        rows = dict(tools.get([B + ".3.5.0", B + ".2.17.0"]))
        print(f"leakwatchd.lwProcRows: {rows.get(B + '.3.5.0')}")
        self_cost = counter_self_cost(tools)
        print(f"counters.self: {self_cost[0]} requests, {self_cost[1]} varbinds per read  "
              "# subtracted", flush=True)

        results = {}
        for name in only:
            top = Path(dirs[name])
            minutes = args.collectd_minutes if name == "collectd" else args.minutes
            if name == "zabbix":
                plan = zabbix_plan(tools, top, minutes)
            elif name == "prometheus":
                plan = prometheus_plan(tools, top, minutes, tmp)
            elif name == "nagios":
                plan = nagios_plan(tools, top, minutes, check_leakwatch)
            elif name == "cacti":
                plan = cacti_plan(tools, top, minutes)
            else:
                plan = collectd_plan(tools, top, minutes)
            print(f"{name}.plan_from: {plan.source}")
            for note in plan.notes:
                print(f"{name}.plan: {note}")
            runs0 = tools.runs
            busy, idle, (reqs, vbs), failures = measure(plan, tools, lw, snmpd)
            reqs -= self_cost[0]
            vbs -= self_cost[1]
            for f in failures[:3]:
                print(f"{name}.unknown: {f}")
            net_main = busy["lw_main"] - idle["lw_main"]
            net_all = busy["lw_all"] - idle["lw_all"]
            net_snmpd = busy["snmpd"] - idle["snmpd"]
            per_min = lambda x: x / plan.minutes  # noqa: E731
            r = dict(minutes=plan.minutes, interval=plan.interval_min, reqs=reqs, vbs=vbs,
                     main_ms=per_min(net_main) / 1e6, all_ms=per_min(net_all) / 1e6,
                     snmpd_ms=per_min(net_snmpd) / 1e6, wall=busy["t"],
                     idle_main_ms=idle["lw_main"] / 1e6, busy_main_ms=busy["lw_main"] / 1e6,
                     runs=tools.runs - runs0)
            results[name] = r
            print(f"{name}.replayed_minutes: {plan.minutes}  ({r['runs']} tool runs in "
                  f"{r['wall']:.1f} s)")
            print(f"{name}.interval_min: {plan.interval_min}")
            print(f"{name}.requests_per_min: {reqs / plan.minutes:.1f}")
            print(f"{name}.varbinds_per_min: {vbs / plan.minutes:.1f}")
            print(f"{name}.leakwatchd_main_ms: {busy['lw_main'] / 1e6:.1f} replay, "
                  f"{idle['lw_main'] / 1e6:.1f} idle of the same length")
            print(f"{name}.leakwatchd_cpu_ms_per_min: {r['main_ms']:.3f}  # main thread (answers "
                  f"AgentX), less idle; whole process {r['all_ms']:.3f}")
            print(f"{name}.leakwatchd_pct_core: {r['main_ms'] / 600:.5f}")
            print(f"{name}.snmpd_cpu_ms_per_min: {r['snmpd_ms']:.3f}  # the master forwarding "
                  "to leakwatchd, less idle")
            if vbs:
                print(f"{name}.leakwatchd_us_per_varbind: {net_main / 1e3 / vbs:.1f}")
            print(flush=True)

        # --- the peer: snmpd's hrSWRun table ------------------------------------------------
        timeout = swrun_cache_timeout(tools)
        spacing = (timeout + 1) if timeout else 1
        print(f"peer.swrun_cache_timeout_s: {timeout}  # nsCacheTimeout; rounds {spacing} s "
              "apart so each starts cold")
        rounds = peer_rounds(tools, lw, snmpd, args.peer_rounds, args.peer_max_rep, spacing)
        per_round = []
        for d, (reqs, vbs) in rounds:
            per_round.append((d["snmpd"] / 1e6, reqs - self_cost[0], vbs - self_cost[1], d["t"]))
        ms = sorted(p[0] for p in per_round)
        peer_ms = ms[len(ms) // 2]
        print(f"peer.walk: snmpbulkwalk -Cr{args.peer_max_rep} of hrSWRunName "
              f"({HR_SWRUN_NAME}), hrSWRunPerfMem ({HR_SWRUN_PERF_MEM}), hrSWRunPerfCPU "
              f"({HR_SWRUN_PERF_CPU})")
        print(f"peer.rounds_snmpd_ms: {' '.join(f'{p[0]:.1f}' for p in per_round)}  "
              f"(median {peer_ms:.1f})")
        print(f"peer.requests_per_round: {per_round[-1][1]}")
        print(f"peer.varbinds_per_round: {per_round[-1][2]}")
        print(f"peer.round_s: {' '.join(f'{p[3]:.2f}' for p in per_round)}", flush=True)

        print("--- summary ---")
        status = 0
        print(f"summary.host: {budget.count_processes()} processes, leakwatchd interval "
              f"{INTERVAL_S} s, loadavg {loadavg()}")
        for name, r in results.items():
            peer_min = peer_ms / r["interval"]
            ratio = r["main_ms"] / peer_min if peer_min else float("nan")
            ratio_all = (r["main_ms"] + r["snmpd_ms"]) / peer_min if peer_min else float("nan")
            extra = ""
            if name == "zabbix":
                ok = r["main_ms"] / 600 <= GOAL_ZABBIX_PCT
                extra = f"; goal <= {GOAL_ZABBIX_PCT} % {'PASS' if ok else 'MISS'}"
                status = 0 if ok else 3
            print(f"summary.{name}: {r['reqs'] / r['minutes']:.1f} requests, "
                  f"{r['vbs'] / r['minutes']:.0f} varbinds per minute; leakwatchd "
                  f"{r['main_ms']:.2f} ms CPU per minute = {r['main_ms'] / 600:.4f} % of one "
                  f"core{extra}; snmpd master +{r['snmpd_ms']:.2f} ms/min; peer (hrSWRun every "
                  f"{r['interval']} min) {peer_min:.2f} ms/min of snmpd; ratio {ratio:.3f} "
                  f"(with the master's share {ratio_all:.3f})")
        print(f"summary.loadavg: {loadavg()} at end (other work on the machine)", flush=True)
        return status
    except KeyboardInterrupt as exc:
        print(f"run-nms-poll: interrupted ({exc or 'Ctrl-C'}); cleaning up", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for what, step in (("leakwatchd", lambda: lw.stop()), ("snmpd", lambda: snmpd.stop()),
                           ("spawn_idle", lambda: fleet.stop())):
            try:
                if {"leakwatchd": lw, "snmpd": snmpd, "spawn_idle": fleet}[what] is not None:
                    step()
            except Exception as exc:  # noqa: BLE001 - go on with the rest of the cleanup
                print(f"run-nms-poll: stopping {what}: {exc}", file=sys.stderr)
        left = budget.leftovers(sessions)
        for pid in left:   # only processes of the sessions this script started
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        print(f"cleanup.processes_left: {len(left)}", flush=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (GiveUp, WaitTimeout) as exc:
        print(f"run-nms-poll: {exc}", file=sys.stderr)
        sys.exit(1)
