# LEAKWATCH-MIB loads with the base MIBs and names every served object (walk, get, table).
import pytest

from lwharness import mib_args, run_tool, snmptable
from lwoids import AGENT_SCALARS, COLLECTORS, SYSTEM_OBJECTS

# MIB parser complaints (stderr) and type mismatches between the MIB and the agent (stdout)
MIB_PROBLEMS = ("Cannot find module", "Did not find", "Unlinked OID", "Cannot adopt OID",
                "Bad operator", "Expected", "Unknown Object Identifier")


@pytest.fixture
def mibs():
    args, reason = mib_args()
    if args is None:
        pytest.fail(f"cannot load LEAKWATCH-MIB by name: {reason}")
    return args


def _tool(mibs, tool, port, *args):
    out, err = run_tool([tool, *mibs, "-v2c", "-c", "public", "-t", "1", "-r", "0", "-OU",
                         f"udp:127.0.0.1:{port}", *args], with_stderr=True)
    problems = [p for p in MIB_PROBLEMS if p in err] + (["Wrong Type"] if "Wrong Type" in out
                                                         else [])
    assert not problems, f"{tool} reported {problems}:\n{err}{out}"
    return out


def test_walk_by_name(leakwatchd, mibs):
    out = _tool(mibs, "snmpwalk", leakwatchd.port, "LEAKWATCH-MIB::leakwatchMIB")
    names = [*AGENT_SCALARS, *SYSTEM_OBJECTS]
    missing = [n for n in names if f"LEAKWATCH-MIB::{n}.0 = " not in out]
    assert not missing, f"not named in the walk: {missing}\n{out}"
    for i, name in enumerate(COLLECTORS, 1):
        assert f'LEAKWATCH-MIB::lwCollectorName.{i} = STRING: {name}' in out.replace('"', ""), out


def test_get_by_name(leakwatchd, mibs):
    out = _tool(mibs, "snmpget", leakwatchd.port, "LEAKWATCH-MIB::lwSampleInterval.0")
    assert out.strip().endswith(f": {leakwatchd.settings['interval']}"), out


def test_table_by_name(leakwatchd, mibs):
    rows = snmptable(leakwatchd.port, "LEAKWATCH-MIB::lwCollectorTable", mibs=mibs)
    assert [r["lwCollectorName"] for r in rows] == COLLECTORS
