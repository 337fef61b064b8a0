/* mib_alarms.h: the lwAlarms subtree: thresholds (read-write), active alarms, system trends. */
#ifndef LW_MIB_ALARMS_H
#define LW_MIB_ALARMS_H

#include "agent_ctx.h"

int lw_mib_alarms_register(struct lw_agent *agent);

/* Points the tables at agent->current (after each snapshot swap). */
void lw_mib_alarms_load(struct lw_agent *agent);

void lw_mib_alarms_unregister(void);

#endif
