# A collector blocked in the kernel (a FIFO standing in for a /proc file that never answers)
# SPDX-License-Identifier: ISC
# must neither slow SNMP answers, which come from the last snapshot, nor hang shutdown.
import os
import re
import subprocess
import time

from lwharness import collector_table, wait_until
from lwutil import REPO
from lwoids import SYS_UPTIME, collector_cell, collector_index, system_oid
from lwprocfs import build_fixture_root, read_system

RUNS_LOADAVG = collector_cell("lwCollectorRuns", collector_index("loadavg"))


def block_meminfo(root):
    """Swaps proc/meminfo for a FIFO and returns a writer fd once the sampler waits on it."""
    meminfo = root / "proc" / "meminfo"
    saved = meminfo.read_bytes()
    meminfo.unlink()
    os.mkfifo(meminfo)

    def writer():
        try:
            return os.open(meminfo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # ENXIO: the sampler has not reached the file yet
            return None
    return wait_until(writer, timeout=10, what="sampler blocked on proc/meminfo"), saved


def runs(lw):
    return lw.get(RUNS_LOADAVG)[0].value


def latency_figures(port, count):
    client = os.environ.get("SNMP_GET_LATENCY") or str(REPO / "build/bench/snmp_get_latency")
    assert os.access(client, os.X_OK), f"bench/snmp_get_latency not built at {client!r}"
    out = subprocess.run([client, "-p", f"udp:127.0.0.1:{port}", "-c", "public", "-n",
                          str(count), "-w", "5", "." + system_oid("lwMemTotalKB"),
                          "." + SYS_UPTIME], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    return dict(re.findall(r"^(\S+): (\S+)$", out.stdout, re.M))


def test_requests_answered_while_collection_is_blocked(tmp_path, snmpd, lw_factory):
    root = build_fixture_root(tmp_path / "root")
    expected = read_system(root)
    lw = lw_factory(snmpd=snmpd, interval=1, agentx_ping_interval=1, root=root)
    lw.wait_served(system_oid("lwMemTotalKB"))
    fd, saved = block_meminfo(root)
    try:
        stalled_at = runs(lw)
        figures = latency_figures(snmpd.port, 500)
        # Collection is stalled (no run completed during 1000 GETs spanning several intervals)...
        assert runs(lw) == stalled_at
        # ...yet every request was answered, from the last snapshot, far under agentXTimeout.
        assert figures["a.errors"] == "0" and figures["a.count"] == "500", figures
        assert float(figures["a.max_us"]) < 200_000, figures
        assert lw.get(system_oid("lwMemTotalKB"))[0].value == expected["lwMemTotalKB"]
        # The real file comes back for later cycles; the blocked one reads the FIFO it holds.
        (root / "proc" / "meminfo").unlink()
        (root / "proc" / "meminfo").write_bytes(saved)
        os.write(fd, saved)
    finally:
        os.close(fd)
    # The blocked read returns: collection resumes and the collector table says all is well.
    wait_until(lambda: runs(lw) > stalled_at + 1, timeout=10, what="collection resumed")
    rows = collector_table(lw.port)
    assert all(r["lwCollectorErrors"] == 0 for r in rows.values()), rows


def test_shutdown_while_collection_is_blocked(tmp_path, snmpd, lw_factory):
    root = build_fixture_root(tmp_path / "root")
    lw = lw_factory(snmpd=snmpd, interval=1, agentx_ping_interval=1, root=root)
    lw.wait_served(system_oid("lwMemTotalKB"))
    fd, _ = block_meminfo(root)
    try:
        started = time.monotonic()
        code = lw.stop()
        took = time.monotonic() - started
    finally:
        os.close(fd)
    lw.expected_dead = True
    assert code == 0, lw.diagnostics()
    # The stop waits 2 s for the blocked collector, then leaves it behind.
    assert 1.5 < took < 6, took
    assert "collector 'meminfo' has been blocked" in lw.log(), lw.log()
