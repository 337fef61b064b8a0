# leakwatch integration harness (no pytest needed): real snmpd/leakwatchd/snmptrapd + SNMP tools.
# Run `python3 tests/integration/lwharness.py demo` for a live leakwatchd behind a private snmpd.
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lwdaemons import Daemon, Leakwatchd, Snmpd, Snmptrapd  # noqa: E402
from lwoids import COLLECTOR_COLUMNS, COLLECTOR_ENTRY, LW, system_oid  # noqa: E402
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
    "wait_until", "collector_table", "demo",
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


def _walk_command(port):
    """The snmpwalk command line a user can paste, and a note when MIB names are unavailable."""
    mibs, reason = mib_args()
    base = ["snmpwalk", "-v2c", "-c", "public", f"udp:127.0.0.1:{port}"]
    if mibs:
        return ["snmpwalk", *mibs, *base[1:], "LEAKWATCH-MIB::leakwatchMIB"], None
    return [*base[:1], "-m", "", "-On", *base[1:], "." + LW], reason


def demo(interval=5):
    """Start snmpd + leakwatchd, print a walk and the command to repeat it, run until a signal."""
    tmp = Path(tempfile.mkdtemp(prefix="leakwatch-demo-"))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    snmpd = lw = None
    try:
        snmpd = Snmpd(tmp / "snmpd").start()
        lw = Leakwatchd(tmp / "leakwatchd", snmpd=snmpd, interval=interval).start()
        lw.wait_served(system_oid("lwMemTotalKB"), timeout=max(30, 3 * interval))
        cmd, note = _walk_command(snmpd.port)
        if note:
            print(f"note: {note}")
        # the user's own environment, so the printed command behaves the same when pasted
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        print(out.stdout + out.stderr, end="")
        print(f"\nleakwatchd (pid {lw.pid}) is an AgentX subagent of snmpd (pid {snmpd.pid}) "
              f"listening on udp:127.0.0.1:{snmpd.port}; interval {interval}s.")
        print("Query it with:\n\n    " + shlex.join(cmd) + "\n")
        print(f"Logs: {lw.log_path} {snmpd.log_path}\nPress Ctrl-C to stop.", flush=True)
        while not stop.wait(0.5):
            for d in (snmpd, lw):
                if not d.alive():
                    print(f"{d.name} exited with {d.returncode()}:\n{d.diagnostics()}",
                          file=sys.stderr)
                    return 1
        return 0
    finally:
        code = lw.stop() if lw and lw.alive() else None
        if snmpd:
            snmpd.stop()
        if code not in (None, 0):
            print(f"leakwatchd exited with {code}:\n{lw.diagnostics()}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
        print("stopped.")


def main(argv):
    if len(argv) >= 2 and argv[1] == "demo":
        interval = int(argv[2]) if len(argv) > 2 else 5
        return demo(interval)
    print(f"usage: {os.path.basename(argv[0])} demo [INTERVAL]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
