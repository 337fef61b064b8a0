# pytest fixtures: private snmpd, leakwatchd subagent, snmptrapd; checks both stay alive per test.
# SPDX-License-Identifier: ISC
# LEAKWATCHD=/abs/path/leakwatchd selects the binary; LEAKWATCHD_WRAPPER="valgrind -q ..." wraps it.
import grp
import os
import pwd
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lwharness import Leakwatchd, Snmpd, Snmptrapd, shared_mibs_dir  # noqa: E402
from lwoids import system_oid  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "once: minutes of real time the compiler cannot change; run once, by "
        "`make check-once`, not in each build's run of the whole directory (run-pytest.sh)")


def pytest_report_header(config):
    from lwharness import leakwatchd_path, mib_args
    _, why = mib_args()
    return [f"leakwatchd: {leakwatchd_path()}",
            f"base MIBs: {shared_mibs_dir() or 'NOT FOUND (numeric OIDs only)'}"
            + (f"; {why}" if why else "")]


@pytest.fixture
def _daemons():
    """Every daemon a test started; at teardown each must still be alive unless the test
    stopped it on purpose (Daemon.expected_dead), then all are stopped in reverse order."""
    started = []
    yield started
    problems = []
    for d in started:
        if d.proc is not None and not d.expected_dead and not d.alive():
            problems.append(f"{d.name} (pid {d.pid}) died during the test with exit code "
                            f"{d.returncode()}")
    for d in reversed(started):
        if d.alive():
            code = d.stop()
            if isinstance(d, Leakwatchd) and code != 0:
                problems.append(f"leakwatchd exited {code} on SIGTERM at teardown")
    for d in started:
        print(f"===== {d.name} in {d.tmpdir}\n{d.diagnostics()}")
    assert not problems, "; ".join(problems)


@pytest.fixture
def snmpd_factory(tmp_path, _daemons):
    """snmpd_factory(**Snmpd kwargs) -> a started private snmpd."""
    def make(**kw):
        d = Snmpd(tmp_path / f"snmpd{len(_daemons)}", **kw)
        _daemons.append(d)
        return d.start()
    return make


@pytest.fixture
def lw_factory(tmp_path, _daemons):
    """lw_factory(start=True, **Leakwatchd kwargs) -> a leakwatchd (started unless start=False)."""
    wrapper = shlex.split(os.environ.get("LEAKWATCHD_WRAPPER", ""))

    def make(start=True, **kw):
        kw.setdefault("wrapper", wrapper)
        d = Leakwatchd(tmp_path / f"leakwatchd{len(_daemons)}", **kw)
        _daemons.append(d)
        return d.start() if start else d
    return make


@pytest.fixture
def snmpd(snmpd_factory):
    return snmpd_factory()


@pytest.fixture
def leakwatchd(snmpd, lw_factory):
    """leakwatchd attached to snmpd, interval 1, ping interval 1, first snapshot served."""
    d = lw_factory(snmpd=snmpd, interval=1, agentx_ping_interval=1)
    d.wait_served(system_oid("lwMemTotalKB"))
    return d


@pytest.fixture
def trapd(tmp_path, _daemons):
    d = Snmptrapd(tmp_path / "snmptrapd")
    _daemons.append(d)
    return d.start()


UNPRIVILEGED = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


@pytest.fixture
def nobody_dir():
    """A directory nobody can write, outside pytest's 0700 tmp tree (removed after the daemons
    are stopped: this fixture is set up before them)."""
    try:
        uid, gid = pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid
    except KeyError as exc:
        pytest.fail(f"user nobody / group nogroup needed: {exc}")
    assert shutil.which("setpriv"), "setpriv (util-linux) needed"
    d = Path(tempfile.mkdtemp(prefix="lw-nobody-"))
    os.chmod(d, 0o755)
    yield d, uid, gid
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def nobody_lw(nobody_dir, _daemons):
    """nobody_lw(**Leakwatchd kwargs) -> a started standalone leakwatchd (interval 1, community
    public) run as nobody:nogroup through setpriv: no capabilities, no root-only files."""
    d, uid, gid = nobody_dir

    def start(**kw):
        wrapper = UNPRIVILEGED + shlex.split(os.environ.get("LEAKWATCHD_WRAPPER", ""))
        lw = Leakwatchd(d / f"leakwatchd{len(_daemons)}", master=True,
                        rocommunity="public 127.0.0.1", interval=1, wrapper=wrapper, **kw)
        _daemons.append(lw)
        for sub in (lw.snmpconf, lw.persist):
            sub.mkdir(exist_ok=True)
        for path in [d, *d.rglob("*")]:
            os.chown(path, uid, gid)
        return lw.start()
    return start
