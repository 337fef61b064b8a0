/* sampler.c: the collection thread: timing, per-collector statistics, snapshot publication. */
#include "sampler.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "readfile.h"

struct lw_sampler {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;          /* signalled on stop and on interval change */
	bool stop;
	uint32_t interval_s;          /* guarded by lock */
	int rootfd;
	struct lw_mailbox *mb;
	struct lw_snapshot work;      /* owned by the thread: carries statistics between cycles */
	atomic_int running;           /* collector id being run, -1 between collectors */
};

static uint64_t ts_us(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000u + (uint64_t)t->tv_nsec / 1000u;
}

static void run_one(struct lw_snapshot *work, enum lw_collector_id id, int rootfd)
{
	const struct lw_collector_def *def = lw_collector_def(id);
	struct lw_collector_stats *st = &work->collectors[id];
	struct lw_collect_ctx ctx = { .rootfd = rootfd };
	struct lw_error err;
	struct timespec t0, t1;
	uint64_t us;
	int rc;

	lw_error_clear(&err);
	clock_gettime(CLOCK_REALTIME, &st->last_run);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = def->run(&ctx, &work->sys, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = ts_us(&t1) - ts_us(&t0);
	st->interval_s = work->interval_s;
	st->last_duration_us = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
	st->total_duration_us += us;
	st->runs++;
	st->ok = rc == 0;
	if (rc == 0) {
		st->last_error[0] = '\0';
	} else {
		st->errors++;
		memcpy(st->last_error, err.text, sizeof(st->last_error));
		st->last_error[sizeof(st->last_error) - 1] = '\0';
	}
}

static void cycle(struct lw_snapshot *work, int rootfd, atomic_int *running)
{
	for (int id = 0; id < LW_COL_COUNT; id++) {
		if (running != NULL)
			atomic_store(running, id);
		run_one(work, (enum lw_collector_id)id, rootfd);
	}
	if (running != NULL)
		atomic_store(running, -1);
	work->seq++;
	clock_gettime(CLOCK_REALTIME, &work->completed);
}

void lw_sampler_cycle(struct lw_snapshot *work, int rootfd)
{
	cycle(work, rootfd, NULL);
}

static void add_seconds(struct timespec *t, uint32_t s)
{
	t->tv_sec += (time_t)s;
}

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

		s->work.interval_s = s->interval_s;
		pthread_mutex_unlock(&s->lock);

		clock_gettime(CLOCK_MONOTONIC, &cycle_start);
		cycle(&s->work, s->rootfd, &s->running);
		snap = lw_snapshot_clone(&s->work);
		/* Out of memory: skip this publication; the agent keeps serving the last one. */
		if (snap != NULL)
			lw_mailbox_publish(s->mb, snap);

		pthread_mutex_lock(&s->lock);
		for (;;) {
			due = cycle_start;
			add_seconds(&due, s->interval_s);
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

int lw_sampler_start(struct lw_sampler **out, const char *root, uint32_t interval_s,
		     struct lw_mailbox *mb, struct lw_error *err)
{
	struct lw_sampler *s = calloc(1, sizeof(*s));
	pthread_condattr_t ca;
	int rc;

	if (s == NULL)
		return lw_error_set(err, ENOMEM, "sampler: out of memory");
	if (lw_root_open(root, &s->rootfd, err)) {
		free(s);
		return -1;
	}
	s->interval_s = interval_s;
	s->mb = mb;
	atomic_init(&s->running, -1);
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	rc = pthread_create(&s->thread, NULL, sampler_main, s);
	if (rc != 0) {
		pthread_cond_destroy(&s->wake);
		pthread_mutex_destroy(&s->lock);
		close(s->rootfd);
		free(s);
		return lw_error_set(err, rc, "sampler: pthread_create: %s", strerror(rc));
	}
	*out = s;
	return 0;
}

void lw_sampler_set_interval(struct lw_sampler *s, uint32_t interval_s)
{
	pthread_mutex_lock(&s->lock);
	s->interval_s = interval_s;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
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
	close(s->rootfd);
	free(s);
	return 0;
}
