# lwMulticast against real traffic between two private namespaces joined by a veth pair: exact
# per-group counts and rates, unicast/broadcast ignored, VLAN and QinQ frames counted, joined
# groups, drops when the ring is full, an interface going down, deleted and re-created.
# SPDX-License-Identifier: ISC
import signal
import socket
import time
import warnings

import pytest

import lwmcast as mc
import lwtcpwork as tw
from lwoids import COLLECTORS, MCAST_SCALARS, collector_cell, system_oid
from lwsnmp import decode_date_and_time, mib_args, run_tool, snmpget
from lwutil import wait_until

pytestmark = pytest.mark.skipif(bool(tw.netns_unavailable()),
                                reason=str(tw.netns_unavailable()))

RUNNING, DOWN, ERROR = 1, 2, 3


@pytest.fixture
def link(tmp_path):
    # set up before the daemons, so torn down after them
    with mc.McastLink(tmp_path / "link") as lk:
        yield lk


@pytest.fixture
def link_v4only(tmp_path):
    # IPv6 off on the veth: no MLD, so every frame on the link is one the test sent
    with mc.McastLink(tmp_path / "link", ipv6=False) as lk:
        yield lk


@pytest.fixture
def lw_on(snmpd, lw_factory):
    """lw_on(link, *extra lines): leakwatchd in the receiver namespace capturing its veth end,
    attached to snmpd outside through the AgentX unix socket; waits for the interface row."""
    def start(lk, *extra):
        d = lw_factory(start=False, snmpd=snmpd, interval=1, agentx_ping_interval=1,
                       extra_lines=[f"mcast_interface {mc.RCV_IF}", *extra])
        d.wrapper = lk.rcv.wrapper() + d.wrapper
        d.start()
        ifindex = lk.ifindex()
        wait_until(lambda: d.check_alive() or
                   (mc.if_row(d.port, ifindex, "lwMcastIfCaptureState") or {})
                   .get("lwMcastIfCaptureState") == RUNNING,
                   60, what=f"lwMcastIfCaptureState.{ifindex} to be running")
        return d
    return start


def quiet_counters(link, port, ifindex, tries=5):
    """(rx_packets, lwMcastIfPackets) read when neither moved: the row settled and the link's
    counter was the same before and after it settled."""
    for _ in range(tries):
        rx = link.rx_packets()
        row = mc.settled(port, ifindex)
        if link.rx_packets() == rx:
            return rx, row["lwMcastIfPackets"]
    raise AssertionError(f"the link never went quiet over {tries} tries")


def test_group_counts_exact_rates_within_5_percent(link, lw_on):
    lw = lw_on(link)
    ifindex = link.ifindex()
    groups = [mc.stream("239.1.1.1", 40, 600, 100), mc.stream("239.1.1.2", 100, 1500, 300),
              mc.stream("232.1.2.3", 200, 3000, 60), mc.stream("ff15::1234", 70, 1050, 500)]
    noise = [mc.stream(mc.RCV_V4, 30, 450), mc.stream("10.231.0.255", 20, 300),
             mc.stream("255.255.255.255", 10, 150)]
    # The capture runs from lw_on; the kernel's own control traffic (an MLD report after the
    # link came up) may arrive at any time. The link's and the row's counters are read as a
    # pair on a quiet link: both before the sender, so that what follows compares deltas.
    rx_before, if_before = quiet_counters(link, lw.port, ifindex)
    sender = link.send_async(groups + noise)   # 15 s at these rates
    time.sleep(12.5)
    # The last whole boundary is now >= start + 11: the 10 s windows hold steady traffic only.
    names = [g["dst"] for g in groups]
    t_read = time.time()
    mid = mc.group_cells(lw.port, ifindex, names, "lwMcastGroupPps10", "lwMcastGroupBps10")
    mid_if = mc.if_row(lw.port, ifindex, "lwMcastIfPps1", "lwMcastIfPps10", "lwMcastIfBps10")
    out, _ = sender.communicate(timeout=60)
    assert sender.returncode == 0, out
    result = mc.json.loads(out)
    assert result["sent"] == [g["count"] for g in groups + noise]
    stamps = result["stamps"][:len(groups)]

    def window_ok(boundary):
        """Every rate of the GET is that of the packets stamped in its window before boundary
        (one publication answered it, so one boundary for all)."""
        for g, st in zip(groups, stamps):
            frame = mc.frame_len(g["dst"], g["size"])
            if not mc.rate_matches(mid[g["dst"]]["lwMcastGroupPps10"], [st], boundary, 10) or \
               not mc.rate_matches(mid[g["dst"]]["lwMcastGroupBps10"] // (frame * 8), [st],
                                   boundary, 10):
                return False
        # the interface's own: every group, and perhaps a stray MLD report (slack 2)
        return (mc.rate_matches(mid_if["lwMcastIfPps10"], stamps, boundary, 10, slack=2) and
                mc.rate_matches(mid_if["lwMcastIfPps1"], stamps, boundary, 1, slack=2))
    # published at boundary + 0.25 s: the one served is one of the last few
    boundaries = [int(t_read - 0.25) - k for k in range(3)]
    assert any(window_ok(b) for b in boundaries), (mid, mid_if, boundaries)
    # ...and that is the rate each stream was sent at, within 5 %
    for g in groups:
        pps, bps = mid[g["dst"]]["lwMcastGroupPps10"], mid[g["dst"]]["lwMcastGroupBps10"]
        assert abs(pps - g["rate"]) <= 0.05 * g["rate"], (g, pps)
        want_bps = g["rate"] * mc.frame_len(g["dst"], g["size"]) * 8
        assert abs(bps - want_bps) <= 0.05 * want_bps, (g, bps, want_bps)

    row = mc.settled(lw.port, ifindex)
    got = mc.group_rows(lw.port)
    for g in groups:
        cell = got.get((ifindex, g["dst"]))
        assert cell is not None, f"no row for {g['dst']}: {sorted(got)}"
        assert cell["lwMcastGroupPackets"] == g["count"], (g, cell)
        assert cell["lwMcastGroupOctets"] == g["count"] * mc.frame_len(g["dst"], g["size"])
        assert cell["lwMcastGroupSources"] == 1 and cell["lwMcastGroupSourcesOverflow"] == 2
        assert cell["lwMcastGroupJoined"] == 2  # nobody on the receiver joined these
        # for NMSs: the interface's name, the 64-bit twin of the rate, times as Unix seconds
        assert cell["lwMcastGroupIfName"] == row["lwMcastIfName"], (cell, row)
        assert cell["lwMcastGroupBps10X"] == cell["lwMcastGroupBps10"]
        for when in ("FirstSeen", "LastSeen"):
            assert cell[f"lwMcastGroup{when}Unix"] == int(decode_date_and_time(
                cell[f"lwMcastGroup{when}"]).timestamp()), cell
    # Unicast and broadcast never show: every other row is a kernel's own control traffic.
    others = [a for (i, a) in got if i == ifindex and a not in names]
    assert all(mc.is_control_group(a) for a in others), others
    # The interface's figures add up to its groups' and to what the link carried.
    mine = {a: c for (i, a), c in got.items() if i == ifindex}
    assert row["lwMcastIfPackets"] == sum(c["lwMcastGroupPackets"] for c in mine.values())
    assert row["lwMcastIfOctets"] == sum(c["lwMcastGroupOctets"] for c in mine.values())
    assert row["lwMcastIfGroups"] == len(mine)
    for w in ("1", "10", "60"):                # the 64-bit twins of one publication
        assert row[f"lwMcastIfBps{w}X"] == row[f"lwMcastIfBps{w}"], row
    assert row["lwMcastIfCounterStartUnix"] == int(
        decode_date_and_time(row["lwMcastIfCounterStart"]).timestamp()), row
    multicast_rx = link.rx_packets() - rx_before - sum(n["count"] for n in noise)
    assert row["lwMcastIfPackets"] - if_before == multicast_rx
    assert (row["lwMcastIfDrops"], row["lwMcastIfIfDrops"], row["lwMcastIfMalformed"],
            row["lwMcastIfGroupOverflow"]) == (0, 0, 0, 0), row
    assert row["lwMcastIfName"] == mc.RCV_IF.encode()
    total = sum(g["rate"] for g in groups)
    assert abs(mid_if["lwMcastIfPps10"] - total) <= 0.05 * total, mid_if
    total_bps = sum(g["rate"] * mc.frame_len(g["dst"], g["size"]) * 8 for g in groups)
    assert abs(mid_if["lwMcastIfBps10"] - total_bps) <= 0.05 * total_bps, mid_if
    # Traffic over: the 1 s rate falls to 0 while the counters stay.
    assert row["lwMcastIfPps1"] == 0 and row["lwMcastIfBps1"] == 0, row


def test_vlan_and_qinq_frames_counted_three_tags_not(link, lw_on):
    lw = lw_on(link)
    ifindex = link.ifindex()
    frames = [(mc.vlan_frame("239.5.5.5", [(0x8100, 100)]), 11),
              (mc.vlan_frame("239.5.5.6", [(0x88a8, 200), (0x8100, 300)]), 13),
              (mc.vlan_frame("239.5.5.7", []), 3),
              (mc.vlan_frame("239.5.5.8", [(0x88a8, 200), (0x8100, 300), (0x8100, 400)]), 5)]
    link.inject(frames)
    mc.settled(lw.port, ifindex)
    got = mc.group_cells(lw.port, ifindex, ["239.5.5.5", "239.5.5.6", "239.5.5.7", "239.5.5.8"],
                         "lwMcastGroupPackets", "lwMcastGroupOctets")
    assert got["239.5.5.5"] == {"lwMcastGroupPackets": 11, "lwMcastGroupOctets": 11 * (142 + 4)}
    assert got["239.5.5.6"] == {"lwMcastGroupPackets": 13, "lwMcastGroupOctets": 13 * (142 + 8)}
    assert got["239.5.5.7"] == {"lwMcastGroupPackets": 3, "lwMcastGroupOctets": 3 * 142}
    # one tag more than the kernel filter takes: not even seen as malformed
    assert got["239.5.5.8"] == {"lwMcastGroupPackets": None, "lwMcastGroupOctets": None}
    assert mc.if_row(lw.port, ifindex, "lwMcastIfMalformed")["lwMcastIfMalformed"] == 0


def test_joined_groups_in_member_table_and_joined_column(link, lw_on):
    lw = lw_on(link)
    ifindex = link.ifindex()
    joiner = link.join(["239.9.9.9", "ff15::9"])
    want_v4, want_v6 = (ifindex, "239.9.9.9"), (ifindex, "ff15::9")

    def members_match_proc():
        rows = mc.member_rows(lw.port)
        proc = mc.parse_proc_igmp(link.proc_net("igmp"), link.proc_net("igmp6"))
        if want_v4 not in rows or want_v6 not in rows:
            return None
        return rows if {k: v["lwMcastMemberUsers"] for k, v in rows.items()} == proc else None
    rows = wait_until(members_match_proc, 30, what="lwMcastMemberTable to equal /proc/net/igmp*")
    assert rows[want_v4] == {"lwMcastMemberIfName": mc.RCV_IF.encode(), "lwMcastMemberUsers": 1,
                             "lwMcastMemberAddrText": b"239.9.9.9"}
    assert rows[want_v6]["lwMcastMemberUsers"] == 1
    # Joined and not-joined traffic side by side: only the second is unwanted.
    link.send([mc.stream("239.9.9.9", 200, 20), mc.stream("239.9.9.10", 200, 20),
               mc.stream("ff15::9", 200, 20)])
    mc.settled(lw.port, ifindex)
    cells = mc.group_cells(lw.port, ifindex, ["239.9.9.9", "239.9.9.10", "ff15::9"],
                           "lwMcastGroupPackets", "lwMcastGroupJoined")
    assert cells == {"239.9.9.9": {"lwMcastGroupPackets": 20, "lwMcastGroupJoined": 1},
                     "239.9.9.10": {"lwMcastGroupPackets": 20, "lwMcastGroupJoined": 2},
                     "ff15::9": {"lwMcastGroupPackets": 20, "lwMcastGroupJoined": 1}}
    link.leave(joiner)
    wait_until(lambda: want_v4 not in mc.member_rows(lw.port), 30,
               what="the left group to leave lwMcastMemberTable")
    wait_until(lambda: mc.group_cells(lw.port, ifindex, ["239.9.9.9"], "lwMcastGroupJoined")
               ["239.9.9.9"]["lwMcastGroupJoined"] == 2, 30, what="lwMcastGroupJoined false")


def test_down_up_deleted_recreated_survived(link, lw_on, snmpd):
    lw = lw_on(link)
    first = link.ifindex()
    link.send([mc.stream("239.7.7.7", 200, 10)])
    link.set_receiver(False)
    wait_until(lambda: mc.if_row(lw.port, first, "lwMcastIfCaptureState", "lwMcastIfLastError")
               == {"lwMcastIfCaptureState": DOWN, "lwMcastIfLastError": b"interface is down"},
               30, what="capture state down")
    link.set_receiver(True)
    wait_until(lambda: mc.if_row(lw.port, first, "lwMcastIfCaptureState")
               ["lwMcastIfCaptureState"] == RUNNING, 30, what="capture running again")
    wait_until(link.carrier, 10, what="carrier")
    link.send([mc.stream("239.7.7.7", 200, 10)])
    mc.settled(lw.port, first)
    # same interface, same ifIndex: the counters went on
    assert mc.group_cells(lw.port, first, ["239.7.7.7"], "lwMcastGroupPackets") == \
        {"239.7.7.7": {"lwMcastGroupPackets": 20}}

    link.delete_veth()
    wait_until(lambda: mc.if_row(lw.port, first, "lwMcastIfCaptureState", "lwMcastIfLastError")
               == {"lwMcastIfCaptureState": DOWN, "lwMcastIfLastError": b"no such interface"},
               30, what="capture state down, no such interface")
    assert lw.alive()
    link.create_veth()
    second = link.ifindex()
    assert second != first
    wait_until(lambda: (mc.if_row(lw.port, second, "lwMcastIfCaptureState") or {})
               .get("lwMcastIfCaptureState") == RUNNING, 30, what="capture on the new interface")
    link.send([mc.stream("239.7.7.7", 200, 7)])
    mc.settled(lw.port, second)
    rows = mc.if_rows(lw.port)
    assert list(rows) == [second], rows   # the row moved: a new interface, a new ifIndex
    assert mc.group_cells(lw.port, second, ["239.7.7.7"], "lwMcastGroupPackets") == \
        {"239.7.7.7": {"lwMcastGroupPackets": 7}}
    assert rows[second]["lwMcastIfDrops"] == 0
    log = lw.log()
    for line in (f"mcast_interface {mc.RCV_IF}: capture down: interface is down",
                 f"mcast_interface {mc.RCV_IF}: capture down: no such interface",
                 f"mcast_interface {mc.RCV_IF} (ifindex {second}): capturing (TPACKET_V3 "
                 "ring of 8388608 bytes, snaplen 128)"):
        assert log.count(line) == 1, (line, log)


def test_drops_when_the_ring_is_full_add_up(link_v4only, lw_on):
    link = link_v4only
    lw = lw_on(link, "mcast_buffer_size 64K")
    ifindex = link.ifindex()
    rx = link.rx_packets()
    lw.send_signal(signal.SIGSTOP)   # the capture thread no longer empties the ring
    try:
        link.send([mc.stream("239.3.3.3", 4000, 3000, 1000)])
    finally:
        lw.send_signal(signal.SIGCONT)
    received = link.rx_packets() - rx
    row = mc.settled(lw.port, ifindex)
    assert row["lwMcastIfDrops"] > 0, row
    assert row["lwMcastIfPackets"] + row["lwMcastIfDrops"] == received == 3000, (row, received)
    cells = mc.group_cells(lw.port, ifindex, ["239.3.3.3"], "lwMcastGroupPackets")
    assert cells["239.3.3.3"]["lwMcastGroupPackets"] == row["lwMcastIfPackets"]


def test_scalars_and_missing_interface(link, snmpd, lw_factory):
    d = lw_factory(start=False, snmpd=snmpd, interval=1, agentx_ping_interval=1,
                   extra_lines=[f"mcast_interface {mc.RCV_IF}", "mcast_interface lwnosuch0",
                                "mcast_max_groups 2", "mcast_snaplen 200",
                                "mcast_buffer_size 1M", "mcast_direction inout"])
    d.wrapper = link.rcv.wrapper() + d.wrapper
    d.start()
    d.wait_served(MCAST_SCALARS["lwMcastInterfaces"], timeout=60)
    got = snmpget(d.port, *MCAST_SCALARS.values())
    assert [vb.value for vb in got] == [2, 2, 200, 1 << 20, 3]
    ifindex = link.ifindex()
    wait_until(lambda: mc.if_rows(d.port).get(ifindex, {}).get("lwMcastIfCaptureState")
               == RUNNING, 30, what="the existing interface's row")
    # three groups, room for two: the third counts as overflow only
    link.send([mc.stream("239.2.2.1", 100, 5), mc.stream("239.2.2.2", 100, 6),
               mc.stream("239.2.2.3", 100, 7)])
    row = mc.settled(d.port, ifindex)
    rows = mc.if_rows(d.port)
    assert list(rows) == [ifindex], rows  # the missing interface has no ifIndex, so no row
    mine = {a: c for (i, a), c in mc.group_rows(d.port).items() if i == ifindex}
    assert len(mine) == row["lwMcastIfGroups"] == 2
    # at least one of the three groups found no row (an MLD report may have taken one first)
    assert row["lwMcastIfGroupOverflow"] >= 5, (row, mine)
    assert row["lwMcastIfPackets"] == sum(c["lwMcastGroupPackets"] for c in mine.values()) + \
        row["lwMcastIfGroupOverflow"], (row, mine)
    assert "mcast_interface lwnosuch0: capture down: no such interface" in d.log()
    runs = snmpget(d.port, collector_cell("lwCollectorRuns",
                                          COLLECTORS.index("mcast-members") + 1))[0]
    assert runs.type == "Counter32" and runs.value >= 1


def test_tables_by_name_with_the_mib(link, lw_on):
    """snmptable renders the three tables by name, every value of the type the MIB says."""
    lw = lw_on(link)
    joiner = link.join(["239.8.8.8"])
    link.send([mc.stream("239.8.8.8", 100, 10), mc.stream("ff15::8", 100, 10)])
    ifindex = link.ifindex()
    mc.settled(lw.port, ifindex)
    wait_until(lambda: (ifindex, "239.8.8.8") in mc.member_rows(lw.port), 30,
               what="the joined group in lwMcastMemberTable")
    mibs, why = mib_args()
    if mibs is None:
        warnings.warn(f"cannot load LEAKWATCH-MIB by name ({why}): numeric OIDs only")
        assert mc.group_rows(lw.port)[(ifindex, "ff15::8")]["lwMcastGroupPackets"] == 10
        return
    # snmptable -Cb drops the columns' common prefix; the values carry the MIB's UNITS
    for table, row_text in (("lwMcastIfTable", f"{ifindex}|{mc.RCV_IF}|"),
                            ("lwMcastGroupTable", f'{ifindex}.ipv4."239.8.8.8"|10 frames|'
                                                  "1420 octets|"),
                            ("lwMcastMemberTable", f'{ifindex}.ipv4."239.8.8.8"|{mc.RCV_IF}|1')):
        out, err = run_tool(["snmptable", *mibs, "-v2c", "-c", "public", "-t", "1", "-r", "0",
                             "-Cb", "-Ci", "-Cf", "|", f"udp:127.0.0.1:{lw.port}",
                             f"LEAKWATCH-MIB::{table}"], with_stderr=True)
        assert "Wrong Type" not in out and not err.strip(), (table, out, err)
        assert any(line.startswith(row_text) for line in out.splitlines()), (row_text, out)
        if table == "lwMcastIfTable":
            assert "|running|" in out and "|0 frames|0 frames|" in out, out  # no drops
    out = run_tool(["snmpget", *mibs, "-v2c", "-c", "public", f"udp:127.0.0.1:{lw.port}",
                    f"LEAKWATCH-MIB::lwMcastIfCaptureState.{ifindex}",
                    f"LEAKWATCH-MIB::lwMcastGroupJoined.{ifindex}.1.4.239.8.8.8"])
    assert f"lwMcastIfCaptureState.{ifindex} = INTEGER: running(1)" in out, out
    assert "= INTEGER: true(1)" in out, out
    link.leave(joiner)


def test_capture_without_privilege_is_an_error_row(nobody_lw):
    """No CAP_NET_RAW: the row says why, retries are not logged again, the rest is served."""
    lw = nobody_lw(extra_lines=["mcast_interface lo"])
    lw.wait_served(system_oid("lwMemTotalKB"), timeout=30)
    lo = socket.if_nametoindex("lo")
    row = wait_until(lambda: mc.if_row(lw.port, lo), 30, what="lo's lwMcastIfTable row")
    assert row["lwMcastIfCaptureState"] == ERROR, row
    assert b"permission" in row["lwMcastIfLastError"].lower(), row
    assert row["lwMcastIfPackets"] == 0 and row["lwMcastIfName"] == b"lo", row
    time.sleep(4)   # retried after 1 and 2 s by now
    assert lw.alive()
    errors = [ln for ln in lw.log().splitlines() if "mcast_interface lo: capture error" in ln]
    assert len(errors) == 1, lw.log()
    assert mc.if_row(lw.port, lo, "lwMcastIfCaptureState")["lwMcastIfCaptureState"] == ERROR


def test_sighup_keeps_the_captures_and_says_why(link, lw_on):
    lw = lw_on(link)
    ifindex = link.ifindex()
    link.send([mc.stream("239.4.4.4", 100, 12)])
    mc.settled(lw.port, ifindex)
    lw.extra_lines = [f"mcast_interface {mc.RCV_IF}", "mcast_interface lwother0",
                      "mcast_max_groups 8"]
    lw.write_config()
    lw.send_signal(signal.SIGHUP)
    wait_until(lambda: "mcast_* settings apply at the next restart" in lw.log(), 15,
               what="the reload's warning")
    assert [vb.value for vb in snmpget(lw.port, MCAST_SCALARS["lwMcastMaxGroups"],
                                       MCAST_SCALARS["lwMcastInterfaces"])] == [1024, 1]
    # the capture went on: the counts are those from before the reload, then more
    link.send([mc.stream("239.4.4.4", 100, 3)])
    mc.settled(lw.port, ifindex)
    assert mc.group_cells(lw.port, ifindex, ["239.4.4.4"], "lwMcastGroupPackets") == \
        {"239.4.4.4": {"lwMcastGroupPackets": 15}}
    assert list(mc.if_rows(lw.port)) == [ifindex]
