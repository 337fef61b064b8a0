# LEAKWATCH-MIB loads with the base MIBs and names every served object (walk, get, table).
# SPDX-License-Identifier: ISC
# Without the base MIBs (an operator's box), each test says so and checks the same by number.
import warnings

import pytest

from lwharness import mib_args, run_tool, snmpbulkwalk, snmpget, snmptable
from lwoids import (AGENT_SCALARS, COLLECTOR_ENTRY, COLLECTOR_COLUMNS, COLLECTORS, LW,
                    SYSTEM_OBJECTS, system_oid)

# MIB parser complaints (stderr) and type mismatches between the MIB and the agent (stdout)
MIB_PROBLEMS = ("Cannot find module", "Did not find", "Unlinked OID", "Cannot adopt OID",
                "Bad operator", "Expected", "Unknown Object Identifier")


@pytest.fixture
def mibs():
    """Options that load LEAKWATCH-MIB, or None (with a warning) when the base MIBs are missing."""
    args, reason = mib_args()
    if args is None:
        warnings.warn(f"cannot load LEAKWATCH-MIB by name ({reason}): checking numeric OIDs")
    return args


def _numeric_walk(port):
    return {vb.oid.lstrip("."): vb for vb in snmpbulkwalk(port, LW)}


def _tool(mibs, tool, port, *args):
    out, err = run_tool([tool, *mibs, "-v2c", "-c", "public", "-t", "1", "-r", "0", "-OU",
                         f"udp:127.0.0.1:{port}", *args], with_stderr=True)
    problems = [p for p in MIB_PROBLEMS if p in err] + (["Wrong Type"] if "Wrong Type" in out
                                                         else [])
    assert not problems, f"{tool} reported {problems}:\n{err}{out}"
    return out


def test_walk_by_name(leakwatchd, mibs):
    if mibs is None:
        walk = _numeric_walk(leakwatchd.port)
        wanted = [*AGENT_SCALARS.values(), *(system_oid(n) for n in SYSTEM_OBJECTS)]
        assert not [o for o in wanted if o not in walk], walk
        names = [walk[f"{COLLECTOR_ENTRY}.{COLLECTOR_COLUMNS['lwCollectorName']}.{i}"].text
                 for i in range(1, len(COLLECTORS) + 1)]
        assert names == COLLECTORS
        return
    out = _tool(mibs, "snmpwalk", leakwatchd.port, "LEAKWATCH-MIB::leakwatchMIB")
    names = [*AGENT_SCALARS, *SYSTEM_OBJECTS]
    missing = [n for n in names if f"LEAKWATCH-MIB::{n}.0 = " not in out]
    assert not missing, f"not named in the walk: {missing}\n{out}"
    for i, name in enumerate(COLLECTORS, 1):
        assert f'LEAKWATCH-MIB::lwCollectorName.{i} = STRING: {name}' in out.replace('"', ""), out


def test_get_by_name(leakwatchd, mibs):
    if mibs is None:
        vb = snmpget(leakwatchd.port, AGENT_SCALARS["lwSampleInterval"])[0]
        assert vb.value == int(leakwatchd.settings["interval"]), vb
        return
    out = _tool(mibs, "snmpget", leakwatchd.port, "LEAKWATCH-MIB::lwSampleInterval.0")
    assert out.strip().endswith(f": {leakwatchd.settings['interval']}"), out


def test_table_by_name(leakwatchd, mibs):
    if mibs is None:
        column = f"{COLLECTOR_ENTRY}.{COLLECTOR_COLUMNS['lwCollectorName']}"
        assert [vb.text for vb in snmpbulkwalk(leakwatchd.port, column)] == COLLECTORS
        return
    rows = snmptable(leakwatchd.port, "LEAKWATCH-MIB::lwCollectorTable", mibs=mibs)
    assert [r["lwCollectorName"] for r in rows] == COLLECTORS
