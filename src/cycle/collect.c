/* collect.c: one cycle: the due collectors, then the detector and history stages; a snapshot. */
/* SPDX-License-Identifier: ISC */
#include "cycle/collect.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cycle/registry.h"
#include "cycle/stages.h"
#include "base/readfile.h"

struct lw_collect_state {
	int rootfd;
	const struct lw_config *cfg;    /* a reference to the settings in force; changed between
	                                 * cycles only (lw_collect_set_config, on the sampler thread) */
	struct timespec started[LW_COL_COUNT];  /* CLOCK_MONOTONIC start of each one's last run */
	void *state[LW_COL_COUNT];      /* each collector's own, freed by its free_state */
	struct lw_filebuf filebuf;      /* the collectors' scratch for large files */
	struct lw_snapshot work;        /* the working snapshot: see snapshot.h's rule */
	struct lw_detect_stage detect;
	struct lw_history *history;     /* borrowed; NULL: off */
	struct lw_mcast_capture *mcast; /* borrowed; NULL: no capture */
};

int lw_collect_state_new(const char *root, const struct lw_config *cfg,
			 struct lw_collect_state **out, struct lw_error *err)
{
	struct lw_collect_state *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return lw_error_set(err, ENOMEM, "collect: out of memory");
	if (lw_root_open(root, &st->rootfd, err)) {
		free(st);
		return -1;
	}
	lw_snapshot_init(&st->work);
	if (lw_detect_stage_init(&st->detect, &cfg->thresholds, err)) {
		close(st->rootfd);
		free(st);
		return -1;
	}
	lw_collect_set_config(st, cfg);
	*out = st;
	return 0;
}

void lw_collect_attach(struct lw_collect_state *st, struct lw_history *history,
		       struct lw_mcast_capture *mcast)
{
	st->history = history;
	st->detect.history = history;
	st->mcast = mcast;
}

void lw_collect_set_config(struct lw_collect_state *st, const struct lw_config *cfg)
{
	const struct lw_config *old = st->cfg;

	/* A copy on purpose: the snapshot publishes the interval its cycle ran with. */
	st->work.interval_s = cfg->interval_s;
	st->cfg = lw_config_ref(cfg);
	lw_config_unref(old);
}

static uint64_t ts_us(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000u + (uint64_t)t->tv_nsec / 1000u;
}

/* A slow collector never runs more often than a cycle, so its interval is the longer one. */
static uint32_t interval_of(const struct lw_collect_state *st, const struct lw_collector_def *def)
{
	if (def->cadence == LW_CADENCE_KERNEL && st->cfg->kernel_interval_s > st->work.interval_s)
		return st->cfg->kernel_interval_s;
	return st->work.interval_s;
}

/*
 * Whether a slow collector is due: its interval has passed since its last run started, less
 * half a sampling interval, so that a cycle starting a little early (timer slack) still runs it
 * rather than postponing it by a whole interval.
 */
static bool due(const struct lw_collect_state *st, enum lw_collector_id id, uint32_t interval_s)
{
	struct timespec now;
	uint64_t elapsed_us;

	if (st->work.collectors[id].runs == 0)
		return true;
	clock_gettime(CLOCK_MONOTONIC, &now);
	elapsed_us = ts_us(&now) - ts_us(&st->started[id]);
	return elapsed_us + (uint64_t)st->work.interval_s * 500000u >=
	       (uint64_t)interval_s * 1000000u;
}

/* One run of a collector or stage, as lwCollectorTable shows it. */
struct run {
	enum lw_collector_id id;
	struct timespec t0;
	struct lw_error err;
};

/* Starts id's run; false when it is not due (its statistics and data stay its last run's). */
static bool run_begin(struct lw_collect_state *st, enum lw_collector_id id, struct run *r,
		      bool ran[LW_COL_COUNT], atomic_int *running)
{
	const struct lw_collector_def *def = lw_collector_def(id);
	struct lw_collector_stats *cs = &st->work.collectors[id];

	cs->interval_s = interval_of(st, def);
	if (def->cadence != LW_CADENCE_CYCLE && !due(st, id, cs->interval_s))
		return false;
	if (running != NULL)
		atomic_store(running, (int)id);
	r->id = id;
	lw_error_clear(&r->err);
	cs->notice[0] = '\0';
	clock_gettime(CLOCK_REALTIME, &cs->last_run);
	ran[id] = true;
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	st->started[id] = r->t0;
	return true;
}

static void run_end(struct lw_collect_state *st, const struct run *r, int rc)
{
	struct lw_collector_stats *cs = &st->work.collectors[r->id];
	struct timespec t1;
	uint64_t us;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = ts_us(&t1) - ts_us(&r->t0);
	cs->last_duration_us = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
	cs->total_duration_us += us;
	cs->runs++;
	cs->ok = rc == 0;
	if (rc == 0) {
		cs->last_error[0] = '\0';
	} else {
		cs->errors++;
		memcpy(cs->last_error, r->err.text, sizeof(cs->last_error));
		cs->last_error[sizeof(cs->last_error) - 1] = '\0';
	}
}

/* Runs collector id over its part of the working snapshot, if it is due. */
static void run_collector(struct lw_collect_state *st, enum lw_collector_id id,
			  bool ran[LW_COL_COUNT], atomic_int *running)
{
	const struct lw_collector_def *def = lw_collector_def(id);
	struct lw_collector_stats *cs = &st->work.collectors[id];
	struct lw_collector_ctx ctx = {
		.rootfd = st->rootfd, .cfg = st->cfg, .filebuf = &st->filebuf,
		.state = &st->state[id], .notice = cs->notice, .notice_cap = sizeof(cs->notice),
	};
	struct run r;

	lw_collector_bind(id, &st->work, &ctx);
	if (run_begin(st, id, &r, ran, running))
		run_end(st, &r, def->collector->run(&ctx, &r.err));
}

/* Values the snapshot derives from the collectors' parts, from this cycle's successes only. */
static void derive(struct lw_snapshot *w)
{
	struct lw_sockmem *m = &w->sys.sock;

	memset(&m->pct, 0, sizeof(m->pct));
	if (w->collectors[LW_COL_SOCKSTAT].ok && w->collectors[LW_COL_TCP_LIMITS].ok)
		lw_sockmem_percents(&m->sockstat, &m->limits, &m->pct);
	w->sys.processes = w->procs.seen;
}

struct lw_snapshot *lw_collect_cycle(struct lw_collect_state *st, atomic_int *running)
{
	struct lw_mcast_summary sums[LW_CONFIG_MAX_MCAST_IFACES];
	bool ran[LW_COL_COUNT] = { false };
	struct lw_stage_input in = { .cycle = &st->work, .ran = ran, .mcast = sums,
				     .thresholds = &st->cfg->thresholds };
	struct run r;

	for (int id = 0; id < LW_COL_COUNT; id++)
		if (lw_collector_def((enum lw_collector_id)id)->collector != NULL)
			run_collector(st, (enum lw_collector_id)id, ran, running);
	derive(&st->work);
	/* The stages, after every collector: they are given the cycle as the collectors left it. */
	in.nmcast = lw_mcast_capture_summaries(st->mcast, sums, LW_CONFIG_MAX_MCAST_IFACES);
	if (run_begin(st, LW_COL_DETECTOR, &r, ran, running)) {
		in.now = (int64_t)st->work.collectors[LW_COL_DETECTOR].last_run.tv_sec;
		run_end(st, &r, lw_detect_stage_run(&st->detect, &in,
						    st->work.collectors[LW_COL_DETECTOR].notice,
						    LW_ERROR_TEXT_MAX, &r.err));
	}
	if (run_begin(st, LW_COL_HISTORY, &r, ran, running)) {
		in.now = (int64_t)st->work.collectors[LW_COL_HISTORY].last_run.tv_sec;
		run_end(st, &r, lw_history_stage_run(st->history, &in,
						     st->work.collectors[LW_COL_HISTORY].notice,
						     LW_ERROR_TEXT_MAX, &r.err));
	}
	if (running != NULL)
		atomic_store(running, -1);
	st->work.seq++;
	clock_gettime(CLOCK_REALTIME, &st->work.completed);
	return lw_snapshot_copy(&st->work);
}

void lw_collect_state_free(struct lw_collect_state *st)
{
	if (st == NULL)
		return;
	for (int id = 0; id < LW_COL_COUNT; id++) {
		const struct lw_collector *c = lw_collector_def((enum lw_collector_id)id)->collector;

		if (c != NULL && c->free_state != NULL)
			c->free_state(st->state[id]);
	}
	lw_snapshot_release(&st->work);
	lw_filebuf_free(&st->filebuf);
	lw_detect_stage_destroy(&st->detect);
	lw_config_unref(st->cfg);
	close(st->rootfd);
	free(st);
}
