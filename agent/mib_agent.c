/* mib_agent.c: lwAgent scalars and lwCollectorTable, answered from the served snapshot only. */
#include "mib_agent.h"

#include <stdint.h>
#include <string.h>

#include "lw_oids.h"
#include "snmp_values.h"

static const oid agent_oid[] = { LW_OID_AGENT };
static const oid collector_table_oid[] = { LW_OID_COLLECTOR_TABLE };
static netsnmp_tdata *collector_table;
static netsnmp_table_registration_info *collector_table_info;
static netsnmp_handler_registration *scalar_regs[LW_AGENT_SNAPSHOT_TIME + 1], *table_reg;

static int agent_scalars(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
			 netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct lw_agent *agent = handler->myvoid;

	(void)reg;
	if (reqinfo->mode != MODE_GET)
		return SNMP_ERR_NOERROR;
	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		netsnmp_variable_list *vb = r->requestvb;

		/* Registered per object (lwAgent.<subid>), so the instance helper passed <subid>.0. */
		switch (vb->name[OID_LENGTH(agent_oid)]) {
		case LW_AGENT_VERSION:
			lw_set_string(vb, LW_VERSION);
			break;
		case LW_AGENT_START_TIME:
			lw_set_dateandtime(vb, &agent->start_time);
			break;
		case LW_AGENT_SAMPLE_INTERVAL:
			lw_set_unsigned(vb, agent->cfg.interval_s);
			break;
		case LW_AGENT_SNAPSHOT_TIME:
			if (agent->current == NULL) {
				netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
				break;
			}
			lw_set_dateandtime(vb, &agent->current->completed);
			break;
		default:
			netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHOBJECT);
			break;
		}
	}
	return SNMP_ERR_NOERROR;
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
	info->max_column = LW_COLLECTOR_LAST_ERROR;
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

/*
 * One registration per scalar rather than a scalar group over lwAgent: a group would overlap
 * lwCollectorTable (lwAgent.5), and an AgentX master rejects the split subtree as a duplicate.
 */
static int register_scalar(struct lw_agent *agent, unsigned subid)
{
	oid name[OID_LENGTH(agent_oid) + 1];
	netsnmp_handler_registration *reg;

	memcpy(name, agent_oid, sizeof(agent_oid));
	name[OID_LENGTH(agent_oid)] = subid;
	reg = netsnmp_create_handler_registration("lwAgent", agent_scalars, name,
						  OID_LENGTH(name), HANDLER_CAN_RONLY);
	if (reg == NULL)
		return -1;
	reg->handler->myvoid = agent;
	scalar_regs[subid] = reg;
	return netsnmp_register_scalar(reg) == MIB_REGISTERED_OK ? 0 : -1;
}

int lw_mib_agent_register(struct lw_agent *agent)
{
	for (unsigned subid = LW_AGENT_VERSION; subid <= LW_AGENT_SNAPSHOT_TIME; subid++)
		if (register_scalar(agent, subid))
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
	for (size_t i = 0; i < sizeof(scalar_regs) / sizeof(scalar_regs[0]); i++) {
		if (scalar_regs[i] != NULL)
			netsnmp_unregister_handler(scalar_regs[i]);
		scalar_regs[i] = NULL;
	}
	table_reg = NULL;
	collector_table = NULL;
}
