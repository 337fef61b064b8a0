# test_prometheus.py: nms/prometheus against the real snmp_exporter 0.21, its generator, Prometheus 2.42 and promtool, in a loopback-only namespace.
# SPDX-License-Identifier: ISC
"""What is proven here, with the Debian packages and leakwatchd, never with recorded output:

* the shipped snmp.yml is what generate.sh makes from generator.yml and the MIBs of this tree;
* promtool accepts the example configuration and rules.yml, and rules.yml's unit tests pass;
* the exporter's output for the module equals what leakwatchd serves (read back with snmpget in
  the same namespace) for values that hold still between the two reads, names and states are
  labels, hundredths are scaled, and `# TYPE` is counter exactly for the MIB's Counter32/64;
* Prometheus scrapes it (target up), its query API returns the agent's values, every expression
  of the Grafana dashboard evaluates and names only metrics and labels the exporter produces;
* a process that leaks memory becomes a firing alert (group and single-process rules);
* multicast sent on the namespace's loopback reaches the multicast metrics with its group as a
  label."""
import difflib
import json
import os
import re
import sys
import time
import urllib.parse

import pytest

from nmsenv import FAST_LEAK_SETTINGS, LW, REPO, NmsError, need

PROM = REPO / "nms" / "prometheus"
SNMP_YML = PROM / "snmp.yml"
EXPORTER, PROMETHEUS = "127.0.0.1:9116", "127.0.0.1:9090"
MODULES = ("leakwatch", "leakwatch_slow")   # scraped every 60 s and every 4 min
B = f"{LW}.1"
OID = {  # numeric OIDs read back with snmpget / snmpbulkwalk
    "lwSampleInterval": f"{B}.1.3.0", "lwAgentStartTimeUnix": f"{B}.1.6.0",
    "lwCpuCount": f"{B}.2.4.0", "lwMemTotalKB": f"{B}.2.5.0", "lwMemTotalKBX": f"{B}.2.17.0",
    "lwSwapTotalKBX": f"{B}.2.22.0", "lwFilesMaxX": f"{B}.2.25.0",
    "lwLeakMinPercentDay": f"{B}.7.1.4.0", "lwAlarmTcpOrphanPercent": f"{B}.7.1.7.0",
    "lwAlarmLoadPerCpu": f"{B}.7.1.10.0", "lwLeakWindow": f"{B}.7.1.1.0",
    "lwProcGroupName": f"{B}.3.2.1.2", "lwProcGroupCount": f"{B}.3.2.1.3",
    "lwProcGroupLeakState": f"{B}.3.2.1.9",
    "lwTcpStateCount": f"{B}.4.1.1.2", "lwTcpStateName": f"{B}.4.1.1.5",
    "lwMcastIfName": f"{B}.6.1.1.2", "lwMcastGroupAddrText": f"{B}.6.2.1.15",
}
# Hundredths set in leakwatchd.conf so that both regex branches of the scaling show:
# 1234 -> 12.34, 5 -> 0.05, 8050 -> 80.5.
HUNDREDTHS_CONF = ("alarm_load_per_cpu 1234", "leak_min_percent_day 5", "alarm_tcp_orphans 8050")
MCAST_GROUP, MCAST_PPS = "239.7.7.7", 50
LEAK_KIB_S = 1024
ALERT_TIMEOUT = 240          # the detector needs ~130 s at interval 1 (see FAST_LEAK_SETTINGS)

# UDP to a multicast group through the namespace's loopback (IP_MULTICAST_IF 127.0.0.1; no
# route needed), which the capture on lo counts as received.
MCAST_SENDER = r"""
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
group, pps = sys.argv[1], int(sys.argv[2])
print("ready", flush=True)
t0, i = time.monotonic(), 0
while True:
    s.sendto(b"lw" * 50, (group, 5007))
    i += 1
    time.sleep(max(0.0, t0 + i / pps - time.monotonic()))
"""

PROMQL_FUNCS = {  # functions and keywords an expression may use: never metric names
    "abs", "absent", "avg", "avg_over_time", "bottomk", "ceil", "changes", "clamp_max",
    "clamp_min", "count", "count_over_time", "delta", "deriv", "floor", "group",
    "histogram_quantile",
    "idelta", "increase", "irate", "label_join", "label_replace", "last_over_time", "max",
    "max_over_time", "min", "min_over_time", "predict_linear", "quantile", "rate", "resets",
    "round", "scalar", "sort", "sort_desc", "stddev", "sum", "sum_over_time", "time",
    "timestamp", "topk", "vector", "and", "or", "unless", "by", "without", "on", "ignoring",
    "group_left", "group_right", "bool", "offset", "inf", "nan"}
NOT_EXPORTER = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}  # Prometheus' own


# ------------------------------------------------------------------------- helpers

def parse_exposition(text):
    """{family: {"type": t, "help": h, "samples": [(name, {label: value}, float)]}} of the
    text format; label values unescaped."""
    families, cur = {}, None
    label_re = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*')
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            _, kind, name, rest = (line.split(" ", 3) + [""])[:4]
            fam = families.setdefault(name, {"type": None, "help": None, "samples": []})
            fam["type" if kind == "TYPE" else "help"] = rest
            cur = name
            continue
        if line.startswith("#"):
            continue
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)$", line)
        assert m, f"unparsable exposition line: {line!r}"
        name, labels = m.group(1), {}
        body = m.group(3) or ""
        pos = 0
        while pos < len(body):
            lm = label_re.match(body, pos)
            assert lm, f"unparsable labels in {line!r}"
            labels[lm.group(1)] = re.sub(r"\\(.)",
                                         lambda x: {"n": "\n"}.get(x.group(1), x.group(1)),
                                         lm.group(2))
            pos = lm.end()
        fam = families.setdefault(name if name in families else cur or name,
                                  {"type": None, "help": None, "samples": []})
        fam["samples"].append((name, labels, float(m.group(4))))
    return families


def samples(fams, name, **match):
    return [(lb, v) for fam in fams.values() for (n, lb, v) in fam["samples"]
            if n == name and all(lb.get(k) == w for k, w in match.items())]


def one(fams, name, **match):
    got = samples(fams, name, **match)
    assert len(got) == 1, f"{name}{match}: {len(got)} samples in the exporter's output"
    return got[0][1]


def mib_syntaxes():
    """{object: SYNTAX} of every OBJECT-TYPE of the MIB this tree ships."""
    text = (REPO / "mibs" / "LEAKWATCH-MIB.txt").read_text()
    return dict(re.findall(r"^(lw\w+)\s+OBJECT-TYPE\s+SYNTAX\s+(\w+)", text, re.M))


def mib_enum(tc):
    """{number: name} of an INTEGER textual convention of the MIB."""
    text = (REPO / "mibs" / "LEAKWATCH-MIB.txt").read_text()
    body = re.search(tc + r" ::= TEXTUAL-CONVENTION.*?SYNTAX\s+INTEGER\s*\{(.*?)\}", text, re.S)
    return {int(n): name for name, n in re.findall(r"(\w+)\((\d+)\)", body.group(1))}


def module_metrics():
    """{metric name as exported: (oid, label names, scalar?)} of the shipped snmp.yml's module,
    read from its regular layout (the generator's output; no YAML library needed)."""
    out = {}
    for block in SNMP_YML.read_text().split("\n  - name: ")[1:]:
        name = block.split("\n", 1)[0].strip()
        oid = re.search(r"^    oid: ([0-9.]+)$", block, re.M).group(1)
        typ = re.search(r"^    type: (\w+)$", block, re.M).group(1)
        labels = set(re.findall(r"labelname: (\w+)", block))
        dropped = set(re.findall(r"- labels: \[\]\n\s+labelname: (\w+)", block))
        if typ in ("DisplayString", "EnumAsStateSet", "EnumAsInfo") and \
                "regex_extracts" not in block:
            labels.add(name)
        out[name + ("_info" if typ == "EnumAsInfo" else "")] = (oid, labels - dropped,
                                                                "indexes:" not in block)
    return out


def promql_refs(expr):
    """(metric names, {metric: label names in its matchers}, label names in by/on/... lists)
    of a PromQL expression, by a small lexer: strings, durations and numbers are skipped."""
    s = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)              # string literals
    metrics, matchers, grouping = set(), {}, set()
    for m in re.finditer(r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)", s):
        grouping |= {x.strip() for x in m.group(2).split(",") if x.strip()}
    s2 = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", s)
    s2 = re.sub(r"\[[^\]]*\]", " ", s2)                        # range selectors, subqueries
    for m in re.finditer(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{([^}]*)\})?\s*(\()?", s2):
        name, braces, body, call = m.group(1), m.group(2), m.group(3), m.group(4)
        prev = s2[:m.start()].rstrip()
        if call or name in PROMQL_FUNCS or prev.endswith(("{", ",")) and not braces:
            continue
        if re.fullmatch(r"\d+[smhdwy]?", name) or prev[-1:].isdigit():
            continue
        metrics.add(name)
        if body:
            matchers.setdefault(name, set()).update(
                re.findall(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)", body))
    # label-only selectors such as {__name__=~"..."} are not used by the dashboard
    return metrics, matchers, grouping


def dashboard_targets():
    """[(panel title, expr, legendFormat)] of grafana-dashboard.json, rows included."""
    dash = json.loads((PROM / "grafana-dashboard.json").read_text())
    out = []

    def walk(panels):
        for p in panels:
            for t in p.get("targets", []):
                out.append((p.get("title", "?"), t["expr"], t.get("legendFormat", "")))
            walk(p.get("panels", []))
    walk(dash["panels"])
    for v in dash.get("templating", {}).get("list", []):
        if v.get("type") == "query":
            q = v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            m = re.fullmatch(r"label_values\((.*),\s*(\w+)\)", q or "")
            if m:
                out.append((f"variable {v['name']}", m.group(1), "{{%s}}" % m.group(2)))
    return out


def grafana_to_promql(expr):
    """The expression as Prometheus gets it from Grafana: $instance and the interval
    variables replaced."""
    return (expr.replace("$__rate_interval", "1m").replace("$__interval", "15s")
            .replace('"$instance"', '".*"').replace("$instance", ".*"))


class Prom:
    """curl inside the namespace against the exporter and Prometheus."""

    def __init__(self, nms):
        self.nms = nms

    def get(self, url, timeout=60):
        r = self.nms.run(["curl", "-sS", "-m", str(timeout), "-w", "\n%{http_code}", url],
                         timeout=timeout + 10)
        if r.returncode != 0:
            raise NmsError(f"curl {url}: {r.stderr.strip()}")
        body, _, code = r.stdout.rpartition("\n")
        return int(code), body

    def scrape(self, module=None):
        """One module's exposition, or with none, both modules' one after the other (the
        series Prometheus holds for the host; the snmp_scrape_* metrics then twice)."""
        if module is None:
            return "\n".join(self.scrape(m) for m in MODULES)
        code, body = self.get(f"http://{EXPORTER}/snmp?module={module}&target=127.0.0.1:16161")
        assert code == 200, f"exporter answered {code}: {body[:2000]}"
        return body

    def api(self, path, **params):
        code, body = self.get(f"http://{PROMETHEUS}/api/v1/{path}?"
                              + urllib.parse.urlencode(params))
        data = json.loads(body)
        assert code == 200 and data["status"] == "success", f"{path} {params}: {body[:1000]}"
        return data["data"]

    def query(self, q):
        return self.api("query", query=q)["result"]


def write_prometheus_yml(T, interval="5s"):
    """The shipped example, pointed at the agent and exporter of the namespace, scraping and
    evaluating every `interval`, with the shipped rules.yml (text edits, each of which must
    apply: a changed example fails here rather than testing something else)."""
    text = (PROM / "prometheus.yml").read_text()
    for old, new, count in (
            (r"(scrape_interval|evaluation_interval): 60s", rf"\1: {interval}", 3),
            (r"scrape_interval: 4m", f"scrape_interval: {interval}", 1),
            (r"scrape_timeout: (30|60)s", f"scrape_timeout: {interval}", 2),
            (r"\n  - rules.yml\n", f"\n  - {PROM / 'rules.yml'}\n", 1),
            (r"          - db1.example.org\n          - web1.example.org:161\n",
             "          - 127.0.0.1:16161\n", 2),
            (r"replacement: 127.0.0.1:9116\n", f"replacement: {EXPORTER}\n", 2),
            (r"job_name: leakwatch\n", "job_name: leakwatch\n", 1),
            (r"job_name: leakwatch_slow\n", "job_name: leakwatch_slow\n", 1),
            (r"module: \[leakwatch\]\n", "module: [leakwatch]\n", 1),
            (r"module: \[leakwatch_slow\]\n", "module: [leakwatch_slow]\n", 1)):
        text, n = re.subn(old, new, text)
        assert n == count, f"prometheus.yml: {old!r} matched {n} times, not {count}"
    path = T / "prometheus.yml"
    path.write_text(text)
    return path


# --------------------------------------------------------------------------- tests

def test_snmp_yml_is_generated_from_generator_yml(nms):
    """generate.sh with the real generator and this tree's MIB makes the shipped snmp.yml."""
    need("prometheus-snmp-generator", "prometheus-snmp-exporter")
    out = nms.T / "snmp.yml"
    r = nms.run(["sh", PROM / "generate.sh", out], env=dict(nms.env, LW_MIBDIRS=nms.mibdirs),
                timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    made, shipped = out.read_text(), SNMP_YML.read_text()
    if made != shipped:
        diff = "".join(list(difflib.unified_diff(shipped.splitlines(True), made.splitlines(True),
                                                 "shipped snmp.yml", "generated"))[:80])
        pytest.fail("nms/prometheus/snmp.yml differs from what generate.sh makes; run "
                    "nms/prometheus/generate.sh and commit it:\n" + diff)


def test_promtool_config_rules_and_rule_tests(nms):
    """promtool checks the example configuration and rules.yml and runs rules_test.yml."""
    need("promtool")
    for argv in (["promtool", "check", "config", PROM / "prometheus.yml"],
                 ["promtool", "check", "config", write_prometheus_yml(nms.T)],
                 ["promtool", "check", "rules", PROM / "rules.yml"],
                 ["promtool", "test", "rules", PROM / "rules_test.yml"]):
        r = nms.run(argv, cwd=PROM)
        assert r.returncode == 0, f"{' '.join(map(str, argv))}:\n{r.stdout}{r.stderr}"
        assert "SUCCESS" in r.stdout + r.stderr
    # every alert of rules.yml is exercised by the unit tests
    alerts = set(re.findall(r"^\s+- alert: (\w+)$", (PROM / "rules.yml").read_text(), re.M))
    tested = set(re.findall(r"^\s+alertname: (\w+)$", (PROM / "rules_test.yml").read_text(),
                            re.M))
    assert len(alerts) >= 15 and alerts <= tested, f"alerts without a unit test: {alerts - tested}"


def test_exporter_prometheus_dashboard_and_leak_alert(nms):
    need("prometheus-snmp-exporter", "prometheus", "promtool", "curl")
    t0 = time.monotonic()
    name = f"lwpl{os.getpid() % 100000}"          # comm: at most 15 characters
    leaker = nms.leak_helper(LEAK_KIB_S, name=name)   # its own name: a group of its own
    nms.run(["ip", "link", "set", "lo", "multicast", "on"])
    agent = nms.start_agent(interval=1, lw_conf_lines=(
        *FAST_LEAK_SETTINGS, *HUNDREDTHS_CONF, "mcast_interface lo",
        # a stable set of process groups: this test's processes (other tests' too, by name)
        f"process_include {name}", "process_include leakwatchd", "process_include snmpd",
        "process_include prometheus*"))
    sender = nms.spawn("mcast", [sys.executable, "-c", MCAST_SENDER, MCAST_GROUP, str(MCAST_PPS)])
    nms.wait_until(lambda: "ready" in sender.output(), 20, what="the multicast sender")

    nms.spawn("snmp_exporter", ["prometheus-snmp-exporter", f"--config.file={SNMP_YML}",
                                f"--web.listen-address={EXPORTER}", "--log.level=debug"])
    prom = Prom(nms)
    nms.wait_until(lambda: prom.get(f"http://{EXPORTER}/metrics", 5)[0] == 200, 30,
                   what="snmp_exporter listening")
    cfg = write_prometheus_yml(nms.T)
    r = nms.run(["promtool", "check", "config", cfg])
    assert r.returncode == 0, r.stdout + r.stderr
    nms.spawn("prometheus", ["prometheus", f"--config.file={cfg}",
                             f"--storage.tsdb.path={nms.T / 'tsdb'}",
                             f"--web.listen-address={PROMETHEUS}"], cwd=nms.T)

    # --- the exporter against leakwatchd ------------------------------------------------
    # the multicast group and the processes must be there before the comparisons
    nms.wait_until(lambda: MCAST_GROUP in [v for _, v in agent.walk(OID["lwMcastGroupAddrText"])],
                   30, what="the multicast group in lwMcastGroupTable")
    nms.wait_until(lambda: "prometheus" in [v for _, v in agent.walk(OID["lwProcGroupName"])],
                   30, what="the prometheus process group")
    text = prom.scrape()
    (nms.T / "exporter-output.txt").write_text(text)
    fams = parse_exposition(text)
    assert "snmp_error" not in fams

    for obj in ("lwMemTotalKBX", "lwMemTotalKB", "lwCpuCount", "lwSampleInterval",
                "lwAgentStartTimeUnix", "lwSwapTotalKBX", "lwFilesMaxX", "lwLeakWindow"):
        if obj in fams:
            assert one(fams, obj) == float(agent.get(OID[obj])), obj
    assert "lwMemTotalKB" not in fams, "the 32-bit half of a pair is published"
    assert one(fams, "lwMemTotalKBX") == float(agent.get(OID["lwMemTotalKB"]))
    assert one(fams, "lwSampleInterval") == 1
    # hundredths: the raw integer on the wire, the DISPLAY-HINT's decimal in the exporter
    for obj in ("lwAlarmLoadPerCpu", "lwLeakMinPercentDay", "lwAlarmTcpOrphanPercent"):
        raw = int(agent.get(OID[obj]))
        assert one(fams, obj) == raw / 100, (obj, raw)
    assert (one(fams, "lwAlarmLoadPerCpu"), one(fams, "lwLeakMinPercentDay"),
            one(fams, "lwAlarmTcpOrphanPercent")) == (12.34, 0.05, 80.5)

    # process groups: names are the label, the index is gone; values of this test's group
    def group_names_agent():
        return sorted(v for _, v in agent.walk(OID["lwProcGroupName"]))
    for _ in range(5):   # another test's leakwatchd or snmpd may come or go between reads
        before = group_names_agent()
        fams = parse_exposition(prom.scrape())
        if before == group_names_agent():
            break
    got = sorted(lb["lwProcGroupName"] for lb, _ in samples(fams, "lwProcGroupRssKB"))
    assert got == before
    assert all(set(lb) == {"lwProcGroupName"} for lb, _ in samples(fams, "lwProcGroupRssKB"))
    index = next(o.rsplit(".", 1)[1] for o, v in agent.walk(OID["lwProcGroupName"]) if v == name)
    assert one(fams, "lwProcGroupCount", lwProcGroupName=name) == \
        float(agent.get(f"{OID['lwProcGroupCount']}.{index}")) == 1
    assert {lb["lwProcGroupLeakState"] for lb, _ in
            samples(fams, "lwProcGroupLeakState", lwProcGroupName=name)} == \
        set(mib_enum("LwLeakState").values())

    # TCP states: the exporter's labels are the enum names, as lwTcpStateName serves them
    states = mib_enum("LwTcpConnState")
    served = {o.rsplit(".", 1)[1]: v for o, v in agent.walk(OID["lwTcpStateName"])}
    assert served and all(states[int(i)] == v for i, v in served.items()), served
    got = {lb["lwTcpState"] for lb, _ in samples(fams, "lwTcpStateCount")}
    counted = {states[int(o.rsplit(".", 1)[1])] for o, _ in agent.walk(OID["lwTcpStateCount"])}
    assert got == counted == set(served.values())

    # multicast: the interface and the group are labels
    assert one(fams, "lwMcastIfCaptureState", lwMcastIfName="lo",
               lwMcastIfCaptureState="running") == 1
    assert samples(fams, "lwMcastGroupPackets", lwMcastGroupAddrText=MCAST_GROUP,
                   lwMcastGroupIfName="lo")
    assert samples(fams, "lwMcastMemberUsers", lwMcastMemberAddrText="224.0.0.1",
                   lwMcastMemberIfName="lo")

    # # TYPE: counter exactly for the MIB's Counter32/Counter64, gauge for every level,
    # CounterBasedGauge64 (Counter64 on the wire) included
    syntax = mib_syntaxes()
    lw_fams = {n: f for n, f in fams.items() if n.startswith("lw")}
    assert len(lw_fams) > 100
    for n, f in lw_fams.items():
        obj = n[:-len("_info")] if n.endswith("_info") else n
        assert obj in syntax, f"{n}: not an object of LEAKWATCH-MIB"
        want = "counter" if syntax[obj] in ("Counter32", "Counter64") else "gauge"
        assert f["type"] == want, f"{n}: TYPE {f['type']}, SYNTAX {syntax[obj]}"
    twins = [n for n in lw_fams if syntax.get(n) == "CounterBasedGauge64"]
    assert "lwMemAvailableKBX" in twins and "lwMcastIfBps10X" in twins
    r = nms.run(["snmpget", "-v2c", "-c", "public", "-On", "127.0.0.1:16161", OID["lwMemTotalKBX"]])
    assert "Counter64" in r.stdout, r.stdout   # on the wire, and still typed gauge above
    # the two modules poll disjoint objects; each scrape's cost
    per_module = {m: parse_exposition(prom.scrape(m)) for m in MODULES}
    fast, slow = ({n for n in f if n.startswith("lw")} for f in per_module.values())
    assert fast and slow and not fast & slow, f"objects in both modules: {fast & slow}"
    assert "lwProcGroupRssKB" in slow and "lwSlabTotalKB" in slow and "lwAlarmCount" in fast
    for m, f in per_module.items():
        print(f"one scrape of {m}: {one(f, 'snmp_scrape_packets_sent'):.0f} requests, "
              f"{one(f, 'snmp_scrape_pdus_returned'):.0f} varbinds, "
              f"{one(f, 'snmp_scrape_walk_duration_seconds'):.3f} s walking, "
              f"{sum(len(x['samples']) for n, x in f.items() if n.startswith('lw'))} samples")

    # --- Prometheus ---------------------------------------------------------------------
    def targets_up():
        ts = prom.api("targets")["activeTargets"]
        return len(ts) == len(MODULES) and all(t["health"] == "up" for t in ts) and ts
    targets = nms.wait_until(targets_up, 60, what="Prometheus' targets up")
    assert {t["labels"]["instance"] for t in targets} == {"127.0.0.1:16161"}
    assert sorted(t["labels"]["job"] for t in targets) == sorted(MODULES)

    def value(q):
        res = prom.query(q)
        return float(res[0]["value"][1]) if len(res) == 1 else None
    nms.wait_until(lambda: value("lwMemTotalKBX") is not None, 30,
                   what="lwMemTotalKBX in Prometheus")
    assert value("lwMemTotalKBX") == float(agent.get(OID["lwMemTotalKBX"]))
    assert value("lwCpuCount") == float(agent.get(OID["lwCpuCount"]))
    assert value(f'lwProcGroupCount{{lwProcGroupName="{name}"}}') == 1
    assert value("lwAlarmLoadPerCpu") == 12.34
    assert value('count(lwTcpStateCount)') == len(counted)

    # --- the dashboard: every expression evaluates, on metrics and labels the exporter makes
    labels_of = {}

    def add_labels():
        for f in parse_exposition(prom.scrape()).values():
            for n, lb, _ in f["samples"]:
                labels_of.setdefault(n, set()).update(lb)
    add_labels()
    # A metric the module defines may be absent here because the agent has no value for it
    # (tcp_mem and tcp_max_orphans are hidden in a network namespace other than the host's,
    # no TCP connection means no lwTcpTopRemoteTable row): then the module's own labels are
    # checked and the agent is asked that it really serves nothing there.
    module = module_metrics()
    absent = {}

    def agent_serves_nothing(m):
        oid, _, scalar = module[m]
        if scalar:
            try:
                agent.get(oid + ".0")
            except NmsError as e:
                return "No Such" in str(e)
            return False
        # snmpwalk of an empty column falls back to a GET of the column: "No Such Instance"
        return all("No Such" in v for _, v in agent.walk(oid))
    targets = dashboard_targets()
    assert len(targets) >= 15
    empty = []
    for title, expr, legend in targets:
        metrics, matchers, grouping = promql_refs(expr)
        assert metrics, f"{title}: no metric in {expr!r}"
        for m in metrics - NOT_EXPORTER:
            if m not in labels_of and m in module:
                add_labels()   # rows come and go (an alarm raised since the last scrape)
            if m not in labels_of:
                assert m in module, f"{title}: {m} is neither exported nor in the module"
                assert agent_serves_nothing(m), \
                    f"{title}: {m} served by the agent, not exported: {agent.walk(module[m][0])[:5]}"
                absent[m] = title
                labels_of[m] = module[m][1]
            for lab in matchers.get(m, ()):
                assert lab in labels_of[m] | {"instance", "job"}, f"{title}: {m} has no label {lab}"
        known = set().union(*(labels_of.get(m, set()) for m in metrics)) | \
            {"instance", "job"}
        for lab in grouping | set(re.findall(r"\{\{\s*(\w+)\s*\}\}", legend)):
            assert lab in known, f"{title}: label {lab} of {expr!r} is on none of {metrics}"
        if not prom.query(grafana_to_promql(expr)):
            empty.append((title, expr))
    print(f"dashboard: {len(targets)} expressions, {len(empty)} without data here:\n  "
          + "\n  ".join(f"{t}: {e}" for t, e in empty)
          + f"\nmetrics the agent in this namespace does not serve: {sorted(absent)}")
    # An expression may be empty here only for a reason that holds on this quiet namespace: it
    # filters (a comparison: no leak, no failing collector yet), it is a rate (two scrapes),
    # its metrics are ones the agent cannot serve in a namespace, or it reads the alarm table
    # (rows exist only while an alarm is active).
    def explained(expr):
        metrics = promql_refs(expr)[0] - NOT_EXPORTER
        return (re.search(r"==|!=|>|<|\brate\(|\bincrease\(", expr) is not None
                or metrics <= set(absent) or all(m.startswith("lwAlarm") for m in metrics))
    unexplained = [(t, e) for t, e in empty if not explained(e)]
    assert not unexplained, f"dashboard expressions without data for no reason: {unexplained}"

    # --- a leaking process becomes firing alerts ----------------------------------------
    def firing():
        return [a for a in prom.api("alerts")["alerts"] if a["state"] == "firing"]

    def leak_alerts():
        got = {}
        for a in firing():
            lb = a["labels"]
            if lb["alertname"] == "LeakwatchProcessGroupMemoryLeak" and \
                    lb["lwProcGroupName"] == name:
                got["group"] = a
            if lb["alertname"] == "LeakwatchProcessLeak" and \
                    lb.get("lwAlarmObject") == f"{name} (pid {leaker.pid})":
                got["process"] = a
        return len(got) == 2 and got
    alerts = nms.wait_until(leak_alerts, max(30, ALERT_TIMEOUT - (time.monotonic() - t0)),
                            what="the leaking helper's alerts firing", interval=2)
    assert alerts["group"]["labels"]["severity"] == "warning"
    assert alerts["process"]["labels"]["lwAlarmType"] == "procMemLeak"
    assert f"Processes named {name} leak memory" in alerts["group"]["annotations"]["summary"]
    # what Prometheus alerts on is what leakwatchd serves
    assert agent.get(f"{OID['lwProcGroupLeakState']}.{index}") in ("4", "leaking(4)")
    assert value(f'lwProcGroupLeakState{{lwProcGroupName="{name}",'
                 'lwProcGroupLeakState="leaking"}') == 1
    print(f"leak alerts firing {time.monotonic() - t0:.0f} s after the helper started")
    # the dashboard's leak panels, empty before, now show the helper's group
    for title, expr in empty:
        if "lwProcGroupLeakState" in expr or "lwProcGroupRssSlope" in expr or \
                "lwProcGroupTimeToExhaustion" in expr:
            got = prom.query(grafana_to_promql(expr))
            assert name in [r["metric"].get("lwProcGroupName") for r in got], (title, expr, got)
