/* sampler.h: the collection thread that runs collectors at their cadence and publishes snapshots. */
#ifndef LW_SAMPLER_H
#define LW_SAMPLER_H

#include <stdint.h>

#include "lw_error.h"
#include "snapshot.h"

struct lw_sampler;

/*
 * Opens root, runs a first cycle at once and then one every interval_s seconds, publishing each
 * snapshot into mb. The mailbox must outlive the sampler.
 */
int lw_sampler_start(struct lw_sampler **out, const char *root, uint32_t interval_s,
		     struct lw_mailbox *mb, struct lw_error *err);

/* Takes effect at once: the next cycle is due interval_s after the start of the last one. */
void lw_sampler_set_interval(struct lw_sampler *s, uint32_t interval_s);

/*
 * Stops the thread (interrupting its wait, not a running cycle) and frees everything. A collector
 * can block in the kernel (a /proc read behind a stuck lock): if the thread has not finished
 * within timeout_ms, returns -1 and leaves it (and the mailbox it writes to) alone, so the caller
 * can still exit; *stuck_in names the collector it is blocked in. Calling it again once the
 * collector has returned joins and frees as usual.
 */
int lw_sampler_stop(struct lw_sampler *s, unsigned timeout_ms, const char **stuck_in);

/* One collection cycle on caller-owned state; the thread's body, exposed for tests and benches. */
void lw_sampler_cycle(struct lw_snapshot *work, int rootfd);

#endif
