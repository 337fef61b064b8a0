# TCP workloads in a private network namespace for the TCP collector tests, and ss's view of them.
# SPDX-License-Identifier: ISC
#
# Host side: Netns (the namespace, its nft table, cleanup), TcpWorker (a child inside it that
# holds sockets in chosen states until told otherwise), ss_snapshot() (what ss sees, counted the
# way leakwatchd counts: TCP-MIB states, family of the remote address, per local port).
# Child side: child_main(), started as `ip netns exec NAME python3 -c SCRIPT` with LWTCPWORK set.
#
# Every packet stays on the namespace's loopback. Where a state needs a lost packet, one nft rule
# per connection (both addresses and both ports) drops it, so workloads on the same ports do not
# disturb each other.
import atexit
import errno
import ctypes
import ipaddress
import itertools
import json
import os
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections import Counter, namedtuple
from pathlib import Path

from lwutil import end_child, json_reply, json_requests, json_write, wait_until

HERE = Path(__file__).resolve().parent
SCRIPT = "import lwtcpwork as w; w.child_main()"  # the child's inline script (-c)
TABLE = "lwtest"  # the nft table (family inet) each namespace gets for the workers' rules
PR_SET_PDEATHSIG = 1
SETTLE_TIMEOUT = 15.0  # how long the child waits for the kernel to reach a state, in seconds

# TCP-MIB tcpConnectionState numbering, as leakwatchd publishes it
CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT, \
    LAST_ACK, CLOSING, TIME_WAIT = range(1, 12)
STATE_NAMES = {CLOSED: "closed", LISTEN: "listen", SYN_SENT: "synSent",
               SYN_RECEIVED: "synReceived", ESTABLISHED: "established", FIN_WAIT1: "finWait1",
               FIN_WAIT2: "finWait2", CLOSE_WAIT: "closeWait", LAST_ACK: "lastAck",
               CLOSING: "closing", TIME_WAIT: "timeWait"}
STATES = {name: num for num, name in STATE_NAMES.items()}
# ss's names (iproute2 sstate_name); a TCP socket in CLOSE is printed as UNCONN
SS_STATES = {"UNCONN": CLOSED, "LISTEN": LISTEN, "SYN-SENT": SYN_SENT,
             "SYN-RECV": SYN_RECEIVED, "ESTAB": ESTABLISHED, "FIN-WAIT-1": FIN_WAIT1,
             "FIN-WAIT-2": FIN_WAIT2, "CLOSE-WAIT": CLOSE_WAIT, "LAST-ACK": LAST_ACK,
             "CLOSING": CLOSING, "TIME-WAIT": TIME_WAIT}
# the kernel's TCP_* numbering (tcp_states.h), first byte of struct tcp_info; 12 is NEW_SYN_RECV
KERNEL_STATES = {1: ESTABLISHED, 2: SYN_SENT, 3: SYN_RECEIVED, 4: FIN_WAIT1, 5: FIN_WAIT2,
                 6: TIME_WAIT, 7: CLOSED, 8: CLOSE_WAIT, 9: LAST_ACK, 10: LISTEN, 11: CLOSING,
                 12: SYN_RECEIVED}

# One socket as ss shows it. family: the socket's (4 AF_INET, 6 AF_INET6); addresses are
# normalised (IPv4-mapped IPv6 as plain IPv4, IPv6 compressed, a wildcard as 0.0.0.0 or ::);
# remote_family: 4 or 6 by the remote address as the kernel publishes it, so an AF_INET6 socket
# talking to ::ffff:a.b.c.d is 4 and a listener's remote (all zeros of its own family) is the
# socket's family. side: "listener", "client" or "server" for sockets a worker made, None for ss.
Sock = namedtuple("Sock", "state family local_addr local_port remote_addr remote_port "
                  "remote_family side", defaults=(None,))


def _bind_listener(s, addr, port):
    """Binds a listener; port 0 takes the first free port below the ephemeral range, so that
    no client of the workload (ephemeral ports, any local address) can share a listener's port
    and count in that port's row of lwTcpPortStateTable."""
    if port:
        s.bind((addr, port))
        return
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        low = int(f.read().split()[0])
    for p in range(max(1024, low - 10000), low):
        if not _port_unused(p):
            continue
        try:
            s.bind((addr, p))
            return
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
    raise RuntimeError(f"no free port for a listener on {addr} below {low}")


def _port_unused(port):
    """No socket of the namespace uses port on any address: the wildcards of both families
    bind (and are let go at once), so every listener gets a port of its own."""
    for fam, wildcard in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        probe = socket.socket(fam, socket.SOCK_STREAM)
        try:
            if fam == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            probe.bind((wildcard, port))
        except OSError:
            return False
        finally:
            probe.close()
    return True


def sock_key(s):
    """The (local address, local port, remote address, remote port) a socket is known by."""
    return (s.local_addr, s.local_port, s.remote_addr, s.remote_port)


def norm_addr(text):
    """(address text, family) with IPv4-mapped IPv6 as IPv4 and IPv6 compressed."""
    ip = ipaddress.ip_address(text.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped), 4
    return str(ip), ip.version


def addr_family(text):
    return 6 if ":" in text else 4


def _zero(family):
    return "0.0.0.0" if family == 4 else "::"


# ----------------------------------------------------------------- ss and counting

def _ss_endpoint(text, family):
    """ss's ADDR:PORT ("[::1]:22", "*:*", "[fe80::1]%lo:22", "0.0.0.0:*") -> (addr, port, fam)."""
    host, _, port = text.rpartition(":")
    if host.startswith("["):
        host = host[1:host.index("]")]
    host = host.split("%", 1)[0]
    # ss prints a dual-stack IPv6 wildcard as "*": which family it is comes from the dump asked
    addr, fam = norm_addr(_zero(family) if host in ("*", "") else host)
    return addr, 0 if port == "*" else int(port), fam


def parse_ss(text, family):
    """Socks from `ss -tanH -f inet` (family 4) or `-f inet6` (family 6) output."""
    out = []
    for line in text.splitlines():
        f = line.split()
        if not f:
            continue
        if f[0] not in SS_STATES or len(f) < 5:
            raise ValueError(f"unexpected ss line: {line!r}")
        laddr, lport, _ = _ss_endpoint(f[3], family)
        raddr, rport, rfam = _ss_endpoint(f[4], family)
        out.append(Sock(SS_STATES[f[0]], family, laddr, lport, raddr, rport, rfam))
    return out


def _ss_text(netns, family):
    argv = ["ss", "-tanH", "-f", "inet" if family == 4 else "inet6"]
    if netns is None:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    else:
        r = netns.run(argv, check=False)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({r.returncode}): {r.stderr.strip()}")
    return r.stdout


def ss_sockets(netns=None):
    """Every TCP socket ss lists in netns (None: the caller's own namespace), as Socks.

    One dump per family: the family of the socket is not in ss's text ("*:*" is either), and
    leakwatchd dumps per family too. Request sockets are listed, as SYN-RECV."""
    return parse_ss(_ss_text(netns, 4), 4) + parse_ss(_ss_text(netns, 6), 6)


class TcpView:
    """TCP sockets counted the way leakwatchd counts them.

    states: Counter state -> sockets; families: state -> Counter({4: n, 6: n}) by remote family;
    remotes: state -> Counter(remote address) (a listener's remote is 0.0.0.0 or ::, which
    leakwatchd does not rank); ports: local port -> Counter(state -> sockets), every local port
    (leakwatchd keeps rows for listening ports only: see listen_ports()).
    States are TCP-MIB numbers; summary() spells them out for readable assertion diffs.
    """

    def __init__(self, sockets):
        self.sockets = list(sockets)
        self.states = Counter(s.state for s in self.sockets)
        self.families, self.remotes, self.ports = {}, {}, {}
        for s in self.sockets:
            self.families.setdefault(s.state, Counter())[s.remote_family] += 1
            self.remotes.setdefault(s.state, Counter())[s.remote_addr] += 1
            self.ports.setdefault(s.local_port, Counter())[s.state] += 1

    def where(self, pred):
        """The view of the sockets for which pred(Sock) is true."""
        return TcpView(s for s in self.sockets if pred(s))

    def on_ports(self, *ports):
        """The sockets with a local or remote port in ports (a test's own listeners)."""
        return self.where(lambda s: s.local_port in ports or s.remote_port in ports)

    def listen_ports(self):
        return sorted({s.local_port for s in self.sockets if s.state == LISTEN})

    def summary(self):
        """Plain dicts with state names: {"states": {name: n}, "families": {name: {4: n, 6: n}},
        "remotes": {name: {addr: n}}, "ports": {port: {name: n}}}; zero counts are left out."""
        def named(d):
            return {STATE_NAMES[k]: v for k, v in sorted(d.items()) if v}
        return {"states": named(self.states),
                "families": {STATE_NAMES[k]: {f: n for f, n in sorted(c.items()) if n}
                             for k, c in sorted(self.families.items())},
                "remotes": {STATE_NAMES[k]: dict(sorted(c.items()))
                            for k, c in sorted(self.remotes.items())},
                "ports": {p: named(c) for p, c in sorted(self.ports.items())}}

    def __eq__(self, other):
        return isinstance(other, TcpView) and self.summary() == other.summary()

    def __repr__(self):
        return f"TcpView({self.summary()!r})"

    def table(self):
        """One line per socket, for failure messages."""
        return "\n".join(f"{STATE_NAMES[s.state]:12} {s.family} {s.local_addr}:{s.local_port} "
                         f"-> {s.remote_addr}:{s.remote_port} ({s.side or '-'})"
                         for s in sorted(self.sockets))


def ss_snapshot(netns):
    """What ss sees in netns, counted: a TcpView."""
    return TcpView(ss_sockets(netns))


def expected(*groups):
    """The TcpView the sockets of these worker Groups should produce."""
    return TcpView(s for g in groups for s in g.sockets)


# ----------------------------------------------------------------- the namespace

_seq = itertools.count()
_live = []  # every Netns started and not yet closed, closed at exit
_NAME_RE = re.compile(r"^lwt(\d+)x\d+$")


def _run(argv, input=None, check=True, timeout=30):
    r = subprocess.run(argv, input=input, capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} exited {r.returncode}: "
                           f"{r.stderr.strip() or r.stdout.strip()}")
    return r


def _netns_pids(name):
    r = _run(["ip", "netns", "pids", name], check=False)
    return [int(p) for p in r.stdout.split()] if r.returncode == 0 else []


def _empty_and_delete(name):
    """SIGKILL whatever still runs in netns name, wait until nothing does, delete the name.
    Zombies do not count: they no longer hold the namespace."""
    def emptied():
        pids = _netns_pids(name)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return not pids
    try:
        wait_until(emptied, 10, what=f"the processes in netns {name} to die")
    finally:
        _run(["ip", "netns", "del", name], check=False)


def remove_stale():
    """Deletes lwt* namespaces whose creating process is dead (a crashed or killed run)."""
    r = _run(["ip", "netns", "list"], check=False)
    for line in r.stdout.splitlines():
        m = _NAME_RE.match(line.split()[0]) if line.split() else None
        if not m or int(m.group(1)) == os.getpid():
            continue
        try:
            os.kill(int(m.group(1)), 0)
            continue  # its owner (or a process that took its pid) lives: leave it
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        _empty_and_delete(m.group(0))


@atexit.register
def _close_leftovers():
    for ns in list(reversed(_live)):
        ns.close()


class Netns:
    """A private network namespace lwtNNNNxM with lo up, extra addresses on lo (IPv6 ones with
    nodad, usable at once), per-namespace sysctls and an empty nft table `inet lwtest` with an
    output chain. A context manager; close() (also at exit) kills every process left inside and
    deletes the namespace, and with it every socket and rule.

    sysctls: net.ipv4.tcp_synack_retries defaults to 10 here (request sockets live ~10 minutes,
    not 63 s) so a slow run (valgrind) still sees its SYN_RECV sockets.
    """

    DEFAULT_SYSCTLS = {"net.ipv4.tcp_synack_retries": 10}

    def __init__(self, addrs=(), sysctls=None, tmpdir=None):
        self.name = f"lwt{os.getpid()}x{next(_seq)}"
        self.addrs = list(addrs)
        self.sysctls = dict(self.DEFAULT_SYSCTLS, **(sysctls or {}))
        self._own_tmp = tmpdir is None
        self.tmpdir = Path(tmpdir or tempfile.mkdtemp(prefix="lwtcpwork-"))
        self.procs, self.workers = [], []
        self.started = self.closed = False

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def start(self):
        remove_stale()
        self.tmpdir.mkdir(parents=True, exist_ok=True)
        _run(["ip", "netns", "add", self.name])
        self.started = True
        _live.append(self)
        try:
            self.run(["ip", "link", "set", "lo", "up"])
            for a in self.addrs:
                if addr_family(a) == 6:
                    self.run(["ip", "-6", "addr", "add", a if "/" in a else f"{a}/128",
                              "dev", "lo", "nodad"])
                else:
                    self.run(["ip", "addr", "add", a if "/" in a else f"{a}/32", "dev", "lo"])
            for key, value in self.sysctls.items():
                self.run(["sysctl", "-qw", f"{key}={value}"])
            self.nft(f"add table inet {TABLE}\n"
                     f"add chain inet {TABLE} output "
                     "{ type filter hook output priority 0; policy accept; }\n")
            want = {"127.0.0.1", "::1"} | {a.split("/")[0] for a in self.addrs}
            wait_until(lambda: self._usable(want), 10, what=f"addresses on lo in {self.name}")
        except BaseException:
            self.close()
            raise
        return self

    def _usable(self, want):
        """True once every address in want is on lo and none is tentative."""
        have = set()
        for line in self.run(["ip", "-o", "addr", "show", "dev", "lo"]).stdout.splitlines():
            f = line.split()  # "1: lo inet6 ::1/128 scope host ..."
            if len(f) > 3 and f[2] in ("inet", "inet6") and "tentative" not in f:
                have.add(norm_addr(f[3].split("/")[0])[0])
        return {norm_addr(a)[0] for a in want} <= have

    def wrapper(self):
        """The argv prefix that runs a command inside (ip netns exec execs: same pid)."""
        return ["ip", "netns", "exec", self.name]

    def run(self, argv, input=None, check=True, timeout=30):
        """Runs argv inside; a CompletedProcess with text stdout and stderr."""
        return _run(self.wrapper() + [str(a) for a in argv], input=input, check=check,
                    timeout=timeout)

    def popen(self, argv, **kw):
        """Starts argv inside (subprocess.Popen kwargs); killed by close() if still running."""
        p = subprocess.Popen(self.wrapper() + [str(a) for a in argv], **kw)
        self.procs.append(p)
        return p

    def nft(self, script):
        """Runs an nft script (`nft -f -`) inside."""
        return self.run(["nft", "-f", "-"], input=script)

    def worker(self, timeout=60):
        """A TcpWorker running inside, ready."""
        w = TcpWorker(self, timeout)
        return w

    def snapshot(self):
        return ss_snapshot(self)

    def close(self):
        if self.closed or not self.started:
            self.closed = True
            return
        self.closed = True
        try:
            for w in list(self.workers):
                w.kill()
            for p in self.procs:
                if p.poll() is None:
                    p.kill()
                p.wait(10)
            self.run(["nft", "delete", "table", "inet", TABLE], check=False)
            _empty_and_delete(self.name)  # a daemon started with wrapper() too
        finally:
            if self in _live:
                _live.remove(self)
            if self._own_tmp:
                shutil.rmtree(self.tmpdir, ignore_errors=True)


_probe = []


def netns_unavailable():
    """None if this process can make and enter a network namespace, else why not (a skip
    reason). Tried for real (ip netns add / exec / del) once per process; nft or ss failing
    later is a failure, not a reason to skip."""
    if _probe:
        return _probe[0]
    why = None
    if os.geteuid() != 0:
        why = f"needs root for ip netns (euid {os.geteuid()})"
    elif not shutil.which("ip"):
        why = "no ip command (iproute2)"
    else:
        name = f"lwt{os.getpid()}x{next(_seq)}"
        try:
            _run(["ip", "netns", "add", name])
            _run(["ip", "netns", "exec", name, "true"])
        except Exception as exc:  # noqa: BLE001 - any failure is the reason to skip
            why = f"ip netns is not usable here: {exc}"
        finally:
            _run(["ip", "netns", "del", name], check=False)
    _probe.append(why)
    return why


# ----------------------------------------------------------------- the worker, host side

class Group:
    """Sockets one worker command made. id: the worker's handle for close(); kind: the command;
    port: the listening port (listen) or the server port the command used; sockets: the Socks
    that command leaves, as ss will show them."""

    def __init__(self, reply, kind, port):
        self.id, self.kind, self.port = reply["group"], kind, reply.get("port", port)
        self.sockets = tuple(Sock(*s) for s in reply["sockets"])

    def view(self):
        return TcpView(self.sockets)

    def __repr__(self):
        return f"Group({self.id}, {self.kind}, port {self.port}, {len(self.sockets)} sockets)"


class TcpWorker:
    """A child inside a Netns holding TCP sockets in chosen states. Each command returns once
    ss inside shows every socket it made in its state (and the ones it finished gone), and
    returns a Group. Addresses are IPv4 or IPv6 text; sources=None connects from an unbound
    socket (the kernel picks the address), else n connections from each source address."""

    def __init__(self, netns, timeout=60):
        self.netns = netns
        ctl_r, ctl_w = os.pipe()
        rep_r, rep_w = os.pipe()
        self.log = netns.tmpdir / f"tcpworker-{time.monotonic_ns()}.log"
        config = dict(ctl=ctl_r, rep=rep_w, parent=os.getpid())
        env = dict(os.environ, PYTHONPATH=str(HERE), LWTCPWORK=json.dumps(config),
                   PYTHONDONTWRITEBYTECODE="1")
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(netns.wrapper() + [sys.executable, "-c", SCRIPT],
                                         env=env, pass_fds=(ctl_r, rep_w),
                                         stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT)
        os.close(ctl_r)
        os.close(rep_w)
        self.ctl, self.rep, self.buf = ctl_w, rep_r, b""
        netns.workers.append(self)
        try:
            self.info = self._reply(timeout)
        except BaseException:
            self.kill()
            raise

    @property
    def pid(self):
        return self.proc.pid

    def _reply(self, timeout):
        return json_reply(self, timeout, "tcp worker")

    def call(self, cmd, timeout=60, **args):
        json_write(self.ctl, dict(args, cmd=cmd))
        return self._reply(timeout)

    def _group(self, cmd, port, **args):
        return Group(self.call(cmd, port=port, **args), cmd, port)

    def listen(self, addr, port=0, backlog=128, v6only=None):
        """A listening socket on addr:port (0: any free port; Group.port has it). v6only: for an
        IPv6 address, IPV6_V6ONLY (None: the system default, dual-stack on Debian); a dual-stack
        listener on :: accepts IPv4 clients as ::ffff:a.b.c.d. backlog also bounds how many
        SYN_RECV request sockets it can hold without syncookies."""
        return self._group("listen", port, addr=addr, backlog=backlog, v6only=v6only)

    def established(self, server, port, n=1, sources=None):
        """n connections from each source, accepted: n ESTABLISHED clients + n servers each."""
        return self._group("established", port, server=server, n=n, sources=sources)

    def close_wait(self, server, port, n=1, sources=None):
        """Clients shut down writing: client FIN_WAIT2, server CLOSE_WAIT, both held."""
        return self._group("close_wait", port, server=server, n=n, sources=sources)

    def fin_wait1(self, server, port, n=1, sources=None):
        """Client FIN dropped by nft: client FIN_WAIT1 (retransmitting), server ESTABLISHED."""
        return self._group("fin_wait1", port, server=server, n=n, sources=sources)

    def closing(self, server, port, n=1, sources=None):
        """Simultaneous close with the client's packets dropped: client CLOSING, server
        FIN_WAIT1."""
        return self._group("closing", port, server=server, n=n, sources=sources)

    def last_ack(self, server, port, n=1, sources=None):
        """Client shuts down writing, then the server (held, shutdown(SHUT_WR) rather than
        close() so it stays until closed here) with its packets dropped: server LAST_ACK,
        client FIN_WAIT2."""
        return self._group("last_ack", port, server=server, n=n, sources=sources)

    def time_wait(self, server, port, n=1, sources=None, closer="client"):
        """Connections closed by both sides, closer first: closer's side in TIME_WAIT (60 s;
        nothing held). closer="client": local the source, remote server:port; "server": local
        server:port, remote the source. The other side is gone when this returns."""
        return self._group("time_wait", port, server=server, n=n, sources=sources,
                           closer=closer)

    def syn_sent(self, addr, port, n=1, sources=None):
        """n connects from each source to addr:port with their SYNs dropped: SYN_SENT (TCP_SYNCNT
        30: minutes before the kernel gives up). Nothing needs to listen there."""
        return self._group("syn_sent", port, addr=addr, n=n, sources=sources)

    def syn_recv(self, server, port, n=1, sources=None):
        """Handshakes whose final ACK is dropped: n server request sockets (SYN_RECEIVED, never
        accepted) + n clients ESTABLISHED each. The worker's listener there needs a backlog of at
        least twice its request sockets (checked): no syncookies, no early expiry."""
        return self._group("syn_recv", port, server=server, n=n, sources=sources)

    def close(self, group):
        """Resets and closes the group's sockets, removes its nft rules, kills its TIME_WAIT
        sockets (ss -K); returns once ss shows none of them."""
        self.call("close", group=group.id)

    def close_all(self):
        """close() of every group, newest first (listeners after their connections)."""
        self.call("close_all")

    def exit(self, timeout=30):
        """close_all(), then the child exits."""
        if self.proc.poll() is None:
            self.call("exit")
            self.proc.wait(timeout)
        self.kill()

    def stderr(self):
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def kill(self):
        end_child(self)
        self.ctl = self.rep = -1
        if self in self.netns.workers:
            self.netns.workers.remove(self)


# ----------------------------------------------------------------- the child side

_AF = {4: socket.AF_INET, 6: socket.AF_INET6}
_ACK_ONLY = "tcp flags & (fin | syn | rst | ack) == ack"


def tcp_state(sock):
    """The socket's state, TCP-MIB numbered, from the first byte of TCP_INFO."""
    return KERNEL_STATES[sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]]


def _abort(sock):
    """close() with SO_LINGER 0: a RST instead of a FIN, so no TIME_WAIT is left behind."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


def _addr_key(sockaddr):
    return (norm_addr(sockaddr[0])[0], sockaddr[1])


def _rev(key):
    return (key[2], key[3], key[0], key[1])


def _rec(state, family, key, side):
    return [state, family, *key, addr_family(key[2]), side]


class _Group:
    def __init__(self, gid, kind):
        self.id, self.kind = gid, kind
        self.socks = []      # held socket objects
        self.records = []    # what ss should show (lists for Sock)
        self.keys = []       # every key the group made, for close(): all must be gone
        self.tw = []         # (local, remote) of TIME_WAIT sockets, killed with ss -K
        self.rules = False   # nft rules tagged with _tag(id) exist
        self.listener = None  # for listen: the listener dict; syn_recv: the one it loads
        self.pending = 0


class _Work:
    def __init__(self):
        self.groups = {}
        self.listeners = []
        self.ids = itertools.count(1)

    # -- helpers

    def _new(self, kind):
        g = _Group(next(self.ids), kind)
        self.groups[g.id] = g
        return g

    def _listener(self, server, port):
        """The worker's listener clients reach at server:port: bound there exactly, or a
        wildcard of the same family, or the dual-stack :: for IPv4."""
        fam, server = addr_family(server), norm_addr(server)[0]
        cands = [L for L in self.listeners if L["port"] == port]
        for L in cands:
            if L["addr"] == server:
                return L
        for L in cands:
            if L["addr"] == _zero(fam) or (fam == 4 and L["addr"] == "::" and not L["v6only"]):
                return L
        raise RuntimeError(f"this worker has no listener for {server} port {port}: listen first")

    def _settle(self, want, gone=(), timeout=SETTLE_TIMEOUT):
        """Polls ss until every key in want has its state and no key in gone is listed."""
        deadline = time.monotonic() + timeout
        while True:
            seen = {sock_key(s): s.state for s in ss_sockets()}
            wrong = [(k, st, seen.get(k)) for k, st in want.items() if seen.get(k) != st]
            still = [k for k in gone if k in seen]
            if not wrong and not still:
                return
            if time.monotonic() >= deadline:
                raise RuntimeError(
                    f"after {timeout}s: " + "; ".join(
                        f"{k} is {STATE_NAMES.get(s, s)} not {STATE_NAMES[st]}"
                        for k, st, s in wrong[:5]) +
                    (f"; {len(wrong)} wrong" if wrong else "") +
                    (f"; still listed: {still[:5]}" if still else ""))
            time.sleep(0.02)

    def _wait_state(self, socks, state, timeout=SETTLE_TIMEOUT):
        """Waits on TCP_INFO until every held socket in socks is in state."""
        deadline = time.monotonic() + timeout
        while not all(tcp_state(s) == state for s in socks):
            if time.monotonic() >= deadline:
                raise RuntimeError(f"held sockets not {STATE_NAMES[state]} after {timeout}s: "
                                   f"{[STATE_NAMES[tcp_state(s)] for s in socks]}")
            time.sleep(0.01)

    def _tag(self, g):
        # the pid too: several workers may share a namespace's chain
        return f"lw{os.getpid()}g{g.id}"

    def _drop(self, g, flows, extra=""):
        """nft rules dropping packets of each flow (src, sport, dst, dport; src None: any),
        tagged with the group for close()."""
        lines = []
        for src, sport, dst, dport in flows:
            ip = "ip" if addr_family(dst) == 4 else "ip6"
            match = [f"{ip} saddr {src}"] if src else []
            match += [f"{ip} daddr {dst}", f"tcp sport {sport}", f"tcp dport {dport}"]
            if extra:
                match.append(extra)
            lines.append(f"add rule inet {TABLE} output {' '.join(match)} drop "
                         f'comment "{self._tag(g)}"')
        g.rules = True
        _run(["nft", "-f", "-"], input="\n".join(lines) + "\n")

    def _undrop(self, g):
        listing = _run(["nft", "-a", "list", "chain", "inet", TABLE, "output"]).stdout
        handles = re.findall(rf'comment "{self._tag(g)}" # handle (\d+)', listing)
        if handles:
            _run(["nft", "-f", "-"], input="".join(
                f"delete rule inet {TABLE} output handle {h}\n" for h in handles))
        g.rules = False

    def _accept(self, L, peer, deadline):
        """The accepted socket whose peer is peer; anything else queued is not ours: reset."""
        while True:
            L["sock"].settimeout(max(0.01, deadline - time.monotonic()))
            s, addr = L["sock"].accept()
            if _addr_key(addr) == peer:
                s.settimeout(None)
                return s
            _abort(s)

    def _pairs(self, g, server, port, n, sources):
        """n accepted connections from each source: [(client, server, client key)]."""
        L = self._listener(server, port)
        fam = addr_family(server)
        deadline = time.monotonic() + SETTLE_TIMEOUT
        out = []
        for src in sources or [None]:
            for _ in range(n):
                c = socket.socket(_AF[fam], socket.SOCK_STREAM)
                g.socks.append(c)
                c.settimeout(max(0.01, deadline - time.monotonic()))
                if src:
                    c.bind((src, 0))
                c.connect((server, port))
                c.settimeout(None)
                key = _addr_key(c.getsockname()) + _addr_key(c.getpeername())
                s = self._accept(L, key[:2], deadline)
                g.socks.append(s)
                g.keys += [key, _rev(key)]
                out.append((c, s, key, fam, L["family"]))
        return out

    def _bound_clients(self, g, dst, port, n, sources):
        """Clients bound to (source, ephemeral port), not yet connected: [(sock, src, sport)]."""
        fam = addr_family(dst)
        out = []
        for src in sources or [None]:
            for _ in range(n):
                c = socket.socket(_AF[fam], socket.SOCK_STREAM)
                g.socks.append(c)
                c.bind((src or _zero(fam), 0))
                out.append((c, src and norm_addr(src)[0], c.getsockname()[1]))
        return out

    # -- commands

    def listen(self, addr, port, backlog, v6only):
        fam = addr_family(addr)
        g = self._new("listen")
        s = socket.socket(_AF[fam], socket.SOCK_STREAM)
        g.socks.append(s)
        # a server-side TIME_WAIT on this port must not stop a later listener
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == 6 and v6only is not None:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(v6only))
        _bind_listener(s, addr, port)
        s.listen(backlog)
        port = s.getsockname()[1]
        addr = norm_addr(addr)[0]
        L = dict(sock=s, addr=addr, port=port, family=fam, backlog=backlog, pending=0,
                 group=g.id, v6only=fam == 6 and bool(
                     s.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY)))
        self.listeners.append(L)
        g.listener = L
        key = (addr, port, _zero(fam), 0)
        g.keys.append(key)
        g.records.append(_rec(LISTEN, fam, key, "listener"))
        self._settle({key: LISTEN})
        return g, {"port": port}

    def connections(self, kind, server, port, n, sources, closer="client"):
        g = self._new(kind)
        pairs = self._pairs(g, server, port, n, sources)
        clients = [p[0] for p in pairs]
        servers = [p[1] for p in pairs]
        want, gone = {}, []
        cstate, sstate = {"established": (ESTABLISHED, ESTABLISHED),
                          "close_wait": (FIN_WAIT2, CLOSE_WAIT),
                          "fin_wait1": (FIN_WAIT1, ESTABLISHED),
                          "closing": (CLOSING, FIN_WAIT1),
                          "last_ack": (FIN_WAIT2, LAST_ACK),
                          "time_wait": (None, None)}[kind]
        if kind in ("close_wait", "last_ack"):
            for c in clients:
                c.shutdown(socket.SHUT_WR)
        if kind == "last_ack":
            # the server's ACK of the client's FIN must get through before its packets are
            # dropped, else the client would stay in FIN_WAIT1
            self._wait_state(clients, FIN_WAIT2)
            self._wait_state(servers, CLOSE_WAIT)
            self._drop(g, [_rev(p[2]) for p in pairs])
            for s in servers:
                s.shutdown(socket.SHUT_WR)
        if kind in ("fin_wait1", "closing"):
            self._drop(g, [p[2] for p in pairs])
            for c in clients:
                c.shutdown(socket.SHUT_WR)
            self._wait_state(clients, FIN_WAIT1)
        if kind == "closing":
            # the server's FIN reaches the client, which has had no ACK for its own FIN
            for s in servers:
                s.shutdown(socket.SHUT_WR)
        if kind == "time_wait":
            if closer not in ("client", "server"):
                raise ValueError(f"closer must be client or server, not {closer!r}")
            first, second = (clients, servers) if closer == "client" else (servers, clients)
            for s in first:
                s.close()
            # the second side closes after the FIN has arrived, else both close at once
            self._wait_state(second, CLOSE_WAIT)
            for s in second:
                s.close()
            g.socks = []
            for c, s, key, cfam, sfam in pairs:
                tw, fam, side = (key, cfam, "client") if closer == "client" else \
                    (_rev(key), sfam, "server")
                want[tw] = TIME_WAIT
                gone.append(_rev(tw))
                g.tw.append(tw)
                g.records.append(_rec(TIME_WAIT, fam, tw, side))
        else:
            for c, s, key, cfam, sfam in pairs:
                want[key], want[_rev(key)] = cstate, sstate
                g.records.append(_rec(cstate, cfam, key, "client"))
                g.records.append(_rec(sstate, sfam, _rev(key), "server"))
        self._settle(want, gone)
        return g, {}

    def syn_sent(self, addr, port, n, sources):
        g = self._new("syn_sent")
        dst = norm_addr(addr)[0]
        clients = self._bound_clients(g, addr, port, n, sources)
        self._drop(g, [(src, sport, dst, port) for c, src, sport in clients])
        want = {}
        for c, src, sport in clients:
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, 30)
            c.setblocking(False)
            c.connect_ex((addr, port))
            key = _addr_key(c.getsockname()) + (dst, port)
            want[key] = SYN_SENT
            g.keys.append(key)
            g.records.append(_rec(SYN_SENT, addr_family(addr), key, "client"))
        self._settle(want)
        return g, {}

    def syn_recv(self, server, port, n, sources):
        L = self._listener(server, port)
        count = n * len(sources or [None])
        # past the backlog syncookies answer (no request socket); past half of it the
        # kernel's SYN-ACK timer gives up on old requests early (reqsk_timer_handler)
        if 2 * (L["pending"] + count) > max(8, L["backlog"]):
            raise RuntimeError(f"listener backlog {L['backlog']} too small for "
                               f"{L['pending'] + count} request sockets: keep them at most "
                               "half of it")
        g = self._new("syn_recv")
        g.listener, g.pending = L, count
        dst = norm_addr(server)[0]
        clients = self._bound_clients(g, server, port, n, sources)
        # only the bare ACK that completes each handshake: a RST still gets through, so
        # close() can remove the request socket
        self._drop(g, [(src, sport, dst, port) for c, src, sport in clients], _ACK_ONLY)
        L["pending"] += count
        want = {}
        for c, src, sport in clients:
            c.setblocking(False)
            c.connect_ex((server, port))
            key = _addr_key(c.getsockname()) + (dst, port)
            want[key], want[_rev(key)] = ESTABLISHED, SYN_RECEIVED
            g.keys += [key, _rev(key)]
            g.records.append(_rec(ESTABLISHED, addr_family(server), key, "client"))
            g.records.append(_rec(SYN_RECEIVED, L["family"], _rev(key), "server"))
        self._settle(want)
        return g, {}

    def close(self, gid):
        g = self.groups.pop(gid)
        if g.kind == "listen":
            self.listeners.remove(g.listener)
            g.socks.pop().close()
        for s in g.socks:
            _abort(s)
        g.socks = []
        if g.rules:
            self._undrop(g)
        for local, remote in ((k[:2], k[2:]) for k in g.tw):
            _run(["ss", "-K", "-tanH", "state", "time-wait", "src", _ss_addr(*local),
                  "dst", _ss_addr(*remote)])
        if g.kind == "syn_recv":
            g.listener["pending"] -= g.pending
        self._settle({}, gone=g.keys + g.tw)

    def close_all(self):
        for gid in sorted(self.groups, reverse=True):
            self.close(gid)


def _ss_addr(addr, port):
    return f"[{addr}]:{port}" if ":" in addr else f"{addr}:{port}"


def _serve(rep, ctl, work):
    for req in json_requests(ctl):
        cmd = req.pop("cmd")
        out = {"ok": True}
        try:
            if cmd in ("exit", "close_all"):
                work.close_all()
            elif cmd == "close":
                work.close(req["group"])
            elif cmd == "listen":
                g, extra = work.listen(req["addr"], req["port"], req["backlog"],
                                       req["v6only"])
            elif cmd in ("established", "close_wait", "fin_wait1", "closing", "last_ack",
                         "time_wait"):
                g, extra = work.connections(cmd, req["server"], req["port"], req["n"],
                                            req["sources"], req.get("closer", "client"))
            elif cmd == "syn_sent":
                g, extra = work.syn_sent(req["addr"], req["port"], req["n"],
                                         req["sources"])
            elif cmd == "syn_recv":
                g, extra = work.syn_recv(req["server"], req["port"], req["n"],
                                         req["sources"])
            else:
                raise ValueError(f"unknown command {cmd}")
            if cmd not in ("exit", "close_all", "close"):
                out = dict(extra, group=g.id, sockets=g.records)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            out = {"error": f"{cmd}: {exc!r}"}
        json_write(rep, out)
        if cmd == "exit":
            return


def child_main():
    c = json.loads(os.environ.pop("LWTCPWORK"))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != c["parent"]:  # the parent died before the line above
        os._exit(1)
    json_write(c["rep"], {"pid": os.getpid(), "netns": os.readlink("/proc/self/ns/net")})
    _serve(c["rep"], c["ctl"], _Work())
