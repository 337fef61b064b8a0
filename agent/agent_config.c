/* agent_config.c: swapping the configuration in force, for a reload or a threshold SET. */
/* SPDX-License-Identifier: ISC */
#include "agent_config.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

void lw_agent_set_config(struct lw_agent *agent, const struct lw_config *cfg)
{
	const struct lw_config *old = agent->cfg;

	agent->cfg = cfg;
	/* The sampler takes its own reference; the old object lives until its cycle is done. */
	if (agent->sampler != NULL)
		lw_sampler_configure(agent->sampler, cfg);
	lw_config_unref(old);
}

void lw_agent_apply_thresholds(struct lw_agent *agent, const struct lw_thresholds *th)
{
	struct lw_config *next = lw_config_dup(agent->cfg);

	if (next == NULL) {
		snmp_log(LOG_ERR, "thresholds: out of memory, the running values stay\n");
		return;
	}
	next->thresholds = *th;
	lw_agent_set_config(agent, next);
}
