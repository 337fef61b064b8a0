/* mib_agent.h: registers the lwAgent scalars and lwCollectorTable. */
#ifndef LW_MIB_AGENT_H
#define LW_MIB_AGENT_H

#include "agent_ctx.h"

int lw_mib_agent_register(struct lw_agent *agent);
void lw_mib_agent_unregister(void);

#endif
