# Standalone -M access (issue 14 item 6): only the system group and LEAKWATCH-MIB are in view,
# SNMPv3 users (createUser, rouser, rwuser) with their levels, net-snmp's state kept in
# STATE_DIR/snmp only, the start without any access line. leakwatchd(8), leakwatchd.conf(5).
# SPDX-License-Identifier: ISC
import os
import re
import time
from pathlib import Path

import pytest

from lwoids import LW, LW_SYSTEM, system_oid, threshold_oid
from lwsnmp import SnmpError, SnmpTimeout, parse_varbinds, run_tool, snmpbulkwalk, snmpget

MEMTOTAL = system_oid("lwMemTotalKB")
HOLDDOWN = threshold_oid("lwAlarmHoldDown")
LW_THRESHOLDS = HOLDDOWN.rsplit(".", 2)[0]
SYSTEM = "1.3.6.1.2.1.1"
SYS_DESCR, SYS_CONTACT = SYSTEM + ".1.0", SYSTEM + ".4.0"
# the system group (RFC 3418) as discovery reads it: sysDescr .. sysLocation, sysORLastChange
SYSTEM_SCALARS = [f"{SYSTEM}.{n}.0" for n in (1, 2, 3, 4, 5, 6, 8)]

USERS = {  # name: (auth protocol, auth passphrase, priv protocol, priv passphrase)
    "reader": ("SHA-256", "reader-auth-1", "AES", "reader-priv-1"),
    "writer": ("SHA-512", "writer-auth-1", "AES-256", "writer-priv-1"),
    "signer": ("SHA", "signer-auth-1", None, None),
}
ACCESS = ["rouser reader priv", "rwuser writer priv", "rouser signer auth"]


def user_lines():
    lines = []
    for name, (a, ap, p, pp) in USERS.items():
        lines.append(f"createUser {name} {a} {ap}" + (f" {p} {pp}" if p else ""))
    return lines + ACCESS


@pytest.fixture
def master(lw_factory):
    lw = lw_factory(master=True, interval=3600, rocommunity="public 127.0.0.1",
                    extra_lines=user_lines())
    os.chmod(lw.conf, 0o600)
    lw.wait_served(MEMTOTAL)
    return lw


@pytest.fixture
def v2c_master(lw_factory):
    """A master with a community only: what main's daemon can also run."""
    lw = lw_factory(master=True, interval=3600, rocommunity="public 127.0.0.1")
    lw.wait_served(MEMTOTAL)
    return lw


def v3(tool, lw, user, *args, level="authPriv", auth_pass=None, priv_pass=None):
    """A net-snmp tool over SNMPv3 as user; its stdout."""
    a, ap, p, pp = USERS[user]
    argv = [tool, "-v3", "-u", user, "-l", level, "-a", a, "-A", auth_pass or ap]
    if level == "authPriv":
        argv += ["-x", p, "-X", priv_pass or pp]
    argv += ["-t", "2", "-r", "0", "-On", "-Oe", "-Ox", f"udp:127.0.0.1:{lw.port}", *args]
    return run_tool(argv)


def v3_error(tool, lw, user, *args, **kw):
    with pytest.raises(SnmpError) as exc:
        v3(tool, lw, user, *args, **kw)
    return str(exc.value)


def saved_holddown(lw):
    path = lw.state_dir / "thresholds"
    text = path.read_text() if path.exists() else ""
    m = re.search(r"^alarm_holddown (\d+)$", text, re.M)
    return int(m.group(1)) if m else None


def stable(vbs):
    """A walk without what moves between two requests (sysUpTime)."""
    return {vb.oid: (vb.type, vb.value) for vb in vbs if vb.oid != SYSTEM + ".3.0"}


# --- views -------------------------------------------------------------------------------------

def test_v2c_walk_of_everything_is_system_group_and_leakwatch_mib(v2c_master):
    vbs = snmpbulkwalk(v2c_master.port, ".1")
    prefixes = {SYSTEM if vb.oid.startswith(SYSTEM + ".") else
                LW if vb.oid.startswith(LW + ".") else vb.oid for vb in vbs}
    assert prefixes == {SYSTEM, LW}, sorted(prefixes - {SYSTEM, LW})[:20]
    oids = {vb.oid for vb in vbs}
    assert set(SYSTEM_SCALARS) <= oids
    # sysORTable names LEAKWATCH-MIB
    assert any(vb.oid.startswith(SYSTEM + ".9.1.2.") and vb.value == LW for vb in vbs)
    assert MEMTOTAL in oids


def test_sys_descr_names_leakwatchd_not_the_kernel(v2c_master):
    descr = snmpget(v2c_master.port, SYS_DESCR)[0].text
    assert descr.startswith("leakwatchd "), descr
    assert os.uname().release not in descr and os.uname().version not in descr, descr


@pytest.mark.parametrize("oid", [
    "1.3.6.1.6.3.16.1.2.1.3.2.3.118.51",  # vacmGroupName: (the tables of RFC 3415)
    "1.3.6.1.6.3.16.1.5.1.0",             # vacmViewSpinLock
    "1.3.6.1.6.3.15.1.2.1.0",             # usmUserSpinLock (RFC 3414)
    "1.3.6.1.6.3.10.2.1.1.0",             # snmpEngineID
    "1.3.6.1.6.3.12.1.1.0",               # snmpTargetSpinLock (RFC 3413)
    "1.3.6.1.2.1.2.1.0",                  # ifNumber
    "1.3.6.1.2.1.25.1.1.0",               # hrSystemUptime
    "1.3.6.1.2.1.11.1.0",                 # snmpInPkts
])
def test_other_mibs_are_not_served(v2c_master, oid):
    assert snmpget(v2c_master.port, oid)[0].type == "noSuchObject"


def test_nothing_follows_leakwatch_mib(v2c_master):
    vbs = parse_varbinds(run_tool(["snmpgetnext", "-v2c", "-c", "public", "-On",
                                   f"udp:127.0.0.1:{v2c_master.port}", ".1.3.6.1.6",
                                   ".1.3.6.1.2.1.2"]))
    assert vbs[0].type == "endOfMibView", vbs
    assert vbs[1].oid.startswith(LW + "."), vbs


# --- SNMPv3 ------------------------------------------------------------------------------------

@pytest.mark.parametrize("user", ["reader", "writer"])
def test_v3_auth_priv_reads_what_v2c_reads(master, user):
    for subtree in (SYSTEM, LW_SYSTEM, LW_THRESHOLDS):
        via_v2c = stable(snmpbulkwalk(master.port, subtree))
        via_v3 = stable(parse_varbinds(v3("snmpbulkwalk", master, user, "." + subtree)))
        assert via_v3 == via_v2c and via_v2c, subtree
    got = parse_varbinds(v3("snmpget", master, user, MEMTOTAL, SYS_DESCR))
    assert [vb.value for vb in got] == [vb.value for vb in snmpget(master.port, MEMTOTAL,
                                                                     SYS_DESCR)]


def test_v3_walk_sees_only_the_views(master):
    vbs = parse_varbinds(v3("snmpbulkwalk", master, "reader", ".1.3.6.1.6"))
    assert vbs == [] or all(vb.type == "endOfMibView" for vb in vbs), vbs[:5]
    assert parse_varbinds(v3("snmpget", master, "reader", "1.3.6.1.6.3.15.1.2.1.0"))[0].type \
        == "noSuchObject"


def test_auth_only_user_reads_at_auth_no_priv(master):
    vb = parse_varbinds(v3("snmpget", master, "signer", MEMTOTAL, level="authNoPriv"))[0]
    assert vb.type == "Gauge32" and vb.value > 0


def test_rouser_cannot_set(master):
    before = snmpget(master.port, HOLDDOWN)[0].value
    err = v3_error("snmpset", master, "reader", HOLDDOWN, "u", str(before + 7))
    assert re.search(r"noAccess|authorizationError", err), err
    assert snmpget(master.port, HOLDDOWN)[0].value == before
    assert saved_holddown(master) is None


def test_rwuser_sets_a_threshold(master):
    out = parse_varbinds(v3("snmpset", master, "writer", HOLDDOWN, "u", "271"))
    assert out[0].value == 271
    assert snmpget(master.port, HOLDDOWN)[0].value == 271
    assert saved_holddown(master) == 271


def test_rwuser_cannot_set_outside_leakwatch_mib(master):
    err = v3_error("snmpset", master, "writer", SYS_CONTACT, "s", "intruder")
    assert re.search(r"noAccess|notWritable|authorizationError", err), err
    assert snmpget(master.port, SYS_CONTACT)[0].text != "intruder"


def test_community_cannot_set(v2c_master):
    err = str(pytest.raises(SnmpError, run_tool, ["snmpset", "-v2c", "-c", "public", "-On",
                                                  "-t", "2", "-r", "0",
                                                  f"udp:127.0.0.1:{v2c_master.port}", HOLDDOWN,
                                                  "u", "300"]).value)
    assert re.search(r"noAccess|notWritable|authorizationError", err), err


def test_wrong_auth_passphrase_is_refused(master):
    err = v3_error("snmpget", master, "reader", MEMTOTAL, auth_pass="reader-auth-2")
    assert "Authentication failure" in err, err


def test_wrong_priv_passphrase_gets_no_value(master):
    with pytest.raises(SnmpError) as exc:
        v3("snmpget", master, "reader", MEMTOTAL, priv_pass="reader-priv-2")
    assert "Gauge32" not in str(exc.value)


def test_auth_no_priv_for_a_priv_user_is_refused(master):
    err = v3_error("snmpget", master, "reader", MEMTOTAL, level="authNoPriv")
    assert "authorizationError" in err, err


def test_unknown_user_is_refused(master):
    with pytest.raises(SnmpError) as exc:
        run_tool(["snmpget", "-v3", "-u", "mallory", "-l", "authPriv", "-a", "SHA-256", "-A",
                  "reader-auth-1", "-x", "AES", "-X", "reader-priv-1", "-t", "2", "-r", "0",
                  f"udp:127.0.0.1:{master.port}", MEMTOTAL])
    assert "Unknown user name" in str(exc.value)


# --- net-snmp's state: STATE_DIR/snmp only -----------------------------------------------------

WATCHED = [Path("/var/lib/snmp"), Path("/etc/snmp"), Path("/var/net-snmp"),
           Path("/usr/share/snmp"), Path.home() / ".snmp"]


def tree_state():
    """Every file under the directories net-snmp would use by default, with size and mtime."""
    state = {}
    for top in WATCHED:
        if top.exists():
            for p in [top, *top.rglob("*")]:
                st = p.lstat()
                state[str(p)] = (st.st_size, st.st_mtime_ns)
    return state


def wait_v3(lw, timeout=15):
    """Poll until the user reader is answered (the daemon has no community here)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return v3("snmpget", lw, "reader", MEMTOTAL)
        except SnmpError:
            lw.check_alive()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def persisted(lw):
    text = (lw.state_dir / "snmp" / "leakwatchd.conf").read_text()
    boots = int(re.search(r"^engineBoots (\d+)$", text, re.M).group(1))
    engine = re.search(r"^oldEngineID (0x[0-9a-fA-F]+)$", text, re.M).group(1)
    return text, boots, engine


def test_engine_state_stays_in_state_dir(lw_factory):
    before = tree_state()
    lw = lw_factory(master=True, interval=3600, extra_lines=user_lines())
    os.chmod(lw.conf, 0o600)
    wait_v3(lw)
    v3("snmpset", lw, "writer", HOLDDOWN, "u", "301")
    text, boots, engine = persisted(lw)
    assert lw.stop() == 0
    text, boots_at_exit, engine_at_exit = persisted(lw)
    # the users are leakwatchd.conf's: no key is ever saved beside the engine's state
    assert not re.search(r"^\s*(usmUser|createUser)", text, re.M), text
    assert "reader-auth-1" not in text
    assert (boots_at_exit, engine_at_exit) == (boots, engine)
    snmp_dir = lw.state_dir / "snmp"
    assert snmp_dir.stat().st_mode & 0o777 == 0o700
    # the harness gives the daemon SNMP_PERSISTENT_DIR=<tmp>/persist: not used either
    assert not lw.persist.exists()
    assert tree_state() == before
    # a restart is a new boot of the same engine (RFC 3414 2.2.2)
    lw.start()
    wait_v3(lw)
    _, boots2, engine2 = persisted(lw)
    assert (boots2, engine2) == (boots + 1, engine)


def test_world_readable_config_with_passphrases_is_warned(lw_factory):
    lw = lw_factory(master=True, interval=3600, rocommunity="public 127.0.0.1",
                    extra_lines=user_lines(), start=False)
    os.chmod(lw.conf, 0o644)
    lw.start()
    lw.wait_served(MEMTOTAL)
    assert re.search(r"holds SNMPv3 passphrases and every user can read it", lw.log()), lw.log()
    assert "reader-auth-1" not in lw.output()


# --- configuration errors and the start without access ----------------------------------------

BAD_USER_LINES = {
    "md5": ("createUser u MD5 12345678", "unknown authentication protocol 'MD5'"),
    "short-pass": ("createUser u SHA-256 1234567", "passphrase has 7 characters, at least 8"),
    "des": ("createUser u SHA-256 12345678 DES 12345678", "unknown privacy protocol 'DES'"),
    "missing-privpass": ("createUser u SHA-256 12345678 AES", "usage: createUser NAME"),
    "no-such-user": ("rouser ghost priv", "rouser: no createUser line for 'ghost'"),
    "noauth": ("rwuser u noauth", "level noauth is not accepted"),
}


@pytest.mark.parametrize("line,message", BAD_USER_LINES.values(), ids=BAD_USER_LINES.keys())
def test_bad_user_line_exits_2_with_file_and_line(lw_factory, line, message):
    lw = lw_factory(master=True, start=False)
    lw.write_config(text=f"# line 1\ninterval 10\n{line}\nstate_dir {lw.state_dir}\n")
    lw.start()
    assert lw.wait_exit(timeout=10) == 2, lw.diagnostics()
    assert f"{lw.conf}:3: " in lw.output() and message in lw.output(), lw.diagnostics()
    assert "1234567" not in lw.output()


def test_no_access_starts_and_refuses_everything(lw_factory):
    lw = lw_factory(master=True, interval=1)  # no rocommunity, rouser or rwuser
    deadline = time.monotonic() + 10
    while "started" not in lw.log():
        lw.check_alive()
        assert time.monotonic() < deadline, lw.diagnostics()
        time.sleep(0.1)
    assert re.search(r"no rocommunity, rouser or rwuser in .*every request is refused",
                     lw.log()), lw.log()
    assert "snmpconf" not in lw.log()  # net-snmp's own advice does not apply to leakwatchd
    for community in ("public", "private"):
        with pytest.raises(SnmpTimeout):
            snmpget(lw.port, SYS_DESCR, community=community)
    time.sleep(1.5)  # a cycle later it is still running
    lw.check_alive()
