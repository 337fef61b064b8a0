/* mib_proc.h: the lwProcesses tables and scalars, reloaded from each snapshot. */
#ifndef LW_MIB_PROC_H
#define LW_MIB_PROC_H

#include "agent_ctx.h"

int lw_mib_proc_register(struct lw_agent *agent);

/* Points the tables at agent->current (called on the agent thread after each swap). */
void lw_mib_proc_load(struct lw_agent *agent);

void lw_mib_proc_unregister(void);

#endif
