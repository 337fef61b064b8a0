# Self-check of lwtcpwork alone (no SNMP): each workload kind in a private netns, counted exactly.
# SPDX-License-Identifier: ISC
import os
import subprocess

import pytest

import lwtcpwork as tw
from lwtcpwork import (CLOSE_WAIT, ESTABLISHED, LISTEN, SYN_RECEIVED, SYN_SENT, TIME_WAIT,
                       Netns, parse_ss)
from lwutil import wait_until

needs_netns = pytest.mark.skipif(bool(tw.netns_unavailable()),
                                 reason=str(tw.netns_unavailable()))


def test_parse_ss_forms():
    # lines as ss 6.1 prints them on this kernel: a dual-stack listener is "*", the remote of a
    # listener is the zero address of its family, IPv4 over AF_INET6 is ::ffff:-mapped
    v4 = parse_ss("LISTEN 0 16 0.0.0.0:5003 0.0.0.0:*\n"
                  "TIME-WAIT 0 0 127.0.0.1:50126 127.0.0.1:5000\n", 4)
    v6 = parse_ss("LISTEN 0 16 *:5001 *:*\n"
                  "LISTEN 0 16 [::1]:5002 [::]:*\n"
                  "ESTAB 0 0 [::ffff:127.0.0.1]:5001 [::ffff:127.0.0.2]:33773\n"
                  "SYN-RECV 0 0 [fe80::1]%lo:22 [fe80::2]%lo:4000\n", 6)
    assert v4 == [(LISTEN, 4, "0.0.0.0", 5003, "0.0.0.0", 0, 4, None),
                  (TIME_WAIT, 4, "127.0.0.1", 50126, "127.0.0.1", 5000, 4, None)]
    assert v6 == [(LISTEN, 6, "::", 5001, "::", 0, 6, None),
                  (LISTEN, 6, "::1", 5002, "::", 0, 6, None),
                  (ESTABLISHED, 6, "127.0.0.1", 5001, "127.0.0.2", 33773, 4, None),
                  (SYN_RECEIVED, 6, "fe80::1", 22, "fe80::2", 4000, 6, None)]
    with pytest.raises(ValueError):
        parse_ss("BOGUS 0 0 1.2.3.4:1 1.2.3.4:2\n", 4)


@pytest.fixture
def netns(tmp_path):
    with Netns(addrs=["fd00:1::2", "fd00:1::3"], tmpdir=tmp_path / "netns") as ns:
        yield ns


@needs_netns
def test_every_state_counted_exactly(netns):
    w = netns.worker()
    l4 = w.listen("127.0.0.1")
    l6 = w.listen("::", v6only=False)  # dual-stack: IPv4 clients arrive ::ffff:-mapped
    p4, p6 = l4.port, l6.port
    g = {
        "est4": w.established("127.0.0.1", p4, 2, ["127.0.0.2", "127.0.0.3"]),
        "est6": w.established("::1", p6, 1, ["fd00:1::2", "fd00:1::3"]),
        "estm": w.established("127.0.0.1", p6, 2, ["127.0.0.4"]),
        "cw4": w.close_wait("127.0.0.1", p4, 1, ["127.0.0.5"]),
        "cw6": w.close_wait("fd00:1::2", p6, 1, ["::1"]),
        "fw1m": w.fin_wait1("127.0.0.1", p6, 1, ["127.0.0.6"]),
        "fw16": w.fin_wait1("::1", p6, 1, ["fd00:1::3"]),
        "cl4": w.closing("127.0.0.1", p4, 1, ["127.0.0.7"]),
        "cl6": w.closing("::1", p6, 1, ["fd00:1::2"]),
        "la4": w.last_ack("127.0.0.1", p4, 2, ["127.0.0.8"]),
        "la6": w.last_ack("fd00:1::3", p6, 1, ["fd00:1::2"]),
        "twc": w.time_wait("127.0.0.1", p4, 2, ["127.0.0.9"], closer="client"),
        "twm": w.time_wait("127.0.0.1", p6, 1, ["127.0.0.10"], closer="server"),
        "tw6": w.time_wait("::1", p6, 1, ["fd00:1::3"], closer="server"),
        "ss4": w.syn_sent("127.0.3.1", 9, 2),
        "ss6": w.syn_sent("fd00:1::3", 9, 1, ["::1"]),
        "sr4": w.syn_recv("127.0.0.1", p4, 2, ["127.0.0.11"]),
        "srm": w.syn_recv("127.0.0.1", p6, 1, ["127.0.0.12"]),
        "sr6": w.syn_recv("::1", p6, 1, ["fd00:1::2"]),
    }
    groups = [l4, l6, *g.values()]
    snap = netns.snapshot()
    got = snap.summary()
    # worked out by hand from the workload above, not from the module
    assert got["states"] == {"listen": 2, "synSent": 3, "synReceived": 4, "established": 22,
                             "finWait1": 4, "finWait2": 5, "closeWait": 2, "lastAck": 3,
                             "closing": 2, "timeWait": 4}, snap.table()
    assert got["families"] == {
        "listen": {4: 1, 6: 1}, "synSent": {4: 2, 6: 1}, "synReceived": {4: 3, 6: 1},
        "established": {4: 16, 6: 6}, "finWait1": {4: 2, 6: 2}, "finWait2": {4: 3, 6: 2},
        "closeWait": {4: 1, 6: 1}, "lastAck": {4: 2, 6: 1}, "closing": {4: 1, 6: 1},
        "timeWait": {4: 3, 6: 1}}, snap.table()
    assert got["remotes"] == {
        "listen": {"0.0.0.0": 1, "::": 1},
        "synSent": {"127.0.3.1": 2, "fd00:1::3": 1},
        "synReceived": {"127.0.0.11": 2, "127.0.0.12": 1, "fd00:1::2": 1},
        "established": {"127.0.0.1": 9, "127.0.0.2": 2, "127.0.0.3": 2, "127.0.0.4": 2,
                        "127.0.0.6": 1, "::1": 3, "fd00:1::2": 1, "fd00:1::3": 2},
        "finWait1": {"127.0.0.1": 1, "127.0.0.7": 1, "::1": 1, "fd00:1::2": 1},
        "finWait2": {"127.0.0.1": 3, "fd00:1::2": 1, "fd00:1::3": 1},
        "closeWait": {"127.0.0.5": 1, "::1": 1},
        "lastAck": {"127.0.0.8": 2, "fd00:1::2": 1},
        "closing": {"127.0.0.1": 1, "::1": 1},
        "timeWait": {"127.0.0.1": 2, "127.0.0.10": 1, "fd00:1::3": 1}}, snap.table()
    assert got["ports"][p4] == {"listen": 1, "synReceived": 2, "established": 4, "finWait1": 1,
                                "closeWait": 1, "lastAck": 2}, snap.table()
    assert got["ports"][p6] == {"listen": 1, "synReceived": 2, "established": 6, "finWait1": 1,
                                "closeWait": 1, "lastAck": 1, "timeWait": 2}, snap.table()
    # every client is on an ephemeral port, none on a listener's (the kernel may give two
    # clients of different peers the same port, so ports are not counted one by one)
    others = {p: c for p, c in got["ports"].items() if p not in (p4, p6)}
    assert sum(sum(c.values()) for c in others.values()) == 26
    assert all(p >= 32768 for p in others), others
    assert snap.listen_ports() == sorted([p4, p6])
    # and the module's own account of each group agrees socket by socket
    assert snap == tw.expected(*groups)
    assert sorted(map(tw.sock_key, snap.sockets)) == \
        sorted(tw.sock_key(s) for grp in groups for s in grp.sockets)

    # closing groups removes exactly their sockets, TIME_WAIT and request sockets included
    gone = [g.pop("sr4"), g.pop("tw6"), g.pop("la4"), g.pop("ss6")]
    for grp in gone:
        w.close(grp)
    snap = netns.snapshot()
    assert snap == tw.expected(l4, l6, *g.values()), snap.table()
    assert snap.states[SYN_RECEIVED] == 2 and snap.states[SYN_SENT] == 2
    w.close_all()
    assert netns.snapshot().sockets == []
    rules = netns.run(["nft", "list", "chain", "inet", "lwtest", "output"]).stdout
    assert "drop" not in rules, rules
    w.exit()


@needs_netns
def test_counts_follow_a_changing_workload(netns):
    w = netns.worker()
    lst = w.listen("fd00:1::2", backlog=8)
    assert netns.snapshot().summary()["families"] == {"listen": {6: 1}}
    est = w.established("fd00:1::2", lst.port, 3, ["fd00:1::3"])
    cw = w.close_wait("fd00:1::2", lst.port, 2, ["::1"])
    snap = netns.snapshot().on_ports(lst.port)
    assert snap.states == {LISTEN: 1, ESTABLISHED: 6, tw.FIN_WAIT2: 2, CLOSE_WAIT: 2}
    assert snap.remotes[ESTABLISHED] == {"fd00:1::3": 3, "fd00:1::2": 3}
    w.close(est)
    assert netns.snapshot().states == {LISTEN: 1, tw.FIN_WAIT2: 2, CLOSE_WAIT: 2}
    with pytest.raises(AssertionError, match="backlog 8 too small"):
        w.syn_recv("fd00:1::2", lst.port, 8)
    with pytest.raises(AssertionError, match="no listener"):
        w.established("127.0.0.1", lst.port)
    # a second worker in the same namespace: its nft rules are its own
    w2 = netns.worker()
    lst2 = w2.listen("127.0.0.1")
    la = w2.last_ack("127.0.0.1", lst2.port, 2)
    fw = w.fin_wait1("fd00:1::2", lst.port, 1, ["fd00:1::3"])
    w.close(fw)
    assert netns.snapshot().on_ports(lst2.port) == tw.expected(lst2, la)
    w.close(cw)
    w2.exit()
    assert netns.snapshot().states == {LISTEN: 1}


@needs_netns
def test_nothing_left_behind(tmp_path):
    # a namespace left by a dead run: 4194304 is PID_MAX_LIMIT, no process ever has that pid
    stale = "lwt4194304x0"
    subprocess.run(["ip", "netns", "add", stale], check=True)
    with Netns(tmpdir=tmp_path / "ns") as ns:
        assert stale not in subprocess.run(["ip", "netns", "list"], capture_output=True,
                                           text=True).stdout
        w = ns.worker()
        lst = w.listen("127.0.0.1")
        w.established("127.0.0.1", lst.port, 2)
        sleeper = ns.popen(["sleep", "600"])
        # a process started inside by someone else (a daemon via wrapper()) is killed too
        other = subprocess.Popen(ns.wrapper() + ["sleep", "600"])
        # each joins the namespace when ip netns exec gets that far
        wait_until(lambda: {w.pid, sleeper.pid, other.pid} <= set(tw._netns_pids(ns.name)),
                   10, what="the processes to be inside the namespace")
        name = ns.name
    assert name not in subprocess.run(["ip", "netns", "list"], capture_output=True,
                                      text=True).stdout
    assert other.wait(10) == -9
    for pid in (w.pid, sleeper.pid):
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # already reaped by the cleanup
