# The README's demo (tests/integration/lwdemo.py, `quickstart.sh demo`) run to the point it promises: the leak found and trapped, its logs kept.
# SPDX-License-Identifier: ISC
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lwutil import REPO, leakwatchd_path

pytestmark = pytest.mark.once

DEMO = REPO / "tests" / "integration" / "lwdemo.py"
PROMISED_S = 240   # the README says "about two to three minutes"; this host may be loaded


def test_demo_finds_the_leak_traps_it_and_keeps_its_logs(tmp_path):
    """The demo as a user runs it (its own process, no MIB files, no pytest in it), stopped by
    LW_DEMO_UNTIL=found: its leak-demo process is named in an lwProcMemLeak notification and
    reaches `leaking` within the promised time, the status screen shows it as a suspect, and
    every log it names exists after it exits, with the history database."""
    base = tmp_path / "demo"
    env = dict(os.environ, LW_DEMO_DIR=str(base), LW_DEMO_UNTIL="found", MIBS="", MIBDIRS="",
               LEAKWATCHD=str(leakwatchd_path()))
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, str(DEMO)], env=env, capture_output=True, text=True,
                         timeout=PROMISED_S + 120)
    took = time.monotonic() - t0
    text = out.stdout + out.stderr
    assert out.returncode == 0, text[-3000:]
    pid = int(re.search(r"^leak-demo \(pid (\d+)\) grows", text, re.M)[1])
    assert re.search(rf"notification lwProcMemLeak: .*leak-demo \(pid {pid}\)", text), text
    found = float(re.search(r"^leak-demo found leaking after (\d+) s\.", text, re.M)[1])
    assert found <= PROMISED_S and took <= PROMISED_S + 60, (found, took)
    screen = text.split("found leaking after", 1)[1]
    assert re.search(rf"leaking\s+process leak-demo\[{pid}\]", screen), screen
    kept = {name: Path(p) for name, p in re.findall(r"^  (\w+):\s+(/\S+)$", text, re.M)}
    assert set(kept) == {"leakwatchd", "snmpd", "traps"}, text[-1500:]
    for name, path in kept.items():
        assert path.is_file() and path.stat().st_size > 0, (name, path)
        assert base in path.parents, path
    assert (base / "leakwatchd" / "state" / "history.db").stat().st_size > 0
    assert f"Logs and the history are kept in {base}" in text
