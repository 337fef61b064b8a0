# leakwatch status and leakwatch show (issue 16): what they print equals what net-snmp's own
# tools read of the same objects, through a real snmpd with leakwatchd over AgentX and through a
# standalone leakwatchd -M, with SNMPv2c and SNMPv3 (authPriv, SHA-256/AES); their errors.
# SPDX-License-Identifier: ISC
# The agents run with a one-hour interval: after the first cycle the snapshot no longer moves,
# so a read by leakwatch and a walk by snmpbulkwalk see the same values.
import csv
import io
import json
import os
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

from lwoids import system_oid
from lwsnmp import EXCEPTIONS, mib_args, parse_varbinds, run_tool
from lwutil import free_udp_port, leakwatchd_path

MEMTOTAL = system_oid("lwMemTotalKB")
LW = "1.3.6.1.4.1.8072.9999.9999.4111"
USER = ("reader", "SHA-256", "reader-auth-1", "AES", "reader-priv-1")
V3_USER_LINES = ["createUser reader SHA-256 reader-auth-1 AES reader-priv-1", "rouser reader priv"]
# the tables of `leakwatch show` (cli/show_tables.c) and the MIB tables or scalar groups behind
TABLES = {"procs": "lwProcTable", "groups": "lwProcGroupTable", "top": "lwProcTopTable",
          "fds": "lwProcFdTable", "tcp": "lwTcpStateTable", "ports": "lwTcpPortStateTable",
          "remotes": "lwTcpTopRemoteTable", "slab": "lwSlabTable", "zones": "lwZoneTable",
          "buddy": "lwBuddyTable", "mcast": "lwMcastIfTable", "mgroups": "lwMcastGroupTable",
          "members": "lwMcastMemberTable", "alarms": "lwAlarmTable", "trends": "lwTrendTable",
          "collectors": "lwCollectorTable"}
SCALARS = {"sockets": ["lwTcp", "lwSockstat", "lwTcpLimits", "lwTcpCounters"],
           "system": ["lwAgent", "lwSystem"], "kernel": ["lwKernelMemory", "lwVmstat", "lwKernel"],
           "thresholds": ["lwThresholds"]}


def leakwatch_path():
    return Path(leakwatchd_path()).parents[1] / "cli" / "leakwatch"


def leakwatch(*args, env=None, timeout=60):
    exe = leakwatch_path()
    assert exe.is_file(), f"leakwatch not built at {exe}"
    e = dict(os.environ)
    e.update(env or {})
    # raw text may hold bytes that are not UTF-8 (a name cut by the agent): decoded with
    # U+FFFD as the walk's text is (expected())
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, env=e, errors="replace")


def ok(*args, **kw):
    p = leakwatch(*args, **kw)
    assert p.returncode == 0, f"leakwatch {' '.join(args)} exited {p.returncode}: {p.stderr}"
    assert p.stderr == "", p.stderr
    return p.stdout


def v2c(port):
    return ["-v2c", "-c", "public", "-t", "2", "-r", "1", f"udp:127.0.0.1:{port}"]


def v3(port, auth=USER[2], priv=USER[4], user=USER[0]):
    return ["-v3", "-u", user, "-l", "authPriv", "-a", USER[1], "-A", auth, "-x", USER[3],
            "-X", priv, "-t", "2", "-r", "1", f"udp:127.0.0.1:{port}"]


# --- the MIB's names and OIDs, as net-snmp's own parser reads the MIB file ------------------

_translated = {}


def oid_of(name):
    """LEAKWATCH-MIB::name -> numeric OID, by snmptranslate (not by leakwatch's tables)."""
    if name not in _translated:
        args, why = mib_args()
        assert args, f"snmptranslate needs the MIBs: {why}"
        out = run_tool(["snmptranslate", *args, "-On", f"LEAKWATCH-MIB::{name}"])
        _translated[name] = out.strip().lstrip(".")
    return _translated[name]


def walk(port, name):
    """snmpbulkwalk of a table or group: {oid: Varbind}."""
    out = run_tool(["snmpbulkwalk", "-v2c", "-c", "public", "-t", "2", "-r", "1", "-On", "-Oe",
                    "-Ox", f"udp:127.0.0.1:{port}", "." + oid_of(name)], timeout=120)
    # an empty table walks to a noSuchObject on its own OID: no row
    return {vb.oid: vb for vb in parse_varbinds(out) if vb.type not in EXCEPTIONS}


def snmpget(port, *oids):
    out = run_tool(["snmpget", "-v2c", "-c", "public", "-t", "2", "-r", "1", "-On", "-Oe",
                    "-Ox", f"udp:127.0.0.1:{port}", *["." + o for o in oids]])
    return parse_varbinds(out)


def index_oid(value, is_addr):
    """An index value as leakwatch prints it (a number, or an address) -> OID sub-ids."""
    if not is_addr:
        return str(value)
    family = socket.AF_INET6 if ":" in value else socket.AF_INET
    octets = list(socket.inet_pton(family, value))
    return ".".join(map(str, [len(octets), *octets]))


def expected(vb, key=""):
    """A walked value as leakwatch's JSON has it: numbers, text, DateAndTime as ISO text."""
    if vb.type == "STRING" and len(vb.value) in (8, 11) and key.endswith(
            ("Time", "Seen", "Raised", "LastRun", "CounterStart")):
        return datetime_text(vb.value)
    if vb.type == "STRING" and key.endswith("Addr") and len(vb.value) in (4, 16):
        # an InetAddress (RFC 4001): leakwatch prints it as the ...AddrText columns do
        return socket.inet_ntop(socket.AF_INET if len(vb.value) == 4 else socket.AF_INET6,
                                vb.value)
    if vb.type == "STRING":
        return vb.value.decode("utf-8", "replace")
    if vb.type == "OID":
        return "." + vb.value
    return vb.value


def datetime_text(octets):
    y = octets[0] << 8 | octets[1]
    s = "%04u-%02u-%02uT%02u:%02u:%02u" % (y, *octets[2:7])
    if len(octets) >= 11:
        s += "%c%02u:%02u" % (octets[8], octets[9], octets[10])
    return s


def compare_rows(rows, port, mib_table, index_names, as_text=False, some_columns=False):
    """Every value of ROWS (leakwatch's JSON or CSV) is the walked value at the OID its column
    and index name; every walked value is in ROWS (with some_columns, every row of the walk is:
    status reads the columns it shows). Returns the number of values compared."""
    walked = walk(port, mib_table)
    seen = set()
    for row in rows:
        idx = ".".join(index_oid(row[n], n.endswith("Addr")) for n in index_names)
        for key, value in row.items():
            if key in index_names:
                continue
            oid = f"{oid_of(key)}.{idx}"
            if value in (None, "") and as_text is not None and oid not in walked:
                # a hole (a column the agent has no value for in that row), null in JSON and
                # empty in CSV: the walk has none either
                assert value is None or as_text, (key, idx)
                continue
            assert oid in walked, f"{key} row {idx}: leakwatch has {value!r}, the walk nothing"
            vb = walked[oid]
            want = expected(vb, key)
            if as_text:
                want = "" if want is None else str(want)
            assert value == want, f"{key}.{idx}: leakwatch {value!r}, snmpbulkwalk {want!r}"
            seen.add(oid)
    missing = set(walked) - seen
    if some_columns:
        def row_of(oid):
            return oid[len(oid_of(mib_table)) + 3:].split(".", 1)[1]  # after entry.column
        missing = {row_of(o) for o in walked} - {row_of(o) for o in seen}
    assert not missing, f"walked but not shown by leakwatch: {sorted(missing)[:5]}"
    return len(seen)


def index_columns(table):
    """The INDEX objects of a table, by snmptranslate -Td (net-snmp's parser)."""
    args, _ = mib_args()
    entry = table[:-5] + "Entry"
    out = run_tool(["snmptranslate", *args, "-Td", f"LEAKWATCH-MIB::{entry}"])
    m = re.search(r"INDEX\s*\{([^}]*)\}", out)
    return [x.strip() for x in m.group(1).split(",")]


# --- the agents -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def agents(tmp_path_factory):
    """A real snmpd with leakwatchd over AgentX, and a standalone leakwatchd -M with an SNMPv3
    user, both on a one-hour interval (their first snapshot stays), and a plain snmpd."""
    from lwharness import Leakwatchd, Snmpd
    base = tmp_path_factory.mktemp("clistatus")
    started = []
    held = hold_loopback_connections()
    try:
        snmpd = Snmpd(base / "snmpd", extra_lines=V3_USER_LINES)
        started.append(snmpd)
        snmpd.start()
        sub = Leakwatchd(base / "sub", snmpd=snmpd, interval=3600, agentx_ping_interval=1)
        started.append(sub)
        sub.start()
        master = Leakwatchd(base / "master", master=True, interval=3600,
                            rocommunity="public 127.0.0.1", extra_lines=V3_USER_LINES)
        os.chmod(master.conf, 0o600)
        started.append(master)
        master.start()
        plain = Snmpd(base / "plain")
        started.append(plain)
        plain.start()
        for lw in (sub, master):
            # a first cycle served (the machine may be busy: a minute at most)
            lw.wait_served(MEMTOTAL, timeout=60)
            lw.wait_served(f"{LW}.1.1.5.1.2.16", timeout=60)
        yield {"snmpd": snmpd.port, "master": master.port, "plain": plain.port,
               "daemons": started}
    finally:
        for d in reversed(started):
            if d.alive():
                d.stop()
        for sock in held:
            sock.close()


def hold_loopback_connections(per_family=3):
    """Established TCP connections to 127.0.0.1 and ::1, held while the agents take their one
    snapshot, so that lwTcpTopRemoteTable has rows of both address families to compare."""
    held = []
    for family, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.bind((addr, 0))
        listener.listen(per_family)
        held.append(listener)
        for _ in range(per_family):
            client = socket.create_connection(listener.getsockname()[:2])
            server, _ = listener.accept()
            held += [client, server]
    return held


def test_remotes_hold_both_families(agents):
    """The held connections are in the ESTABLISHED rows (as both ends are), as addresses in
    inet_ntop's form; test_show_json_and_csv_are_the_walk[remotes] compares every value."""
    rows = json.loads(ok("show", *v2c(agents["snmpd"]), "remotes", "--json"))
    established = {r["lwTcpTopRemoteAddr"]: r["lwTcpTopRemoteCount"] for r in rows
                   if r["lwTcpTopRemoteStateName"] == "established"}
    assert established.get("127.0.0.1", 0) >= 6, established
    assert established.get("::1", 0) >= 6, established
    for r in rows:
        assert r["lwTcpTopRemoteAddr"] == r["lwTcpTopRemoteAddrText"], r


@pytest.fixture(params=["snmpd", "master"])
def port(request, agents):
    return agents[request.param]


# --- show: --json and --csv against snmpbulkwalk --------------------------------------------

@pytest.mark.parametrize("name", sorted(TABLES))
def test_show_json_and_csv_are_the_walk(agents, name):
    port = agents["snmpd"]
    table = TABLES[name]
    index = index_columns(table)
    rows = json.loads(ok("show", *v2c(port), name, "--json"))
    assert isinstance(rows, list)
    n = compare_rows(rows, port, table, index)
    csv_rows = list(csv.DictReader(io.StringIO(ok("show", name, *v2c(port), "--csv"))))
    assert len(csv_rows) == len(rows)
    compare_rows(csv_rows, port, table, index, as_text=True)
    if name in ("procs", "collectors", "tcp", "slab", "top", "groups", "zones"):
        assert n > 0, f"{name}: no value compared (an empty table on this host?)"


@pytest.mark.parametrize("name", sorted(SCALARS))
def test_show_scalar_groups_are_snmpget(port, name):
    obj = json.loads(ok("show", *v2c(port), name, "--json"))[0]
    names = sorted(obj)
    got = snmpget(port, *[oid_of(k) + ".0" for k in names])
    for key, vb in zip(names, got):
        assert obj[key] == expected(vb, key), f"{key}: leakwatch {obj[key]!r}, snmpget {vb}"
    # every scalar of the groups, as net-snmp's walk finds them
    walked = set()
    for group in SCALARS[name]:
        walked |= {o for o, vb in walk(port, group).items() if o.rsplit(".", 1)[1] == "0" and
                   o.count(".") == oid_of(group).count(".") + 2}
    assert walked == {oid_of(k) + ".0" for k in names}


def test_show_over_snmpv3_is_the_v2c_view(agents):
    for where in ("snmpd", "master"):
        port = agents[where]
        got = json.loads(ok("show", *v3(port), "collectors", "--json"))
        want = json.loads(ok("show", *v2c(port), "collectors", "--json"))
        assert got == want and len(got) == 16, where
        index = index_columns("lwCollectorTable")
        compare_rows(got, port, "lwCollectorTable", index)


def test_show_text_has_named_columns_and_human_units(agents):
    port = agents["snmpd"]
    text = ok("show", *v2c(port), "collectors").splitlines()
    assert text[0].split()[:3] == ["index", "name", "interval"], text[0]
    names = [json_row["lwCollectorName"] for json_row in
             json.loads(ok("show", *v2c(port), "collectors", "--json"))]
    assert [line.split()[1] for line in text[1:]] == names
    # the slab caches' sizes in binary units, the same as the walk's KiB
    rows = json.loads(ok("show", *v2c(port), "slab", "--json"))
    biggest = max(rows, key=lambda r: r["lwSlabTotalKB"])
    text = ok("show", *v2c(port), "slab", "--sort", "total", "--rows", "1").splitlines()
    assert len(text) == 2 and text[1].split()[0] == biggest["lwSlabName"], text
    header = re.split(r"\s{2,}", text[0].strip())
    cells = re.split(r"\s{2,}", text[1].strip())
    assert len(header) == len(cells), text
    shown = re.fullmatch(r"([\d.]+) (KiB|MiB|GiB)", cells[header.index("total")])
    assert shown, text
    kib = biggest["lwSlabTotalKB"]
    value = float(shown.group(1)) * {"KiB": 1, "MiB": 1024, "GiB": 1024 ** 2}[shown.group(2)]
    assert abs(value - kib) <= max(0.051 * kib, 1), (text[1], kib)


# --- status against snmpget of the same objects ---------------------------------------------

def test_status_json_is_snmpget_and_the_walks(port):
    s = json.loads(ok("status", *v2c(port), "--json"))
    names = sorted(s["scalars"])
    got = snmpget(port, *[oid_of(k) + ".0" for k in names])
    for key, vb in zip(names, got):
        assert s["scalars"][key] == expected(vb), f"{key}: status {s['scalars'][key]!r}, {vb}"
    for key, table in (("collectors", "lwCollectorTable"), ("alarms", "lwAlarmTable"),
                       ("trends", "lwTrendTable"), ("tcp", "lwTcpStateTable")):
        compare_rows(s[key], port, table, index_columns(table), some_columns=True)
    # the top processes' leak columns: a GET of lwProcTable by PID, as snmpget reads it
    for p in s["processes"][:5]:
        vbs = snmpget(port, *[f"{oid_of(k)}.{p['lwProcPid']}" for k in p if k != "lwProcPid"])
        assert [v.value for v in vbs] == [p[k] for k in p if k != "lwProcPid"]


def top_rows(port):
    """lwProcTopTable by snmpbulkwalk: {(metric, rank): (pid, name, value)}."""
    w = walk(port, "lwProcTopTable")
    out = {}
    for col, key in (("lwProcTopPid", 0), ("lwProcTopName", 1), ("lwProcTopValue", 2)):
        prefix = oid_of(col) + "."
        for oid, vb in w.items():
            if oid.startswith(prefix):
                m, r = map(int, oid[len(prefix):].split("."))
                out.setdefault((m, r), [None, None, None])[key] = expected(vb)
    return out


def test_status_screen_is_the_agent(port):
    text = ok("status", *v2c(port))
    lines = text.splitlines()
    assert max(len(l) for l in lines) <= 80, [l for l in lines if len(l) > 80]
    assert "\033[" not in text  # not a terminal: no colour
    version, procs, threads = snmpget(port, f"{LW}.1.1.1.0", oid_of("lwProcessCount") + ".0",
                                      oid_of("lwThreadCount") + ".0")
    assert f"leakwatchd {version.text}," in lines[0]
    assert f"{procs.value} processes, {threads.value} threads" in text
    # collectors: the rows without an error are ok, the others listed with their error
    coll = walk(port, "lwCollectorTable")
    errs = [vb.text for o, vb in coll.items() if o.startswith(oid_of("lwCollectorLastError") + ".")]
    failing = [e for e in errs if e]
    m = re.search(r"^collectors: (\d+) ok(?:, (\d+) failing)?$", text, re.M)
    assert m and int(m.group(1)) == len(errs) - len(failing), text
    assert int(m.group(2) or 0) == len(failing)
    alarms = [o for o in walk(port, "lwAlarmTable") if o.startswith(oid_of("lwAlarmType") + ".")]
    assert (f"ALARMS ({len(alarms)})" if alarms else "ALARMS: none") in text
    # the top processes: rank by rank, pid and name as lwProcTopTable has them
    top = top_rows(port)
    block = lines[lines.index("TOP PROCESSES") + 2:]
    for rank in range(1, 6):
        if (1, rank) not in top:
            break
        pid, name, _ = top[(1, rank)]
        cells = block[rank - 1].split()
        assert cells[0] == str(pid) and name.startswith(cells[1].rstrip("~")), (block[rank - 1],
                                                                               top[(1, rank)])
    # TCP: each state's count as lwTcpStateTable has it
    states = walk(port, "lwTcpStateTable")
    count = {int(o.rsplit(".", 1)[1]): vb.value for o, vb in states.items()
             if o.startswith(oid_of("lwTcpStateCount") + ".")}
    for st, label in ((5, "ESTABLISHED"), (4, "SYN_RECV"), (11, "TIME_WAIT"), (8, "CLOSE_WAIT"),
                      (9, "LAST_ACK")):
        m = re.search(rf"^  {label} +(\d+)", text, re.M)
        assert m and int(m.group(1)) == count[st], (label, count[st], text)
    # slab: the number of caches, the largest one first
    slabs = walk(port, "lwSlabTable")
    names = {o.rsplit(".", 1)[1]: vb.text for o, vb in slabs.items()
             if o.startswith(oid_of("lwSlabName") + ".")}
    sizes = {o.rsplit(".", 1)[1]: vb.value for o, vb in slabs.items()
             if o.startswith(oid_of("lwSlabTotalKB") + ".")}
    assert f", {len(names)} caches" in text
    first = next(lines[i + 1] for i, l in enumerate(lines) if l.startswith("  largest"))
    largest = [names[i] for i in sizes if sizes[i] == max(sizes.values())]
    assert any(n.startswith(first.split()[0].rstrip("~")) for n in largest), (first, largest)


def test_status_colour_only_on_a_terminal_and_never_with_no_color(agents):
    import pty
    port = agents["master"]

    def on_tty(env):
        main, sub = pty.openpty()
        e = dict(os.environ)
        e.pop("NO_COLOR", None)
        e.update(env)
        p = subprocess.Popen([str(leakwatch_path()), "status", *v2c(port)], stdout=sub,
                             stderr=subprocess.PIPE, env=e, stdin=subprocess.DEVNULL)
        os.close(sub)
        out = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        os.close(main)
        assert p.wait(30) == 0
        return out.decode()
    assert "\033[1m" in on_tty({})
    assert "\033[" not in on_tty({"NO_COLOR": "1"})
    assert "\033[1m" in ok("status", *v2c(port), "--color")
    assert "\033[" not in ok("status", *v2c(port), "--color", env={"NO_COLOR": "1"})


def test_status_over_snmpv3_through_snmpd_and_master(agents):
    for where in ("snmpd", "master"):
        port = agents[where]
        s3 = json.loads(ok("status", *v3(port), "--json"))
        s2 = json.loads(ok("status", *v2c(port), "--json"))
        for k in ("lwAgentVersion", "lwMemTotalKB", "lwProcessCount", "lwAgentSnapshotTimeUnix"):
            assert s3["scalars"][k] == s2["scalars"][k], (where, k)
        assert s3["top"] == s2["top"] and s3["tcp"] == s2["tcp"], where


def test_no_mib_file_needed_nor_warned_about(agents, tmp_path):
    empty = tmp_path / "mibs"
    conf = tmp_path / "conf"
    empty.mkdir()
    conf.mkdir()
    env = {"MIBDIRS": str(empty), "SNMPCONFPATH": str(conf), "MIBS": ""}
    env_no_mibs = dict(env)
    p = leakwatch("status", *v2c(agents["snmpd"]), env=env_no_mibs)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    e = dict(os.environ, **env)
    e.pop("MIBS")
    p = subprocess.run([str(leakwatch_path()), "show", *v2c(agents["master"]), "tcp"], env=e,
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    # where snmpget itself does warn
    t = subprocess.run(["snmpget", *v2c(agents["master"]), ".1.3.6.1.2.1.1.3.0"], env=e,
                       capture_output=True, text=True, timeout=30)
    assert "Cannot find module" in t.stderr, t.stderr


# --- errors: one line, distinct exit statuses ------------------------------------------------

def one_line_error(p, status, *words):
    assert p.returncode == status, (p.returncode, p.stderr, p.stdout)
    assert p.stdout == "" and p.stderr.count("\n") == 1, p.stderr
    for w in words:
        assert w in p.stderr, (w, p.stderr)
    return p.stderr


def test_closed_port_says_no_answer():
    closed = free_udp_port()
    p = leakwatch("status", "-v2c", "-c", "public", "-t", "0.5", "-r", "0",
                  f"udp:127.0.0.1:{closed}")
    one_line_error(p, 3, "no answer from", f"127.0.0.1:{closed}", "wrong community or port")


def test_wrong_community_says_no_answer(agents):
    p = leakwatch("show", "-v2c", "-c", "wrong", "-t", "0.5", "-r", "0",
                  f"udp:127.0.0.1:{agents['snmpd']}", "procs")
    one_line_error(p, 3, "no answer from", "wrong community")


def test_wrong_v3_password_and_user_are_refused(agents):
    for where in ("snmpd", "master"):
        port = agents[where]
        p = leakwatch("status", *v3(port, auth="not-the-password"))
        one_line_error(p, 4, "refused", "Authentication failure")
        p = leakwatch("status", *v3(port, user="nobody-here"))
        one_line_error(p, 4, "refused", "Unknown user name")


def test_snmpd_without_leakwatchd(agents):
    p = leakwatch("status", *v2c(agents["plain"]))
    one_line_error(p, 5, "no LEAKWATCH-MIB", "leakwatchd")
    p = leakwatch("show", *v2c(agents["plain"]), "slab")
    one_line_error(p, 5, "no LEAKWATCH-MIB")


def test_usage_errors():
    p = leakwatch("show", "nosuchtable")
    err = one_line_error(p, 2, "unknown table 'nosuchtable'")
    for name in list(TABLES) + list(SCALARS):
        assert name in err
    p = leakwatch("status", "--bogus")
    one_line_error(p, 2, "unknown option")
    for cmd in ("status", "show"):
        p = leakwatch(cmd, "--help")
        assert p.returncode == 0 and "usage: leakwatch " + cmd in p.stdout


def test_snmpv1_reads_with_getnext_what_v2c_reads(agents):
    port = agents["master"]
    v1 = ["-v1", "-c", "public", "-t", "2", "-r", "1", f"udp:127.0.0.1:{port}"]
    for name in ("collectors", "slab", "tcp"):
        got = json.loads(ok("show", *v1, name, "--json"))
        want = json.loads(ok("show", *v2c(port), name, "--json"))
        assert len(got) == len(want) and len(got) > 0, name
        for g, w in zip(got, want):
            for key in w:
                # SNMPv1 cannot carry a Counter64 (RFC 3584 4.2.2.1): the agent skips it
                if key == "lwCollectorTotalDurationUs":
                    assert g[key] is None, g
                else:
                    assert g[key] == w[key], (name, key, g, w)
    s1 = json.loads(ok("status", *v1, "--json"))
    s2 = json.loads(ok("status", *v2c(port), "--json"))
    assert s1["top"] == s2["top"] and s1["scalars"]["lwMemTotalKB"] == \
        s2["scalars"]["lwMemTotalKB"]
