/* mib_proc.c: lwProcTable, lwProcGroupTable, lwProcTopTable, lwProcFdTable and lwProc scalars. */
/* SPDX-License-Identifier: ISC */
#include "mib_groups.h"

#include <stdint.h>

#include "agent_ctx.h"
#include "lw_oids.h"
#include "snmp_values.h"

/* Rows are loaded from agent->current, so while a row exists the snapshot does too. */
static const struct lw_proc_table *procs(const struct lw_agent *agent)
{
	return &agent->current->procs;
}

/* --- lwProcTable: a row's data is its struct lw_proc --- */

#define PROC_VALUE(fn, set) LW_VALUE_FN(fn, const struct lw_proc *p = row, false, set)

PROC_VALUE(proc_name, lw_set_string(vb, lw_proc_str(procs(agent), p->name)))
PROC_VALUE(proc_ppid, lw_set_unsigned(vb, p->ppid))
PROC_VALUE(proc_uid, lw_set_unsigned(vb, p->uid))
PROC_VALUE(proc_state, snmp_set_var_typed_integer(vb, ASN_INTEGER, p->state))
PROC_VALUE(proc_start_time,
	   lw_set_unsigned(vb, p->start_time > UINT32_MAX ? UINT32_MAX : (uint32_t)p->start_time))
PROC_VALUE(proc_threads, lw_set_gauge(vb, p->threads))
PROC_VALUE(proc_rss, lw_set_gauge(vb, p->rss_kb))
PROC_VALUE(proc_vsz, lw_set_gauge(vb, p->vsz_kb))
PROC_VALUE(proc_anon, lw_set_gauge(vb, p->anon_kb))
PROC_VALUE(proc_swap, lw_set_gauge(vb, p->swap_kb))
PROC_VALUE(proc_fd_limit, lw_set_gauge(vb, p->fd_limit))
PROC_VALUE(proc_cpu_ticks, lw_set_counter64(vb, p->cpu_ticks))
PROC_VALUE(proc_cpu_percent, lw_set_gauge(vb, p->cpu_hundredths))
PROC_VALUE(proc_leak_state, lw_set_leak_state(vb, p->leak_state))
PROC_VALUE(proc_rss_slope, lw_set_integer(vb, p->rss_slope_kb_h))
PROC_VALUE(proc_fd_leak_state, lw_set_leak_state(vb, p->fd_leak_state))
PROC_VALUE(proc_fd_slope, lw_set_integer(vb, p->fd_slope_h))
PROC_VALUE(proc_time_to_exhaustion, lw_set_forecast(vb, p->time_to_exhaustion))

/* A value that could not be read, or is not published, has no instance (never a made-up 0). */
#define PROC_VALUE_IF(fn, known, set)                                                       \
	LW_VALUE_FN(fn, const struct lw_proc *p = row, !(known), set)

PROC_VALUE_IF(proc_cmdline, procs(agent)->cmdline_published,
	      lw_set_string(vb, lw_proc_str(procs(agent), p->cmdline)))
PROC_VALUE_IF(proc_fds, !(p->unknown & LW_PROC_FDS_UNKNOWN), lw_set_gauge(vb, p->fds))
PROC_VALUE_IF(proc_sockets, !(p->unknown & LW_PROC_TYPES_UNKNOWN), lw_set_gauge(vb, p->sockets))

static const struct lw_object proc_columns[] = {
	{ LW_PROC_NAME, ASN_OCTET_STR, LW_READ_ONLY, proc_name, NULL, "lwProcName" },
	{ 3, ASN_OCTET_STR, LW_READ_ONLY, proc_cmdline, NULL, "lwProcCmdline" },
	{ 4, ASN_UNSIGNED, LW_READ_ONLY, proc_ppid, NULL, "lwProcPpid" },
	{ 5, ASN_UNSIGNED, LW_READ_ONLY, proc_uid, NULL, "lwProcUid" },
	{ 6, ASN_INTEGER, LW_READ_ONLY, proc_state, NULL, "lwProcState" },
	{ LW_PROC_START_TIME, ASN_UNSIGNED, LW_READ_ONLY, proc_start_time, NULL,
	  "lwProcStartTime" },
	{ 8, ASN_GAUGE, LW_READ_ONLY, proc_threads, NULL, "lwProcThreads" },
	{ LW_PROC_RSS, ASN_GAUGE, LW_READ_ONLY, proc_rss, NULL, "lwProcRssKB" },
	{ 10, ASN_GAUGE, LW_READ_ONLY, proc_vsz, NULL, "lwProcVszKB" },
	{ 11, ASN_GAUGE, LW_READ_ONLY, proc_anon, NULL, "lwProcAnonKB" },
	{ 12, ASN_GAUGE, LW_READ_ONLY, proc_swap, NULL, "lwProcSwapKB" },
	{ LW_PROC_FDS, ASN_GAUGE, LW_READ_ONLY, proc_fds, NULL, "lwProcFds" },
	{ 14, ASN_GAUGE, LW_READ_ONLY, proc_fd_limit, NULL, "lwProcFdLimit" },
	{ 15, ASN_GAUGE, LW_READ_ONLY, proc_sockets, NULL, "lwProcSockets" },
	{ 16, ASN_COUNTER64, LW_READ_ONLY, proc_cpu_ticks, NULL, "lwProcCpuTicks" },
	{ 17, ASN_GAUGE, LW_READ_ONLY, proc_cpu_percent, NULL, "lwProcCpuPercent" },
	{ 18, ASN_INTEGER, LW_READ_ONLY, proc_leak_state, NULL, "lwProcLeakState" },
	{ 19, ASN_INTEGER, LW_READ_ONLY, proc_rss_slope, NULL, "lwProcRssSlope" },
	{ 20, ASN_INTEGER, LW_READ_ONLY, proc_fd_leak_state, NULL, "lwProcFdLeakState" },
	{ 21, ASN_INTEGER, LW_READ_ONLY, proc_fd_slope, NULL, "lwProcFdSlope" },
	{ 22, ASN_UNSIGNED, LW_READ_ONLY, proc_time_to_exhaustion, NULL,
	  "lwProcTimeToExhaustion" },
};

static int load_procs(const struct lw_agent *agent, struct lw_table_rows *out)
{
	const struct lw_proc_table *t = agent->current ? procs(agent) : NULL;

	return lw_table_rows_keyed(out, t ? t->rows : NULL, t ? t->count : 0, sizeof(*t->rows),
				   LW_ROW_KEY(struct lw_proc, pid));
}

static struct lw_table proc_table =
	LW_TABLE("lwProcTable", LW_OID_PROC_ENTRY, proc_columns, load_procs);

/* --- lwProcGroupTable: a row's data is its struct lw_proc_group --- */

#define GROUP_VALUE(fn, set) LW_VALUE_FN(fn, const struct lw_proc_group *g = row, false, set)

GROUP_VALUE(group_name, lw_set_string(vb, lw_proc_str(procs(agent), g->name)))
GROUP_VALUE(group_count, lw_set_gauge(vb, g->count))
GROUP_VALUE(group_rss, lw_set_gauge(vb, g->rss_kb))
GROUP_VALUE(group_max_rss, lw_set_gauge(vb, g->max_rss_kb))
GROUP_VALUE(group_vsz, lw_set_gauge(vb, g->vsz_kb))
GROUP_VALUE(group_cpu_percent, lw_set_gauge(vb, g->cpu_hundredths))
GROUP_VALUE(group_leak_state, lw_set_leak_state(vb, g->leak_state))
GROUP_VALUE(group_rss_slope, lw_set_integer(vb, g->rss_slope_kb_h))
GROUP_VALUE(group_fd_leak_state, lw_set_leak_state(vb, g->fd_leak_state))
GROUP_VALUE(group_fd_slope, lw_set_integer(vb, g->fd_slope_h))
GROUP_VALUE(group_time_to_exhaustion, lw_set_forecast(vb, g->time_to_exhaustion))

/* The sum when every member's count is known (lwProcGroupFds), else no instance. */
LW_VALUE_FN(group_fds, const struct lw_proc_group *g = row, g->fds_unknown,
	    lw_set_gauge(vb, g->fds))

static const struct lw_object group_columns[] = {
	{ 2, ASN_OCTET_STR, LW_READ_ONLY, group_name, NULL, "lwProcGroupName" },
	{ 3, ASN_GAUGE, LW_READ_ONLY, group_count, NULL, "lwProcGroupCount" },
	{ LW_GROUP_RSS, ASN_GAUGE, LW_READ_ONLY, group_rss, NULL, "lwProcGroupRssKB" },
	{ 5, ASN_GAUGE, LW_READ_ONLY, group_max_rss, NULL, "lwProcGroupMaxRssKB" },
	{ 6, ASN_GAUGE, LW_READ_ONLY, group_vsz, NULL, "lwProcGroupVszKB" },
	{ 7, ASN_GAUGE, LW_READ_ONLY, group_fds, NULL, "lwProcGroupFds" },
	{ 8, ASN_GAUGE, LW_READ_ONLY, group_cpu_percent, NULL, "lwProcGroupCpuPercent" },
	{ 9, ASN_INTEGER, LW_READ_ONLY, group_leak_state, NULL, "lwProcGroupLeakState" },
	{ 10, ASN_INTEGER, LW_READ_ONLY, group_rss_slope, NULL, "lwProcGroupRssSlope" },
	{ 11, ASN_INTEGER, LW_READ_ONLY, group_fd_leak_state, NULL, "lwProcGroupFdLeakState" },
	{ 12, ASN_INTEGER, LW_READ_ONLY, group_fd_slope, NULL, "lwProcGroupFdSlope" },
	{ 13, ASN_UNSIGNED, LW_READ_ONLY, group_time_to_exhaustion, NULL,
	  "lwProcGroupTimeToExhaustion" },
};

static int load_groups(const struct lw_agent *agent, struct lw_table_rows *out)
{
	const struct lw_proc_table *t = agent->current ? procs(agent) : NULL;

	return lw_table_rows_keyed(out, t ? t->groups : NULL, t ? t->ngroups : 0,
				   sizeof(*t->groups), LW_ROW_KEY(struct lw_proc_group, index));
}

static struct lw_table group_table =
	LW_TABLE("lwProcGroupTable", LW_OID_PROC_GROUP_ENTRY, group_columns, load_groups);

/* --- lwProcTopTable: (metric, rank), a row's data is its struct lw_proc_top --- */

#define TOP_VALUE(fn, set) LW_VALUE_FN(fn, const struct lw_proc_top *e = row, false, set)

TOP_VALUE(top_pid, lw_set_unsigned(vb, e->pid))
TOP_VALUE(top_name, lw_set_string(vb, lw_proc_str(procs(agent), e->name)))
TOP_VALUE(top_value, lw_set_gauge(vb, e->value))

/* The labels of lwProcTopMetric's enumeration, for lwProcTopMetricName. */
static const char *const metric_names[LW_TOP_COUNT + 1] = {
	[LW_TOP_RSS] = "rss", [LW_TOP_CPU] = "cpu", [LW_TOP_FDS] = "fds",
	[LW_TOP_RSS_GROWTH] = "rssGrowth",
};

/* The row is an entry of top[metric]: the array that holds it names the metric. */
static bool top_metric_name(netsnmp_variable_list *vb, const void *row,
			    const struct lw_agent *agent)
{
	const struct lw_proc_table *t = procs(agent);
	const struct lw_proc_top *e = row;

	for (int m = 1; m <= LW_TOP_COUNT; m++)
		if (t->ntop[m] > 0 && e >= t->top[m] && e < t->top[m] + t->ntop[m]) {
			lw_set_string(vb, metric_names[m]);
			return true;
		}
	return false;
}

static const struct lw_object top_columns[] = {
	{ 3, ASN_UNSIGNED, LW_READ_ONLY, top_pid, NULL, "lwProcTopPid" },
	{ 4, ASN_OCTET_STR, LW_READ_ONLY, top_name, NULL, "lwProcTopName" },
	{ 5, ASN_GAUGE, LW_READ_ONLY, top_value, NULL, "lwProcTopValue" },
	{ 6, ASN_OCTET_STR, LW_READ_ONLY, top_metric_name, NULL, "lwProcTopMetricName" },
};

/* Metric m's rank r is entry r-1 of top[m]. */
static int load_top(const struct lw_agent *agent, struct lw_table_rows *out)
{
	const struct lw_proc_table *t = agent->current ? procs(agent) : NULL;
	size_t n = 0;

	for (int m = 1; t != NULL && m <= LW_TOP_COUNT; m++)
		n += t->ntop[m];
	if (lw_table_rows_alloc(out, n, 2))
		return -1;
	for (int m = 1; t != NULL && m <= LW_TOP_COUNT; m++)
		for (size_t i = 0; i < t->ntop[m]; i++) {
			oid *index = lw_table_rows_push(out, 2, 2, &t->top[m][i]);

			index[0] = (oid)m;
			index[1] = i + 1;
		}
	return 0;
}

static struct lw_table top_table =
	LW_TABLE("lwProcTopTable", LW_OID_PROC_TOP_ENTRY, top_columns, load_top);

/* --- lwProcFdTable: the rows of lwProcTable in the top-N by descriptors whose types are known --- */

#define FD_VALUE(fn, field)                                                                     \
	LW_VALUE_FN(fn, const struct lw_fd_types *f = row, false, lw_set_gauge(vb, f->field))

FD_VALUE(fd_sockets, sockets)
FD_VALUE(fd_pipes, pipes)
FD_VALUE(fd_files, files)
FD_VALUE(fd_anon, anon)
FD_VALUE(fd_other, other)

static const struct lw_object fd_columns[] = {
	{ 1, ASN_GAUGE, LW_READ_ONLY, fd_sockets, NULL, "lwProcFdSockets" },
	{ 2, ASN_GAUGE, LW_READ_ONLY, fd_pipes, NULL, "lwProcFdPipes" },
	{ 3, ASN_GAUGE, LW_READ_ONLY, fd_files, NULL, "lwProcFdFiles" },
	{ 4, ASN_GAUGE, LW_READ_ONLY, fd_anon, NULL, "lwProcFdAnon" },
	{ 5, ASN_GAUGE, LW_READ_ONLY, fd_other, NULL, "lwProcFdOther" },
};

static int load_fds(const struct lw_agent *agent, struct lw_table_rows *out)
{
	const struct lw_proc_table *t = agent->current ? procs(agent) : NULL;
	size_t n = 0;

	/* A process whose descriptors may not be read has no row: no column would have a value. */
	for (size_t i = 0; t != NULL && i < t->count; i++)
		n += t->rows[i].in_fd_top && !(t->rows[i].unknown & LW_PROC_TYPES_UNKNOWN) &&
		     n < LW_CONFIG_MAX_TOP;
	if (lw_table_rows_alloc(out, n, 1))
		return -1;
	for (size_t i = 0; t != NULL && i < t->count && out->n < n; i++)
		if (t->rows[i].in_fd_top && !(t->rows[i].unknown & LW_PROC_TYPES_UNKNOWN))
			lw_table_rows_push(out, 1, 1, &t->rows[i].types)[0] = t->rows[i].pid;
	return 0;
}

static struct lw_table fd_table =
	LW_TABLE("lwProcFdTable", LW_OID_PROC_FD_ENTRY, fd_columns, load_fds);

/* --- lwProcesses scalars --- */

#define SCALAR_VALUE(fn, set) LW_VALUE_FN(fn, (void)0, agent->current == NULL, set)

SCALAR_VALUE(proc_rows, lw_set_gauge(vb, procs(agent)->count))
SCALAR_VALUE(proc_dropped, lw_set_gauge(vb, procs(agent)->dropped))
SCALAR_VALUE(proc_top_n, lw_set_unsigned(vb, procs(agent)->top_n))

static const struct lw_object processes_objects[] = {
	{ 5, ASN_GAUGE, LW_READ_ONLY, proc_rows, NULL, "lwProcRows" },
	{ 6, ASN_GAUGE, LW_READ_ONLY, proc_dropped, NULL, "lwProcDropped" },
	{ 7, ASN_UNSIGNED, LW_READ_ONLY, proc_top_n, NULL, "lwProcTopN" },
};

static struct lw_scalar_group processes_group =
	LW_SCALAR_GROUP("lwProcesses", LW_OID_PROCESSES, processes_objects, NULL);

int lw_mib_proc_add(struct lw_mibtree *t)
{
	return lw_mibtree_add_table(t, &proc_table) || lw_mibtree_add_table(t, &group_table) ||
	       lw_mibtree_add_table(t, &top_table) || lw_mibtree_add_table(t, &fd_table) ||
	       lw_mibtree_add_group(t, &processes_group);
}
