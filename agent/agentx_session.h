/* agentx_session.h: the subagent's session to its master: why it cannot connect, and its close. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_AGENTX_SESSION_H
#define LW_AGENTX_SESSION_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "agent_ctx.h"

/*
 * Before init_snmp() of a subagent: follows the session to the master (opened, lost) and
 * silences net-snmp's connection warning, which gives no reason ("Failed to connect to the
 * agentx master agent (unix:...): " and nothing after it, every ping interval).
 */
void lw_agentx_session_watch(struct lw_agent *agent, const char *socket_spec);

/*
 * After init_snmp(): while the master is unreachable, finds out why (connects to the socket
 * itself) at every ping interval and logs the reason once each time it changes.
 */
void lw_agentx_session_diagnose_start(void);

/* The open session to the master, or NULL (not connected, or not a subagent). */
netsnmp_session *lw_agentx_session_current(void);

/*
 * Before snmp_shutdown(): closes the session to the master (an AgentX Close, RFC 2741 7.1.8)
 * outside net-snmp's shutdown callbacks. net-snmp 5.9.3 closes it from its own shutdown
 * callback, and a master that disconnects meanwhile (stopped at the same time) makes the
 * subagent unregister that callback from inside it: "netsnmp_assert lock_holded < 100
 * failed" after a 100 ms wait (fixed upstream in net-snmp commit 8704d842c6, July 2026).
 */
void lw_agentx_session_close(void);

#endif
