# The shipped Icinga 2 CheckCommand and apply rules under the real icinga2: one service per process group, perfdata equal to what leakwatchd serves.
# SPDX-License-Identifier: ISC
from nagios_env import (COLLECTOR_ENTRY, GROUP_ENTRY, NAGIOS_SITE, REPO, STEADY,
                        TCP_STATE_COUNT, Icinga, assert_uoms, group_index, icinga_validate,
                        nagios_verify, parse_perfdata, plugin, snmp_int, start_steady,
                        steady_index)


def test_icinga_applies_a_service_per_group_and_records_leakwatch_values(nms):
    agent = nms.start_agent(interval=1)
    start_steady(nms)
    icinga = Icinga(nms, {
        "leakwatch": "true",
        "leakwatch_port": agent.port,
        "leakwatch_groups": f'[ "{STEADY}", "leakwatchd" ]',
        "leakwatch_group_warning": '"rss=10000000,fds=1000"',
        "leakwatch_group_critical": '"rss=20000000"',
    })
    # apply rules: four per host, one per group of host.vars.leakwatch_groups
    expected = {"leakwatch-alarms", "leakwatch-leaks", "leakwatch-tcp", "leakwatch-collectors",
                f"leakwatch-group-{STEADY}", "leakwatch-group-leakwatchd"}
    nms.wait_until(lambda: expected <= {r[0] for r in icinga.results()}, 60,
                   what="a result of every applied service in Icinga's perfdata files")
    assert {r[0] for r in icinga.results()} == expected
    idx = steady_index(agent)

    def steady_perf():
        r = icinga.last(f"leakwatch-group-{STEADY}")
        return parse_perfdata(r[3])
    nms.wait_until(lambda: steady_perf()["rss"]["value"]
                   == snmp_int(agent, f"{GROUP_ENTRY}.4.{idx}"), 30,
                   what="Icinga's rss to equal lwProcGroupRssKB")
    service, state, output, perf = icinga.last(f"leakwatch-group-{STEADY}")
    assert state == "OK" and output.startswith(f"LEAKWATCH GROUP OK - {STEADY}: "), output
    p = parse_perfdata(perf)
    assert p["fds"]["value"] == snmp_int(agent, f"{GROUP_ENTRY}.7.{idx}")
    assert p["procs"]["value"] == 1
    assert (p["rss"]["warn"], p["rss"]["crit"], p["fds"]["warn"]) == ("10000000", "20000000", "1000")
    lw = group_index(agent, "leakwatchd")
    nms.wait_until(lambda: parse_perfdata(icinga.last("leakwatch-group-leakwatchd")[3])["procs"]
                   ["value"] == snmp_int(agent, f"{GROUP_ENTRY}.3.{lw}"), 30,
                   what="the leakwatchd group's process count as served")

    p = parse_perfdata(icinga.last("leakwatch-tcp")[3])
    assert p["listen"]["value"] == snmp_int(agent, f"{TCP_STATE_COUNT}.2") == 1
    p = parse_perfdata(icinga.last("leakwatch-collectors")[3])
    assert p["collectors"]["value"] == len(agent.walk(f"{COLLECTOR_ENTRY}.2"))
    for name in expected:
        assert_uoms(parse_perfdata(icinga.last(name)[3]), name)


def test_shipped_definitions_load_beside_the_trap_definitions(nms):
    """nms/nagios and nms/traps are meant to be installed together: their Nagios objects and
    their Icinga 2 objects load side by side without a clash of names."""
    nagios_verify(nms, "beside-traps", NAGIOS_SITE
                  + (REPO / "nms" / "nagios" / "leakwatch.cfg").read_text()
                  + (REPO / "nms" / "traps" / "nagios-leakwatch-traps.cfg").read_text())
    out = icinga_validate(nms, "beside-traps", f"""
const PluginDir = "{plugin(nms).parent}"
const NodeName = "lwtest"
include <itl>
include "{REPO}/nms/icinga2/leakwatch.conf"
include "{REPO}/nms/traps/icinga2-leakwatch-traps.conf"
object Host "lwhost" {{
  address = "127.0.0.1"
  check_command = "dummy"
  vars.leakwatch = true
  vars.leakwatch_groups = [ "sshd" ]
}}
""")
    # 4 + 1 group from leakwatch.conf, 10 passive trap services
    assert "15 Services." in out, out
