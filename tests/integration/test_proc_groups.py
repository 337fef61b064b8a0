# lwProcGroupTable (issue 3): aggregates by name equal the member rows; stable FNV-1a indexes.
# SPDX-License-Identifier: ISC
from lwoids import GROUP_LEAK_COLUMNS, LEAK_STATES
from lwprocs import (GROUP_COLUMNS, PROC_ROWS, escape, fnv1a_index, group_indexes, member_sums,
                     snapshot, split_notice, wait_new_snapshot)
from lwworkers import workers  # noqa: F401 - fixture

SIZES_MIB = [8, 16, 24, 32, 40]


def group_by_name(snap, name):
    found = [(i, g) for i, g in snap["group"].items() if g.get("lwProcGroupName") == name]
    assert len(found) == 1, f"{len(found)} group rows named {name!r}: {found}"
    return found[0]


def test_group_of_five_workers(leakwatchd, workers):  # noqa: F811
    ws = [workers(name=b"lwgrp-test", mem_mib=m, files=i) for i, m in enumerate(SIZES_MIB)]
    for _ in range(2):
        wait_new_snapshot(leakwatchd.port)
    snap = snapshot(leakwatchd.port)
    index, g = group_by_name(snap, b"lwgrp-test")
    members = {pid: r for pid, r in snap["proc"].items() if r["lwProcName"] == b"lwgrp-test"}
    assert sorted(members) == sorted(w.pid for w in ws), members
    assert g["lwProcGroupCount"] == 5, g
    sums = {c: g[c] for c in GROUP_COLUMNS}
    assert sums == member_sums(b"lwgrp-test", members.values()), (g, members)
    # a daemon this young is still learning every group: no slope, no forecast yet
    assert {c: g[c] for c in GROUP_LEAK_COLUMNS} == {
        "lwProcGroupLeakState": LEAK_STATES["learning"], "lwProcGroupRssSlope": 0,
        "lwProcGroupFdLeakState": LEAK_STATES["learning"], "lwProcGroupFdSlope": 0,
        "lwProcGroupTimeToExhaustion": 0}, g
    assert g["lwProcGroupMaxRssKB"] >= 40 * 1024, g
    assert max(members, key=lambda p: members[p]["lwProcRssKB"]) == ws[-1].pid, members
    assert index == fnv1a_index(b"lwgrp-test"), (index, fnv1a_index(b"lwgrp-test"))


def test_every_group_equals_its_members(leakwatchd, workers):  # noqa: F811
    parent = workers(name=b"lwgrp-fork", mem_mib=4)
    kids = parent.fork(3, mem_mib=6)
    workers(name=b"a) b\\(\n\xff\xfe c")
    for _ in range(2):
        wait_new_snapshot(leakwatchd.port)
    snap = snapshot(leakwatchd.port)
    by_name = {}
    for r in snap["proc"].values():
        by_name.setdefault(r["lwProcName"], []).append(r)
    names = [g["lwProcGroupName"] for g in snap["group"].values()]
    assert sorted(names) == sorted(by_name), "group names differ from the process names"
    expected = group_indexes(by_name)
    problems = []
    for index, g in snap["group"].items():
        want = member_sums(g["lwProcGroupName"], by_name[g["lwProcGroupName"]])
        if {c: g[c] for c in GROUP_COLUMNS} != want:
            problems.append(f"group {index}: served {g}, members say {want}")
        if index != expected[g["lwProcGroupName"]]:
            problems.append(f"group {g['lwProcGroupName']!r}: index {index}, expected "
                            f"{expected[g['lwProcGroupName']]} (notice {snap['notice']!r})")
    collided = any(expected[n] != fnv1a_index(n) for n in expected)
    # (processes whose descriptors root itself may not read have a notice of their own)
    if collided != (split_notice(snap["notice"])[0] != b""):
        problems.append(f"collision {collided} but lwCollectorNotice {snap['notice']!r}")
    assert not problems, "\n".join(problems)
    _, fork_group = group_by_name(snap, b"lwgrp-fork")
    assert fork_group["lwProcGroupCount"] == 4, (fork_group, kids)
    hostile = escape(b"a) b\\(\n\xff\xfe c")
    assert group_by_name(snap, hostile)[0] == fnv1a_index(hostile)


def test_group_index_survives_a_restart(leakwatchd, workers):  # noqa: F811
    workers(name=b"lwgrp-restart")
    wait_new_snapshot(leakwatchd.port)
    first = group_by_name(snapshot(leakwatchd.port), b"lwgrp-restart")[0]
    assert leakwatchd.stop() == 0
    leakwatchd.start()
    leakwatchd.wait_served(PROC_ROWS, timeout=20)
    wait_new_snapshot(leakwatchd.port)
    second = group_by_name(snapshot(leakwatchd.port), b"lwgrp-restart")[0]
    assert first == second == fnv1a_index(b"lwgrp-restart")

