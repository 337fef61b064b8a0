# nmsenv.py: a private world for one NMS client test: a loopback-only namespace, snmpd + leakwatchd inside it, processes stopped by pid.
# SPDX-License-Identifier: ISC
"""Every NMS test runs the real client inside a network namespace that the test creates with only
loopback up, because some clients scan networks by themselves (Cacti's installer turns on a
192.168.1.0/24 discovery unless told not to). 127.0.0.1 inside the namespace is not the host's, so
the agent, the client and every read-back (snmpget, curl, psql) run inside it; filesystem Unix
sockets (AgentX, PostgreSQL, MariaDB) are shared across namespaces, so they live under the test's
own directory. Nothing under /etc is read or written: Net-SNMP based processes get a private
SNMP_PERSISTENT_DIR and an empty SNMPCONFPATH."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "tests" / "integration"))

from lwsnmp import unquote  # noqa: E402
from lwtcpwork import Netns  # noqa: E402
from lwutil import leakwatchd_path, shared_mibs_dir, wait_until  # noqa: E402

LW = "1.3.6.1.4.1.8072.9999.9999.4111"
LW_SAMPLE_INTERVAL = f"{LW}.1.1.3.0"
LW_MEM_TOTAL = f"{LW}.1.2.5.0"          # lwMemTotalKB: served once the first snapshot is
AGENT_PORT = 16161
# The detector settings that let a test see a leak in about two minutes at interval 1: a 10 s
# window, a warm-up of one window, slopes above 1 MiB/h (see docs/leakwatchd.conf.5).
FAST_LEAK_SETTINGS = ("leak_window 10", "leak_warmup 10", "leak_min_slope 1024",
                      "fd_leak_min_slope 30")

# A process named NAME (argv 2) whose RSS grows by KIB (argv 1) every second, touched so it is
# resident.
_LEAKER = r"""
import ctypes, sys, time
ctypes.CDLL(None).prctl(15, sys.argv[2].encode(), 0, 0, 0)
kib, hold = int(sys.argv[1]), []
print("ready", flush=True)
while True:
    hold.append(bytearray(b"\x01" * (kib * 1024)))
    time.sleep(1)
"""


class NmsError(Exception):
    """A client or the agent did not do what the test needed; the message says which."""


class Proc:
    """A process started inside the namespace, its output in T/<name>.log."""

    def __init__(self, name, popen, log):
        self.name, self.popen, self.log = name, popen, log

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def output(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self, timeout=10):
        """SIGTERM by pid, then SIGKILL after timeout; never by name."""
        if self.popen.poll() is not None:
            return self.popen.returncode
        self.popen.send_signal(signal.SIGTERM)
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            return self.popen.wait(5)


class Agent:
    """snmpd (AgentX master, udp:127.0.0.1:16161 inside the namespace) with leakwatchd attached."""

    def __init__(self, env, snmpd, leakwatchd, port):
        self._env, self.snmpd, self.leakwatchd, self.port = env, snmpd, leakwatchd, port

    @property
    def snmpd_pid(self):
        return self.snmpd.pid

    @property
    def leakwatchd_pid(self):
        return self.leakwatchd.pid

    def _tool(self, tool, oids, timeout=2):
        """[(numeric oid without the leading dot, value as the agent holds it)] of one run of
        tool (-On -Oq: name and value, enums as numbers, TimeTicks raw)."""
        r = self._env.run([tool, "-v2c", "-c", "public", "-t", str(timeout), "-r", "1", "-On",
                           "-Oq", "-Oe", "-Ot", f"udp:127.0.0.1:{self.port}", *oids], timeout=120)
        if r.returncode != 0:
            raise NmsError(f"{tool} {' '.join(oids)}: exit {r.returncode}: {r.stderr.strip()}")
        rows = []
        for line in r.stdout.splitlines():
            name, _, value = line.partition(" ")
            if name.startswith("."):
                rows.append((name[1:], unquote(value)))
        return rows

    def get(self, oid):
        """The value of one numeric OID (no type, no quotes)."""
        value = self.get_many([oid])[0][1]
        if value.startswith(("No Such", "No more")):
            raise NmsError(f"{oid}: {value}")
        return value

    def get_many(self, oids):
        """[(oid, value)] of the OIDs, 30 to a GET request; an absent one's value is net-snmp's
        text for it ("No Such Instance currently exists at this OID")."""
        rows = []
        for i in range(0, len(oids), 30):
            rows += self._tool("snmpget", oids[i:i + 30])
        return rows

    def walk(self, oid):
        """[(numeric oid without the leading dot, value)] of a GETBULK walk under oid."""
        return self._tool("snmpbulkwalk", [oid])


class NmsEnv:
    """A temp dir T (mode 0711 so a client dropping root can reach it), a loopback-only
    namespace, and the processes started in it; close() stops them by pid and deletes both."""

    def __init__(self, label="nms"):
        self.T = Path(tempfile.mkdtemp(prefix=f"lwnms-{label}-"))
        os.chmod(self.T, 0o711)
        self.netns = Netns(tmpdir=self.T / "netns").start()
        self.procs = []
        shared = shared_mibs_dir()
        self.mibdirs = str(REPO / "mibs") + (f":{shared}" if shared else "")
        (self.T / "snmpconf").mkdir()
        self.env = dict(os.environ, SNMP_PERSISTENT_DIR=str(self.T / "persist"),
                        SNMPCONFPATH=str(self.T / "snmpconf"), MIBDIRS=self.mibdirs, MIBS="")
        self.env.pop("SNMPCONFFILE", None)
        self.build_dir = leakwatchd_path().parent.parent
        self.agent = None

    # processes -----------------------------------------------------------------------------
    def spawn(self, name, argv, env=None, cwd=None):
        """Starts argv inside the namespace (ip netns exec execs, so the pid is the program's)."""
        log = self.T / f"{name}.log"
        with open(log, "ab") as out:
            p = subprocess.Popen(self.netns.wrapper() + [str(a) for a in argv],
                                 env=env or self.env, cwd=cwd, stdin=subprocess.DEVNULL,
                                 stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        proc = Proc(name, p, log)
        self.procs.append(proc)
        return proc

    def run(self, argv, env=None, input=None, timeout=60, cwd=None):
        """Runs argv inside the namespace to completion: a CompletedProcess with text output."""
        return subprocess.run(self.netns.wrapper() + [str(a) for a in argv], env=env or self.env,
                              input=input, capture_output=True, text=True, errors="replace",
                              timeout=timeout, cwd=cwd)

    @staticmethod
    def wait_until(pred, timeout, what="condition", interval=0.5):
        return wait_until(pred, timeout, interval=interval, what=what)

    def leak_helper(self, kib_per_s=1024, name="lwleaker", cwd=None):
        """A real process called name (at most 15 bytes, any bytes a process may take) whose RSS
        grows by kib_per_s KiB every second, started in cwd. leakwatchd sees every process of
        the host, and modules run side by side (run-nms.sh): a test that judges a process group
        gives its helper a name of its own."""
        p = self.spawn("leak-helper", [sys.executable, "-c", _LEAKER, str(kib_per_s), name],
                       cwd=cwd)
        self.wait_until(lambda: "ready" in p.output(), 20, what="the leaking helper to start")
        return p

    # the agent -----------------------------------------------------------------------------
    def start_agent(self, interval=1, trap_sink="127.0.0.1:16200", lw_conf_lines=(),
                    snmpd_conf_lines=(), port=AGENT_PORT):
        """snmpd master + leakwatchd subagent inside the namespace; returns once leakwatchd's
        first snapshot is served through snmpd."""
        a = self.T / "agent"
        (a / "agentx").mkdir(parents=True, mode=0o700)
        (a / "lw").mkdir()
        (a / "persist").mkdir()
        sock = a / "agentx" / "master"
        conf = ["master agentx", f"agentXSocket unix:{sock}", "agentXPerms 0600 0700",
                "agentXTimeout 1", "rocommunity public 127.0.0.1", "rwcommunity private 127.0.0.1",
                "dontLogTCPWrappersConnects yes"]
        if trap_sink:
            conf.append(f"trap2sink {trap_sink} public")
        (a / "snmpd.conf").write_text("\n".join(conf + list(snmpd_conf_lines)) + "\n")
        agent_env = dict(self.env, SNMP_PERSISTENT_DIR=str(a / "persist"))
        snmpd = self.spawn("snmpd", ["/usr/sbin/snmpd", "-f", "-C", "-c", a / "snmpd.conf",
                                     "-Lf", a / "snmpd.log", "-p", a / "snmpd.pid",
                                     "-I", "-smux", f"udp:127.0.0.1:{port}"], env=agent_env)
        self.wait_until(lambda: sock.exists() or not snmpd.alive(), 20, what="snmpd's AgentX socket")
        if not snmpd.alive():
            raise NmsError(f"snmpd exited: {(a / 'snmpd.log').read_text(errors='replace')}")
        lw_conf = [f"interval {interval}", "agentx_ping_interval 1", f"state_dir {a / 'lw'}",
                   *lw_conf_lines]
        (a / "leakwatchd.conf").write_text("\n".join(lw_conf) + "\n")
        lwd = self.spawn("leakwatchd", [leakwatchd_path(), "-f", "-L", "f", a / "leakwatchd.log",
                                        "-c", a / "leakwatchd.conf", "-p", a / "leakwatchd.pid",
                                        "-x", f"unix:{sock}"],
                         env=dict(agent_env, SNMP_PERSISTENT_DIR=str(a / "lw" / "persist")))
        self.agent = Agent(self, snmpd, lwd, port)

        def served():
            if not lwd.alive():
                raise NmsError("leakwatchd exited: "
                               + (a / "leakwatchd.log").read_text(errors="replace"))
            try:
                # the agent's own scalars answer at once; a snapshot's value only after a cycle
                return self.agent.get(LW_SAMPLE_INTERVAL) and self.agent.get(LW_MEM_TOTAL)
            except NmsError:
                return None
        self.wait_until(served, 30, what="leakwatchd's first snapshot through snmpd")
        return self.agent

    # teardown ------------------------------------------------------------------------------
    def close(self, keep=False):
        """Stops every process (reverse start order, by pid), deletes the namespace and, unless
        keep (a failed test, or LW_KEEP set), the temp dir."""
        for p in reversed(self.procs):
            p.stop()
        self.netns.close()
        if keep or os.environ.get("LW_KEEP"):
            print(f"nmsenv: kept {self.T}")
        else:
            shutil.rmtree(self.T, ignore_errors=True)


def need(*programs):
    """Fails (never skips) with one line naming what is missing: the test command installs it."""
    missing = [p for p in programs if shutil.which(p) is None and not Path(p).exists()]
    if missing:
        raise NmsError(f"not installed: {', '.join(missing)} (tests/quickstart.sh test installs "
                       "the NMS clients)")
