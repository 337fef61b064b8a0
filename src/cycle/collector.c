/* collector.c: the system collectors: read one kernel file each and hand it to its parser. */
#include "cycle/collector.h"

#include "sys/cpus.h"
#include "kmem/kmemcollectors.h"
#include "mcast/mcastmembers.h"
#include "cycle/watchcollectors.h"
#include "net/netcollectors.h"
#include "proc/proccollect.h"
#include "base/readfile.h"

/* Large enough for any of these files on hosts with thousands of CPUs. */
#define SMALL_FILE_CAP 16384

static int run_loadavg(const struct lw_collect_ctx *ctx, struct lw_system *sys,
		       struct lw_error *err)
{
	char buf[256];
	size_t len;

	if (lw_read_file_at(ctx->rootfd, "proc/loadavg", buf, sizeof(buf), &len, err))
		return -1;
	return lw_loadavg_parse(buf, len, &sys->loadavg, err);
}

static int run_meminfo(const struct lw_collect_ctx *ctx, struct lw_system *sys,
		       struct lw_error *err)
{
	char buf[SMALL_FILE_CAP];
	size_t len;

	if (lw_read_file_at(ctx->rootfd, "proc/meminfo", buf, sizeof(buf), &len, err))
		return -1;
	return lw_meminfo_parse(buf, len, &sys->meminfo, err);
}

static int run_filenr(const struct lw_collect_ctx *ctx, struct lw_system *sys,
		      struct lw_error *err)
{
	char buf[256];
	size_t len;

	if (lw_read_file_at(ctx->rootfd, "proc/sys/fs/file-nr", buf, sizeof(buf), &len, err))
		return -1;
	return lw_filenr_parse(buf, len, &sys->filenr, err);
}

static int run_cpus(const struct lw_collect_ctx *ctx, struct lw_system *sys, struct lw_error *err)
{
	char buf[SMALL_FILE_CAP];
	size_t len;

	if (lw_read_file_at(ctx->rootfd, "sys/devices/system/cpu/online", buf, sizeof(buf), &len,
			    err))
		return -1;
	return lw_cpulist_parse(buf, len, &sys->cpus, err);
}

static int run_processes(const struct lw_collect_ctx *ctx, struct lw_system *sys,
			 struct lw_error *err)
{
	/*
	 * VmSwap is the only reason to read status every cycle. While no page is swapped out
	 * (SwapFree == SwapTotal, also on hosts without swap) every VmSwap is 0, so it is skipped;
	 * a page swapped out after meminfo was read shows in the next cycle.
	 */
	int swap = !lw_meminfo_has(&sys->meminfo, LW_MI_SWAP_TOTAL) ||
		   !lw_meminfo_has(&sys->meminfo, LW_MI_SWAP_FREE) ||
		   sys->meminfo.kb[LW_MI_SWAP_TOTAL] > sys->meminfo.kb[LW_MI_SWAP_FREE];

	if (*ctx->procs == NULL && lw_proc_collector_new(ctx->rootfd, ctx->procs, err))
		return -1;
	return lw_proc_collect(*ctx->procs, ctx->proc_cfg, swap, ctx->proc_out, &sys->processes,
			       ctx->notice, ctx->notice_cap, err);
}

static const struct lw_collector_def defs[LW_COL_COUNT] = {
	[LW_COL_LOADAVG] = { "loadavg", run_loadavg, LW_CADENCE_CYCLE },
	[LW_COL_MEMINFO] = { "meminfo", run_meminfo, LW_CADENCE_CYCLE },
	[LW_COL_FILENR] = { "file-nr", run_filenr, LW_CADENCE_CYCLE },
	[LW_COL_CPUS] = { "cpus", run_cpus, LW_CADENCE_CYCLE },
	[LW_COL_PROCESSES] = { "processes", run_processes, LW_CADENCE_CYCLE },
	[LW_COL_TCP] = { "tcp", lw_run_tcp, LW_CADENCE_CYCLE },
	[LW_COL_SOCKSTAT] = { "sockstat", lw_run_sockstat, LW_CADENCE_CYCLE },
	[LW_COL_TCP_LIMITS] = { "tcp-limits", lw_run_tcp_limits, LW_CADENCE_CYCLE },
	[LW_COL_TCP_COUNTERS] = { "tcp-counters", lw_run_tcp_counters, LW_CADENCE_CYCLE },
	[LW_COL_SLABINFO] = { "slabinfo", lw_run_slabinfo, LW_CADENCE_KERNEL },
	[LW_COL_ZONEINFO] = { "zoneinfo", lw_run_zoneinfo, LW_CADENCE_KERNEL },
	[LW_COL_BUDDYINFO] = { "buddyinfo", lw_run_buddyinfo, LW_CADENCE_KERNEL },
	[LW_COL_VMSTAT] = { "vmstat", lw_run_vmstat, LW_CADENCE_CYCLE },
	[LW_COL_MCAST_MEMBERS] = { "mcast-members", lw_run_mcast_members, LW_CADENCE_CYCLE },
	[LW_COL_DETECTOR] = { "detector", lw_run_detector, LW_CADENCE_CYCLE },
	[LW_COL_HISTORY] = { "history", lw_run_history, LW_CADENCE_CYCLE },
};

const struct lw_collector_def *lw_collector_def(enum lw_collector_id id)
{
	return (unsigned)id < LW_COL_COUNT ? &defs[id] : NULL;
}
