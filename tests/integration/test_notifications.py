# lwCollectorFailed/lwCollectorRecovered via a real snmptrapd when a fixture file vanishes/returns.
# SPDX-License-Identifier: ISC
from lwharness import collector_table, wait_until
from lwoids import (LW_COLLECTOR_FAILED, LW_COLLECTOR_RECOVERED, collector_cell,
                    collector_index, system_oid)
from lwprocfs import MEMINFO_OBJECTS, build_fixture_root, read_system

MEMINFO = collector_index("meminfo")
NAME_OID = collector_cell("lwCollectorName", MEMINFO)
ERROR_OID = collector_cell("lwCollectorLastError", MEMINFO)
MEM_OIDS = [system_oid(n) for n in MEMINFO_OBJECTS.values()]


def meminfo_notifications(trapd, trap_oid):
    found = trapd.notifications(trap_oid)
    for n in found:
        name = n["varbinds"].get(NAME_OID)
        assert name is not None and name.value == b"meminfo", f"bad varbinds: {n}"
        assert ERROR_OID in n["varbinds"], f"no lwCollectorLastError varbind: {n}"
    return found


def test_collector_failed_and_recovered(tmp_path, trapd, snmpd_factory, lw_factory):
    root = build_fixture_root(tmp_path / "root")
    expected = read_system(root)
    snmpd = snmpd_factory(trap2sink=f"{trapd.address} public")
    lw = lw_factory(snmpd=snmpd, interval=1, agentx_ping_interval=1, root=root)
    lw.wait_served(system_oid("lwMemTotalKB"))
    assert lw.get(system_oid("lwMemTotalKB"))[0].value == expected["lwMemTotalKB"]

    meminfo = root / "proc" / "meminfo"
    saved = meminfo.read_bytes()
    meminfo.unlink()
    failed = wait_until(lambda: meminfo_notifications(trapd, LW_COLLECTOR_FAILED), timeout=10,
                        what="lwCollectorFailed for meminfo")
    assert failed[0]["varbinds"][ERROR_OID].value, "lwCollectorLastError varbind is empty"

    # every meminfo value is gone, the other collectors' values are still exact
    assert {vb.type for vb in lw.get(*MEM_OIDS)} == {"noSuchInstance"}
    load = lw.get(system_oid("lwLoad1"), system_oid("lwProcessCount"))
    assert [vb.value for vb in load] == [expected["lwLoad1"], expected["lwProcessCount"]]

    # several failing cycles, still one notification
    rows = wait_until(lambda: (t := collector_table(lw.port))[MEMINFO]["lwCollectorErrors"] >= 3
                      and t, timeout=10, interval=0.2, what="three failed meminfo runs")
    assert rows[MEMINFO]["lwCollectorLastError"], rows[MEMINFO]
    assert all(r["lwCollectorErrors"] == 0 for i, r in rows.items() if i != MEMINFO), rows
    assert len(meminfo_notifications(trapd, LW_COLLECTOR_FAILED)) == 1
    assert meminfo_notifications(trapd, LW_COLLECTOR_RECOVERED) == []

    meminfo.write_bytes(saved)
    wait_until(lambda: meminfo_notifications(trapd, LW_COLLECTOR_RECOVERED), timeout=10,
               what="lwCollectorRecovered for meminfo")
    served = wait_until(lambda: (vbs := lw.get(*MEM_OIDS)) and all(
        vb.type == "Gauge32" for vb in vbs) and vbs, timeout=5, what="meminfo values back")
    assert [vb.value for vb in served] == [expected[n] for n in MEMINFO_OBJECTS.values()]

    # a few good cycles later: still exactly one of each, error text cleared, count kept
    errors = rows[MEMINFO]["lwCollectorErrors"]
    runs = collector_table(lw.port)[MEMINFO]["lwCollectorRuns"]
    after = wait_until(lambda: (t := collector_table(lw.port))[MEMINFO]["lwCollectorRuns"]
                       >= runs + 2 and t, timeout=10, interval=0.2, what="two more meminfo runs")
    assert after[MEMINFO]["lwCollectorLastError"] == ""
    assert after[MEMINFO]["lwCollectorErrors"] >= errors
    assert len(meminfo_notifications(trapd, LW_COLLECTOR_FAILED)) == 1
    assert len(meminfo_notifications(trapd, LW_COLLECTOR_RECOVERED)) == 1


def test_standalone_master_sends_to_trap2sink(tmp_path, trapd, lw_factory):
    """Without snmpd, the trap2sink lines of leakwatchd.conf receive the notifications."""
    root = build_fixture_root(tmp_path / "root")
    lw = lw_factory(master=True, interval=1, root=root, rocommunity="public 127.0.0.1",
                    trap2sink=f"{trapd.address} public")
    lw.wait_served(system_oid("lwMemTotalKB"))
    meminfo = root / "proc" / "meminfo"
    saved = meminfo.read_bytes()
    meminfo.unlink()
    wait_until(lambda: meminfo_notifications(trapd, LW_COLLECTOR_FAILED), timeout=10,
               what="lwCollectorFailed from the standalone agent")
    meminfo.write_bytes(saved)
    wait_until(lambda: meminfo_notifications(trapd, LW_COLLECTOR_RECOVERED), timeout=10,
               what="lwCollectorRecovered from the standalone agent")
    assert len(meminfo_notifications(trapd, LW_COLLECTOR_FAILED)) == 1
