/* mib_mcast.h: the lwMulticast definitions, and taking the capture threads' publications. */
#ifndef LW_MIB_MCAST_H
#define LW_MIB_MCAST_H

#include "agent_ctx.h"
#include "mibtree.h"

/* lwMcastIfEntry column an alarm's lwAlarmObjectId names (the definition uses the same name). */
enum {
	LW_MCAST_IF_PPS10 = 6,
};

int lw_mib_mcast_add(struct lw_mibtree *t);

/* Takes what the capture threads published into agent->mcast_current (agent thread), reloads
 * the capture tables, frees what they replace. */
void lw_mib_mcast_take(struct lw_agent *agent);

/* Frees the publications served (at shutdown, after the tree). */
void lw_mib_mcast_release(struct lw_agent *agent);

#endif
