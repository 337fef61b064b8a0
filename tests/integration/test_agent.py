# lwAgent scalars: version, start time, sample interval, snapshot time.
# SPDX-License-Identifier: ISC
import subprocess
import time

from lwharness import decode_date_and_time, wait_until
from lwoids import AGENT_SCALARS

VERSION, START, INTERVAL, SNAPSHOT = (AGENT_SCALARS[n] for n in (
    "lwAgentVersion", "lwAgentStartTime", "lwSampleInterval", "lwAgentSnapshotTime"))


def test_version_is_the_daemons_version(leakwatchd):
    vb = leakwatchd.get(VERSION)[0]
    assert vb.type == "STRING"
    version = vb.text
    assert version.strip() and version.isprintable(), f"lwAgentVersion {vb.value!r}"
    out = subprocess.run([str(leakwatchd.binary), "-V"], capture_output=True, text=True,
                         timeout=10)
    assert out.returncode == 0, out
    assert version in out.stdout + out.stderr, f"{version!r} not in `leakwatchd -V`: {out}"


def test_sample_interval_is_the_configured_one(leakwatchd):
    vb = leakwatchd.get(INTERVAL)[0]
    assert (vb.type, vb.value) == ("Gauge32", leakwatchd.settings["interval"])


def test_start_time_is_when_the_daemon_started(leakwatchd):
    vb = leakwatchd.get(START)[0]
    assert vb.type == "STRING", vb
    started = decode_date_and_time(vb.value).timestamp()
    # DateAndTime has decisecond resolution; the daemon needs a moment to start
    assert leakwatchd.start_wall - 1 <= started <= leakwatchd.start_wall + 5, (
        f"lwAgentStartTime {decode_date_and_time(vb.value)} vs process start "
        f"{time.ctime(leakwatchd.start_wall)}")
    # and it does not change
    assert leakwatchd.get(START)[0].value == vb.value


def test_snapshot_time_is_recent_and_advances(leakwatchd):
    interval = leakwatchd.settings["interval"]
    first = leakwatchd.get(SNAPSHOT)[0]
    assert first.type == "STRING", first
    t = decode_date_and_time(first.value).timestamp()
    now = time.time()
    assert now - (interval + 2) <= t <= now + 1, (
        f"snapshot time {decode_date_and_time(first.value)} is not within the last interval")
    later = wait_until(lambda: (vb := leakwatchd.get(SNAPSHOT)[0]).value != first.value and vb,
                       timeout=interval + 5, what="a newer snapshot")
    assert decode_date_and_time(later.value) > decode_date_and_time(first.value)


def test_unix_time_twins_are_the_same_instants(leakwatchd):
    """lwAgentStartTimeUnix / lwAgentSnapshotTimeUnix: the DateAndTime values as Unix seconds
    (what an NMS computes with), read in one PDU so the snapshot cannot move between them."""
    names = ("lwAgentStartTime", "lwAgentStartTimeUnix", "lwAgentSnapshotTime",
             "lwAgentSnapshotTimeUnix")
    start, start_unix, snap, snap_unix = leakwatchd.get(*(AGENT_SCALARS[n] for n in names))
    assert start_unix.type == snap_unix.type == "Gauge32", (start_unix, snap_unix)  # Unsigned32
    assert start_unix.value == int(decode_date_and_time(start.value).timestamp())
    assert snap_unix.value == int(decode_date_and_time(snap.value).timestamp())
    assert leakwatchd.start_wall - 1 <= start_unix.value <= leakwatchd.start_wall + 5
