/* mib_agent.h: the lwAgent scalars and lwCollectorTable definitions. */
#ifndef LW_MIB_AGENT_H
#define LW_MIB_AGENT_H

#include "mibtree.h"

/* lwCollectorEntry columns the notifications carry (the definitions use the same names). */
enum {
	LW_COLLECTOR_NAME = 2,
	LW_COLLECTOR_LAST_ERROR = 9,
};

int lw_mib_agent_add(struct lw_mibtree *t);

#endif
