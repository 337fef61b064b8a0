/* agent_setup.h: starts net-snmp in the chosen role and registers every LEAKWATCH-MIB module. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_AGENT_SETUP_H
#define LW_AGENT_SETUP_H

#include "agent_ctx.h"
#include "base/lw_error.h"

/* Exit status of a subagent whose registration the AgentX master refused. */
#define LW_EXIT_REGISTRATION_REFUSED 4

/*
 * Subagent (default) or standalone master (agent->master); registers MIB handlers. A subagent
 * registers lwObjects with its master at every connection; a refusal sets
 * agent->registration_refused, makes this fail when it happens at start-up and stops the loop
 * (agent->running) when it happens at a reconnection.
 */
int lw_agent_setup(struct lw_agent *agent, struct lw_error *err);

/* Shuts net-snmp down: a subagent closes its AgentX session, which ends its registrations at the
 * master (RFC 2741 7.1.8), and unregisters nothing one by one. */
void lw_agent_teardown(struct lw_agent *agent);

#endif
