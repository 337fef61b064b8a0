/* mib_system.c: lwSystem scalars: load, memory, file handles, process and thread counts. */
/* SPDX-License-Identifier: ISC */
#include "mib_groups.h"

#include "agent_ctx.h"
#include "lw_oids.h"
#include "snmp_values.h"

/* A figure of the served snapshot: no value while its collector fails. */
#define SYS_VALUE(fn, collector, set)                                                           \
	LW_VALUE_FN(fn, const struct lw_snapshot *s = lw_agent_served(agent, collector),        \
		    s == NULL, set)

SYS_VALUE(load1, LW_COL_LOADAVG, lw_set_gauge(vb, s->sys.loadavg.load1))
SYS_VALUE(load5, LW_COL_LOADAVG, lw_set_gauge(vb, s->sys.loadavg.load5))
SYS_VALUE(load15, LW_COL_LOADAVG, lw_set_gauge(vb, s->sys.loadavg.load15))
SYS_VALUE(threads, LW_COL_LOADAVG, lw_set_gauge(vb, s->sys.loadavg.tasks))
SYS_VALUE(cpus, LW_COL_CPUS, lw_set_gauge(vb, s->sys.cpus))
SYS_VALUE(files_allocated, LW_COL_FILENR, lw_set_gauge(vb, s->sys.filenr.allocated))
SYS_VALUE(files_max, LW_COL_FILENR, lw_set_gauge(vb, s->sys.filenr.max))
SYS_VALUE(files_max_x, LW_COL_FILENR, lw_set_counter64(vb, s->sys.filenr.max))
SYS_VALUE(processes, LW_COL_PROCESSES, lw_set_gauge(vb, s->sys.processes))

/* A /proc/meminfo figure in KiB; absent when the kernel does not print the field. Each is
 * served twice: a Gauge32 that saturates (what NMSs graph as a level) and its ...X twin with the
 * full 64-bit range (UCD-SNMP-MIB's memTotalRealX pattern). */
#define MEMINFO_VALUE(fn, field, set)                                                           \
	LW_VALUE_FN(fn, const struct lw_snapshot *s = lw_agent_served(agent, LW_COL_MEMINFO),   \
		    s == NULL || !lw_meminfo_has(&s->sys.meminfo, field),                       \
		    set(vb, s->sys.meminfo.kb[field]))
#define MEMINFO_PAIR(fn, field)                                                                 \
	MEMINFO_VALUE(fn, field, lw_set_gauge)                                                  \
	MEMINFO_VALUE(fn##_x, field, lw_set_counter64)

MEMINFO_PAIR(mem_total, LW_MI_MEM_TOTAL)
MEMINFO_PAIR(mem_free, LW_MI_MEM_FREE)
MEMINFO_PAIR(mem_available, LW_MI_MEM_AVAILABLE)
MEMINFO_PAIR(buffers, LW_MI_BUFFERS)
MEMINFO_PAIR(cached, LW_MI_CACHED)
MEMINFO_PAIR(swap_total, LW_MI_SWAP_TOTAL)
MEMINFO_PAIR(swap_free, LW_MI_SWAP_FREE)
MEMINFO_PAIR(committed, LW_MI_COMMITTED_AS)

static const struct lw_object system_objects[] = {
	{ LW_SYS_LOAD1, ASN_GAUGE, LW_READ_ONLY, load1, NULL, "lwLoad1" },
	{ 2, ASN_GAUGE, LW_READ_ONLY, load5, NULL, "lwLoad5" },
	{ 3, ASN_GAUGE, LW_READ_ONLY, load15, NULL, "lwLoad15" },
	{ 4, ASN_GAUGE, LW_READ_ONLY, cpus, NULL, "lwCpuCount" },
	{ 5, ASN_GAUGE, LW_READ_ONLY, mem_total, NULL, "lwMemTotalKB" },
	{ 6, ASN_GAUGE, LW_READ_ONLY, mem_free, NULL, "lwMemFreeKB" },
	{ LW_SYS_MEM_AVAILABLE, ASN_GAUGE, LW_READ_ONLY, mem_available, NULL,
	  "lwMemAvailableKB" },
	{ 8, ASN_GAUGE, LW_READ_ONLY, buffers, NULL, "lwBuffersKB" },
	{ 9, ASN_GAUGE, LW_READ_ONLY, cached, NULL, "lwCachedKB" },
	{ 10, ASN_GAUGE, LW_READ_ONLY, swap_total, NULL, "lwSwapTotalKB" },
	{ 11, ASN_GAUGE, LW_READ_ONLY, swap_free, NULL, "lwSwapFreeKB" },
	{ 12, ASN_GAUGE, LW_READ_ONLY, committed, NULL, "lwCommittedKB" },
	{ 13, ASN_GAUGE, LW_READ_ONLY, files_allocated, NULL, "lwFilesAllocated" },
	{ 14, ASN_GAUGE, LW_READ_ONLY, files_max, NULL, "lwFilesMax" },
	{ 15, ASN_GAUGE, LW_READ_ONLY, processes, NULL, "lwProcessCount" },
	{ 16, ASN_GAUGE, LW_READ_ONLY, threads, NULL, "lwThreadCount" },
	{ 17, ASN_COUNTER64, LW_READ_ONLY, mem_total_x, NULL, "lwMemTotalKBX" },
	{ 18, ASN_COUNTER64, LW_READ_ONLY, mem_free_x, NULL, "lwMemFreeKBX" },
	{ 19, ASN_COUNTER64, LW_READ_ONLY, mem_available_x, NULL, "lwMemAvailableKBX" },
	{ 20, ASN_COUNTER64, LW_READ_ONLY, buffers_x, NULL, "lwBuffersKBX" },
	{ 21, ASN_COUNTER64, LW_READ_ONLY, cached_x, NULL, "lwCachedKBX" },
	{ 22, ASN_COUNTER64, LW_READ_ONLY, swap_total_x, NULL, "lwSwapTotalKBX" },
	{ 23, ASN_COUNTER64, LW_READ_ONLY, swap_free_x, NULL, "lwSwapFreeKBX" },
	{ 24, ASN_COUNTER64, LW_READ_ONLY, committed_x, NULL, "lwCommittedKBX" },
	{ 25, ASN_COUNTER64, LW_READ_ONLY, files_max_x, NULL, "lwFilesMaxX" },
};

static struct lw_scalar_group system_group =
	LW_SCALAR_GROUP("lwSystem", LW_OID_SYSTEM, system_objects, NULL);

int lw_mib_system_add(struct lw_mibtree *t)
{
	return lw_mibtree_add_group(t, &system_group);
}
