/* mib_agent.c: lwAgent scalars and lwCollectorTable, answered from the served snapshot only. */
/* SPDX-License-Identifier: ISC */
#include "mib_groups.h"

#include <stdint.h>

#include "agent_ctx.h"
#include "lw_oids.h"
#include "snmp_values.h"

/* The daemon's own figures: always there, but for the snapshot's time before the first one. */
#define AGENT_VALUE(fn, absent, set) LW_VALUE_FN(fn, (void)0, absent, set)

AGENT_VALUE(version, false, lw_set_string(vb, LW_VERSION))
AGENT_VALUE(start_time, false, lw_set_dateandtime(vb, &agent->start_time))
AGENT_VALUE(sample_interval, false, lw_set_unsigned(vb, agent->cfg->interval_s))
AGENT_VALUE(snapshot_time, agent->current == NULL,
	    lw_set_dateandtime(vb, &agent->current->completed))
AGENT_VALUE(start_time_unix, false, lw_set_unixtime(vb, agent->start_time.tv_sec))
AGENT_VALUE(snapshot_time_unix, agent->current == NULL,
	    lw_set_unixtime(vb, agent->current->completed.tv_sec))

static const struct lw_object agent_objects[] = {
	{ 1, ASN_OCTET_STR, LW_READ_ONLY, version, NULL, "lwAgentVersion" },
	{ 2, ASN_OCTET_STR, LW_READ_ONLY, start_time, NULL, "lwAgentStartTime" },
	{ 3, ASN_UNSIGNED, LW_READ_ONLY, sample_interval, NULL, "lwSampleInterval" },
	{ 4, ASN_OCTET_STR, LW_READ_ONLY, snapshot_time, NULL, "lwAgentSnapshotTime" },
	{ 6, ASN_UNSIGNED, LW_READ_ONLY, start_time_unix, NULL, "lwAgentStartTimeUnix" },
	{ 7, ASN_UNSIGNED, LW_READ_ONLY, snapshot_time_unix, NULL, "lwAgentSnapshotTimeUnix" },
};

static struct lw_scalar_group agent_group =
	LW_SCALAR_GROUP("lwAgent", LW_OID_AGENT, agent_objects, NULL);

/* A collector row's data is its id; its figures are the served snapshot's (none before one). */
static const struct lw_collector_stats *stats(const void *row, const struct lw_agent *agent)
{
	return agent->current ? &agent->current->collectors[(uintptr_t)row] : NULL;
}

#define COLLECTOR_VALUE(fn, set)                                                                \
	LW_VALUE_FN(fn, const struct lw_collector_stats *st = stats(row, agent), st == NULL,    \
		    set)

COLLECTOR_VALUE(col_name, lw_set_string(vb, lw_collector_def((enum lw_collector_id)(uintptr_t)row)->name))
COLLECTOR_VALUE(col_interval, lw_set_unsigned(vb, st->interval_s))
COLLECTOR_VALUE(col_last_run, lw_set_dateandtime(vb, &st->last_run))
COLLECTOR_VALUE(col_last_duration, lw_set_gauge(vb, st->last_duration_us))
COLLECTOR_VALUE(col_total_duration, lw_set_counter64(vb, st->total_duration_us))
COLLECTOR_VALUE(col_runs, lw_set_counter32(vb, st->runs))
COLLECTOR_VALUE(col_errors, lw_set_counter32(vb, st->errors))
COLLECTOR_VALUE(col_last_error, lw_set_string(vb, st->last_error))
COLLECTOR_VALUE(col_notice, lw_set_string(vb, st->notice))
COLLECTOR_VALUE(col_last_run_unix, lw_set_unixtime(vb, st->last_run.tv_sec))

static const struct lw_object collector_columns[] = {
	{ LW_COLLECTOR_NAME, ASN_OCTET_STR, LW_READ_ONLY, col_name, NULL, "lwCollectorName" },
	{ 3, ASN_UNSIGNED, LW_READ_ONLY, col_interval, NULL, "lwCollectorInterval" },
	{ 4, ASN_OCTET_STR, LW_READ_ONLY, col_last_run, NULL, "lwCollectorLastRun" },
	{ 5, ASN_GAUGE, LW_READ_ONLY, col_last_duration, NULL, "lwCollectorLastDurationUs" },
	{ 6, ASN_COUNTER64, LW_READ_ONLY, col_total_duration, NULL, "lwCollectorTotalDurationUs" },
	{ 7, ASN_COUNTER, LW_READ_ONLY, col_runs, NULL, "lwCollectorRuns" },
	{ 8, ASN_COUNTER, LW_READ_ONLY, col_errors, NULL, "lwCollectorErrors" },
	{ LW_COLLECTOR_LAST_ERROR, ASN_OCTET_STR, LW_READ_ONLY, col_last_error, NULL,
	  "lwCollectorLastError" },
	{ 10, ASN_OCTET_STR, LW_READ_ONLY, col_notice, NULL, "lwCollectorNotice" },
	{ 11, ASN_UNSIGNED, LW_READ_ONLY, col_last_run_unix, NULL, "lwCollectorLastRunUnix" },
};

/* The rows never change: the set of collectors is fixed at build time (index id + 1). */
static int load_collectors(const struct lw_agent *agent, struct lw_table_rows *out)
{
	(void)agent;
	if (lw_table_rows_alloc(out, LW_COL_COUNT, 1))
		return -1;
	for (uintptr_t id = 0; id < LW_COL_COUNT; id++)
		lw_table_rows_push(out, 1, 1, (const void *)id)[0] = id + 1;
	return 0;
}

static struct lw_table collector_table =
	LW_TABLE("lwCollectorTable", LW_OID_COLLECTOR_ENTRY, collector_columns, load_collectors);

int lw_mib_agent_add(struct lw_mibtree *t)
{
	return lw_mibtree_add_group(t, &agent_group) || lw_mibtree_add_table(t, &collector_table);
}
