/* collect.c: runs the collectors in order, times them and assembles each cycle's snapshot. */
#include "cycle/collect.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc/proccollect.h"
#include "kmem/kmem.h"
#include "base/readfile.h"
#include "net/tcpcollect.h"
#include "detect/watch.h"

struct lw_collect_state {
	int rootfd;
	const struct lw_config *cfg;  /* a reference to the configuration in force; changed between
	                               * cycles only (lw_collect_set_config, on the sampler thread) */
	struct lw_proc_collector *procs;
	struct lw_tcp_collector *tcp;
	struct timespec started[LW_COL_COUNT];  /* CLOCK_MONOTONIC start of each collector's last run */
	struct lw_kmem kmem;          /* the slow collectors' tables, copied into each snapshot */
	struct lw_filebuf filebuf;
	struct lw_snapshot work;  /* statistics and system values carried between cycles */
	struct lw_watch *watch;   /* detectors and alarms */
	struct lw_history *history;         /* borrowed; NULL: off */
	struct lw_mcast_capture *mcast;     /* borrowed; NULL: no capture */
	bool replayed;
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
	lw_kmem_init(&st->kmem);
	if (lw_watch_new(&st->watch, &cfg->thresholds) != 0) {
		close(st->rootfd);
		free(st);
		return lw_error_set(err, ENOMEM, "collect: out of memory for the detectors");
	}
	lw_collect_set_config(st, cfg);
	*out = st;
	return 0;
}

void lw_collect_attach(struct lw_collect_state *st, struct lw_history *history,
		       struct lw_mcast_capture *mcast)
{
	st->history = history;
	st->mcast = mcast;
}

void lw_collect_set_config(struct lw_collect_state *st, const struct lw_config *cfg)
{
	const struct lw_config *old = st->cfg;

	/* A copy on purpose: the snapshot publishes the interval its cycle ran with. */
	st->work.interval_s = cfg->interval_s;
	/* The TCP collector sizes its summaries at creation: a new size means a new collector. */
	if (st->tcp != NULL && old != NULL && memcmp(&old->tcp, &cfg->tcp, sizeof(cfg->tcp)) != 0) {
		lw_tcp_collector_free(st->tcp);
		st->tcp = NULL;
	}
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

/* The tables a cycle fills and hands over to its snapshot. */
struct cycle_tables {
	struct lw_proc_table procs;
	struct lw_tcp_table tcp;  /* about 17 KiB: the sampler thread has the default stack */
	struct lw_membership_list members;
	struct lw_trend trends[LW_TREND_COUNT];
};

static void run_one(struct lw_collect_state *st, enum lw_collector_id id,
		    struct cycle_tables *out, bool ran[LW_COL_COUNT])
{
	const struct lw_collector_def *def = lw_collector_def(id);
	struct lw_collector_stats *cs = &st->work.collectors[id];
	struct lw_collect_ctx ctx = {
		.rootfd = st->rootfd, .procs = &st->procs, .proc_cfg = &st->cfg->proc,
		.proc_out = &out->procs, .tcp = &st->tcp, .tcp_cfg = &st->cfg->tcp,
		.tcp_out = &out->tcp, .kmem = &st->kmem, .filebuf = &st->filebuf,
		.members_out = &out->members, .stats = st->work.collectors, .ran = ran,
		.watch = st->watch, .thresholds = &st->cfg->thresholds, .trends_out = out->trends,
		.history = st->history, .replayed = &st->replayed, .mcast = st->mcast,
		.notice = cs->notice, .notice_cap = sizeof(cs->notice),
	};
	struct lw_error err;
	struct timespec t0, t1;
	uint64_t us;
	int rc;
	uint32_t interval_s = interval_of(st, def);

	cs->interval_s = interval_s;
	/* Not due: its statistics and data stay those of its last run. */
	if (def->cadence != LW_CADENCE_CYCLE && !due(st, id, interval_s))
		return;
	lw_error_clear(&err);
	cs->notice[0] = '\0';
	clock_gettime(CLOCK_REALTIME, &cs->last_run);
	ctx.now = (int64_t)cs->last_run.tv_sec;
	ran[id] = true;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	st->started[id] = t0;
	rc = def->run(&ctx, &st->work.sys, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = ts_us(&t1) - ts_us(&t0);
	cs->last_duration_us = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
	cs->total_duration_us += us;
	cs->runs++;
	cs->ok = rc == 0;
	if (rc == 0) {
		cs->last_error[0] = '\0';
	} else {
		cs->errors++;
		memcpy(cs->last_error, err.text, sizeof(cs->last_error));
		cs->last_error[sizeof(cs->last_error) - 1] = '\0';
	}
}

/* Usage against limits, only from values of this cycle's successful runs. */
static void sockmem_percents(struct lw_snapshot *w)
{
	struct lw_sockmem *m = &w->sys.sock;

	memset(&m->pct, 0, sizeof(m->pct));
	if (w->collectors[LW_COL_SOCKSTAT].ok && w->collectors[LW_COL_TCP_LIMITS].ok)
		lw_sockmem_percents(&m->sockstat, &m->limits, &m->pct);
}

struct lw_snapshot *lw_collect_cycle(struct lw_collect_state *st, atomic_int *running)
{
	struct lw_snapshot *snap = malloc(sizeof(*snap));
	struct cycle_tables t;
	bool ran[LW_COL_COUNT] = { false };

	memset(&t, 0, sizeof(t));
	lw_membership_list_init(&t.members);
	for (int id = 0; id < LW_COL_COUNT; id++) {
		if (running != NULL)
			atomic_store(running, id);
		run_one(st, (enum lw_collector_id)id, &t, ran);
	}
	sockmem_percents(&st->work);
	if (running != NULL)
		atomic_store(running, -1);
	st->work.seq++;
	clock_gettime(CLOCK_REALTIME, &st->work.completed);
	if (snap != NULL) {
		*snap = st->work;
		lw_kmem_init(&snap->kmem);
		memset(&snap->alarms, 0, sizeof(snap->alarms));
	}
	if (snap == NULL || lw_kmem_copy(&snap->kmem, &st->kmem) ||
	    lw_alarm_table_copy(&snap->alarms, lw_watch_alarms(st->watch))) {
		lw_proc_table_release(&t.procs);
		lw_tcp_table_release(&t.tcp);
		lw_membership_list_free(&t.members);
		lw_snapshot_free(snap);
		return NULL;
	}
	snap->procs = t.procs;  /* the tables move into the snapshot; work never holds one */
	snap->tcp = t.tcp;
	snap->members = t.members;
	memcpy(snap->trends, t.trends, sizeof(snap->trends));
	return snap;
}

void lw_collect_state_free(struct lw_collect_state *st)
{
	if (st == NULL)
		return;
	lw_proc_collector_free(st->procs);
	lw_tcp_collector_free(st->tcp);
	lw_kmem_free(&st->kmem);
	lw_filebuf_free(&st->filebuf);
	lw_watch_free(st->watch);
	lw_config_unref(st->cfg);
	close(st->rootfd);
	free(st);
}
