/* agent_config.h: puts new thresholds in force on the agent thread (SET apply and undo). */
#ifndef LW_AGENT_CONFIG_H
#define LW_AGENT_CONFIG_H

#include "agent_ctx.h"

void lw_agent_apply_thresholds(struct lw_agent *agent, const struct lw_thresholds *th);

#endif
