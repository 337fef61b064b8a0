/* mib_kernel.h: the lwKernel subtree: kernel memory, slab caches, zones, buddy lists, vmstat. */
#ifndef LW_MIB_KERNEL_H
#define LW_MIB_KERNEL_H

#include "agent_ctx.h"

int lw_mib_kernel_register(struct lw_agent *agent);

/* Points the tables at agent->current (called on the agent thread after each swap). */
void lw_mib_kernel_load(struct lw_agent *agent);

void lw_mib_kernel_unregister(void);

#endif
