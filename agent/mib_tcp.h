/* mib_tcp.h: the lwTcp subtree: socket-state tables, socket memory, limits and TCP counters. */
#ifndef LW_MIB_TCP_H
#define LW_MIB_TCP_H

#include "agent_ctx.h"

int lw_mib_tcp_register(struct lw_agent *agent);

/* Points the tables at agent->current (called on the agent thread after each swap). */
void lw_mib_tcp_load(struct lw_agent *agent);

void lw_mib_tcp_unregister(void);

#endif
