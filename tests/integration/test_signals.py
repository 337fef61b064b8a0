# SIGTERM and SIGINT stop leakwatchd cleanly: exit code 0 and the pidfile removed.
# SPDX-License-Identifier: ISC
import signal

import pytest


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_clean_stop(leakwatchd, sig):
    assert int(leakwatchd.pidfile.read_text().split()[0]) == leakwatchd.pid
    code = leakwatchd.stop(sig, timeout=10)
    assert code == 0, leakwatchd.diagnostics()
    assert not leakwatchd.pidfile.exists(), "pidfile left behind"
