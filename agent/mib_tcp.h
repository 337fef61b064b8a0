/* mib_tcp.h: the lwTcp definitions: state, remote and port tables, scalars, three scalar groups. */
#ifndef LW_MIB_TCP_H
#define LW_MIB_TCP_H

#include "mibtree.h"

/* lwTcpLimits objects an alarm's lwAlarmObjectId names (the definitions use the same names). */
enum {
	LW_TCP_ORPHAN_PERCENT = 6,
	LW_TCP_MEM_MAX_PERCENT = 8,
};

int lw_mib_tcp_add(struct lw_mibtree *t);

#endif
