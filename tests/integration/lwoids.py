# Numeric OIDs of LEAKWATCH-MIB (docs/DESIGN.md), so tests never depend on MIB files.
LW = "1.3.6.1.4.1.8072.9999.9999.4111"
LW_NOTIFICATIONS = LW + ".0"
LW_COLLECTOR_FAILED = LW_NOTIFICATIONS + ".1"
LW_COLLECTOR_RECOVERED = LW_NOTIFICATIONS + ".2"
LW_OBJECTS = LW + ".1"
LW_AGENT = LW_OBJECTS + ".1"
LW_SYSTEM = LW_OBJECTS + ".2"

SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
SNMP_TRAP_OID = "1.3.6.1.6.3.1.1.4.1.0"

AGENT_SCALARS = {
    "lwAgentVersion": LW_AGENT + ".1.0",
    "lwAgentStartTime": LW_AGENT + ".2.0",
    "lwSampleInterval": LW_AGENT + ".3.0",
    "lwAgentSnapshotTime": LW_AGENT + ".4.0",
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
}
# the collectors of issue 1 in index order
COLLECTORS = ["loadavg", "meminfo", "file-nr", "cpus", "processes"]


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
    "lwMemTotalKB": (5, "Counter64"),
    "lwMemFreeKB": (6, "Counter64"),
    "lwMemAvailableKB": (7, "Counter64"),
    "lwBuffersKB": (8, "Counter64"),
    "lwCachedKB": (9, "Counter64"),
    "lwSwapTotalKB": (10, "Counter64"),
    "lwSwapFreeKB": (11, "Counter64"),
    "lwCommittedKB": (12, "Counter64"),
    "lwFilesAllocated": (13, "Counter64"),
    "lwFilesMax": (14, "Counter64"),
    "lwProcessCount": (15, "Gauge32"),
    "lwThreadCount": (16, "Gauge32"),
}
# which collector feeds each lwSystem object
SYSTEM_COLLECTOR = {
    "lwLoad1": "loadavg", "lwLoad5": "loadavg", "lwLoad15": "loadavg",
    "lwThreadCount": "loadavg", "lwCpuCount": "cpus",
    "lwFilesAllocated": "file-nr", "lwFilesMax": "file-nr",
    "lwProcessCount": "processes",
}


def system_oid(name):
    return f"{LW_SYSTEM}.{SYSTEM_OBJECTS[name][0]}.0"


def system_collector(name):
    return SYSTEM_COLLECTOR.get(name, "meminfo")
