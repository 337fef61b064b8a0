#!/usr/bin/env python3
# make-snmptt-conf.py: writes snmptt.conf.leakwatch (SNMPTT 1.5 EVENT definitions) from the NOTIFICATION-TYPEs of LEAKWATCH-MIB.
# SPDX-License-Identifier: ISC
"""Reads mibs/LEAKWATCH-MIB.txt directly (no Net-SNMP needed), so the varbind positions ($1, $2,
...) follow each notification's OBJECTS clause, and fails when a notification has no wording
below: a new notification must be reviewed here before it ships.

  nms/traps/make-snmptt-conf.py [--mib FILE] [--exec 'COMMAND'] [-o FILE]

Without -o the file goes to standard output. --exec adds one EXEC line to every EVENT (the
shipped file has none: docs/nms/traps.md shows how to add one safely). The test suite checks
that the shipped file equals this script's output.

Severities: a raise has one EVENT per severity class, chosen with MATCH on lwAlarmSeverity
(critical -> Critical; warning or minor -> Minor; anything else, i.e. major -> Major); a clear
and lwCollectorRecovered are Normal; lwCollectorFailed is Minor (data is missing, nothing is
exhausted). MATCH patterns accept the value with MIBs (major, major(3)) and without (3).
"""
import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CATEGORY = "leakwatch"

# What each alarm type is about, the unit of lwAlarmValue/lwAlarmThreshold, and the wording of
# its raise and clear.  Keys are the raise notifications; {name} is the varbind's $n.
LEAK = ("{what}: {lwAlarmObject} at {lwAlarmValue} {unit}, growing {lwAlarmSlope} {unit}/h, "
        "exhaustion forecast (seconds, 0 none) {lwAlarmTimeToExhaustion}; severity "
        "{lwAlarmSeverity}; alarm {@lwAlarmObject}")
LEAK_CLEAR = ("{what} cleared: {lwAlarmObject} at {lwAlarmValue} {unit}, slope {lwAlarmSlope} "
              "{unit}/h; alarm {@lwAlarmObject}")
THRESHOLD = ("{what}: {lwAlarmObject} at {lwAlarmValue} {unit}, threshold {lwAlarmThreshold}; "
             "severity {lwAlarmSeverity}; alarm {@lwAlarmObject}")
THRESHOLD_CLEAR = ("{what} cleared: {lwAlarmObject} at {lwAlarmValue} {unit}, threshold "
                   "{lwAlarmThreshold}; alarm {@lwAlarmObject}")
PROC = " (process {lwProcName}, started {lwProcStartTime})"

ALARMS = {
    "lwProcMemLeak": ("Process memory leak", "KiB", LEAK + PROC, LEAK_CLEAR + PROC),
    "lwProcFdLeak": ("Process descriptor leak", "descriptors", LEAK + PROC, LEAK_CLEAR + PROC),
    "lwSlabLeak": ("Slab cache leak", "KiB", LEAK, LEAK_CLEAR),
    "lwTcpOrphanPressure": ("Orphaned TCP sockets high", "hundredths of a percent of tcp_max_orphans",
                            THRESHOLD, THRESHOLD_CLEAR),
    "lwTcpMemPressure": ("TCP memory high", "hundredths of a percent of tcp_mem's maximum",
                         THRESHOLD, THRESHOLD_CLEAR),
    "lwMcastRateHigh": ("Multicast rate high", "packets/s", THRESHOLD, THRESHOLD_CLEAR),
    "lwLoadHigh": ("Load per CPU high", "hundredths per CPU", THRESHOLD, THRESHOLD_CLEAR),
    "lwProcGroupMemLeak": ("Process group memory leak", "KiB", LEAK, LEAK_CLEAR),
    "lwKernelMemLeak": ("Kernel memory leak", "KiB", LEAK, LEAK_CLEAR),
}
COLLECTOR = {
    "lwCollectorFailed": ("Minor", "Collector {lwCollectorName} failed: {lwCollectorLastError}; "
                                   "collector {@lwCollectorName}"),
    "lwCollectorRecovered": ("Normal", "Collector {lwCollectorName} recovered; collector "
                                       "{@lwCollectorName}"),
}
# (SNMPTT severity, MATCH line on lwAlarmSeverity) per raise; exactly one matches any value.
RAISE_CLASSES = [
    ("Critical", "{sev}: (^critical|^4$)"),
    ("Major", "{sev}: !(^critical|^4$|^warning|^minor|^[12]$)"),
    ("Minor", "{sev}: (^warning|^minor|^[12]$)"),
]
# SNMPTT variables an EXEC may use without quoting: none of them carries trap text.
SAFE_EXEC_VARS = re.compile(r"\$(N|s|aA|ar|aR|@|x|X|o|i|c|#|Fz|[0-9]+|\*)")


def notifications(mib_text):
    """[(name, sub-id, [objects], description)] in sub-id order."""
    out = []
    for m in re.finditer(r"^(\w+)\s+NOTIFICATION-TYPE\s+OBJECTS\s*\{([^}]*)\}\s+STATUS\s+\w+\s+"
                         r"DESCRIPTION\s+\"([^\"]*)\"\s+::=\s*\{\s*lwNotifications\s+(\d+)\s*\}",
                         mib_text, re.M):
        objects = [o.strip() for o in m.group(2).split(",") if o.strip()]
        desc = " ".join(m.group(3).split())
        out.append((m.group(1), int(m.group(4)), objects, desc))
    declared = len(re.findall(r"^\w+\s+NOTIFICATION-TYPE\b", mib_text, re.M))
    if declared != len(out):
        sys.exit(f"make-snmptt-conf: parsed {len(out)} of {declared} NOTIFICATION-TYPEs")
    return sorted(out, key=lambda n: n[1])


def root_oid(mib_text):
    """The numeric OID of lwNotifications, from the MIB's own assignment chain."""
    assign = dict(re.findall(r"^(\w+)\s+OBJECT IDENTIFIER\s*::=\s*\{\s*([\w\s]+?)\s*\}", mib_text, re.M))
    m = re.search(r"^leakwatchMIB\s+MODULE-IDENTITY.*?::=\s*\{\s*(\w+)\s+(\d+)\s*\}", mib_text, re.S | re.M)
    # netSnmpPlaypen (NET-SNMP-MIB) is 1.3.6.1.4.1.8072.9999.9999
    known = {"netSnmpPlaypen": "1.3.6.1.4.1.8072.9999.9999"}
    known["leakwatchMIB"] = f"{known[m.group(1)]}.{m.group(2)}"

    def resolve(name):
        if name not in known:
            parent, sub = assign[name].split()
            known[name] = f"{resolve(parent)}.{sub}"
        return known[name]
    return resolve("lwNotifications")


def fill(template, objects, what="", unit=""):
    def var(m):
        name = m.group(2)
        if name in ("what", "unit"):
            return {"what": what, "unit": unit}[name]
        if name not in objects:
            sys.exit(f"make-snmptt-conf: {name} is not a varbind here ({objects})")
        return f"${'v' if m.group(1) else ''}{objects.index(name) + 1}"
    return re.sub(r"\{(@?)(\w+)\}", var, template)


def sdesc(desc):
    words, lines, line = desc.split(), [], ""
    for w in words:
        if len(line) + len(w) + 1 > 76:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    lines.append(line)
    # Indented: unless description_mode is 1, SNMPTT reads these lines as keywords too, and a
    # line starting with EVENT, FORMAT, EXEC or MATCH would change the definition.
    return ["SDESC", *[f"  {ln}" for ln in lines], "EDESC"]


def event(name, oid, severity, fmt, desc, match=None, exec_line=None):
    lines = [f'EVENT {name} {oid} "{CATEGORY}" {severity}', f"FORMAT {fmt}"]
    if exec_line:
        lines.append(f"EXEC {exec_line}")
    if match:
        lines.append(f"MATCH {match}")
    return lines + sdesc(desc) + [""]


def generate(mib_text, exec_line=None):
    base = root_oid(mib_text)
    out = ["# snmptt.conf.leakwatch: SNMPTT 1.5 EVENT definitions for every LEAKWATCH-MIB notification;",
           "# written by nms/traps/make-snmptt-conf.py from mibs/LEAKWATCH-MIB.txt (do not edit: rerun it).",
           "#",
           "# Event OIDs are numeric: run snmptrapd with -On (docs/nms/traps.md). A raise has one",
           "# EVENT per severity (MATCH on lwAlarmSeverity: Critical, Major, Minor); its clear (the",
           "# same name + Clear) is Normal. The alarm's lwAlarmIndex is the instance at the end of",
           "# the variable name printed after 'alarm': a clear pairs with the raise of the same index.",
           ""]
    clears = {}
    for name, sub, objects, desc in notifications(mib_text):
        oid = f".{base}.{sub}"
        if name in COLLECTOR:
            sev, fmt = COLLECTOR[name]
            out += event(name, oid, sev, fill(fmt, objects), desc, exec_line=exec_line)
        elif name in ALARMS:
            what, unit, raise_fmt, _ = ALARMS[name]
            fmt = fill(raise_fmt, objects, what, unit)
            sev_var = f"${objects.index('lwAlarmSeverity') + 1}"
            for sev, match in RAISE_CLASSES:
                out += event(name, oid, sev, fmt, desc, match.format(sev=sev_var),
                             exec_line)
            clears[f"{name}Clear"] = name
        elif name in clears:
            what, unit, _, clear_fmt = ALARMS[clears[name]]
            out += event(name, oid, "Normal", fill(clear_fmt, objects, what, unit), desc,
                         exec_line=exec_line)
        else:
            sys.exit(f"make-snmptt-conf: no wording for {name}: add it to this script")
    return "\n".join(out).rstrip("\n") + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mib", default=str(REPO / "mibs" / "LEAKWATCH-MIB.txt"))
    ap.add_argument("--exec", dest="exec_line",
                    help="an EXEC command added to every EVENT; trap text ($n, $*, $Fz) only "
                         "inside double quotes")
    ap.add_argument("-o", "--output")
    a = ap.parse_args()
    if a.exec_line:
        unquoted = re.sub(r'"[^"]*"', "", a.exec_line)
        bad = [m.group(0) for m in re.finditer(r"\$\S+", unquoted) if not SAFE_EXEC_VARS.match(m.group(0))
               or re.match(r"\$([0-9]+|\*|Fz)", m.group(0))]
        if bad:
            sys.exit(f"make-snmptt-conf: --exec: {' '.join(bad)} outside double quotes (trap text "
                     "would reach the shell unquoted)")
    text = generate(Path(a.mib).read_text(), a.exec_line)
    if a.output:
        Path(a.output).write_text(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
