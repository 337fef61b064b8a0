# leakwatchd -u USER -g GROUP (README.md, "Privileges"): root left after start-up with exactly the
# collectors' capabilities, what each missing capability costs, and the errors of bad -u/-g.
# SPDX-License-Identifier: ISC
import os
import random
import re
import socket
import subprocess

import pytest

from lwdaemons import Leakwatchd
from lwoids import (COLLECTOR_COLUMNS, COLLECTOR_ENTRY, COLLECTORS, MCAST_IF_COLUMNS,
                    MCAST_IF_ENTRY)
from lwprocs import (FD_COLUMNS, PROC_ROWS, fd_types, read_proc, snapshot, split_notice,
                     unreadable_pids, wait_new_snapshot)
from lwsnmp import snmpget, walk_rows
from lwutil import leakwatchd_path, wait_until
from lwworkers import workers  # noqa: F401 - fixture

CAP_DAC_READ_SEARCH, CAP_NET_RAW, CAP_SYS_PTRACE = 2, 13, 19
KEPT = (1 << CAP_DAC_READ_SEARCH) | (1 << CAP_NET_RAW) | (1 << CAP_SYS_PTRACE)
OTHER_UID = 4242  # a user that is neither root nor nobody, with no passwd entry
MCAST_ERROR = 3   # lwMcastIfCaptureState error(3)


@pytest.fixture
def base(nobody_dir):
    """A root-owned 0755 directory (conftest.py): nobody reaches its files without
    CAP_DAC_READ_SEARCH, unlike pytest's 0700 tree."""
    return nobody_dir[0]


@pytest.fixture
def ids(nobody_dir):
    return nobody_dir[1], nobody_dir[2]


class DroppingLeakwatchd(Leakwatchd):
    """The harness's daemon (standalone unless given snmpd) with -u/-g after its arguments."""

    def __init__(self, tmpdir, user_args, **kw):
        self.user_args = list(user_args)
        if kw.get("snmpd") is None:
            kw.update(master=True, rocommunity="public 127.0.0.1")
        super().__init__(tmpdir, interval=1, **kw)

    def argv(self):
        return super().argv() + self.user_args


@pytest.fixture
def dropping(base, _daemons):
    def start(user_args=("-u", "nobody", "-g", "nogroup"), **kw):
        lw = DroppingLeakwatchd(base / f"leakwatchd{len(_daemons)}", user_args, **kw)
        _daemons.append(lw)
        lw.start()
        lw.wait_served(PROC_ROWS, timeout=30)
        return lw
    return start


def privileged_udp_port():
    """A UDP port below 1024 on 127.0.0.1 that was free a moment ago: only root binds it."""
    for port in random.sample(range(600, 1024), 100):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail("no free UDP port in 600..1023 on 127.0.0.1")


def status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.split()
    return fields


def collectors(lw):
    return {COLLECTORS[i - 1]: row
            for i, row in walk_rows(lw.port, COLLECTOR_ENTRY, COLLECTOR_COLUMNS).items()}


def wait_slab_runs(lw, n):
    """Until the slabinfo collector (kernel_interval 1) has run n times: several cycles seen."""
    return wait_until(lambda: (lw.check_alive(),
                               collectors(lw)["slabinfo"]["lwCollectorRuns"] >= n)[1],
                      30, what=f"{n} runs of the slabinfo collector")


def assert_dropped_to(pid, uid, gid, caps):
    """Each thread (capabilities belong to a thread) is uid:gid with exactly caps."""
    tids = os.listdir(f"/proc/{pid}/task")
    assert len(tids) >= 3, tids  # sampler, history writer and the agent thread at least
    for tid in tids:
        assert_thread_dropped_to(f"{pid}/task/{tid}", uid, gid, caps)


def assert_thread_dropped_to(pid, uid, gid, caps):
    st = status(pid)
    assert st["Uid"] == [str(uid)] * 4 and st["Gid"] == [str(gid)] * 4, st
    assert st["Groups"] == [str(gid)], st["Groups"]
    assert int(st["CapEff"][0], 16) == caps and int(st["CapPrm"][0], 16) == caps, st
    # nothing else left to gain by executing anything (bounding set)
    assert int(st["CapBnd"][0], 16) == caps, st["CapBnd"]
    assert int(st["CapInh"][0], 16) == 0 and int(st["CapAmb"][0], 16) == 0, st
    assert st["NoNewPrivs"] == ["1"], st


def test_drop_keeps_exactly_the_collectors_capabilities(dropping, ids, workers):  # noqa: F811
    """As nobody:nogroup with CAP_DAC_READ_SEARCH, CAP_NET_RAW and CAP_SYS_PTRACE only, every
    collector runs without error and another user's descriptors are read as root reads them."""
    uid, gid = ids
    other = workers(name=b"lwdrop-other", sockets=3, pipes=2, files=1, uid=OTHER_UID)
    rooted = workers(name=b"lwdrop-root", sockets=4, pipes=1)
    # the port is bound as root, before the drop
    lw = dropping(extra_lines=["kernel_interval 1", "process_include lwdrop-*"],
                  port=privileged_udp_port())
    assert lw.port < 1024
    assert_dropped_to(lw.pid, uid, gid, KEPT)
    # the state directory was made by root before the drop and given to the user with its files
    for p in [lw.state_dir, *lw.state_dir.rglob("*")]:
        assert (p.stat().st_uid, p.stat().st_gid) == (uid, gid), p
    wait_slab_runs(lw, 3)
    rows = collectors(lw)
    assert {n: r["lwCollectorErrors"] for n, r in rows.items() if r["lwCollectorErrors"]} == {}
    assert all(r["lwCollectorRuns"] > 0 for r in rows.values()), rows
    # another user's process and a root one: sockets and descriptor types as /proc says
    wait_new_snapshot(lw.port)
    snap = snapshot(lw.port)
    for w in (other, rooted):
        truth, types = read_proc(w.pid), fd_types(w.pid)
        row = snap["proc"][w.pid]
        assert row["lwProcUid"] == truth["uid"] and row["lwProcFds"] == truth["fds"], row
        assert row["lwProcSockets"] == truth["sockets"], (row, truth)
        assert snap["fd"][w.pid] == {c: types[c[len("lwProcFd"):].lower()]
                                     for c in FD_COLUMNS}, (snap["fd"][w.pid], types)
    assert read_proc(other.pid)["uid"] == OTHER_UID
    # nothing is unreadable that root could read (a sandbox's init may be unreadable to all)
    _, unreadable = split_notice(snap["notice"])
    assert unreadable == len(unreadable_pids(snap["proc"])), snap["notice"]
    log = lw.log()
    assert f"running as nobody:nogroup (uid {uid}, gid {gid}) with cap_dac_read_search, " \
           "cap_net_raw, cap_sys_ptrace" in log, log
    assert "capabilities: without" not in log, log


def test_fewer_capabilities_say_why_once(dropping, ids, workers):  # noqa: F811
    """Started without CAP_DAC_READ_SEARCH and CAP_NET_RAW (setpriv's bounding set): slabinfo
    fails saying why, the capture's row says why, each is logged once, the rest keeps working."""
    uid, gid = ids
    rooted = workers(name=b"lwdrop-root", sockets=2)
    lw = dropping(wrapper=["setpriv", "--bounding-set", "-dac_read_search,-net_raw"],
                  extra_lines=["kernel_interval 1", "mcast_interface lo",
                               "process_include lwdrop-*"])
    assert_dropped_to(lw.pid, uid, gid, 1 << CAP_SYS_PTRACE)
    wait_slab_runs(lw, 4)
    rows = collectors(lw)
    slab = rows.pop("slabinfo")
    assert slab["lwCollectorErrors"] == slab["lwCollectorRuns"] >= 4, slab
    assert slab["lwCollectorLastError"].endswith(
        b"Permission denied (needs CAP_DAC_READ_SEARCH)"), slab
    assert {n: r["lwCollectorErrors"] for n, r in rows.items() if r["lwCollectorErrors"]} == {}
    # the zone and buddy tables (other files) are still read: their collectors ran cleanly
    assert rows["zoneinfo"]["lwCollectorRuns"] >= 4 and rows["buddyinfo"]["lwCollectorRuns"] >= 4
    lo = socket.if_nametoindex("lo")
    name, state, error = snmpget(lw.port, *[f"{MCAST_IF_ENTRY}.{MCAST_IF_COLUMNS[c]}.{lo}" for c in
                                            ("lwMcastIfName", "lwMcastIfCaptureState",
                                             "lwMcastIfLastError")])
    assert (name.value, state.value) == (b"lo", MCAST_ERROR), (name, state, error)
    assert error.value.endswith(b"(needs CAP_NET_RAW)"), error
    # the processes collector still serves root's process, without what it may not list
    snap = snapshot(lw.port)
    row = snap["proc"][rooted.pid]
    assert row["lwProcFds"] == read_proc(rooted.pid)["fds"] and "lwProcSockets" not in row, row
    assert rooted.pid not in snap["fd"]
    assert re.search(rb"not readable: permission denied \(no CAP_DAC_READ_SEARCH",
                     snap["notice"]), snap["notice"]
    log = lw.log()
    for once in ("capabilities: without CAP_DAC_READ_SEARCH the slabinfo collector",
                 "without CAP_NET_RAW the multicast captures cannot open",
                 "collector slabinfo failed: ", "mcast_interface lo: capture error: "):
        assert log.count(once) == 1, (once, log)
    assert "running as nobody:nogroup" in log and "with cap_sys_ptrace\n" in log, log


def run_once(argv, timeout=15):
    return subprocess.run([str(a) for a in argv], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("args, message", [
    (["-u", "lw-no-such-user"], "leakwatchd: -u lw-no-such-user: no such user"),
    (["-u", "nobody", "-g", "lw-no-such-group"], "leakwatchd: -g lw-no-such-group: no such group"),
    (["-g", "nogroup"], "leakwatchd: -g GROUP needs -u USER"),
    (["-u", "root"], "leakwatchd: -u root: that is root; name the user to run as"),
])
def test_bad_user_or_group(base, args, message):
    """Bad -u/-g: one line on stderr, exit status 2, nothing started."""
    r = run_once([leakwatchd_path(), "-f", "-L", "e", "-c", "/dev/null", *args])
    assert (r.returncode, r.stderr.strip()) == (2, message), r


def test_not_root_and_foreign_state_dir(base, ids):
    """-u needs root; a root-owned state_dir holding other files is not given away."""
    r = run_once(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                  leakwatchd_path(), "-f", "-L", "e", "-c", "/dev/null", "-u", "nobody"])
    assert r.returncode == 2, r
    assert re.fullmatch(r"leakwatchd: -u nobody: only root can change its user \(leakwatchd runs "
                        rf"as uid {ids[0]}\)", r.stderr.strip()), r.stderr
    state = base / "shared-state"
    state.mkdir(mode=0o750)
    (state / "someone-elses").write_text("")
    lw = DroppingLeakwatchd(base / "foreign", ["-u", "nobody", "-g", "nogroup"], state_dir=state)
    r = run_once(lw.argv())
    assert r.returncode == 1, (r, lw.log())
    assert f"start-up: state_dir {state} belongs to root and holds someone-elses, which is not " \
           f"leakwatchd's: give the directory to nobody (chown nobody:nogroup {state}) or name " \
           "another" in lw.log(), lw.log()
    assert state.stat().st_uid == 0 and (state / "someone-elses").stat().st_uid == 0


def test_subagent_drops_after_connecting_and_reconnects(snmpd_factory, base, ids, _daemons):
    """A subagent opens its AgentX session as root, then drops; after a master restart it
    reconnects as nobody through a socket whose group lets it in (snmpd's agentXPerms)."""
    snmpd = snmpd_factory(extra_lines=["agentXPerms 0660 0750 root nogroup"])
    lw = DroppingLeakwatchd(base / "subagent", ["-u", "nobody", "-g", "nogroup"], snmpd=snmpd,
                            agentx_ping_interval=1)
    _daemons.append(lw)
    lw.start().wait_served(PROC_ROWS, timeout=30)
    assert_dropped_to(lw.pid, *ids, KEPT)
    assert (snmpd.socket_path.stat().st_mode & 0o777, snmpd.socket_path.stat().st_gid) == \
        (0o660, ids[1])
    snmpd.restart()
    lw.wait_served(PROC_ROWS, timeout=30)
    assert lw.alive() and "running as nobody:nogroup" in lw.log(), lw.log()
