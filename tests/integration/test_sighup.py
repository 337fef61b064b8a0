# SIGHUP re-reads the config: a new interval applies, a broken file keeps the running one.
# SPDX-License-Identifier: ISC
import signal

from lwharness import wait_until
from lwoids import AGENT_SCALARS

INTERVAL = AGENT_SCALARS["lwSampleInterval"]


def test_sighup_applies_interval_and_survives_bad_config(leakwatchd):
    lw = leakwatchd
    assert lw.get(INTERVAL)[0].value == 1
    lw.write_config(interval=3)
    lw.send_signal(signal.SIGHUP)
    wait_until(lambda: lw.check_alive() or lw.get(INTERVAL)[0].value == 3, timeout=5,
               what="lwSampleInterval to become 3 after SIGHUP")

    lw.write_config(text="# broken on line 3\ninterval 2\nno_such_directive yes\n")
    lw.send_signal(signal.SIGHUP)
    wait_until(lambda: lw.check_alive() or f"{lw.conf}:3:" in lw.output(), timeout=5,
               what=f"'{lw.conf}:3:' in leakwatchd's log")
    assert lw.alive()
    assert lw.get(INTERVAL)[0].value == 3
    assert lw.alive()
