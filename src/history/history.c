/* history.c: the history's public face: the queue from the sampler, the writer thread, status. */
/* SPDX-License-Identifier: ISC */
#include "history/history.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "history/history_db.h"
#include "history/history_replay.h"
#include "history/history_run.h"
#include "history/history_write.h"
#include "history/history_writer.h"

/*
 * Cycles waiting for the writer. A slow disk gets this many cycles of slack; beyond, the oldest
 * is dropped (the newest say more about the present). A 10k-process record is about 1.1 MB.
 */
#define QUEUE_CYCLES 3

struct lw_history {
	struct lw_hwriter w;        /* the writer thread's; a replaying caller's while paused */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;        /* the writer: a cycle, an unpause or a stop */
	pthread_cond_t idle;        /* flush and replay: the writer finished a cycle */
	struct lw_history_cycle queue[QUEUE_CYCLES];
	size_t head, len;
	bool busy;                  /* the writer is storing a cycle it took off the queue */
	bool paused;                /* a replay has the writer's handle */
	bool stopping;
	uint64_t queue_dropped;
	uint64_t alarm_seq;         /* the newest alarm event submitted */
	struct lw_hrun_info run;    /* lw_history_set_run's, for the writer to adopt */
	bool run_pending;
	struct lw_history_status published;
};

void lw_history_cycle_free(struct lw_history_cycle *c)
{
	if (c == NULL)
		return;
	free(c->procs);
	free(c->groups);
	free(c->slabs);
	free(c->mcast);
	free(c->mgroups);
	free(c->events);
	free(c->collectors);
	memset(c, 0, sizeof(*c));
}

static int copy_array(void **dst, const void *src, size_t n, size_t size)
{
	*dst = NULL;
	if (n == 0 || src == NULL)
		return 0;
	if ((*dst = malloc(n * size)) == NULL)
		return -1;
	memcpy(*dst, src, n * size);
	return 0;
}

static int copy_cycle(struct lw_history_cycle *dst, const struct lw_history_cycle *src)
{
	*dst = *src;
	dst->procs = NULL;
	dst->groups = NULL;
	dst->slabs = NULL;
	dst->mcast = NULL;
	dst->mgroups = NULL;
	dst->events = NULL;
	dst->collectors = NULL;
	if (copy_array((void **)&dst->procs, src->procs, src->nprocs, sizeof(*src->procs)) != 0 ||
	    copy_array((void **)&dst->groups, src->groups, src->ngroups, sizeof(*src->groups)) != 0 ||
	    copy_array((void **)&dst->slabs, src->slabs, src->nslabs, sizeof(*src->slabs)) != 0 ||
	    copy_array((void **)&dst->mcast, src->mcast, src->nmcast, sizeof(*src->mcast)) != 0 ||
	    copy_array((void **)&dst->mgroups, src->mgroups, src->nmgroups,
		       sizeof(*src->mgroups)) != 0 ||
	    copy_array((void **)&dst->events, src->events, src->nevents, sizeof(*src->events)) != 0 ||
	    copy_array((void **)&dst->collectors, src->collectors, src->ncollectors,
		       sizeof(*src->collectors)) != 0) {
		lw_history_cycle_free(dst);
		return -1;
	}
	return 0;
}

static void publish(struct lw_history *h)
{
	h->published = h->w.st;
}

static void *writer_main(void *arg)
{
	struct lw_history *h = arg;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		struct lw_history_cycle c;

		while (!h->stopping && (h->len == 0 || h->paused))
			pthread_cond_wait(&h->wake, &h->lock);
		if (h->len == 0 || h->paused)
			break;  /* stopping, with nothing left to write */
		c = h->queue[h->head];
		h->head = (h->head + 1) % QUEUE_CYCLES;
		h->len--;
		h->busy = true;
		if (h->run_pending) {
			lw_hrun_adopt(&h->w.run, &h->run);
			h->run_pending = false;
		}
		pthread_mutex_unlock(&h->lock);

		lw_hwrite_cycle(&h->w, &c);
		lw_history_cycle_free(&c);

		pthread_mutex_lock(&h->lock);
		publish(h);
		h->busy = false;
		pthread_cond_broadcast(&h->idle);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

static bool config_valid(const struct lw_history_settings *cfg)
{
	return cfg != NULL && cfg->path[0] != '\0' &&
	       memchr(cfg->path, '\0', sizeof(cfg->path)) != NULL &&
	       cfg->full_hours >= 1 && cfg->full_hours <= 8760 &&
	       cfg->window_s >= 1 && cfg->window_s <= 86400 &&
	       cfg->days >= 1 && cfg->days <= 3650 &&
	       cfg->max_mb >= 1 && cfg->max_mb <= (1u << 20);
}

int lw_history_open(struct lw_history **out, const struct lw_history_settings *cfg,
		    struct lw_error *err)
{
	struct lw_history *h;
	int rc;

	*out = NULL;
	if (!config_valid(cfg))
		return lw_error_set(err, EINVAL, "history: bad settings (path, full_hours 1..8760,"
				    " window 1..86400 s, days 1..3650, max_mb 1..1048576)");
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return lw_error_set(err, ENOMEM, "history: out of memory");
	lw_hwriter_init(&h->w, cfg);
	lw_hrun_init(&h->w.run);
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->wake, NULL);
	pthread_cond_init(&h->idle, NULL);
	/* Opened here, so the status says at once whether the file is usable; a failure is
	 * retried by the writer at each cycle. The thread start orders this before its use. */
	lw_hdb_open(&h->w);
	h->w.st.file_bytes = lw_hdb_file_bytes(&h->w);
	publish(h);
	if ((rc = pthread_create(&h->thread, NULL, writer_main, h)) != 0) {
		lw_hwriter_free(&h->w);
		lw_hrun_free(&h->w.run);
		pthread_cond_destroy(&h->idle);
		pthread_cond_destroy(&h->wake);
		pthread_mutex_destroy(&h->lock);
		free(h);
		return lw_error_set(err, rc, "history: cannot start the writer thread: %s",
				    strerror(rc));
	}
	pthread_setname_np(h->thread, "lw-history");
	*out = h;
	return 0;
}

/* Prepends `from`'s events to `to`'s (the next cycle in the queue). Without memory for it they
 * are lost with `from`. */
static void pass_events(struct lw_history_cycle *from, struct lw_history_cycle *to)
{
	struct lw_hist_alarm_event *e;

	if (from->nevents == 0)
		return;
	e = malloc((from->nevents + to->nevents) * sizeof(*e));
	if (e == NULL)
		return;
	memcpy(e, from->events, from->nevents * sizeof(*e));
	if (to->nevents > 0)
		memcpy(e + from->nevents, to->events, to->nevents * sizeof(*e));
	free(to->events);
	to->events = e;
	to->nevents += from->nevents;
}

int lw_history_submit_take(struct lw_history *h, struct lw_history_cycle *c)
{
	struct lw_history_cycle taken;

	if (h == NULL || c == NULL)
		return -1;
	taken = *c;
	memset(c, 0, sizeof(*c));
	/* A count without its array is an empty array: the kind was not sampled. */
	if (taken.procs == NULL)
		taken.nprocs = 0;
	if (taken.groups == NULL)
		taken.ngroups = 0;
	if (taken.slabs == NULL)
		taken.nslabs = 0;
	if (taken.mcast == NULL)
		taken.nmcast = 0;
	if (taken.mgroups == NULL)
		taken.nmgroups = 0;
	if (taken.events == NULL)
		taken.nevents = 0;
	pthread_mutex_lock(&h->lock);
	if (taken.nevents > 0 && taken.events[taken.nevents - 1].seq > h->alarm_seq)
		h->alarm_seq = taken.events[taken.nevents - 1].seq;
	if (h->len == QUEUE_CYCLES) {
		/* Its samples are dropped, its alarm events go with the next cycle in the queue. */
		pass_events(&h->queue[h->head], QUEUE_CYCLES > 1 ?
			    &h->queue[(h->head + 1) % QUEUE_CYCLES] : &taken);
		lw_history_cycle_free(&h->queue[h->head]);
		h->head = (h->head + 1) % QUEUE_CYCLES;
		h->len--;
		h->queue_dropped++;
	}
	h->queue[(h->head + h->len) % QUEUE_CYCLES] = taken;
	h->len++;
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->lock);
	return 0;
}

int lw_history_submit(struct lw_history *h, const struct lw_history_cycle *c)
{
	struct lw_history_cycle copy;

	if (h == NULL || c == NULL)
		return -1;
	/* The copy is made before taking the lock: the writer never waits for it. */
	if (copy_cycle(&copy, c) != 0) {
		pthread_mutex_lock(&h->lock);
		h->queue_dropped++;
		pthread_mutex_unlock(&h->lock);
		return -1;
	}
	return lw_history_submit_take(h, &copy);
}

int lw_history_set_run(struct lw_history *h, const struct lw_history_run_info *run,
		       struct lw_error *err)
{
	struct lw_hrun_info info = { .config = NULL };

	if (h == NULL || run == NULL)
		return lw_error_set(err, EINVAL, "history: set_run without a history or a run");
	if (lw_hrun_info_set(&info, run) != 0)
		return lw_error_set(err, ENOMEM, "history: out of memory for the run's description");
	/* The writer adopts it when it takes the next cycle: the caller never waits for a write. */
	pthread_mutex_lock(&h->lock);
	lw_hrun_info_free(&h->run);
	h->run = info;
	h->run_pending = true;
	pthread_mutex_unlock(&h->lock);
	return 0;
}

uint64_t lw_history_alarm_seq(struct lw_history *h)
{
	uint64_t seq;

	pthread_mutex_lock(&h->lock);
	seq = h->alarm_seq;
	pthread_mutex_unlock(&h->lock);
	return seq;
}

void lw_history_status(struct lw_history *h, struct lw_history_status *out)
{
	pthread_mutex_lock(&h->lock);
	*out = h->published;
	out->cycles_dropped += h->queue_dropped;
	pthread_mutex_unlock(&h->lock);
}

void lw_history_flush(struct lw_history *h)
{
	pthread_mutex_lock(&h->lock);
	while (h->len > 0 || h->busy)
		pthread_cond_wait(&h->idle, &h->lock);
	pthread_mutex_unlock(&h->lock);
}

int lw_history_replay(struct lw_history *h, int64_t since_s,
		      int (*cb)(void *arg, const struct lw_hist_point *p), void *arg,
		      struct lw_error *err)
{
	int rc;

	if (h == NULL || cb == NULL)
		return lw_error_set(err, EINVAL, "history: replay without a history or a callback");
	/* Take the writer's handle once what is queued is written; the writer waits meanwhile. */
	pthread_mutex_lock(&h->lock);
	while (h->len > 0 || h->busy || h->paused)
		pthread_cond_wait(&h->idle, &h->lock);
	h->paused = true;
	pthread_mutex_unlock(&h->lock);

	rc = lw_hreplay(&h->w, since_s, cb, arg, err);

	pthread_mutex_lock(&h->lock);
	publish(h);
	h->paused = false;
	pthread_cond_signal(&h->wake);
	pthread_cond_broadcast(&h->idle);
	pthread_mutex_unlock(&h->lock);
	return rc;
}

void lw_history_close(struct lw_history *h)
{
	if (h == NULL)
		return;
	pthread_mutex_lock(&h->lock);
	h->stopping = true;
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	/* Left only when a replay was running at close (a caller's mistake): not written. */
	while (h->len > 0) {
		lw_history_cycle_free(&h->queue[h->head]);
		h->head = (h->head + 1) % QUEUE_CYCLES;
		h->len--;
	}
	/* A clean stop: the run's row says so (a killed writer leaves stop_t NULL). */
	lw_hrun_stop(&h->w);
	lw_hwriter_free(&h->w);
	lw_hrun_free(&h->w.run);
	lw_hrun_info_free(&h->run);
	pthread_cond_destroy(&h->idle);
	pthread_cond_destroy(&h->wake);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

int lw_history_tidy(const char *path, struct lw_error *err)
{
	sqlite3 *db = NULL;
	/* Not SQLITE_OPEN_CREATE: a file that is gone stays gone. */
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);

	/* A statement reads the WAL index: without one the close has no WAL to let go of. */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		lw_error_set(err, EIO, "%s: %s", path,
			     db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	if (sqlite3_close(db) != SQLITE_OK && rc == SQLITE_OK)
		rc = lw_error_set(err, EIO, "%s: close: %s", path, sqlite3_errmsg(db));
	return rc == SQLITE_OK ? 0 : -1;
}
