# make install DESTDIR=...: the exact files and modes, the unit (verify, security), the state directory, sd_notify.
# SPDX-License-Identifier: ISC
"""What `make install` puts where, checked against the build's own configure choices.

The expected paths come from the build's Makefile (prefix, mibdir, systemdsystemunitdir, ...),
so the test holds for any configure options; the file list itself is written out here: a file
added to or dropped from the install must change this list too.
"""
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import time
from pathlib import Path

import pytest

from lwoids import system_oid
from lwsnmp import snmpget
from lwutil import leakwatchd_path, wait_until

def builddir():
    """The build tree of the daemon under test ($LEAKWATCHD is BUILDDIR/agent/leakwatchd)."""
    return leakwatchd_path().resolve().parent.parent


def make_vars():
    """The Makefile's variables, ${x} and $(x) expanded (what make install uses)."""
    raw = {}
    for line in (builddir() / "Makefile").read_text().splitlines():
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*) = ?(.*)$", line)
        if m and m.group(1) not in raw:
            raw[m.group(1)] = m.group(2).strip()

    def expand(value, depth=0):
        assert depth < 20, f"recursive Makefile variable in {value}"
        return re.sub(r"\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]",
                      lambda m: expand(raw.get(m.group(1), ""), depth + 1), value)
    return {k: expand(v) for k, v in raw.items()}


class _LazyVars(dict):
    """make_vars() read at first use: collecting the module (make distcheck's smoke run) needs
    no build."""

    def __missing__(self, key):
        if not self:
            self.update(make_vars())
            if key in self:
                return self[key]
        raise KeyError(key)


V = _LazyVars()

# (path, mode): every file make install writes, besides the directories leading to them.
NMS = {
    "cacti": ["README.md", "leakwatch_templates.xml",
              "resource/snmp_queries/leakwatch_mcastif.xml",
              "resource/snmp_queries/leakwatch_procgroup.xml",
              "resource/snmp_queries/leakwatch_tcpport.xml"],
    "collectd": ["leakwatch.conf"],
    "icinga2": ["leakwatch.conf"],
    "nagios": ["leakwatch.cfg"],
    "prometheus": ["README.md", "generator.yml", "grafana-dashboard.json", "prometheus.yml",
                   "rules.yml", "rules_test.yml", "snmp.yml"],
    "traps": ["README.md", "icinga2-leakwatch-traps.conf", "nagios-leakwatch-traps.cfg",
              "snmptrapd.conf.leakwatch", "snmptt.conf.leakwatch", "traphandle.conf"],
    "zabbix": ["README.md", "leakwatch-zabbix-6.0.yaml"],
}


def expected_files():
    files = {
        f"{V['sbindir']}/leakwatchd": 0o755,
        f"{V['bindir']}/leakwatch": 0o755,
        f"{V['nagiosplugindir']}/check_leakwatch": 0o755,
        f"{V['pkglibexecdir']}/leakwatch-traphandle": 0o755,
        f"{V['mibdir']}/LEAKWATCH-MIB.txt": 0o644,
        f"{V['mandir']}/man8/leakwatchd.8": 0o644,
        f"{V['mandir']}/man5/leakwatchd.conf.5": 0o644,
        f"{V['mandir']}/man1/leakwatch.1": 0o644,
        f"{V['sysconfdir']}/leakwatch/leakwatchd.conf": 0o644,
        f"{V['pkgdatadir']}/leakwatchd.conf": 0o644,
        f"{V['systemdsystemunitdir']}/leakwatchd.service": 0o644,
        f"{V['sysusersdir']}/leakwatch.conf": 0o644,
        f"{V['tmpfilesdir']}/leakwatch.conf": 0o644,
    }
    for system, names in NMS.items():
        for name in names:
            files[f"{V['pkgdatadir']}/{system}/{name}"] = 0o644
    return files


def run_make(*args, timeout=300):
    env = dict(os.environ)
    # Not the jobserver of a surrounding `make check`.
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(k, None)
    r = subprocess.run(["make", "-s", "-C", str(builddir()), *args], env=env, timeout=timeout,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert r.returncode == 0, f"make {' '.join(args)} failed:\n{r.stdout[-3000:]}"
    return r.stdout


def tree(root):
    """{path below root: mode} of the regular files, and the set of directories."""
    files, dirs = {}, set()
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            dirs.add("/" + os.path.relpath(os.path.join(dirpath, d), root))
        for f in filenames:
            p = os.path.join(dirpath, f)
            st = os.lstat(p)
            assert stat.S_ISREG(st.st_mode), f"{p} is not a regular file"
            files["/" + os.path.relpath(p, root)] = stat.S_IMODE(st.st_mode)
    return files, dirs


@pytest.fixture(scope="module")
def destdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("destdir")
    # An operator's usual umask: directories are made by mkdir -p, which follows it.
    old = os.umask(0o022)
    try:
        run_make("install", f"DESTDIR={d}")
    finally:
        os.umask(old)
    return d


def test_file_list_and_modes(destdir):
    files, dirs = tree(destdir)
    assert files == expected_files()
    # Directories are searchable by all.
    bad = {d: oct(stat.S_IMODE(os.stat(f"{destdir}{d}").st_mode)) for d in dirs
           if stat.S_IMODE(os.stat(f"{destdir}{d}").st_mode) != 0o755}
    assert not bad, f"directories not 0755: {bad}"


def test_mib_where_net_snmp_finds_it(destdir):
    """--with-mibdir's default is the first system directory net-snmp searches."""
    out = subprocess.run(["net-snmp-config", "--default-mibdirs"], capture_output=True,
                         text=True, check=True).stdout.strip().split(":")
    system = [d for d in out if d.startswith("/") and "/.snmp" not in d
              and not d.startswith(os.path.expanduser("~") + "/")]
    assert system, f"net-snmp-config --default-mibdirs lists no system directory: {out}"
    configured = subprocess.run(["grep", "-E", "^ *\\$ .*configure", str(builddir() / "config.log")],
                                capture_output=True, text=True).stdout
    if "--with-mibdir" not in configured:
        assert V["mibdir"] == system[0]
    assert (destdir / V["mibdir"].lstrip("/") / "LEAKWATCH-MIB.txt").read_bytes() == \
        (Path(V["abs_top_srcdir"]) / "mibs" / "LEAKWATCH-MIB.txt").read_bytes()


def test_example_and_generated_files(destdir):
    statedir = V["lw_statedir"]
    conf = (destdir / V["sysconfdir"].lstrip("/") / "leakwatch" / "leakwatchd.conf").read_text()
    assert f"\n#state_dir {statedir}\n" in conf
    assert conf == (destdir / V["pkgdatadir"].lstrip("/") / "leakwatchd.conf").read_text()
    # Every line is a comment or blank: installed, it changes nothing from the defaults.
    assert all(not ln.strip() or ln.startswith("#") for ln in conf.splitlines())
    unit = (destdir / V["systemdsystemunitdir"].lstrip("/") / "leakwatchd.service").read_text()
    assert f"\nExecStart={V['sbindir']}/leakwatchd -f\n" in unit
    assert not re.search(r"@[a-z]+@", unit), "an unsubstituted @...@ in the unit"
    # Type=notify only when the daemon can notify (configure found libsystemd).
    if V["have_libsystemd"] == "yes":
        assert "\nType=notify\n" in unit and "\nWatchdogSec=60\n" in unit
    else:
        assert "\nType=simple\n" in unit and "WatchdogSec" not in unit
    if statedir == "/var/lib/leakwatch":
        assert "\nStateDirectory=leakwatch\nStateDirectoryMode=0750\n" in unit
    else:
        assert f"\nReadWritePaths={statedir}\n" in unit
    users = (destdir / V["sysusersdir"].lstrip("/") / "leakwatch.conf").read_text()
    assert f'\nu leakwatch - "leakwatch daemon" {statedir} /usr/sbin/nologin\n' in users
    tmpfiles = (destdir / V["tmpfilesdir"].lstrip("/") / "leakwatch.conf").read_text()
    assert f"\nd {statedir} 0750 leakwatch leakwatch -\n" in tmpfiles


def test_unit_verify_and_exposure(destdir, tmp_path):
    """systemd-analyze verify is clean and security's exposure is at most 3.0 (offline: the
    test host need not run systemd as PID 1)."""
    assert shutil.which("systemd-analyze"), "systemd-analyze (Debian systemd) needed"
    unit = (destdir / V["systemdsystemunitdir"].lstrip("/") / "leakwatchd.service").read_text()
    # The binary as installed under DESTDIR: verify checks that ExecStart= is executable.
    copy = tmp_path / "leakwatchd.service"
    copy.write_text(unit.replace(f"ExecStart={V['sbindir']}/",
                                 f"ExecStart={destdir}{V['sbindir']}/"))
    # --man=no: the man pages are installed under DESTDIR, not where man(1) looks.
    r = subprocess.run(["systemd-analyze", "--man=no", "verify", str(copy)],
                       capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout + r.stderr == "", r.stdout + r.stderr
    r = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(copy)],
                       capture_output=True, text=True)
    m = re.search(r"Overall exposure level for leakwatchd\.service: (\d+\.\d+)", r.stdout)
    assert m, r.stdout + r.stderr
    assert float(m.group(1)) <= 3.0, r.stdout


def test_uninstall_leaves_no_file(destdir):
    run_make("uninstall", f"DESTDIR={destdir}")
    files, _ = tree(destdir)
    assert files == {}
    # and again, for the other tests of this module run in any order
    run_make("install", f"DESTDIR={destdir}")


def test_state_dir_made_with_parents(lw_factory, tmp_path):
    """leakwatchd.conf(5): a missing state_dir is made 0750 with its parents 0755."""
    top = tmp_path / "missing"
    state = top / "a" / "b" / "leakwatch"
    old = os.umask(0o022)
    try:
        lw = lw_factory(master=True, rocommunity="public 127.0.0.1", interval=1, state_dir=state)
    finally:
        os.umask(old)
    lw.wait_served(system_oid("lwMemTotalKB"))
    wait_until(lambda: (state / "history.db").is_file(), 10, what="history.db in the new state_dir")
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o750
    for d in (top, top / "a", top / "a" / "b"):
        assert stat.S_IMODE(os.stat(d).st_mode) == 0o755, d
    assert "No such file" not in lw.log()


class NotifySocket:
    """The datagram socket systemd gives a Type=notify service ($NOTIFY_SOCKET, sd_notify(3))."""

    def __init__(self, path):
        self.path = str(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.2)
        self.messages = []  # (time.monotonic(), {key: value})

    def poll(self):
        try:
            while True:
                data = self.sock.recv(4096).decode()
                self.messages.append((time.monotonic(), dict(
                    ln.split("=", 1) for ln in data.splitlines() if "=" in ln)))
        except socket.timeout:
            pass
        return self.messages

    def first(self, key, value=None):
        for t, m in self.poll():
            if key in m and (value is None or m[key] == value):
                return t, m
        return None

    def close(self):
        self.sock.close()


def notified(lw, notify, watchdog_usec):
    env = lw.env()
    env.update(NOTIFY_SOCKET=notify.path, WATCHDOG_USEC=str(watchdog_usec))
    lw.env = lambda: env
    return lw.start()


def test_sd_notify_standalone(lw_factory, tmp_path):
    """READY=1 once the first snapshot is served, WATCHDOG=1 twice per WatchdogSec=, then
    STOPPING=1 on SIGTERM."""
    notify = NotifySocket(tmp_path / "notify")
    lw = lw_factory(start=False, master=True, rocommunity="public 127.0.0.1", interval=1)
    notified(lw, notify, 2_000_000)
    ready = wait_until(lambda: notify.first("READY", "1"), 15, what="READY=1")
    # Ready means served: the first snapshot's values answer at once.
    vb = snmpget(lw.port, system_oid("lwMemTotalKB"))[0]
    assert vb.type == "Gauge32" and int(vb.value) > 0, vb
    assert "standalone master" in ready[1].get("STATUS", "")
    time.sleep(3.2)
    pings = [t for t, m in notify.poll() if m.get("WATCHDOG") == "1"]
    # every second (WATCHDOG_USEC / 2): at least 3 in 3.2 s after readiness
    assert len([t for t in pings if t >= ready[0]]) >= 3, notify.messages
    lw.expected_dead = True
    assert lw.stop() == 0
    assert notify.first("STOPPING", "1"), notify.messages
    notify.close()


def test_sd_notify_waits_for_the_master(snmpd_factory, lw_factory, tmp_path, _daemons):
    """A subagent is ready only once its session to snmpd opened, not at its first snapshot."""
    from lwdaemons import Snmpd
    snmpd = Snmpd(tmp_path / "snmpd-late")
    _daemons.append(snmpd)
    notify = NotifySocket(tmp_path / "notify")
    lw = lw_factory(start=False, snmpd=snmpd, interval=1, agentx_ping_interval=1)
    notified(lw, notify, 0)
    wait_until(lambda: notify.first("STATUS"), 15, what="a STATUS= message")
    time.sleep(1.5)
    assert notify.first("READY") is None, notify.messages
    assert "waiting for the AgentX master" in notify.first("STATUS")[1]["STATUS"]
    snmpd.start()
    wait_until(lambda: notify.first("READY", "1"), 15, what="READY=1 after snmpd started")
    lw.wait_served(system_oid("lwMemTotalKB"))
    # WATCHDOG_USEC=0: no watchdog asked, none sent
    assert not any("WATCHDOG" in m for _, m in notify.poll())
    notify.close()


def readme_snmpd_lines():
    """The first snmpd.conf block of README.md's "Hooking into the host's snmpd"."""
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = text[text.index("## Hooking into the host's snmpd"):]
    block = section[section.index("```\n") + 4:]
    return [ln for ln in block[:block.index("```")].splitlines()
            if ln.strip() and not ln.startswith("#")]


def test_readme_lines_on_debian_stock_snmpd(nobody_dir, _daemons):
    """Debian's stock snmpd.conf plus README's lines serves LEAKWATCH-MIB to its public
    community (stock alone: "No more variables left in this MIB View"), and an unprivileged
    leakwatchd in the agentXPerms group reaches the socket. Private copies only: the socket in
    a directory of the test, snmpd on a free loopback port, nogroup standing for leakwatch."""
    import hashlib
    from lwdaemons import Leakwatchd, Snmpd
    from lwsnmp import snmpbulkwalk
    from lwutil import free_udp_port

    stock = Path("/etc/snmp/snmpd.conf")
    conffiles = subprocess.run(["dpkg-query", "-W", "-f=${Conffiles}", "snmpd"],
                               capture_output=True, text=True).stdout
    md5 = hashlib.md5(stock.read_bytes()).hexdigest()
    assert f"{stock} {md5}" in conffiles, f"{stock} is not Debian's stock file (md5 {md5})"
    top, uid, gid = nobody_dir
    sock = top / "agentx" / "master"  # made by snmpd, with agentXPerms' modes
    port = free_udp_port()
    lines = []
    for ln in stock.read_text().splitlines():
        if ln.startswith("agentaddress"):
            ln = f"agentaddress udp:127.0.0.1:{port}"
        elif ln.startswith("includeDir"):
            continue  # the host's snippets stay out
        lines.append(ln)
    for ln in readme_snmpd_lines():
        if ln.startswith(("trap2sink", "informsink")):
            continue  # no receiver here
        ln = ln.replace("unix:/var/agentx/master", f"unix:{sock}")
        ln = ln.replace(" root leakwatch", " root nogroup")
        lines.append(ln)
    assert f"agentXSocket unix:{sock}" in lines and "agentXPerms 0660 0711 root nogroup" in lines

    snmpd = Snmpd(top / "snmpd", port=port)
    snmpd.socket_path, snmpd.agentx = sock, f"unix:{sock}"
    snmpd.conf.write_text("\n".join(lines) + "\n")
    _daemons.append(snmpd)
    # Not Snmpd.start, which makes the socket's directory 0700 for root itself.
    snmpd._spawn(["/usr/sbin/snmpd", "-f", "-C", "-c", snmpd.conf, "-Lf", snmpd.log_path,
                  "-p", snmpd.pidfile, "-I", "-smux"], snmpd.env())
    wait_until(lambda: snmpd.check_alive() or sock.exists(), 15, what="snmpd's AgentX socket")
    # net-snmp: the socket gets agentXPerms' owner and group, the directory only its mode.
    st = os.stat(sock.parent)
    assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == (0o711, 0, 0)
    st = os.stat(sock)
    assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == (0o660, 0, gid)

    lw = Leakwatchd(top / "lw", snmpd=snmpd, interval=1, agentx_ping_interval=1,
                    wrapper=["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"])
    for sub in (lw.snmpconf, lw.persist):
        sub.mkdir(exist_ok=True)
    for path in [lw.tmpdir, *lw.tmpdir.rglob("*")]:
        os.chown(path, uid, gid)
    _daemons.append(lw)
    lw.start()
    vb = lw.wait_served(system_oid("lwMemTotalKB"), timeout=30)
    assert int(vb.value) > 0
    walked = snmpbulkwalk(port, "1.3.6.1.4.1.8072.9999.9999.4111")
    assert len(walked) > 100 and all(v.oid.lstrip(".").startswith(
        "1.3.6.1.4.1.8072.9999.9999.4111.") for v in walked)
    assert "Failed to connect" not in lw.log()
