/* mib_system.h: the lwSystem scalar definitions. */
#ifndef LW_MIB_SYSTEM_H
#define LW_MIB_SYSTEM_H

#include "mibtree.h"

/* lwSystem objects an alarm's lwAlarmObjectId names (the definitions use the same names). */
enum {
	LW_SYS_LOAD1 = 1,
	LW_SYS_MEM_AVAILABLE = 7,
};

int lw_mib_system_add(struct lw_mibtree *t);

#endif
