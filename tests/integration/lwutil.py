# Small helpers shared by the leakwatch integration harness: paths, free ports, polling.
import os
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
