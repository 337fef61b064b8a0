/* registry_table.c: the registry's table: what each collector reads, how often, what it fills. */
/* SPDX-License-Identifier: ISC */
/* (Not registry.c: it includes snapshot.h, which includes registry.h for the ids and rows.) */
#include "cycle/registry.h"

#include <stddef.h>

#include "cycle/snapshot.h"
#include "kmem/buddyinfo.h"
#include "kmem/kmem.h"
#include "kmem/vmstat.h"
#include "kmem/zoneinfo.h"
#include "mcast/mcastmembers.h"
#include "net/netstat.h"
#include "net/sockstat.h"
#include "net/sysctlnum.h"
#include "net/tcpcollect.h"
#include "proc/proccollect.h"
#include "sys/cpus.h"
#include "sys/filenr.h"
#include "sys/loadavg.h"
#include "sys/meminfo.h"

/* A member of struct lw_snapshot, e.g. PART(sys.loadavg). */
#define PART(m) { offsetof(struct lw_snapshot, m), sizeof(((struct lw_snapshot *)0)->m), #m }
#define NONE { 0, 0, NULL }
/* A collector's row: its id, lwCollectorName, source, cadence, definition, part it fills. */
#define COLLECTOR(id, name, source, cadence, def, fills) \
	[LW_COL_##id] = { name, source, LW_CADENCE_##cadence, &def, PART(fills), NONE }
/* A stage's row: it is given the whole cycle (cycle/stages.h); what it writes, in words. */
#define STAGE(id, name, writes) \
	[LW_COL_##id] = { name, "this cycle's tables and statuses", LW_CADENCE_CYCLE, NULL, \
			  { 0, 0, writes }, NONE }

/*
 * Collectors run in this order, each after those it reads. The stages (no collector) run after
 * every collector, detector then history, whatever their place here: cycle/collect.c runs them.
 * One line a collector; the processes collector alone reads another's part (sys.meminfo).
 */
static const struct lw_collector_def defs[LW_COL_COUNT] = {
	COLLECTOR(LOADAVG, "loadavg", "/proc/loadavg", CYCLE, lw_loadavg_collector, sys.loadavg),
	COLLECTOR(MEMINFO, "meminfo", "/proc/meminfo", CYCLE, lw_meminfo_collector, sys.meminfo),
	COLLECTOR(FILENR, "file-nr", "/proc/sys/fs/file-nr", CYCLE, lw_filenr_collector, sys.filenr),
	COLLECTOR(CPUS, "cpus", "/sys/devices/system/cpu/online", CYCLE, lw_cpus_online_collector,
		  sys.cpus),
	[LW_COL_PROCESSES] = { "processes", "/proc/[pid]/", LW_CADENCE_CYCLE, &lw_proc_pids_collector,
			       PART(procs), PART(sys.meminfo) },
	COLLECTOR(TCP, "tcp", "NETLINK_SOCK_DIAG", CYCLE, lw_sock_diag_collector, tcp),
	COLLECTOR(SOCKSTAT, "sockstat", "/proc/net/sockstat{,6}", CYCLE, lw_sockstat_collector,
		  sys.sock.sockstat),
	COLLECTOR(TCP_LIMITS, "tcp-limits", "/proc/sys/net/ipv4/tcp_{mem,max_orphans,max_tw_buckets}",
		  CYCLE, lw_tcp_sysctl_collector, sys.sock.limits),
	COLLECTOR(TCP_COUNTERS, "tcp-counters", "/proc/net/{snmp,netstat}", CYCLE,
		  lw_net_snmp_collector, sys.sock.counters),
	COLLECTOR(SLABINFO, "slabinfo", "/proc/slabinfo", KERNEL, lw_slabinfo_collector, kmem),
	COLLECTOR(ZONEINFO, "zoneinfo", "/proc/zoneinfo", KERNEL, lw_zoneinfo_collector, kmem.zones),
	COLLECTOR(BUDDYINFO, "buddyinfo", "/proc/buddyinfo", KERNEL, lw_buddyinfo_collector,
		  kmem.buddies),
	COLLECTOR(VMSTAT, "vmstat", "/proc/vmstat", CYCLE, lw_vmstat_collector, sys.vmstat),
	COLLECTOR(MCAST_MEMBERS, "mcast-members", "/proc/net/igmp{,6}", CYCLE, lw_igmp_collector,
		  members),
	STAGE(DETECTOR, "detector", "trends, alarms; the leak columns of procs, kmem.slabs"),
	STAGE(HISTORY, "history", "the history file (history.db), behind the cycle"),
};

const struct lw_collector_def *lw_collector_def(enum lw_collector_id id)
{
	return (unsigned)id < LW_COL_COUNT ? &defs[id] : NULL;
}

void lw_collector_bind(enum lw_collector_id id, struct lw_snapshot *work,
		       struct lw_collector_ctx *ctx)
{
	const struct lw_collector_def *def = &defs[id];

	ctx->part = (char *)work + def->fills.offset;
	ctx->in = def->reads.name != NULL ? (char *)work + def->reads.offset : NULL;
}
