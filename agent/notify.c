/* notify.c: lwCollectorFailed / lwCollectorRecovered, sent once per transition, never per cycle. */
#include "notify.h"

#include <stdbool.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "lw_oids.h"

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
		if (was_ok && now->errors > errors_before)
			send_collector((enum lw_collector_id)i, LW_NOTIFY_COLLECTOR_FAILED, now);
		if ((!was_ok || now->errors > errors_before) && now->ok)
			send_collector((enum lw_collector_id)i, LW_NOTIFY_COLLECTOR_RECOVERED, now);
	}
}
