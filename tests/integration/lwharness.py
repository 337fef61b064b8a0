# leakwatch integration harness (no pytest needed): real snmpd/leakwatchd/snmptrapd + SNMP tools.
# SPDX-License-Identifier: ISC
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lwdaemons import Daemon, Leakwatchd, Snmpd, Snmptrapd  # noqa: E402
from lwoids import COLLECTOR_COLUMNS, COLLECTOR_ENTRY  # noqa: E402
from lwsnmp import (EXCEPTIONS, SnmpError, SnmpTimeout, Varbind,  # noqa: E402
                    decode_date_and_time, mib_args, parse_varbinds, run_tool, snmpbulkwalk,
                    snmpget, snmpget1, snmptable, snmpwalk, tool_env)
from lwutil import (REPO, GiveUp, WaitTimeout, free_tcp_port, free_udp_port,  # noqa: E402
                    leakwatchd_path, project_mib_file, shared_mibs_dir, wait_until)

__all__ = [
    "Daemon", "Leakwatchd", "Snmpd", "Snmptrapd", "EXCEPTIONS", "SnmpError", "SnmpTimeout",
    "Varbind", "decode_date_and_time", "mib_args", "parse_varbinds", "run_tool", "snmpbulkwalk",
    "snmpget", "snmpget1", "snmptable", "snmpwalk", "tool_env", "REPO", "GiveUp", "WaitTimeout",
    "free_tcp_port", "free_udp_port", "leakwatchd_path", "project_mib_file", "shared_mibs_dir",
    "wait_until", "collector_table",
]

_TEXT_COLUMNS = ("lwCollectorName", "lwCollectorLastError", "lwCollectorLastRun",
                 "lwCollectorNotice")


def collector_table(port, community="public"):
    """lwCollectorTable as {index: {column name: value}} (ints, and str for name/last error).

    Uses snmptable when LEAKWATCH-MIB can be loaded (lwCollectorLastRun is then its text);
    otherwise warns and walks the table numerically (lwCollectorLastRun is then bytes).
    """
    mibs, reason = mib_args()
    rows = {}
    if mibs:
        for r in snmptable(port, "LEAKWATCH-MIB::lwCollectorTable", community=community,
                           mibs=mibs):
            index = int(r.pop("index"))
            rows[index] = {k: (v if k in _TEXT_COLUMNS else int(v)) for k, v in r.items()}
        return rows
    warnings.warn(f"snmptable not usable ({reason}); walking lwCollectorTable numerically")
    names = {str(sub): name for name, sub in COLLECTOR_COLUMNS.items()}
    for vb in snmpbulkwalk(port, COLLECTOR_ENTRY, community=community):
        column, index = vb.oid[len(COLLECTOR_ENTRY) + 1:].split(".")
        value = vb.value
        if names[column] in ("lwCollectorName", "lwCollectorLastError", "lwCollectorNotice"):
            value = vb.text
        rows.setdefault(int(index), {})[names[column]] = value
    return rows


