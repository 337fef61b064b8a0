/* agent_config.c: the one place new thresholds take effect (the sampler's detector reads them). */
#include "agent_config.h"

void lw_agent_apply_thresholds(struct lw_agent *agent, const struct lw_thresholds *th)
{
	agent->cfg.thresholds = *th;
	if (agent->sampler != NULL)
		lw_sampler_configure(agent->sampler, &agent->cfg);
}
