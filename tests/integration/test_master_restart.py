# After snmpd is killed and restarted, the same leakwatchd process registers again in time.
# SPDX-License-Identifier: ISC
import time

from lwharness import EXCEPTIONS, wait_until
from lwoids import system_oid

PING = 2
MEMTOTAL = system_oid("lwMemTotalKB")


def test_served_again_after_master_restart(snmpd, lw_factory):
    lw = lw_factory(snmpd=snmpd, interval=1, agentx_ping_interval=PING)
    before = lw.wait_served(MEMTOTAL)
    pid = lw.pid
    snmpd.kill()
    snmpd.restart()
    answered = snmpd.ready_time  # the restarted snmpd answered sysUpTime.0

    def served():
        lw.check_alive()
        return lw.get(MEMTOTAL, timeout=0.5)[0].type not in EXCEPTIONS
    wait_until(served, timeout=PING + 10, what="leakwatchd to be served by the new snmpd")
    took = time.monotonic() - answered
    assert took <= PING + 2, f"served again {took:.2f}s after snmpd answered (ping {PING}s)"
    assert lw.alive() and lw.pid == pid
    assert int(lw.pidfile.read_text().split()[0]) == pid
    assert lw.get(MEMTOTAL)[0].value == before.value


SYS_OR_ID = "1.3.6.1.2.1.1.9.1.2"
SYS_OR_DESCR = "1.3.6.1.2.1.1.9.1.3"


def leakwatch_sysor_rows(port):
    """(index, description) of snmpd's sysORTable rows whose sysORID is leakwatchMIB."""
    from lwharness import snmpbulkwalk
    from lwoids import LW
    ids = snmpbulkwalk(port, SYS_OR_ID)
    descr = {vb.oid.rsplit(".", 1)[1]: vb.text for vb in snmpbulkwalk(port, SYS_OR_DESCR)}
    return [(vb.oid.rsplit(".", 1)[1], descr.get(vb.oid.rsplit(".", 1)[1]))
            for vb in ids if vb.value.lstrip(".") == LW]


def test_sysortable_entry_registered_and_restored(snmpd, lw_factory):
    lw = lw_factory(snmpd=snmpd, interval=1, agentx_ping_interval=PING)
    lw.wait_served(MEMTOTAL)
    rows = wait_until(lambda: leakwatch_sysor_rows(snmpd.port), timeout=5,
                      what="leakwatchMIB in snmpd's sysORTable")
    assert len(rows) == 1 and rows[0][1].startswith("LEAKWATCH-MIB"), rows
    # The master forgets it with the AgentX session; the reconnect must register it again.
    snmpd.kill()
    snmpd.restart()
    rows = wait_until(lambda: leakwatch_sysor_rows(snmpd.port), timeout=PING + 10,
                      what="leakwatchMIB back in sysORTable after the master restart")
    assert len(rows) == 1, rows
