/* agentx_reg.c: registers lwObjects with the AgentX master itself, so that a refusal is seen. */
/* SPDX-License-Identifier: ISC */
#include "agentx_reg.h"

#include <stdio.h>
#include <string.h>

#include <net-snmp/agent/agent_callbacks.h>

#include "snmp_values.h"

/* net-snmp's agentx/client.h (in libnetsnmpagent); the header is not installed. */
int agentx_register(netsnmp_session *ss, oid start[], size_t startlen, int priority,
		    int range_subid, oid range_ubound, int timeout, u_char flags,
		    const char *contextName);

static struct lw_agent *watcher;
static oid watched[MAX_OID_LEN];
static size_t watched_len;

/*
 * net-snmp registers a subagent's subtrees from its registration callback
 * (agentx_registration_callback, agentx/subagent.c), which drops agentx_register()'s answer:
 * a refused registration (duplicateRegistration, RFC 2741 7.2.4.1: another subagent has the
 * subtree) only logs "registering pdu failed: 263!" and leaves a daemon that looks started and
 * serves nothing. Each time the session opens, at start and after the master restarts,
 * subagent_open_master_session() calls SNMPD_CALLBACK_INDEX_START before
 * register_mib_reattach(), which registers only the subtrees not marked SUBTREE_ATTACHED:
 * registering ours here and marking them makes this the one registration, with its answer.
 */
static int on_session_open(int major, int minor, void *serverarg, void *clientarg)
{
	netsnmp_session *ss = serverarg;

	(void)major;
	(void)minor;
	(void)clientarg;
	for (netsnmp_subtree *s = netsnmp_subtree_find_first(""); s != NULL; s = s->next) {
		const netsnmp_handler_registration *r = s->reginfo;
		char name[MAX_OID_LEN * 11];

		if (r == NULL || (s->flags & SUBTREE_ATTACHED) ||
		    netsnmp_oid_equals(r->rootoid, r->rootoid_len, watched, watched_len) != 0)
			continue;
		s->flags |= SUBTREE_ATTACHED;
		if (agentx_register(ss, s->name_a, s->namelen, s->priority, s->range_subid,
				    s->range_ubound, s->timeout, (u_char)s->flags, NULL))
			continue;
		lw_oid_text(s->name_a, s->namelen, name, sizeof(name));
		snmp_log(LOG_ERR, "the AgentX master refused to register lwObjects (%s) for this "
			 "daemon: another agent, most likely another leakwatchd, serves it on this "
			 "master already (the AgentX error is logged above; 263 is "
			 "duplicateRegistration, RFC 2741 7.2.4.1); exiting\n", name);
		watcher->registration_refused = true;
		watcher->running = false;
	}
	return SNMPERR_SUCCESS;
}

void lw_agentx_reg_watch(struct lw_agent *agent, const oid *root, size_t root_len)
{
	watcher = agent;
	watched_len = root_len < MAX_OID_LEN ? root_len : MAX_OID_LEN;
	memcpy(watched, root, watched_len * sizeof(oid));
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START,
			       on_session_open, NULL);
}
