/* agent_config.h: how the agent changes the configuration in force: a new object, swapped, handed to the sampler. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_AGENT_CONFIG_H
#define LW_AGENT_CONFIG_H

#include "agent_ctx.h"
#include "config/lw_config.h"
#include "config/thresholds.h"

/*
 * Makes cfg the configuration in force: takes over the caller's reference, swaps agent->cfg,
 * hands cfg to the sampler (when it runs) and drops the old one (config/lw_config.h has the
 * rules). On the agent thread, like every reader of agent->cfg.
 */
void lw_agent_set_config(struct lw_agent *agent, const struct lw_config *cfg);

/*
 * The threshold SET path (and start-up's persisted values): a new configuration carrying th,
 * the rest as in force. Out of memory keeps the running one and says so in the log.
 */
void lw_agent_apply_thresholds(struct lw_agent *agent, const struct lw_thresholds *th);

#endif
