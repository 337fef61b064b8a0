# nagios_env.py: what test_nagios.py and test_icinga.py share: check_leakwatch's path, a steady helper process, perfdata and status.dat parsers, private Nagios 4 and Icinga 2 instances.
# SPDX-License-Identifier: ISC
import os
import re
import sys
import time
from pathlib import Path

from nmsenv import LW, NmsError, wait_until

REPO = Path(__file__).resolve().parent.parent.parent
NAGIOS = "/usr/sbin/nagios4"
ICINGA = "/usr/sbin/icinga2"
B = f"{LW}.1"                           # lwObjects
GROUP_ENTRY = f"{B}.3.2.1"
COLLECTOR_ENTRY = f"{B}.1.5.1"
TCP_STATE_COUNT = f"{B}.4.1.1.2"
LISTEN_PORT = 18765
# The steady helper's name, this test process's own (leakwatchd sees every process of the host).
STEADY = f"lwsteady{os.getpid()}"[:15]

# A process named STEADY (argv 2) whose figures do not move: 16 MiB touched once, 6 extra descriptors,
# one TCP listener (so the namespace has exactly one socket in state listen), then sleep.
_STEADY = r"""
import ctypes, os, socket, sys, time
ctypes.CDLL(None).prctl(15, sys.argv[2].encode(), 0, 0, 0)
hold = bytearray(b"\x01" * (16 << 20))
fds = [os.open("/dev/null", os.O_RDONLY) for _ in range(5)]
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(5)
print("ready", flush=True)
while True:
    time.sleep(3600)
"""


def start_leaker(nms, kib_per_s=1024):
    """(process, name): a helper leaking kib_per_s KiB/s under a name no other test uses."""
    name = f"lwnag{os.getpid()}"[:15]   # no other test's helper joins its process group
    return nms.leak_helper(kib_per_s, name=name), name


def plugin(nms):
    """check_leakwatch of the build tree."""
    p = nms.build_dir / "nms" / "nagios" / "check_leakwatch"
    if not p.exists():
        raise NmsError(f"{p} is not built (make)")
    return p


def start_steady(nms):
    p = nms.spawn("lwsteady", [sys.executable, "-c", _STEADY, str(LISTEN_PORT), STEADY])
    nms.wait_until(lambda: "ready" in p.output() or not p.alive(), 20, what=f"{STEADY} to start")
    if not p.alive():
        raise NmsError(f"{STEADY} exited: " + p.output())
    return p


def group_index(agent, name, timeout=30):
    """lwProcGroupIndex of the group named name, from a walk of lwProcGroupName."""
    found = []

    def look():
        found[:] = [o.rsplit(".", 1)[1] for o, v in agent.walk(f"{GROUP_ENTRY}.2") if v == name]
        return found
    deadline = time.monotonic() + timeout
    while not look():
        if time.monotonic() > deadline:
            raise NmsError(f"no process group {name} in lwProcGroupTable")
        time.sleep(0.5)
    return found[0]


def steady_index(agent, timeout=30):
    """The steady helper's group index once leakwatchd serves its settled figures: 16 MiB resident and
    the same RSS and descriptors in two snapshots two seconds apart."""
    idx = group_index(agent, STEADY, timeout)
    last = [None]

    def settled():
        now = (snmp_int(agent, f"{GROUP_ENTRY}.4.{idx}"), snmp_int(agent, f"{GROUP_ENTRY}.7.{idx}"))
        ok = now == last[0] and now[0] >= 16 * 1024
        last[0] = now
        return ok
    wait_until(settled, timeout, interval=2, what=f"{STEADY}'s figures to settle")
    return idx


def snmp_int(agent, oid):
    return int(agent.get(oid))


_PERF_ITEM = re.compile(r"""\s*(?:'((?:[^']|'')*)'|([^'=\s]+))=([-+0-9.eE]+)([^;\s]*)((?:;[^;\s]*){0,4})""")


def parse_perfdata(text):
    """{label: {"value", "uom", "warn", "crit", "min", "max"}} of a perfdata string; raises on
    anything that is not perfdata as the guidelines define it."""
    items, pos = {}, 0
    text = text.strip()
    while pos < len(text):
        m = _PERF_ITEM.match(text, pos)
        if not m:
            raise AssertionError(f"not perfdata at {text[pos:]!r} in {text!r}")
        label = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
        rest = (m.group(5)[1:].split(";") if m.group(5) else []) + [""] * 4
        items[label] = {"value": float(m.group(3)), "uom": m.group(4), "warn": rest[0],
                        "crit": rest[1], "min": rest[2], "max": rest[3]}
        pos = m.end()
    return items


def assert_uoms(perf, where):
    """Levels never carry the counter UOM c; only lwCollectorErrors (a Counter32) does."""
    for label, item in perf.items():
        assert item["uom"] in ("", "%", "s", "KB", "B", "c"), (where, label, item)
        if label.endswith("_errors"):
            assert item["uom"] == "c", (where, label, item)
        else:
            assert item["uom"] != "c", (where, label, item)
    for label in ("rss", "maxrss"):
        if label in perf:
            assert perf[label]["uom"] == "KB", (where, label, perf[label])
    for label in ("cpu", "mem_pct", "pressure_pct", "orphan_pct", "tw_pct"):
        if label in perf:
            assert perf[label]["uom"] == "%", (where, label, perf[label])


# --- Nagios 4 -------------------------------------------------------------------------------

def shipped_nagios_objects():
    """nms/nagios/leakwatch.cfg without its example host and services (the test brings its own
    host, in the namespace, on the test agent's port)."""
    text = (REPO / "nms" / "nagios" / "leakwatch.cfg").read_text()
    head, marker, _ = text.partition("# --- example")
    if not marker:
        raise NmsError("leakwatch.cfg has no '# --- example' section marker")
    return head


# What a site has (the sample config's templates.cfg, reduced): a period, a contact that is never
# notified, the admins group, generic-host, generic-service and check-host-alive.
NAGIOS_SITE = """
define timeperiod {
    timeperiod_name         24x7
    alias                   always
    sunday                  00:00-24:00
    monday                  00:00-24:00
    tuesday                 00:00-24:00
    wednesday               00:00-24:00
    thursday                00:00-24:00
    friday                  00:00-24:00
    saturday                00:00-24:00
}
define contact {
    contact_name                    lwadmin
    host_notifications_enabled      0
    service_notifications_enabled   0
    host_notification_period        24x7
    service_notification_period     24x7
    host_notification_options       n
    service_notification_options    n
    host_notification_commands      lw-notify-none
    service_notification_commands   lw-notify-none
}
define contactgroup {
    contactgroup_name       admins
    members                 lwadmin
}
define command {
    command_name            lw-notify-none
    command_line            /bin/true
}
define command {
    command_name            check-host-alive
    command_line            /bin/true
}
define host {
    name                    generic-host
    register                0
    check_period            24x7
    notification_period     24x7
    contacts                lwadmin
    max_check_attempts      1
}
define service {
    name                    generic-service
    register                0
    check_period            24x7
    notification_period     24x7
    contacts                lwadmin
    max_check_attempts      1
}
"""


def nagios_verify(nms, name, objects):
    """nagios4 -v of a configuration made of objects (text); its output, or NmsError."""
    d = nms.T / "nagios-verify" / name
    d.mkdir(parents=True)
    (d / "objects.cfg").write_text(objects)
    (d / "resource.cfg").write_text(f"$USER1$={plugin(nms).parent}\n")
    (d / "nagios.cfg").write_text(
        f"cfg_file={d / 'objects.cfg'}\nresource_file={d / 'resource.cfg'}\n"
        f"nagios_user=root\nnagios_group=root\ncheck_result_path={d}\n"
        "allow_empty_hostgroup_assignment=1\nillegal_macro_output_chars=`~$&|'\"<>\n")
    r = nms.run([NAGIOS, "-v", d / "nagios.cfg"])
    if r.returncode != 0 or "Total Errors:   0" not in r.stdout:
        raise NmsError(f"nagios4 -v refused {name}:\n" + r.stdout[-3000:])
    return r.stdout


class Nagios:
    """nagios4 from a private config under T/nagios, run in the namespace, intervals in seconds."""

    def __init__(self, nms, services, port, interval=5):
        need_file(NAGIOS)
        self.nms, self.dir = nms, nms.T / "nagios"
        d = self.dir
        for sub in ("objects", "var", "spool", "tmp"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        (d / "resource.cfg").write_text(f"$USER1$={plugin(nms).parent}\n")
        # The shipped file as a whole, its example included, must pass Nagios' verification.
        self.shipped_verify = nagios_verify(
            nms, "shipped", NAGIOS_SITE + (REPO / "nms" / "nagios" / "leakwatch.cfg").read_text())
        objects = [NAGIOS_SITE, shipped_nagios_objects(), f"""
define host {{
    use                     leakwatch-host
    host_name               lwhost
    address                 127.0.0.1
    _SNMPPORT               {port}
    check_command           check_leakwatch_collectors
}}
"""]
        for desc, command in services:
            objects.append(f"""
define service {{
    use                     leakwatch-service
    host_name               lwhost
    service_description     {desc}
    check_command           {command}
    check_interval          {interval}
    retry_interval          {interval}
    max_check_attempts      1
}}
""")
        (d / "objects" / "leakwatch.cfg").write_text("".join(objects))
        cfg = {
            "log_file": d / "var" / "nagios.log", "cfg_file": d / "objects" / "leakwatch.cfg",
            "object_cache_file": d / "var" / "objects.cache",
            "precached_object_file": d / "var" / "objects.precache",
            "resource_file": d / "resource.cfg", "status_file": d / "var" / "status.dat",
            "status_update_interval": 1, "nagios_user": "root", "nagios_group": "root",
            "check_external_commands": 1, "command_file": d / "var" / "nagios.cmd",
            "lock_file": d / "var" / "nagios.lock", "temp_file": d / "var" / "nagios.tmp",
            "temp_path": d / "tmp", "check_result_path": d / "spool",
            "query_socket": d / "var" / "nagios.qh",
            "state_retention_file": d / "var" / "retention.dat", "retain_state_information": 0,
            "interval_length": 1, "enable_notifications": 0, "execute_host_checks": 0,
            "process_performance_data": 1,
            "service_perfdata_file": d / "var" / "service-perfdata",
            "service_perfdata_file_template":
                "$HOSTNAME$\\t$SERVICEDESC$\\t$SERVICESTATE$\\t$SERVICEOUTPUT$\\t$SERVICEPERFDATA$",
            "service_perfdata_file_mode": "a", "service_perfdata_file_processing_interval": 0,
            "accept_passive_service_checks": 1, "use_syslog": 0,
            "service_inter_check_delay_method": "n", "max_service_check_spread": 1,
            "check_result_reaper_frequency": 1, "max_concurrent_checks": 4,
        }
        (d / "nagios.cfg").write_text("".join(f"{k}={v}\n" for k, v in cfg.items()))
        r = nms.run([NAGIOS, "-v", d / "nagios.cfg"])
        if r.returncode != 0:
            raise NmsError("nagios4 -v refused the config:\n" + r.stdout[-3000:])
        self.proc = nms.spawn("nagios4", [NAGIOS, d / "nagios.cfg"])

    def status(self):
        """{service_description: {key: value}} from status.dat (servicestatus blocks)."""
        path = self.dir / "var" / "status.dat"
        if not self.proc.alive():
            raise NmsError("nagios4 exited:\n" + self.proc.output()[-3000:])
        if not path.exists():
            return {}
        out, block = {}, None
        for line in path.read_text(errors="replace").splitlines():
            line = line.strip()
            if line == "servicestatus {":
                block = {}
            elif line == "}" and block is not None:
                out[block.get("service_description")] = block
                block = None
            elif block is not None and "=" in line:
                k, _, v = line.partition("=")
                block[k] = v
        return out

    def service(self, desc):
        """status.dat's block of one service once it has been checked, else None."""
        s = self.status().get(desc)
        return s if s and s.get("has_been_checked") == "1" else None

    def log(self):
        p = self.dir / "var" / "nagios.log"
        return p.read_text(errors="replace") if p.exists() else ""


# --- Icinga 2 -------------------------------------------------------------------------------

def shipped_icinga_conf(interval="5s"):
    """nms/icinga2/leakwatch.conf with its check intervals shortened for a test."""
    text = (REPO / "nms" / "icinga2" / "leakwatch.conf").read_text()
    return re.sub(r"(check_interval|retry_interval) = \d+[smh]", rf"\1 = {interval}", text)


class Icinga:
    """icinga2 from a private config under T/icinga (the shipped CheckCommand, templates and
    apply rules, plus the test's host), run as root in the namespace; perfdata files rotated
    every 2 s."""

    def __init__(self, nms, host_vars, interval="5s"):
        need_file(ICINGA)
        self.nms, self.dir = nms, nms.T / "icinga"
        d = self.dir
        for sub in ("state", "log", "cache", "spool", "run", "perf/tmp", "perf/out"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        (d / "leakwatch.conf").write_text(shipped_icinga_conf(interval))
        hv = "".join(f"  vars.{k} = {v}\n" for k, v in host_vars.items())
        (d / "icinga2.conf").write_text(f"""
const PluginDir = "{plugin(nms).parent}"
const NodeName = "lwtest"
include <itl>
object CheckerComponent "checker" {{ }}
object FileLogger "main-log" {{ path = "{d}/log/icinga2.log"; severity = "information" }}
object PerfdataWriter "perfdata" {{
  service_perfdata_path = "{d}/perf/out/service-perfdata"
  host_perfdata_path = "{d}/perf/out/host-perfdata"
  service_temp_path = "{d}/perf/tmp/service-perfdata"
  host_temp_path = "{d}/perf/tmp/host-perfdata"
  rotation_interval = 2s
  service_format_template = "SERVICEDESC::$service.name$\\tSERVICESTATE::$service.state$\\tOUTPUT::$service.output$\\tPERF::$service.perfdata$"
}}
include "{d}/leakwatch.conf"
object Host "lwhost" {{
  address = "127.0.0.1"
  check_command = "dummy"
{hv}}}
""")
        self.defines = ["-DRunAsUser=root", "-DRunAsGroup=root", f"-DDataDir={d}/state",
                        f"-DLogDir={d}/log", f"-DCacheDir={d}/cache", f"-DSpoolDir={d}/spool",
                        f"-DInitRunDir={d}/run"]
        r = nms.run([ICINGA, "daemon", "-C", "-c", d / "icinga2.conf", *self.defines])
        if r.returncode != 0:
            raise NmsError("icinga2 daemon -C refused the config:\n" + (r.stdout + r.stderr)[-3000:])
        self.validation = r.stdout
        self.proc = nms.spawn("icinga2", [ICINGA, "daemon", "-c", d / "icinga2.conf",
                                          *self.defines])

    def results(self):
        """[(service, state, output, perfdata)] of every rotated perfdata file, oldest first."""
        if not self.proc.alive():
            raise NmsError("icinga2 exited:\n" + self.proc.output()[-3000:])
        rows = []
        for f in sorted(self.dir.glob("perf/out/service-perfdata*")):
            for line in f.read_text(errors="replace").splitlines():
                fields = dict(p.split("::", 1) for p in line.split("\t") if "::" in p)
                if "SERVICEDESC" in fields:
                    rows.append((fields["SERVICEDESC"], fields.get("SERVICESTATE"),
                                 fields.get("OUTPUT", ""), fields.get("PERF", "")))
        return rows

    def last(self, service):
        """The newest result of one service, or None."""
        rows = [r for r in self.results() if r[0] == service]
        return rows[-1] if rows else None


def icinga_validate(nms, name, conf):
    """icinga2 daemon -C of a configuration text (private directories); its output, or NmsError."""
    need_file(ICINGA)
    d = nms.T / "icinga-validate" / name
    for sub in ("state", "log", "cache", "spool", "run"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    (d / "icinga2.conf").write_text(conf)
    r = nms.run([ICINGA, "daemon", "-C", "-c", d / "icinga2.conf", "-DRunAsUser=root",
                 "-DRunAsGroup=root", f"-DDataDir={d}/state", f"-DLogDir={d}/log",
                 f"-DCacheDir={d}/cache", f"-DSpoolDir={d}/spool", f"-DInitRunDir={d}/run"])
    if r.returncode != 0:
        raise NmsError(f"icinga2 daemon -C refused {name}:\n" + (r.stdout + r.stderr)[-3000:])
    return r.stdout


def need_file(path):
    if not Path(path).exists():
        raise NmsError(f"not installed: {path} (tests/quickstart.sh test installs the NMS clients)")
