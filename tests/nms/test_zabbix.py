# The Zabbix 6.0 template nms/zabbix against a real zabbix_server, PostgreSQL 15 and frontend API, fed by leakwatchd.
# SPDX-License-Identifier: ISC
"""One run, everything in the test's own namespace:

- the committed YAML equals make-template.py's output;
- configuration.import takes it without error; a host with an SNMP interface (bulk on) on the
  test agent gets it, with host macros that shorten the intervals (the shipped defaults are
  1m/5m/1h);
- scalar items hold what leakwatchd serves (snmpget at about the same time, stable values:
  MemTotal, CPU count, fs.file-max, version);
- low-level discovery found exactly the process groups, listening ports, collectors, capture
  interfaces and (size-filtered) slab caches that the agent's tables list, and their items
  got values;
- a leaking helper process (lwleaker, its own process group) becomes Zabbix problems: the polled
  group leak state, the alarm discovered in lwAlarmTable, and the lwProcGroupMemLeak notification
  that went snmpd -> snmptrapd -> nms/traps/leakwatch-traphandle -> SNMPTrapperFile -> the
  template's trap item; the helper's exit closes its lwProcMemLeak problem by the clear.
"""
import json
import re
import subprocess
import sys
import time
from pathlib import Path

from nmsenv import LW
from zbxstack import ZabbixStack, missing_clients

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
GEN = REPO / "nms" / "zabbix" / "make-template.py"
YAML = REPO / "nms" / "zabbix" / "leakwatch-zabbix-6.0.yaml"
# The project's trap handler (nms/traps), configured to write Zabbix's SNMPTrapperFile only.
TRAPS = REPO / "nms" / "traps"

B = f"{LW}.1"
TPL = "LEAKWATCH-MIB SNMP"
TRAP_PORT = 16200
# The detector sees a 1 MiB/s leak in about two minutes with a 10 s window at interval 1
# (docs/leakwatchd.conf.5: leak_window >= 10 x interval, warm-up 0 or >= one window).
LW_CONF = ["leak_window 10", "leak_warmup 10", "leak_min_slope 1024", "fd_leak_min_slope 30",
           "kernel_interval 5", "mcast_interface lo"]
GROUPS_RE = "^(lwleaker|leakwatchd|snmpd|snmptrapd|zabbix_server|postgres)$"
SLAB_MIN_KB = 2048
HOST_MACROS = {
    "{$LW.POLL.FAST}": "5s", "{$LW.POLL.SLOW}": "10s", "{$LW.POLL.INVENTORY}": "10s",
    "{$LW.LLD.PERIOD}": "30s", "{$LW.LLD.ALARM.PERIOD}": "10s",
    "{$LW.GROUP.MATCHES}": GROUPS_RE, "{$LW.GROUP.MIN.RSS.KB}": "0",
    "{$LW.SLAB.MIN.KB}": str(SLAB_MIN_KB),
}
DETECT_S = 240          # from the helper's start to the Zabbix problems
IMPORT_RULES = {
    **{k: {"createMissing": True, "updateExisting": True}
       for k in ("templates", "items", "discoveryRules", "triggers", "graphs", "valueMaps")},
    "groups": {"createMissing": True},
}


def test_generated_yaml_is_committed():
    """The shipped YAML is exactly what the generator writes (no hand edits)."""
    out = subprocess.run([sys.executable, str(GEN)], capture_output=True, text=True, check=True).stdout
    assert out == YAML.read_text(), "nms/zabbix/leakwatch-zabbix-6.0.yaml differs from make-template.py's output: " \
        "run nms/zabbix/make-template.py -o nms/zabbix/leakwatch-zabbix-6.0.yaml"
    uuids = re.findall(r"uuid: ([0-9a-f]+)", out)
    assert len(uuids) == len(set(uuids))
    for u in uuids:
        assert re.fullmatch(r"[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}", u), u


def column(agent, oid):
    """{index: value} of one table column."""
    return {o[len(oid) + 1:]: v for o, v in agent.walk(oid)}


def items_by_key(z, hostid, prefix):
    res = z.call("item.get", {"hostids": [hostid], "search": {"key_": prefix}, "startSearch": True,
                              "output": ["itemid", "key_", "name", "lastvalue", "lastclock", "state",
                                         "error", "value_type"]})
    return {i["key_"]: i for i in res}


def start_trapd(nms, trapfile):
    """snmptrapd with the shipped leakwatch-traphandle, its shipped traphandle.conf turned to
    Zabbix only (no Nagios command file, no state) and writing the server's SNMPTrapperFile."""
    tdir = nms.T / "traps"
    tdir.mkdir()
    over = {"nagios_command_file": "", "nagios_hosts": "", "state_dir": "",
            "zabbix_trap_file": trapfile, "log_file": tdir / "handler.log"}
    text = (TRAPS / "traphandle.conf").read_text()
    for k, v in over.items():
        text, n = re.subn(rf"^{k} =.*$", f"{k} = {v}", text, flags=re.M)
        assert n == 1, f"traphandle.conf has no {k} line"
    (tdir / "traphandle.conf").write_text(text)
    conf = tdir / "snmptrapd.conf"
    conf.write_text("authCommunity log,execute public\n"
                    f"traphandle .{LW}.0.* /usr/bin/perl {TRAPS / 'leakwatch-traphandle'} "
                    f"-c {tdir / 'traphandle.conf'}\n")
    env = dict(nms.env, MIBS="+LEAKWATCH-MIB")
    p = nms.spawn("snmptrapd", ["/usr/sbin/snmptrapd", "-f", "-C", "-c", conf, "-Lf", tdir / "snmptrapd.log",
                                "-p", tdir / "snmptrapd.pid", "-n", "-X", f"udp:127.0.0.1:{TRAP_PORT}"], env=env)
    nms.wait_until(lambda: "NET-SNMP version" in (tdir / "snmptrapd.log").read_text(errors="replace")
                   if (tdir / "snmptrapd.log").exists() else False, 20, what="snmptrapd listening")
    return p


def test_zabbix_template_against_leakwatchd(nms):
    missing = missing_clients()
    assert not missing, f"not installed: {', '.join(missing)} (tests/quickstart.sh installs the NMS clients)"
    t0 = time.monotonic()
    agent = nms.start_agent(interval=1, trap_sink=f"127.0.0.1:{TRAP_PORT}", lw_conf_lines=LW_CONF)
    leaker = nms.leak_helper(1024)
    z = ZabbixStack(nms)
    try:
        z.start()
        start_trapd(nms, z.trapfile)
        run_checks(nms, agent, leaker, z, t0)
    finally:
        z.stop_db()


def run_checks(nms, agent, leaker, z, t0):
    # ---- import and host ----------------------------------------------------------------------
    assert z.call("configuration.import", {"format": "yaml", "source": YAML.read_text(),
                                           "rules": IMPORT_RULES}) is True
    tpl = z.call("template.get", {"filter": {"host": [TPL]}, "output": ["templateid"]})
    assert len(tpl) == 1
    # the bundled "Zabbix server" host polls an agent that is not there: off
    for h in z.call("host.get", {"filter": {"host": ["Zabbix server"]}, "output": ["hostid"]}):
        z.call("host.update", {"hostid": h["hostid"], "status": 1})
    group = z.call("hostgroup.get", {"filter": {"name": ["Linux servers"]}, "output": ["groupid"]})[0]
    hostid = z.call("host.create", {
        "host": "lwhost", "groups": [{"groupid": group["groupid"]}],
        "templates": [{"templateid": tpl[0]["templateid"]}],
        "interfaces": [{"type": 2, "main": 1, "useip": 1, "ip": "127.0.0.1", "dns": "",
                        "port": str(agent.port), "details": {"version": 2, "bulk": 1, "community": "public"}}],
        "macros": [{"macro": m, "value": v} for m, v in HOST_MACROS.items()],
    })["hostids"][0]

    # ---- scalars: what leakwatchd serves --------------------------------------------------------
    expect = {
        "lw.mem.total": lambda: int(agent.get(f"{B}.2.17.0")) * 1024,     # lwMemTotalKBX
        "lw.cpu.count": lambda: int(agent.get(f"{B}.2.4.0")),
        "lw.files.max": lambda: int(agent.get(f"{B}.2.25.0")),            # lwFilesMaxX
        "lw.agent.interval": lambda: int(agent.get(f"{B}.1.3.0")),
        "lw.agent.version": lambda: agent.get(f"{B}.1.1.0"),
    }

    def scalars_match():
        items = items_by_key(z, hostid, "lw.")
        got = {}
        for k in expect:
            it = items.get(k)
            if it is None or it["lastclock"] == "0":
                return None
            got[k] = it["lastvalue"]
        return got
    got = nms.wait_until(scalars_match, 120, what="the scalar items' first values")
    for k, f in expect.items():
        want = f()
        assert (str(want) == got[k]), f"{k}: Zabbix has {got[k]!r}, leakwatchd serves {want!r}"
    # a reading in hundredths became a float by the template's MULTIPLIER 0.01
    items = items_by_key(z, hostid, "lw.load[")
    load_raw = int(agent.get(f"{B}.2.1.0"))
    nms.wait_until(lambda: items_by_key(z, hostid, "lw.load[1]")["lw.load[1]"]["lastclock"] != "0", 60,
                   what="lw.load[1]")
    load = float(items_by_key(z, hostid, "lw.load[1]")["lw.load[1]"]["lastvalue"])
    assert abs(load - load_raw / 100) <= max(1.0, load_raw / 100 * 0.5), (load, load_raw)

    # ---- discovery --------------------------------------------------------------------------
    def discovered(prefix, name_re):
        its = items_by_key(z, hostid, prefix)
        return {re.match(name_re, i["name"]).group(1): i for i in its.values()}

    groups_served = {v for v in column(agent, f"{B}.3.2.1.2").values() if re.match(GROUPS_RE, v)}
    assert "lwleaker" in groups_served and "zabbix_server" in groups_served
    nms.wait_until(lambda: set(discovered("lw.group.rss[", r"Group (.*): RSS$")) == groups_served, 120,
                   what=f"process groups discovered: {sorted(groups_served)}")
    nms.wait_until(lambda: all(i["lastclock"] != "0" for i in discovered("lw.group.rss[", r"Group (.*): RSS$").values()),
                   60, what="values of the discovered group items")
    # a stable group value: the number of zabbix_server processes (only this test runs them;
    # snmpd, leakwatchd and lwleaker may also run for other tests on the machine)
    idx = next(k for k, v in column(agent, f"{B}.3.2.1.2").items() if v == "zabbix_server")
    key = f"lw.group.count[{idx}]"

    def count_matches():
        it = items_by_key(z, hostid, key).get(key)
        return it and it["lastclock"] != "0" and it["lastvalue"] == agent.get(f"{B}.3.2.1.3.{idx}")
    nms.wait_until(count_matches, 60, what=f"{key} (zabbix_server processes) as served")

    collectors = set(column(agent, f"{B}.1.5.1.2").values())
    nms.wait_until(lambda: set(discovered("lw.collector.error[", r"Collector (.*): last error$")) == collectors,
                   60, what="collectors discovered")
    ports = set(column(agent, f"{B}.4.3.1.11").values())
    assert {"15432", "20051", "18080"} <= ports, ports
    nms.wait_until(lambda: set(discovered("lw.port.established[", r"Port (.*): ESTABLISHED$")) == ports,
                   60, what=f"listening ports discovered: {sorted(ports)}")
    nms.wait_until(lambda: set(discovered("lw.mcastif.state[", r"Multicast (.*): capture state$")) == {"lo"},
                   60, what="capture interface lo discovered")
    nms.wait_until(lambda: items_by_key(z, hostid, "lw.mcastif.state[")
                   and all(i["lastvalue"] == agent.get(f"{B}.6.1.1.14.{k[len('lw.mcastif.state['):-1]}")
                           for k, i in items_by_key(z, hostid, "lw.mcastif.state[").items()),
                   60, what="capture state of lo as served")
    # slab caches: only the large ones (the JavaScript step filters on lwSlabTotalKB)
    slabs = nms.wait_until(lambda: discovered("lw.slab.size[", r"Slab (.*): size$"), 60, what="slab caches discovered")
    names = column(agent, f"{B}.5.2.1.2")
    sizes = {names[k]: int(v) for k, v in column(agent, f"{B}.5.2.1.9").items()}
    assert set(slabs) <= set(sizes)
    assert all(sizes[s] >= SLAB_MIN_KB // 2 for s in slabs), {s: sizes[s] for s in slabs}
    big = {s for s, kb in sizes.items() if kb >= 2 * SLAB_MIN_KB}
    assert big <= set(slabs), big - set(slabs)
    assert len(slabs) < len(sizes)

    # ---- the leak: polled state, alarm, trap ------------------------------------------------
    want = {
        "Process group lwleaker: memory leak",                     # lwProcGroupLeakState
        "leakwatch alarm groupMemLeak: lwleaker",                  # lwAlarmTable discovery
        # the notification; leakwatchd sees the whole host, so other modules' leaking helpers
        # (run side by side) may have traps and problems of their own: look for ours
        "leakwatch trap: process group memory leak: lwleaker",
    }

    def problems():
        names = [p["name"] for p in z.call("problem.get", {"hostids": [hostid], "output": ["name"]})]
        return names if all(any(n.startswith(w) for n in names) for w in want) else None
    left = DETECT_S - (time.monotonic() - t0)
    found = nms.wait_until(problems, max(left, 30), what=f"Zabbix problems {sorted(want)}")
    print("zabbix problems:", *found, sep="\n  ")
    assert any(n.startswith("leakwatch trap: process group memory leak: lwleaker") for n in found)
    # the trap item holds the notification as the handler wrote it
    key = next(k for k in items_by_key(z, hostid, "snmptrap[") if "lwProcGroupMemLeak|" in k)
    item = items_by_key(z, hostid, key)[key]
    hist = z.call("history.get", {"itemids": [item["itemid"]], "history": 2, "sortfield": "clock",
                                  "sortorder": "DESC", "limit": 5, "output": "extend"})
    assert any("lwProcGroupMemLeak" in h["value"] and "lwleaker" in h["value"] for h in hist), hist
    assert agent.get(f"{B}.3.2.1.9.{next(k for k, v in column(agent, f'{B}.3.2.1.2').items() if v == 'lwleaker')}") == "4"

    # ---- no item failed for a template error ------------------------------------------------
    bad = {k: i["error"] for k, i in items_by_key(z, hostid, "").items()
           if i["state"] == "1" and not re.search(r"No Such (Instance|Object)", i["error"])}
    assert not bad, json.dumps(bad, indent=1)

    # ---- the clear: the leaking process exits, leakwatchd clears its alarm and sends
    # lwProcMemLeakClear; the tag lw.alarm (lwAlarmIndex) makes it close exactly that problem
    proc_problem = f"leakwatch trap: process memory leak: lwleaker (pid {leaker.pid})"

    def problem_names():
        return [p["name"] for p in z.call("problem.get", {"hostids": [hostid], "output": ["name"]})]
    nms.wait_until(lambda: proc_problem in problem_names(), 60, what=f"the problem {proc_problem!r}")
    assert leaker.alive()
    leaker.stop()
    nms.wait_until(lambda: proc_problem not in problem_names(), 60,
                   what=f"the lwProcMemLeakClear trap closing {proc_problem!r}")
