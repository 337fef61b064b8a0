/* mib_agent.c: lwAgent scalars and lwCollectorTable, answered from the served snapshot only. */
#include "mib_agent.h"

#include <stdint.h>

#include "lw_oids.h"
#include "scalars.h"
#include "snmp_values.h"

static const oid agent_oid[] = { LW_OID_AGENT };
static const oid collector_table_oid[] = { LW_OID_COLLECTOR_TABLE };
static netsnmp_tdata *collector_table;
static netsnmp_table_registration_info *collector_table_info;
static netsnmp_handler_registration *table_reg;
static struct lw_scalars agent_scalars;

static int agent_value(const struct lw_agent *agent, unsigned subid, netsnmp_variable_list *vb)
{
	switch (subid) {
	case LW_AGENT_VERSION:
		lw_set_string(vb, LW_VERSION);
		return 0;
	case LW_AGENT_START_TIME:
		lw_set_dateandtime(vb, &agent->start_time);
		return 0;
	case LW_AGENT_SAMPLE_INTERVAL:
		lw_set_unsigned(vb, agent->cfg->interval_s);
		return 0;
	case LW_AGENT_SNAPSHOT_TIME:
		if (agent->current == NULL)
			return -1;
		lw_set_dateandtime(vb, &agent->current->completed);
		return 0;
	default:
		return -1;
	}
}

static void collector_column(netsnmp_variable_list *vb, unsigned column,
			     const struct lw_collector_stats *st, const char *name)
{
	switch (column) {
	case LW_COLLECTOR_NAME:
		lw_set_string(vb, name);
		break;
	case LW_COLLECTOR_INTERVAL:
		lw_set_unsigned(vb, st->interval_s);
		break;
	case LW_COLLECTOR_LAST_RUN:
		lw_set_dateandtime(vb, &st->last_run);
		break;
	case LW_COLLECTOR_LAST_DURATION:
		lw_set_gauge(vb, st->last_duration_us);
		break;
	case LW_COLLECTOR_TOTAL_DURATION:
		lw_set_counter64(vb, st->total_duration_us);
		break;
	case LW_COLLECTOR_RUNS:
		lw_set_counter32(vb, st->runs);
		break;
	case LW_COLLECTOR_ERRORS:
		lw_set_counter32(vb, st->errors);
		break;
	case LW_COLLECTOR_LAST_ERROR:
		lw_set_string(vb, st->last_error);
		break;
	case LW_COLLECTOR_NOTICE:
		lw_set_string(vb, st->notice);
		break;
	}
}

static int collector_rows(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
			  netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct lw_agent *agent = handler->myvoid;

	(void)reg;
	if (reqinfo->mode != MODE_GET)
		return SNMP_ERR_NOERROR;
	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		netsnmp_tdata_row *row = netsnmp_tdata_extract_row(r);
		netsnmp_table_request_info *ti = netsnmp_extract_table_info(r);
		enum lw_collector_id id;

		if (r->processed)
			continue;
		if (row == NULL || ti == NULL || agent->current == NULL) {
			netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
			continue;
		}
		id = (enum lw_collector_id)(uintptr_t)row->data;
		collector_column(r->requestvb, ti->colnum, &agent->current->collectors[id],
				 lw_collector_def(id)->name);
	}
	return SNMP_ERR_NOERROR;
}

static int register_collector_table(struct lw_agent *agent)
{
	netsnmp_table_registration_info *info;

	table_reg = netsnmp_create_handler_registration(
		"lwCollectorTable", collector_rows, collector_table_oid,
		OID_LENGTH(collector_table_oid), HANDLER_CAN_RONLY);
	collector_table = netsnmp_tdata_create_table("lwCollectorTable", 0);
	/* Kept to free at shutdown: unregistering the handler does not free it. */
	info = collector_table_info = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);
	if (table_reg == NULL || collector_table == NULL || info == NULL)
		return -1;
	table_reg->handler->myvoid = agent;
	netsnmp_table_helper_add_indexes(info, ASN_UNSIGNED, 0);
	info->min_column = LW_COLLECTOR_NAME;
	info->max_column = LW_COLLECTOR_NOTICE;
	/* The rows never change: the set of collectors is fixed at build time. */
	for (int id = 0; id < LW_COL_COUNT; id++) {
		netsnmp_tdata_row *row = netsnmp_tdata_create_row();
		u_long index = (u_long)id + 1;

		if (row == NULL)
			return -1;
		row->data = (void *)(uintptr_t)id;
		netsnmp_tdata_row_add_index(row, ASN_UNSIGNED, &index, sizeof(index));
		netsnmp_tdata_add_row(collector_table, row);
	}
	return netsnmp_tdata_register(table_reg, collector_table, info) == MIB_REGISTERED_OK ? 0
											    : -1;
}

int lw_mib_agent_register(struct lw_agent *agent)
{
	if (lw_scalars_register(&agent_scalars, "lwAgent", agent_oid, OID_LENGTH(agent_oid),
				LW_AGENT_VERSION, LW_AGENT_SNAPSHOT_TIME, agent_value, agent))
		return -1;
	return register_collector_table(agent);
}

void lw_mib_agent_unregister(void)
{
	if (table_reg != NULL)
		netsnmp_unregister_handler(table_reg);
	if (collector_table != NULL) {
		netsnmp_tdata_row *row;

		while ((row = netsnmp_tdata_row_first(collector_table)) != NULL)
			netsnmp_tdata_remove_and_delete_row(collector_table, row);
		netsnmp_tdata_delete_table(collector_table);
	}
	if (collector_table_info != NULL)
		netsnmp_table_registration_info_free(collector_table_info);
	collector_table_info = NULL;
	lw_scalars_unregister(&agent_scalars);
	table_reg = NULL;
	collector_table = NULL;
}
