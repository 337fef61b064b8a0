/* mib_mcast.h: the lwMulticast subtree: captured multicast per interface and group, memberships. */
#ifndef LW_MIB_MCAST_H
#define LW_MIB_MCAST_H

#include "agent_ctx.h"

int lw_mib_mcast_register(struct lw_agent *agent);

/* Takes the capture threads' new publications from the board (its eventfd fired), logs
 * state changes and repoints lwMcastIfTable and lwMcastGroupTable. Agent thread only. */
void lw_mib_mcast_take(struct lw_agent *agent);

/* Points lwMcastMemberTable at agent->current (after each snapshot swap). */
void lw_mib_mcast_load(struct lw_agent *agent);

/* Unregisters and frees the publications served. */
void lw_mib_mcast_unregister(struct lw_agent *agent);

#endif
