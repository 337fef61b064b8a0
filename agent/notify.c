/* notify.c: lwCollectorFailed / lwCollectorRecovered, sent once per transition, never per cycle. */
#include "notify.h"

#include <stdbool.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "alarm_oids.h"
#include "lw_oids.h"
#include "snmp_values.h"

/* SNMPv2-MIB::snmpTrapOID.0, the first varbind of every notification. */
static const oid trap_oid_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };

static void send_collector(enum lw_collector_id id, unsigned notification,
			   const struct lw_collector_stats *st)
{
	const oid trap_oid[] = { LW_OID_NOTIFICATIONS, notification };
	const oid name_oid[] = { LW_OID_COLLECTOR_ENTRY, LW_COLLECTOR_NAME, (oid)id + 1 };
	const oid error_oid[] = { LW_OID_COLLECTOR_ENTRY, LW_COLLECTOR_LAST_ERROR, (oid)id + 1 };
	const char *name = lw_collector_def(id)->name;
	netsnmp_variable_list *vars = NULL;

	snmp_varlist_add_variable(&vars, trap_oid_oid, OID_LENGTH(trap_oid_oid), ASN_OBJECT_ID,
				  (const u_char *)trap_oid, sizeof(trap_oid));
	snmp_varlist_add_variable(&vars, name_oid, OID_LENGTH(name_oid), ASN_OCTET_STR,
				  (const u_char *)name, strlen(name));
	snmp_varlist_add_variable(&vars, error_oid, OID_LENGTH(error_oid), ASN_OCTET_STR,
				  (const u_char *)st->last_error, strlen(st->last_error));
	send_v2trap(vars);
	snmp_free_varbind(vars);
}

void lw_notify_transitions(const struct lw_snapshot *prev, const struct lw_snapshot *next)
{
	for (int i = 0; i < LW_COL_COUNT; i++) {
		const struct lw_collector_stats *now = &next->collectors[i];
		bool was_ok = prev == NULL || prev->collectors[i].ok;
		uint32_t errors_before = prev ? prev->collectors[i].errors : 0;

		/*
		 * A failure and recovery can both happen between two snapshots the agent sees (the
		 * mailbox keeps only the latest), which the error counter still shows.
		 */
		if (was_ok && now->errors > errors_before) {
			send_collector((enum lw_collector_id)i, LW_NOTIFY_COLLECTOR_FAILED, now);
			snmp_log(LOG_WARNING, "collector %s failed: %s\n",
				 lw_collector_def((enum lw_collector_id)i)->name, now->last_error);
		}
		if ((!was_ok || now->errors > errors_before) && now->ok) {
			send_collector((enum lw_collector_id)i, LW_NOTIFY_COLLECTOR_RECOVERED, now);
			snmp_log(LOG_NOTICE, "collector %s recovered\n",
				 lw_collector_def((enum lw_collector_id)i)->name);
		}
	}
}

/* Adds column.index of lwAlarmEntry with a value already encoded in vb's type and bytes. */
static void add_alarm_column(netsnmp_variable_list **vars, unsigned column, uint32_t index,
			     u_char type, const void *value, size_t len)
{
	const oid name[] = { LW_OID_ALARM_ENTRY, column, index };

	snmp_varlist_add_variable(vars, name, OID_LENGTH(name), type, value, len);
}

static void send_alarm(const struct lw_alarm_event *e)
{
	const struct lw_alarm *a = &e->alarm;
	const oid trap_oid[] = { LW_OID_NOTIFICATIONS, lw_alarm_notification(a, e->raise) };
	netsnmp_variable_list *vars = NULL, vb;
	oid object[MAX_OID_LEN];
	size_t olen = lw_alarm_object_oid(a, object, MAX_OID_LEN);
	long severity = a->severity;

	snmp_varlist_add_variable(&vars, trap_oid_oid, OID_LENGTH(trap_oid_oid), ASN_OBJECT_ID,
				  (const u_char *)trap_oid, sizeof(trap_oid));
	add_alarm_column(&vars, LW_ALARM_COL_OBJECT, a->index, ASN_OCTET_STR, a->object,
			 strlen(a->object));
	add_alarm_column(&vars, LW_ALARM_COL_OBJECT_ID, a->index, ASN_OBJECT_ID, object,
			 olen * sizeof(oid));
	add_alarm_column(&vars, LW_ALARM_COL_SEVERITY, a->index, ASN_INTEGER, &severity,
			 sizeof(severity));
	/* The typed encoders fill a scratch varbind; its value is copied into the list. */
	memset(&vb, 0, sizeof(vb));
	lw_set_counter64(&vb, a->value);
	add_alarm_column(&vars, LW_ALARM_COL_VALUE, a->index, vb.type, vb.val.string, vb.val_len);
	lw_set_counter64(&vb, a->threshold);
	add_alarm_column(&vars, LW_ALARM_COL_THRESHOLD, a->index, vb.type, vb.val.string,
			 vb.val_len);
	lw_set_integer(&vb, a->slope);
	add_alarm_column(&vars, LW_ALARM_COL_SLOPE, a->index, vb.type, vb.val.string, vb.val_len);
	lw_set_forecast(&vb, a->time_to_exhaustion);
	add_alarm_column(&vars, LW_ALARM_COL_TIME_TO_EXHAUSTION, a->index, vb.type, vb.val.string,
			 vb.val_len);
	if (a->type == LW_ALARM_PROC_MEM_LEAK || a->type == LW_ALARM_PROC_FD_LEAK) {
		const oid name_oid[] = { LW_OID_PROC_ENTRY, LW_PROC_NAME, a->instance };
		const oid start_oid[] = { LW_OID_PROC_ENTRY, LW_PROC_START_TIME, a->instance };
		long start = a->start_time > UINT32_MAX ? UINT32_MAX : (long)a->start_time;

		snmp_varlist_add_variable(&vars, name_oid, OID_LENGTH(name_oid), ASN_OCTET_STR,
					  a->name, strlen(a->name));
		snmp_varlist_add_variable(&vars, start_oid, OID_LENGTH(start_oid), ASN_UNSIGNED,
					  &start, sizeof(start));
	}
	snmp_free_var_internals(&vb);
	send_v2trap(vars);
	snmp_free_varbind(vars);
}

void lw_notify_alarms(const struct lw_snapshot *next, uint64_t *sent_seq)
{
	struct lw_alarm_event events[LW_ALARM_EVENTS];
	size_t n = lw_alarm_table_events_since(&next->alarms, *sent_seq, events, LW_ALARM_EVENTS);

	for (size_t i = 0; i < n; i++) {
		send_alarm(&events[i]);
		snmp_log(events[i].raise ? LOG_WARNING : LOG_NOTICE, "alarm %u %s: type %u, %s\n",
			 events[i].alarm.index, events[i].raise ? "raised" : "cleared",
			 events[i].alarm.type, events[i].alarm.object);
		*sent_seq = events[i].seq;
	}
}
