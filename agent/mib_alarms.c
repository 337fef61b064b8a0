/* mib_alarms.c: lwAlarms: the settable thresholds, lwAlarmTable, lwTrendTable and their scalars. */
#include "mib_alarms.h"

#include <stdint.h>
#include <string.h>

#include "agent_config.h"
#include "alarm_oids.h"
#include "lw_oids.h"
#include "scalars.h"
#include "snap_table.h"
#include "snmp_values.h"

static const oid alarms_oid[] = { LW_OID_ALARMS };
static const oid thresholds_oid[] = { LW_OID_THRESHOLDS };
static const oid alarm_entry_oid[] = { LW_OID_ALARM_ENTRY };
static const oid trend_entry_oid[] = { LW_OID_TREND_ENTRY };

static struct lw_snap_table alarm_table, trend_table;
static struct lw_scalars alarm_scalars;
static netsnmp_handler_registration *threshold_regs[LW_TH_COUNT];

/*
 * One SET request's thresholds, from its first RESERVE1 to its FREE: net-snmp runs each phase
 * for every varbind before the next phase, so RESERVE2 sees all the request's values at once
 * and judges their consistency together; the file is written once (ACTION) and the values
 * applied once (COMMIT).
 */
static struct {
	const void *request;          /* the agent's request session (reqinfo->asp) */
	struct lw_thresholds next, before;
	bool written, committed;
} pending;

static void pending_start(const struct lw_agent *agent, const void *request)
{
	if (pending.request == request)
		return;
	pending.request = request;
	pending.before = agent->cfg->thresholds;
	pending.next = agent->cfg->thresholds;
	pending.written = pending.committed = false;
}

static int reserve1(const struct lw_agent *agent, netsnmp_agent_request_info *reqinfo,
		    netsnmp_request_info *r, enum lw_threshold_id id)
{
	struct lw_error err;
	int rc;
	uint32_t v;

	pending_start(agent, reqinfo->asp);
	rc = netsnmp_check_vb_type_and_size(r->requestvb, ASN_UNSIGNED, sizeof(long));
	if (rc != SNMP_ERR_NOERROR)
		return SNMP_ERR_WRONGTYPE;
	v = (uint32_t)*r->requestvb->val.integer;
	if (lw_threshold_check(id, v, &err) != 0) {
		snmp_log(LOG_NOTICE, "SET refused: %s\n", err.text);
		return SNMP_ERR_WRONGVALUE;
	}
	pending.next.v[id] = v;
	pending.next.set_mask |= 1u << id;
	return SNMP_ERR_NOERROR;
}

static int reserve2(void)
{
	enum lw_threshold_id bad;
	struct lw_error err;

	if (lw_thresholds_consistent(&pending.next, &bad, &err) != 0) {
		snmp_log(LOG_NOTICE, "SET refused: %s\n", err.text);
		return SNMP_ERR_INCONSISTENTVALUE;
	}
	return SNMP_ERR_NOERROR;
}

/* Persists the request's values before they take effect, so a SET that answers noError
 * survives a restart. */
static int action(const struct lw_agent *agent)
{
	struct lw_error err;

	if (pending.written)
		return SNMP_ERR_NOERROR;
	if (lw_thresholds_save(agent->thresholds_path, &pending.next, &err) != 0) {
		snmp_log(LOG_ERR, "SET refused: thresholds cannot be kept: %s\n", err.text);
		return SNMP_ERR_RESOURCEUNAVAILABLE;
	}
	pending.written = true;
	return SNMP_ERR_NOERROR;
}

static void commit(struct lw_agent *agent)
{
	if (pending.committed)
		return;
	pending.committed = true;
	for (int i = 0; i < LW_TH_COUNT; i++)
		if (pending.next.v[i] != agent->cfg->thresholds.v[i])
			snmp_log(LOG_INFO, "%s set to %u over SNMP (was %u)\n",
				 lw_threshold_def((enum lw_threshold_id)i)->object, pending.next.v[i],
				 agent->cfg->thresholds.v[i]);
	lw_agent_apply_thresholds(agent, &pending.next);
}

/*
 * A later varbind failed after this request wrote the file: put the old one back. Over AgentX
 * the master may also undo after this subagent committed (another subagent's commit failed):
 * then the running values go back too.
 */
static void undo(struct lw_agent *agent)
{
	struct lw_error err;

	if (pending.committed) {
		pending.committed = false;
		lw_agent_apply_thresholds(agent, &pending.before);
	}
	if (!pending.written)
		return;
	pending.written = false;
	if (lw_thresholds_save(agent->thresholds_path, &pending.before, &err) != 0)
		snmp_log(LOG_ERR, "SET undo: %s\n", err.text);
}

static int threshold_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
			     netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	struct lw_agent *agent = handler->myvoid;
	enum lw_threshold_id id = (enum lw_threshold_id)(uintptr_t)reg->my_reg_void;

	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		int rc = SNMP_ERR_NOERROR;

		if (r->processed)
			continue;
		switch (reqinfo->mode) {
		case MODE_GET:
			lw_set_unsigned(r->requestvb, agent->cfg->thresholds.v[id]);
			break;
		case MODE_SET_RESERVE1: rc = reserve1(agent, reqinfo, r, id); break;
		case MODE_SET_RESERVE2: rc = reserve2(); break;
		case MODE_SET_ACTION: rc = action(agent); break;
		case MODE_SET_COMMIT: commit(agent); break;
		case MODE_SET_UNDO: undo(agent); break;
		case MODE_SET_FREE: pending.request = NULL; break;
		}
		if (rc != SNMP_ERR_NOERROR)
			netsnmp_set_request_error(reqinfo, r, rc);
	}
	return SNMP_ERR_NOERROR;
}

static int register_thresholds(struct lw_agent *agent)
{
	for (int i = 0; i < LW_TH_COUNT; i++) {
		oid full[MAX_OID_LEN];
		netsnmp_handler_registration *reg;

		memcpy(full, thresholds_oid, sizeof(thresholds_oid));
		full[OID_LENGTH(thresholds_oid)] = (oid)i + 1;
		reg = netsnmp_create_handler_registration(lw_threshold_def(i)->object,
							  threshold_handler, full,
							  OID_LENGTH(thresholds_oid) + 1,
							  HANDLER_CAN_RWRITE);
		if (reg == NULL)
			return -1;
		reg->handler->myvoid = agent;
		reg->my_reg_void = (void *)(uintptr_t)i;
		threshold_regs[i] = reg;
		if (netsnmp_register_scalar(reg) != MIB_REGISTERED_OK)
			return -1;
	}
	return 0;
}

static bool alarm_column(netsnmp_variable_list *vb, unsigned column, const void *row,
			 const void *served)
{
	(void)served;
	return lw_alarm_column(vb, column, row);
}

/* Trend rows point at the snapshot's trends; the row's index says which one. */
static bool trend_column(netsnmp_variable_list *vb, unsigned column, const void *row,
			 const void *served)
{
	const struct lw_trend *t = row;
	const struct lw_snapshot *s = served;
	size_t id = (size_t)(t - s->trends);

	switch (column) {
	case LW_TREND_COL_NAME: lw_set_string(vb, lw_trend_name((enum lw_trend_id)id)); break;
	case LW_TREND_COL_STATE: lw_set_leak_state(vb, t->state); break;
	case LW_TREND_COL_VALUE: lw_set_counter64(vb, t->value); break;
	case LW_TREND_COL_SLOPE: lw_set_integer(vb, t->slope); break;
	case LW_TREND_COL_TIME_TO_LIMIT: lw_set_forecast(vb, t->time_to_limit); break;
	default: return false;
	}
	return true;
}

static int alarm_scalar_value(const struct lw_agent *agent, unsigned subid,
			      netsnmp_variable_list *vb)
{
	const struct lw_snapshot *s = agent->current;

	if (s == NULL)
		return -1;
	switch (subid) {
	case LW_ALARM_COUNT_SCALAR: lw_set_gauge(vb, s->alarms.n); return 0;
	case LW_ALARM_EVENTS_SCALAR: lw_set_counter32(vb, (uint32_t)s->alarms.last_seq); return 0;
	case LW_ALARM_SUPPRESSED_SCALAR:
		lw_set_counter32(vb, (uint32_t)s->alarms.suppressed);
		return 0;
	default: return -1;
	}
}

static const void *served(const void *agent)
{
	return ((const struct lw_agent *)agent)->current;
}

int lw_mib_alarms_register(struct lw_agent *agent)
{
	if (register_thresholds(agent) ||
	    lw_snap_table_register(&alarm_table, "lwAlarmTable", alarm_entry_oid,
				   OID_LENGTH(alarm_entry_oid), 1, LW_ALARM_COL_TYPE,
				   LW_ALARM_COL_TIME_TO_EXHAUSTION, alarm_column, served, agent) ||
	    lw_snap_table_register(&trend_table, "lwTrendTable", trend_entry_oid,
				   OID_LENGTH(trend_entry_oid), 1, LW_TREND_COL_NAME,
				   LW_TREND_COL_TIME_TO_LIMIT, trend_column, served, agent) ||
	    lw_scalars_register(&alarm_scalars, "lwAlarms", alarms_oid, OID_LENGTH(alarms_oid),
				LW_ALARM_COUNT_SCALAR, LW_ALARM_SUPPRESSED_SCALAR, alarm_scalar_value,
				agent))
		return -1;
	return 0;
}

static void fill_alarm(size_t i, struct lw_snap_row *row, const void *ctx)
{
	const struct lw_alarm_table *t = ctx;

	row->oids[0] = t->rows[i].index;
	row->data = &t->rows[i];
}

/* The trends the snapshot knows, by id: the row index is id + 1. */
struct known_trends {
	const struct lw_snapshot *s;
	size_t ids[LW_TREND_COUNT];
};

static void fill_trend(size_t i, struct lw_snap_row *row, const void *ctx)
{
	const struct known_trends *k = ctx;

	row->oids[0] = k->ids[i] + 1;
	row->data = &k->s->trends[k->ids[i]];
}

void lw_mib_alarms_load(struct lw_agent *agent)
{
	static const struct lw_alarm_table empty;
	const struct lw_snapshot *s = agent->current;
	struct known_trends k = { .s = s };
	size_t n = 0;

	(void)lw_snap_table_load(&alarm_table, s ? s->alarms.n : 0, 1, fill_alarm,
				 s ? &s->alarms : &empty);
	/* A series whose source failed has no row. */
	for (size_t i = 0; s != NULL && i < LW_TREND_COUNT; i++)
		if (s->trends[i].known)
			k.ids[n++] = i;
	(void)lw_snap_table_load(&trend_table, n, 1, fill_trend, &k);
}

void lw_mib_alarms_unregister(void)
{
	lw_snap_table_unregister(&alarm_table);
	lw_snap_table_unregister(&trend_table);
	lw_scalars_unregister(&alarm_scalars);
	for (int i = 0; i < LW_TH_COUNT; i++) {
		if (threshold_regs[i] != NULL)
			netsnmp_unregister_handler(threshold_regs[i]);
		threshold_regs[i] = NULL;
	}
}
