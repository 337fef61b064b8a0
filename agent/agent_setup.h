/* agent_setup.h: starts net-snmp in the chosen role and registers every LEAKWATCH-MIB module. */
#ifndef LW_AGENT_SETUP_H
#define LW_AGENT_SETUP_H

#include "agent_ctx.h"
#include "base/lw_error.h"

/* Subagent (default) or standalone master (agent->master); registers MIB handlers. */
int lw_agent_setup(struct lw_agent *agent, struct lw_error *err);

/* Unregisters and shuts net-snmp down. */
void lw_agent_teardown(struct lw_agent *agent);

#endif
