# Runs the real net-snmp command-line tools (snmpget, snmpbulkwalk, snmptable, ...) and parses them.
# SPDX-License-Identifier: ISC
import atexit
import datetime
import os
import re
import shutil
import subprocess
import tempfile
from typing import NamedTuple

from lwutil import project_mib_file, shared_mibs_dir


class SnmpError(Exception):
    """A net-snmp tool failed; the message quotes its command line and output."""


class SnmpTimeout(SnmpError):
    """The agent did not answer (wrong community, agent down, ...)."""


class Varbind(NamedTuple):
    oid: str    # numeric, no leading dot
    type: str   # 'Counter64', 'Gauge32', 'STRING' (value is bytes), 'noSuchObject', ...
    value: object

    @property
    def text(self):
        """An OCTET STRING value decoded as UTF-8."""
        return self.value.decode("utf-8", "replace")


EXCEPTIONS = ("noSuchObject", "noSuchInstance", "endOfMibView")
_tool_home = None


def tool_env():
    """Environment for the tools: no /etc/snmp or ~/.snmp config, no MIB loading, private state."""
    global _tool_home
    if _tool_home is None:
        _tool_home = tempfile.mkdtemp(prefix="lwtools-")
        atexit.register(shutil.rmtree, _tool_home, True)
        os.mkdir(os.path.join(_tool_home, "conf"))
    env = dict(os.environ)
    env.pop("MIBDIRS", None)
    env.update(SNMPCONFPATH=os.path.join(_tool_home, "conf"),
               SNMP_PERSISTENT_DIR=os.path.join(_tool_home, "persist"), MIBS="")
    return env


def mib_args():
    """(args, reason): options loading LEAKWATCH-MIB by name, or (None, why that is impossible)."""
    shared = shared_mibs_dir()
    mib = project_mib_file()
    if shared is None:
        return None, "base MIBs not found at <repo>/../shared/mibs; using numeric OIDs"
    if not mib.is_file():
        return None, f"project MIB {mib} does not exist yet; using numeric OIDs"
    return ["-M", f"{mib.parent}:{shared}", "-m", "LEAKWATCH-MIB"], None


def run_tool(argv, timeout=30, with_stderr=False):
    """Run a net-snmp tool; return its stdout (and stderr with with_stderr=True).

    Raises SnmpTimeout when the agent did not answer, SnmpError on any other failure.
    """
    try:
        p = subprocess.run(argv, env=tool_env(), capture_output=True, text=True,
                           errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise SnmpError(f"{' '.join(argv)}: still running after {timeout}s") from exc
    if p.returncode != 0 or "Timeout:" in p.stderr:
        cls = SnmpTimeout if "Timeout: No Response" in (p.stderr + p.stdout) else SnmpError
        raise cls(f"{' '.join(argv)} exited {p.returncode}:\n{p.stderr}{p.stdout}")
    return (p.stdout, p.stderr) if with_stderr else p.stdout


def _common(port, community, host, timeout, retries):
    return ["-v2c", "-c", community, "-t", str(timeout), "-r", str(retries),
            "-On", "-Oe", "-Ox", f"udp:{host}:{port}"]


def _dot(oid):
    return oid if oid.startswith(".") or not oid[:1].isdigit() else "." + oid


def snmpget(port, *oids, community="public", host="127.0.0.1", timeout=1, retries=0):
    """GET the OIDs in one PDU; a list of Varbind in request order."""
    out = run_tool(["snmpget", *_common(port, community, host, timeout, retries),
                    *[_dot(o) for o in oids]], timeout=timeout * (retries + 1) + 10)
    return parse_varbinds(out)


def snmpset(port, *triples, community="private", host="127.0.0.1", timeout=2, retries=0):
    """SET (oid, type letter, value) triples in one PDU. Returns None when the agent took
    them, else the error's reason as snmpset prints it ("wrongType", "inconsistentValue"...).
    A timeout still raises SnmpTimeout."""
    argv = ["snmpset", *_common(port, community, host, timeout, retries)]
    for oid, typ, value in triples:
        argv += [_dot(oid), typ, str(value)]
    try:
        run_tool(argv, timeout=timeout * (retries + 1) + 10)
    except SnmpTimeout:
        raise
    except SnmpError as exc:
        m = re.search(r"Reason: \(?(\w+)", str(exc))
        if m is None:
            raise
        return m.group(1)
    return None


def snmpget1(port, oid, **kw):
    return snmpget(port, oid, **kw)[0]


def snmpbulkwalk(port, oid, community="public", host="127.0.0.1", timeout=1, retries=0):
    """GETBULK walk of a subtree (the tool fails on non-increasing OIDs)."""
    out = run_tool(["snmpbulkwalk", *_common(port, community, host, timeout, retries),
                    _dot(oid)], timeout=60)
    return parse_varbinds(out)


def walk_rows(port, entry, columns, index=None, attempts=10):
    """A table walked with snmpbulkwalk: {index: {column name: value}}; index(sub-ids) makes the
    key (default: the one sub-id, or a tuple of several). A walk goes column by column, so one
    that crosses a reload of the table can see a row in some columns only: such a walk is made
    again, up to attempts times."""
    names = {v: k for k, v in columns.items()}
    index = index or (lambda parts: parts[0] if len(parts) == 1 else tuple(parts))
    for _ in range(attempts):
        rows = {}
        for vb in snmpbulkwalk(port, entry):
            if vb.oid.startswith(entry + "."):
                col, *parts = (int(x) for x in vb.oid[len(entry) + 1:].split("."))
                rows.setdefault(index(parts), {})[names[col]] = vb.value
        if all(len(r) == len(columns) for r in rows.values()):
            return rows
    raise AssertionError(f"rows of {entry} still incomplete after {attempts} walks: {rows}")


def snmpwalk(port, oid, community="public", host="127.0.0.1", timeout=1, retries=0):
    """GETNEXT walk of a subtree."""
    out = run_tool(["snmpwalk", *_common(port, community, host, timeout, retries),
                    _dot(oid)], timeout=60)
    return parse_varbinds(out)


def snmptable(port, table, community="public", host="127.0.0.1", timeout=1, retries=0,
              mibs=None):
    """snmptable -Ci of a table named through the MIB; a list of {column: text} rows.

    snmptable needs the MIB to know a table's columns; mibs is the option list from
    mib_args() (the default), and SnmpError is raised when it is unavailable.
    """
    if mibs is None:
        mibs, reason = mib_args()
        if mibs is None:
            raise SnmpError(f"snmptable needs LEAKWATCH-MIB: {reason}")
    sep = "\x1f"
    out = run_tool(["snmptable", *mibs, "-v2c", "-c", community, "-t", str(timeout),
                    "-r", str(retries), "-Oe", "-OU", "-Ci", "-Cf", sep,
                    f"udp:{host}:{port}", table], timeout=60)
    lines = [ln for ln in out.splitlines() if sep in ln]
    if not lines:
        if "No entries" in out:
            return []
        raise SnmpError(f"unexpected snmptable output:\n{out}")
    header = lines[0].split(sep)
    return [dict(zip(header, ln.split(sep))) for ln in lines[1:]]


_VB_START = re.compile(r"^\.?(\d+(?:\.\d+)*) = (.*)$")


def parse_varbinds(text):
    """Parse '-On' tool output: '.1.3... = TYPE: value' lines; a value may span lines."""
    records = []
    for line in text.splitlines():
        m = _VB_START.match(line)
        if m:
            records.append([m.group(1), m.group(2)])
        elif records:
            records[-1][1] += "\n" + line
        elif line.strip():
            raise SnmpError(f"unparsable tool output line: {line!r}")
    return [Varbind(oid, *parse_value(rest)) for oid, rest in records]


def unquote(s):
    """A string value as the agent holds it, from net-snmp's printed form: the quotes taken
    off, `\\"` and `\\\\` unescaped (leakwatchd's own escapes such as `\\x1b` are text and stay)."""
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] == '"':
        s = s[1:-1]
    return re.sub(r'\\(["\\])', r"\1", s)


def parse_value(rest):
    """'TYPE: value' as printed by net-snmp -> (type, python value)."""
    rest = rest.rstrip("\n")
    if rest.startswith("No Such Object"):
        return "noSuchObject", None
    if rest.startswith("No Such Instance"):
        return "noSuchInstance", None
    if rest.startswith("No more variables left"):
        return "endOfMibView", None
    if rest.strip() == '""':
        return "STRING", b""
    if rest.startswith("Wrong Type"):
        return "WrongType", rest
    m = re.match(r"([A-Za-z][A-Za-z0-9-]*): ?(.*)$", rest, re.S)
    if not m:
        return "unknown", rest
    typ, val = m.groups()
    if typ == "Hex-STRING":
        return "STRING", bytes.fromhex("".join(val.split()))
    if typ == "STRING":
        return "STRING", unquote(val).encode("utf-8")
    if typ in ("INTEGER", "Counter32", "Counter64", "Gauge32", "Unsigned32", "UInteger32"):
        num = re.search(r"-?\d+", val.split("(")[-1] if "(" in val else val)
        return typ, int(num.group()) if num else val
    if typ == "Timeticks":
        return typ, int(re.match(r"\((\d+)\)", val).group(1))
    if typ == "OID":
        return typ, val.strip().lstrip(".")
    return typ, val


def decode_date_and_time(octets):
    """SNMPv2-TC DateAndTime (8 or 11 octets) -> aware datetime (8 octets: local time)."""
    if len(octets) not in (8, 11):
        raise ValueError(f"DateAndTime must be 8 or 11 octets, got {len(octets)}: {octets!r}")
    year = octets[0] << 8 | octets[1]
    month, day, hour, minute, sec, decisec = octets[2:8]
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour <= 23 and minute <= 59
            and sec <= 60 and decisec <= 9):
        raise ValueError(f"DateAndTime fields out of range: {list(octets)}")
    naive = datetime.datetime(year, month, day, hour, minute, min(sec, 59), decisec * 100000)
    if len(octets) == 8:
        return naive.astimezone()
    sign, off_h, off_m = chr(octets[8]), octets[9], octets[10]
    if sign not in "+-" or off_h > 13 or off_m > 59:
        raise ValueError(f"DateAndTime UTC offset invalid: {list(octets[8:])}")
    offset = datetime.timedelta(hours=off_h, minutes=off_m) * (1 if sign == "+" else -1)
    return naive.replace(tzinfo=datetime.timezone(offset))
