# pytest fixtures for the NMS client tests: `nms`, a private NmsEnv torn down (kept on failure).
# SPDX-License-Identifier: ISC
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nmsenv import NmsEnv  # noqa: E402


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture
def nms(request):
    env = NmsEnv(request.node.name.split("[")[0][:24])
    yield env
    failed = any(getattr(request.node, f"rep_{w}", None) is not None and
                 getattr(request.node, f"rep_{w}").failed for w in ("setup", "call"))
    if failed:
        for p in env.procs:
            print(f"===== {p.name} (pid {p.pid}) output, last 40 lines\n"
                  + "\n".join(p.output().splitlines()[-40:]))
    env.close(keep=failed)
