/* agent_ctx.h: the state the agent thread owns: config in force, served snapshot, daemon plumbing. */
#ifndef LW_AGENT_CTX_H
#define LW_AGENT_CTX_H

#include <stdbool.h>
#include <time.h>

#include "lw_config.h"
#include "sampler.h"
#include "snapshot.h"

struct lw_agent {
	struct lw_config cfg;            /* configuration in force */
	const char *config_path;         /* NULL: defaults only */
	const char *agentx_socket;       /* -x, wins over cfg.agentx_socket */
	bool master;                     /* -M: standalone master agent */
	const char *listen;              /* -l */
	struct timespec start_time;
	struct lw_snapshot *current;     /* served; replaced only on this thread */
	struct lw_mailbox mailbox;
	struct lw_sampler *sampler;
	int sigfd;
	bool running;
};

#endif
