# lwKernel against /proc: exact from a fixture copy (meminfo, slabinfo, zoneinfo, buddyinfo,
# vmstat), live meminfo within drift, slab growth from tmpfs inodes, the kernel_interval cadence,
# tables kept across a SIGHUP, an unprivileged daemon without /proc/slabinfo, and the whole
# subtree named through the MIB.
# SPDX-License-Identifier: ISC
import os
import signal
import stat
import subprocess
import warnings

import pytest

from lwharness import mib_args, run_tool, snmpbulkwalk, wait_until
from lwkmem import (BUDDY_COLUMNS, BUDDY_TYPES, KERNEL_MEMORY_TYPES, PAGE_SIZE, SLAB_TYPES,
                    ZONE_TYPES, RawGet, expected_buddy_rows, expected_slab_rows,
                    expected_vmstat, expected_zone_rows, kernel_memory, kernel_memory_oid,
                    read_buddyinfo, read_meminfo_all, read_slabinfo, read_vmstat, read_zoneinfo,
                    slab_by_name, unaccounted_kb, vmstat_oid)
from lwoids import (AGENT_SCALARS, BUDDY_ENTRY, COLLECTORS, KERNEL_MEMORY, KERNEL_SCALARS,
                    LW_KERNEL, LW_TCP, SLAB_COLUMNS, SLAB_ENTRY, TCP_SCALARS, VMSTAT_OBJECTS,
                    ZONE_COLUMNS, ZONE_ENTRY, collector_cell, collector_index, system_oid)
from lwprocfs import build_fixture_root
from lwprocs import bulkwalk, collector_row, fnv1a_index, wait_new_snapshot

SNAPSHOT_TIME = AGENT_SCALARS["lwAgentSnapshotTime"]
SLAB_ROWS = KERNEL_SCALARS["lwSlabRows"]
SLAB_DROPPED = KERNEL_SCALARS["lwSlabDropped"]
KERNEL_INTERVAL = KERNEL_SCALARS["lwKernelInterval"]
MEMORY_NAMES = [name for name, _ in KERNEL_MEMORY]
VMSTAT_NAMES = [name for name, _ in VMSTAT_OBJECTS]
SLOW = ["slabinfo", "zoneinfo", "buddyinfo"]
MiB_KB = 1024


def start(lw_factory, snmpd, kernel_interval=1, **kw):
    """leakwatchd under snmpd with this kernel_interval, once its first snapshot is served."""
    lw = lw_factory(snmpd=snmpd, interval=1, agentx_ping_interval=1,
                    extra_lines=[f"kernel_interval {kernel_interval}"], **kw)
    lw.wait_served(system_oid("lwMemTotalKB"))
    return lw


def table(port, entry, columns):
    """A table walked numerically: {index tuple: {column name: Varbind}}."""
    names = {sub: name for name, sub in columns.items()}
    rows = {}
    for vb in bulkwalk(port, entry):
        assert vb.oid.startswith(entry + "."), f"walk of {entry} left it: {vb}"
        col, *index = (int(x) for x in vb.oid[len(entry) + 1:].split("."))
        assert col in names, f"unknown column {col} in {vb}"
        rows.setdefault(tuple(index), {})[names[col]] = vb
    return rows


def compare_table(served, expected, types, what):
    """Problems (a list of text) between a served table and the expected {index: {col: value}}."""
    problems = []
    if sorted(served) != sorted(expected):
        problems.append(f"{what}: served indexes {sorted(served)}, expected {sorted(expected)}")
    for index in sorted(set(served) & set(expected)):
        got = {c: (vb.type, vb.value) for c, vb in served[index].items()}
        want = {c: (types[c], v) for c, v in expected[index].items()}
        if got != want:
            problems.append(f"{what} {index}: served {got}, expected {want}")
    return problems


def get_named(lw, oids_by_name):
    vbs = lw.get(*oids_by_name.values())
    return dict(zip(oids_by_name, vbs))


# ----- 1. exact values from a fixture copy -----

def test_fixture_root_every_lwkernel_value_is_exact(tmp_path, snmpd, lw_factory):
    root = build_fixture_root(tmp_path / "root")
    meminfo, vm = read_meminfo_all(root), read_vmstat(root)
    caches, zones, buddies = read_slabinfo(root), read_zoneinfo(root), read_buddyinfo(root)
    lw = start(lw_factory, snmpd, root=root)
    problems = []

    # lwKernelMemory: the copy's lines, lwUnaccountedKB by the formula of MIB.md (checked term
    # by term in the next test)
    assert unaccounted_kb(meminfo) > 0, meminfo
    served = get_named(lw, {n: kernel_memory_oid(n) for n in MEMORY_NAMES})
    expected = kernel_memory(meminfo)
    for name, vb in served.items():
        if (vb.type, vb.value) != (KERNEL_MEMORY_TYPES[name], expected[name]):
            problems.append(f"{name}: served {vb.type} {vb.value}, expected "
                            f"{KERNEL_MEMORY_TYPES[name]} {expected[name]}")

    # lwSlabTable: a row per cache, index FNV-1a of the name, every column
    rows, dropped = expected_slab_rows(caches)
    assert dropped == 0 and len(rows) == len(caches) > 100, (dropped, len(caches))
    served_slabs = {i[0]: r for i, r in table(lw.port, SLAB_ENTRY, SLAB_COLUMNS).items()}
    problems += compare_table(served_slabs, rows, SLAB_TYPES, "lwSlabTable")
    by_name = {r["lwSlabName"].value: i for i, r in served_slabs.items()}
    problems += [f"{c['name']!r} served at index {by_name.get(c['name'])}, "
                 f"expected {fnv1a_index(c['name'])}"
                 for c in caches if by_name.get(c["name"]) != fnv1a_index(c["name"])]
    scalars = get_named(lw, KERNEL_SCALARS)
    got = {n: (vb.type, vb.value) for n, vb in scalars.items()}
    want = {"lwSlabRows": ("Gauge32", len(caches)), "lwSlabDropped": ("Gauge32", 0),
            "lwKernelInterval": ("Gauge32", 1)}
    if got != want:
        problems.append(f"lwKernel scalars: served {got}, expected {want}")

    # lwZoneTable and lwBuddyTable; lwZoneHighOrderFreeKB from the zone's buddyinfo line
    zone_rows = expected_zone_rows(zones, buddies)
    assert any("lwZoneHighOrderFreeKB" in r and r["lwZoneHighOrderFreeKB"] > 0
               for r in zone_rows.values()), zone_rows
    problems += compare_table(table(lw.port, ZONE_ENTRY, ZONE_COLUMNS), zone_rows, ZONE_TYPES,
                              "lwZoneTable")
    no_buddy = [i for i, r in zone_rows.items() if "lwZoneHighOrderFreeKB" not in r]
    for index, vb in zip(no_buddy, lw.get(*[
            f"{ZONE_ENTRY}.{ZONE_COLUMNS['lwZoneHighOrderFreeKB']}.{n}.{z}"
            for n, z in no_buddy])):
        if vb.type != "noSuchInstance":
            problems.append(f"lwZoneHighOrderFreeKB.{index} of a zone buddyinfo does not "
                            f"list: {vb}")
    buddy_rows = expected_buddy_rows(zones, buddies)
    assert len(buddy_rows) == sum(len(c) for c in buddies.values()) > 0
    problems += compare_table(table(lw.port, BUDDY_ENTRY, BUDDY_COLUMNS), buddy_rows,
                              BUDDY_TYPES, "lwBuddyTable")

    # lwVmstat: Counter64, the listed lines summed
    want_vm = expected_vmstat(vm)
    for name, vb in get_named(lw, {n: vmstat_oid(n) for n in VMSTAT_NAMES}).items():
        if (vb.type, vb.value) != ("Counter64", want_vm[name]):
            problems.append(f"{name}: served {vb.type} {vb.value}, expected {want_vm[name]}")

    for name in ["meminfo", *SLOW, "vmstat"]:
        row = collector_row(lw.port, collector_index(name))
        if (row["lwCollectorErrors"], row["lwCollectorLastError"]) != (0, ""):
            problems.append(f"collector {name}: {row}")
    assert not problems, "\n".join(problems)


def _write_atomic(path, text):
    tmp = path.with_name(path.name + ".new")
    tmp.write_text(text)
    os.replace(tmp, path)  # the daemon reads either the old or the new file, never half


def test_fixture_formula_terms_and_vmstat_sums(tmp_path, snmpd, lw_factory):
    """The copy of this host has zeros (HugePages, SecPageTables, Hugetlb, swap, allocstall_*):
    rewritten with a distinct value per line, every term and every summand must count once,
    a negative difference clamps to 0 and a missing line counts as 0."""
    root = build_fixture_root(tmp_path / "root")
    meminfo_path, vmstat_path = root / "proc/meminfo", root / "proc/vmstat"
    lw = start(lw_factory, snmpd, root=root)
    base = read_meminfo_all(root)
    terms = ["MemFree", "Active", "Inactive", "Unevictable", "Slab", "KernelStack",
             "PageTables", "SecPageTables", "Percpu", "VmallocUsed", "Hugetlb"]
    # powers of two: the served difference names exactly which terms it took
    distinct = {t: 1 << (i + 4) for i, t in enumerate(terms)}
    distinct.update(HugePages_Total=7, HugePages_Free=3, SReclaimable=100001,
                    SUnreclaim=100002, AnonPages=100003, Shmem=100004, Mapped=100005)
    total = 1 << 30
    variants = [
        ("distinct terms", dict(base, MemTotal=total, **distinct), total - sum(
            distinct[t] for t in terms)),
        ("sum above MemTotal", dict(base, MemTotal=total + 1, MemFree=total), 0),
        ("no SecPageTables/Hugetlb/Percpu lines",
         {k: v for k, v in dict(base, MemTotal=total + 2, **distinct).items()
          if k not in ("SecPageTables", "Hugetlb", "Percpu")},
         total + 2 - sum(distinct[t] for t in terms
                         if t not in ("SecPageTables", "Hugetlb", "Percpu"))),
    ]
    vm_lines = [n for _, lines in VMSTAT_OBJECTS for n in lines]
    vm = dict(read_vmstat(root), **{n: 1000 + (1 << i) for i, n in enumerate(vm_lines)})
    _write_atomic(vmstat_path, "".join(f"{k} {v}\n" for k, v in vm.items()))

    for what, mi, unaccounted in variants:
        # HugePages are printed without a unit, the others in kB, as the kernel does
        _write_atomic(meminfo_path, "".join(
            f"{k}: {v}\n" if k.startswith("HugePages_") else f"{k}: {v} kB\n"
            for k, v in mi.items()))
        marker = system_oid("lwMemTotalKB")
        vbs = wait_until(lambda: (v := lw.get(marker, *[kernel_memory_oid(n)
                                                        for n in MEMORY_NAMES]))
                         and v[0].value == mi["MemTotal"] and v, timeout=10,
                         what=f"the meminfo variant '{what}' to be served")
        served = {n: (vb.type, vb.value) for n, vb in zip(MEMORY_NAMES, vbs[1:])}
        # a line the kernel did not print reads noSuchInstance (but counts 0 in the formula)
        want = {n: (KERNEL_MEMORY_TYPES[n], mi[f]) if f in mi else ("noSuchInstance", None)
                for n, f in KERNEL_MEMORY if f is not None}
        want["lwUnaccountedKB"] = ("Gauge32", unaccounted)
        assert served == want, what
        assert unaccounted_kb(mi) == unaccounted, f"lwkmem.unaccounted_kb is wrong: {what}"

    served_vm = {n: vb.value for n, vb in zip(VMSTAT_NAMES,
                                              lw.get(*[vmstat_oid(n) for n in VMSTAT_NAMES]))}
    assert served_vm == {name: sum(vm[n] for n in lines) for name, lines in VMSTAT_OBJECTS}


# ----- 2. live lwKernelMemory within drift -----

# The daemon's sample lies between two of our readings of /proc/meminfo taken ~20 ms apart
# (snapshots detected by a process-free UDP GET, so no snmpget is alive while it samples).
# What may still move between two readings and back: the per-CPU counters behind these lines
# are folded into the global ones beyond a threshold of a few dozen pages per CPU (zoneinfo's
# "vm stats threshold"; under 1 MiB on 2 CPUs), and whatever the rest of the host allocates and
# frees within those 20 ms. 2 MiB plus 1 % of the value covers both; an object read from
# another line, or an lwUnaccountedKB leaving out a term, misses by far more on this host.
def slack_kb(value):
    return 2 * MiB_KB + value // 100


def test_live_kernel_memory_matches_meminfo(snmpd, lw_factory):
    lw = start(lw_factory, snmpd)
    oids = [kernel_memory_oid(n) for n in MEMORY_NAMES]
    with RawGet(lw.port, SNAPSHOT_TIME) as poll:
        for _ in range(5):
            readings = [read_meminfo_all()]
            seen = [poll()]

            def two_new_snapshots():
                readings.append(read_meminfo_all())
                reply = poll()
                if reply != seen[-1]:
                    seen.append(reply)
                return len(seen) >= 3
            # the second new snapshot's cycle started after the first was published, which
            # was after our first reading: its meminfo sample lies inside the readings
            wait_until(two_new_snapshots, timeout=15, interval=0.02,
                       what="two new snapshots (lwAgentSnapshotTime)")
            vbs = lw.get(*oids)
            if poll() == seen[-1]:  # no later snapshot answered the GET
                readings.append(read_meminfo_all())
                break
        else:
            raise AssertionError("a new snapshot came between detection and GET five times")
    problems = []
    computed = [kernel_memory(r) for r in readings]
    for name, vb in zip(MEMORY_NAMES, vbs):
        seen_values = [c[name] for c in computed]
        if vb.type != KERNEL_MEMORY_TYPES[name]:
            problems.append(f"{name}: type {vb.type}")
            continue
        if name.startswith("lwHugePages"):
            if len(set(seen_values)) != 1 or vb.value != seen_values[0]:
                problems.append(f"{name}: served {vb.value}, /proc {sorted(set(seen_values))}")
            continue
        lo, hi = min(seen_values), max(seen_values)
        slack = slack_kb(hi)
        if not lo - slack <= vb.value <= hi + slack:
            problems.append(f"{name}: served {vb.value}, /proc read {lo}..{hi} over "
                            f"{len(readings)} readings (slack {slack})")
    assert not problems, "\n".join(problems)


# ----- 3. live slab growth: tmpfs inodes -----

TMPFS_CACHE = b"shmem_inode_cache"  # tmpfs inodes (mm/shmem.c)
FILES = 20000


def _mounted(path):
    with open("/proc/self/mounts") as f:
        return any(line.split()[1] == str(path) for line in f)


@pytest.fixture
def tmpfs(tmp_path):
    d = tmp_path / "tmpfs"
    d.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "none", str(d)], check=True,
                   capture_output=True)
    try:
        yield d
    finally:
        out = subprocess.run(["umount", str(d)], capture_output=True, text=True)
        if out.returncode != 0:
            subprocess.run(["umount", "-l", str(d)], check=False)
        assert not _mounted(d), f"{d} still mounted: {out.stderr}"


def slab_cells(lw, index):
    cols = ["lwSlabNumObjs", "lwSlabActiveObjs", "lwSlabNumSlabs", "lwSlabPagesPerSlab",
            "lwSlabObjSize", "lwSlabTotalKB"]
    vbs = lw.get(*[f"{SLAB_ENTRY}.{SLAB_COLUMNS[c]}.{index}" for c in cols], SNAPSHOT_TIME)
    assert all(vb.type in ("Gauge32", "Counter64") for vb in vbs[:-1]), vbs
    return dict(zip(cols, (vb.value for vb in vbs[:-1]))), vbs[-1].value


def fresh_slab_cells(lw, index):
    """The cache's served row from a slabinfo run that started after this call, bracketed by
    /proc/slabinfo readings: (cells, [before, after] rows of /proc/slabinfo)."""
    before = slab_by_name(read_slabinfo(), TMPFS_CACHE)
    wait_new_snapshot(lw.port)
    last = wait_new_snapshot(lw.port)  # its cycle started after the first new one was out
    cells, snap = slab_cells(lw, index)
    after = slab_by_name(read_slabinfo(), TMPFS_CACHE)
    assert snap == last, "a later snapshot answered; the bracket does not hold"
    return cells, [before, after]


def test_tmpfs_inodes_grow_shmem_inode_cache(tmpfs, snmpd, lw_factory):
    caches = read_slabinfo()
    names = [c["name"] for c in caches]
    assert TMPFS_CACHE in names, ("no shmem_inode_cache in /proc/slabinfo; caches that may "
                                  f"hold tmpfs inodes: {[n for n in names if b'shmem' in n]}")
    index = fnv1a_index(TMPFS_CACHE)
    lw = start(lw_factory, snmpd)
    start_cells, start_proc = fresh_slab_cells(lw, index)

    for i in range(FILES):
        (tmpfs / f"f{i}").touch()
    assert len(os.listdir(tmpfs)) == FILES
    cells, proc = fresh_slab_cells(lw, index)

    problems = []
    for served, readings in ((start_cells, start_proc), (cells, proc)):
        for name, key in [("lwSlabNumObjs", "num_objs"), ("lwSlabActiveObjs", "active_objs"),
                          ("lwSlabNumSlabs", "num_slabs")]:
            # the served run read the file between our two readings; only other tmpfs users
            # (memfd, /dev/shm, /run) move it meanwhile: a slab's worth each way
            lo, hi = min(p[key] for p in readings), max(p[key] for p in readings)
            per = readings[0]["objperslab"] if key != "num_slabs" else 1
            if not lo - per <= served[name] <= hi + per:
                problems.append(f"{name}: served {served[name]}, /proc/slabinfo {lo}..{hi}")
    # every file is a live inode of the cache, and the tmpfs root one more
    if cells["lwSlabActiveObjs"] < FILES + 1 or cells["lwSlabNumObjs"] < FILES + 1:
        problems.append(f"fewer objects than the {FILES} inodes: {cells}")
    growth = cells["lwSlabNumObjs"] - start_cells["lwSlabNumObjs"]
    if growth < FILES + 1 - start_cells["lwSlabNumObjs"]:
        problems.append(f"lwSlabNumObjs grew by {growth}: from {start_cells} to {cells}")
    perslab = proc[0]["objperslab"]
    if cells["lwSlabTotalKB"] != (cells["lwSlabNumSlabs"] * cells["lwSlabPagesPerSlab"]
                                  * PAGE_SIZE // 1024):
        problems.append(f"lwSlabTotalKB not NumSlabs x PagesPerSlab x page / 1024: {cells}")
    min_kb = -(-(FILES + 1) // perslab) * cells["lwSlabPagesPerSlab"] * PAGE_SIZE // 1024
    if cells["lwSlabTotalKB"] < min_kb:
        problems.append(f"lwSlabTotalKB {cells['lwSlabTotalKB']} < {min_kb}, the "
                        f"slabs {FILES} inodes need")
    print(f"{TMPFS_CACHE.decode()}: {FILES} files: objects {start_cells['lwSlabNumObjs']} -> "
          f"{cells['lwSlabNumObjs']} ({growth / FILES:.3f} per file), KiB "
          f"{start_cells['lwSlabTotalKB']} -> {cells['lwSlabTotalKB']} "
          f"({(cells['lwSlabTotalKB'] - start_cells['lwSlabTotalKB']) * 1024 / FILES:.0f} "
          f"bytes per file; objsize {cells['lwSlabObjSize']}, {perslab} per slab of "
          f"{cells['lwSlabPagesPerSlab']} pages)")
    assert not problems, "\n".join(problems)


# ----- 4. cadence: kernel_interval -----

def collector_cells(lw, column, names):
    vbs = lw.get(*[collector_cell(column, collector_index(n)) for n in names])
    return {n: vb.value for n, vb in zip(names, vbs)}


RUNS_OF = ["loadavg", *SLOW, "vmstat"]


def runs_over(lw, cycles):
    """lwCollectorRuns deltas over at least `cycles` runs of loadavg (each pair of readings
    from one GET, so from one snapshot)."""
    first = collector_cells(lw, "lwCollectorRuns", RUNS_OF)
    wait_until(lambda: collector_cells(lw, "lwCollectorRuns", ["loadavg"])["loadavg"]
               >= first["loadavg"] + cycles, timeout=cycles * 3 + 10, interval=0.2,
               what=f"{cycles} more loadavg runs")
    last = collector_cells(lw, "lwCollectorRuns", RUNS_OF)
    return {n: last[n] - first[n] for n in RUNS_OF}


def test_kernel_interval_cadence_and_sighup(snmpd, lw_factory):
    lw = start(lw_factory, snmpd, kernel_interval=3)
    assert lw.get(KERNEL_INTERVAL)[0][1:] == ("Gauge32", 3)
    intervals = collector_cells(lw, "lwCollectorInterval", COLLECTORS)
    assert intervals == {n: 3 if n in SLOW else 1 for n in COLLECTORS}

    delta = runs_over(lw, 7)
    loops, slow = delta["loadavg"], delta["slabinfo"]
    assert delta["vmstat"] == loops, delta  # vmstat runs every cycle
    assert delta["zoneinfo"] == delta["buddyinfo"] == slow, delta  # the three run together
    # a third as often: 7 cycles hold 2 or 3 runs; every cycle would be 7, every other 3-4
    assert loops >= 7 and slow >= 1 and abs(3 * slow - loops) <= 3, delta

    # between runs, every snapshot serves the last run's rows, dated by its lwCollectorLastRun
    # the 120 busiest caches (snmpget takes 128 OIDs): some of them move in any second
    busiest = sorted(read_slabinfo(), key=lambda c: -c["active_objs"])[:120]
    probe = [f"{SLAB_ENTRY}.{SLAB_COLUMNS['lwSlabActiveObjs']}.{fnv1a_index(c['name'])}"
             for c in busiest]
    oids = [collector_cell("lwCollectorLastRun", collector_index(n)) for n in
            ("loadavg", "slabinfo")] + probe + [SLAB_ROWS]
    kept = changed = 0
    prev = lw.get(*oids)
    for _ in range(4):
        wait_new_snapshot(lw.port)
        now = lw.get(*oids)
        assert now[0].value != prev[0].value, "loadavg did not run in a new cycle"
        if now[1].value == prev[1].value:
            kept += 1
            assert [vb.value for vb in now[2:]] == [vb.value for vb in prev[2:]], \
                "slab rows changed without a slabinfo run"
        else:
            changed += 1
        prev = now
    assert kept >= 2 and changed >= 1, (kept, changed)

    # SIGHUP with kernel_interval 1: the slow collectors run in every cycle
    lw.extra_lines = ["kernel_interval 1"]
    lw.write_config()
    lw.send_signal(signal.SIGHUP)
    wait_until(lambda: lw.check_alive() or collector_cells(lw, "lwCollectorInterval", SLOW)
               == dict.fromkeys(SLOW, 1), timeout=10, what="lwCollectorInterval 10-12 to be 1")
    assert lw.get(KERNEL_INTERVAL)[0].value == 1
    delta = runs_over(lw, 4)
    assert set(delta.values()) == {delta["loadavg"]}, delta


TCP_TOP_N = f"{LW_TCP}.{TCP_SCALARS['lwTcpTopN']}.0"


def test_sighup_changing_tcp_settings_keeps_the_kernel_tables(snmpd, lw_factory):
    lw = start(lw_factory, snmpd, kernel_interval=60)
    runs = collector_cell("lwCollectorRuns", collector_index("slabinfo"))
    before_runs, rows = (vb.value for vb in lw.get(runs, SLAB_ROWS))
    zones = sorted(table(lw.port, ZONE_ENTRY, ZONE_COLUMNS))
    assert rows > 100 and zones, (rows, zones)
    top_n = lw.get(TCP_TOP_N)[0].value
    lw.extra_lines = ["kernel_interval 60", f"tcp_top {top_n + 1}"]
    lw.write_config()
    lw.send_signal(signal.SIGHUP)
    wait_until(lambda: lw.check_alive() or lw.get(TCP_TOP_N)[0].value == top_n + 1,
               timeout=10, what="lwTcpTopN to show the new tcp_top")
    # no slow run since (kernel_interval 60): the tables must serve the first run's rows
    vbs = lw.get(runs, SLAB_ROWS)
    assert vbs[0].value == before_runs, "a slabinfo run came in between; cannot tell"
    assert (vbs[1].type, vbs[1].value) == ("Gauge32", rows)
    assert sorted(table(lw.port, ZONE_ENTRY, ZONE_COLUMNS)) == zones
    assert len(table(lw.port, SLAB_ENTRY, SLAB_COLUMNS)) == rows


# ----- 5. an unprivileged daemon: no /proc/slabinfo -----

def test_unprivileged_daemon_serves_all_but_the_slab_table(nobody_lw):
    mode = stat.S_IMODE(os.stat("/proc/slabinfo").st_mode)
    assert not mode & 0o044, (f"/proc/slabinfo is mode {mode:o} here, readable by others: "
                              "this test needs it root-only (0400, as on Debian)")
    lw = nobody_lw(extra_lines=["kernel_interval 1"])
    lw.wait_served(system_oid("lwMemTotalKB"), timeout=30)

    slab = collector_index("slabinfo")
    row = collector_row(lw.port, slab)
    assert row["lwCollectorLastError"] == ("open proc/slabinfo: Permission denied (needs "
                                          "CAP_DAC_READ_SEARCH)"), row
    assert row["lwCollectorRuns"] >= 1 and row["lwCollectorErrors"] == row["lwCollectorRuns"]
    wait_until(lambda: collector_row(lw.port, slab)["lwCollectorErrors"]
               > row["lwCollectorErrors"], timeout=10, what="lwCollectorErrors.10 to grow")
    for name in ("meminfo", "zoneinfo", "buddyinfo", "vmstat"):
        other = collector_row(lw.port, collector_index(name))
        assert (other["lwCollectorErrors"], other["lwCollectorLastError"]) == (0, ""), other

    # nothing under lwSlabTable (a walk of an empty subtree prints only the exception)
    slab_table = SLAB_ENTRY.rsplit(".", 1)[0]
    walked = snmpbulkwalk(lw.port, slab_table)
    assert not [vb for vb in walked if vb.oid.startswith(slab_table + ".")], walked
    assert [vb.type for vb in lw.get(SLAB_ROWS, SLAB_DROPPED)] == ["noSuchInstance"] * 2
    assert lw.get(KERNEL_INTERVAL)[0].value == 1

    zones = table(lw.port, ZONE_ENTRY, ZONE_COLUMNS)
    assert sorted(zones) == sorted((z["node"], z["index"]) for z in read_zoneinfo())
    assert [zones[i]["lwZoneName"].value for i in sorted(zones)] == \
        [z["name"].encode() for z in read_zoneinfo()]
    memory = get_named(lw, {n: kernel_memory_oid(n) for n in MEMORY_NAMES})
    assert {n: vb.type for n, vb in memory.items()} == KERNEL_MEMORY_TYPES, memory
    meminfo = read_meminfo_all()
    assert [memory[n].value for n in ("lwHugePagesTotal", "lwHugePagesFree")] == \
        [meminfo["HugePages_Total"], meminfo["HugePages_Free"]]
    assert lw.alive()


# ----- 6. the whole lwKernel subtree, named through the MIB -----

MIB_PROBLEMS = ("Cannot find module", "Did not find", "Unlinked OID", "Cannot adopt OID",
                "Bad operator", "Expected", "Unknown Object Identifier")


def _key(oid):
    return tuple(int(x) for x in oid.split("."))


def test_walk_of_lwkernel_is_complete_and_named(leakwatchd):
    vbs = snmpbulkwalk(leakwatchd.port, LW_KERNEL)
    oids = [vb.oid for vb in vbs]
    assert all(o.startswith(LW_KERNEL + ".") for o in oids), oids
    assert not [vb for vb in vbs if vb.type in ("noSuchObject", "noSuchInstance",
                                                "endOfMibView", "WrongType")], vbs
    assert [_key(o) for o in oids] == sorted(set(_key(o) for o in oids)), "not in order/unique"
    scalars = {kernel_memory_oid(n) for n in MEMORY_NAMES} | set(KERNEL_SCALARS.values()) | \
        {vmstat_oid(n) for n in VMSTAT_NAMES}
    assert not scalars - set(oids), sorted(scalars - set(oids))
    slabs = {o.rsplit(".", 1)[1] for o in oids if o.startswith(SLAB_ENTRY + ".2.")}
    assert len(slabs) == int(leakwatchd.get(SLAB_ROWS)[0].value) > 100

    mibs, reason = mib_args()
    if mibs is None:
        warnings.warn(f"cannot load LEAKWATCH-MIB by name ({reason}): checked numeric OIDs only")
        return
    out, err = run_tool(["snmpbulkwalk", *mibs, "-v2c", "-c", "public", "-t", "1", "-r", "0",
                         "-OU", "-Cr100", f"udp:127.0.0.1:{leakwatchd.port}",
                         "LEAKWATCH-MIB::lwKernel"], with_stderr=True, timeout=120)
    problems = [p for p in MIB_PROBLEMS if p in err] + (["Wrong Type"] if "Wrong Type" in out
                                                         else [])
    assert not problems, f"snmpbulkwalk reported {problems}:\n{err}{out[:3000]}"
    lines = [ln for ln in out.splitlines() if " = " in ln]
    unnamed = [ln for ln in lines if not ln.startswith("LEAKWATCH-MIB::")]
    assert not unnamed, unnamed[:20]
    # every instance of the numeric walk under the name of its object (kernel_interval 60: the
    # tables cannot change between the two walks, the scalars change only their values)
    names = {kernel_memory_oid(n)[:-2]: n for n in MEMORY_NAMES}
    names.update({o[:-2]: n for n, o in KERNEL_SCALARS.items()})
    names.update({vmstat_oid(n)[:-2]: n for n in VMSTAT_NAMES})
    for entry, columns in ((SLAB_ENTRY, SLAB_COLUMNS), (ZONE_ENTRY, ZONE_COLUMNS),
                           (BUDDY_ENTRY, BUDDY_COLUMNS)):
        names.update({f"{entry}.{sub}": n for n, sub in columns.items()})
    expected = []
    for o in oids:
        prefix = max((p for p in names if o.startswith(p + ".")), key=len, default=None)
        assert prefix is not None, f"{o} is no object of lwKernel"
        expected.append(f"{names[prefix]}{o[len(prefix):]}")
    named = [ln.split(" = ")[0].split("::", 1)[1] for ln in lines]
    assert named == expected, [(a, b) for a, b in zip(named, expected) if a != b][:20] or \
        (len(named), len(expected))
