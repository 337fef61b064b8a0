# lwProcTable and lwProcFdTable (issue 3) against /proc and controlled worker processes.
# SPDX-License-Identifier: ISC
import os
import signal
import subprocess

from lwharness import wait_until
from lwprocs import (FD_COLUMNS, PAGE_KB, PROC_COLUMNS, PROC_ENTRY, PROC_ROWS, all_pids,
                     cmdline_matches, collector_notice_oid, collector_row, escape, fd_types,
                     cmdline_matches_masked, fresh_row, get_row, most_fds, read_proc, read_stat,
                     snapshot, split_notice,
                     start_epoch, swap_kb, unreadable_pids, wait_new_snapshot)
from lwoids import COLLECTORS
from lwworkers import workers  # noqa: F401 - fixture

MiB_KB = 1024
HOSTILE = b"a) b\\(\n\xff\xfe c"      # ')' '(' space backslash newline invalid UTF-8
ARGV0 = b"lw-argv \xff\\ \x01end"
SLACK = 2 * PAGE_KB                    # an idle worker's memory moves by a few pages at most
TYPES = {"lwProcName": "STRING", "lwProcCmdline": "STRING", "lwProcPpid": "Gauge32",
         "lwProcUid": "Gauge32", "lwProcState": "INTEGER", "lwProcStartTime": "Gauge32",
         "lwProcThreads": "Gauge32", "lwProcRssKB": "Gauge32", "lwProcVszKB": "Gauge32",
         "lwProcAnonKB": "Gauge32", "lwProcSwapKB": "Gauge32", "lwProcFds": "Gauge32",
         "lwProcFdLimit": "Gauge32", "lwProcSockets": "Gauge32", "lwProcCpuTicks": "Counter64",
         "lwProcCpuPercent": "Gauge32"}


def test_hostile_worker_row_matches_proc(leakwatchd, workers):  # noqa: F811
    w = workers(name=HOSTILE, mem_mib=64, files=20, pipes=10, sockets=7, nofile=4321,
                threads=2, argv0=ARGV0)
    row, before, after = fresh_row(leakwatchd.port, w.pid)
    p = []

    def check(col, ok, truth):
        if not ok:
            p.append(f"{col}: served {row[col]!r}, /proc {truth!r}")
    check("lwProcName", row["lwProcName"] == escape(HOSTILE) == after["name"], escape(HOSTILE))
    check("lwProcCmdline", cmdline_matches(row["lwProcCmdline"], after["cmdline_raw"]),
          after["cmdline_raw"])
    check("lwProcCmdline", row["lwProcCmdline"][:len(escape(ARGV0)) + 3]
          == escape(ARGV0) + b" -c", escape(ARGV0))
    check("lwProcPpid", row["lwProcPpid"] == os.getpid(), os.getpid())
    check("lwProcUid", row["lwProcUid"] == 0, 0)
    check("lwProcState", row["lwProcState"] == 2, "S")
    check("lwProcStartTime", abs(row["lwProcStartTime"] - after["start"]) <= 1, after["start"])
    check("lwProcThreads", row["lwProcThreads"] == 3 == after["threads"], after["threads"])
    for col, key in (("lwProcRssKB", "rss"), ("lwProcVszKB", "vsz"), ("lwProcAnonKB", "anon")):
        check(col, between_pages(row[col], before[key], after[key]), (before[key], after[key]))
    check("lwProcAnonKB", row["lwProcAnonKB"] >= 64 * MiB_KB, ">= 64 MiB")
    check("lwProcSwapKB", row["lwProcSwapKB"] == swap_kb(w.pid), swap_kb(w.pid))
    # 3 stdio + 2 control pipe ends + 20 files + 10 pipes + 7 sockets
    check("lwProcFds", row["lwProcFds"] == after["fds"] == before["fds"] == 52, after["fds"])
    check("lwProcSockets", row["lwProcSockets"] == after["sockets"] == 7, after["sockets"])
    check("lwProcFdLimit", row["lwProcFdLimit"] == after["fdlimit"] == 4321, after["fdlimit"])
    check("lwProcCpuTicks", before["ticks"] <= row["lwProcCpuTicks"] <= after["ticks"],
          (before["ticks"], after["ticks"]))
    check("lwProcCpuPercent", row["lwProcCpuPercent"] == 0, "idle")
    assert not p, "\n".join(p)


def between_pages(value, a, b):
    return isinstance(value, int) and min(a, b) - SLACK <= value <= max(a, b) + SLACK


def test_wire_types_and_pid_not_accessible(leakwatchd, workers):  # noqa: F811
    w = workers(name=b"lw-types")
    wait_new_snapshot(leakwatchd.port)
    wait_new_snapshot(leakwatchd.port)
    vbs = leakwatchd.get(*[f"{PROC_ENTRY}.{PROC_COLUMNS[c]}.{w.pid}" for c in TYPES],
                         f"{PROC_ENTRY}.1.{w.pid}")
    wrong = [f"{c}: {vb.type} {vb.value!r}, expected {t}"
             for (c, t), vb in zip(TYPES.items(), vbs) if vb.type != t]
    assert not wrong, "\n".join(wrong)
    assert vbs[-1].type in ("noSuchObject", "noSuchInstance"), f"lwProcPid readable: {vbs[-1]}"


def test_collector_notice_column(leakwatchd):
    n = len(COLLECTORS)
    vbs = leakwatchd.get(*[collector_notice_oid(i) for i in range(1, n + 2)])
    # no notice on this host, except sockstat's and mcast-members' on a kernel without IPv6
    want = [("STRING", b"")] * n
    if not os.path.exists("/proc/net/sockstat6"):
        want[COLLECTORS.index("sockstat")] = ("STRING",
                                              b"no /proc/net/sockstat6 (kernel without IPv6)")
    if not os.path.exists("/proc/net/igmp6"):
        want[COLLECTORS.index("mcast-members")] = ("STRING",
                                                   b"no /proc/net/igmp6 (kernel without IPv6)")
    # processes: a notice only for processes whose descriptors root itself may not read
    procs = COLLECTORS.index("processes")
    rest, unreadable = split_notice(vbs[procs].value)
    assert unreadable == len(unreadable_pids()), (vbs[procs].value, unreadable_pids())
    got = [(vb.type, vb.value) for vb in vbs[:n]]
    got[procs] = (vbs[procs].type, rest)
    assert got == want, vbs
    assert vbs[n].type in ("noSuchInstance", "noSuchObject"), vbs[n]


def test_cmdline_is_cut_at_an_escape_boundary(leakwatchd, workers):  # noqa: F811
    w = workers(name=b"lw-longcmd", argv0=b"\xff" * 130)
    row, _, after = fresh_row(leakwatchd.port, w.pid)
    assert row["lwProcCmdline"] == b"\\xff" * 63, row["lwProcCmdline"]
    assert cmdline_matches(row["lwProcCmdline"], after["cmdline_raw"])


def test_setproctitle_padding_shows_as_ps_shows_it(leakwatchd, workers):  # noqa: F811
    """A process that rewrote its argv area the way PostgreSQL does (the title, then NULs to
    the end of the area): lwProcCmdline is what `ps -o args` prints, trailing NULs dropped and
    the title's own trailing space kept."""
    w = workers(name=b"lw-proctitle", argv0=b"lw-proctitle-" + b"x" * 150)
    w.call("proctitle", title=b"postgres: checkpointer ".hex())
    with open(f"/proc/{w.pid}/cmdline", "rb") as f:
        raw = f.read()
    assert raw.startswith(b"postgres: checkpointer \0\0") and raw.rstrip(b"\0") == \
        b"postgres: checkpointer ", raw[:64]
    row, _, _ = fresh_row(leakwatchd.port, w.pid)
    ps = subprocess.run(["ps", "-o", "args=", "-p", str(w.pid)], capture_output=True,
                        check=True).stdout.rstrip(b"\n")
    assert row["lwProcCmdline"] == ps == b"postgres: checkpointer ", (row["lwProcCmdline"], ps)


def test_names_escaped_and_cut_by_the_kernel(leakwatchd, workers):  # noqa: F811
    names = [b"a) b (c", b"new\nline", b"back\\slash", b"\xff\xfe", b"  spaced  out ",
             b"0123456789abcdefXYZ", b"\x7f\x1b[0m\t"]
    ws = [workers(name=n) for n in names]
    wait_new_snapshot(leakwatchd.port)
    wait_new_snapshot(leakwatchd.port)
    problems = []
    for n, w in zip(names, ws):
        row, _ = get_row(leakwatchd.port, w.pid)
        want = escape(n[:15])
        if row["lwProcName"] != want or read_stat(w.pid)["comm"] != n[:15]:
            problems.append(f"{n!r}: served {row['lwProcName']!r}, expected {want!r}")
    assert not problems, "\n".join(problems)


def test_states_uid_and_cpu(leakwatchd, workers):  # noqa: F811
    stopped = workers(name=b"lw-stopped")
    parent = workers(name=b"lw-zparent")
    nobody = workers(name=b"lw-nobody", uid=65534)
    spinner = workers(name=b"lw-spin")
    zombie = parent.call("zombie")["pid"]
    os.kill(stopped.pid, signal.SIGSTOP)
    try:
        spinner.call("spin", on=True)
        wait_until(lambda: read_stat(stopped.pid)["state"] == "T", 5, what="worker stopped")
        for _ in range(3):
            wait_new_snapshot(leakwatchd.port)
        st, _ = get_row(leakwatchd.port, stopped.pid)
        zo, _ = get_row(leakwatchd.port, zombie)
        nb, _ = get_row(leakwatchd.port, nobody.pid)
        sp, _ = get_row(leakwatchd.port, spinner.pid)
    finally:
        os.kill(stopped.pid, signal.SIGCONT)
        spinner.call("spin", on=False)
    assert st["lwProcState"] == 4, st
    assert zo["lwProcState"] == 6, zo
    assert zo["lwProcPpid"] == parent.pid and zo["lwProcRssKB"] == 0, zo
    assert nb["lwProcUid"] == 65534 == os.stat(f"/proc/{nobody.pid}").st_uid, nb
    # one thread spinning: about one CPU (10000 hundredths of a percent)
    assert 5000 <= sp["lwProcCpuPercent"] <= 11000, sp
    assert sp["lwProcCpuTicks"] <= read_stat(spinner.pid)["ticks"], sp
    row = collector_row(leakwatchd.port)
    assert row["lwCollectorErrors"] == 0 and row["lwCollectorLastError"] == "", row


def test_fd_table_counts_by_type(leakwatchd, workers):  # noqa: F811
    n = max(500, most_fds() + 100)
    extra = n - 500
    w = workers(name=b"lw-manyfds", files=150 + extra, dirs=10, pipes=100, fifos=10,
                sockets=101, eventfds=5, epolls=5, devnull=10, nofile=4321)
    truth = fd_types(w.pid)
    assert truth == {"fds": 496 + extra, "sockets": 101, "pipes": 212, "files": 162 + extra,
                     "anon": 10, "other": 11}, truth
    wait_new_snapshot(leakwatchd.port)
    snap = snapshot(leakwatchd.port)
    assert w.pid in snap["fd"], f"no lwProcFdTable row for the worker: {sorted(snap['fd'])}"
    row = snap["fd"][w.pid]
    got = {k: row.get(c) for k, c in (("sockets", "lwProcFdSockets"), ("pipes", "lwProcFdPipes"),
                                      ("files", "lwProcFdFiles"), ("anon", "lwProcFdAnon"),
                                      ("other", "lwProcFdOther"))}
    now = fd_types(w.pid)
    problems = [f"{k}: served {got[k]}, /proc {now[k]}" for k in got if got[k] != now[k]]
    if snap["proc"][w.pid]["lwProcFds"] != truth["fds"]:
        problems.append(f"lwProcFds {snap['proc'][w.pid]['lwProcFds']}, /proc {truth['fds']}")
    if snap["proc"][w.pid]["lwProcSockets"] != truth["sockets"]:
        problems.append(f"lwProcSockets {snap['proc'][w.pid]['lwProcSockets']}")
    # rows exist exactly for the top-N by lwProcFds (ties: lower pid first) whose descriptors
    # are readable (even root may not read those of a sandbox's init)
    ranked = sorted(snap["proc"], key=lambda p: (-snap["proc"][p]["lwProcFds"], p))
    top = ranked[:snap["topn"]]
    if sorted(snap["fd"]) != sorted(set(top) - unreadable_pids(top)):
        problems.append(f"fd table rows {sorted(snap['fd'])}, top by lwProcFds "
                        f"{ranked[:snap['topn']]}")
    if not all(set(r) == set(FD_COLUMNS) for r in snap["fd"].values()):
        problems.append(f"incomplete rows {snap['fd']}")
    assert not problems, "\n".join(problems)


def test_uid_is_the_real_uid(leakwatchd, workers):  # noqa: F811
    w = workers(name=b"lw-setuid", uid=[4444, 5555, 5555])
    row, _, _ = fresh_row(leakwatchd.port, w.pid)
    assert os.stat(f"/proc/{w.pid}").st_uid == 5555
    assert row["lwProcUid"] == 4444, row


def test_fd_types_add_up_to_the_fd_count(leakwatchd, workers):  # noqa: F811
    workers(name=b"lw-fdmix", files=30, pipes=10, sockets=9, eventfds=2, devnull=3)
    counts = {p: fd_count(p) for p in all_pids()}
    wait_new_snapshot(leakwatchd.port)
    wait_new_snapshot(leakwatchd.port)
    snap = snapshot(leakwatchd.port)
    problems = []
    for pid, r in snap["fd"].items():
        if pid == leakwatchd.pid or fd_count(pid) != counts.get(pid):
            continue  # its descriptors changed while we looked
        row = snap["proc"][pid]
        if sum(r.values()) != row["lwProcFds"] or r["lwProcFdSockets"] != row["lwProcSockets"]:
            problems.append(f"pid {pid} {row['lwProcName']!r}: lwProcFds {row['lwProcFds']}, "
                            f"lwProcSockets {row['lwProcSockets']}, by type {r}")
    assert not problems, "\n".join(problems)


def fd_count(pid):
    try:
        return os.stat(f"/proc/{pid}/fd").st_size
    except OSError:
        return None


def test_unreadable_fds_are_absent(snmpd, lw_factory, workers):  # noqa: F811
    # DESIGN: without the right to read a process's fd links, lwProcFds is still exact (the
    # directory's size), lwProcSockets has no instance (never a 0 that is not true), there is
    # no lwProcFdTable row, and the notice counts such processes. leakwatchd without
    # CAP_SYS_PTRACE cannot read the links of a process with more capabilities (this one).
    w = workers(name=b"lw-unreadable", files=most_fds() + 20, sockets=5)
    lw = lw_factory(snmpd=snmpd, interval=1, agentx_ping_interval=1,
                    wrapper=["setpriv", "--bounding-set", "-sys_ptrace"])
    lw.wait_served(PROC_ROWS, timeout=20)
    wait_new_snapshot(lw.port)
    with open(f"/proc/{lw.pid}/status") as f:
        capbnd = int(f.read().split("CapBnd:")[1].split()[0], 16)
    assert not capbnd & (1 << 19), "leakwatchd still has CAP_SYS_PTRACE"
    snap = snapshot(lw.port)
    row = snap["proc"][w.pid]
    fd_row = snap["fd"].get(w.pid)
    assert row["lwProcFds"] == fd_count(w.pid) and "lwProcSockets" not in row, row
    assert fd_row is None, "the worker's types are unknown: no lwProcFdTable row"
    assert get_row(lw.port, w.pid, {"lwProcSockets": PROC_COLUMNS["lwProcSockets"]})[0] == \
        {"lwProcSockets": "noSuchInstance"}
    rest, unreadable = split_notice(snap["notice"])
    assert rest == b"" and 1 <= unreadable <= len(snap["proc"]), snap["notice"]


def test_rows_match_proc_and_cover_every_process(leakwatchd):
    before = {pid: read_proc_quiet(pid) for pid in os.listdir("/proc") if pid.isdigit()}
    wait_new_snapshot(leakwatchd.port)
    wait_new_snapshot(leakwatchd.port)  # collected entirely after `before`
    snap = snapshot(leakwatchd.port)
    after = {pid: read_proc_quiet(pid) for pid in os.listdir("/proc") if pid.isdigit()}
    assert snap["rows"] == len(snap["proc"]), (snap["rows"], len(snap["proc"]))
    assert snap["dropped"] == 0 and snap["topn"] == 10, snap
    # no notice, but for processes whose descriptors root itself may not read (a sandbox's
    # init): those have no lwProcSockets, every other process has one
    unreadable = unreadable_pids(snap["proc"])
    assert split_notice(snap["notice"]) == (b"", len(unreadable)), (snap["notice"], unreadable)
    live = set(all_pids())
    wrong = {pid: row.get("lwProcSockets") for pid, row in snap["proc"].items()
             if ("lwProcSockets" in row) == (pid in unreadable) and pid in live}
    assert not wrong, (wrong, unreadable)
    problems = []
    for spid, b in before.items():
        a = after.get(spid)
        if not (a and b) or a["starttime_ticks"] != b["starttime_ticks"]:
            continue  # started or exited around the snapshot
        pid = int(spid)
        row = snap["proc"].get(pid)
        if row is None:
            problems.append(f"pid {pid} ({a['name']!r}) alive throughout but has no row")
            continue
        if abs(row["lwProcStartTime"] - a["start"]) > 1:
            problems.append(f"pid {pid}: start {row['lwProcStartTime']}, /proc {a['start']}")
        if row["lwProcPpid"] != a["ppid"] or row["lwProcUid"] != a["uid"]:
            problems.append(f"pid {pid}: ppid/uid {row['lwProcPpid']}/{row['lwProcUid']}, "
                            f"/proc {a['ppid']}/{a['uid']}")
        if row["lwProcName"] not in (a["name"], b["name"]) and b"kworker" not in a["name"]:
            problems.append(f"pid {pid}: name {row['lwProcName']!r}, /proc {a['name']!r}")
        # cmdline and limits are read once per process: compare those of processes that were
        # set up before leakwatchd started (a younger one may exec or setrlimit after its
        # first sample)
        settled = a["start"] < leakwatchd.start_wall - 1
        if (settled and a["cmdline_raw"] == b["cmdline_raw"]
                and not cmdline_matches_masked(row["lwProcCmdline"], a["cmdline_raw"])):
            problems.append(f"pid {pid}: cmdline {row['lwProcCmdline']!r}, "
                            f"/proc {a['cmdline_raw'][:128]!r}")
        if settled and a["fdlimit"] == b["fdlimit"] and row["lwProcFdLimit"] != a["fdlimit"]:
            problems.append(f"pid {pid}: fd limit {row['lwProcFdLimit']}, /proc {a['fdlimit']}")
    assert not problems, "\n".join(problems)


def read_proc_quiet(pid):
    try:
        return read_proc(pid)
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None


def test_kernel_threads(leakwatchd):
    wait_new_snapshot(leakwatchd.port)
    snap = snapshot(leakwatchd.port)
    kthreads = {pid: r for pid, r in snap["proc"].items() if r["lwProcPpid"] == 2 or pid == 2}
    assert 2 in kthreads and len(kthreads) > 5, sorted(kthreads)
    assert kthreads[2]["lwProcName"] == b"kthreadd", kthreads[2]
    bad = {pid: r for pid, r in kthreads.items()
           if r["lwProcCmdline"] != b"" or r["lwProcRssKB"] != 0 or r["lwProcVszKB"] != 0}
    assert not bad, bad
    for pid, r in kthreads.items():
        try:
            st = read_stat(pid)
        except FileNotFoundError:
            continue
        assert abs(r["lwProcStartTime"] - start_epoch(st["starttime"])) <= 1, (pid, r)
        if not st["comm"].startswith(b"kworker"):  # kworkers rename themselves per work item
            assert r["lwProcName"] == escape(st["comm"]), (pid, r, st)
