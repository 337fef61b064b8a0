# Controlled worker processes for the process tests: hostile names, touched memory, fds, forks.
# SPDX-License-Identifier: ISC
import atexit
import ctypes
import json
import mmap
import os
import resource
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from lwutil import end_child, json_reply, json_requests, json_write

if "LWWORKER" not in os.environ:  # the children need no pytest
    import pytest

HERE = Path(__file__).resolve().parent
SCRIPT = "import lwworkers as w; w.child_main()"  # the child's inline script (-c)
PR_SET_NAME, PR_SET_PDEATHSIG, PR_SET_DUMPABLE = 15, 1, 4
MiB = 1 << 20
PAGE = mmap.PAGESIZE
_alive = []  # every Worker not yet stopped, killed at exit
_held = []  # in a forked child: its touched memory


@atexit.register
def _kill_leftovers():
    for w in list(_alive):
        w.kill()


class Worker:
    """A running worker child; send it commands with call()."""

    def __init__(self, proc, ctl, rep, argv, config):
        self.proc, self.ctl, self.rep, self.argv, self.config = proc, ctl, rep, argv, config
        self.buf = b""
        self.info = {}

    @property
    def pid(self):
        return self.proc.pid

    def send(self, cmd, **args):
        json_write(self.ctl, dict(args, cmd=cmd))

    def reply(self, timeout=60):
        """The next JSON line from the worker; fails if it exits or is silent for timeout s."""
        return json_reply(self, timeout)

    def poll(self):
        """The next reply if one has arrived, else None (never blocks)."""
        while b"\n" not in self.buf and select.select([self.rep], [], [], 0)[0]:
            chunk = os.read(self.rep, 65536)
            if not chunk:
                break
            self.buf += chunk
        return self.reply(1) if b"\n" in self.buf else None

    def call(self, cmd, timeout=60, **args):
        self.send(cmd, **args)
        return self.reply(timeout)

    def grow(self, mib):
        """Allocate and touch mib more MiB of anonymous memory."""
        return self.call("grow", mib=mib)

    def fork(self, n=1, name=None, mem_mib=0, nofile=None, pid=None):
        """Fork n children (same name unless name is given, each with mem_mib MiB touched, soft
        RLIMIT_NOFILE nofile from birth, the exact pid when pid is given); their pids."""
        r = self.call("fork", n=n, name=name.hex() if name else None, mem_mib=mem_mib,
                      nofile=nofile, pid=pid)
        return r["pids"]

    def fork_exec(self, path, argv, name, nofile=None, uid=None):
        """A child named name that, on SIGUSR1, sets nofile and uid and executes path with
        argv (bytes); its pid."""
        return self.call("fork_exec", path=bytes(path).hex(), argv=[bytes(a).hex() for a in argv],
                         name=bytes(name).hex(), nofile=nofile, uid=uid)["pid"]

    def kill_child(self, pid):
        return self.call("kill", pid=pid)

    def stderr(self):
        try:
            return Path(self.config["log"]).read_text(errors="replace")
        except OSError:
            return ""

    def kill(self):
        end_child(self)  # its children die with it (PR_SET_PDEATHSIG)
        if self in _alive:
            _alive.remove(self)


def spawn(name=b"lw-worker", mem_mib=0, files=0, pipes=0, sockets=0, fifos=0, dirs=0,
          devnull=0, eventfds=0, epolls=0, threads=0, nofile=None, uid=None, argv0=None,
          tmpdir=None, timeout=60):
    """Start a worker and wait until it is ready (everything allocated and opened).

    name: comm set with prctl(PR_SET_NAME) (bytes, the kernel keeps 15); files: regular files
    opened; pipes: pipe() pairs (2 fds each); sockets: exact socket fds (a TCP listener on
    127.0.0.1, then socketpairs, a UDP socket for an odd rest); nofile: soft RLIMIT_NOFILE;
    argv0: the child's argv[0] (bytes); uid: switch to it once set up (an int, or [real,
    effective, saved]). The name is set last, after the uid.
    Apart from these it holds stdin (/dev/null), stdout+stderr (one log file) and 2 pipe ends.
    """
    tmpdir = Path(tmpdir or tempfile.mkdtemp(prefix="lwworker-"))
    tmpdir.mkdir(parents=True, exist_ok=True)
    ctl_r, ctl_w = os.pipe()
    rep_r, rep_w = os.pipe()
    log = tmpdir / f"worker-{time.monotonic_ns()}.log"
    config = dict(name=bytes(name).hex(), mem_mib=mem_mib, files=files, pipes=pipes,
                  sockets=sockets, fifos=fifos, dirs=dirs, devnull=devnull, eventfds=eventfds,
                  epolls=epolls, threads=threads, nofile=nofile, uid=uid, ctl=ctl_r, rep=rep_w,
                  dir=str(tmpdir), parent=os.getpid(), log=str(log))
    env = dict(os.environ, PYTHONPATH=str(HERE), LWWORKER=json.dumps(config),
               PYTHONDONTWRITEBYTECODE="1")
    argv = [argv0 or sys.executable.encode(), b"-c", SCRIPT.encode()]
    # the limit is inherited from birth (vfork+exec): leakwatchd reads `limits` once per process
    saved = resource.getrlimit(resource.RLIMIT_NOFILE)
    if nofile:
        resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, saved[1]))
    try:
        with open(log, "wb") as out:
            proc = subprocess.Popen(argv, executable=sys.executable, env=env,
                                    pass_fds=(ctl_r, rep_w), stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=subprocess.STDOUT)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, saved)
    os.close(ctl_r)
    os.close(rep_w)
    w = Worker(proc, ctl_w, rep_r, argv, config)
    _alive.append(w)
    try:
        w.info = w.reply(timeout)
    except BaseException:
        w.kill()
        raise
    return w


def _workers(tmp_path):
    """workers(**spawn kwargs) -> a ready Worker; every one is killed at teardown."""
    made = []

    def make(**kw):
        kw.setdefault("tmpdir", tmp_path / "workers")
        w = spawn(**kw)
        made.append(w)
        return w
    yield make
    for w in made:
        w.kill()


if "LWWORKER" not in os.environ:
    workers = pytest.fixture(_workers, name="workers")


# ----------------------------------------------------------------- the child side

_libc = None


def _prctl(option, arg):
    global _libc
    _libc = _libc or ctypes.CDLL(None, use_errno=True)
    if _libc.prctl(option, arg, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option})")


def set_name(raw):
    _prctl(PR_SET_NAME, ctypes.c_char_p(bytes(raw)))


def set_proctitle(title):
    """What PostgreSQL's ps_status.c does on Linux (setproctitle by clobbering argv): the title
    written over the argument area, the rest of the area NUL-padded, so /proc/PID/cmdline reads
    "postgres: checkpointer \\0\\0...". The area is arg_start..arg_end of /proc/self/stat
    (fields 48 and 49, proc(5)); writing it through /proc/self/mem needs no C."""
    with open("/proc/self/stat", "rb") as f:
        fields = f.read().rsplit(b")", 1)[1].split()
    start, end = int(fields[45]), int(fields[46])   # fields 48, 49 counted from pid = 1
    if len(title) >= end - start:
        raise ValueError(f"title of {len(title)} bytes does not fit {end - start}")
    with open("/proc/self/mem", "r+b", buffering=0) as mem:
        mem.seek(start)
        mem.write(title + b"\0" * (end - start - len(title)))


def touch(mib):
    """An anonymous mapping of mib MiB with every page written."""
    if not mib:
        return None
    m = mmap.mmap(-1, mib * MiB, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    for off in range(0, mib * MiB, PAGE):
        m[off] = 1
    return m


def _set_nofile(soft):
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _open_sockets(n, keep):
    port = None
    if n >= 1:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        port = s.getsockname()[1]
        keep.append(s)
        n -= 1
    while n >= 2:
        keep.extend(socket.socketpair())
        n -= 2
    if n:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", 0))
        keep.append(u)
    return port


def _open_everything(c, keep):
    import select as sel
    d = Path(c["dir"]) / f"files-{os.getpid()}"
    d.mkdir(parents=True, exist_ok=True)
    for i in range(c["files"]):
        keep.append(os.open(d / f"f{i}", os.O_RDWR | os.O_CREAT, 0o600))
    for i in range(c["dirs"]):
        keep.append(os.open(d, os.O_RDONLY | os.O_DIRECTORY))
    for i in range(c["pipes"]):
        keep.extend(os.pipe())
    for i in range(c["fifos"]):
        os.mkfifo(d / f"fifo{i}")
        keep.append(os.open(d / f"fifo{i}", os.O_RDWR))
    for i in range(c["devnull"]):
        keep.append(os.open("/dev/null", os.O_RDONLY))
    for i in range(c["eventfds"]):
        keep.append(os.eventfd(0))
    for i in range(c["epolls"]):
        keep.append(sel.epoll())
    return _open_sockets(c["sockets"], keep)


def _set_uids(uid):
    """uid: one uid, or [real, effective, saved]; the process stays dumpable (so /proc/PID is
    owned by the effective uid) and keeps its parent-death signal."""
    r, e, s = (uid, uid, uid) if isinstance(uid, int) else uid
    os.setresgid(r, e, s)
    os.setresuid(r, e, s)
    _prctl(PR_SET_DUMPABLE, 1)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # cleared by the credential change


def _fork_exec(req, state):
    """Fork a child named req['name'] that waits for SIGUSR1, then sets its fd limit and uid
    and executes req['argv'] (bytes as hex)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    pid = os.fork()
    if pid == 0:
        try:
            _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            set_name(bytes.fromhex(req["name"]))
            signal.sigwait({signal.SIGUSR1})
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})
            if req.get("nofile"):
                _set_nofile(req["nofile"])
            if req.get("uid") is not None:
                _set_uids(req["uid"])
            argv = [bytes.fromhex(a) for a in req["argv"]]
            os.execv(bytes.fromhex(req["path"]), argv)
        finally:
            os._exit(127)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})
    state["children"].append(pid)
    return {"pid": pid}


def _fork_children(req, state):
    pids = []
    for _ in range(req["n"]):
        if req.get("nofile"):
            _set_nofile(req["nofile"])
        if req.get("pid"):
            with open("/proc/sys/kernel/ns_last_pid", "w") as f:
                f.write(str(req["pid"] - 1))
        pid = os.fork()
        if pid == 0:
            try:
                _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
                if req.get("name"):
                    set_name(bytes.fromhex(req["name"]))
                _held.append(touch(req.get("mem_mib") or 0))  # held until killed
                while True:
                    signal.pause()
            finally:
                os._exit(0)
        pids.append(pid)
        state["children"].append(pid)
    if state["nofile"]:
        _set_nofile(state["nofile"])
    return {"pids": pids}


def _churn_start(state, batch):
    """Spawn (vfork+exec) /bin/true in batches, reaping each batch, in a thread until
    churn_stop: the test decides how long, by what it has checked rather than by a clock."""
    if state.get("churner"):
        raise RuntimeError("already churning")
    state["churn"] = {"spawned": 0, "start": time.monotonic(), "stop": False}

    def loop():
        c = state["churn"]
        while not c["stop"]:
            kids = [os.posix_spawn("/bin/true", ["true"], {}) for _ in range(batch)]
            for pid in kids:
                os.waitpid(pid, 0)
            c["spawned"] += len(kids)
    state["churner"] = threading.Thread(target=loop, daemon=True)
    state["churner"].start()


def _churn_report(state, stop):
    c = state["churn"]
    if stop:
        c["stop"] = True
        state["churner"].join()
        state["churner"] = None
    return {"spawned": c["spawned"], "seconds": time.monotonic() - c["start"]}


def _spin(state, on):
    state["spin"] = on
    if on and not state.get("spinner"):
        def loop():
            while state["spin"]:
                pass
            state["spinner"] = None
        state["spinner"] = threading.Thread(target=loop, daemon=True)
        state["spinner"].start()


def _pattern_start(state, kind, req):
    """A memory or descriptor pattern in a thread until pattern_stop: "leak" touches kib more
    anonymous memory every period s; "sawtooth" holds mib MiB for half of every period s and
    frees it for the other half; "fd_leak" opens n more descriptors (/dev/null) every period s.
    Each step is timed on the clock, not chained, so a slow step does not slow the rate."""
    if state.get("pattern"):
        raise RuntimeError("a pattern is already running")
    p = {"stop": threading.Event(), "steps": 0, "held": []}
    period = float(req["period"])

    def loop():
        start = time.monotonic()
        while not p["stop"].is_set():
            if kind == "leak":
                p["held"].append(touch_kib(req["kib"]))
            elif kind == "fd_leak":
                p["held"].extend(os.open(os.devnull, os.O_RDONLY) for _ in range(req["n"]))
            elif kind == "sawtooth":
                m = touch(req["mib"])
                p["stop"].wait(period / 2)
                m.close()
            p["steps"] += 1
            p["stop"].wait(max(0.0, start + p["steps"] * period - time.monotonic()))
    p["thread"] = threading.Thread(target=loop, daemon=True)
    state["pattern"] = p
    p["thread"].start()


def _pattern_stop(state):
    """Stops the pattern; what a leak took stays held (a leak that stopped, not one undone)."""
    p = state.pop("pattern")
    p["stop"].set()
    p["thread"].join()
    state["keep"].append(p["held"])
    return {"steps": p["steps"]}


def touch_kib(kib):
    """kib KiB of anonymous memory, every page written (a page at the least)."""
    size = max(PAGE, kib * 1024 // PAGE * PAGE)
    m = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    for off in range(0, size, PAGE):
        m[off] = 1
    return m


def _serve(rep, ctl, state):
    for req in json_requests(ctl):
        cmd = req["cmd"]
        try:
            if cmd == "exit":
                return
            if cmd == "grow":
                state["keep"].append(touch(req["mib"]))
                out = {"ok": True}
            elif cmd == "fork":
                out = _fork_children(req, state)
            elif cmd == "kill":
                os.kill(req["pid"], signal.SIGKILL)
                os.waitpid(req["pid"], 0)
                state["children"].remove(req["pid"])
                out = {"ok": True}
            elif cmd == "fork_exec":
                out = _fork_exec(req, state)
            elif cmd == "zombie":
                pid = os.fork()
                if pid == 0:
                    os._exit(0)
                out = {"pid": pid}
            elif cmd == "reap":
                os.waitpid(req["pid"], 0)
                out = {"ok": True}
            elif cmd == "churn":
                _churn_start(state, req["batch"])
                out = {"ok": True}
            elif cmd == "churn_count":
                out = _churn_report(state, stop=False)
            elif cmd == "churn_stop":
                out = _churn_report(state, stop=True)
            elif cmd == "spin":
                _spin(state, req["on"])
                out = {"ok": True}
            elif cmd in ("leak", "sawtooth", "fd_leak"):
                _pattern_start(state, cmd, req)
                out = {"ok": True}
            elif cmd == "pattern_stop":
                out = _pattern_stop(state)
            elif cmd == "name":
                set_name(bytes.fromhex(req["name"]))
                out = {"ok": True}
            elif cmd == "proctitle":
                set_proctitle(bytes.fromhex(req["title"]))
                out = {"ok": True}
            else:
                out = {"error": f"unknown command {cmd}"}
        except Exception as exc:  # noqa: BLE001 - reported to the test
            out = {"error": repr(exc)}
        json_write(rep, out)


def child_main():
    c = json.loads(os.environ.pop("LWWORKER"))
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != c["parent"]:
        os._exit(1)
    rep, ctl = c["rep"], c["ctl"]
    state = {"keep": [], "children": [], "spin": False,
             "nofile": c["nofile"] or resource.getrlimit(resource.RLIMIT_NOFILE)[0]}
    try:
        if c["nofile"]:
            _set_nofile(c["nofile"])
        state["keep"].append(touch(c["mem_mib"]))
        port = _open_everything(c, state["keep"])
        stop = threading.Event()
        for _ in range(c["threads"]):
            threading.Thread(target=stop.wait, daemon=True).start()
        if c["uid"] is not None:
            _set_uids(c["uid"])
        # the name last: leakwatchd re-reads cmdline, limits and uid when the name changes
        set_name(bytes.fromhex(c["name"]))
        ready = {"pid": os.getpid(), "port": port}
    except Exception as exc:  # noqa: BLE001 - reported to the test
        ready = {"error": repr(exc)}
    json_write(rep, ready)
    if "error" in ready:
        return
    _serve(rep, ctl, state)
    for pid in state["children"]:
        os.kill(pid, signal.SIGKILL)
