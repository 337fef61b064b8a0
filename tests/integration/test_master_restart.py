# After snmpd is killed and restarted, the same leakwatchd process registers again in time.
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
