# test_traps.py: leakwatch notifications through real snmptrapd into leakwatch-traphandle (Nagios 4 and Icinga 2 passive results, Zabbix trapper file) and SNMPTT 1.5, with a hostile process name.
# SPDX-License-Identifier: ISC
"""One namespace, one agent (snmpd + leakwatchd, interval 1) sending every notification to two
snmptrapd: one with LEAKWATCH-MIB loaded (symbolic input for the handler, which feeds Nagios 4),
one with -On and no MIB (numeric input for the handler, which feeds Icinga 2, and SNMPTT, whose
EVENT lines are numeric). A load alarm is raised and cleared through lwAlarmLoadPerCpu; a process
named like a shell command leaks until leakwatchd raises lwProcMemLeak, then exits, which clears
it. Nagios and Icinga run from private configs with the shipped passive services; the Zabbix
side is the trapper file's text (the Zabbix test feeds such a file to a real server)."""
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from nmsenv import FAST_LEAK_SETTINGS, LW, REPO, NmsError, need

TRAPS = REPO / "nms" / "traps"
HANDLER = TRAPS / "leakwatch-traphandle"
MIB = REPO / "mibs" / "LEAKWATCH-MIB.txt"
B = f"{LW}.1"
LOAD1, CPUS = f"{B}.2.1.0", f"{B}.2.4.0"
LOAD_PER_CPU = f"{B}.7.1.10.0"
ALARM_ENTRY = f"{B}.7.2.1"
HOSTILE = "$(touch pw);rm"          # 14 octets: fits the kernel's 15-octet comm
NAGIOS_STATE = {1: 1, 2: 1, 3: 1, 4: 2}      # lwAlarmSeverity -> the shipped traphandle.conf's state
STATE_NAME = {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}
SNMPTT_SEVERITY = {1: "Minor", 2: "Minor", 3: "Major", 4: "Critical"}
ZBX_HEADER = re.compile(r"^\d\d:\d\d:\d\d \d{4}/\d\d/\d\d ZBXTRAP (\S+)$")

_BUSY = "import time\nend = time.time() + 120\nwhile time.time() < end: pass\n"


def mib_notifications():
    """{name: sub-id} of every NOTIFICATION-TYPE of the MIB, read from the MIB text."""
    text = MIB.read_text()
    names = re.findall(r"^(\w+)\s+NOTIFICATION-TYPE\b", text, re.M)
    subs = dict(re.findall(r"^(\w+)\s+NOTIFICATION-TYPE.*?::=\s*\{\s*lwNotifications\s+(\d+)\s*\}",
                           text, re.M | re.S))
    assert set(names) == set(subs), "a NOTIFICATION-TYPE without its lwNotifications number"
    return {n: int(subs[n]) for n in names}


def events_of(conf_text):
    """[(name, oid, severity, [MATCH lines], FORMAT)] of an snmptt.conf."""
    out = []
    for line in conf_text.splitlines():
        if line.startswith("EVENT "):
            parts = line.split()
            out.append([parts[1], parts[2], parts[-1], [], None])
        elif line.startswith("MATCH ") and out:
            out[-1][3].append(line[6:])
        elif line.startswith("FORMAT ") and out:
            out[-1][4] = line[7:]
    return out


# --- offline: the shipped files against the MIB ----------------------------------------------

def test_handler_and_snmptt_conf_cover_every_notification(tmp_path):
    need("perl")
    notifs = mib_notifications()
    assert len(notifs) >= 20
    # the handler's own table
    listed = subprocess.run([HANDLER, "--list"], capture_output=True, text=True, check=True).stdout
    table = {ln.split()[0]: ln.split()[1] for ln in listed.splitlines()}
    assert table == {n: f".{LW}.0.{s}" for n, s in notifs.items()}
    # the shipped SNMPTT file is the generator's output, and covers every notification
    shipped = (TRAPS / "snmptt.conf.leakwatch").read_text()
    gen = subprocess.run([sys.executable, TRAPS / "make-snmptt-conf.py", "--mib", MIB],
                         capture_output=True, text=True, check=True).stdout
    assert gen == shipped, "snmptt.conf.leakwatch differs from make-snmptt-conf.py's output"
    events = events_of(shipped)
    by_name = {}
    for name, oid, sev, matches, fmt in events:
        assert fmt, f"{name}: no FORMAT"
        assert oid == f".{LW}.0.{notifs[name]}", (name, oid)
        by_name.setdefault(name, []).append((sev, matches))
    assert set(by_name) == set(notifs), set(notifs) ^ set(by_name)
    for name, sub in notifs.items():
        sevs = sorted(s for s, _ in by_name[name])
        if name == "lwCollectorFailed":
            assert sevs == ["Minor"]
        elif name == "lwCollectorRecovered" or sub % 2 == 0:
            assert sevs == ["Normal"], (name, sevs)          # clears
        else:
            assert sevs == ["Critical", "Major", "Minor"], (name, sevs)
            assert all(len(m) == 1 and m[0].startswith("$3: ") for _, m in by_name[name])
    # EXEC lines that would put trap text unquoted into SNMPTT's shell are refused
    bad = subprocess.run([sys.executable, TRAPS / "make-snmptt-conf.py", "--exec", "/bin/x $1"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "outside double quotes" in bad.stderr


def _handler_input(trap_oid, varbinds, addr="192.0.2.7"):
    lines = [addr, f"UDP: [{addr}]:40000->[127.0.0.1]:162", "DISMAN-EVENT-MIB::sysUpTimeInstance 0:0:01:00.00",
             f"SNMPv2-MIB::snmpTrapOID.0 {trap_oid}"] + varbinds
    return "\n".join(lines) + "\n"


def test_handler_never_blocks_and_keeps_text_inert(tmp_path):
    """No reader on the FIFO (Nagios down): the handler returns at once. Text that would split
    a Zabbix record, start Nagios perfdata or inject a command line stays inert text."""
    need("perl")
    fifo = tmp_path / "nagios.cmd"
    os.mkfifo(fifo, 0o600)
    zbx = tmp_path / "traps.log"
    env = dict(os.environ, LEAKWATCH_TRAP_NAGIOS_COMMAND_FILE=str(fifo),
               LEAKWATCH_TRAP_ZABBIX_TRAP_FILE=str(zbx), LEAKWATCH_TRAP_STATE_DIR="")
    evil = "x ZBXTRAP 10.0.0.9 |a=1 \\x0a$(touch pw)"
    data = _handler_input("LEAKWATCH-MIB::lwProcGroupMemLeak", [
        f"LEAKWATCH-MIB::lwAlarmObject.9 {evil}", "LEAKWATCH-MIB::lwAlarmSeverity.9 critical(4)",
        "LEAKWATCH-MIB::lwAlarmValue.9 4096", "LEAKWATCH-MIB::lwAlarmSlope.9 7200",
        "LEAKWATCH-MIB::lwAlarmTimeToExhaustion.9 1800 seconds"])
    t0 = time.monotonic()
    r = subprocess.run([HANDLER], input=data, capture_output=True, text=True, env=env,
                       timeout=20, cwd=tmp_path)
    assert time.monotonic() - t0 < 2 and r.returncode == 0
    assert "nobody reads" in r.stderr
    text = zbx.read_text()
    assert text.count("ZBXTRAP") == 1 and "ZBX_TRAP 10.0.0.9" in text
    assert ZBX_HEADER.match(text.splitlines()[0]).group(1) == "192.0.2.7"
    assert text.splitlines()[1] == (
        f"lwProcGroupMemLeak .{LW}.0.17 severity=critical x ZBX_TRAP 10.0.0.9 |a=1 \\x0a$(touch pw): "
        "4096 KiB growing 7200 KiB/h, exhaustion in 30m00s [alarm 9]")
    assert not (tmp_path / "pw").exists()
    # with a reader: one command line, '|' made harmless, the state from the severity
    reader = subprocess.Popen(["cat", fifo], stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(0.2)
        subprocess.run([HANDLER], input=data, capture_output=True, text=True, env=env,
                       timeout=20, check=True)
    finally:
        out = reader.communicate(timeout=10)[0]
    cmd, = out.splitlines()
    assert re.fullmatch(r"\[\d+\] PROCESS_SERVICE_CHECK_RESULT;192\.0\.2\.7;leakwatch-groupMemLeak;2;"
                        r"CRITICAL lwProcGroupMemLeak x ZBXTRAP 10\.0\.0\.9 !a=1 \\x0a\$\(touch pw\): .*", cmd), cmd


def test_handler_reads_every_form_snmptrapd_prints(tmp_path):
    """The same notification as snmptrapd prints it with LEAKWATCH-MIB, with -On, with no MIB at
    all (iso.3...), and with only the base MIBs (enterprises..., netSnmpPlaypen...)."""
    need("perl")
    B_ = f"{LW}.1.7.2.1"
    forms = {
        "symbolic": ("LEAKWATCH-MIB::lwProcFdLeak", "LEAKWATCH-MIB::lwAlarmObject.12 sshd (pid 9)",
                     "LEAKWATCH-MIB::lwAlarmSeverity.12 critical", "LEAKWATCH-MIB::lwAlarmValue.12 900",
                     "LEAKWATCH-MIB::lwAlarmSlope.12 120", "LEAKWATCH-MIB::lwAlarmTimeToExhaustion.12 3000 seconds"),
        "numeric": (f".{LW}.0.5", f'.{B_}.3.12 "sshd (pid 9)"', f".{B_}.5.12 4", f".{B_}.7.12 900",
                    f".{B_}.9.12 120", f".{B_}.10.12 3000"),
        "iso": (f"iso.{LW[2:]}.0.5", f'iso.{B_[2:]}.3.12 "sshd (pid 9)"', f"iso.{B_[2:]}.5.12 4",
                f"iso.{B_[2:]}.7.12 900", f"iso.{B_[2:]}.9.12 120", f"iso.{B_[2:]}.10.12 3000"),
        "base MIBs": ("SNMPv2-SMI::enterprises.8072.9999.9999.4111.0.5",
                      'NET-SNMP-MIB::netSnmpPlaypen.4111.1.7.2.1.3.12 "sshd (pid 9)"',
                      "NET-SNMP-MIB::netSnmpPlaypen.4111.1.7.2.1.5.12 critical(4)",
                      "NET-SNMP-MIB::netSnmpPlaypen.4111.1.7.2.1.7.12 Counter64: 900",
                      "NET-SNMP-MIB::netSnmpPlaypen.4111.1.7.2.1.9.12 INTEGER: 120",
                      "NET-SNMP-MIB::netSnmpPlaypen.4111.1.7.2.1.10.12 Gauge32: 3000"),
    }
    for name, (trap_oid, *vbs) in forms.items():
        zbx = tmp_path / f"{name}.log"
        env = dict(os.environ, LEAKWATCH_TRAP_ZABBIX_TRAP_FILE=str(zbx))
        subprocess.run([HANDLER], input=_handler_input(trap_oid, vbs), text=True, env=env,
                       timeout=20, check=True)
        (addr, text), = zbx_records(zbx)
        assert addr == "192.0.2.7" and text[0] == (
            f"lwProcFdLeak .{LW}.0.5 severity=critical sshd (pid 9): 900 descriptors growing "
            "120 descriptors/h, exhaustion in 50m00s [alarm 12]"), (name, text)


def test_handler_state_is_the_worst_active_alarm_and_survives_restarts(tmp_path):
    """With state_dir: two leaks of one type make one service with the worst state; clearing one
    leaves the other; a raise with a lower index (leakwatchd restarted) drops the alarms of before."""
    need("perl")
    fifo = tmp_path / "nagios.cmd"
    os.mkfifo(fifo, 0o600)
    reader = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)   # a reader that never sees EOF
    (tmp_path / "state").mkdir()
    (tmp_path / "hosts").write_text("192.0.2.7 db1\n")
    env = dict(os.environ, LEAKWATCH_TRAP_NAGIOS_COMMAND_FILE=str(fifo),
               LEAKWATCH_TRAP_NAGIOS_HOSTS=str(tmp_path / "hosts"),
               LEAKWATCH_TRAP_STATE_DIR=str(tmp_path / "state"))

    def trap(name, index, obj, sev):
        data = _handler_input(f"LEAKWATCH-MIB::{name}", [
            f"LEAKWATCH-MIB::lwAlarmObject.{index} {obj}", f"LEAKWATCH-MIB::lwAlarmSeverity.{index} {sev}",
            f"LEAKWATCH-MIB::lwAlarmValue.{index} 1000", f"LEAKWATCH-MIB::lwAlarmSlope.{index} 5000"])
        subprocess.run([HANDLER], input=data, text=True, env=env, timeout=20, check=True)
        time.sleep(0.05)
        out = b""
        while True:
            try:
                chunk = os.read(reader, 65536)
            except BlockingIOError:
                break
            out += chunk
        cmds = [ln.split(";", 4) for ln in out.decode().splitlines()]
        assert all(c[0].endswith("PROCESS_SERVICE_CHECK_RESULT") and c[1] == "db1" for c in cmds), cmds
        return [c[2:] for c in cmds]
    try:
        assert trap("lwProcMemLeak", 5, "a (pid 1)", "major") == \
            [["leakwatch-procMemLeak", "1", "MAJOR lwProcMemLeak a (pid 1): 1000 KiB growing 5000 KiB/h [alarm 5]"]]
        svc, state, text = trap("lwProcMemLeak", 6, "b (pid 2)", "critical(4)")[0]
        assert (svc, state) == ("leakwatch-procMemLeak", "2") and text.startswith("2 active: CRITICAL lwProcMemLeak b")
        assert "MAJOR lwProcMemLeak a (pid 1)" in text
        assert trap("lwProcMemLeakClear", 6, "b (pid 2)", "critical") == \
            [["leakwatch-procMemLeak", "1", "MAJOR lwProcMemLeak a (pid 1): 1000 KiB growing 5000 KiB/h [alarm 5]"]]
        # another type does not touch this service
        assert trap("lwLoadHigh", 7, "load", "3")[0][:2] == ["leakwatch-loadHigh", "1"]
        # leakwatchd restarted: index 1 again; alarm 5 (no clear will ever come) is dropped
        out = trap("lwProcGroupMemLeak", 1, "g", "major")
        assert sorted(r[0] for r in out) == ["leakwatch-groupMemLeak", "leakwatch-loadHigh", "leakwatch-procMemLeak"]
        states = {r[0]: r[1] for r in out}
        assert states == {"leakwatch-groupMemLeak": "1", "leakwatch-loadHigh": "0", "leakwatch-procMemLeak": "0"}
        assert sorted(os.listdir(tmp_path / "state" / "192.0.2.7")) == ["a1", "maxindex"]
    finally:
        os.close(reader)


# --- the real path --------------------------------------------------------------------------

def nagios_config(T):
    n = T / "nagios"
    for d in ("objects", "var", "spool"):
        (n / d).mkdir(parents=True)
    (n / "resource.cfg").write_text("$USER1$=/usr/lib/nagios/plugins\n")
    objects = [
        ("timeperiod", ["timeperiod_name 24x7", "alias always"] +
         [f"{d} 00:00-24:00" for d in ("sunday", "monday", "tuesday", "wednesday", "thursday",
                                       "friday", "saturday")]),
        ("command", ["command_name host-ok", "command_line $USER1$/check_dummy 0 up"]),
        ("contact", ["contact_name nobody", "host_notifications_enabled 0",
                     "service_notifications_enabled 0", "host_notification_period 24x7",
                     "service_notification_period 24x7", "host_notification_options n",
                     "service_notification_options n", "host_notification_commands host-ok",
                     "service_notification_commands host-ok"]),
        ("contactgroup", ["contactgroup_name admins", "alias admins", "members nobody"]),
        ("host", ["host_name lwhost", "alias lwhost", "address 127.0.0.1", "hostgroups leakwatch",
                  "check_command host-ok", "max_check_attempts 1", "check_period 24x7",
                  "contact_groups admins", "notification_period 24x7", "notification_interval 0",
                  "notifications_enabled 0"]),
    ]
    (n / "objects" / "test.cfg").write_text("".join(
        f"define {kind} {{\n" + "".join(f"    {ln}\n" for ln in lines) + "}\n" for kind, lines in objects))
    cfg = [f"log_file={n}/var/nagios.log", f"cfg_file={n}/objects/test.cfg",
           f"cfg_file={TRAPS}/nagios-leakwatch-traps.cfg",
           f"object_cache_file={n}/var/objects.cache", f"precached_object_file={n}/var/objects.precache",
           f"resource_file={n}/resource.cfg", f"status_file={n}/var/status.dat", "status_update_interval=1",
           "nagios_user=root", "nagios_group=root", "check_external_commands=1",
           f"command_file={n}/var/nagios.cmd", f"lock_file={n}/var/nagios.lock",
           f"temp_file={n}/var/nagios.tmp", f"temp_path={n}/var", f"check_result_path={n}/spool",
           f"query_socket={n}/var/nagios.qh", f"state_retention_file={n}/var/retention.dat",
           "retain_state_information=0", "interval_length=1", "enable_notifications=0",
           "execute_host_checks=0", "accept_passive_service_checks=1", "check_result_reaper_frequency=1",
           "log_passive_checks=1", "log_external_commands=1", "use_syslog=0", "enable_flap_detection=0"]
    (n / "nagios.cfg").write_text("\n".join(cfg) + "\n")
    return n


def icinga_config(T):
    ic = T / "icinga"
    for d in ("state", "log", "cache", "spool", "run", "cmd", "compat"):
        (ic / d).mkdir(parents=True)
    (ic / "icinga2.conf").write_text(f"""\
const PluginDir = "/usr/lib/nagios/plugins"
const NodeName = "lwtest"
include <itl>
include <plugins>
object FileLogger "main-log" {{ path = "{ic}/log/icinga2.log"; severity = "information" }}
object ExternalCommandListener "command" {{ command_path = "{ic}/cmd/icinga2.cmd" }}
object CompatLogger "compat" {{ log_dir = "{ic}/compat" }}
object Host "lwhost" {{ address = "127.0.0.1"; check_command = "dummy"; enable_active_checks = false
  vars.leakwatch = true }}
include "{TRAPS}/icinga2-leakwatch-traps.conf"
""")
    return ic


def service_status(status_dat, host, service):
    """The servicestatus block of one service in Nagios' status.dat, as a dict."""
    for block in re.findall(r"servicestatus \{\n(.*?)\n\s*\}", status_dat.read_text(), re.S):
        kv = dict(ln.strip().split("=", 1) for ln in block.splitlines() if "=" in ln)
        if kv.get("host_name") == host and kv.get("service_description") == service:
            return kv
    return None


def zbx_records(path):
    """[(address, [text lines])] of a Zabbix SNMPTrapperFile."""
    recs = []
    if not path.exists():
        return recs
    for line in path.read_text(errors="replace").splitlines():
        m = ZBX_HEADER.match(line)
        if m:
            recs.append((m.group(1), []))
        else:
            assert recs, f"text before the first ZBXTRAP header: {line!r}"
            recs[-1][1].append(line)
    return recs


def alarm_rows(agent):
    """{lwAlarmIndex: {column number: value}} read back from the agent."""
    rows = {}
    for oid, value in agent.walk(ALARM_ENTRY):
        if not oid.startswith(ALARM_ENTRY + "."):
            continue                    # an empty table: the walk's "No Such Object"
        col, idx = oid[len(ALARM_ENTRY) + 1:].split(".", 1)
        rows.setdefault(int(idx), {})[int(col)] = value
    return rows


def test_traps_reach_nagios_zabbix_file_and_snmptt(nms):
    need("/usr/sbin/snmptrapd", "/usr/sbin/snmptt", "/usr/sbin/nagios4", "/usr/sbin/icinga2", "perl",
         "/usr/lib/nagios/plugins/check_dummy", "snmpset")
    T = nms.T
    tr = T / "traps"
    (tr / "state").mkdir(parents=True)
    # Nagios 4, private, with the shipped passive services
    n = nagios_config(T)
    v = subprocess.run(["/usr/sbin/nagios4", "-v", n / "nagios.cfg"], capture_output=True, text=True)
    assert v.returncode == 0, v.stdout[-2000:]
    nagios = nms.spawn("nagios", ["/usr/sbin/nagios4", n / "nagios.cfg"], cwd=tr)
    nms.wait_until(lambda: (n / "var" / "nagios.cmd").exists() or not nagios.alive(), 30,
                   what="Nagios' command FIFO")
    assert nagios.alive(), nagios.output()
    # Icinga 2, private, with the shipped passive services and its external command file
    ic = icinga_config(T)
    idirs = [f"-D{k}={ic / v}" for k, v in (("DataDir", "state"), ("LogDir", "log"), ("CacheDir", "cache"),
                                             ("SpoolDir", "spool"), ("InitRunDir", "run"))]
    idirs += ["-DRunAsUser=root", "-DRunAsGroup=root"]
    v = subprocess.run(["/usr/sbin/icinga2", "daemon", "-C", "-c", ic / "icinga2.conf", *idirs],
                       capture_output=True, text=True)
    assert v.returncode == 0, v.stdout[-3000:]
    icinga = nms.spawn("icinga2", ["/usr/sbin/icinga2", "daemon", "-c", ic / "icinga2.conf", *idirs], cwd=tr)
    nms.wait_until(lambda: (ic / "cmd" / "icinga2.cmd").exists() or not icinga.alive(), 60,
                   what="Icinga's command FIFO")
    assert icinga.alive(), icinga.output()
    # the handler: symbolic input feeds Nagios and a trapper file, numeric input Icinga and another file
    (tr / "hosts").write_text("# address host_name\n127.0.0.1 lwhost\n")
    shipped_conf = (TRAPS / "traphandle.conf").read_text()

    def handler_conf(name, **over):
        text = shipped_conf
        for k, val in over.items():
            text, k_n = re.subn(rf"^{k} =.*$", f"{k} = {val}", text, flags=re.M)
            assert k_n == 1, k
        (tr / name).write_text(text)
        return tr / name
    conf_sym = handler_conf("sym.conf", nagios_command_file=n / "var" / "nagios.cmd",
                            nagios_hosts=tr / "hosts", state_dir=tr / "state",
                            zabbix_trap_file=tr / "zbx-sym.log", log_file=tr / "handler.log")
    (tr / "state-num").mkdir()
    conf_num = handler_conf("num.conf", nagios_command_file=ic / "cmd" / "icinga2.cmd",
                            nagios_hosts=tr / "hosts", state_dir=tr / "state-num",
                            zabbix_trap_file=tr / "zbx-num.log", log_file=tr / "handler.log")
    # SNMPTT, standalone, on the generated definitions plus an EXEC that records its arguments
    (tr / "exec.sh").write_text(f'#!/bin/sh\nprintf "%s|%s|%s|%s\\n" "$1" "$2" "$3" "$4" >> {tr}/exec.out\n')
    os.chmod(tr / "exec.sh", 0o755)
    subprocess.run([sys.executable, TRAPS / "make-snmptt-conf.py", "--mib", MIB, "-o", tr / "snmptt.conf",
                    "--exec", f'{tr}/exec.sh "$N" "$s" "$aA" "$Fz"'], check=True)
    (tr / "snmptt.ini").write_text(f"""\
[General]
mode = standalone
multiple_event = 1
dns_enable = 0
net_snmp_perl_enable = 0
ipv6_enable = 0
snmptt_system_name = lwtest
[Logging]
stdout_enable = 0
log_enable = 1
log_file = {tr}/snmptt.log
log_system_enable = 0
unknown_trap_log_enable = 1
unknown_trap_log_file = {tr}/snmptt-unknown.log
syslog_enable = 0
syslog_system_enable = 0
[Exec]
exec_enable = 1
[Debugging]
DEBUGGING = 0
[TrapFiles]
snmptt_conf_files = <<END
{tr}/snmptt.conf
END
""")
    # snmptrapd: the shipped lines, with this build's handler and the private configs
    shipped = (TRAPS / "snmptrapd.conf.leakwatch").read_text()
    assert "/usr/libexec/leakwatch/leakwatch-traphandle -c /etc/leakwatch/traphandle.conf" in shipped
    assert "/usr/sbin/snmptt --ini=/etc/snmp/snmptt.ini" in shipped

    def trapd_conf(handler_conf_file, with_snmptt):
        text = shipped.replace("/usr/libexec/leakwatch/leakwatch-traphandle -c /etc/leakwatch/traphandle.conf",
                               f"{HANDLER} -c {handler_conf_file}")
        text = text.replace("/usr/sbin/snmptt --ini=/etc/snmp/snmptt.ini", f"/usr/sbin/snmptt --ini={tr}/snmptt.ini")
        if not with_snmptt:
            text = "\n".join(ln for ln in text.splitlines() if "snmptt" not in ln or ln.startswith("#"))
        return text
    (tr / "trapd-sym.conf").write_text(trapd_conf(conf_sym, False))
    (tr / "trapd-num.conf").write_text(trapd_conf(conf_num, True))
    sym_env = dict(nms.env, MIBS="+LEAKWATCH-MIB")
    for name, port, env, opts in (("sym", 16200, sym_env, []), ("num", 16201, nms.env, ["-On"])):
        nms.spawn(f"snmptrapd-{name}", ["/usr/sbin/snmptrapd", *opts, "-f", "-C", "-c", tr / f"trapd-{name}.conf",
                                        "-Lf", tr / f"snmptrapd-{name}.log", "-p", tr / f"snmptrapd-{name}.pid",
                                        "-n", "-X", f"udp:127.0.0.1:{port}"], env=env, cwd=tr)
    for name in ("sym", "num"):
        nms.wait_until(lambda: "NET-SNMP version" in (tr / f"snmptrapd-{name}.log").read_text()
                       if (tr / f"snmptrapd-{name}.log").exists() else False, 20, what=f"snmptrapd {name}")
    # the hostile leaker first, so leakwatchd sees it from its first cycle
    leaker = nms.leak_helper(1024, name=HOSTILE, cwd=tr)
    agent = nms.start_agent(interval=1, lw_conf_lines=[*FAST_LEAK_SETTINGS, "alarm_load_per_cpu 0",
                                                       "alarm_holddown 0"],
                            snmpd_conf_lines=["trap2sink 127.0.0.1:16201 public"])
    nagios_log = n / "var" / "nagios.log"

    def alerts(service):
        text = nagios_log.read_text(errors="replace") if nagios_log.exists() else ""
        return re.findall(rf"SERVICE ALERT: lwhost;{re.escape(service)};(\w+);HARD;1;(.*)", text)

    def icinga_alerts(service):
        p = ic / "compat" / "icinga.log"
        text = p.read_text(errors="replace") if p.exists() else ""
        return re.findall(rf"SERVICE ALERT: lwhost;{re.escape(service)};(\w+);HARD;1;(.*)", text)

    def snmptt_lines():
        p = tr / "snmptt.log"
        return p.read_text(errors="replace").splitlines() if p.exists() else []

    def exec_lines():
        p = tr / "exec.out"
        return p.read_text(errors="replace").splitlines() if p.exists() else []

    # --- load alarm: raise, then clear ---
    busy = None
    def served(oid):
        try:
            return agent.get(oid)
        except NmsError:
            return None                 # right after the start: not sampled yet
    load1 = nms.wait_until(lambda: served(LOAD1), 30, what="lwLoad1")
    if int(load1) < int(nms.wait_until(lambda: served(CPUS), 30, what="lwCpuCount")):
        # an idle box: make load for the alarm
        busy = nms.spawn("busy", [sys.executable, "-c", _BUSY], cwd=tr)
    setr = nms.run(["snmpset", "-v2c", "-c", "private", "udp:127.0.0.1:16161", LOAD_PER_CPU, "u", "1"])
    assert setr.returncode == 0, setr.stderr
    raised = nms.wait_until(lambda: [a for a in alerts("leakwatch-loadHigh") if a[0] != "OK"], 60,
                            what="Nagios SERVICE ALERT for leakwatch-loadHigh")
    rows = {i: r for i, r in alarm_rows(agent).items() if r[3] == "load"}
    (idx, row), = rows.items()
    sev = int(row[5])
    assert raised[0][0] == STATE_NAME[NAGIOS_STATE[sev]]
    assert raised[0][1].startswith(f"{['', 'WARNING', 'MINOR', 'MAJOR', 'CRITICAL'][sev]} lwLoadHigh load: ")
    assert raised[0][1].endswith(f" >= threshold 0.01 per CPU [alarm {idx}]"), raised
    setr = nms.run(["snmpset", "-v2c", "-c", "private", "udp:127.0.0.1:16161", LOAD_PER_CPU, "u", "0"])
    assert setr.returncode == 0, setr.stderr
    if busy:
        busy.stop()
    cleared = nms.wait_until(lambda: [a for a in alerts("leakwatch-loadHigh") if a[0] == "OK"], 60,
                             what="Nagios OK for leakwatch-loadHigh after the clear")
    assert cleared[0][1].startswith("no active alarm, last: lwLoadHighClear load cleared: ")
    assert cleared[0][1].endswith(f"[alarm {idx}]")
    assert idx not in alarm_rows(agent)
    ialerts = nms.wait_until(lambda: (a := icinga_alerts("leakwatch-loadHigh")) and len(a) >= 2 and a, 30,
                             what="Icinga's SERVICE ALERTs for leakwatch-loadHigh")
    assert [a[0] for a in ialerts[:2]] == [raised[0][0], "OK"], ialerts
    assert ialerts[0][1] == raised[0][1] and ialerts[1][1] == cleared[0][1]
    st = nms.wait_until(lambda: (s := service_status(n / "var" / "status.dat", "lwhost", "leakwatch-loadHigh"))
                        and s["plugin_output"].startswith("no active alarm, last: lwLoadHighClear") and s,
                        20, what="status.dat with the clear")
    assert st["current_state"] == "0" and st["last_hard_state"] == "0"
    # the trapper files: one record each for the raise and the clear, the agent's address,
    # the same first line from symbolic and from numeric input
    for f in ("zbx-sym.log", "zbx-num.log"):
        nms.wait_until(lambda: any(t[0].startswith("lwLoadHighClear ") for _, t in zbx_records(tr / f)),
                       20, what=f"the clear in {f}")
    firsts = {}
    for f in ("zbx-sym.log", "zbx-num.log"):
        recs = [(a, t) for a, t in zbx_records(tr / f) if t and t[0].startswith("lwLoadHigh")]
        assert [a for a, _ in recs] == ["127.0.0.1", "127.0.0.1"], recs
        raise_rec, clear_rec = recs
        assert raise_rec[1][0].startswith(f"lwLoadHigh .{LW}.0.15 severity={['', 'warning', 'minor', 'major', 'critical'][sev]} load: ")
        assert clear_rec[1][0].startswith(f"lwLoadHighClear .{LW}.0.16 severity=normal load cleared: ")
        firsts[f] = (raise_rec[1][0], clear_rec[1][0])
        assert any(f"lwAlarmObject.{idx} load" in ln or f"4111.1.7.2.1.3.{idx} \"load\"" in ln
                   for ln in raise_rec[1]), raise_rec
    assert firsts["zbx-sym.log"] == firsts["zbx-num.log"]
    # SNMPTT: logged with the configured severity, EXEC ran
    lines = nms.wait_until(lambda: (ls := [ln for ln in snmptt_lines() if "4111.0.16 Normal" in ln]) and ls,
                           30, what="SNMPTT's log of lwLoadHighClear")
    assert '"leakwatch" 127.0.0.1 - Load per CPU high cleared: load at ' in lines[0]
    raise_logged = [ln for ln in snmptt_lines() if "4111.0.15 " in ln]
    assert len(raise_logged) == 1 and f"4111.0.15 {SNMPTT_SEVERITY[sev]} " in raise_logged[0], raise_logged
    assert f"alarm .{ALARM_ENTRY}.3.{idx}" in raise_logged[0]
    ex = nms.wait_until(lambda: (e := [ln for ln in exec_lines() if ln.startswith("lwLoadHigh")])
                        and len(e) >= 2 and e, 20, what="SNMPTT's EXEC for the load alarm")
    assert [ln.split("|")[:3] for ln in ex] == [["lwLoadHigh", SNMPTT_SEVERITY[sev], "127.0.0.1"],
                                                ["lwLoadHighClear", "Normal", "127.0.0.1"]], ex

    # --- the hostile process: its memory leak raised, then cleared by its exit ---
    label = f"{HOSTILE} (pid {leaker.pid})"
    logged_label = label.replace(";", ":")     # Nagios keeps a ';' of plugin output as ':'
    # Other processes of this shared host may leak too: when a procMemLeak alarm is already
    # active the service does not change state (no SERVICE ALERT), so follow the commands.
    # Nagios logs each as received, before its ';' -> ':' rewrite; Icinga logs it too.
    cmd_re = r"EXTERNAL COMMAND: PROCESS_SERVICE_CHECK_RESULT;lwhost;leakwatch-procMemLeak;([12]);(.*)"

    def commands(text):
        return [(int(st), out) for st, out in re.findall(cmd_re, text)
                if f"lwProcMemLeak {label}: " in out]
    cmds = nms.wait_until(lambda: commands(nagios_log.read_text(errors="replace")), 240,
                          what="the passive result naming the hostile process in nagios.log")
    rows = {i: r for i, r in alarm_rows(agent).items() if r[3] == label}
    (lidx, lrow), = rows.items()
    lsev = int(lrow[5])
    state, out = cmds[0]
    assert f"{['', 'WARNING', 'MINOR', 'MAJOR', 'CRITICAL'][lsev]} lwProcMemLeak {label}: " in out
    assert f"[alarm {lidx}]" in out
    assert state >= NAGIOS_STATE[lsev]            # the worst of the active procMemLeak alarms
    st = nms.wait_until(lambda: (s := service_status(n / "var" / "status.dat", "lwhost", "leakwatch-procMemLeak"))
                        and f"lwProcMemLeak {logged_label}: " in s["plugin_output"] and s, 20,
                        what="status.dat for procMemLeak")
    assert int(st["current_state"]) >= NAGIOS_STATE[lsev]
    icinga_log = ic / "log" / "icinga2.log"
    nms.wait_until(lambda: [c for c in re.findall(r"PROCESS_SERVICE_CHECK_RESULT;lwhost;leakwatch-procMemLeak;"
                                                  r"([12]);(.*)", icinga_log.read_text(errors="replace"))
                            if f"lwProcMemLeak {label}: " in c[1] and f"[alarm {lidx}]" in c[1]],
                   30, what="the hostile alarm's result in Icinga's log")
    for f in ("zbx-sym.log", "zbx-num.log"):
        recs = nms.wait_until(lambda: [t for a, t in zbx_records(tr / f) if t[0].startswith("lwProcMemLeak ")
                                       and label in t[0] and a == "127.0.0.1"], 20, what=f"the leak in {f}")
        assert f"[alarm {lidx}]" in recs[0][0]
    logged = nms.wait_until(lambda: [ln for ln in snmptt_lines() if "4111.0.3 " in ln and "touch pw" in ln], 30,
                            what="SNMPTT's log of the leak")
    assert f"4111.0.3 {SNMPTT_SEVERITY[lsev]} " in logged[0]
    # SNMPTT 1.5 drops $ ; | ` from values before FORMAT and EXEC; the rest is the name
    assert "Process memory leak: (touch pw)rm (pid " in logged[0], logged
    nms.wait_until(lambda: any(ln.startswith(f"lwProcMemLeak|{SNMPTT_SEVERITY[lsev]}|127.0.0.1|"
                                             "Process memory leak: (touch pw)rm") for ln in exec_lines()),
                   20, what="SNMPTT's EXEC for the leak")      # SNMPTT logs first, then runs EXEC
    stopped = time.time()
    leaker.stop()

    def after_clear():
        s = service_status(n / "var" / "status.dat", "lwhost", "leakwatch-procMemLeak")
        return (s and int(s["last_check"]) >= int(stopped)
                and f"lwProcMemLeak {logged_label}:" not in s["plugin_output"] and s)
    st = nms.wait_until(after_clear, 60, what="Nagios' procMemLeak service without the hostile alarm")
    if st["current_state"] == "0":
        assert st["plugin_output"].startswith(f"no active alarm, last: lwProcMemLeakClear {logged_label} cleared: ")
    else:                               # another process's procMemLeak alarm is still active
        assert "lwProcMemLeak " in st["plugin_output"]
    nms.wait_until(lambda: any(t[0].startswith("lwProcMemLeakClear ") and label in t[0]
                               for _, t in zbx_records(tr / "zbx-sym.log")), 20, what="the clear in Zabbix")
    # nothing anywhere ran the name as a command
    assert not [p for p in T.rglob("pw")], "a hostile process name was executed"
    assert not Path("pw").exists()
    unknown = tr / "snmptt-unknown.log"
    assert not unknown.exists() or "4111" not in unknown.read_text(), unknown.read_text()
    errs = (tr / "handler.log").read_text() if (tr / "handler.log").exists() else ""
    assert "cannot" not in errs and "nobody reads" not in errs, errs
    assert nagios.alive() and icinga.alive()
