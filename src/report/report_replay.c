/* report_replay.c: the detector's replay on a thread of its own, fed the build's samples in chunks. */
/* SPDX-License-Identifier: ISC */
#include "report/report_int.h"

#include <pthread.h>
#include <stdlib.h>

#include "detect/watch.h"

/*
 * The replay (lw_watch_replay_point: every sample of every process, group, slab and system
 * series the detector watches, over its reach) is a third of the build's work on a large host,
 * and independent of the rest: the detector is touched by this thread alone until
 * lw_rreplay_finish, and each series gets its samples in time order either way, so the verdicts
 * are the same as when replayed inline. Chunks bound the memory: the producer waits when
 * QUEUED_MAX are waiting.
 */
#define CHUNK 4096
#define QUEUED_MAX 16

struct chunk {
	struct chunk *next;
	size_t n;
	struct lw_hist_point p[CHUNK];
};

struct lw_rreplay {
	struct lw_watch *w;
	pthread_t th;
	bool threaded;
	pthread_mutex_t mu;
	pthread_cond_t work, space;
	struct chunk *head, *tail;  /* full chunks, oldest first */
	struct chunk *cur;          /* the one being filled */
	struct chunk *spare;        /* done with, to fill again */
	unsigned queued;
	bool done;
};

static void *run(void *arg)
{
	struct lw_rreplay *q = arg;

	for (;;) {
		struct chunk *c;

		pthread_mutex_lock(&q->mu);
		while (q->head == NULL && !q->done)
			pthread_cond_wait(&q->work, &q->mu);
		if ((c = q->head) == NULL) {
			pthread_mutex_unlock(&q->mu);
			return NULL;
		}
		q->head = c->next;
		if (q->head == NULL)
			q->tail = NULL;
		q->queued--;
		pthread_cond_signal(&q->space);
		pthread_mutex_unlock(&q->mu);
		for (size_t i = 0; i < c->n; i++)
			lw_watch_replay_point(q->w, &c->p[i]);
		c->n = 0;
		pthread_mutex_lock(&q->mu);
		c->next = q->spare;
		q->spare = c;
		pthread_mutex_unlock(&q->mu);
	}
}

int lw_rreplay_start(struct lw_rreplay **out, struct lw_watch *w)
{
	struct lw_rreplay *q = calloc(1, sizeof(*q));

	*out = q;
	if (q == NULL)
		return -1;
	q->w = w;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->work, NULL);
	pthread_cond_init(&q->space, NULL);
	if ((q->cur = calloc(1, sizeof(*q->cur))) == NULL)
		return 0;  /* inline, then */
	q->threaded = pthread_create(&q->th, NULL, run, q) == 0;
	return 0;
}

/* Under q->mu: the chunk being filled goes to the tail of the queue (counted in queued, which
 * the thread counts down as it takes each one) and the thread is woken. */
static void enqueue_locked(struct lw_rreplay *q)
{
	q->cur->next = NULL;
	if (q->tail != NULL)
		q->tail->next = q->cur;
	else
		q->head = q->cur;
	q->tail = q->cur;
	q->cur = NULL;
	q->queued++;
	pthread_cond_signal(&q->work);
}

int lw_rreplay_add(struct lw_rreplay *q, const struct lw_hist_point *p)
{
	struct chunk *c;

	if (!q->threaded)
		return lw_watch_replay_point(q->w, p), 0;
	q->cur->p[q->cur->n++] = *p;
	if (q->cur->n < CHUNK)
		return 0;
	pthread_mutex_lock(&q->mu);
	while (q->queued >= QUEUED_MAX)
		pthread_cond_wait(&q->space, &q->mu);
	enqueue_locked(q);
	if ((c = q->spare) != NULL)
		q->spare = c->next;
	pthread_mutex_unlock(&q->mu);
	if (c == NULL && (c = calloc(1, sizeof(*c))) == NULL) {
		/* the queue has it all: let the thread finish it, then go on inline */
		lw_rreplay_finish(q, false);
		return 0;
	}
	c->n = 0;
	q->cur = c;
	return 0;
}

/* Every sample queued replayed, the thread joined; free_too: q freed as well. */
void lw_rreplay_finish(struct lw_rreplay *q, bool free_too)
{
	if (q == NULL)
		return;
	if (q->threaded) {
		pthread_mutex_lock(&q->mu);
		if (q->cur != NULL && q->cur->n > 0) {
			enqueue_locked(q);
		}
		q->done = true;
		pthread_cond_signal(&q->work);
		pthread_mutex_unlock(&q->mu);
		pthread_join(q->th, NULL);
		q->threaded = false;
	}
	if (!free_too)
		return;
	free(q->cur);
	while (q->spare != NULL) {
		struct chunk *c = q->spare;

		q->spare = c->next;
		free(c);
	}
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->work);
	pthread_cond_destroy(&q->space);
	free(q);
}
