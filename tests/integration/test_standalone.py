# Standalone master mode (-M -l udp:127.0.0.1:PORT): VACM from rocommunity, no snmpd involved.
# SPDX-License-Identifier: ISC
import pytest

from lwharness import SnmpTimeout, collector_table
from lwoids import COLLECTORS, system_oid
from lwprocfs import read_system

MEMTOTAL = system_oid("lwMemTotalKB")


@pytest.fixture
def master(lw_factory):
    lw = lw_factory(master=True, interval=1, rocommunity="public 127.0.0.1")
    lw.wait_served(MEMTOTAL)
    return lw


def test_right_community_is_answered(master):
    vb = master.get(MEMTOTAL)[0]
    assert (vb.type, vb.value) == ("Gauge32", read_system()["lwMemTotalKB"])
    assert sorted(collector_table(master.port)) == list(range(1, len(COLLECTORS) + 1))


@pytest.mark.parametrize("community", ["wrong", "private"])
def test_wrong_community_gets_no_answer(master, community):
    with pytest.raises(SnmpTimeout):
        master.get(MEMTOTAL, community=community)
    # and the right one still works afterwards
    assert master.get(MEMTOTAL)[0].type == "Gauge32"
