/* mib_system.h: registers the lwSystem scalars. */
#ifndef LW_MIB_SYSTEM_H
#define LW_MIB_SYSTEM_H

#include "agent_ctx.h"

int lw_mib_system_register(struct lw_agent *agent);
void lw_mib_system_unregister(void);

#endif
