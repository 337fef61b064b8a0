# check_leakwatch on its own against leakwatchd in the namespace: every mode's values equal snmpget's, right UOMs, exit codes 0 to 3.
# SPDX-License-Identifier: ISC
import time

from nagios_env import (B, COLLECTOR_ENTRY, GROUP_ENTRY, STEADY, TCP_STATE_COUNT, assert_uoms,
                        parse_perfdata, plugin, snmp_int, start_steady, steady_index)

V3 = ["-v3", "-l", "authPriv", "-u", "lwnms", "-a", "SHA-256", "-A", "lwnms-auth-pass",
      "-x", "AES", "-X", "lwnms-priv-pass"]


def check(nms, *args, snmp=("-v2c", "-c", "public"), agent="127.0.0.1:16161", t=5):
    """(exit code, status line, perfdata dict) of one run of the plugin in the namespace."""
    r = nms.run([plugin(nms), *snmp, "-t", str(t), agent, *args], timeout=60)
    lines = r.stdout.splitlines()
    assert len(lines) == 1, (args, r.stdout, r.stderr)        # one status line
    text, _, perf = lines[0].partition(" | ")
    return r.returncode, text, parse_perfdata(perf) if perf else {}


def test_plugin_exit_codes_values_and_uoms(nms):
    """Each mode's perfdata equals the agent's values (snmpget in the namespace) with the right
    UOMs; OK, WARNING, CRITICAL from thresholds; UNKNOWN for an unreachable agent, a wrong
    community, a wrong SNMPv3 passphrase, an agent without leakwatch and bad arguments."""
    agent = nms.start_agent(interval=1, lw_conf_lines=["mcast_interface lo"], snmpd_conf_lines=[
        "createUser lwnms SHA-256 lwnms-auth-pass AES lwnms-priv-pass", "rouser lwnms priv"])
    start_steady(nms)
    idx = steady_index(agent)

    # group: OK below the thresholds, values as served
    rc, text, perf = check(nms, "group", STEADY, "-w", "rss=10000000,fds=1000",
                           "--critical=rss=20000000")
    assert rc == 0 and text.startswith(f"LEAKWATCH GROUP OK - {STEADY}: RSS "), text
    assert perf["rss"]["value"] == snmp_int(agent, f"{GROUP_ENTRY}.4.{idx}")
    assert perf["maxrss"]["value"] == snmp_int(agent, f"{GROUP_ENTRY}.5.{idx}")
    assert perf["procs"]["value"] == snmp_int(agent, f"{GROUP_ENTRY}.3.{idx}") == 1
    assert perf["fds"]["value"] == snmp_int(agent, f"{GROUP_ENTRY}.7.{idx}")
    assert perf["rss"]["value"] >= 16 * 1024                    # 16 MiB touched
    assert (perf["rss"]["warn"], perf["rss"]["crit"], perf["fds"]["warn"]) == \
        ("10000000", "20000000", "1000")
    assert_uoms(perf, "group")
    # WARNING and CRITICAL from the guidelines' ranges
    rc, text, perf = check(nms, "group", STEADY, "-w", "procs=@1")
    assert rc == 1 and text.startswith("LEAKWATCH GROUP WARNING - "), text
    assert perf["procs"]["warn"] == "@1"
    rc, text, _ = check(nms, "group", STEADY, "-w", "procs=@1", "--critical=1000")
    assert rc == 2 and text.startswith("LEAKWATCH GROUP CRITICAL - "), text
    rc, text, _ = check(nms, "group", "lwnosuchgroup")
    assert rc == 2 and "no process group 'lwnosuchgroup'" in text, text

    # the same over SNMPv3 (authPriv, SHA-256/AES), options parsed as snmpget parses them, and
    # with the agent as TRANSPORT:HOST:PORT
    rc, text, perf = check(nms, "group", STEADY, snmp=V3)
    assert rc == 0 and perf["procs"]["value"] == 1, text
    rc, text, perf = check(nms, "group", STEADY, agent="udp:127.0.0.1:16161")
    assert rc == 0 and perf["procs"]["value"] == 1, text

    # tcp: one listener in the namespace (the steady helper's); percentages in %, counts plain
    rc, text, perf = check(nms, "tcp", "-w", "listen=@0")
    assert rc == 0, text
    assert perf["listen"]["value"] == snmp_int(agent, f"{TCP_STATE_COUNT}.2") == 1
    assert perf["established"]["value"] == snmp_int(agent, f"{TCP_STATE_COUNT}.5")
    assert perf["tw_pct"]["value"] * 100 == snmp_int(agent, f"{B}.4.10.9.0")
    assert_uoms(perf, "tcp")
    # tcp_mem is host-wide: the namespace hides it, and a threshold on it cannot be judged
    rc, text, _ = check(nms, "tcp", "--critical=80")
    assert rc == 3 and "cannot judge mem_pct: lwTcpMemMaxPercent.0 is noSuchInstance" in text, text

    # collectors: every row, errors as counters (c) equal to lwCollectorErrors
    rc, text, perf = check(nms, "collectors")
    names = dict((o.rsplit(".", 1)[1], v) for o, v in agent.walk(f"{COLLECTOR_ENTRY}.2"))
    assert perf["collectors"]["value"] == len(names) >= 16
    for i, name in names.items():
        assert perf[f"{name}_errors"]["value"] == snmp_int(agent, f"{COLLECTOR_ENTRY}.8.{i}")
    failing = [i for i, _ in names.items() if agent.get(f"{COLLECTOR_ENTRY}.9.{i}")]
    assert perf["failing"]["value"] == len(failing)
    assert rc == (1 if failing else 0), text
    assert_uoms(perf, "collectors")

    # alarms: as many as lwAlarmTable has rows (a loaded host may raise or clear loadHigh
    # between the plugin's read and snmpget's: the two must agree once)
    seen = []

    def alarms_agree():
        seen[:] = [check(nms, "alarms")]
        return seen[0][2]["alarms"]["value"] == snmp_int(agent, f"{B}.7.4.0")
    nms.wait_until(alarms_agree, 20, what="the alarm count to equal lwAlarmCount")
    rc, text, perf = seen[0]
    assert rc in (0, 2) and (rc == 0) == (perf["alarms"]["value"] == 0), text
    assert_uoms(perf, "alarms")

    # mcast: the capture on lo, rates as served (64-bit twin when present)
    rc, text, perf = check(nms, "mcast", "lo", "-w", "pps=1000000")
    assert rc == 0 and text.startswith("LEAKWATCH MCAST OK - lo "), text
    assert perf["lo_pps"]["value"] == snmp_int(agent, f"{B}.6.1.1.6.1")
    assert_uoms(perf, "mcast")
    rc, text, perf = check(nms, "mcast", "--critical=pps=@0")     # per interface: lo's 0 pps
    assert rc == 2 and perf["lo_pps"]["crit"] == "@0", text
    rc, text, _ = check(nms, "mcast", "lwnosuch0")
    assert rc == 3 and "captured: lo" in text, text

    # leaks: nothing leaks yet; the counts are perfdata
    rc, text, perf = check(nms, "leaks")
    assert perf["leaking"]["value"] == 0 and perf["leaking"]["crit"] == "0", text

    # UNKNOWN: unreachable agent, wrong community, wrong passphrase, no leakwatch, bad use
    t0 = time.monotonic()
    rc, text, _ = check(nms, "alarms", agent="127.0.0.1:16999", t=2)
    assert rc == 3 and "no response from 127.0.0.1:16999" in text, text
    assert time.monotonic() - t0 < 10
    rc, text, _ = check(nms, "alarms", snmp=("-v2c", "-c", "wrong"), t=2)
    assert rc == 3 and "no response from 127.0.0.1:16161" in text, text
    rc, text, _ = check(nms, "alarms", snmp=[*V3[:-1], "not-the-passphrase"], t=2)
    assert rc == 3 and text.startswith("LEAKWATCH ALARMS UNKNOWN - "), text
    bare = nms.T / "bare"
    bare.mkdir()
    (bare / "snmpd.conf").write_text("rocommunity public 127.0.0.1\ndontLogTCPWrappersConnects yes\n")
    snmpd = nms.spawn("bare-snmpd", ["/usr/sbin/snmpd", "-f", "-C", "-c", bare / "snmpd.conf",
                                     "-Lf", bare / "snmpd.log", "-p", bare / "snmpd.pid", "-I",
                                     "-smux", "udp:127.0.0.1:16170"],
                      env=dict(nms.env, SNMP_PERSISTENT_DIR=str(bare)))
    nms.wait_until(lambda: nms.run(["snmpget", "-v2c", "-c", "public", "127.0.0.1:16170",
                                    "1.3.6.1.2.1.1.3.0"]).returncode == 0 or not snmpd.alive(),
                   20, what="a plain snmpd")
    rc, text, _ = check(nms, "collectors", agent="127.0.0.1:16170")
    assert rc == 3 and "127.0.0.1:16170 serves no LEAKWATCH-MIB" in text, text
    for args, words in ((["nosuchmode"], "unknown mode 'nosuchmode'"),
                        (["group"], "mode group needs a NAME"),
                        (["tcp", "-w", "bogus=1"], "unknown threshold label 'bogus'"),
                        (["tcp", "-w", "20:10"], "start is greater than end"),
                        (["alarms", "-v", "9"], "Invalid version specified")):
        rc, text, _ = check(nms, *args)
        assert rc == 3 and "UNKNOWN - " in text and words in text, (args, text)
    r = nms.run([plugin(nms), "--help"])
    assert r.returncode == 3 and "--critical" in r.stdout and "-c COMMUNITY" in r.stdout
    r = nms.run([plugin(nms), "--version"])
    assert r.returncode == 3 and r.stdout.startswith("check_leakwatch ")
