# The leak detector against real processes through a real snmpd and snmptrapd: a process that
# leaks memory or descriptors at a fixed rate is named in a trap, a large stable sawtooth is not,
# stopping the leak or the process clears, and a restarted daemon resumes from its history.
# SPDX-License-Identifier: ISC
import time

import pytest

from lwharness import wait_until
from lwoids import (ALARM_COLUMNS, ALARM_ENTRY, LEAK_STATES, NOTIFICATIONS, PROC_LEAK_COLUMNS,
                    alarm_cell, collector_cell, collector_index)
from lwprocs import PROC_COLUMNS as BASE_COLUMNS
from lwprocs import PROC_ENTRY, read_proc
from lwsnmp import snmpget
from lwworkers import workers  # noqa: F401 - a fixture

# Seconds: a 10 s floor window (steps of 1 s at interval 1), warm-up of one window.
SETTINGS = ["leak_window 10", "leak_warmup 10", "leak_min_slope 1024", "fd_leak_min_slope 30"]
DETECT_S = 240     # found in about 130 s here (nine windows of history and a warm-up)
LEAKING, NORMAL = LEAK_STATES["leaking"], LEAK_STATES["normal"]
PROC_COLUMNS = {**BASE_COLUMNS, **PROC_LEAK_COLUMNS}


@pytest.fixture
def leak_lw(trapd, snmpd_factory, lw_factory):
    snmpd = snmpd_factory(trap2sink=f"{trapd.address} public")

    def start():
        lw = lw_factory(snmpd=snmpd, interval=1, agentx_ping_interval=1,
                        extra_lines=SETTINGS)
        lw.wait_served(collector_cell("lwCollectorRuns", collector_index("detector")))
        return lw
    return start


def proc_cell(port, column, pid):
    vb = snmpget(port, f"{PROC_ENTRY}.{PROC_COLUMNS[column]}.{pid}")[0]
    return vb.value


def traps_for(trapd, name, pid):
    """The notifications `name` whose lwProcName.PID varbind names this pid."""
    key = f"{PROC_ENTRY}.{PROC_COLUMNS['lwProcName']}.{pid}"
    return [t for t in trapd.notifications(NOTIFICATIONS[name]) if key in t["varbinds"]]


def alarm_index(trap):
    """lwAlarmIndex of a notification, from its lwAlarmObject varbind's instance."""
    prefix = f"{ALARM_ENTRY}.{ALARM_COLUMNS['lwAlarmObject']}."
    return next(int(o[len(prefix):]) for o in trap["varbinds"] if o.startswith(prefix))


@pytest.mark.once  # minutes of real growth; the detector runs under ASan in tests/unit
def test_leaks_found_sawtooth_not_restart_resumes_and_clears(leak_lw, trapd,
                                                            workers):  # noqa: F811
    """One daemon, three processes at once (the detector needs nine windows of history before a
    verdict: about two minutes here): a memory leak and a descriptor leak are named in traps,
    a large stable sawtooth is not; a restarted daemon resumes from its history; the leaking
    process's exit and the descriptor leak's end clear their alarms."""
    lw = leak_lw()
    leaky = workers(name=b"lw-leaky")
    fdleak = workers(name=b"lw-fdleak")
    saw = workers(name=b"lw-sawtooth")
    leaky.call("leak", kib=1024, period=1.0)          # 1 MiB/s: 3.5 GiB/h
    fdleak.call("fd_leak", n=5, period=1.0)           # 18,000 descriptors an hour
    saw.call("sawtooth", mib=64, period=4.0)          # 64 MiB up and down, floor still
    t0 = time.monotonic()
    mem = wait_until(lambda: traps_for(trapd, "lwProcMemLeak", leaky.pid), DETECT_S,
                     what="lwProcMemLeak for the leaking worker")[0]
    fd = wait_until(lambda: traps_for(trapd, "lwProcFdLeak", fdleak.pid), DETECT_S,
                    what="lwProcFdLeak for the descriptor leak")[0]
    found_after = time.monotonic() - t0

    # the memory leak's notification: who, since when, what, how fast
    vbs, index = mem["varbinds"], alarm_index(mem)
    assert vbs[f"{PROC_ENTRY}.{PROC_COLUMNS['lwProcName']}.{leaky.pid}"].value == b"lw-leaky"
    assert abs(vbs[f"{PROC_ENTRY}.{PROC_COLUMNS['lwProcStartTime']}.{leaky.pid}"].value -
               read_proc(leaky.pid)["start"]) <= 1
    assert vbs[alarm_cell("lwAlarmObjectId", index)].value == \
        f"{PROC_ENTRY}.{PROC_COLUMNS['lwProcRssKB']}.{leaky.pid}"
    slope = vbs[alarm_cell("lwAlarmSlope", index)].value
    assert 0.6 * 3600 * 1024 <= slope <= 1.4 * 3600 * 1024, slope   # KiB per hour
    assert proc_cell(lw.port, "lwProcLeakState", leaky.pid) == LEAKING
    assert proc_cell(lw.port, "lwProcRssSlope", leaky.pid) > 0
    fd_index = alarm_index(fd)
    assert fd["varbinds"][alarm_cell("lwAlarmObjectId", fd_index)] \
        .value == f"{PROC_ENTRY}.{PROC_COLUMNS['lwProcFds']}.{fdleak.pid}"
    assert proc_cell(lw.port, "lwProcFdLeakState", fdleak.pid) == LEAKING
    # the sawtooth ran as long and never looked like a leak. It may still be learning when the
    # leaks are found: a cycle late on a loaded machine leaves a floor missing, and the state
    # holds until the floors are whole again; then it must be judged normal.
    assert traps_for(trapd, "lwProcMemLeak", saw.pid) == []
    wait_until(lambda: proc_cell(lw.port, "lwProcLeakState", saw.pid) == NORMAL, 60,
               what="the sawtooth judged normal")
    assert traps_for(trapd, "lwProcMemLeak", saw.pid) == []

    # a restarted daemon resumes from its history: leaking at once, not learning for minutes
    assert lw.stop() == 0
    lw.start()
    lw.wait_served(collector_cell("lwCollectorRuns", collector_index("detector")))
    wait_until(lambda: proc_cell(lw.port, "lwProcLeakState", leaky.pid) == LEAKING, 10,
               what="leaking again right after the restart")
    # the new daemon raises it for the NMS again
    wait_until(lambda: len(traps_for(trapd, "lwProcMemLeak", leaky.pid)) == 2, 10,
               what="the alarm raised again by the new daemon")
    index = alarm_index(traps_for(trapd, "lwProcMemLeak", leaky.pid)[1])

    # the leaking process exits: its alarm clears, with the same index, once
    leaky.kill()
    wait_until(lambda: [t for t in trapd.notifications(NOTIFICATIONS["lwProcMemLeakClear"])
                        if alarm_index(t) == index], 20, what="lwProcMemLeakClear")
    # the descriptor leak stops (its descriptors stay open): the trend ends, the alarm clears
    fdleak.call("pattern_stop")
    fd_index = alarm_index(traps_for(trapd, "lwProcFdLeak", fdleak.pid)[-1])
    wait_until(lambda: [t for t in trapd.notifications(NOTIFICATIONS["lwProcFdLeakClear"])
                        if alarm_index(t) == fd_index], DETECT_S, what="lwProcFdLeakClear")
    assert proc_cell(lw.port, "lwProcFdLeakState", fdleak.pid) == NORMAL
    assert fdleak.proc.poll() is None
    # all along, and on until half as long again as the leaks took, no alarm for the sawtooth
    while time.monotonic() - t0 < 1.5 * found_after:
        assert traps_for(trapd, "lwProcMemLeak", saw.pid) == []
        time.sleep(2)
    assert traps_for(trapd, "lwProcMemLeak", saw.pid) == []
    assert proc_cell(lw.port, "lwProcLeakState", saw.pid) == NORMAL
