/* sampler.c: the collection thread: cadence, reconfiguration, publication, bounded stop. */
/* SPDX-License-Identifier: ISC */
#include "cycle/sampler.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cycle/collect.h"

struct lw_sampler {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;          /* signalled on stop and on reconfiguration */
	bool stop;
	const struct lw_config *cfg;  /* a reference to the newest configuration; guarded by lock */
	bool reconfigured;            /* guarded by lock: cfg is not yet the collect state's */
	struct lw_collect_state *collect;  /* owned by the thread once started */
	struct lw_mailbox *mb;
	atomic_int running;           /* collector id being run, -1 between collectors */
};

static bool before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static void *sampler_main(void *arg)
{
	struct lw_sampler *s = arg;
	struct timespec cycle_start, due, now;

	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		struct lw_snapshot *snap;

		if (s->reconfigured) {
			/* Between cycles: the collect state takes its own reference. */
			lw_collect_set_config(s->collect, s->cfg);
			s->reconfigured = false;
		}
		pthread_mutex_unlock(&s->lock);

		clock_gettime(CLOCK_MONOTONIC, &cycle_start);
		snap = lw_collect_cycle(s->collect, &s->running);
		/* Out of memory: skip this publication; the agent keeps serving the last one. */
		if (snap != NULL)
			lw_mailbox_publish(s->mb, snap);
		/*
		 * A cycle allocates and frees tables sized by the host (processes come and go), in
		 * this thread's malloc arena and, through the snapshot the agent frees, the agent's.
		 * glibc keeps freed pages resident (malloc(3): only the top of the main heap is
		 * returned by itself), so RSS followed the peak of the cycles and each new peak or
		 * hole made it step up under churn (issue 14, item 7). malloc_trim(3) returns the
		 * free pages of every arena, so RSS follows what is in use: tens of microseconds
		 * a cycle, against 16 MiB of budget.
		 */
		malloc_trim(0);

		pthread_mutex_lock(&s->lock);
		for (;;) {
			due = cycle_start;
			due.tv_sec += (time_t)s->cfg->interval_s;
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (s->stop || !before(&now, &due))
				break;
			/* Re-evaluated after every wake-up, so a new interval counts from cycle_start. */
			pthread_cond_timedwait(&s->wake, &s->lock, &due);
		}
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int lw_sampler_start(struct lw_sampler **out, const struct lw_config *cfg, struct lw_mailbox *mb,
		     struct lw_error *err)
{
	return lw_sampler_start_linked(out, cfg, mb, NULL, NULL, err);
}

int lw_sampler_start_linked(struct lw_sampler **out, const struct lw_config *cfg,
			    struct lw_mailbox *mb, struct lw_history *history,
			    struct lw_mcast_capture *mcast, struct lw_error *err)
{
	struct lw_sampler *s = calloc(1, sizeof(*s));
	pthread_condattr_t ca;
	int rc;

	if (s == NULL)
		return lw_error_set(err, ENOMEM, "sampler: out of memory");
	if (lw_collect_state_new(cfg->root, cfg, &s->collect, err)) {
		free(s);
		return -1;
	}
	lw_collect_attach(s->collect, history, mcast);
	s->cfg = lw_config_ref(cfg);
	s->mb = mb;
	atomic_init(&s->running, -1);
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	rc = pthread_create(&s->thread, NULL, sampler_main, s);
	if (rc == 0)
		(void)pthread_setname_np(s->thread, "sampler");  /* top -H, /proc/PID/task/TID/comm */
	if (rc != 0) {
		pthread_cond_destroy(&s->wake);
		pthread_mutex_destroy(&s->lock);
		lw_collect_state_free(s->collect);
		lw_config_unref(s->cfg);
		free(s);
		return lw_error_set(err, rc, "sampler: pthread_create: %s", strerror(rc));
	}
	*out = s;
	return 0;
}

void lw_sampler_configure(struct lw_sampler *s, const struct lw_config *cfg)
{
	const struct lw_config *old;

	lw_config_ref(cfg);
	pthread_mutex_lock(&s->lock);
	old = s->cfg;
	s->cfg = cfg;
	s->reconfigured = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	/* The collect state holds its own reference to what the running cycle uses. */
	lw_config_unref(old);
}

int lw_sampler_stop(struct lw_sampler *s, unsigned timeout_ms, const char **stuck_in)
{
	struct timespec deadline;

	if (s == NULL)
		return 0;
	pthread_mutex_lock(&s->lock);
	s->stop = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += (time_t)(timeout_ms / 1000);
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	if (pthread_timedjoin_np(s->thread, NULL, &deadline) != 0) {
		int id = atomic_load(&s->running);

		if (stuck_in != NULL)
			*stuck_in = id >= 0 ? lw_collector_def((enum lw_collector_id)id)->name : "?";
		return -1;
	}
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	lw_collect_state_free(s->collect);
	lw_config_unref(s->cfg);
	free(s);
	return 0;
}
