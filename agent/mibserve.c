/* mibserve.c: translates net-snmp's request modes into mibtree calls, under one registration. */
/* SPDX-License-Identifier: ISC */
#include "mibserve.h"

#include "lw_oids.h"
#include "mibtree.h"

static const oid objects_oid[] = { LW_OID_OBJECTS };

static void serve_get(const struct lw_agent *agent, netsnmp_agent_request_info *reqinfo,
		      netsnmp_request_info *requests)
{
	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		int rc;

		if (r->processed)
			continue;
		rc = lw_mibtree_get(agent->mibtree, agent, r->requestvb);
		if (rc != 0)
			netsnmp_set_request_error(reqinfo, r, rc);
	}
}

static void serve_getnext(const struct lw_agent *agent, netsnmp_request_info *requests)
{
	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		if (r->processed)
			continue;
		/*
		 * Nothing after the name in the tree: the varbind is left ASN_NULL, which the agent's
		 * GETNEXT loop (snmp_agent.c, check_getnext_results) takes as "retry in the next
		 * registration"; an error here would end the walk for the whole agent. r->inclusive:
		 * an AgentX search range that includes its start (RFC 2741 5.2).
		 */
		(void)lw_mibtree_getnext(agent->mibtree, agent, r->requestvb, r->inclusive != 0);
	}
}

/*
 * Each SET mode hands this one handler every varbind under lwObjects again (in standalone mode
 * one request runs all modes; over AgentX, TestSet runs RESERVE1 and RESERVE2, CommitSet
 * ACTION, CleanupSet COMMIT then FREE, UndoSet UNDO then FREE, each its own PDU carrying the
 * saved varbinds: agentx/subagent.c). The tree works from them alone, so nothing is kept here.
 */
static void serve_set(struct lw_agent *agent, netsnmp_agent_request_info *reqinfo,
		      netsnmp_request_info *requests)
{
	netsnmp_variable_list *vbs[LW_MIBTREE_MAX_SET + 1];
	netsnmp_request_info *reqs[LW_MIBTREE_MAX_SET + 1];
	size_t n = 0, failed = 0;
	int rc;

	for (netsnmp_request_info *r = requests; r != NULL && n <= LW_MIBTREE_MAX_SET; r = r->next) {
		reqs[n] = r;
		vbs[n++] = r->requestvb;
	}
	if (n == 0)
		return;
	rc = lw_mibtree_set(agent->mibtree, agent, reqinfo->mode, vbs, n, &failed);
	if (rc != SNMP_ERR_NOERROR)
		netsnmp_set_request_error(reqinfo, reqs[failed < n ? failed : 0], rc);
}

static int serve(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
		 netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	struct lw_agent *agent = handler->myvoid;

	(void)reg;
	switch (reqinfo->mode) {
	case MODE_GET: serve_get(agent, reqinfo, requests); break;
	case MODE_GETNEXT: serve_getnext(agent, requests); break;
	case MODE_SET_RESERVE1:
	case MODE_SET_RESERVE2:
	case MODE_SET_ACTION:
	case MODE_SET_COMMIT:
	case MODE_SET_UNDO:
	case MODE_SET_FREE:
		serve_set(agent, reqinfo, requests);
		break;
	default: break;
	}
	return SNMP_ERR_NOERROR;
}

netsnmp_handler_registration *lw_mibserve_register(struct lw_agent *agent)
{
	/* GETBULK: without HANDLER_CAN_BULK net-snmp inserts its bulk_to_next helper. */
	netsnmp_handler_registration *reg = netsnmp_create_handler_registration(
		"leakwatch", serve, objects_oid, OID_LENGTH(objects_oid), HANDLER_CAN_RWRITE);

	if (reg == NULL)
		return NULL;
	reg->handler->myvoid = agent;
	if (netsnmp_register_handler(reg) != MIB_REGISTERED_OK)
		return NULL;  /* net-snmp has freed reg */
	return reg;
}

void lw_mibserve_unregister(netsnmp_handler_registration *reg)
{
	if (reg != NULL)
		netsnmp_unregister_handler(reg);
}
