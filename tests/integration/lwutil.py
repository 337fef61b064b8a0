# Small helpers shared by the leakwatch integration harness: paths, free ports, polling, workers.
# SPDX-License-Identifier: ISC
import json
import os
import select
import socket
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def leakwatchd_path():
    """Absolute path of the daemon under test: $LEAKWATCHD or <repo>/build/agent/leakwatchd."""
    return Path(os.environ.get("LEAKWATCHD") or REPO / "build" / "agent" / "leakwatchd")


def shared_mibs_dir():
    """The IETF/Net-SNMP base MIB directory ($LW_SHARED_MIBS, else <repo>/../shared/mibs) if it
    holds the base modules, else None (an operator's box without them)."""
    env = os.environ.get("LW_SHARED_MIBS")
    d = Path(env) if env else REPO.parent / "shared" / "mibs"
    return d if (d / "SNMPv2-SMI.txt").is_file() else None


def project_mib_file():
    return REPO / "mibs" / "LEAKWATCH-MIB.txt"


def _free_port(kind):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_udp_port():
    """A UDP port on 127.0.0.1 that was free a moment ago."""
    return _free_port(socket.SOCK_DGRAM)


def free_tcp_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    return _free_port(socket.SOCK_STREAM)


class WaitTimeout(AssertionError):
    """wait_until gave up; an AssertionError so pytest reports it as a test failure."""


class GiveUp(AssertionError):
    """Raised by a polled predicate to stop waiting at once (e.g. the daemon died)."""


def wait_until(predicate, timeout, interval=0.05, what="condition"):
    """Poll predicate() until it returns a true value (returned) or timeout seconds pass.

    Exceptions raised by predicate count as "not yet"; the last one is quoted on timeout.
    """
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except GiveUp:
            raise
        except Exception as exc:  # noqa: BLE001 - polled conditions may fail until ready
            last_exc = exc
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_exc!r})" if last_exc else ""
            raise WaitTimeout(f"timed out after {timeout:.1f}s waiting for {what}{detail}")
        time.sleep(interval)


def json_reply(worker, timeout, name="worker"):
    """The next JSON line a worker child wrote on its reply pipe.

    worker has .proc (Popen), .rep (the pipe's read fd), .buf (bytes read ahead) and .stderr();
    fails if the child exits or stays silent for timeout seconds, or replies {"error": ...}.
    """
    deadline = time.monotonic() + timeout
    while b"\n" not in worker.buf:
        left = deadline - time.monotonic()
        if left <= 0 or worker.proc.poll() is not None:
            raise AssertionError(f"{name} {worker.proc.pid} gave no reply (exit "
                                 f"{worker.proc.poll()}) stderr: {worker.stderr()}")
        if select.select([worker.rep], [], [], min(left, 0.5))[0]:
            chunk = os.read(worker.rep, 65536)
            if not chunk:
                worker.proc.wait(5)
                continue
            worker.buf += chunk
    line, worker.buf = worker.buf.split(b"\n", 1)
    msg = json.loads(line)
    if "error" in msg:
        raise AssertionError(f"{name} {worker.proc.pid}: {msg['error']}")
    return msg


def json_write(fd, msg):
    """One JSON line on a pipe: a request to a worker child, or the child's reply."""
    os.write(fd, json.dumps(msg).encode() + b"\n")


def json_requests(ctl):
    """In a worker child: the JSON lines on its control pipe, one dict each, until EOF."""
    buf = b""
    while True:
        chunk = os.read(ctl, 65536)
        if not chunk:
            return
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            yield json.loads(line)


def end_child(worker):
    """Kills worker.proc if it still runs, reaps it and closes its pipe ends worker.ctl, .rep."""
    if worker.proc.poll() is None:
        worker.proc.kill()
    worker.proc.wait()
    for fd in (worker.ctl, worker.rep):
        try:
            os.close(fd)
        except OSError:
            pass
