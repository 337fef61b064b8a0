/* lw_oids.h: where LEAKWATCH-MIB lives; the one place to change when it moves to an enterprise arc. */
#ifndef LW_OIDS_H
#define LW_OIDS_H

/* NET-SNMP-MIB::netSnmpPlaypen.4111 (see docs/MIB.md for why and how it moves). */
#define LW_MIB_ROOT 1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 4111

#define LW_OID_NOTIFICATIONS LW_MIB_ROOT, 0
#define LW_OID_AGENT LW_MIB_ROOT, 1, 1
#define LW_OID_SYSTEM LW_MIB_ROOT, 1, 2
#define LW_OID_COLLECTOR_TABLE LW_OID_AGENT, 5
#define LW_OID_COLLECTOR_ENTRY LW_OID_COLLECTOR_TABLE, 1
#define LW_OID_COMPLIANCE LW_MIB_ROOT, 2, 1, 1
#define LW_OID_PROCESSES LW_MIB_ROOT, 1, 3
#define LW_OID_PROC_ENTRY LW_OID_PROCESSES, 1, 1
#define LW_OID_PROC_GROUP_ENTRY LW_OID_PROCESSES, 2, 1
#define LW_OID_PROC_TOP_ENTRY LW_OID_PROCESSES, 3, 1
#define LW_OID_PROC_FD_ENTRY LW_OID_PROCESSES, 4, 1
#define LW_OID_TCP LW_MIB_ROOT, 1, 4
#define LW_OID_TCP_STATE_ENTRY LW_OID_TCP, 1, 1
#define LW_OID_TCP_TOP_REMOTE_ENTRY LW_OID_TCP, 2, 1
#define LW_OID_TCP_PORT_STATE_ENTRY LW_OID_TCP, 3, 1
#define LW_OID_SOCKSTAT LW_OID_TCP, 9
#define LW_OID_TCP_LIMITS LW_OID_TCP, 10
#define LW_OID_TCP_COUNTERS LW_OID_TCP, 11

/* lwAgent scalars */
enum {
	LW_AGENT_VERSION = 1,
	LW_AGENT_START_TIME = 2,
	LW_AGENT_SAMPLE_INTERVAL = 3,
	LW_AGENT_SNAPSHOT_TIME = 4,
};

/* lwCollectorEntry columns */
enum {
	LW_COLLECTOR_INDEX = 1,
	LW_COLLECTOR_NAME = 2,
	LW_COLLECTOR_INTERVAL = 3,
	LW_COLLECTOR_LAST_RUN = 4,
	LW_COLLECTOR_LAST_DURATION = 5,
	LW_COLLECTOR_TOTAL_DURATION = 6,
	LW_COLLECTOR_RUNS = 7,
	LW_COLLECTOR_ERRORS = 8,
	LW_COLLECTOR_LAST_ERROR = 9,
	LW_COLLECTOR_NOTICE = 10,
};

/* lwProcesses: tables 1-4, then scalars */
enum {
	LW_PROC_ROWS = 5,
	LW_PROC_DROPPED = 6,
	LW_PROC_TOP_N = 7,
};

/* lwProcEntry columns */
enum {
	LW_PROC_NAME = 2,
	LW_PROC_CMDLINE,
	LW_PROC_PPID,
	LW_PROC_UID,
	LW_PROC_STATE,
	LW_PROC_START_TIME,
	LW_PROC_THREADS,
	LW_PROC_RSS,
	LW_PROC_VSZ,
	LW_PROC_ANON,
	LW_PROC_SWAP,
	LW_PROC_FDS,
	LW_PROC_FD_LIMIT,
	LW_PROC_SOCKETS,
	LW_PROC_CPU_TICKS,
	LW_PROC_CPU_PERCENT,
};

/* lwProcGroupEntry columns */
enum {
	LW_GROUP_NAME = 2,
	LW_GROUP_COUNT,
	LW_GROUP_RSS,
	LW_GROUP_MAX_RSS,
	LW_GROUP_VSZ,
	LW_GROUP_FDS,
	LW_GROUP_CPU_PERCENT,
};

/* lwProcTopEntry columns */
enum {
	LW_TOP_PID = 3,
	LW_TOP_NAME,
	LW_TOP_VALUE,
};

/* lwProcFdEntry columns */
enum {
	LW_FD_SOCKETS = 1,
	LW_FD_PIPES,
	LW_FD_FILES,
	LW_FD_ANON,
	LW_FD_OTHER,
};

/* lwTcp: tables 1-3, then scalars, then the lwSockstat, lwTcpLimits, lwTcpCounters groups */
enum {
	LW_TCP_SOCKETS = 4,
	LW_TCP_TOP_N,
	LW_TCP_PORT_ROWS,
	LW_TCP_PORT_DROPPED,
	LW_TCP_PORT_MAX_ROWS,
};

/* lwTcpStateEntry columns */
enum {
	LW_TCP_STATE_COUNT = 2,
	LW_TCP_STATE_COUNT_V4,
	LW_TCP_STATE_COUNT_V6,
};

/* lwTcpTopRemoteEntry columns */
enum {
	LW_TCP_REMOTE_ADDR_TYPE = 3,
	LW_TCP_REMOTE_ADDR,
	LW_TCP_REMOTE_COUNT,
	LW_TCP_REMOTE_ERROR,
};

/* lwTcpPortStateEntry columns: 2 = listen ... 10 = timeWait, see mib_tcp.c */
enum {
	LW_TCP_PORT_FIRST_COLUMN = 2,
	LW_TCP_PORT_LAST_COLUMN = 10,
};

/* lwTcpLimits scalars: the five limits, then the four percentages */
enum {
	LW_TCP_LIMIT_FIRST = 1,           /* lw_tcp_limit + 1 */
	LW_TCP_ORPHAN_PERCENT = 6,        /* lw_sockmem_pct_field + 6 */
	LW_TCP_LIMITS_LAST = 9,
};

/* lwSystem scalars */
enum {
	LW_SYS_LOAD1 = 1,
	LW_SYS_LOAD5,
	LW_SYS_LOAD15,
	LW_SYS_CPU_COUNT,
	LW_SYS_MEM_TOTAL,
	LW_SYS_MEM_FREE,
	LW_SYS_MEM_AVAILABLE,
	LW_SYS_BUFFERS,
	LW_SYS_CACHED,
	LW_SYS_SWAP_TOTAL,
	LW_SYS_SWAP_FREE,
	LW_SYS_COMMITTED,
	LW_SYS_FILES_ALLOCATED,
	LW_SYS_FILES_MAX,
	LW_SYS_PROCESS_COUNT,
	LW_SYS_THREAD_COUNT,
};

/* lwNotifications */
enum {
	LW_NOTIFY_COLLECTOR_FAILED = 1,
	LW_NOTIFY_COLLECTOR_RECOVERED = 2,
};

#endif
