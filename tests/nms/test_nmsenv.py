# The NMS tests' own world: the agent inside a loopback-only namespace serves the host's values.
# SPDX-License-Identifier: ISC
import os

from nmsenv import LW


def test_agent_in_namespace_serves_real_values_and_sees_only_loopback(nms):
    agent = nms.start_agent()
    links = nms.run(["ip", "-o", "link", "show"]).stdout.splitlines()
    assert [ln.split(":")[1].strip() for ln in links] == ["lo"], links
    assert int(agent.get(f"{LW}.1.2.4.0")) == os.cpu_count()              # lwCpuCount
    groups = dict((o.rsplit(".", 1)[1], v) for o, v in agent.walk(f"{LW}.1.3.2.1.2"))
    assert "leakwatchd" in groups.values() and "snmpd" in groups.values(), groups
    leaker = nms.leak_helper(256, name="lwenvleaker")
    with open(f"/proc/{leaker.pid}/comm") as f:
        assert f.read().strip() == "lwenvleaker"
    nms.wait_until(lambda: "lwenvleaker" in [v for _, v in agent.walk(f"{LW}.1.3.2.1.2")], 20,
                   what="the leaking helper's process group")
