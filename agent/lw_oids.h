/* lw_oids.h: where LEAKWATCH-MIB lives; the one place to change when it moves to an enterprise arc. */
/* SPDX-License-Identifier: ISC */
/* Object and column numbers are not here: each is written once, beside its value (mib_*.c). */
#ifndef LW_OIDS_H
#define LW_OIDS_H

/* NET-SNMP-MIB::netSnmpPlaypen.4111 (see docs/MIB.md for why and how it moves). */
#define LW_MIB_ROOT 1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 4111

#define LW_OID_NOTIFICATIONS LW_MIB_ROOT, 0
/* lwObjects: every object below is served by one registration (mibserve.c). */
#define LW_OID_OBJECTS LW_MIB_ROOT, 1
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
#define LW_OID_KERNEL LW_MIB_ROOT, 1, 5
#define LW_OID_KERNEL_MEMORY LW_OID_KERNEL, 1
#define LW_OID_SLAB_ENTRY LW_OID_KERNEL, 2, 1
#define LW_OID_ZONE_ENTRY LW_OID_KERNEL, 3, 1
#define LW_OID_BUDDY_ENTRY LW_OID_KERNEL, 4, 1
#define LW_OID_VMSTAT LW_OID_KERNEL, 8
#define LW_OID_MCAST LW_MIB_ROOT, 1, 6
#define LW_OID_MCAST_IF_ENTRY LW_OID_MCAST, 1, 1
#define LW_OID_MCAST_GROUP_ENTRY LW_OID_MCAST, 2, 1
#define LW_OID_MCAST_MEMBER_ENTRY LW_OID_MCAST, 3, 1
#define LW_OID_ALARMS LW_MIB_ROOT, 1, 7
#define LW_OID_THRESHOLDS LW_OID_ALARMS, 1
#define LW_OID_ALARM_ENTRY LW_OID_ALARMS, 2, 1
#define LW_OID_TREND_ENTRY LW_OID_ALARMS, 3, 1

/* lwNotifications: then a raise (2 * lwAlarmType + 1) and a clear (+ 2) per alarm type */
enum {
	LW_NOTIFY_COLLECTOR_FAILED = 1,
	LW_NOTIFY_COLLECTOR_RECOVERED = 2,
};

#endif
