/* registry_table.c: the registry's table: what each collector reads, how often, what it fills. */
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
/* What a stage writes, in words: it is given the whole cycle (cycle/stages.h). */
#define WRITES(text) { 0, 0, text }

/*
 * Collectors run in this order, each after those it reads. The stages (no collector) run after
 * every collector, detector then history, whatever their place here: cycle/collect.c runs them.
 */
static const struct lw_collector_def defs[LW_COL_COUNT] = {
	[LW_COL_LOADAVG] = { "loadavg", "/proc/loadavg", LW_CADENCE_CYCLE,
			     &lw_loadavg_collector, PART(sys.loadavg), NONE },
	[LW_COL_MEMINFO] = { "meminfo", "/proc/meminfo", LW_CADENCE_CYCLE,
			     &lw_meminfo_collector, PART(sys.meminfo), NONE },
	[LW_COL_FILENR] = { "file-nr", "/proc/sys/fs/file-nr", LW_CADENCE_CYCLE,
			    &lw_filenr_collector, PART(sys.filenr), NONE },
	[LW_COL_CPUS] = { "cpus", "/sys/devices/system/cpu/online", LW_CADENCE_CYCLE,
			  &lw_cpus_online_collector, PART(sys.cpus), NONE },
	[LW_COL_PROCESSES] = { "processes", "/proc/[pid]/*", LW_CADENCE_CYCLE,
			       &lw_proc_pids_collector, PART(procs), PART(sys.meminfo) },
	[LW_COL_TCP] = { "tcp", "NETLINK_SOCK_DIAG", LW_CADENCE_CYCLE,
			 &lw_sock_diag_collector, PART(tcp), NONE },
	[LW_COL_SOCKSTAT] = { "sockstat", "/proc/net/sockstat{,6}", LW_CADENCE_CYCLE,
			      &lw_sockstat_collector, PART(sys.sock.sockstat), NONE },
	[LW_COL_TCP_LIMITS] = { "tcp-limits",
				"/proc/sys/net/ipv4/tcp_{mem,max_orphans,max_tw_buckets}",
				LW_CADENCE_CYCLE, &lw_tcp_sysctl_collector, PART(sys.sock.limits),
				NONE },
	[LW_COL_TCP_COUNTERS] = { "tcp-counters", "/proc/net/{snmp,netstat}", LW_CADENCE_CYCLE,
				  &lw_net_snmp_collector, PART(sys.sock.counters), NONE },
	[LW_COL_SLABINFO] = { "slabinfo", "/proc/slabinfo", LW_CADENCE_KERNEL,
			      &lw_slabinfo_collector, PART(kmem), NONE },
	[LW_COL_ZONEINFO] = { "zoneinfo", "/proc/zoneinfo", LW_CADENCE_KERNEL,
			      &lw_zoneinfo_collector, PART(kmem.zones), NONE },
	[LW_COL_BUDDYINFO] = { "buddyinfo", "/proc/buddyinfo", LW_CADENCE_KERNEL,
			       &lw_buddyinfo_collector, PART(kmem.buddies), NONE },
	[LW_COL_VMSTAT] = { "vmstat", "/proc/vmstat", LW_CADENCE_CYCLE,
			    &lw_vmstat_collector, PART(sys.vmstat), NONE },
	[LW_COL_MCAST_MEMBERS] = { "mcast-members", "/proc/net/igmp{,6}", LW_CADENCE_CYCLE,
				   &lw_igmp_collector, PART(members), NONE },
	[LW_COL_DETECTOR] = { "detector", "this cycle's tables and statuses", LW_CADENCE_CYCLE,
			      NULL, WRITES("trends, alarms; the leak columns of procs, kmem.slabs"),
			      NONE },
	[LW_COL_HISTORY] = { "history", "this cycle's tables and statuses", LW_CADENCE_CYCLE,
			     NULL, WRITES("the history file (history.db), behind the cycle"), NONE },
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
