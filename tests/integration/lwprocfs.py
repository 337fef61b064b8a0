# The lwSystem values as the tests compute them from /proc and /sys (or a fixture copy of them).
# SPDX-License-Identifier: ISC
import os
import shutil
from pathlib import Path

FIXTURE_PIDS = (1, 2, 4111)  # numeric directories of a fixture /proc

# meminfo field -> lwSystem object
MEMINFO_OBJECTS = {
    "MemTotal": "lwMemTotalKB", "MemFree": "lwMemFreeKB", "MemAvailable": "lwMemAvailableKB",
    "Buffers": "lwBuffersKB", "Cached": "lwCachedKB", "SwapTotal": "lwSwapTotalKB",
    "SwapFree": "lwSwapFreeKB", "Committed_AS": "lwCommittedKB",
}


def hundredths(text):
    """'12.34' -> 1234, exactly (no float rounding)."""
    whole, _, frac = text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def read_loadavg(root="/"):
    f = Path(root, "proc/loadavg").read_text().split()
    return {"lwLoad1": hundredths(f[0]), "lwLoad5": hundredths(f[1]),
            "lwLoad15": hundredths(f[2]), "lwThreadCount": int(f[3].split("/")[1])}


def read_meminfo(root="/"):
    values = {}
    for line in Path(root, "proc/meminfo").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in MEMINFO_OBJECTS:
            values[MEMINFO_OBJECTS[key]] = int(rest.split()[0])
    return values


def read_filenr(root="/"):
    f = Path(root, "proc/sys/fs/file-nr").read_text().split()
    return {"lwFilesAllocated": int(f[0]), "lwFilesMax": int(f[2])}


def count_cpu_list(text):
    """'0-3,8,10-11' -> 7."""
    n = 0
    for part in text.strip().split(","):
        lo, _, hi = part.partition("-")
        n += int(hi or lo) - int(lo) + 1
    return n


def read_cpus(root="/"):
    return {"lwCpuCount": count_cpu_list(
        Path(root, "sys/devices/system/cpu/online").read_text())}


def read_processes(root="/"):
    return {"lwProcessCount": sum(1 for e in os.scandir(Path(root, "proc")) if e.name.isdigit())}


GAUGE32_MAX = 2**32 - 1
# the levels served twice: a Gauge32 that stays at 2^32-1, and a ...X twin with the full value
TWINNED = (*MEMINFO_OBJECTS.values(), "lwFilesMax")


def read_system(root="/"):
    """Every lwSystem object by name, read the way DESIGN.md defines it."""
    values = {}
    for reader in (read_loadavg, read_meminfo, read_filenr, read_cpus, read_processes):
        values.update(reader(root))
    for name in TWINNED:
        if name in values:
            values[name + "X"] = values[name]
            values[name] = min(values[name], GAUGE32_MAX)
    values["lwFilesAllocated"] = min(values["lwFilesAllocated"], GAUGE32_MAX)
    return values


# the socket-memory collectors' files (proc/net is this process's namespace)
NET_FILES = ("proc/net/sockstat", "proc/net/sockstat6", "proc/net/snmp", "proc/net/netstat",
             "proc/sys/net/ipv4/tcp_mem", "proc/sys/net/ipv4/tcp_max_orphans",
             "proc/sys/net/ipv4/tcp_max_tw_buckets", "proc/net/igmp", "proc/net/igmp6")


# the kernel-memory collectors' files (slabinfo is root-only: the tests run as root)
KMEM_FILES = ("proc/slabinfo", "proc/zoneinfo", "proc/buddyinfo", "proc/vmstat")


def build_fixture_root(dst, src="/"):
    """Copy the files leakwatch reads into dst/proc and dst/sys; a few fake pid directories.

    Returns dst. The copies never change, so values read from them are exact expectations.
    """
    dst = Path(dst)
    for rel in ("proc/loadavg", "proc/meminfo", "proc/sys/fs/file-nr",
                "sys/devices/system/cpu/online", *NET_FILES, *KMEM_FILES):
        if rel in ("proc/net/sockstat6", "proc/net/igmp6") and not Path(src, rel).exists():
            continue  # a kernel without IPv6
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(src, rel), dst / rel)
    # Process directories: the files the process collector reads, copied from this process
    # (a real, readable one) under fake pids; a process is counted only when its stat parses.
    me = Path(src, "proc", "self")
    for pid in FIXTURE_PIDS:
        d = dst / "proc" / str(pid)
        d.mkdir()
        for name in ("stat", "statm", "cmdline", "limits"):
            (d / name).write_bytes((me / name).read_bytes())
        (d / "fd").mkdir()
    shutil.copyfile(Path(src, "proc/stat"), dst / "proc" / "stat")
    (dst / "proc" / "self").mkdir()  # not numeric: must not be counted
    return dst
