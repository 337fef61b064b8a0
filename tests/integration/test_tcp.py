# lwTcp against ss and /proc on workloads built in a private network namespace: every TCP state,
# IPv4/IPv6, exact top-remote ranks, per-port rows, sockstat/limits/counters equal to the files.
# SPDX-License-Identifier: ISC
import ipaddress
import signal

import pytest

import lwtcpwork as tw
from lwharness import snmpbulkwalk, snmpget
from lwoids import (COLLECTORS, LW_SOCKSTAT, LW_TCP, LW_TCP_COUNTERS, LW_TCP_LIMITS,
                    SOCKSTAT_OBJECTS, TCP_COUNTERS, TCP_PORT_COLUMNS, TCP_PORT_STATE_ENTRY,
                    TCP_SCALARS, TCP_STATE_ENTRY, TCP_STATES, TCP_TOP_REMOTE_ENTRY,
                    collector_cell)
from lwutil import wait_until

pytestmark = pytest.mark.skipif(bool(tw.netns_unavailable()),
                                reason=str(tw.netns_unavailable()))

STATE_NAME = {v: k for k, v in TCP_STATES.items()}
V6_SOURCES = ["fd00:1::2", "fd00:1::3"]


@pytest.fixture
def netns(tmp_path):
    # set up before the daemons, so torn down after them: leakwatchd stops cleanly first
    with tw.Netns(addrs=V6_SOURCES, tmpdir=tmp_path / "netns") as ns:
        yield ns


@pytest.fixture
def lw_in_ns(netns, snmpd, lw_factory):
    """lw_in_ns(**settings): leakwatchd inside the namespace, attached to snmpd outside it
    through the AgentX unix socket (a path, so it crosses network namespaces)."""
    def start(extra_lines=()):
        d = lw_factory(start=False, snmpd=snmpd, interval=1, agentx_ping_interval=1,
                       extra_lines=list(extra_lines))
        d.wrapper = netns.wrapper() + d.wrapper
        d.start()
        d.wait_served(f"{LW_TCP}.{TCP_SCALARS['lwTcpSockets']}.0", timeout=60)
        return d
    return start


def runs(lw, collector):
    vb = snmpget(lw.port, collector_cell("lwCollectorRuns", COLLECTORS.index(collector) + 1))[0]
    return vb.value


def wait_cycles(lw, collector="tcp", n=2):
    """Waits until collector has completed n more runs: the last one started after this call."""
    start = runs(lw, collector)
    wait_until(lambda: runs(lw, collector) >= start + n, 60,
               what=f"{n} more runs of the {collector} collector")


def state_table(lw):
    """{state: (count, v4, v6)} from lwTcpStateTable."""
    cols = {}
    for vb in snmpbulkwalk(lw.port, TCP_STATE_ENTRY):
        col, state = vb.oid[len(TCP_STATE_ENTRY) + 1:].split(".")
        cols.setdefault(int(state), {})[int(col)] = vb.value
    # lwTcpStateName: the state's LwTcpConnState label, for NMSs that name rows with text
    assert {s: c[5] for s, c in cols.items()} == \
        {n: name.encode() for name, n in TCP_STATES.items()}
    return {s: (c[2], c[3], c[4]) for s, c in cols.items()}


def addr_text(addr_type, raw):
    assert (addr_type, len(raw)) in ((1, 4), (2, 16)), (addr_type, raw)
    return str(ipaddress.ip_address(raw))


def rfc5952(text):
    """An address in RFC 5952's recommended form (section 5: a mapped IPv4 address ends in
    dotted decimal, which Python before 3.13 does not print)."""
    a = ipaddress.ip_address(text)
    if a.version == 6 and a.ipv4_mapped is not None:
        return f"::ffff:{a.ipv4_mapped}"
    return str(a)


def top_remote_table(lw):
    """{state: [(addr, count, error), ...] by rank} from lwTcpTopRemoteTable."""
    rows = {}
    for vb in snmpbulkwalk(lw.port, TCP_TOP_REMOTE_ENTRY):
        col, state, rank = (int(x) for x in vb.oid[len(TCP_TOP_REMOTE_ENTRY) + 1:].split("."))
        rows.setdefault((state, rank), {})[col] = vb.value
    table = {}
    for (state, rank), c in sorted(rows.items()):
        assert rank == len(table.get(state, [])) + 1, f"ranks of state {state} not 1..n"
        text = addr_text(c[3], c[4])
        # the readable columns: the state's name and the address as RFC 5952 text
        assert (c[7], c[8]) == ([k for k, v in TCP_STATES.items() if v == state][0].encode(),
                                rfc5952(text).encode()), (state, rank, c)
        table.setdefault(state, []).append((text, c[5], c[6]))
    return table


def port_table(lw):
    """{port: {state: count}} from lwTcpPortStateTable (zero counts left out)."""
    table = {}
    for vb in snmpbulkwalk(lw.port, TCP_PORT_STATE_ENTRY):
        col, port = (int(x) for x in vb.oid[len(TCP_PORT_STATE_ENTRY) + 1:].split("."))
        row = table.setdefault(port, {})
        if col == 11:     # lwTcpPortStatePortText: the port in decimal
            assert vb.value == str(port).encode(), (port, vb)
        elif vb.value:
            row[TCP_PORT_COLUMNS[col]] = vb.value
    return table


def tcp_scalar(lw, name):
    return snmpget(lw.port, f"{LW_TCP}.{TCP_SCALARS[name]}.0")[0]


def ranked(counter, n):
    """What leakwatchd publishes: count descending, then IPv4 before IPv6, then address."""
    def key(item):
        a = ipaddress.ip_address(item[0])
        return (-item[1], a.version, a.packed)
    return sorted(counter.items(), key=key)[:n]


def build_every_state(w):
    """Every TCP state but closed, IPv4, IPv6 and IPv4 through a dual-stack listener."""
    l4 = w.listen("127.0.0.1")
    l6 = w.listen("::", v6only=False)
    p4, p6 = l4.port, l6.port
    groups = [
        l4, l6,
        w.established("127.0.0.1", p4, 5, ["127.0.0.2"]),
        w.established("127.0.0.1", p4, 4, ["127.0.0.3"]),
        w.established("127.0.0.1", p6, 3, ["127.0.0.4"]),   # ::ffff:127.0.0.4 on the server
        w.established("::1", p6, 2, ["fd00:1::2"]),
        w.established("127.0.0.1", p4, 1, ["127.0.0.5", "127.0.0.6"]),
        w.close_wait("127.0.0.1", p4, 2, ["127.0.0.7"]),
        w.close_wait("fd00:1::2", p6, 1, ["::1"]),
        w.fin_wait1("127.0.0.1", p4, 1, ["127.0.0.8"]),
        w.closing("::1", p6, 1, ["fd00:1::3"]),
        w.last_ack("127.0.0.1", p4, 3, ["127.0.0.9"]),
        w.last_ack("fd00:1::3", p6, 1, ["fd00:1::2"]),
        w.time_wait("127.0.0.1", p4, 3, ["127.0.0.10"], closer="client"),
        w.time_wait("::1", p6, 2, ["fd00:1::3"], closer="server"),
        w.syn_sent("127.0.3.1", 9, 2),
        w.syn_sent("fd00:1::3", 9, 1, ["::1"]),
        w.syn_recv("127.0.0.1", p4, 3, ["127.0.0.11"]),
        w.syn_recv("::1", p6, 2, ["fd00:1::2"]),
    ]
    return p4, p6, groups


def every_state_seen(netns, lw, table):
    """build_every_state() in the namespace, then two of lw's cycles: table(lw), what ss sees,
    and build_every_state's listening ports and groups."""
    p4, p6, groups = build_every_state(netns.worker())
    wait_cycles(lw)
    return table(lw), netns.snapshot(), p4, p6, groups


def test_states_and_families_match_ss(netns, lw_in_ns):
    lw = lw_in_ns()
    got, seen, _, _, groups = every_state_seen(netns, lw, state_table)
    want = tw.expected(*groups)
    # the workload is what the test built, and ss agrees
    assert seen == want, f"ss differs from the workload:\n{seen.table()}"
    assert sorted(got) == list(range(1, 12)), got
    for state in range(1, 12):
        fam = want.families.get(state, {})
        assert got[state] == (want.states[state], fam.get(4, 0), fam.get(6, 0)), \
            f"{STATE_NAME[state]}: lwTcpStateTable {got[state]} vs ss {dict(fam)}\n" \
            f"{seen.table()}"
    # known counts, worked out from build_every_state, so a wrong workload cannot hide a bug
    counts = {STATE_NAME[s]: c[0] for s, c in got.items() if c[0]}
    # established: 16 connections (both ends), the FIN_WAIT1 client's server end, and the
    # clients of the half-open connections (they sent their final ACK; the server never got it)
    assert counts == {"listen": 2, "synSent": 3, "synReceived": 5, "established": 32 + 1 + 5,
                      "finWait1": 2, "finWait2": 7, "closeWait": 3, "lastAck": 4,
                      "closing": 1, "timeWait": 5}, counts
    assert got[TCP_STATES["synReceived"]][1:] == (3, 2)
    assert got[TCP_STATES["established"]][1:] == (38 - 6, 4 + 2)  # IPv6: the v6 pairs, v6 half-open clients
    assert tcp_scalar(lw, "lwTcpSockets").value == sum(c[0] for c in got.values()) == 70


def test_top_remotes_ranked_exactly(netns, lw_in_ns):
    lw = lw_in_ns(extra_lines=["tcp_top 6"])
    table, seen, _, _, _ = every_state_seen(netns, lw, top_remote_table)
    assert tcp_scalar(lw, "lwTcpTopN").value == 6
    assert TCP_STATES["listen"] not in table, "listeners have no remote to rank"
    for state, rows in table.items():
        want = ranked(seen.remotes[state], 6)
        assert [(a, c) for a, c, _ in rows] == want, f"{STATE_NAME[state]}: {rows} vs {want}"
        assert all(e == 0 for _, _, e in rows), "fewer than 1024 remotes: every count exact"
    # ESTABLISHED by hand: clients see the server (14 + 3 half-open clients), servers see each
    # source (127.0.0.4 came in over the dual-stack listener as ::ffff:127.0.0.4: shown as
    # IPv4); a tie goes to IPv4, then to the lower address
    assert [(a, c) for a, c, _ in table[TCP_STATES["established"]]] == [
        ("127.0.0.1", 17), ("127.0.0.2", 5), ("127.0.0.3", 4), ("::1", 4), ("127.0.0.4", 3),
        ("fd00:1::2", 2)]
    assert [(a, c) for a, c, _ in table[TCP_STATES["synReceived"]]] == [
        ("127.0.0.11", 3), ("fd00:1::2", 2)]
    assert sum(len(r) for r in table.values()) == sum(
        min(6, len(seen.remotes[s])) for s in seen.remotes if s != TCP_STATES["listen"])


def test_port_states_match_ss(netns, lw_in_ns):
    lw = lw_in_ns()
    got, seen, p4, p6, _ = every_state_seen(netns, lw, port_table)
    assert sorted(got) == seen.listen_ports() == sorted([p4, p6])
    for port in (p4, p6):
        want = {s: n for s, n in seen.ports[port].items() if s in TCP_PORT_COLUMNS.values()}
        assert got[port] == want, f"port {port}: {got[port]} vs ss {want}"
    # by hand: the IPv4 service has 3 half-open connections (a SYN flood looks like this),
    # 2 connections its peers closed that it did not (CLOSE_WAIT: a descriptor leak)
    # (the server end of a CLOSING pair is in FIN_WAIT1; client ends are on ephemeral ports)
    name = {p: {STATE_NAME[s]: n for s, n in got[p].items()} for p in got}
    assert name[p4] == {"listen": 1, "synReceived": 3, "established": 5 + 4 + 2 + 1,
                        "closeWait": 2, "lastAck": 3}
    assert name[p6] == {"listen": 1, "synReceived": 2, "established": 3 + 2, "finWait1": 1,
                        "closeWait": 1, "lastAck": 1, "timeWait": 2}
    assert tcp_scalar(lw, "lwTcpPortRows").value == 2
    assert tcp_scalar(lw, "lwTcpPortDropped").value == 0


def test_port_cap_and_top_n_on_sighup(netns, lw_in_ns):
    lw = lw_in_ns()
    w = netns.worker()
    listeners = [w.listen("127.0.0.1") for _ in range(3)]
    w.listen("::", port=listeners[2].port, v6only=True)  # a second listener on a port
    w.established("127.0.0.1", listeners[0].port, 3, ["127.0.0.2", "127.0.0.3", "127.0.0.4"])
    wait_cycles(lw)
    assert tcp_scalar(lw, "lwTcpPortRows").value == 3
    assert tcp_scalar(lw, "lwTcpPortMaxRows").value == 1024
    lw.write_config(text=lw.conf.read_text() + "tcp_max_ports 1\ntcp_top 2\n")
    lw.send_signal(signal.SIGHUP)
    wait_until(lambda: tcp_scalar(lw, "lwTcpPortMaxRows").value == 1, 30,
               what="tcp_max_ports 1 in force")
    wait_cycles(lw)
    assert tcp_scalar(lw, "lwTcpPortRows").value == 1
    assert tcp_scalar(lw, "lwTcpPortDropped").value == 2, "2 ports, whatever their listeners"
    assert len(port_table(lw)) == 1
    notice = snmpget(lw.port, collector_cell("lwCollectorNotice", COLLECTORS.index("tcp") + 1))
    assert notice[0].text == ("2 listening ports beyond tcp_max_ports 1 are not in "
                              "lwTcpPortStateTable"), notice
    assert tcp_scalar(lw, "lwTcpTopN").value == 2
    assert [len(r) for r in top_remote_table(lw).values()] == [2]  # established only


def read_sockstat(netns):
    """{(prefix, key): value} of sockstat and sockstat6 as read inside the namespace."""
    out = netns.run(["cat", "/proc/net/sockstat", "/proc/net/sockstat6"]).stdout
    values = {}
    for line in out.splitlines():
        prefix, _, rest = line.partition(":")
        words = rest.split()
        for k, v in zip(words[::2], words[1::2]):
            values[(prefix, k)] = int(v)
    return values


def steady(read, lw, collector):
    """A reading of a file that held still across a whole collector run: what it published."""
    for _ in range(20):
        before = read()
        wait_cycles(lw, collector, 2)
        after = read()
        if before == after:
            return after
    pytest.fail(f"{collector}'s source never held still across a run")


def test_sockstat_equals_the_file(netns, lw_in_ns):
    lw = lw_in_ns()
    w = netns.worker()
    l4 = w.listen("127.0.0.1")
    w.established("127.0.0.1", l4.port, 3, ["127.0.0.2"])
    w.time_wait("127.0.0.1", l4.port, 2, ["127.0.0.3"])
    w.established("::1", w.listen("::1").port, 2)
    for _ in range(20):
        want = steady(lambda: read_sockstat(netns), lw, "sockstat")
        vbs = snmpget(lw.port, *(f"{LW_SOCKSTAT}.{i}.0" for i in
                                 range(1, len(SOCKSTAT_OBJECTS) + 1)))
        if read_sockstat(netns) == want:
            break
    got = {name: (vb.type, vb.value) for (name, *_), vb in zip(SOCKSTAT_OBJECTS, vbs)}
    assert got == {name: (t, want[(p, k)]) for name, p, k, t in SOCKSTAT_OBJECTS}
    # this namespace's own figures, as the workload made them (TIME_WAIT is not "inuse")
    assert want[("TCP", "inuse")] == 1 + 6
    assert want[("TCP", "tw")] == 2 and want[("TCP6", "inuse")] == 1 + 4


def test_limits_in_a_child_namespace(netns, lw_in_ns):
    lw = lw_in_ns()
    w = netns.worker()
    w.time_wait("127.0.0.1", w.listen("127.0.0.1").port, 4, ["127.0.0.2"])
    wait_cycles(lw, "tcp-limits")
    max_tw = int(netns.run(["cat", "/proc/sys/net/ipv4/tcp_max_tw_buckets"]).stdout)
    vbs = snmpget(lw.port, *(f"{LW_TCP_LIMITS}.{i}.0" for i in range(1, 10)))
    # tcp_mem and tcp_max_orphans are host-wide: not in a child namespace's /proc/sys
    assert [vb.type for vb in vbs[:4]] == ["noSuchInstance"] * 4
    assert (vbs[4].type, vbs[4].value) == ("Gauge32", max_tw)
    assert [vb.type for vb in vbs[5:8]] == ["noSuchInstance"] * 3
    tw_now = snmpget(lw.port, f"{LW_SOCKSTAT}.4.0")[0].value
    assert tw_now == 4
    assert vbs[8].value == tw_now * 10000 // max_tw
    notice = snmpget(lw.port, collector_cell("lwCollectorNotice",
                                             COLLECTORS.index("tcp-limits") + 1))[0]
    assert notice.text == ("tcp_mem, tcp_max_orphans not visible (a network namespace other "
                           "than the host's)")
    errors = snmpget(lw.port, collector_cell("lwCollectorErrors",
                                             COLLECTORS.index("tcp-limits") + 1))[0]
    assert errors.value == 0


def test_limits_and_percentages_in_the_host_namespace(leakwatchd):
    vbs = leakwatchd.get(*(f"{LW_TCP_LIMITS}.{i}.0" for i in range(1, 10)),
                         f"{LW_SOCKSTAT}.3.0", f"{LW_SOCKSTAT}.4.0", f"{LW_SOCKSTAT}.6.0")
    tcp_mem = [int(x) for x in open("/proc/sys/net/ipv4/tcp_mem").read().split()]
    orphans = int(open("/proc/sys/net/ipv4/tcp_max_orphans").read())
    max_tw = int(open("/proc/sys/net/ipv4/tcp_max_tw_buckets").read())
    assert [(vb.type, vb.value) for vb in vbs[:5]] == [
        ("Gauge32", tcp_mem[0]), ("Gauge32", tcp_mem[1]), ("Gauge32", tcp_mem[2]),
        ("Gauge32", orphans), ("Gauge32", max_tw)]
    orphan, tw_now, mem = (vb.value for vb in vbs[9:12])
    # one GET is one snapshot: the percentages are of the very values served beside them
    assert [vb.value for vb in vbs[5:9]] == [orphan * 10000 // orphans,
                                              mem * 10000 // tcp_mem[1],
                                              mem * 10000 // tcp_mem[2],
                                              tw_now * 10000 // max_tw]


def read_counters(netns):
    out = netns.run(["cat", "/proc/net/snmp", "/proc/net/netstat"]).stdout.splitlines()
    values = {}
    for head, vals in zip(out[::2], out[1::2]):
        prefix = head.split(":")[0]
        for k, v in zip(head.split()[1:], vals.split()[1:]):
            values[(prefix, k)] = int(v)
    return values


def test_tcp_counters_equal_the_files(netns, lw_in_ns):
    lw = lw_in_ns()
    w = netns.worker()
    l4 = w.listen("127.0.0.1")
    w.established("127.0.0.1", l4.port, 3, ["127.0.0.2"])
    w.syn_sent("127.0.3.1", 9, 1)  # one more active open, failing slowly
    want = steady(lambda: read_counters(netns), lw, "tcp-counters")
    vbs = snmpget(lw.port, *(f"{LW_TCP_COUNTERS}.{i}.0" for i in sorted(TCP_COUNTERS)))
    got = [(vb.type, vb.value) for vb in vbs]
    # tcpCurrEstab is a level (Gauge32, as in RFC 4022); the others are counters
    assert got == [("Gauge32" if TCP_COUNTERS[i] == ("Tcp", "CurrEstab") else "Counter64",
                    want[TCP_COUNTERS[i]]) for i in sorted(TCP_COUNTERS)]
    assert want[("Tcp", "ActiveOpens")] == 4 and want[("Tcp", "PassiveOpens")] == 3
    assert want[("Tcp", "CurrEstab")] == 6


def test_vanished_namespace_files_fail_cleanly(netns, lw_in_ns, tmp_path):
    """A collector root without /proc/net: sockstat and tcp-counters fail with the file named,
    tcp (netlink) still counts, and the daemon keeps serving."""
    lw = lw_in_ns(extra_lines=[f"root {tmp_path}"])
    (tmp_path / "proc").mkdir(exist_ok=True)
    w = netns.worker()
    w.established("127.0.0.1", w.listen("127.0.0.1").port, 2)
    wait_cycles(lw)
    err = snmpget(lw.port, collector_cell("lwCollectorLastError",
                                          COLLECTORS.index("sockstat") + 1))[0]
    assert err.text == "open proc/net/sockstat: No such file or directory"
    assert snmpget(lw.port, f"{LW_SOCKSTAT}.1.0")[0].type == "noSuchInstance"
    assert state_table(lw)[TCP_STATES["established"]][0] == 4
