# lwProcesses OIDs (docs/DESIGN.md, "Processes and descriptors"), numeric table walks, and the /proc truth per pid.
# SPDX-License-Identifier: ISC
import os
import re
import stat
import time

from lwoids import (AGENT_SCALARS, COLLECTOR_COLUMNS, COLLECTOR_ENTRY, GROUP_LEAK_COLUMNS,
                    LW_OBJECTS, PROC_LEAK_COLUMNS, system_oid)
from lwsnmp import EXCEPTIONS, parse_varbinds, run_tool

LW_PROCESSES = LW_OBJECTS + ".3"
PROC_ENTRY = LW_PROCESSES + ".1.1"
GROUP_ENTRY = LW_PROCESSES + ".2.1"
TOP_ENTRY = LW_PROCESSES + ".3.1"
FD_ENTRY = LW_PROCESSES + ".4.1"
PROC_ROWS = LW_PROCESSES + ".5.0"
PROC_DROPPED = LW_PROCESSES + ".6.0"
PROC_TOPN = LW_PROCESSES + ".7.0"
SNAPSHOT_TIME = AGENT_SCALARS["lwAgentSnapshotTime"]
PROCESS_COUNT = system_oid("lwProcessCount")
PROCESSES_COLLECTOR = 5
COLLECTOR_NOTICE_COLUMN = 10

PROC_COLUMNS = {
    "lwProcName": 2, "lwProcCmdline": 3, "lwProcPpid": 4, "lwProcUid": 5, "lwProcState": 6,
    "lwProcStartTime": 7, "lwProcThreads": 8, "lwProcRssKB": 9, "lwProcVszKB": 10,
    "lwProcAnonKB": 11, "lwProcSwapKB": 12, "lwProcFds": 13, "lwProcFdLimit": 14,
    "lwProcSockets": 15, "lwProcCpuTicks": 16, "lwProcCpuPercent": 17,
}
GROUP_COLUMNS = {
    "lwProcGroupName": 2, "lwProcGroupCount": 3, "lwProcGroupRssKB": 4,
    "lwProcGroupMaxRssKB": 5, "lwProcGroupVszKB": 6, "lwProcGroupFds": 7,
    "lwProcGroupCpuPercent": 8,
}
TOP_COLUMNS = {"lwProcTopPid": 3, "lwProcTopName": 4, "lwProcTopValue": 5,
               "lwProcTopMetricName": 6}
FD_COLUMNS = {"lwProcFdSockets": 1, "lwProcFdPipes": 2, "lwProcFdFiles": 3, "lwProcFdAnon": 4,
              "lwProcFdOther": 5}
TOP_METRICS = {"rss": 1, "cpu": 2, "fds": 3, "rssGrowth": 4}
STATES = {"R": 1, "S": 2, "D": 3, "T": 4, "t": 5, "Z": 6, "X": 7, "I": 8}
TEXT_COLUMNS = {"lwProcName", "lwProcCmdline", "lwProcGroupName", "lwProcTopName"}
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
CLK_TCK = os.sysconf("SC_CLK_TCK")
UNLIMITED = 4294967295
# walks name the leak detector's columns too (issue 7; their values are tested in test_leaks.py)
TABLES = {"proc": (PROC_ENTRY, {**PROC_COLUMNS, **PROC_LEAK_COLUMNS}),
          "group": (GROUP_ENTRY, {**GROUP_COLUMNS, **GROUP_LEAK_COLUMNS}),
          "top": (TOP_ENTRY, TOP_COLUMNS), "fd": (FD_ENTRY, FD_COLUMNS)}


def collector_notice_oid(index=PROCESSES_COLLECTOR):
    return f"{COLLECTOR_ENTRY}.{COLLECTOR_NOTICE_COLUMN}.{index}"


def collector_row(port, index=PROCESSES_COLLECTOR):
    """One lwCollectorTable row by numeric GET: {column name: value}, text as str."""
    cols = dict(COLLECTOR_COLUMNS, lwCollectorNotice=COLLECTOR_NOTICE_COLUMN)
    vbs = _get(port, *[f"{COLLECTOR_ENTRY}.{sub}.{index}" for sub in cols.values()])
    return {name: (vb.text if vb.type == "STRING" and name != "lwCollectorLastRun" else vb.value)
            for name, vb in zip(cols, vbs)}


def bulkwalk(port, oid, reps=100):
    """snmpbulkwalk -Cr<reps> of a subtree (numeric, -Ox): list of Varbind."""
    out = run_tool(["snmpbulkwalk", "-v2c", "-c", "public", "-t", "2", "-r", "1", "-On", "-Oe",
                    "-Ox", f"-Cr{reps}", f"udp:127.0.0.1:{port}", "." + oid], timeout=120)
    return parse_varbinds(out)


def rows_from(vbs, entry, columns):
    """Varbinds under entry -> {index: {column name: value}}; index is an int, or a tuple when
    it has several sub-ids (lwProcTopTable: (metric, rank)). Text is bytes; a row holding an
    exception value keeps it as the string 'noSuchInstance' etc."""
    names = {sub: name for name, sub in columns.items()}
    rows = {}
    for vb in vbs:
        if not vb.oid.startswith(entry + "."):
            continue
        col, *idx = (int(x) for x in vb.oid[len(entry) + 1:].split("."))
        index = idx[0] if len(idx) == 1 else tuple(idx)
        value = vb.type if vb.type in EXCEPTIONS else vb.value
        rows.setdefault(index, {})[names.get(col, col)] = value
    return rows


def walk_table(port, table):
    """One table ('proc', 'group', 'top', 'fd') as {index: {column: value}}."""
    entry, columns = TABLES[table]
    return rows_from(bulkwalk(port, entry), entry, columns)


def snapshot(port, attempts=20, proc_columns=None):
    """Every lwProcesses table and scalar, lwProcessCount and the processes collector's notice,
    all from one snapshot: walked between two equal reads of lwAgentSnapshotTime (retried
    when the snapshot changed mid-walk). A dict: proc, group, top, fd, rows, dropped, topn,
    count, notice, time. proc_columns: walk only these lwProcTable columns (faster)."""
    scalars = [SNAPSHOT_TIME, PROC_ROWS, PROC_DROPPED, PROC_TOPN, PROCESS_COUNT,
               collector_notice_oid()]
    subtrees = [LW_PROCESSES]
    if proc_columns:
        subtrees = [f"{PROC_ENTRY}.{PROC_COLUMNS[c]}" for c in proc_columns]
    for _ in range(attempts):
        before = _get(port, SNAPSHOT_TIME)[0].value
        started = time.monotonic()
        vbs = [vb for tree in subtrees for vb in bulkwalk(port, tree)]
        took = time.monotonic() - started
        after = _get(port, *scalars)
        if after[0].value != before:
            continue
        snap = {t: rows_from(vbs, e, c) for t, (e, c) in TABLES.items()}
        snap.update(time=before, rows=after[1].value, dropped=after[2].value,
                    topn=after[3].value, count=after[4].value, notice=after[5].value,
                    scalar_types=[vb.type for vb in after])
        return snap
    raise AssertionError(f"no walk of lwProcesses inside one snapshot in {attempts} attempts "
                         f"(the last: {len(vbs)} varbinds in {took:.1f}s; {len(all_pids())} "
                         "processes on the host)")


def top_snapshot(port, attempts=20):
    """lwProcTopTable alone ({(metric, rank): row}), walked inside one snapshot: a few dozen
    rows, so it fits between two samples even on a loaded machine."""
    for _ in range(attempts):
        before = _get(port, SNAPSHOT_TIME)[0].value
        vbs = bulkwalk(port, TOP_ENTRY)
        if _get(port, SNAPSHOT_TIME)[0].value == before:
            return rows_from(vbs, TOP_ENTRY, TOP_COLUMNS)
    raise AssertionError(f"no walk of lwProcTopTable inside one snapshot in {attempts} attempts")


def _get(port, *oids):
    out = run_tool(["snmpget", "-v2c", "-c", "public", "-t", "2", "-r", "1", "-On", "-Oe",
                    "-Ox", "udp:127.0.0.1:" + str(port), *["." + o for o in oids]])
    return parse_varbinds(out)


def wait_new_snapshot(port, timeout=10):
    """Wait until lwAgentSnapshotTime changes; return the new value."""
    first = _get(port, SNAPSHOT_TIME)[0].value
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = _get(port, SNAPSHOT_TIME)[0].value
        if now != first:
            return now
        time.sleep(0.05)
    raise AssertionError(f"lwAgentSnapshotTime stayed {first!r} for {timeout}s")


# ----- escaping (DESIGN.md: bytes outside printable ASCII -> \xNN, backslash -> \\) -----

def escape(raw):
    out = bytearray()
    for b in raw:
        if b == 0x5C:
            out += b"\\\\"
        elif 0x20 <= b <= 0x7E:
            out.append(b)
        else:
            out += b"\\x%02x" % b
    return bytes(out)


def escape_cut(raw, limit=255):
    """escape(raw) cut to limit octets at an escape boundary."""
    out = b""
    for b in raw:
        piece = escape(bytes([b]))
        if len(out) + len(piece) > limit:
            break
        out += piece
    return out


def expected_cmdline(raw):
    """lwProcCmdline for a raw /proc/PID/cmdline: first 128 bytes, NUL -> space, escaped."""
    return escape_cut(raw[:128].replace(b"\0", b" "))


def cmdline_matches(served, raw):
    """served equals the expected cmdline; a trailing NUL terminator may be dropped or kept."""
    exp = expected_cmdline(raw)
    # trailing NULs are dropped, but not the last argument's own trailing spaces ("grep ^  ")
    kept = escape_cut(raw[:128].rstrip(b"\0").replace(b"\0", b" "))
    return served in (exp, exp.rstrip(b" "), kept) or (len(raw) > 128 and served == exp)


def cmdline_matches_masked(served, raw):
    """served is raw's lwProcCmdline under process_cmdline mask: equal, or equal once each
    '***' stands for the non-empty text it hid (the patterns are unit-tested in test_proc.c;
    here: nothing but hidden values differs)."""
    if cmdline_matches(served, raw):
        return True
    if b"***" not in served:
        return False
    pattern = b"(?s)" + b".+?".join(re.escape(part) for part in served.split(b"***"))
    exp = expected_cmdline(raw)
    kept = escape_cut(raw[:128].rstrip(b"\0").replace(b"\0", b" "))
    return any(re.fullmatch(pattern, e) for e in (exp, exp.rstrip(b" "), kept))


def fnv1a_index(name):
    """lwProcGroupIndex of an escaped name: FNV-1a 32-bit, top bit cleared, 0 -> 1."""
    h = 0x811C9DC5
    for b in name:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return (h & 0x7FFFFFFF) or 1


# ----- truth from /proc -----

def btime():
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("btime "):
                return int(line.split()[1])
    raise AssertionError("no btime in /proc/stat")


def read_stat(pid):
    """/proc/PID/stat: dict comm (raw bytes), state, ppid, ticks, threads, starttime (ticks)."""
    with open(f"/proc/{pid}/stat", "rb") as f:
        data = f.read()
    comm = data[data.index(b"(") + 1:data.rindex(b")")]
    f = data[data.rindex(b")") + 2:].split()
    return {"comm": comm, "state": f[0].decode(), "ppid": int(f[1]),
            "ticks": int(f[11]) + int(f[12]), "threads": int(f[17]), "starttime": int(f[19])}


def start_epoch(starttime_ticks, boot=None):
    return (btime() if boot is None else boot) + starttime_ticks / CLK_TCK


def read_statm(pid):
    with open(f"/proc/{pid}/statm") as f:
        size, resident, shared = (int(x) for x in f.read().split()[:3])
    return {"rss": resident * PAGE_KB, "vsz": size * PAGE_KB, "anon": (resident - shared) * PAGE_KB}


def fd_limit(pid):
    with open(f"/proc/{pid}/limits") as f:
        for line in f:
            if line.startswith("Max open files"):
                soft = line.split()[3]
                return UNLIMITED if soft == "unlimited" else int(soft)
    raise AssertionError(f"no 'Max open files' in /proc/{pid}/limits")


def fd_types(pid):
    """Descriptor counts of pid by type, the way lwProcFdTable defines them."""
    counts = dict.fromkeys(("fds", "sockets", "pipes", "files", "anon", "other"), 0)
    base = f"/proc/{pid}/fd"
    for name in os.listdir(base):
        try:
            target = os.readlink(f"{base}/{name}")
            mode = os.stat(f"{base}/{name}").st_mode
        except FileNotFoundError:
            continue
        counts["fds"] += 1
        if target.startswith("socket:") or stat.S_ISSOCK(mode):
            counts["sockets"] += 1
        elif target.startswith("anon_inode:"):
            counts["anon"] += 1
        elif stat.S_ISFIFO(mode):
            counts["pipes"] += 1
        elif stat.S_ISREG(mode) or stat.S_ISDIR(mode):
            counts["files"] += 1
        else:
            counts["other"] += 1
    return counts


def read_proc(pid, boot=None):
    """Everything lwProcEntry publishes for pid, as /proc says it now (KiB, epoch seconds)."""
    st = read_stat(pid)
    mem = read_statm(pid)
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        cmdline = f.read()
    fds = os.listdir(f"/proc/{pid}/fd")
    socks = 0
    for n in fds:
        try:
            socks += os.readlink(f"/proc/{pid}/fd/{n}").startswith("socket:")
        except FileNotFoundError:
            pass
    return {"comm": st["comm"], "name": escape(st["comm"]), "state": STATES.get(st["state"], 9),
            "ppid": st["ppid"], "uid": os.stat(f"/proc/{pid}").st_uid,
            "starttime_ticks": st["starttime"], "start": start_epoch(st["starttime"], boot),
            "threads": st["threads"], "ticks": st["ticks"], "rss": mem["rss"],
            "vsz": mem["vsz"], "anon": mem["anon"], "cmdline_raw": cmdline, "fds": len(fds),
            "sockets": socks, "fdlimit": fd_limit(pid)}


# lwCollectorNotice.5 on processes whose descriptors may not be read (DESIGN.md, "Processes and
# descriptors"); the rest of the notice (row cap, collisions) comes first, "; " between.
UNREADABLE_NOTICE = re.compile(rb"(?:^|; )descriptors of (\d+) processes not readable: [^;]*$")


def links_unreadable(pid):
    """True when this process (the test, root) may not list /proc/PID/fd or read one of its
    links: a sandbox's init can be so even for root. False when readable or gone."""
    base = f"/proc/{pid}/fd"
    try:
        for name in os.listdir(base):
            try:
                os.readlink(f"{base}/{name}")
            except FileNotFoundError:
                pass
    except PermissionError:
        return True
    except (FileNotFoundError, ProcessLookupError):
        return False
    return False


def unreadable_pids(pids=None):
    return {pid for pid in (all_pids() if pids is None else pids) if links_unreadable(pid)}


def split_notice(notice):
    """(the notice without its unreadable-descriptors part, the number of processes it
    names, 0 when none)."""
    m = UNREADABLE_NOTICE.search(notice)
    if not m:
        return notice, 0
    return notice[:m.start()], int(m.group(1))


def all_pids():
    return sorted(int(e.name) for e in os.scandir("/proc") if e.name.isdigit())


def largest_rss_kb(exclude=()):
    """The largest RSS (KiB) of any process on the host except the given pids."""
    best = 0
    for pid in all_pids():
        if pid in exclude:
            continue
        try:
            best = max(best, read_statm(pid)["rss"])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return best


def most_fds(exclude=()):
    best = 0
    for pid in all_pids():
        if pid in exclude:
            continue
        try:
            best = max(best, len(os.listdir(f"/proc/{pid}/fd")))
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
    return best


def get_row(port, pid, columns=PROC_COLUMNS, entry=PROC_ENTRY):
    """One row by GET (a single PDU, so one snapshot): ({column: value}, snapshot time)."""
    names = list(columns)
    vbs = _get(port, SNAPSHOT_TIME, *[f"{entry}.{columns[n]}.{pid}" for n in names])
    row = {n: (vb.type if vb.type in EXCEPTIONS else vb.value) for n, vb in zip(names, vbs[1:])}
    return row, vbs[0].value


def get_scalars(port, *oids):
    return [vb.type if vb.type in EXCEPTIONS else vb.value for vb in _get(port, *oids)]


def fresh_row(port, pid, snapshots=2):
    """The row of pid from a snapshot collected after we read /proc: (row, before, after)
    where before/after are read_proc() on either side."""
    before = read_proc(pid)
    for _ in range(snapshots):
        wait_new_snapshot(port)
    row, _ = get_row(port, pid)
    missing = {c: v for c, v in row.items() if v in EXCEPTIONS}
    assert not missing, f"pid {pid} ({before['name']!r}) not served: {missing}"
    return row, before, read_proc(pid)


def between(value, a, b, slack=0):
    return isinstance(value, int) and min(a, b) - slack <= value <= max(a, b) + slack


def top_expected(proc_rows, column, n, positive_only=False):
    """[(pid, value)] the top-n of proc_rows by column, ties by lower pid."""
    items = [(pid, r[column]) for pid, r in proc_rows.items() if isinstance(r.get(column), int)]
    if positive_only:
        items = [it for it in items if it[1] > 0]
    return sorted(items, key=lambda it: (-it[1], it[0]))[:n]


def top_ranking(top_rows, metric):
    """[(rank, pid, value, name)] of one metric of lwProcTopTable, by rank."""
    m = TOP_METRICS[metric]
    rows = [r for (mm, _), r in top_rows.items() if mm == m]
    # lwProcTopMetricName: the metric's label on every row, for NMSs that name rows with text
    assert all(r.get("lwProcTopMetricName") == metric.encode() for r in rows), rows
    return [(rank, r.get("lwProcTopPid"), r.get("lwProcTopValue"), r.get("lwProcTopName"))
            for (mm, rank), r in sorted(top_rows.items()) if mm == m]


def swap_kb(pid):
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmSwap:"):
                    return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


def member_sums(name, members):
    """The lwProcGroupTable row the member lwProcTable rows of one name add up to."""
    members = list(members)
    return {"lwProcGroupName": name, "lwProcGroupCount": len(members),
            "lwProcGroupRssKB": sum(r["lwProcRssKB"] for r in members),
            "lwProcGroupMaxRssKB": max(r["lwProcRssKB"] for r in members),
            "lwProcGroupVszKB": sum(r["lwProcVszKB"] for r in members),
            "lwProcGroupFds": sum(r["lwProcFds"] for r in members),
            "lwProcGroupCpuPercent": sum(r["lwProcCpuPercent"] for r in members)}


def group_indexes(names):
    """{name: lwProcGroupIndex}: FNV-1a, and on a collision the next free value, in name order."""
    taken, out = set(), {}
    for name in sorted(names):
        i = fnv1a_index(name)
        while i in taken:
            i = i % 0x7FFFFFFF + 1
        taken.add(i)
        out[name] = i
    return out


TOP_COLUMN = {"rss": "lwProcRssKB", "cpu": "lwProcCpuPercent", "fds": "lwProcFds"}


def check_rankings(snap):
    """Every metric's ranks against lwProcTable of the same snapshot; a list of problems."""
    problems, n = [], snap["topn"]
    metrics = {m for m, _ in snap["top"]}
    if not metrics <= set(TOP_METRICS.values()):
        problems.append(f"unknown metrics {metrics}")
    for metric, col in TOP_COLUMN.items():
        got = top_ranking(snap["top"], metric)
        if [r[0] for r in got] != list(range(1, len(got) + 1)):
            problems.append(f"{metric}: ranks {[r[0] for r in got]}")
        full = top_expected(snap["proc"], col, n)
        positive = top_expected(snap["proc"], col, n, positive_only=True)
        pairs = [(pid, value) for _, pid, value, _ in got]
        if pairs not in (full, positive):
            problems.append(f"{metric}: served {pairs}, lwProcTable gives {full}")
        for rank, pid, value, name in got:
            row = snap["proc"].get(pid)
            if row is None or row["lwProcName"] != name:
                problems.append(f"{metric} rank {rank}: pid {pid} {name!r}, row {row}")
    for rank, pid, value, name in top_ranking(snap["top"], "rssGrowth"):
        row = snap["proc"].get(pid)
        if not (row and 0 < value <= row["lwProcRssKB"] and row["lwProcName"] == name):
            problems.append(f"rssGrowth rank {rank}: pid {pid} value {value}, row {row}")
    growth = [r[2] for r in top_ranking(snap["top"], "rssGrowth")]
    if growth != sorted(growth, reverse=True) or len(growth) > n:
        problems.append(f"rssGrowth values {growth}")
    return problems
