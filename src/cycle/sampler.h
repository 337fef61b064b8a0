/* sampler.h: the collection thread that runs a cycle every interval and publishes snapshots. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_SAMPLER_H
#define LW_SAMPLER_H

#include "config/lw_config.h"
#include "base/lw_error.h"
#include "cycle/snapshot.h"

struct lw_sampler;

/*
 * Opens cfg->root, runs a first cycle at once and then one every cfg->interval_s seconds,
 * publishing each snapshot into mb. The mailbox must outlive the sampler. cfg is a shared
 * configuration (lw_config_new, lw_config_load): the sampler takes a reference.
 */
int lw_sampler_start(struct lw_sampler **out, const struct lw_config *cfg, struct lw_mailbox *mb,
		     struct lw_error *err);

struct lw_history;
struct lw_mcast_capture;

/* The same, with the history the cycles go to and the captures whose rates the alarms judge
 * (either may be NULL); both must outlive the sampler. */
int lw_sampler_start_linked(struct lw_sampler **out, const struct lw_config *cfg,
			    struct lw_mailbox *mb, struct lw_history *history,
			    struct lw_mcast_capture *mcast, struct lw_error *err);

/*
 * A new configuration (a shared object: the sampler takes a reference and drops the one it had).
 * Any thread; the sampler thread hands it to the collect state before its next cycle, and the
 * next cycle is due one new interval after the last. See config/lw_config.h for the rules.
 */
void lw_sampler_configure(struct lw_sampler *s, const struct lw_config *cfg);

/*
 * Stops the thread (interrupting its wait, not a running cycle) and frees everything. A collector
 * can block in the kernel (a /proc read behind a stuck lock): if the thread has not finished
 * within timeout_ms, returns -1 and leaves it (and the mailbox it writes to) alone, so the caller
 * can still exit; *stuck_in names the collector it is blocked in. Calling it again once the
 * collector has returned joins and frees as usual.
 */
int lw_sampler_stop(struct lw_sampler *s, unsigned timeout_ms, const char **stuck_in);

#endif
