# check_leakwatch under the real Nagios 4: status.dat equals what leakwatchd serves, right UOMs, states from thresholds, a leaking process goes CRITICAL.
# SPDX-License-Identifier: ISC
import time

from nagios_env import (COLLECTOR_ENTRY, GROUP_ENTRY, STEADY, TCP_STATE_COUNT, Nagios,
                        assert_uoms, group_index, parse_perfdata, snmp_int, start_leaker,
                        start_steady, steady_index)
from nmsenv import FAST_LEAK_SETTINGS

LEAK_S = 240          # the detector needs about 130 s at these settings (tests/nms/nmsenv.py)


def test_nagios_records_leakwatch_values_and_a_leak_goes_critical(nms):
    """Nagios 4 runs the shipped commands: status.dat holds the agent's values with the right
    UOMs, thresholds set its states, and the leaking helper's group becomes CRITICAL."""
    agent = nms.start_agent(interval=1, lw_conf_lines=FAST_LEAK_SETTINGS)
    leaker, leaky = start_leaker(nms, 1024)       # 1 MiB/s, a group of its own
    t0 = time.monotonic()
    start_steady(nms)
    services = [("lw group steady", f"check_leakwatch_group!{STEADY}!-w rss=10000000"),
                ("lw group leaker", f"check_leakwatch_group!{leaky}"),
                ("lw forced warning", f"check_leakwatch_group!{STEADY}!-w procs=@1"),
                ("lw forced critical", f"check_leakwatch_group!{STEADY}!--critical=rss=1"),
                ("lw leaks", "check_leakwatch_leaks"),
                ("lw alarms", "check_leakwatch_alarms"),
                ("lw tcp", "check_leakwatch_tcp!-w listen=@0 --critical=tw_pct=90"),
                ("lw collectors", "check_leakwatch_collectors")]
    nagios = Nagios(nms, services, agent.port)
    nms.wait_until(lambda: all(nagios.service(d) for d, _ in services), 60,
                   what="Nagios to check every service")
    idx = steady_index(agent)

    def perf(desc):
        return parse_perfdata(nagios.service(desc)["performance_data"])

    # what Nagios recorded is what leakwatchd serves (the steady helper's figures do not move)
    nms.wait_until(lambda: perf("lw group steady")["rss"]["value"]
                   == snmp_int(agent, f"{GROUP_ENTRY}.4.{idx}"), 30,
                   what="status.dat's rss to equal lwProcGroupRssKB")
    s = nagios.service("lw group steady")
    assert s["current_state"] == "0" and s["plugin_output"].startswith("LEAKWATCH GROUP OK"), s
    p = perf("lw group steady")
    assert p["fds"]["value"] == snmp_int(agent, f"{GROUP_ENTRY}.7.{idx}")
    assert p["procs"]["value"] == 1 and p["rss"]["warn"] == "10000000"
    assert nagios.service("lw forced warning")["current_state"] == "1"
    assert nagios.service("lw forced critical")["current_state"] == "2"
    p = perf("lw tcp")
    assert p["listen"]["value"] == snmp_int(agent, f"{TCP_STATE_COUNT}.2") == 1
    assert p["tw_pct"]["crit"] == "90" and nagios.service("lw tcp")["current_state"] == "0"
    p = perf("lw collectors")
    assert p["collectors"]["value"] == len(agent.walk(f"{COLLECTOR_ENTRY}.2"))
    for desc, _ in services:
        assert_uoms(perf(desc), desc)

    # the leaking helper: leakwatchd's verdict, then Nagios' CRITICAL (hard: one attempt)
    lidx = group_index(agent, leaky)

    def critical():
        s = nagios.service("lw group leaker")
        return s if s["current_state"] == "2" and "RSS leaking" in s["plugin_output"] else None
    s = nms.wait_until(critical, LEAK_S - (time.monotonic() - t0),
                       what="the leaking group CRITICAL in status.dat")
    assert agent.get(f"{GROUP_ENTRY}.9.{lidx}") in ("4", "leaking")   # lwProcGroupLeakState
    assert s["plugin_output"].startswith(f"LEAKWATCH GROUP CRITICAL - {leaky}: RSS "), s
    assert parse_perfdata(s["performance_data"])["rss_slope_kib_per_h"]["value"] > 0
    assert leaker.alive()
    nms.wait_until(lambda: nagios.service("lw leaks")["current_state"] == "2"
                   and f"group {leaky} RSS leaking" in nagios.service("lw leaks")["plugin_output"],
                   30, what="the leaks service CRITICAL naming the leaking group")
    nms.wait_until(lambda: "SERVICE ALERT: lwhost;lw group leaker;CRITICAL;HARD;1;" in nagios.log(),
                   10, what="Nagios' SERVICE ALERT line")
