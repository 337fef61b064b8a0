# Walking the whole leakwatchMIB subtree (GETBULK and GETNEXT) through snmpd.
# SPDX-License-Identifier: ISC
from lwharness import EXCEPTIONS, snmpbulkwalk, snmpwalk
from lwoids import (AGENT_SCALARS, COLLECTOR_COLUMNS, COLLECTOR_ENTRY, COLLECTORS, LW,
                    LW_OBJECTS, collector_cell, system_oid, SYSTEM_OBJECTS)

LW_PROCESSES = LW_OBJECTS + ".3"


def _expected_oids():
    oids = set(AGENT_SCALARS.values()) | {system_oid(n) for n in SYSTEM_OBJECTS}
    oids |= {collector_cell(c, i) for c in COLLECTOR_COLUMNS
             for i in range(1, len(COLLECTORS) + 1)}
    return oids


def _oid_key(oid):
    return tuple(int(x) for x in oid.split("."))


def _check_walk(vbs):
    oids = [vb.oid for vb in vbs]
    bad = [vb for vb in vbs if vb.type in EXCEPTIONS or not vb.oid.startswith(LW + ".")]
    assert not bad, f"walk returned exceptions or OIDs outside the subtree: {bad}"
    assert [_oid_key(o) for o in oids] == sorted(_oid_key(o) for o in oids), "OIDs not in order"
    assert len(set(oids)) == len(oids), "OIDs repeated"
    missing = _expected_oids() - set(oids)
    assert not missing, f"missing from the walk: {sorted(missing, key=_oid_key)}"
    rows = {o.rsplit(".", 1)[1] for o in oids if o.startswith(COLLECTOR_ENTRY + ".")}
    assert rows == {str(i) for i in range(1, len(COLLECTORS) + 1)}, f"collector rows {rows}"


def test_bulkwalk_of_whole_subtree(leakwatchd):
    _check_walk(snmpbulkwalk(leakwatchd.port, LW))


def _static(vbs):
    """The OIDs whose set cannot change between two walks (processes come and go)."""
    return [vb.oid for vb in vbs if not vb.oid.startswith(LW_PROCESSES + ".")]


def test_getnext_walk_returns_the_same_objects(leakwatchd):
    walked = snmpwalk(leakwatchd.port, LW)
    _check_walk(walked)
    bulk = snmpbulkwalk(leakwatchd.port, LW)
    assert _static(walked) == _static(bulk)
    # Both walks went through the process tables and their scalars.
    for vbs in (walked, bulk):
        assert any(vb.oid.startswith(LW_PROCESSES + ".1.1.2.") for vb in vbs)
        assert LW_PROCESSES + ".7.0" in {vb.oid for vb in vbs}
