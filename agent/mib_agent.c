/* mib_agent.c: lwAgent scalars and lwCollectorTable, answered from the served snapshot only. */
#include "mib_agent.h"

#include <stdint.h>

#include "agent_ctx.h"
#include "lw_oids.h"
#include "snmp_values.h"

static bool version(netsnmp_variable_list *vb, const void *row, const struct lw_agent *agent)
{
	(void)row, (void)agent;
	lw_set_string(vb, LW_VERSION);
	return true;
}

static bool start_time(netsnmp_variable_list *vb, const void *row, const struct lw_agent *agent)
{
	(void)row;
	lw_set_dateandtime(vb, &agent->start_time);
	return true;
}

static bool sample_interval(netsnmp_variable_list *vb, const void *row,
			    const struct lw_agent *agent)
{
	(void)row;
	lw_set_unsigned(vb, agent->cfg->interval_s);
	return true;
}

static bool snapshot_time(netsnmp_variable_list *vb, const void *row,
			  const struct lw_agent *agent)
{
	(void)row;
	if (agent->current == NULL)
		return false;
	lw_set_dateandtime(vb, &agent->current->completed);
	return true;
}

static const struct lw_object agent_objects[] = {
	{ 1, ASN_OCTET_STR, LW_READ_ONLY, version, NULL, "lwAgentVersion" },
	{ 2, ASN_OCTET_STR, LW_READ_ONLY, start_time, NULL, "lwAgentStartTime" },
	{ 3, ASN_UNSIGNED, LW_READ_ONLY, sample_interval, NULL, "lwSampleInterval" },
	{ 4, ASN_OCTET_STR, LW_READ_ONLY, snapshot_time, NULL, "lwAgentSnapshotTime" },
};

static struct lw_scalar_group agent_group = {
	"lwAgent", { LW_OID_AGENT }, OID_LENGTH(((oid[]){ LW_OID_AGENT })), agent_objects,
	sizeof(agent_objects) / sizeof(agent_objects[0]), NULL,
};

/* A collector row's data is its id; its figures are the served snapshot's (none before one). */
static const struct lw_collector_stats *stats(const void *row, const struct lw_agent *agent)
{
	return agent->current ? &agent->current->collectors[(uintptr_t)row] : NULL;
}

#define COLLECTOR_VALUE(fn, set)                                                             \
	static bool fn(netsnmp_variable_list *vb, const void *row, const struct lw_agent *agent) \
	{                                                                                    \
		const struct lw_collector_stats *st = stats(row, agent);                     \
		if (st == NULL)                                                              \
			return false;                                                        \
		set;                                                                         \
		return true;                                                                 \
	}

COLLECTOR_VALUE(col_name, lw_set_string(vb, lw_collector_def((enum lw_collector_id)(uintptr_t)row)->name))
COLLECTOR_VALUE(col_interval, lw_set_unsigned(vb, st->interval_s))
COLLECTOR_VALUE(col_last_run, lw_set_dateandtime(vb, &st->last_run))
COLLECTOR_VALUE(col_last_duration, lw_set_gauge(vb, st->last_duration_us))
COLLECTOR_VALUE(col_total_duration, lw_set_counter64(vb, st->total_duration_us))
COLLECTOR_VALUE(col_runs, lw_set_counter32(vb, st->runs))
COLLECTOR_VALUE(col_errors, lw_set_counter32(vb, st->errors))
COLLECTOR_VALUE(col_last_error, lw_set_string(vb, st->last_error))
COLLECTOR_VALUE(col_notice, lw_set_string(vb, st->notice))

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

static struct lw_table collector_table = {
	"lwCollectorTable", { LW_OID_COLLECTOR_ENTRY },
	OID_LENGTH(((oid[]){ LW_OID_COLLECTOR_ENTRY })), collector_columns,
	sizeof(collector_columns) / sizeof(collector_columns[0]), load_collectors, { 0 },
};

int lw_mib_agent_add(struct lw_mibtree *t)
{
	return lw_mibtree_add_group(t, &agent_group) || lw_mibtree_add_table(t, &collector_table);
}
