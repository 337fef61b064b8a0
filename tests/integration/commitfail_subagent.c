/* commitfail_subagent.c: an AgentX subagent whose one writable object fails every commit, so a SET spanning it and leakwatchd makes the master send leakwatchd an UndoSet. */
/* SPDX-License-Identifier: ISC */
/*
 * Usage: commitfail_subagent AGENTX_SOCKET OID
 * Serves OID.0 (a scalar, Unsigned32, read-write) from a second AgentX session. A SET of it
 * passes TestSet (RESERVE1/RESERVE2) and fails CommitSet (net-snmp's subagent runs CommitSet as
 * MODE_SET_ACTION) with commitFailed; RFC 2741 7.2.4.2: the master then sends UndoSet to every
 * subagent whose CommitSet succeeded. Prints "ready" once registered; stops on SIGTERM/SIGINT.
 */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static int handle(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
		  netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	(void)handler, (void)reg;
	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		switch (reqinfo->mode) {
		case MODE_GET:
			snmp_set_var_typed_integer(r->requestvb, ASN_UNSIGNED, 7);
			break;
		case MODE_SET_RESERVE1:
			if (r->requestvb->type != ASN_UNSIGNED && r->requestvb->type != ASN_GAUGE)
				netsnmp_set_request_error(reqinfo, r, SNMP_ERR_WRONGTYPE);
			break;
		case MODE_SET_ACTION:
			netsnmp_set_request_error(reqinfo, r, SNMP_ERR_COMMITFAILED);
			break;
		default:
			break;
		}
	}
	return SNMP_ERR_NOERROR;
}

int main(int argc, char **argv)
{
	oid name[MAX_OID_LEN];
	size_t len = MAX_OID_LEN;
	netsnmp_handler_registration *reg;

	if (argc != 3) {
		fprintf(stderr, "usage: %s AGENTX_SOCKET OID\n", argv[0]);
		return 2;
	}
	setenv("MIBS", "", 1);  /* numeric OIDs only: no MIB module is read */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, argv[1]);
	snmp_enable_stderrlog();
	if (init_agent("commitfail") != 0)
		return 1;
	if (read_objid(argv[2], name, &len) == 0) {
		fprintf(stderr, "%s: not an OID\n", argv[2]);
		return 2;
	}
	reg = netsnmp_create_handler_registration("commitfail", handle, name, len,
						  HANDLER_CAN_RWRITE);
	if (reg == NULL || netsnmp_register_scalar(reg) != MIB_REGISTERED_OK) {
		fprintf(stderr, "cannot register %s\n", argv[2]);
		return 1;
	}
	init_snmp("commitfail");
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	printf("ready\n");
	fflush(stdout);
	while (!stopping)
		agent_check_and_process(1);
	snmp_shutdown("commitfail");
	return 0;
}
