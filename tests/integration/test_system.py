# lwSystem objects read through snmpd match /proc and /sys (live, and exactly from a fixture root).
# SPDX-License-Identifier: ISC
import os

from lwharness import EXCEPTIONS, wait_until
from lwoids import AGENT_SCALARS, SYSTEM_OBJECTS, system_oid
from lwprocfs import build_fixture_root, count_cpu_list, read_system

SNAPSHOT_TIME = AGENT_SCALARS["lwAgentSnapshotTime"]
MiB = 1024

# Values that never change while the host runs: the served value must be equal.
EXACT = {"lwMemTotalKB", "lwSwapTotalKB", "lwCpuCount", "lwFilesMax",
         "lwMemTotalKBX", "lwSwapTotalKBX", "lwFilesMaxX"}
# Values that move: the served value must lie within [min, max] of our readings of /proc taken
# from before until after the snapshot was made, widened by this much for what can change
# between two of our readings (other processes on the host start, exit, allocate, open files;
# our own snmpget runs while the daemon samples). Loads change only every 5 s in the kernel, so
# the readings on either side of the snapshot bracket them exactly.
TOLERANCE = {
    "lwLoad1": 0, "lwLoad5": 0, "lwLoad15": 0,
    "lwMemFreeKB": 64 * MiB, "lwMemAvailableKB": 64 * MiB, "lwBuffersKB": 64 * MiB,
    "lwCachedKB": 64 * MiB, "lwSwapFreeKB": 64 * MiB, "lwCommittedKB": 64 * MiB,
    "lwFilesAllocated": 512, "lwProcessCount": 10, "lwThreadCount": 20,
}
# the ...X twins move as their Gauge32 level does
TOLERANCE.update({n + "X": TOLERANCE[n] for n in ("lwMemFreeKB", "lwMemAvailableKB",
                                                  "lwBuffersKB", "lwCachedKB", "lwSwapFreeKB",
                                                  "lwCommittedKB")})


def get_fresh_system(lw):
    """GET all lwSystem objects from a snapshot completed after we started reading /proc.

    Returns (served values by name, list of /proc readings spanning the snapshot).
    """
    readings = [read_system()]
    first = lw.get(SNAPSHOT_TIME)[0]
    assert first.type == "STRING", f"lwAgentSnapshotTime not served: {first}"

    def new_snapshot():
        readings.append(read_system())
        return lw.get(SNAPSHOT_TIME)[0].value != first.value
    wait_until(new_snapshot, timeout=5, what="lwAgentSnapshotTime to change (a new snapshot)")
    names = list(SYSTEM_OBJECTS)
    vbs = lw.get(*[system_oid(n) for n in names], SNAPSHOT_TIME)
    readings.append(read_system())
    assert vbs[-1].value != first.value, "the GET was answered from the old snapshot"
    return {n: vb for n, vb in zip(names, vbs)}, readings


def test_every_lwsystem_object_matches_proc(leakwatchd):
    served, readings = get_fresh_system(leakwatchd)
    problems = []
    for name, vb in served.items():
        if vb.type in EXCEPTIONS:
            problems.append(f"{name}: {vb.type}")
            continue
        seen = [r[name] for r in readings]
        if name in EXACT:
            if vb.value != seen[-1] or len(set(seen)) != 1:
                problems.append(f"{name}: served {vb.value}, /proc says {sorted(set(seen))}")
            continue
        lo, hi = min(seen) - TOLERANCE[name], max(seen) + TOLERANCE[name]
        if not lo <= vb.value <= hi:
            problems.append(f"{name}: served {vb.value}, /proc read {min(seen)}..{max(seen)} "
                            f"(tolerance {TOLERANCE[name]})")
    assert not problems, "\n".join(problems)


def test_cpu_count_matches_online_cpus_and_affinity(leakwatchd):
    served = leakwatchd.get(system_oid("lwCpuCount"))[0].value
    with open("/sys/devices/system/cpu/online") as f:
        online = count_cpu_list(f.read())
    assert served == online
    assert len(os.sched_getaffinity(0)) <= served


def test_wire_types(leakwatchd):
    names = list(SYSTEM_OBJECTS)
    vbs = leakwatchd.get(*[system_oid(n) for n in names])
    wrong = [f"{n}: {vb.type}, expected {SYSTEM_OBJECTS[n][1]}"
             for n, vb in zip(names, vbs) if vb.type != SYSTEM_OBJECTS[n][1]]
    assert not wrong, "\n".join(wrong)


def test_values_from_fixture_root_are_exact(tmp_path, snmpd, lw_factory):
    root = build_fixture_root(tmp_path / "root")
    expected = read_system(root)
    lw = lw_factory(snmpd=snmpd, interval=1, root=root)
    lw.wait_served(system_oid("lwMemTotalKB"))
    names = list(SYSTEM_OBJECTS)
    vbs = lw.get(*[system_oid(n) for n in names])
    served = {n: vb.value for n, vb in zip(names, vbs)}
    assert served == expected
