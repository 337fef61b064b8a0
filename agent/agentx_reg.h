/* agentx_reg.h: registers lwObjects with the AgentX master itself, so that a refusal is seen. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_AGENTX_REG_H
#define LW_AGENTX_REG_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "agent_ctx.h"

/*
 * Between init_agent() and init_snmp() of a subagent: from then on, each time the session to
 * the master opens, the subtrees of the registration rooted at root are registered here; a
 * refusal is logged with the subtree and sets agent->registration_refused and clears
 * agent->running.
 */
void lw_agentx_reg_watch(struct lw_agent *agent, const oid *root, size_t root_len);

#endif
