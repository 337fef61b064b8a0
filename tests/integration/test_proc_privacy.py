# What a daemon without capabilities serves about other users' processes (true or absent, never
# a made-up 0), and process_cmdline yes|no|mask (DESIGN.md, "Processes and descriptors").
# SPDX-License-Identifier: ISC
import re
import signal
import subprocess
import sys

from lwprocs import (FD_COLUMNS, FD_ENTRY, PROC_COLUMNS, PROC_ROWS, cmdline_matches,
                     expected_cmdline, fd_types, get_row, read_proc, snapshot, wait_new_snapshot)
from lwutil import wait_until
from lwworkers import workers  # noqa: F401 - fixture

NOBODY = 65534
ROOT_NAME, NOBODY_NAME = b"lwpriv-root", b"lwpriv-nobody"
NOTICE = re.compile(rb"descriptors of (\d+) processes not readable: permission denied "
                    rb"\(no CAP_DAC_READ_SEARCH/CAP_SYS_PTRACE\)")
# the columns a worker that only waits keeps the same while it is read twice
STABLE = ("lwProcName", "lwProcPpid", "lwProcUid", "lwProcThreads", "lwProcFdLimit",
          "lwProcFds", "lwProcSockets", "lwProcVszKB")


def truth(pid):
    """/proc read as root now: what each lwProcEntry and lwProcFdEntry cell must be."""
    p = read_proc(pid)
    t = fd_types(pid)
    return {"lwProcName": p["name"], "lwProcPpid": p["ppid"], "lwProcUid": p["uid"],
            "lwProcThreads": p["threads"], "lwProcFdLimit": p["fdlimit"], "lwProcFds": p["fds"],
            "lwProcSockets": p["sockets"], "lwProcVszKB": p["vsz"],
            "lwProcCmdline": p["cmdline_raw"],
            "lwProcFdSockets": t["sockets"], "lwProcFdPipes": t["pipes"],
            "lwProcFdFiles": t["files"], "lwProcFdAnon": t["anon"], "lwProcFdOther": t["other"]}


def unprivileged_snapshot(lw, pids):
    """A walk of lwProcesses after the daemon sampled the workers twice, with /proc read as
    root before and after it: (snap, before, after)."""
    lw.wait_served(PROC_ROWS, timeout=30)
    wait_until(lambda: set(pids) <= set(get_pids(lw)), 30, what="the workers' rows")
    before = {pid: truth(pid) for pid in pids}
    wait_new_snapshot(lw.port)
    snap = snapshot(lw.port)
    return snap, before, {pid: truth(pid) for pid in pids}


def get_pids(lw):
    return [pid for pid in snapshot(lw.port, proc_columns=["lwProcName"])["proc"]]


def test_unprivileged_daemon_serves_true_values_or_none(nobody_lw, workers):  # noqa: F811
    """leakwatchd as nobody, no capabilities: root's processes have their descriptor count
    (the size of /proc/PID/fd needs no rights) but not their sockets nor types, which are
    absent instead of 0; nobody's own process is read whole; the notice counts the others."""
    a = workers(name=ROOT_NAME, sockets=9, pipes=2)
    b = workers(name=ROOT_NAME, sockets=5, files=1)
    c = workers(name=NOBODY_NAME, sockets=3, pipes=1, uid=NOBODY)
    roots, mine = [a.pid, b.pid], [c.pid]
    # the default process_cmdline (mask) leaves the workers' command lines as they are
    lw = nobody_lw(extra_lines=["process_include lwpriv-*", "process_top 5"])
    snap, before, after = unprivileged_snapshot(lw, roots + mine)
    assert sorted(snap["proc"]) == sorted(roots + mine), snap["proc"]
    for pid in roots + mine:
        row = snap["proc"][pid]
        for col in STABLE:
            assert before[pid][col] == after[pid][col], (pid, col, "the worker moved")
            if col in row:
                assert row[col] == before[pid][col], (pid, col, row[col], before[pid][col])
        assert cmdline_matches(row["lwProcCmdline"], before[pid]["lwProcCmdline"]), row
        # a walk returns only true values; the ones nobody may read are left out
        assert "lwProcFds" in row, (pid, row)
        assert ("lwProcSockets" in row) == (pid in mine), (pid, row)
        # lwProcFdTable: a row only for the process whose types were read, and true
        if pid in mine:
            fd = snap["fd"][pid]
            assert fd == {c: before[pid][c] for c in FD_COLUMNS}, (fd, before[pid])
        else:
            assert pid not in snap["fd"], (pid, snap["fd"].get(pid))
    assert before[a.pid]["lwProcSockets"] == 9 and before[b.pid]["lwProcSockets"] == 5
    # a GET of the unknown cells answers noSuchInstance, not 0
    for pid in roots:
        row, _ = get_row(lw.port, pid, {"lwProcSockets": PROC_COLUMNS["lwProcSockets"],
                                        "lwProcFds": PROC_COLUMNS["lwProcFds"]})
        assert row == {"lwProcSockets": "noSuchInstance", "lwProcFds": before[pid]["lwProcFds"]}
        fdrow, _ = get_row(lw.port, pid, FD_COLUMNS, FD_ENTRY)
        assert set(fdrow.values()) == {"noSuchInstance"}, fdrow
    # groups: the counts are all known, so the sum is served and true
    groups = {g["lwProcGroupName"]: g for g in snap["group"].values()}
    assert groups[ROOT_NAME]["lwProcGroupCount"] == 2
    assert groups[ROOT_NAME]["lwProcGroupFds"] == sum(before[p]["lwProcFds"] for p in roots)
    # top-N by descriptors: every value true
    for (metric, _), top in snap["top"].items():
        if metric == 3:
            assert top["lwProcTopValue"] == before[top["lwProcTopPid"]]["lwProcFds"], top
    # the notice says how many and why
    m = NOTICE.search(snap["notice"])
    assert m and int(m.group(1)) == len(roots), snap["notice"]


# ----- process_cmdline -----

SECRET_ARGS = [b"--password=hunter2", b"-pSECRET", b"token=abc", b"--user", b"bob"]


def secret_process():
    return subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()",
                             *SECRET_ARGS], stdin=subprocess.PIPE)


def served_cmdline(lw, pid):
    wait_new_snapshot(lw.port)
    wait_new_snapshot(lw.port)
    row, _ = get_row(lw.port, pid, {"lwProcCmdline": PROC_COLUMNS["lwProcCmdline"]})
    return row["lwProcCmdline"]


def reload(lw, mode):
    lw.extra_lines = [f"process_cmdline {mode}"]
    lw.write_config()
    lw.send_signal(signal.SIGHUP)


def test_cmdline_mask_no_yes_and_reload(snmpd, lw_factory):
    """mask (the default) hides the secrets and keeps the rest; no serves no lwProcCmdline;
    yes all of it. A SIGHUP applies the mode to every process at the next cycle."""
    p = secret_process()
    try:
        lw = lw_factory(snmpd=snmpd, interval=1, agentx_ping_interval=1)
        lw.wait_served(PROC_ROWS, timeout=20)
        masked = served_cmdline(lw, p.pid)
        with open(f"/proc/{p.pid}/cmdline", "rb") as f:
            raw = f.read()
        assert raw.endswith(b"\0".join(SECRET_ARGS) + b"\0"), raw
        for secret in (b"hunter2", b"SECRET", b"abc"):
            assert secret not in masked, masked
        prefix = expected_cmdline(raw[:raw.index(b"\0--password")])
        assert masked == prefix + b" --password=*** -p*** token=*** --user bob", (masked, raw)

        reload(lw, "no")
        assert served_cmdline(lw, p.pid) == "noSuchInstance"
        # a walk of the column finds nothing under it (the tool reports the empty subtree)
        walked = snapshot(lw.port, proc_columns=["lwProcCmdline", "lwProcName"])["proc"]
        rows = {pid: r for pid, r in walked.items() if isinstance(pid, int)}
        assert p.pid in rows and not any("lwProcCmdline" in r for r in rows.values()), rows

        reload(lw, "yes")
        full = served_cmdline(lw, p.pid)
        assert cmdline_matches(full, raw), (full, raw)
        assert b"--password=hunter2 -pSECRET token=abc" in full

        reload(lw, "mask")
        assert served_cmdline(lw, p.pid) == masked
        assert lw.alive()
    finally:
        p.kill()
        p.wait()


def test_cmdline_bad_mode_is_a_config_error(snmpd, lw_factory):
    lw = lw_factory(snmpd=snmpd, start=False, extra_lines=["process_cmdline maybe"])
    lw.start()
    assert lw.wait_exit(10) == 2
    lw.expected_dead = True
    assert re.search(r"leakwatchd\.conf:\d+: process_cmdline: 'maybe' is not yes, no or mask",
                     lw.output()), lw.output()
