/* mib_proc.c: lwProcTable, lwProcGroupTable, lwProcTopTable, lwProcFdTable and lwProc scalars. */
#include "mib_proc.h"

#include <stdint.h>
#include <string.h>

#include "lw_oids.h"
#include "scalars.h"
#include "snap_table.h"
#include "snmp_values.h"

static const oid processes_oid[] = { LW_OID_PROCESSES };
static const oid proc_oid[] = { LW_OID_PROC_ENTRY };
static const oid group_oid[] = { LW_OID_PROC_GROUP_ENTRY };
static const oid top_oid[] = { LW_OID_PROC_TOP_ENTRY };
static const oid fd_oid[] = { LW_OID_PROC_FD_ENTRY };

static struct lw_snap_table proc_table, group_table, top_table, fd_table;
static struct lw_scalars proc_scalars;

static const struct lw_proc_table *table_of(const struct lw_agent *agent)
{
	return agent->current ? &agent->current->procs : NULL;
}

static bool proc_column(netsnmp_variable_list *vb, unsigned column, const void *row,
			const void *ctx)
{
	const struct lw_proc *p = row;
	const struct lw_proc_table *t = ctx;

	switch (column) {
	case LW_PROC_NAME: lw_set_string(vb, lw_proc_str(t, p->name)); break;
	case LW_PROC_CMDLINE: lw_set_string(vb, lw_proc_str(t, p->cmdline)); break;
	case LW_PROC_PPID: lw_set_unsigned(vb, p->ppid); break;
	case LW_PROC_UID: lw_set_unsigned(vb, p->uid); break;
	case LW_PROC_STATE: snmp_set_var_typed_integer(vb, ASN_INTEGER, p->state); break;
	case LW_PROC_START_TIME:
		lw_set_unsigned(vb, p->start_time > UINT32_MAX ? UINT32_MAX : (uint32_t)p->start_time);
		break;
	case LW_PROC_THREADS: lw_set_gauge(vb, p->threads); break;
	case LW_PROC_RSS: lw_set_counter64(vb, p->rss_kb); break;
	case LW_PROC_VSZ: lw_set_counter64(vb, p->vsz_kb); break;
	case LW_PROC_ANON: lw_set_counter64(vb, p->anon_kb); break;
	case LW_PROC_SWAP: lw_set_counter64(vb, p->swap_kb); break;
	case LW_PROC_FDS: lw_set_gauge(vb, p->fds); break;
	case LW_PROC_FD_LIMIT: lw_set_gauge(vb, p->fd_limit); break;
	case LW_PROC_SOCKETS: lw_set_gauge(vb, p->sockets); break;
	case LW_PROC_CPU_TICKS: lw_set_counter64(vb, p->cpu_ticks); break;
	case LW_PROC_CPU_PERCENT: lw_set_gauge(vb, p->cpu_hundredths); break;
	case LW_PROC_LEAK_STATE: lw_set_leak_state(vb, p->leak_state); break;
	case LW_PROC_RSS_SLOPE: lw_set_integer(vb, p->rss_slope_kb_h); break;
	case LW_PROC_FD_LEAK_STATE:
		lw_set_leak_state(vb, p->fd_leak_state);
		break;
	case LW_PROC_FD_SLOPE: lw_set_integer(vb, p->fd_slope_h); break;
	case LW_PROC_TIME_TO_EXHAUSTION: lw_set_forecast(vb, p->time_to_exhaustion); break;
	}
	return true;
}

static bool group_column(netsnmp_variable_list *vb, unsigned column, const void *row,
			 const void *ctx)
{
	const struct lw_proc_group *g = row;
	const struct lw_proc_table *t = ctx;

	switch (column) {
	case LW_GROUP_NAME: lw_set_string(vb, lw_proc_str(t, g->name)); break;
	case LW_GROUP_COUNT: lw_set_gauge(vb, g->count); break;
	case LW_GROUP_RSS: lw_set_counter64(vb, g->rss_kb); break;
	case LW_GROUP_MAX_RSS: lw_set_counter64(vb, g->max_rss_kb); break;
	case LW_GROUP_VSZ: lw_set_counter64(vb, g->vsz_kb); break;
	case LW_GROUP_FDS: lw_set_gauge(vb, g->fds); break;
	case LW_GROUP_CPU_PERCENT: lw_set_gauge(vb, g->cpu_hundredths); break;
	case LW_GROUP_LEAK_STATE: lw_set_leak_state(vb, g->leak_state); break;
	case LW_GROUP_RSS_SLOPE: lw_set_integer(vb, g->rss_slope_kb_h); break;
	case LW_GROUP_FD_LEAK_STATE:
		lw_set_leak_state(vb, g->fd_leak_state);
		break;
	case LW_GROUP_FD_SLOPE: lw_set_integer(vb, g->fd_slope_h); break;
	case LW_GROUP_TIME_TO_EXHAUSTION: lw_set_forecast(vb, g->time_to_exhaustion); break;
	}
	return true;
}

static bool top_column(netsnmp_variable_list *vb, unsigned column, const void *row,
		       const void *ctx)
{
	const struct lw_proc_top *e = row;
	const struct lw_proc_table *t = ctx;

	switch (column) {
	case LW_TOP_PID: lw_set_unsigned(vb, e->pid); break;
	case LW_TOP_NAME: lw_set_string(vb, lw_proc_str(t, e->name)); break;
	case LW_TOP_VALUE: lw_set_counter64(vb, e->value); break;
	}
	return true;
}

static bool fd_column(netsnmp_variable_list *vb, unsigned column, const void *row,
		      const void *ctx)
{
	const struct lw_fd_types *f = row;

	(void)ctx;
	switch (column) {
	case LW_FD_SOCKETS: lw_set_gauge(vb, f->sockets); break;
	case LW_FD_PIPES: lw_set_gauge(vb, f->pipes); break;
	case LW_FD_FILES: lw_set_gauge(vb, f->files); break;
	case LW_FD_ANON: lw_set_gauge(vb, f->anon); break;
	case LW_FD_OTHER: lw_set_gauge(vb, f->other); break;
	}
	return true;
}

static int scalar_value(const struct lw_agent *agent, unsigned subid, netsnmp_variable_list *vb)
{
	const struct lw_proc_table *t = table_of(agent);

	if (t == NULL)
		return -1;
	switch (subid) {
	case LW_PROC_ROWS: lw_set_gauge(vb, t->count); return 0;
	case LW_PROC_DROPPED: lw_set_gauge(vb, t->dropped); return 0;
	case LW_PROC_TOP_N: lw_set_unsigned(vb, t->top_n); return 0;
	default: return -1;
	}
}

/* The data the tables' rows point into, for lw_snap_table_register. */
static const void *served(const void *agent)
{
	return table_of(agent);
}

int lw_mib_proc_register(struct lw_agent *agent)
{
	/* The tables are registered at their Entry OIDs' parents: lwProcTable is lwProcesses.1. */
	if (lw_snap_table_register(&proc_table, "lwProcTable", proc_oid, OID_LENGTH(proc_oid),
				   1, LW_PROC_NAME, LW_PROC_TIME_TO_EXHAUSTION, proc_column, served,
				   agent) ||
	    lw_snap_table_register(&group_table, "lwProcGroupTable", group_oid,
				   OID_LENGTH(group_oid), 1, LW_GROUP_NAME, LW_GROUP_TIME_TO_EXHAUSTION,
				   group_column, served, agent) ||
	    lw_snap_table_register(&top_table, "lwProcTopTable", top_oid, OID_LENGTH(top_oid), 2,
				   LW_TOP_PID, LW_TOP_VALUE, top_column, served, agent) ||
	    lw_snap_table_register(&fd_table, "lwProcFdTable", fd_oid, OID_LENGTH(fd_oid), 1,
				   LW_FD_SOCKETS, LW_FD_OTHER, fd_column, served, agent))
		return -1;
	return lw_scalars_register(&proc_scalars, "lwProcesses", processes_oid,
				   OID_LENGTH(processes_oid), LW_PROC_ROWS, LW_PROC_TOP_N,
				   scalar_value, agent);
}

static void fill_proc(size_t i, struct lw_snap_row *row, const void *ctx)
{
	const struct lw_proc_table *t = ctx;

	row->oids[0] = t->rows[i].pid;
	row->data = &t->rows[i];
}

static void fill_group(size_t i, struct lw_snap_row *row, const void *ctx)
{
	const struct lw_proc_table *t = ctx;

	row->oids[0] = t->groups[i].index;
	row->data = &t->groups[i];
}

/* Top rows are numbered across metrics: metric m's rank r is entry r-1 of top[m]. */
static void fill_top(size_t i, struct lw_snap_row *row, const void *ctx)
{
	const struct lw_proc_table *t = ctx;
	size_t m = 1;

	while (i >= t->ntop[m]) {
		i -= t->ntop[m];
		m++;
	}
	row->oids[0] = m;
	row->oids[1] = i + 1;
	row->data = &t->top[m][i];
}

/* lwProcFdTable rows are the rows of lwProcTable in the top-N by descriptors. */
static void fill_fd(size_t i, struct lw_snap_row *row, const void *ctx)
{
	const struct lw_proc *const *rows = ctx;

	row->oids[0] = rows[i]->pid;
	row->data = &rows[i]->types;
}

void lw_mib_proc_load(struct lw_agent *agent)
{
	static const struct lw_proc_table empty;
	const struct lw_proc_table *t = table_of(agent) ? table_of(agent) : &empty;
	const struct lw_proc *fd_rows[LW_CONFIG_MAX_TOP];
	size_t ntop = 0, nfd = 0;

	/* Out of memory leaves a table empty until the next snapshot; requests still work. */
	(void)lw_snap_table_load(&proc_table, t->count, 1, fill_proc, t);
	(void)lw_snap_table_load(&group_table, t->ngroups, 1, fill_group, t);
	for (int m = 1; m <= LW_TOP_COUNT; m++)
		ntop += t->ntop[m];
	(void)lw_snap_table_load(&top_table, ntop, 2, fill_top, t);
	for (size_t i = 0; i < t->count && nfd < LW_CONFIG_MAX_TOP; i++)
		if (t->rows[i].in_fd_top)
			fd_rows[nfd++] = &t->rows[i];
	(void)lw_snap_table_load(&fd_table, nfd, 1, fill_fd, fd_rows);
}

void lw_mib_proc_unregister(void)
{
	lw_snap_table_unregister(&proc_table);
	lw_snap_table_unregister(&group_table);
	lw_snap_table_unregister(&top_table);
	lw_snap_table_unregister(&fd_table);
	lw_scalars_unregister(&proc_scalars);
}
