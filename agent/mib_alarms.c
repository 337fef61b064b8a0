/* mib_alarms.c: lwAlarms: the settable thresholds, lwAlarmTable, lwTrendTable and their scalars. */
/* SPDX-License-Identifier: ISC */
#include "mib_groups.h"

#include <stdint.h>
#include <string.h>

#include "agent_config.h"
#include "agent_ctx.h"
#include "alarm_oids.h"
#include "lw_oids.h"
#include "snmp_values.h"

/* --- lwThresholds: read-write, one group, SET phases stateless (see mibtree.h) --- */

#define THRESHOLD_VALUE(fn, id)                                                                 \
	LW_VALUE_FN(fn, (void)0, false, lw_set_unsigned(vb, agent->cfg->thresholds.v[id]))

THRESHOLD_VALUE(leak_window, LW_TH_LEAK_WINDOW)
THRESHOLD_VALUE(leak_significance, LW_TH_LEAK_SIGNIFICANCE)
THRESHOLD_VALUE(leak_min_slope, LW_TH_LEAK_MIN_SLOPE)
THRESHOLD_VALUE(leak_min_pct_day, LW_TH_LEAK_MIN_PCT_DAY)
THRESHOLD_VALUE(leak_warmup, LW_TH_LEAK_WARMUP)
THRESHOLD_VALUE(fd_min_slope, LW_TH_FD_MIN_SLOPE)
THRESHOLD_VALUE(orphan_pct, LW_TH_ORPHAN_PCT)
THRESHOLD_VALUE(tcp_mem_pct, LW_TH_TCP_MEM_PCT)
THRESHOLD_VALUE(mcast_pps, LW_TH_MCAST_PPS)
THRESHOLD_VALUE(load_per_cpu, LW_TH_LOAD_PER_CPU)
THRESHOLD_VALUE(holddown, LW_TH_HOLDDOWN)
THRESHOLD_VALUE(clear_pct, LW_TH_CLEAR_PCT)

static lw_check_fn check_threshold;

static const struct lw_object threshold_objects[] = {
	{ 1, ASN_UNSIGNED, LW_READ_WRITE, leak_window, check_threshold, "lwLeakWindow" },
	{ 2, ASN_UNSIGNED, LW_READ_WRITE, leak_significance, check_threshold, "lwLeakSignificance" },
	{ 3, ASN_UNSIGNED, LW_READ_WRITE, leak_min_slope, check_threshold, "lwLeakMinSlope" },
	{ 4, ASN_UNSIGNED, LW_READ_WRITE, leak_min_pct_day, check_threshold, "lwLeakMinPercentDay" },
	{ 5, ASN_UNSIGNED, LW_READ_WRITE, leak_warmup, check_threshold, "lwLeakWarmup" },
	{ 6, ASN_UNSIGNED, LW_READ_WRITE, fd_min_slope, check_threshold, "lwFdLeakMinSlope" },
	{ 7, ASN_UNSIGNED, LW_READ_WRITE, orphan_pct, check_threshold, "lwAlarmTcpOrphanPercent" },
	{ 8, ASN_UNSIGNED, LW_READ_WRITE, tcp_mem_pct, check_threshold, "lwAlarmTcpMemPercent" },
	{ 9, ASN_UNSIGNED, LW_READ_WRITE, mcast_pps, check_threshold, "lwAlarmMcastPps" },
	{ 10, ASN_UNSIGNED, LW_READ_WRITE, load_per_cpu, check_threshold, "lwAlarmLoadPerCpu" },
	{ 11, ASN_UNSIGNED, LW_READ_WRITE, holddown, check_threshold, "lwAlarmHoldDown" },
	{ 12, ASN_UNSIGNED, LW_READ_WRITE, clear_pct, check_threshold, "lwAlarmClearPercent" },
};

#define THRESHOLDS_LEN OID_LENGTH(((oid[]){ LW_OID_THRESHOLDS }))

/*
 * The threshold a varbind names: its object's descriptor is the definition's (config/
 * thresholds.c), so no sub-identifier is derived from the order of enum lw_threshold_id.
 * -1 for a name that is no threshold's .0 (mibtree checked that already).
 */
static int threshold_of(const netsnmp_variable_list *vb)
{
	if (vb->name_length != THRESHOLDS_LEN + 2)
		return -1;
	for (size_t i = 0; i < sizeof(threshold_objects) / sizeof(threshold_objects[0]); i++) {
		if (threshold_objects[i].subid != vb->name[THRESHOLDS_LEN])
			continue;
		for (int id = 0; id < LW_TH_COUNT; id++)
			if (strcmp(lw_threshold_def((enum lw_threshold_id)id)->object,
				   threshold_objects[i].name) == 0)
				return id;
	}
	return -1;
}

/* RESERVE1: an Unsigned32 within the threshold's range. */
static int check_threshold(const netsnmp_variable_list *vb)
{
	int id = threshold_of(vb);
	struct lw_error err;
	unsigned long v;

	if (id < 0)
		return SNMP_ERR_NOTWRITABLE;
	if (vb->type != ASN_UNSIGNED || vb->val.integer == NULL || vb->val_len != sizeof(long))
		return SNMP_ERR_WRONGTYPE;
	/*
	 * A long holds more than 32 bits on LP64: a value beyond Unsigned32 (RFC 2578 7.1.11) is out
	 * of every range, never cut down to its low bits.
	 */
	v = (unsigned long)*vb->val.integer;
	if (v > UINT32_MAX) {
		snmp_log(LOG_NOTICE, "SET refused: %s: %lu is not an Unsigned32\n",
			 lw_threshold_def((enum lw_threshold_id)id)->object, v);
		return SNMP_ERR_WRONGVALUE;
	}
	if (lw_threshold_check((enum lw_threshold_id)id, (uint32_t)v, &err) != 0) {
		snmp_log(LOG_NOTICE, "SET refused: %s\n", err.text);
		return SNMP_ERR_WRONGVALUE;
	}
	return SNMP_ERR_NOERROR;
}

/* The thresholds in force with the request's varbinds applied (all checked in RESERVE1). */
static struct lw_thresholds with_request(const struct lw_agent *agent,
					 netsnmp_variable_list *const *vbs, size_t n)
{
	struct lw_thresholds next = agent->cfg->thresholds;

	for (size_t i = 0; i < n; i++) {
		int id = threshold_of(vbs[i]);

		if (id < 0)
			continue;
		next.v[id] = (uint32_t)*vbs[i]->val.integer;
		next.set_mask |= 1u << id;
	}
	return next;
}

static int consistent(struct lw_agent *agent, netsnmp_variable_list *const *vbs, size_t n)
{
	struct lw_thresholds next = with_request(agent, vbs, n);
	enum lw_threshold_id bad;
	struct lw_error err;

	if (lw_thresholds_consistent(&next, &bad, &err) != 0) {
		snmp_log(LOG_NOTICE, "SET refused: %s\n", err.text);
		return SNMP_ERR_INCONSISTENTVALUE;
	}
	/* At least ten samples a window (leakwatchd.conf(5), leak_window), for a window this
	 * request sets: the default beside a long interval stays as the file loads it. */
	if (((next.set_mask & ~agent->cfg->thresholds.set_mask) >> LW_TH_LEAK_WINDOW & 1u ||
	     next.v[LW_TH_LEAK_WINDOW] != agent->cfg->thresholds.v[LW_TH_LEAK_WINDOW]) &&
	    (uint64_t)next.v[LW_TH_LEAK_WINDOW] < 10 * (uint64_t)agent->cfg->interval_s) {
		snmp_log(LOG_NOTICE, "SET refused: lwLeakWindow %u s is shorter than ten "
			 "lwSampleInterval of %u s\n", next.v[LW_TH_LEAK_WINDOW],
			 agent->cfg->interval_s);
		return SNMP_ERR_INCONSISTENTVALUE;
	}
	return SNMP_ERR_NOERROR;
}

/* ACTION: the values are kept before they take effect, so a SET answered noError survives a
 * restart. */
static int persist(struct lw_agent *agent, netsnmp_variable_list *const *vbs, size_t n)
{
	struct lw_thresholds next = with_request(agent, vbs, n);
	struct lw_error err;

	if (lw_thresholds_save(agent->thresholds_path, &next, &err) != 0) {
		snmp_log(LOG_ERR, "SET refused: thresholds cannot be kept: %s\n", err.text);
		return SNMP_ERR_RESOURCEUNAVAILABLE;
	}
	return SNMP_ERR_NOERROR;
}

static void apply(struct lw_agent *agent, netsnmp_variable_list *const *vbs, size_t n)
{
	struct lw_thresholds next = with_request(agent, vbs, n);

	for (int i = 0; i < LW_TH_COUNT; i++)
		if (next.v[i] != agent->cfg->thresholds.v[i])
			snmp_log(LOG_INFO, "%s set to %u over SNMP (was %u)\n",
				 lw_threshold_def((enum lw_threshold_id)i)->object, next.v[i],
				 agent->cfg->thresholds.v[i]);
	lw_agent_apply_thresholds(agent, &next);
}

/*
 * UNDO: the file goes back to the values in force. net-snmp sends UNDO only before COMMIT: in
 * standalone mode after a failed ACTION; over AgentX UndoSet follows CommitSet, which the
 * subagent runs as ACTION (CleanupSet is COMMIT, and RFC 2741 7.2.4 has no undo after it). So
 * the values in force are still those before the request, and nothing had to be kept.
 */
static void undo(struct lw_agent *agent, netsnmp_variable_list *const *vbs, size_t n)
{
	struct lw_thresholds before = agent->cfg->thresholds;
	struct lw_error err;

	(void)vbs, (void)n;
	if (lw_thresholds_save(agent->thresholds_path, &before, &err) != 0)
		snmp_log(LOG_ERR, "SET undo: %s\n", err.text);
	lw_agent_apply_thresholds(agent, &before);
}

static const struct lw_writable_group threshold_sets = { consistent, persist, apply, undo };

static struct lw_scalar_group threshold_group =
	LW_SCALAR_GROUP("lwThresholds", LW_OID_THRESHOLDS, threshold_objects, &threshold_sets);

/* --- lwAlarmTable: a row's data is its struct lw_alarm in the served snapshot --- */

#define ALARM_VALUE(fn, set) LW_VALUE_FN(fn, const struct lw_alarm *a = row, false, set)

ALARM_VALUE(alarm_type, snmp_set_var_typed_integer(vb, ASN_INTEGER, a->type))
ALARM_VALUE(alarm_object, lw_set_string(vb, a->object))
ALARM_VALUE(alarm_severity, snmp_set_var_typed_integer(vb, ASN_INTEGER, a->severity))
ALARM_VALUE(alarm_raised, lw_set_dateandtime(vb, &(struct timespec){ .tv_sec = (time_t)a->raised }))
ALARM_VALUE(alarm_raised_unix, lw_set_unixtime(vb, (time_t)a->raised))
ALARM_VALUE(alarm_value, lw_set_gauge(vb, a->value))
ALARM_VALUE(alarm_threshold, lw_set_gauge(vb, a->threshold))
ALARM_VALUE(alarm_slope, lw_set_integer(vb, a->slope))
ALARM_VALUE(alarm_time_to_exhaustion, lw_set_forecast(vb, a->time_to_exhaustion))

/* An alarm type without an object has no lwAlarmObjectId. */
static bool alarm_object_id(netsnmp_variable_list *vb, const void *row,
			    const struct lw_agent *agent)
{
	oid id[MAX_OID_LEN];
	size_t len = lw_alarm_object_oid(row, id, MAX_OID_LEN);

	(void)agent;
	if (len == 0)
		return false;
	snmp_set_var_typed_value(vb, ASN_OBJECT_ID, id, len * sizeof(oid));
	return true;
}

static const struct lw_object alarm_columns[] = {
	{ 2, ASN_INTEGER, LW_READ_ONLY, alarm_type, NULL, "lwAlarmType" },
	{ LW_ALARM_COL_OBJECT, ASN_OCTET_STR, LW_READ_ONLY, alarm_object, NULL, "lwAlarmObject" },
	{ LW_ALARM_COL_OBJECT_ID, ASN_OBJECT_ID, LW_READ_ONLY, alarm_object_id, NULL,
	  "lwAlarmObjectId" },
	{ LW_ALARM_COL_SEVERITY, ASN_INTEGER, LW_READ_ONLY, alarm_severity, NULL,
	  "lwAlarmSeverity" },
	{ 6, ASN_OCTET_STR, LW_READ_ONLY, alarm_raised, NULL, "lwAlarmRaised" },
	{ LW_ALARM_COL_VALUE, ASN_GAUGE, LW_READ_ONLY, alarm_value, NULL, "lwAlarmValue" },
	{ LW_ALARM_COL_THRESHOLD, ASN_GAUGE, LW_READ_ONLY, alarm_threshold, NULL,
	  "lwAlarmThreshold" },
	{ LW_ALARM_COL_SLOPE, ASN_INTEGER, LW_READ_ONLY, alarm_slope, NULL, "lwAlarmSlope" },
	{ LW_ALARM_COL_TIME_TO_EXHAUSTION, ASN_UNSIGNED, LW_READ_ONLY, alarm_time_to_exhaustion,
	  NULL, "lwAlarmTimeToExhaustion" },
	{ 11, ASN_UNSIGNED, LW_READ_ONLY, alarm_raised_unix, NULL, "lwAlarmRaisedUnix" },
};

bool lw_mib_alarm_value(netsnmp_variable_list *vb, unsigned column, const struct lw_alarm *a)
{
	for (size_t i = 0; i < sizeof(alarm_columns) / sizeof(alarm_columns[0]); i++)
		if (alarm_columns[i].subid == column)
			return alarm_columns[i].value(vb, a, NULL);
	return false;
}

static int load_alarms(const struct lw_agent *agent, struct lw_table_rows *out)
{
	const struct lw_snapshot *s = agent->current;

	return lw_table_rows_keyed(out, s ? s->alarms.rows : NULL, s ? s->alarms.n : 0,
				   sizeof(*s->alarms.rows), LW_ROW_KEY(struct lw_alarm, index));
}

static struct lw_table alarm_table =
	LW_TABLE("lwAlarmTable", LW_OID_ALARM_ENTRY, alarm_columns, load_alarms);

/* --- lwTrendTable: a row's data is its struct lw_trend in the served snapshot --- */

static bool trend_name(netsnmp_variable_list *vb, const void *row, const struct lw_agent *agent)
{
	const struct lw_trend *t = row;

	/* Rows are loaded from agent->current: the index is the trend's place in it. */
	lw_set_string(vb, lw_trend_name((enum lw_trend_id)(t - agent->current->trends)));
	return true;
}

#define TREND_VALUE(fn, set) LW_VALUE_FN(fn, const struct lw_trend *t = row, false, set)

TREND_VALUE(trend_state, lw_set_leak_state(vb, t->state))
TREND_VALUE(trend_value, lw_set_gauge(vb, t->value))
TREND_VALUE(trend_slope, lw_set_integer(vb, t->slope))
TREND_VALUE(trend_time_to_limit, lw_set_forecast(vb, t->time_to_limit))

static const struct lw_object trend_columns[] = {
	{ 2, ASN_OCTET_STR, LW_READ_ONLY, trend_name, NULL, "lwTrendName" },
	{ 3, ASN_INTEGER, LW_READ_ONLY, trend_state, NULL, "lwTrendState" },
	{ 4, ASN_GAUGE, LW_READ_ONLY, trend_value, NULL, "lwTrendValue" },
	{ 5, ASN_INTEGER, LW_READ_ONLY, trend_slope, NULL, "lwTrendSlope" },
	{ 6, ASN_UNSIGNED, LW_READ_ONLY, trend_time_to_limit, NULL, "lwTrendTimeToLimit" },
};

/* The trends the snapshot knows (a series whose source failed has no row), index id + 1. */
static int load_trends(const struct lw_agent *agent, struct lw_table_rows *out)
{
	const struct lw_snapshot *s = agent->current;

	if (lw_table_rows_alloc(out, s ? LW_TREND_COUNT : 0, 1))
		return -1;
	for (size_t i = 0; s != NULL && i < LW_TREND_COUNT; i++)
		if (s->trends[i].known)
			lw_table_rows_push(out, 1, 1, &s->trends[i])[0] = i + 1;
	return 0;
}

static struct lw_table trend_table =
	LW_TABLE("lwTrendTable", LW_OID_TREND_ENTRY, trend_columns, load_trends);

/* --- lwAlarms scalars --- */

#define ALARMS_VALUE(fn, set)                                                                   \
	LW_VALUE_FN(fn, const struct lw_snapshot *s = agent->current, s == NULL, set)

ALARMS_VALUE(alarm_count, lw_set_gauge(vb, s->alarms.n))
ALARMS_VALUE(alarm_events, lw_set_counter32(vb, (uint32_t)s->alarms.last_seq))
ALARMS_VALUE(alarm_suppressed, lw_set_counter32(vb, (uint32_t)s->alarms.suppressed))

static const struct lw_object alarms_objects[] = {
	{ 4, ASN_GAUGE, LW_READ_ONLY, alarm_count, NULL, "lwAlarmCount" },
	{ 5, ASN_COUNTER, LW_READ_ONLY, alarm_events, NULL, "lwAlarmEvents" },
	{ 6, ASN_COUNTER, LW_READ_ONLY, alarm_suppressed, NULL, "lwAlarmSuppressed" },
};

static struct lw_scalar_group alarms_group =
	LW_SCALAR_GROUP("lwAlarms", LW_OID_ALARMS, alarms_objects, NULL);

int lw_mib_alarms_add(struct lw_mibtree *t)
{
	return lw_mibtree_add_group(t, &threshold_group) || lw_mibtree_add_table(t, &alarm_table) ||
	       lw_mibtree_add_table(t, &trend_table) || lw_mibtree_add_group(t, &alarms_group);
}
