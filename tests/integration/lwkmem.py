# lwKernel as the tests compute it from /proc (or a fixture copy): meminfo, slabinfo, zoneinfo,
# buddyinfo, vmstat parsed independently of leakwatchd, plus a process-free SNMP poller.
# SPDX-License-Identifier: ISC
import os
import socket
from pathlib import Path

import lwber
from lwoids import (KERNEL_MEMORY, LW_KERNEL_MEMORY, LW_VMSTAT, SLAB_COLUMNS, VMSTAT_OBJECTS,
                    ZONE_COLUMNS)
from lwprocs import fnv1a_index

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
HIGH_ORDER = 4  # lwZoneHighOrderFreeKB sums the buddy orders from this one up
SLAB_NAME_MAX = 63  # lwSlabName is cut to this many octets; the index hashes the full name
BUDDY_COLUMNS = {"lwBuddyFreeBlocks": 4, "lwBuddyFreeKB": 5}

# wire types as LEAKWATCH-MIB defines them (Unsigned32 and Gauge32 share one BER tag and the
# net-snmp tools print both as Gauge32)
KERNEL_MEMORY_TYPES = {name: "Gauge32" for name, _ in KERNEL_MEMORY}  # KiB or counts: levels
SLAB_TYPES = {c: ("STRING" if c == "lwSlabName" else
                  "INTEGER" if c in ("lwSlabLeakState", "lwSlabSlope") else "Gauge32")
              for c in SLAB_COLUMNS}
# What the detector says of a cache it has watched for less than its warm-up: learning(1), no
# slope, no forecast (the kernel tests keep the default 30-minute warm-up).
SLAB_LEARNING = {"lwSlabLeakState": 1, "lwSlabSlope": 0, "lwSlabTimeToExhaustion": 0}
ZONE_TYPES = {c: ("STRING" if c == "lwZoneName" else "Gauge32") for c in ZONE_COLUMNS}
BUDDY_TYPES = {"lwBuddyFreeBlocks": "Gauge32", "lwBuddyFreeKB": "Gauge32"}

# The meminfo lines subtracted from MemTotal for lwUnaccountedKB (docs/MIB.md, "Formulas").
UNACCOUNTED_TERMS = ("MemFree", "Active", "Inactive", "Unevictable", "Slab", "KernelStack",
                     "PageTables", "SecPageTables", "Percpu", "VmallocUsed", "Hugetlb")
# the single counter older kernels print instead of the split ones
VMSTAT_OLD_NAMES = {"lwVmAllocStall": "allocstall", "lwVmWorkingsetRefault": "workingset_refault"}


def kernel_memory_oid(name):
    sub = [n for n, _ in KERNEL_MEMORY].index(name) + 1
    return f"{LW_KERNEL_MEMORY}.{sub}.0"


def vmstat_oid(name):
    sub = [n for n, _ in VMSTAT_OBJECTS].index(name) + 1
    return f"{LW_VMSTAT}.{sub}.0"


def read_meminfo_all(root="/"):
    """Every line of proc/meminfo: {field: number} (kB fields in KiB, HugePages_* counts)."""
    values = {}
    for line in Path(root, "proc/meminfo").read_text().splitlines():
        key, _, rest = line.partition(":")
        if rest.split():
            values[key] = int(rest.split()[0])
    return values


def unaccounted_kb(mi):
    """lwUnaccountedKB from a meminfo dict: MemTotal minus the accounted lines, at least 0."""
    return max(0, mi["MemTotal"] - sum(mi.get(k, 0) for k in UNACCOUNTED_TERMS))


def kernel_memory(mi):
    """Every lwKernelMemory object by name from a meminfo dict."""
    out = {name: mi[field] for name, field in KERNEL_MEMORY if field is not None}
    out["lwUnaccountedKB"] = unaccounted_kb(mi)
    return out


def read_slabinfo(root="/"):
    """proc/slabinfo 2.1 as a list of dicts in file order (name as bytes)."""
    lines = Path(root, "proc/slabinfo").read_bytes().decode("latin-1").splitlines()
    assert lines[0].startswith("slabinfo - version: 2.1"), lines[0]
    caches = []
    for line in lines[2:]:
        head, tunables, slabdata = line.split(":")
        name, active, num, size, perslab, pages = head.split()
        assert tunables.split()[0] == "tunables" and slabdata.split()[0] == "slabdata", line
        active_slabs, num_slabs = (int(x) for x in slabdata.split()[1:3])
        caches.append({"name": name.encode("latin-1"), "active_objs": int(active),
                       "num_objs": int(num), "objsize": int(size), "objperslab": int(perslab),
                       "pagesperslab": int(pages), "active_slabs": active_slabs,
                       "num_slabs": num_slabs})
    return caches


def slab_by_name(caches, name):
    found = [c for c in caches if c["name"] == name]
    assert len(found) == 1, f"{name!r} listed {len(found)} times in slabinfo"
    return found[0]


def expected_slab_rows(caches):
    """(lwSlabTable {index: {column: value}}, lwSlabDropped) as MIB.md defines them: the first
    cache of the file order keeps an index, a later one hashing to it is dropped."""
    rows, dropped = {}, 0
    for c in caches:
        index = fnv1a_index(c["name"])
        if index in rows:
            dropped += 1
            continue
        rows[index] = {
            "lwSlabName": c["name"][:SLAB_NAME_MAX],
            "lwSlabActiveObjs": c["active_objs"], "lwSlabNumObjs": c["num_objs"],
            "lwSlabObjSize": c["objsize"], "lwSlabActiveSlabs": c["active_slabs"],
            "lwSlabNumSlabs": c["num_slabs"], "lwSlabPagesPerSlab": c["pagesperslab"],
            "lwSlabTotalKB": c["num_slabs"] * c["pagesperslab"] * PAGE_SIZE // 1024,
            "lwSlabActiveKB": c["active_objs"] * c["objsize"] // 1024,
            **SLAB_LEARNING,
        }
    return rows, dropped


# /proc/zoneinfo line (its words before the number) -> lwZoneTable column
_ZONE_LINES = {("pages", "free"): "lwZoneFreePages", ("min",): "lwZoneMinPages",
               ("low",): "lwZoneLowPages", ("high",): "lwZoneHighPages",
               ("spanned",): "lwZoneSpannedPages", ("present",): "lwZonePresentPages",
               ("managed",): "lwZoneManagedPages"}


def read_zoneinfo(root="/"):
    """proc/zoneinfo zones in file order: dicts node, index (position in the node, from 1),
    name and the page columns of lwZoneTable (the first matching line of each zone block)."""
    zones = []
    for line in Path(root, "proc/zoneinfo").read_text().splitlines():
        words = line.replace(",", " ").split()
        if line.startswith("Node "):
            node, name = int(words[1]), words[3]
            index = 1 + sum(1 for z in zones if z["node"] == node)
            zones.append({"node": node, "index": index, "name": name})
            continue
        if zones and len(words) >= 2 and words[-1].isdigit():
            column = _ZONE_LINES.get(tuple(words[:-1]))
            if column is not None:
                zones[-1].setdefault(column, int(words[-1]))
    return zones


def read_buddyinfo(root="/"):
    """proc/buddyinfo: {(node, zone name): [free blocks of order 0, 1, ...]}."""
    lines = {}
    for line in Path(root, "proc/buddyinfo").read_text().splitlines():
        words = line.replace(",", " ").split()
        assert words[0] == "Node" and words[2] == "zone", line
        lines[(int(words[1]), words[3])] = [int(x) for x in words[4:]]
    return lines


def buddy_free_kb(blocks, order):
    return blocks * (1 << order) * PAGE_SIZE // 1024


def high_order_free_kb(counts):
    return sum(buddy_free_kb(b, order) for order, b in enumerate(counts) if order >= HIGH_ORDER)


def expected_zone_rows(zones, buddies):
    """lwZoneTable {(node, index): {column: value}}; lwZoneHighOrderFreeKB left out of a zone
    that buddyinfo does not list (the agent answers noSuchInstance)."""
    rows = {}
    for z in zones:
        row = {"lwZoneName": z["name"].encode()}
        row.update({c: z[c] for c in _ZONE_LINES.values() if c in z})
        counts = buddies.get((z["node"], z["name"]))
        if counts is not None:
            row["lwZoneHighOrderFreeKB"] = high_order_free_kb(counts)
        rows[(z["node"], z["index"])] = row
    return rows


def expected_buddy_rows(zones, buddies):
    """lwBuddyTable {(node, zone index, order): {column: value}}, zones matched by name."""
    index = {(z["node"], z["name"]): z["index"] for z in zones}
    rows = {}
    for (node, name), counts in buddies.items():
        for order, blocks in enumerate(counts):
            rows[(node, index[(node, name)], order)] = {
                "lwBuddyFreeBlocks": blocks, "lwBuddyFreeKB": buddy_free_kb(blocks, order)}
    return rows


def read_vmstat(root="/"):
    values = {}
    for line in Path(root, "proc/vmstat").read_text().splitlines():
        name, value = line.split()
        values[name] = int(value)
    return values


def expected_vmstat(vm):
    """Every lwVmstat object by name; None where the kernel prints none of its lines."""
    out = {}
    for name, lines in VMSTAT_OBJECTS:
        present = [vm[n] for n in lines if n in vm]
        if not present and VMSTAT_OLD_NAMES.get(name) in vm:
            present = [vm[VMSTAT_OLD_NAMES[name]]]
        out[name] = sum(present) if present else None
    return out


# ----- a GET without starting a process -----

class RawGet:
    """Sends one fixed SNMPv2c GET over a UDP socket and returns the raw response.

    Always the same request (same request-id), so two responses are equal octet for octet
    exactly when the value is. Polling this way starts no snmpget process, whose memory
    (about 1 MiB anonymous, 4 MiB mapped while it runs) would otherwise be in the meminfo
    figures whenever the daemon samples during a poll.
    """

    def __init__(self, port, oid, community=b"public", host="127.0.0.1"):
        self.request = lwber.message(lwber.GET, community, 0x11, [(oid, lwber.NULL)])
        self.oid_ber = lwber.oid_octets(oid)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.connect((host, port))
        self.sock.settimeout(1.0)

    def __call__(self):
        self.sock.send(self.request)
        while True:
            reply = self.sock.recv(65536)
            # a late answer to an earlier (timed-out) send is the same octets: harmless
            if self.oid_ber in reply and b"\xa2" in reply:
                return reply

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
