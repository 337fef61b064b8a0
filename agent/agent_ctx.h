/* agent_ctx.h: the state the agent thread owns: config in force, served snapshot, daemon plumbing. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_AGENT_CTX_H
#define LW_AGENT_CTX_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "history/history.h"
#include "config/lw_config.h"
#include "mcast/mcastboard.h"
#include "mcast/mcastcap.h"
#include "cycle/sampler.h"
#include "cycle/snapshot.h"

struct lw_mibtree;

struct lw_agent {
	const struct lw_config *cfg;     /* configuration in force: a reference, never written
	                                  * (agent_config.c swaps it; config/lw_config.h) */
	const char *config_path;         /* NULL: defaults only */
	const char *agentx_socket;       /* -x, wins over cfg->agentx_socket */
	bool master;                     /* -M: standalone master agent */
	const char *listen;              /* -l */
	struct timespec start_time;
	struct lw_snapshot *current;     /* served; replaced only on this thread */
	struct lw_mailbox mailbox;
	struct lw_sampler *sampler;
	struct lw_mcast_board mcast_board;  /* the capture threads' publications */
	struct lw_mcast_capture *mcast;     /* NULL without mcast_interface */
	struct lw_mcast_if_snap *mcast_current[LW_CONFIG_MAX_MCAST_IFACES];  /* served */
	struct lw_history *history;      /* NULL: history off */
	struct lw_mibtree *mibtree;      /* every LEAKWATCH-MIB object, served by one registration */
	char thresholds_path[600];       /* STATE_DIR/thresholds: the values SETs persist */
	uint64_t alarm_seq_sent;         /* the newest alarm event notified */
	int sigfd;
	bool running;
	bool registration_refused;       /* the AgentX master refused lwObjects: exit (agent_setup.c) */
};

/* The served snapshot when collector c's last run succeeded, else NULL (its figures: no value). */
static inline const struct lw_snapshot *lw_agent_served(const struct lw_agent *agent,
							 enum lw_collector_id c)
{
	const struct lw_snapshot *s = agent->current;

	return s != NULL && s->collectors[c].ok ? s : NULL;
}

#endif
