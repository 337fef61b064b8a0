# Numeric OIDs of LEAKWATCH-MIB (docs/DESIGN.md), so tests never depend on MIB files.
# SPDX-License-Identifier: ISC
LW = "1.3.6.1.4.1.8072.9999.9999.4111"
LW_NOTIFICATIONS = LW + ".0"
LW_COLLECTOR_FAILED = LW_NOTIFICATIONS + ".1"
LW_COLLECTOR_RECOVERED = LW_NOTIFICATIONS + ".2"
LW_OBJECTS = LW + ".1"
LW_AGENT = LW_OBJECTS + ".1"
LW_SYSTEM = LW_OBJECTS + ".2"
LW_TCP = LW_OBJECTS + ".4"
LW_KERNEL = LW_OBJECTS + ".5"
LW_MCAST = LW_OBJECTS + ".6"
LW_ALARMS = LW_OBJECTS + ".7"

SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
SNMP_TRAP_OID = "1.3.6.1.6.3.1.1.4.1.0"

AGENT_SCALARS = {
    "lwAgentVersion": LW_AGENT + ".1.0",
    "lwAgentStartTime": LW_AGENT + ".2.0",
    "lwSampleInterval": LW_AGENT + ".3.0",
    "lwAgentSnapshotTime": LW_AGENT + ".4.0",
    "lwAgentStartTimeUnix": LW_AGENT + ".6.0",
    "lwAgentSnapshotTimeUnix": LW_AGENT + ".7.0",
}

COLLECTOR_TABLE = LW_AGENT + ".5"
COLLECTOR_ENTRY = COLLECTOR_TABLE + ".1"
# column name -> sub-id; lwCollectorIndex (1) is not-accessible
COLLECTOR_COLUMNS = {
    "lwCollectorName": 2,
    "lwCollectorInterval": 3,
    "lwCollectorLastRun": 4,
    "lwCollectorLastDurationUs": 5,
    "lwCollectorTotalDurationUs": 6,
    "lwCollectorRuns": 7,
    "lwCollectorErrors": 8,
    "lwCollectorLastError": 9,
    "lwCollectorNotice": 10,
    "lwCollectorLastRunUnix": 11,
}
# every collector in lwCollectorIndex order
COLLECTORS = ["loadavg", "meminfo", "file-nr", "cpus", "processes", "tcp", "sockstat",
              "tcp-limits", "tcp-counters", "slabinfo", "zoneinfo", "buddyinfo", "vmstat",
              "mcast-members", "detector", "history"]

# lwTcp: tables, scalars, and the scalar groups lwSockstat, lwTcpLimits, lwTcpCounters
TCP_STATE_ENTRY = LW_TCP + ".1.1"          # columns: 2 Count, 3 CountV4, 4 CountV6, 5 Name
TCP_TOP_REMOTE_ENTRY = LW_TCP + ".2.1"     # 3 AddrType, 4 Addr, 5 Count, 6 Error, 7 StateName,
#                                            8 AddrText
TCP_PORT_STATE_ENTRY = LW_TCP + ".3.1"     # 2 listen, 3..10 synReceived..timeWait, 11 PortText
TCP_SCALARS = {"lwTcpSockets": 4, "lwTcpTopN": 5, "lwTcpPortRows": 6, "lwTcpPortDropped": 7,
               "lwTcpPortMaxRows": 8}
# TCP-MIB tcpConnectionState numbering, the index of lwTcpStateTable
TCP_STATES = {"closed": 1, "listen": 2, "synSent": 3, "synReceived": 4, "established": 5,
              "finWait1": 6, "finWait2": 7, "closeWait": 8, "lastAck": 9, "closing": 10,
              "timeWait": 11}
# lwTcpPortStateTable column -> state
TCP_PORT_COLUMNS = {2: 2, 3: 4, 4: 5, 5: 6, 6: 7, 7: 8, 8: 9, 9: 10, 10: 11}
# name -> (group sub-id under lwTcp, sub-id, wire type); the order of src/net/sockstat.h etc.
SOCKSTAT_OBJECTS = [
    ("lwSockstatSocketsUsed", "sockets", "used", "Gauge32"),
    ("lwSockstatTcpInUse", "TCP", "inuse", "Gauge32"),
    ("lwSockstatTcpOrphan", "TCP", "orphan", "Gauge32"),
    ("lwSockstatTcpTimeWait", "TCP", "tw", "Gauge32"),
    ("lwSockstatTcpAlloc", "TCP", "alloc", "Gauge32"),
    ("lwSockstatTcpMemPages", "TCP", "mem", "Gauge32"),
    ("lwSockstatUdpInUse", "UDP", "inuse", "Gauge32"),
    ("lwSockstatUdpMemPages", "UDP", "mem", "Gauge32"),
    ("lwSockstatUdpLiteInUse", "UDPLITE", "inuse", "Gauge32"),
    ("lwSockstatRawInUse", "RAW", "inuse", "Gauge32"),
    ("lwSockstatFragInUse", "FRAG", "inuse", "Gauge32"),
    ("lwSockstatFragMemory", "FRAG", "memory", "Gauge32"),
    ("lwSockstatTcp6InUse", "TCP6", "inuse", "Gauge32"),
    ("lwSockstatUdp6InUse", "UDP6", "inuse", "Gauge32"),
    ("lwSockstatUdpLite6InUse", "UDPLITE6", "inuse", "Gauge32"),
    ("lwSockstatRaw6InUse", "RAW6", "inuse", "Gauge32"),
    ("lwSockstatFrag6InUse", "FRAG6", "inuse", "Gauge32"),
    ("lwSockstatFrag6Memory", "FRAG6", "memory", "Gauge32"),
]
LW_SOCKSTAT = LW_TCP + ".9"
LW_TCP_LIMITS = LW_TCP + ".10"             # 1-3 tcp_mem, 4 max orphans, 5 max tw, 6-9 percents
LW_TCP_COUNTERS = LW_TCP + ".11"
# lwTcpCounters sub-id -> (file prefix, column name)
TCP_COUNTERS = {1: ("Tcp", "ActiveOpens"), 2: ("Tcp", "PassiveOpens"),
                3: ("Tcp", "AttemptFails"), 4: ("Tcp", "EstabResets"), 5: ("Tcp", "CurrEstab"),
                6: ("Tcp", "RetransSegs"), 7: ("TcpExt", "ListenOverflows"),
                8: ("TcpExt", "ListenDrops"), 9: ("TcpExt", "TCPAbortOnMemory"),
                10: ("TcpExt", "TCPMemoryPressures")}


def collector_cell(column, index):
    return f"{COLLECTOR_ENTRY}.{COLLECTOR_COLUMNS[column]}.{index}"


def collector_index(name):
    return COLLECTORS.index(name) + 1


# name -> (sub-id under lwSystem, SNMP wire type)
SYSTEM_OBJECTS = {
    "lwLoad1": (1, "Gauge32"),
    "lwLoad5": (2, "Gauge32"),
    "lwLoad15": (3, "Gauge32"),
    "lwCpuCount": (4, "Gauge32"),
    "lwMemTotalKB": (5, "Gauge32"),
    "lwMemFreeKB": (6, "Gauge32"),
    "lwMemAvailableKB": (7, "Gauge32"),
    "lwBuffersKB": (8, "Gauge32"),
    "lwCachedKB": (9, "Gauge32"),
    "lwSwapTotalKB": (10, "Gauge32"),
    "lwSwapFreeKB": (11, "Gauge32"),
    "lwCommittedKB": (12, "Gauge32"),
    "lwFilesAllocated": (13, "Gauge32"),
    "lwFilesMax": (14, "Gauge32"),
    "lwProcessCount": (15, "Gauge32"),
    "lwThreadCount": (16, "Gauge32"),
    # the full-range twins of the levels that can pass 2^32 (UCD-SNMP-MIB's ...X pattern)
    "lwMemTotalKBX": (17, "Counter64"),
    "lwMemFreeKBX": (18, "Counter64"),
    "lwMemAvailableKBX": (19, "Counter64"),
    "lwBuffersKBX": (20, "Counter64"),
    "lwCachedKBX": (21, "Counter64"),
    "lwSwapTotalKBX": (22, "Counter64"),
    "lwSwapFreeKBX": (23, "Counter64"),
    "lwCommittedKBX": (24, "Counter64"),
    "lwFilesMaxX": (25, "Counter64"),
}
# which collector feeds each lwSystem object
SYSTEM_COLLECTOR = {
    "lwLoad1": "loadavg", "lwLoad5": "loadavg", "lwLoad15": "loadavg",
    "lwThreadCount": "loadavg", "lwCpuCount": "cpus",
    "lwFilesAllocated": "file-nr", "lwFilesMax": "file-nr", "lwFilesMaxX": "file-nr",
    "lwProcessCount": "processes",
}


def system_oid(name):
    return f"{LW_SYSTEM}.{SYSTEM_OBJECTS[name][0]}.0"


def system_collector(name):
    return SYSTEM_COLLECTOR.get(name, "meminfo")

# lwKernel: lwKernelMemory (1) scalars in this order, tables 2-4, scalars 5-7, lwVmstat (8)
LW_KERNEL_MEMORY = LW_KERNEL + ".1"
KERNEL_MEMORY = [("lwSlabKB", "Slab"), ("lwSReclaimableKB", "SReclaimable"),
                 ("lwSUnreclaimKB", "SUnreclaim"), ("lwKernelStackKB", "KernelStack"),
                 ("lwPageTablesKB", "PageTables"), ("lwVmallocUsedKB", "VmallocUsed"),
                 ("lwPercpuKB", "Percpu"), ("lwAnonPagesKB", "AnonPages"),
                 ("lwShmemKB", "Shmem"), ("lwMappedKB", "Mapped"),
                 ("lwHugePagesTotal", "HugePages_Total"), ("lwHugePagesFree", "HugePages_Free"),
                 ("lwUnaccountedKB", None)]
SLAB_ENTRY = LW_KERNEL + ".2.1"     # 2 Name .. 13 TimeToExhaustion, index FNV-1a of the name
# the leak detector's columns (issue 7), filled by the "detector" collector, not from slabinfo
SLAB_LEAK_COLUMNS = {"lwSlabLeakState": 11, "lwSlabSlope": 12, "lwSlabTimeToExhaustion": 13}
SLAB_COLUMNS = {"lwSlabName": 2, "lwSlabActiveObjs": 3, "lwSlabNumObjs": 4, "lwSlabObjSize": 5,
                "lwSlabActiveSlabs": 6, "lwSlabNumSlabs": 7, "lwSlabPagesPerSlab": 8,
                "lwSlabTotalKB": 9, "lwSlabActiveKB": 10, **SLAB_LEAK_COLUMNS}
ZONE_ENTRY = LW_KERNEL + ".3.1"     # index (node, position + 1)
ZONE_COLUMNS = {"lwZoneName": 3, "lwZoneFreePages": 4, "lwZoneMinPages": 5, "lwZoneLowPages": 6,
                "lwZoneHighPages": 7, "lwZoneSpannedPages": 8, "lwZonePresentPages": 9,
                "lwZoneManagedPages": 10, "lwZoneHighOrderFreeKB": 11}
BUDDY_ENTRY = LW_KERNEL + ".4.1"    # index (node, zone index, order): 4 FreeBlocks, 5 FreeKB
KERNEL_SCALARS = {"lwSlabRows": LW_KERNEL + ".5.0", "lwSlabDropped": LW_KERNEL + ".6.0",
                  "lwKernelInterval": LW_KERNEL + ".7.0"}
LW_VMSTAT = LW_KERNEL + ".8"
VMSTAT_OBJECTS = [("lwVmPgFault", ["pgfault"]), ("lwVmPgMajFault", ["pgmajfault"]),
                  ("lwVmPswpIn", ["pswpin"]), ("lwVmPswpOut", ["pswpout"]),
                  ("lwVmOomKill", ["oom_kill"]),
                  ("lwVmAllocStall", ["allocstall_dma", "allocstall_dma32", "allocstall_normal",
                                      "allocstall_movable", "allocstall_device"]),
                  ("lwVmCompactStall", ["compact_stall"]),
                  ("lwVmPgScanKswapd", ["pgscan_kswapd"]), ("lwVmPgScanDirect", ["pgscan_direct"]),
                  ("lwVmPgStealKswapd", ["pgsteal_kswapd"]),
                  ("lwVmPgStealDirect", ["pgsteal_direct"]),
                  ("lwVmWorkingsetRefault", ["workingset_refault_anon", "workingset_refault_file"])]

# lwMulticast: tables 1-3 (column name -> sub-id; the index columns are not-accessible), scalars
# 4-8. lwMcastIfTable is indexed by ifindex, the other two by (ifindex, InetAddressType,
# InetAddress with its length: 4.a.b.c.d or 16.x...). Only the member table (collector
# "mcast-members") comes from the snapshot; the capture threads publish the other two.
MCAST_IF_ENTRY = LW_MCAST + ".1.1"        # index: lwMcastIfIndex (1)
MCAST_IF_COLUMNS = {"lwMcastIfName": 2, "lwMcastIfPackets": 3, "lwMcastIfOctets": 4,
                    "lwMcastIfPps1": 5, "lwMcastIfPps10": 6, "lwMcastIfPps60": 7,
                    "lwMcastIfBps1": 8, "lwMcastIfBps10": 9, "lwMcastIfBps60": 10,
                    "lwMcastIfGroups": 11, "lwMcastIfDrops": 12, "lwMcastIfIfDrops": 13,
                    "lwMcastIfCaptureState": 14, "lwMcastIfLastError": 15,
                    "lwMcastIfGroupOverflow": 16, "lwMcastIfMalformed": 17,
                    "lwMcastIfCounterStart": 18, "lwMcastIfCounterStartUnix": 19,
                    "lwMcastIfBps1X": 20, "lwMcastIfBps10X": 21, "lwMcastIfBps60X": 22}
MCAST_GROUP_ENTRY = LW_MCAST + ".2.1"     # index: IfIndex (1), AddrType (2), Addr (3)
MCAST_GROUP_COLUMNS = {"lwMcastGroupPackets": 4, "lwMcastGroupOctets": 5,
                       "lwMcastGroupPps10": 6, "lwMcastGroupBps10": 7,
                       "lwMcastGroupSources": 8, "lwMcastGroupSourcesOverflow": 9,
                       "lwMcastGroupFirstSeen": 10, "lwMcastGroupLastSeen": 11,
                       "lwMcastGroupJoined": 12, "lwMcastGroupFirstSeenUnix": 13,
                       "lwMcastGroupLastSeenUnix": 14, "lwMcastGroupAddrText": 15,
                       "lwMcastGroupBps10X": 16, "lwMcastGroupIfName": 17}
MCAST_MEMBER_ENTRY = LW_MCAST + ".3.1"    # index: IfIndex (1), AddrType (2), Addr (3)
MCAST_MEMBER_COLUMNS = {"lwMcastMemberIfName": 4, "lwMcastMemberUsers": 5,
                        "lwMcastMemberAddrText": 6}
MCAST_SCALARS = {"lwMcastInterfaces": LW_MCAST + ".4.0", "lwMcastMaxGroups": LW_MCAST + ".5.0",
                 "lwMcastSnaplen": LW_MCAST + ".6.0", "lwMcastBufferSize": LW_MCAST + ".7.0",
                 "lwMcastDirection": LW_MCAST + ".8.0"}

# Leak detection, history and alarms (issue 7). The leak detector's columns of lwProcTable and
# lwProcGroupTable (their other columns are PROC_COLUMNS and GROUP_COLUMNS of lwprocs.py).
PROC_LEAK_COLUMNS = {"lwProcLeakState": 18, "lwProcRssSlope": 19, "lwProcFdLeakState": 20,
                     "lwProcFdSlope": 21, "lwProcTimeToExhaustion": 22}
GROUP_LEAK_COLUMNS = {"lwProcGroupLeakState": 9, "lwProcGroupRssSlope": 10,
                      "lwProcGroupFdLeakState": 11, "lwProcGroupFdSlope": 12,
                      "lwProcGroupTimeToExhaustion": 13}
# LwLeakState
LEAK_STATES = {"learning": 1, "normal": 2, "suspect": 3, "leaking": 4}

# lwAlarms (1.7): lwThresholds (1) scalars, lwAlarmTable (2), lwTrendTable (3), scalars 4-6
LW_THRESHOLDS = LW_ALARMS + ".1"
# name -> (sub-id under lwThresholds, default), in the order of enum lw_threshold_id
THRESHOLDS = {
    "lwLeakWindow": (1, 600),
    "lwLeakSignificance": (2, 10),
    "lwLeakMinSlope": (3, 1024),
    "lwLeakMinPercentDay": (4, 100),
    "lwLeakWarmup": (5, 7200),
    "lwFdLeakMinSlope": (6, 30),
    "lwAlarmTcpOrphanPercent": (7, 8000),
    "lwAlarmTcpMemPercent": (8, 8000),
    "lwAlarmMcastPps": (9, 20000),
    "lwAlarmLoadPerCpu": (10, 200),
    "lwAlarmHoldDown": (11, 300),
    "lwAlarmClearPercent": (12, 90),
}
ALARM_ENTRY = LW_ALARMS + ".2.1"    # index: lwAlarmIndex (1)
ALARM_COLUMNS = {"lwAlarmType": 2, "lwAlarmObject": 3, "lwAlarmObjectId": 4, "lwAlarmSeverity": 5,
                 "lwAlarmRaised": 6, "lwAlarmValue": 7, "lwAlarmThreshold": 8, "lwAlarmSlope": 9,
                 "lwAlarmTimeToExhaustion": 10, "lwAlarmRaisedUnix": 11}
TREND_ENTRY = LW_ALARMS + ".3.1"    # index: lwTrendIndex (1), TREND_INDEXES
TREND_COLUMNS = {"lwTrendName": 2, "lwTrendState": 3, "lwTrendValue": 4, "lwTrendSlope": 5,
                 "lwTrendTimeToLimit": 6}
TREND_INDEXES = {"sUnreclaim": 1, "memAvailable": 2, "tcpOrphans": 3, "tcpMem": 4}
ALARM_SCALARS = {"lwAlarmCount": LW_ALARMS + ".4.0", "lwAlarmEvents": LW_ALARMS + ".5.0",
                 "lwAlarmSuppressed": LW_ALARMS + ".6.0"}
# lwAlarmType; its notifications are lwNotifications.(2 * type + 1) (raise) and + 2 (clear)
ALARM_TYPES = {"procMemLeak": 1, "procFdLeak": 2, "slabLeak": 3, "tcpOrphanPressure": 4,
               "tcpMemPressure": 5, "mcastRateHigh": 6, "loadHigh": 7, "groupMemLeak": 8,
               "kernelMemLeak": 9}
ALARM_SEVERITIES = {"warning": 1, "minor": 2, "major": 3, "critical": 4}
# raise notification name per alarm type, in lwAlarmType order; the clear is NAME + "Clear"
_ALARM_NOTIFICATION_NAMES = ["lwProcMemLeak", "lwProcFdLeak", "lwSlabLeak", "lwTcpOrphanPressure",
                             "lwTcpMemPressure", "lwMcastRateHigh", "lwLoadHigh",
                             "lwProcGroupMemLeak", "lwKernelMemLeak"]
# name -> full OID of the 18 alarm notifications (snmpTrapOID.0 values)
NOTIFICATIONS = {name + suffix: f"{LW_NOTIFICATIONS}.{2 * t + n}"
                 for t, name in enumerate(_ALARM_NOTIFICATION_NAMES, 1)
                 for suffix, n in (("", 1), ("Clear", 2))}


def threshold_oid(name):
    return f"{LW_THRESHOLDS}.{THRESHOLDS[name][0]}.0"


def alarm_cell(column, index):
    return f"{ALARM_ENTRY}.{ALARM_COLUMNS[column]}.{index}"
