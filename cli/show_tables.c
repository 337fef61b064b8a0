/* show_tables.c: the tables of `leakwatch show`, each with the columns its text view shows
 * (--all, --json and --csv give every column). */
/* SPDX-License-Identifier: ISC */
#include <string.h>

#include "show_tables.h"

const struct lw_show_table lw_show_tables[] = {
	{ "procs", "lwProcTable",
	  "lwProcPid lwProcName lwProcRssKB lwProcAnonKB lwProcSwapKB lwProcFds lwProcSockets"
	  " lwProcThreads lwProcCpuPercent lwProcLeakState lwProcRssSlope lwProcTimeToExhaustion",
	  "every published process (lwProcTable)" },
	{ "groups", "lwProcGroupTable",
	  "lwProcGroupName lwProcGroupCount lwProcGroupRssKB lwProcGroupMaxRssKB lwProcGroupFds"
	  " lwProcGroupCpuPercent lwProcGroupLeakState lwProcGroupRssSlope"
	  " lwProcGroupTimeToExhaustion",
	  "processes grouped by name (lwProcGroupTable)" },
	{ "top", "lwProcTopTable",
	  "lwProcTopMetric lwProcTopRank lwProcTopPid lwProcTopName lwProcTopValue",
	  "the top processes by RSS, CPU, descriptors and growth (lwProcTopTable)" },
	{ "fds", "lwProcFdTable",
	  "lwProcPid lwProcFdSockets lwProcFdPipes lwProcFdFiles lwProcFdAnon lwProcFdOther",
	  "descriptor types of the processes with the most (lwProcFdTable)" },
	{ "tcp", "lwTcpStateTable",
	  "lwTcpState lwTcpStateCount lwTcpStateCountV4 lwTcpStateCountV6",
	  "TCP sockets per state (lwTcpStateTable)" },
	{ "ports", "lwTcpPortStateTable",
	  "lwTcpPortStatePort lwTcpPortStateListen lwTcpPortStateSynReceived"
	  " lwTcpPortStateEstablished lwTcpPortStateFinWait1 lwTcpPortStateFinWait2"
	  " lwTcpPortStateCloseWait lwTcpPortStateLastAck lwTcpPortStateClosing"
	  " lwTcpPortStateTimeWait",
	  "TCP sockets per local port and state (lwTcpPortStateTable)" },
	{ "remotes", "lwTcpTopRemoteTable",
	  "lwTcpTopRemoteState lwTcpTopRemoteRank lwTcpTopRemoteAddrText lwTcpTopRemoteCount",
	  "the remote addresses with the most sockets per state (lwTcpTopRemoteTable)" },
	{ "sockets", "lwTcp lwSockstat lwTcpLimits lwTcpCounters", NULL,
	  "socket counts and memory, TCP limits and counters (lwSockstat, lwTcpLimits, ...)" },
	{ "system", "lwAgent lwSystem", NULL,
	  "the agent, load, memory, files, processes (lwAgent, lwSystem)" },
	{ "kernel", "lwKernelMemory lwVmstat lwKernel", NULL,
	  "kernel memory of /proc/meminfo and /proc/vmstat counters (lwKernelMemory, lwVmstat)" },
	{ "slab", "lwSlabTable",
	  "lwSlabName lwSlabTotalKB lwSlabActiveKB lwSlabActiveObjs lwSlabNumObjs lwSlabObjSize"
	  " lwSlabLeakState lwSlabSlope lwSlabTimeToExhaustion",
	  "slab caches (lwSlabTable)" },
	{ "zones", "lwZoneTable",
	  "lwZoneNode lwZoneName lwZoneFreePages lwZoneMinPages lwZoneLowPages lwZoneHighPages"
	  " lwZoneManagedPages lwZoneHighOrderFreeKB",
	  "memory zones (lwZoneTable)" },
	{ "buddy", "lwBuddyTable",
	  "lwBuddyNode lwBuddyZoneIndex lwBuddyOrder lwBuddyFreeBlocks lwBuddyFreeKB",
	  "free blocks per zone and order (lwBuddyTable)" },
	{ "mcast", "lwMcastIfTable",
	  "lwMcastIfIndex lwMcastIfName lwMcastIfCaptureState lwMcastIfPps10 lwMcastIfBps10"
	  " lwMcastIfGroups lwMcastIfDrops lwMcastIfLastError",
	  "multicast traffic per captured interface (lwMcastIfTable)" },
	{ "mgroups", "lwMcastGroupTable",
	  "lwMcastGroupIfName lwMcastGroupAddrText lwMcastGroupJoined lwMcastGroupPps10"
	  " lwMcastGroupBps10 lwMcastGroupSources",
	  "multicast traffic per group (lwMcastGroupTable)" },
	{ "members", "lwMcastMemberTable",
	  "lwMcastMemberIfName lwMcastMemberAddrText lwMcastMemberUsers",
	  "the multicast groups the host joined (lwMcastMemberTable)" },
	{ "alarms", "lwAlarmTable",
	  "lwAlarmIndex lwAlarmSeverity lwAlarmType lwAlarmObject lwAlarmValue lwAlarmThreshold"
	  " lwAlarmSlope lwAlarmTimeToExhaustion lwAlarmRaisedUnix",
	  "the active alarms (lwAlarmTable)" },
	{ "trends", "lwTrendTable",
	  "lwTrendName lwTrendState lwTrendValue lwTrendSlope lwTrendTimeToLimit",
	  "host-wide leak series (lwTrendTable)" },
	{ "collectors", "lwCollectorTable",
	  "lwCollectorIndex lwCollectorName lwCollectorInterval lwCollectorLastDurationUs"
	  " lwCollectorRuns lwCollectorErrors lwCollectorLastError lwCollectorNotice",
	  "the collectors: runs, cost, errors (lwCollectorTable)" },
	{ "thresholds", "lwThresholds", NULL, "the detector's and alarms' settings (lwThresholds)" },
};
const unsigned lw_show_table_count = sizeof(lw_show_tables) / sizeof(lw_show_tables[0]);

const struct lw_show_table *lw_show_table_find(const char *name)
{
	for (unsigned i = 0; i < lw_show_table_count; i++)
		if (strcmp(lw_show_tables[i].name, name) == 0)
			return &lw_show_tables[i];
	return NULL;
}
