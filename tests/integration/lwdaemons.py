# Starts and stops the real daemons of the integration tests: snmpd, leakwatchd, snmptrapd.
# SPDX-License-Identifier: ISC
import atexit
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import lwoids
from lwsnmp import EXCEPTIONS, SnmpError, parse_varbinds, run_tool, snmpget, tool_env
from lwutil import GiveUp, free_udp_port, leakwatchd_path, wait_until

TERMINATING = (signal.SIGTERM, signal.SIGINT, signal.SIGKILL, signal.SIGQUIT)
_started = []  # every Daemon spawned by this process, killed at exit if still running


@atexit.register
def _kill_leftovers():
    for d in _started:
        d.kill()


class Daemon:
    """A foreground child process with its files in a private directory."""

    name = "daemon"

    def __init__(self, tmpdir):
        self.tmpdir = Path(tmpdir)
        self.tmpdir.mkdir(parents=True, exist_ok=True)
        self.proc = None
        # set when the test stopped/killed it on purpose; fixtures then skip the alive check
        self.expected_dead = False
        self.stdout_path = self.tmpdir / f"{self.name}.stdout"
        self.stderr_path = self.tmpdir / f"{self.name}.stderr"

    def _spawn(self, argv, env):
        self.expected_dead = False
        with open(self.stdout_path, "ab") as out, open(self.stderr_path, "ab") as err:
            # own session: a Ctrl-C in the demo's terminal reaches only the harness
            self.proc = subprocess.Popen([str(a) for a in argv], env=env, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=err, start_new_session=True)
        if self not in _started:
            _started.append(self)
        self.cmdline = [str(a) for a in argv]

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def returncode(self):
        return self.proc.poll() if self.proc else None

    def stderr(self):
        return _read(self.stderr_path)

    def diagnostics(self):
        """Text to quote when something went wrong."""
        cmd = self.cmdline if self.proc else None
        return f"{self.name} command: {cmd}\nstderr:\n{self.stderr()}"

    def check_alive(self):
        """For polled predicates: stop waiting at once if the process has exited."""
        if not self.alive():
            raise GiveUp(f"{self.name} exited with {self.returncode()}\n{self.diagnostics()}")

    def send_signal(self, sig):
        if sig in TERMINATING:
            self.expected_dead = True
        self.proc.send_signal(sig)

    def wait_exit(self, timeout=10):
        """Wait for the process to exit by itself; SIGKILL it and fail after timeout seconds."""
        self.expected_dead = True
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"{self.name} (pid {self.pid}) still running after {timeout}s; "
                                 f"killed\n{self.diagnostics()}") from None

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Send sig (SIGTERM), wait, SIGKILL as a fallback (then fail); return the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.send_signal(sig)
        self.expected_dead = True
        return self.wait_exit(timeout)

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.expected_dead = True
            self.proc.kill()
            self.proc.wait()


def _read(path):
    try:
        return Path(path).read_text(errors="replace")
    except FileNotFoundError:
        return ""


class Snmpd(Daemon):
    """A private real snmpd: AgentX master on a unix socket in tmpdir, UDP on 127.0.0.1:port."""

    name = "snmpd"

    def __init__(self, tmpdir, port=None, trap2sink=None, informsink=None, extra_lines=(),
                 modules_off=()):
        super().__init__(tmpdir)
        self.port = port or free_udp_port()
        self.modules_off = ["smux", *modules_off]  # snmpd -I -MODULE,...: not initialized
        self.trap2sink, self.informsink, self.extra_lines = trap2sink, informsink, list(extra_lines)
        self.conf = self.tmpdir / "snmpd.conf"
        self.log_path = self.tmpdir / "snmpd.log"
        self.pidfile = self.tmpdir / "snmpd.pid"
        self.persist = self.tmpdir / "persist"
        self.socket_path = self.tmpdir / "agentx" / "master"
        self.agentx = f"unix:{self.socket_path}"
        self.ready_time = None  # time.monotonic() when the last start() saw sysUpTime answered

    def write_config(self):
        lines = [
            "# private snmpd for leakwatch integration tests",
            "master agentx",
            f"agentXSocket {self.agentx}",
            "agentXPerms 0600 0700",
            "agentXTimeout 1",
            "rocommunity public 127.0.0.1",
            "rwcommunity private 127.0.0.1",
        ]
        if self.trap2sink:
            lines.append(f"trap2sink {self.trap2sink}")
        if self.informsink:
            lines.append(f"informsink {self.informsink}")
        self.conf.write_text("\n".join(lines + self.extra_lines) + "\n")

    def env(self):
        env = tool_env()
        env.update(SNMP_PERSISTENT_DIR=str(self.persist), MIBS="")
        return env

    def start(self, timeout=15):
        self.socket_path.parent.mkdir(mode=0o700, exist_ok=True)
        os.chmod(self.socket_path.parent, 0o700)
        self.write_config()
        # -A: append to the log across restarts; -I -smux: no SMUX listener on TCP 199
        self._spawn(["/usr/sbin/snmpd", "-f", "-A", "-C", "-c", self.conf, "-Lf", self.log_path,
                     "-p", self.pidfile, "-I", "-" + ",".join(self.modules_off),
                     f"udp:127.0.0.1:{self.port}"], self.env())
        wait_until(self._ready, timeout, what=f"snmpd on udp:127.0.0.1:{self.port} and "
                   f"{self.agentx} to answer")
        self.ready_time = time.monotonic()
        return self

    def _ready(self):
        self.check_alive()
        snmpget(self.port, lwoids.SYS_UPTIME, timeout=0.5)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(str(self.socket_path))  # a stale socket of a killed snmpd refuses
        return True

    def restart(self, timeout=15):
        """Start again on the same port and AgentX socket (after stop() or kill())."""
        if self.alive():
            self.stop()
        return self.start(timeout)

    def log(self):
        return _read(self.log_path)

    def diagnostics(self):
        return super().diagnostics() + f"\nlog:\n{self.log()}"


class Leakwatchd(Daemon):
    """leakwatchd in the foreground: an AgentX subagent of snmpd, or a standalone master (-M)."""

    name = "leakwatchd"

    def __init__(self, tmpdir, snmpd=None, agentx=None, master=False, port=None, interval=1,
                 agentx_ping_interval=None, root=None, rocommunity=None, trap2sink=None,
                 extra_lines=(), wrapper=None, binary=None, state_dir=None):
        super().__init__(tmpdir)
        self.binary = Path(binary or leakwatchd_path())
        self.master = master
        self.snmpd = snmpd
        self.agentx = agentx or (snmpd.agentx if snmpd else None)
        if master:
            self.port = port or free_udp_port()
        else:
            self.port = port or (snmpd.port if snmpd else None)
        self.wrapper = list(wrapper or [])
        self.conf = self.tmpdir / "leakwatchd.conf"
        self.log_path = self.tmpdir / "leakwatchd.log"
        self.pidfile = self.tmpdir / "leakwatchd.pid"
        self.snmpconf = self.tmpdir / "snmpconf"
        self.persist = self.tmpdir / "persist"
        self.start_wall = None  # time.time() just before the last start()
        # history.db and the SET thresholds: private to the test, kept across restarts
        self.state_dir = Path(state_dir or self.tmpdir / "state")
        self.settings = dict(interval=interval, agentx_ping_interval=agentx_ping_interval,
                             root=root, rocommunity=rocommunity, trap2sink=trap2sink,
                             state_dir=self.state_dir)
        self.extra_lines = list(extra_lines)
        self.write_config()

    def write_config(self, text=None, **overrides):
        """(Re)write the config file from the settings (updated by overrides), or verbatim text."""
        if text is None:
            self.settings.update(overrides)
            lines = ["# leakwatchd.conf written by the integration harness"]
            for key in ("interval", "agentx_ping_interval", "root", "rocommunity", "trap2sink",
                        "state_dir"):
                if self.settings[key] is not None:
                    lines.append(f"{key} {self.settings[key]}")
            text = "\n".join(lines + self.extra_lines) + "\n"
        self.conf.write_text(text)

    def env(self):
        self.snmpconf.mkdir(exist_ok=True)
        env = tool_env()
        env.update(SNMPCONFPATH=str(self.snmpconf), SNMP_PERSISTENT_DIR=str(self.persist), MIBS="")
        return env

    def argv(self):
        argv = [*self.wrapper, self.binary, "-f", "-L", "f", self.log_path, "-c", self.conf,
                "-p", self.pidfile]
        if self.master:
            argv += ["-M", "-l", f"udp:127.0.0.1:{self.port}"]
        elif self.agentx:
            argv += ["-x", self.agentx]
        return argv

    def start(self):
        """Start the daemon (no waiting: see wait_served)."""
        if not self.binary.is_file() or not os.access(self.binary, os.X_OK):
            raise FileNotFoundError(f"leakwatchd not found or not executable at {self.binary}; "
                                    "build it or set LEAKWATCHD to its absolute path")
        self.start_wall = time.time()
        self._spawn(self.argv(), self.env())
        return self

    def get(self, *oids, **kw):
        """snmpget through the port this daemon is served on."""
        return snmpget(self.port, *oids, **kw)

    def wait_served(self, oid=lwoids.AGENT_SCALARS["lwSampleInterval"], timeout=15,
                    community="public"):
        """Poll until oid has a value (not an exception like noSuchObject); return the Varbind."""
        def served():
            self.check_alive()
            vb = snmpget(self.port, oid, community=community, timeout=0.5)[0]
            return vb if vb.type not in EXCEPTIONS else None
        return wait_until(served, timeout, what=f"leakwatchd to serve {oid} on port {self.port}")

    def log(self):
        return _read(self.log_path)

    def output(self):
        """stderr and log file together (where an error message may have gone)."""
        return self.stderr() + self.log()

    def diagnostics(self):
        return super().diagnostics() + f"\nlog:\n{self.log()}\nconfig:\n{_read(self.conf)}"


class Snmptrapd(Daemon):
    """A real snmptrapd on udp:127.0.0.1:port logging every notification to a file."""

    name = "snmptrapd"
    PROBE = "1.3.6.1.4.1.8072.9999.9999.4110.1"  # outside leakwatchMIB

    def __init__(self, tmpdir, port=None):
        super().__init__(tmpdir)
        self.port = port or free_udp_port()
        self.conf = self.tmpdir / "snmptrapd.conf"
        self.log_path = self.tmpdir / "snmptrapd.log"
        self.pidfile = self.tmpdir / "snmptrapd.pid"
        self.address = f"127.0.0.1:{self.port}"

    def start(self, timeout=15):
        self.conf.write_text("disableAuthorization yes\n"
                             "format2 TRAP\\t%v\\tENDTRAP\\n\n")
        env = tool_env()
        env.update(SNMP_PERSISTENT_DIR=str(self.tmpdir / "persist"))
        self._spawn(["/usr/sbin/snmptrapd", "-f", "-C", "-c", self.conf, "-Lf", self.log_path,
                     "-On", "-Ox", "-p", self.pidfile, f"udp:{self.address}"], env)
        wait_until(self._probe, timeout, interval=0.2, what=f"snmptrapd on {self.address}")
        return self

    def _probe(self):
        self.check_alive()
        run_tool(["snmptrap", "-v2c", "-c", "public", f"udp:{self.address}", "", self.PROBE])
        return any(t["trap_oid"] == self.PROBE for t in self.notifications())

    def log(self):
        return _read(self.log_path)

    def notifications(self, trap_oid=None):
        """Received notifications: dicts with trap_oid and varbinds {oid: Varbind}."""
        found = []
        for body in re.findall(r"^TRAP\t(.*?)\tENDTRAP$", self.log(), re.S | re.M):
            vbs = parse_varbinds("\n".join(re.split(r"\t(?=\.\d)", body)))
            by_oid = {vb.oid: vb for vb in vbs}
            toid = by_oid.get(lwoids.SNMP_TRAP_OID)
            entry = {"trap_oid": toid.value if toid else None, "varbinds": by_oid}
            if trap_oid is None or entry["trap_oid"] == trap_oid:
                found.append(entry)
        return found

    def diagnostics(self):
        return super().diagnostics() + f"\nlog:\n{self.log()}"


__all__ = ["Daemon", "Snmpd", "Leakwatchd", "Snmptrapd", "SnmpError"]
