/* notify.c: lwCollectorFailed / lwCollectorRecovered, sent once per transition, never per cycle. */
/* SPDX-License-Identifier: ISC */
#include "notify.h"

#include <stdbool.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "alarm_oids.h"
#include "lw_oids.h"
#include "mib_groups.h"
#include "snmp_values.h"
#include "trapsend.h"

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
	lw_trapsend(vars);
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

/* Adds a varbind named by name, its value left for the caller to set (NULL: out of memory). */
static netsnmp_variable_list *add_varbind(netsnmp_variable_list **vars, const oid *name,
					  size_t len)
{
	return snmp_varlist_add_variable(vars, name, len, ASN_NULL, NULL, 0);
}

static void send_alarm(const struct lw_alarm_event *e)
{
	/* the lwAlarmEntry columns every alarm notification carries (NOTIFICATION-TYPE OBJECTS) */
	static const unsigned columns[] = { LW_ALARM_COL_OBJECT, LW_ALARM_COL_OBJECT_ID,
					    LW_ALARM_COL_SEVERITY, LW_ALARM_COL_VALUE,
					    LW_ALARM_COL_THRESHOLD, LW_ALARM_COL_SLOPE,
					    LW_ALARM_COL_TIME_TO_EXHAUSTION };
	const struct lw_alarm *a = &e->alarm;
	const oid trap_oid[] = { LW_OID_NOTIFICATIONS, lw_alarm_notification(a, e->raise) };
	netsnmp_variable_list *vars = NULL, *vb;

	snmp_varlist_add_variable(&vars, trap_oid_oid, OID_LENGTH(trap_oid_oid), ASN_OBJECT_ID,
				  (const u_char *)trap_oid, sizeof(trap_oid));
	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++) {
		const oid name[] = { LW_OID_ALARM_ENTRY, columns[i], a->index };

		if ((vb = add_varbind(&vars, name, OID_LENGTH(name))) != NULL)
			lw_mib_alarm_value(vb, columns[i], a);
	}
	if (a->type == LW_ALARM_PROC_MEM_LEAK || a->type == LW_ALARM_PROC_FD_LEAK) {
		const oid name_oid[] = { LW_OID_PROC_ENTRY, LW_PROC_NAME, a->instance };
		const oid start_oid[] = { LW_OID_PROC_ENTRY, LW_PROC_START_TIME, a->instance };

		if ((vb = add_varbind(&vars, name_oid, OID_LENGTH(name_oid))) != NULL)
			lw_set_string(vb, a->name);
		if ((vb = add_varbind(&vars, start_oid, OID_LENGTH(start_oid))) != NULL)
			lw_set_unsigned(vb, a->start_time > UINT32_MAX ? UINT32_MAX
								       : (uint32_t)a->start_time);
	}
	lw_trapsend(vars);
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
