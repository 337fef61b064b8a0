/* trapsend.c: sends leakwatchd's notifications as SNMPv2 PDUs only, to the master or the sinks. */
/* SPDX-License-Identifier: ISC */
#include "trapsend.h"

#include <stdio.h>

#include "agentx_session.h"

/* RFC 2741 6.1: the AgentX Notify PDU's type (net-snmp's AGENTX_MSG_NOTIFY, agentx/protocol.h,
 * not installed). */
#define LW_AGENTX_MSG_NOTIFY 12

/* SNMPv2-MIB::sysUpTime.0, the first varbind of a notification (RFC 3416 4.2.6). */
static const oid sysuptime_oid[] = { 1, 3, 6, 1, 2, 1, 1, 3, 0 };

static netsnmp_session *sinks[LW_CONFIG_MAX_TRAPSINKS];
static size_t nsinks;
static bool is_master;

void lw_trapsend_open_sinks(const struct lw_config *cfg)
{
	is_master = true;
	nsinks = 0;
	for (size_t i = 0; i < cfg->ntrapsinks; i++) {
		const struct lw_trapsink *t = &cfg->trapsinks[i];
		/* As a trap2sink line of snmpd.conf(5): SNMPv2c, port 162 unless given; net-snmp
		 * keeps it among its sinks and closes it at snmp_shutdown(). */
		netsnmp_session *s = netsnmp_create_v1v2_notification_session(
			t->host, NULL, t->community, NULL, SNMP_VERSION_2c, SNMP_MSG_TRAP2, NULL,
			NULL, NULL);

		if (s == NULL)
			snmp_log(LOG_ERR, "trap2sink %s: cannot open a session; its notifications "
				 "are not sent\n", t->host);
		else
			sinks[nsinks++] = s;
	}
}

void lw_trapsend(const netsnmp_variable_list *vars)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_TRAP2);
	u_long uptime = netsnmp_get_agent_uptime();
	netsnmp_session *master = is_master ? NULL : lw_agentx_session_current();

	if (pdu == NULL)
		return;
	snmp_pdu_add_variable(pdu, sysuptime_oid, OID_LENGTH(sysuptime_oid), ASN_TIMETICKS,
			      &uptime, sizeof(uptime));
	for (const netsnmp_variable_list *v = vars; v != NULL; v = v->next_variable)
		snmp_pdu_add_variable(pdu, v->name, v->name_length, v->type, v->val.string,
				      v->val_len);
	/* send_trap_to_sess sends a copy, with the session's version and identifiers. */
	if (master != NULL) {
		pdu->command = LW_AGENTX_MSG_NOTIFY;
		send_trap_to_sess(master, pdu);
	}
	for (size_t i = 0; is_master && i < nsinks; i++)
		send_trap_to_sess(sinks[i], pdu);
	snmp_free_pdu(pdu);
}
