# Threshold alarms with hysteresis and hold-down through a real snmpd and snmptrapd, on a fixture
# root whose files the test rewrites; SETs of the thresholds: errors, persistence, restarts.
# SPDX-License-Identifier: ISC
import time

import pytest

from lwharness import decode_date_and_time, wait_until
from lwoids import (ALARM_COLUMNS, ALARM_ENTRY, ALARM_SCALARS, ALARM_SEVERITIES, ALARM_TYPES,
                    LEAK_STATES, LW_TCP_LIMITS, NOTIFICATIONS, THRESHOLDS, TREND_COLUMNS,
                    TREND_ENTRY, TREND_INDEXES, alarm_cell, collector_cell, collector_index,
                    system_oid, threshold_oid)
from lwprocfs import build_fixture_root
from lwsnmp import snmpget, snmpset, walk_rows

THRESHOLD_OID = {name: threshold_oid(name) for name in THRESHOLDS}
LOAD1 = system_oid("lwLoad1")


def alarm_rows(port):
    """lwAlarmTable: {lwAlarmIndex: {column name: value}} (walked again if split by a reload)."""
    return walk_rows(port, ALARM_ENTRY, ALARM_COLUMNS)


def rows_of(port, typ):
    return {i: r for i, r in alarm_rows(port).items() if r["lwAlarmType"] == ALARM_TYPES[typ]}


def traps_of(trapd, name):
    return trapd.notifications(NOTIFICATIONS[name])


def alarm_varbind(trap, column, index):
    return trap["varbinds"][alarm_cell(column, index)].value


@pytest.fixture
def fixture_lw(tmp_path, trapd, snmpd_factory, lw_factory):
    """leakwatchd on a fixture root (2 CPUs, its loadavg and socket files the test rewrites)
    attached to an snmpd that forwards notifications to snmptrapd."""
    root = build_fixture_root(tmp_path / "root")
    (root / "sys/devices/system/cpu/online").write_text("0-1\n")
    (root / "proc/sys/net/ipv4/tcp_max_orphans").write_text("1000\n")
    snmpd = snmpd_factory(trap2sink=f"{trapd.address} public")

    def start(*extra):
        lw = lw_factory(snmpd=snmpd, interval=1, agentx_ping_interval=1, root=root,
                        extra_lines=list(extra))
        lw.wait_served(THRESHOLD_OID["lwAlarmHoldDown"])
        return lw
    return root, start


def set_load(root, load1):
    (root / "proc/loadavg").write_text(f"{load1:.2f} 0.50 0.40 1/123 4567\n")


def set_orphans(root, orphans):
    (root / "proc/net/sockstat").write_text(
        "sockets: used 100\n"
        f"TCP: inuse 10 orphan {orphans} tw 3 alloc 12 mem 4\n"
        "UDP: inuse 2 mem 1\nUDPLITE: inuse 0\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n")


def wait_cycles(lw, n=2):
    runs = collector_cell("lwCollectorRuns", collector_index("detector"))
    # the detector's first run may come after the thresholds are served (slow under valgrind)
    start = wait_until(lambda: (v := snmpget(lw.port, runs)[0].value) is not None and v >= 1 and v,
                       30, what="the detector's first run")
    wait_until(lambda: snmpget(lw.port, runs)[0].value >= start + n, 30,
               what=f"{n} more detector runs")


def test_load_alarm_hysteresis_and_holddown(fixture_lw, trapd):
    root, start = fixture_lw
    set_load(root, 1.00)                      # 50 hundredths per CPU: quiet
    lw = start("alarm_load_per_cpu 200", "alarm_clear_percent 90", "alarm_holddown 6")
    wait_cycles(lw)
    assert rows_of(lw.port, "loadHigh") == {}
    set_load(root, 4.20)                      # 210 per CPU >= 200: raised, once
    raised = wait_until(lambda: traps_of(trapd, "lwLoadHigh"), 20, what="lwLoadHigh")
    rows = rows_of(lw.port, "loadHigh")
    assert len(rows) == 1 and len(raised) == 1
    (index, row), = rows.items()
    assert row["lwAlarmValue"] == 210 and row["lwAlarmThreshold"] == 200
    assert row["lwAlarmSeverity"] == ALARM_SEVERITIES["major"] and row["lwAlarmObject"] == b"load"
    assert row["lwAlarmObjectId"] == LOAD1
    # the raise time twice: DateAndTime for people, Unix seconds for an NMS, the same instant
    assert row["lwAlarmRaisedUnix"] == int(decode_date_and_time(row["lwAlarmRaised"]).timestamp())
    assert abs(row["lwAlarmRaisedUnix"] - time.time()) < 30
    assert alarm_varbind(raised[0], "lwAlarmValue", index) == 210
    assert alarm_varbind(raised[0], "lwAlarmObjectId", index) == LOAD1
    set_load(root, 3.70)                      # 185 >= 180 (90 % of 200): still raised
    wait_cycles(lw, 3)
    assert list(rows_of(lw.port, "loadHigh")) == [index]
    assert rows_of(lw.port, "loadHigh")[index]["lwAlarmValue"] == 185
    assert traps_of(trapd, "lwLoadHighClear") == []
    set_load(root, 3.50)                      # 175 < 180: cleared, once, with the index
    cleared = wait_until(lambda: traps_of(trapd, "lwLoadHighClear"), 20, what="the clear")
    assert alarm_varbind(cleared[0], "lwAlarmValue", index) == 175
    assert rows_of(lw.port, "loadHigh") == {}
    # Back above within the hold-down: held back (counted), raised once it has passed.
    set_load(root, 4.40)
    wait_cycles(lw, 2)
    assert rows_of(lw.port, "loadHigh") == {}
    assert snmpget(lw.port, ALARM_SCALARS["lwAlarmSuppressed"])[0].value >= 1
    again = wait_until(lambda: len(traps_of(trapd, "lwLoadHigh")) == 2 and
                       rows_of(lw.port, "loadHigh"), 20, what="the raise after the hold-down")
    (index2, _), = again.items()
    assert index2 > index                      # a new alarm, a new index
    assert len(traps_of(trapd, "lwLoadHighClear")) == 1
    count = snmpget(lw.port, ALARM_SCALARS["lwAlarmCount"])[0].value
    assert count == len(alarm_rows(lw.port))
    assert snmpget(lw.port, ALARM_SCALARS["lwAlarmEvents"])[0].value >= 3


def test_standalone_sends_alarms_to_its_trap2sink(tmp_path, trapd, lw_factory):
    """Without snmpd, a threshold alarm and its clear go to leakwatchd.conf's trap2sink."""
    root = build_fixture_root(tmp_path / "root")
    (root / "sys/devices/system/cpu/online").write_text("0-1\n")
    set_load(root, 5.00)                      # 250 hundredths per CPU >= 200
    lw = lw_factory(master=True, interval=1, root=root, rocommunity="public 127.0.0.1",
                    trap2sink=f"{trapd.address} public",
                    extra_lines=["alarm_load_per_cpu 200", "alarm_holddown 0"])
    lw.wait_served(THRESHOLD_OID["lwAlarmHoldDown"])
    raised = wait_until(lambda: traps_of(trapd, "lwLoadHigh"), 20,
                        what="lwLoadHigh from the standalone agent")
    (index, row), = rows_of(lw.port, "loadHigh").items()
    assert alarm_varbind(raised[0], "lwAlarmValue", index) == 250 == row["lwAlarmValue"]
    set_load(root, 0.50)
    cleared = wait_until(lambda: traps_of(trapd, "lwLoadHighClear"), 20,
                         what="lwLoadHighClear from the standalone agent")
    assert alarm_varbind(cleared[0], "lwAlarmValue", index) == 25
    assert rows_of(lw.port, "loadHigh") == {}
    assert len(traps_of(trapd, "lwLoadHigh")) == 1


def test_orphan_alarm_and_a_failed_source_keeps_it(fixture_lw, trapd):
    root, start = fixture_lw
    set_orphans(root, 100)                    # 10 % of tcp_max_orphans 1000
    lw = start("alarm_tcp_orphans 8000")
    wait_cycles(lw)
    set_orphans(root, 900)                    # 90 %
    wait_until(lambda: traps_of(trapd, "lwTcpOrphanPressure"), 20, what="the raise")
    (index, row), = rows_of(lw.port, "tcpOrphanPressure").items()
    assert (row["lwAlarmValue"], row["lwAlarmThreshold"]) == (9000, 8000)
    assert row["lwAlarmObjectId"] == f"{LW_TCP_LIMITS}.6.0"  # lwTcpOrphanPercent.0
    # the orphans' trend row: the count read, still learning (the warm-up is 2 h)
    trend = TREND_INDEXES["tcpOrphans"]
    vbs = snmpget(lw.port, *[f"{TREND_ENTRY}.{TREND_COLUMNS[c]}.{trend}"
                             for c in ("lwTrendName", "lwTrendValue", "lwTrendState")])
    assert [vb.value for vb in vbs] == [b"TCP orphans", 900, LEAK_STATES["learning"]], vbs
    # sockstat unreadable: no news is not a clear
    sockstat = root / "proc/net/sockstat"
    saved = sockstat.read_bytes()
    sockstat.unlink()
    wait_cycles(lw, 3)
    assert list(rows_of(lw.port, "tcpOrphanPressure")) == [index]
    assert traps_of(trapd, "lwTcpOrphanPressureClear") == []
    sockstat.write_bytes(saved)
    set_orphans(root, 700)                    # 70 % < 72 %
    wait_until(lambda: traps_of(trapd, "lwTcpOrphanPressureClear"), 20, what="the clear")
    assert rows_of(lw.port, "tcpOrphanPressure") == {}


def test_sets_errors_and_persistence(fixture_lw):
    root, start = fixture_lw
    lw = start()
    oid = THRESHOLD_OID
    # taken, served at once, kept in the state directory
    assert snmpset(lw.port, (oid["lwLeakMinSlope"], "u", 2048)) is None
    assert snmpget(lw.port, oid["lwLeakMinSlope"])[0].value == 2048
    assert "leak_min_slope 2048\n" in (lw.state_dir / "thresholds").read_text()
    # wrong types and values, an inconsistent pair: the right error, nothing changes
    assert snmpset(lw.port, (oid["lwLeakMinSlope"], "i", 5)) == "wrongType"
    assert snmpset(lw.port, (oid["lwLeakMinSlope"], "s", "big")) == "wrongType"
    assert snmpset(lw.port, (oid["lwAlarmClearPercent"], "u", 101)) == "wrongValue"
    assert snmpset(lw.port, (oid["lwLeakWindow"], "u", 9)) == "wrongValue"
    assert snmpset(lw.port, (oid["lwLeakWindow"], "u", 605)) == "inconsistentValue"
    assert snmpset(lw.port, (oid["lwLeakWindow"], "u", 9000)) == "inconsistentValue"  # > warm-up
    # judged together: a longer window with a warm-up to match is consistent
    assert snmpset(lw.port, (oid["lwLeakWindow"], "u", 9000),
                   (oid["lwLeakWarmup"], "u", 9000)) is None
    # one bad varbind fails the whole request
    assert snmpset(lw.port, (oid["lwAlarmHoldDown"], "u", 60),
                   (oid["lwAlarmClearPercent"], "u", 40)) == "wrongValue"
    assert snmpget(lw.port, oid["lwAlarmHoldDown"])[0].value == 300
    # read-only for the public community
    assert snmpset(lw.port, (oid["lwAlarmHoldDown"], "u", 60), community="public") in \
        ("noAccess", "notWritable", "authorizationError")
    # the value cannot be kept (the temporary file's name is taken): refused, unchanged
    (lw.state_dir / "thresholds.tmp").mkdir()
    assert snmpset(lw.port, (oid["lwAlarmHoldDown"], "u", 60)) == "resourceUnavailable"
    (lw.state_dir / "thresholds.tmp").rmdir()
    got = {n: vb.value for n, vb in zip(oid, snmpget(lw.port, *oid.values()))}
    want = {n: d for n, (_, d) in THRESHOLDS.items()}
    want.update(lwLeakMinSlope=2048, lwLeakWindow=9000, lwLeakWarmup=9000)
    assert got == want
    log = lw.log()
    assert "SET refused: lwAlarmClearPercent: 101 is out of range 50..100 percent" in log, log
    assert "lwLeakMinSlope set to 2048 over SNMP (was 1024)" in log, log
    assert "SET refused: thresholds cannot be kept" in log, log
    # a restart keeps what was set, and the file's lines for the rest
    lw.stop()
    lw.start()
    lw.wait_served(oid["lwAlarmHoldDown"])
    got = {n: vb.value for n, vb in zip(oid, snmpget(lw.port, *oid.values()))}
    assert got == want


def test_collectors_15_and_16(fixture_lw):
    _, start = fixture_lw
    lw = start()
    wait_cycles(lw)
    for name in ("detector", "history"):
        i = collector_index(name)
        vbs = snmpget(lw.port, collector_cell("lwCollectorName", i),
                      collector_cell("lwCollectorErrors", i),
                      collector_cell("lwCollectorLastError", i))
        assert [vb.value for vb in vbs] == [name.encode(), 0, b""], vbs
    assert (lw.state_dir / "history.db").is_file()
