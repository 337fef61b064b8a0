/* agent_setup.c: net-snmp roles (AgentX subagent or standalone master with VACM) and registrations. */
/* SPDX-License-Identifier: ISC */
#include "agent_setup.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_sysORTable.h>

#include "agentx_reg.h"
#include "agentx_session.h"
#include "trapsend.h"
#include "master_access.h"
#include "lw_oids.h"
#include "mib_groups.h"
#include "mibserve.h"
#include "mibtree.h"

/* From net-snmp's mibgroup modules (libnetsnmpmibs); their headers are not installed. */
void init_vacm_conf(void);
void init_system_mib(void);
void init_sysORTable(void);
void init_usmConf(void);

static oid sysor_oid[] = { LW_MIB_ROOT };
static const oid objects_oid[] = { LW_OID_OBJECTS };
static netsnmp_handler_registration *objects_reg;
static bool agent_initialized;  /* init_agent() ran: lw_agent_teardown has something to do */

static void quiet_library(void)
{
	/*
	 * leakwatchd never needs MIB names, and must not pick up another program's snmp.conf or
	 * write net-snmp's persistent files: its configuration is leakwatchd.conf alone.
	 */
	setenv("MIBS", "", 1);
	setenv("MIBDIRS", "", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
}

static void configure_subagent(const struct lw_agent *agent)
{
	const char *sock = agent->agentx_socket ? agent->agentx_socket : agent->cfg->agentx_socket;

	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	if (sock != NULL && *sock != '\0')
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, sock);
}

/* Must run after init_agent(), which resets the ping interval to net-snmp's 15 s default. */
static void configure_ping(const struct lw_agent *agent)
{
	/* The ping alarm is also what reconnects after the master restarts. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
			   (int)agent->cfg->agentx_ping_interval_s);
}

int lw_agent_setup(struct lw_agent *agent, struct lw_error *err)
{
	quiet_library();
	if (agent->master) {
		/* Without any access line it starts and refuses everything (leakwatchd.conf(5)). */
		lw_master_state_setup(agent);
		netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 0);
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_PORTS,
				      agent->listen);
		/* No SMUX listener on port 199: leakwatchd serves its own MIB only. */
		add_to_init_list("-smux");
		netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID,
				       NETSNMP_DS_AGENT_DONT_LOG_TCPWRAPPERS_CONNECTS, 1);
	} else {
		configure_subagent(agent);
		/* A subagent's access is its master's (snmpd.conf): say so rather than ignore. */
		if (agent->cfg->ncommunities > 0 || agent->cfg->v3.nusers > 0 ||
		    agent->cfg->v3.naccess > 0)
			snmp_log(LOG_WARNING, "rocommunity, createUser, rouser and rwuser apply to "
				 "the standalone master (-M) only; this subagent's access is set by "
				 "its master agent\n");
		if (agent->cfg->ntrapsinks > 0)
			snmp_log(LOG_WARNING, "trap2sink applies to the standalone master (-M) "
				 "only; this subagent's notifications go to its master agent's "
				 "sinks\n");
	}
	if (init_agent("leakwatchd") != 0)
		return lw_error_set(err, 0, "net-snmp init_agent failed");
	agent_initialized = true;
	if (!agent->master) {
		configure_ping(agent);
		/* Before init_snmp(), which opens the session to the master. */
		lw_agentx_reg_watch(agent, objects_oid, OID_LENGTH(objects_oid));
		lw_agentx_session_watch(agent, agent->agentx_socket ? agent->agentx_socket
								    : agent->cfg->agentx_socket);
	}
	if (agent->master) {
		/*
		 * The VACM configuration tokens and access check (init_vacm_conf, not
		 * init_vacm_vars, which would also register the VACM MIB tables), createUser,
		 * the system group and sysORTable; no USM, target or notification tables. The
		 * views (master_access.c) keep anything else out of reach in any case.
		 */
		init_vacm_conf();
		init_usmConf();
		init_system_mib();
		init_sysORTable();
	}
	agent->mibtree = lw_mibtree_new();
	if (agent->mibtree == NULL || lw_mibtree_add_all(agent->mibtree))
		return lw_error_set(err, 0, "cannot build the LEAKWATCH-MIB tree (out of memory)");
	/* Tables with rows before the first snapshot (lwCollectorTable) have them from the start. */
	lw_mibtree_load(agent->mibtree, agent);
	objects_reg = lw_mibserve_register(agent);
	if (objects_reg == NULL)
		return lw_error_set(err, 0, "cannot register LEAKWATCH-MIB handlers");
	register_sysORTable(sysor_oid, OID_LENGTH(sysor_oid),
			    "LEAKWATCH-MIB: process, socket, kernel memory and multicast health");
	/* Access lines are processed while init_snmp reads its configuration. */
	if (agent->master)
		lw_master_access_remember(agent);
	init_snmp("leakwatchd");
	if (agent->master) {
		lw_master_access_started(agent);
		lw_trapsend_open_sinks(agent->cfg);
	} else
		lw_agentx_session_diagnose_start();
	if (agent->registration_refused)
		return lw_error_set(err, EEXIST, "lwObjects is served by another agent of the AgentX "
				    "master");
	if (agent->master) {
		if (init_master_agent() != 0)
			return lw_error_set(err, 0, "cannot listen on %s", agent->listen);
	}
	return 0;
}

void lw_agent_teardown(struct lw_agent *agent)
{
	if (!agent_initialized)
		return;
	agent_initialized = false;
	/*
	 * The Close first (agentx_session.h says why): it ends every registration of the session
	 * at the master, lwObjects and the sysORTable row alike (RFC 2741 7.1.8), so what follows
	 * sends nothing to the master. Unregistering the row first made an AgentX exchange inside
	 * net-snmp's callback; a master stopping meanwhile made the same assertion.
	 */
	if (!agent->master)
		lw_agentx_session_close();
	unregister_sysORTable(sysor_oid, OID_LENGTH(sysor_oid));
	/*
	 * A subagent leaves lwObjects registered: net-snmp's master unregisters a subtree by name
	 * and priority whichever session asks (unregister_agentx_list, agentx/master_admin.c), so
	 * a daemon whose registration was refused would take the other daemon's off the air. The
	 * Close snmp_shutdown() sends ends this session's own registrations (RFC 2741 7.1.8), and
	 * shutdown_agent() frees the local one.
	 */
	if (agent->master)
		lw_mibserve_unregister(objects_reg);
	objects_reg = NULL;
	lw_mibtree_free(agent->mibtree);
	agent->mibtree = NULL;
	/* After the tree: its capture rows pointed into these publications. */
	lw_mib_mcast_release(agent);
	snmp_shutdown("leakwatchd");
	shutdown_agent();
}
