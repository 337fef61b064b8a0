# benchlib.py: what the bench drivers (run-*.py) share: binaries, checks, /proc readings, output.
# SPDX-License-Identifier: ISC
"""Imported by the run-*.py drivers before the integration harness modules: importing it puts
tests/integration on sys.path, so `from lwdaemons import ...` and the like work after it."""
import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))

CLK_TCK = os.sysconf("SC_CLK_TCK")


def load_script(name, path):
    """Import the Python file path as module name (a script with hyphens in its name, a
    generator of nms/) without running its main."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench_module(name, filename):
    """A sibling benchmark script of bench/, imported (load_script)."""
    return load_script(name, REPO / "bench" / filename)


def binary(env, name):
    """A bench program: $env if set, else the in-tree build's bench/NAME."""
    return Path(os.environ.get(env) or REPO / "build" / "bench" / name)


def binaries_missing(prog, need):
    """need: (ENV, path) pairs. Says on stderr which one is not an executable; True if any."""
    for what, path in need:
        if not os.access(path, os.X_OK):
            print(f"{prog}: {path} is not an executable; build it or set {what}", file=sys.stderr)
            return True
    return False


def run(argv, **kw):
    return subprocess.run([str(a) for a in argv], check=True, **kw)


def emit(prefix, text):
    """A bench program's `key: value` lines, each key prefixed; other lines as they are."""
    for line in text.splitlines():
        print(f"{prefix}{line}" if ": " in line else line, flush=True)


def parse_keys(text):
    """`key: value` lines as a dict of strings (comments after two spaces dropped)."""
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition(": ")
        if sep:
            out[key.strip()] = value.split("  #")[0].strip()
    return out


def loadavg():
    return " ".join(Path("/proc/loadavg").read_text().split()[:4])


def cpu_ticks(pid):
    """utime + stime of the whole process (all threads, living and exited), in clock ticks."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2:].split()  # the command name may hold blanks
    return int(fields[11]) + int(fields[12])        # fields 14 and 15 of proc(5)


def sched_ns(pid):
    """CPU time of the living threads in nanoseconds (/proc/PID/task/*/schedstat field 1)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def status_kib(pid, key):
    """A kB line of /proc/PID/status (VmRSS, VmHWM, RssAnon ...); None if the kernel has none."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return None


def _interrupted(sig, _frame):
    raise KeyboardInterrupt(f"signal {sig}")


def unwind_on_signals():
    """SIGTERM and SIGHUP unwind like Ctrl-C, so the driver's finally (cleanup) always runs."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupted)
