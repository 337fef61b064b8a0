# Multicast test bench: a sender and a receiver namespace joined by a veth pair, real senders of
# UDP (IPv4/IPv6 multicast, unicast, broadcast) and of hand-built VLAN frames, group joiners,
# and readers of lwMcastIfTable / lwMcastGroupTable / lwMcastMemberTable.
# SPDX-License-Identifier: ISC
import ipaddress
import json
import socket
import subprocess
import sys
import time

from lwoids import (MCAST_GROUP_COLUMNS, MCAST_GROUP_ENTRY, MCAST_IF_COLUMNS, MCAST_IF_ENTRY,
                    MCAST_MEMBER_COLUMNS, MCAST_MEMBER_ENTRY)
from lwsnmp import EXCEPTIONS, snmpget, walk_rows
from lwtcpwork import Netns
from lwutil import wait_until

SND_IF, RCV_IF = "lwmsnd", "lwmrcv"
SND_V4, RCV_V4, V4_NET = "10.231.0.1", "10.231.0.2", "10.231.0.0/24"
SND_V6, RCV_V6 = "fd00:231::1", "fd00:231::2"
ETH, IP4, IP6, UDP = 14, 20, 40, 8

# Quiet links: no router solicitations or DAD probes, so the only multicast the test did not
# send is the kernel's own MLD reports (ff02::16) for the addresses' solicited-node groups.
QUIET_V6 = {"net.ipv6.conf.default.router_solicitations": 0,
            "net.ipv6.conf.default.accept_dad": 0,
            "net.ipv6.conf.default.dad_transmits": 0}
NO_V6 = {"net.ipv6.conf.default.disable_ipv6": 1}  # the veth ends only: lo keeps ::1


def frame_len(dst, payload):
    """Wire length libpcap reports for a UDP datagram to dst (no FCS, no VLAN tag)."""
    return ETH + (IP6 if ":" in dst else IP4) + UDP + payload


def is_control_group(addr):
    """Multicast the kernels send by themselves: IGMP/MLD reports, all-routers, solicited-node,
    and the IPv4 link-local control block."""
    a = ipaddress.ip_address(addr)
    if a.version == 4:
        return a in ipaddress.ip_network("224.0.0.0/24")
    return a == ipaddress.ip_address("ff02::16") or a == ipaddress.ip_address("ff02::2") or \
        a in ipaddress.ip_network("ff02::1:ff00:0/104")


# ----------------------------------------------------------------- child programs

# Sends streams on a schedule: argv[1] is JSON [{"dst", "rate", "count", "size", "kind"}, ...];
# every stream starts at once and keeps its own absolute timetable (packet i at t0 + i/rate).
# Reports each packet's wall-clock time just after sendto(): on veth the receiver stamps the
# frame inside that call, so the stamp lies between the previous packet's and this one.
SENDER = r"""
import heapq, json, socket, sys, time
SND_IF, SND_V4 = sys.argv[2], sys.argv[3]
streams = json.loads(sys.argv[1])
def sock(kind):
    if kind == "v6":
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, socket.if_nametoindex(SND_IF))
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 1)
        return s
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(SND_V4))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    if kind == "bcast":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, SND_IF.encode())
    return s
socks = [sock(st["kind"]) for st in streams]
sent = [0] * len(streams)
stamps = [[] for _ in streams]
t0 = time.monotonic()
queue = [(t0, i) for i, st in enumerate(streams) if st["count"] > 0]
heapq.heapify(queue)
start_wall = time.time()
while queue:
    due, i = heapq.heappop(queue)
    delay = due - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    st = streams[i]
    before = time.time()
    socks[i].sendto(b"\xa5" * st["size"], (st["dst"], 5000))
    stamps[i].append((before, time.time()))
    sent[i] += 1
    if sent[i] < st["count"]:
        heapq.heappush(queue, (t0 + sent[i] / st["rate"], i))
print(json.dumps({"sent": sent, "start": start_wall, "end": time.time(), "stamps": stamps}),
      flush=True)
"""

# Writes hand-built Ethernet frames on the sender's interface: argv[1] is JSON [[hex, count]].
INJECTOR = r"""
import json, socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[2], 0))
for frame, count in json.loads(sys.argv[1]):
    for _ in range(count):
        s.send(bytes.fromhex(frame))
print("done", flush=True)
"""

# Joins groups on the receiver's interface and holds them until its stdin closes.
JOINER = r"""
import json, socket, sys
ifname, v4addr = sys.argv[2], sys.argv[3]
held = []
for g in json.loads(sys.argv[1]):
    if ":" in g:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
                     socket.inet_pton(socket.AF_INET6, g) +
                     socket.if_nametoindex(ifname).to_bytes(4, sys.byteorder))
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                     socket.inet_aton(g) + socket.inet_aton(v4addr))
    held.append(s)
print("joined", flush=True)
sys.stdin.read()
"""


def vlan_frame(dst_v4, tags, payload=100):
    """An Ethernet frame with the given (TPID, VID) tags, carrying UDP from SND_V4 to dst_v4."""
    ip = ipaddress.ip_address(dst_v4).packed
    mac = bytes([0x01, 0x00, 0x5e, ip[1] & 0x7f, ip[2], ip[3]])
    total = IP4 + UDP + payload
    hdr = bytes([0x45, 0, total >> 8, total & 0xff, 0, 0, 0x40, 0, 1, 17, 0, 0]) + \
        socket.inet_aton(SND_V4) + ip
    csum = sum(int.from_bytes(hdr[i:i + 2], "big") for i in range(0, IP4, 2))
    csum = ~((csum & 0xffff) + (csum >> 16)) & 0xffff
    hdr = hdr[:10] + csum.to_bytes(2, "big") + hdr[12:]
    udp = (4000).to_bytes(2, "big") + (5000).to_bytes(2, "big") + \
        (UDP + payload).to_bytes(2, "big") + b"\0\0"
    eth = mac + bytes([2, 0, 0, 0, 0, 1])
    for tpid, vid in tags:
        eth += tpid.to_bytes(2, "big") + vid.to_bytes(2, "big")
    return (eth + b"\x08\x00" + hdr + udp + b"\xa5" * payload).hex()


# ----------------------------------------------------------------- the link

class McastLink:
    """Sender and receiver namespaces joined by a veth pair SND_IF <-> RCV_IF, IPv4 (and IPv6
    unless ipv6=False) addresses on both ends. A context manager; close() removes all."""

    def __init__(self, tmpdir, ipv6=True):
        self.ipv6 = ipv6
        sysctls = QUIET_V6 if ipv6 else NO_V6
        self.snd = Netns(sysctls=sysctls, tmpdir=tmpdir / "snd")
        self.rcv = Netns(sysctls=sysctls, tmpdir=tmpdir / "rcv")
        self.joiners = []

    def __enter__(self):
        try:
            self.snd.start()
            self.rcv.start()
            self.create_veth()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def create_veth(self):
        """Makes the pair inside the namespaces (never in the caller's), addresses, up."""
        self.snd.run(["ip", "link", "add", SND_IF, "type", "veth", "peer", "name", RCV_IF,
                      "netns", self.rcv.name])
        for ns, ifname, v4, v6 in ((self.snd, SND_IF, SND_V4, SND_V6),
                                   (self.rcv, RCV_IF, RCV_V4, RCV_V6)):
            ns.run(["ip", "addr", "add", f"{v4}/24", "dev", ifname])
            if self.ipv6:
                ns.run(["ip", "-6", "addr", "add", f"{v6}/64", "dev", ifname, "nodad"])
            ns.run(["ip", "link", "set", ifname, "up"])
        # Permanent neighbours: no ARP on the link, so every frame on it is one a test sent
        # (or an MLD report of the kernel's).
        snd_mac = self.snd.run(["cat", f"/sys/class/net/{SND_IF}/address"]).stdout.strip()
        rcv_mac = self.rcv.run(["cat", f"/sys/class/net/{RCV_IF}/address"]).stdout.strip()
        self.snd.run(["ip", "neigh", "replace", RCV_V4, "lladdr", rcv_mac, "dev", SND_IF,
                      "nud", "permanent"])
        self.rcv.run(["ip", "neigh", "replace", SND_V4, "lladdr", snd_mac, "dev", RCV_IF,
                      "nud", "permanent"])
        wait_until(lambda: self.carrier(), 10, what="the veth pair to come up")

    def carrier(self):
        out = self.rcv.run(["cat", f"/sys/class/net/{RCV_IF}/carrier"], check=False).stdout
        return out.strip() == "1"

    def delete_veth(self):
        self.rcv.run(["ip", "link", "del", RCV_IF])

    def set_receiver(self, up):
        self.rcv.run(["ip", "link", "set", RCV_IF, "up" if up else "down"])

    def ifindex(self):
        return int(self.rcv.run(["cat", f"/sys/class/net/{RCV_IF}/ifindex"]).stdout)

    def rx_packets(self):
        """Frames the receiving interface took in (what any capture on it can see at most)."""
        return int(self.rcv.run(["cat", f"/sys/class/net/{RCV_IF}/statistics/rx_packets"]).stdout)

    def proc_net(self, name):
        return self.rcv.run(["cat", f"/proc/net/{name}"]).stdout

    def send(self, streams, timeout=120):
        """Runs the sender to completion: {"sent": [per stream], "start", "end"} (wall clock)."""
        r = self.snd.run([sys.executable, "-c", SENDER, json.dumps(streams), SND_IF, SND_V4],
                         timeout=timeout)
        return json.loads(r.stdout)

    def send_async(self, streams):
        """Starts the sender; returns its Popen (stdout: the JSON line)."""
        return self.snd.popen([sys.executable, "-c", SENDER, json.dumps(streams), SND_IF,
                               SND_V4], stdout=subprocess.PIPE, text=True)

    def inject(self, frames):
        """Writes [(hex frame, count)] on the sender's interface."""
        self.snd.run([sys.executable, "-c", INJECTOR, json.dumps(frames), SND_IF])

    def join(self, groups):
        """A receiver-side process holding memberships of groups until leave()."""
        p = self.rcv.popen([sys.executable, "-c", JOINER, json.dumps(groups), RCV_IF, RCV_V4],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = p.stdout.readline()
        assert line.strip() == "joined", f"joiner said {line!r}"
        self.joiners.append(p)
        return p

    def leave(self, p):
        p.stdin.close()
        p.wait(10)
        self.joiners.remove(p)

    def close(self):
        for p in self.joiners:
            p.kill()
        self.joiners = []
        self.rcv.close()
        self.snd.close()


def sent_in_window(stamps, lo, hi):
    """(certain, possible): packets of [(before, after) sendto] surely, and perhaps, stamped by
    the receiver in [lo, hi) (a boundary that fell during the sendto call could go either way)."""
    certain = sum(1 for b, a in stamps if lo <= b and a < hi)
    possible = sum(1 for b, a in stamps if a >= lo and b < hi)
    return certain, possible


def rate_matches(reported, stamps_lists, boundary, seconds, slack=0):
    """Whether a rate over `seconds` ending at `boundary` (delta / seconds, rounded down) is what
    the stamps say was sent in [boundary - seconds, boundary), give or take slack packets."""
    lo = hi = 0
    for stamps in stamps_lists:
        c, p = sent_in_window(stamps, boundary - seconds, boundary)
        lo, hi = lo + c, hi + p
    return (lo - slack) // seconds <= reported <= (hi + slack) // seconds


def stream(dst, rate, count, size=100):
    kind = "v6" if ":" in dst else "v4"
    if dst.endswith(".255"):
        kind = "bcast"
    return {"dst": dst, "rate": rate, "count": count, "size": size, "kind": kind}


# ----------------------------------------------------------------- the MIB, read back

def _addr_index(parts):
    """(ifindex, address text) from index sub-ids ifindex.type.len.octets."""
    ifindex, family, length = parts[0], parts[1], parts[2]
    octets = bytes(parts[3:3 + length])
    assert (family, length) in ((1, 4), (2, 16)) and len(octets) == length, parts
    return ifindex, str(ipaddress.ip_address(octets))


def _walk_addr_table(port, entry, columns):
    """{(ifindex, address): {column: value}} (walked again when a reload split a row); the
    readable address column of every row must be the index's address as text (RFC 5952 for
    IPv6, which Python's ipaddress prints for the multicast ranges)."""
    rows = walk_rows(port, entry, columns, _addr_index)
    text = "lwMcastGroupAddrText" if "lwMcastGroupAddrText" in columns else "lwMcastMemberAddrText"
    wrong = {k: r[text] for k, r in rows.items() if r[text] != k[1].encode()}
    assert not wrong, f"{text} differs from the index address: {wrong}"
    return rows


def group_rows(port):
    """lwMcastGroupTable: {(ifindex, group): {column name: value}}."""
    return _walk_addr_table(port, MCAST_GROUP_ENTRY, MCAST_GROUP_COLUMNS)


def member_rows(port):
    """lwMcastMemberTable: {(ifindex, group): {column name: value}}."""
    return _walk_addr_table(port, MCAST_MEMBER_ENTRY, MCAST_MEMBER_COLUMNS)


def if_rows(port):
    """lwMcastIfTable: {ifindex: {column name: value}} (walked again if a row came out partial)."""
    return walk_rows(port, MCAST_IF_ENTRY, MCAST_IF_COLUMNS)


def if_row(port, ifindex, *columns):
    """The named columns of one lwMcastIfTable row (all when none named); None when absent."""
    columns = columns or tuple(MCAST_IF_COLUMNS)
    vbs = snmpget(port, *[f"{MCAST_IF_ENTRY}.{MCAST_IF_COLUMNS[c]}.{ifindex}" for c in columns])
    if all(vb.type in EXCEPTIONS for vb in vbs):
        return None
    return {c: vb.value for c, vb in zip(columns, vbs)}


def group_cells(port, ifindex, groups, *columns):
    """{group: {column: value}} for the given groups of one interface, in one GET."""
    oids, keys = [], []
    for g in groups:
        a = ipaddress.ip_address(g)
        index = f"{ifindex}.{1 if a.version == 4 else 2}.{len(a.packed)}." + \
            ".".join(str(b) for b in a.packed)
        for c in columns:
            oids.append(f"{MCAST_GROUP_ENTRY}.{MCAST_GROUP_COLUMNS[c]}.{index}")
            keys.append((g, c))
    out = {}
    for (g, c), vb in zip(keys, snmpget(port, *oids)):
        out.setdefault(g, {})[c] = None if vb.type in EXCEPTIONS else vb.value
    return out


def settled(port, ifindex, timeout=30):
    """The interface row once lwMcastIfPackets held still over two publications (~2.5 s)."""
    seen = []

    def still():
        row = if_row(port, ifindex)
        seen.append(row["lwMcastIfPackets"] if row else None)
        if len(seen) >= 3 and seen[-1] is not None and seen[-1] == seen[-2] == seen[-3]:
            return row
        time.sleep(1.2)
        return None
    return wait_until(still, timeout, interval=0, what=f"lwMcastIfPackets.{ifindex} to settle")


def parse_proc_igmp(igmp, igmp6):
    """{(ifindex, group): users} from /proc/net/igmp and igmp6 text (little-endian host)."""
    rows = {}
    ifindex = None
    for line in igmp.splitlines()[1:]:
        f = line.split()
        if not line.startswith("\t"):
            ifindex = int(f[0])
        else:
            group = str(ipaddress.ip_address(int(f[0], 16).to_bytes(4, "little")))
            rows[(ifindex, group)] = int(f[1])
    for line in igmp6.splitlines():
        f = line.split()
        if f:
            rows[(int(f[0]), str(ipaddress.ip_address(bytes.fromhex(f[2]))))] = int(f[3])
    return rows
