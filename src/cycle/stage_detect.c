/* stage_detect.c: the detector stage: this cycle's tables into the leak detectors and alarms. */
/* SPDX-License-Identifier: ISC */
#include "cycle/stages.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "detect/watch.h"
#include "history/history.h"

/*
 * Who owns what: the working snapshot (in->cycle) owns its tables; the processes and slabinfo
 * collectors own their rows' identity and measured columns, and this stage owns their leak
 * columns (leak_state, slopes, time_to_exhaustion: see proc/proctable.h, kmem/slabinfo.h). The
 * verdicts are written into those rows rather than kept in a table of their own so that
 * lwProcTable and lwSlabTable serve them on the row they judge, with no second lookup; the
 * collectors rebuild their rows each run, so a verdict never outlives the row it is about.
 */

int lw_detect_stage_init(struct lw_detect_stage *d, const struct lw_thresholds *th,
			 struct lw_error *err)
{
	memset(d, 0, sizeof(*d));
	if (lw_watch_new(&d->watch, th) != 0)
		return lw_error_set(err, ENOMEM, "collect: out of memory for the detectors");
	return 0;
}

void lw_detect_stage_destroy(struct lw_detect_stage *d)
{
	lw_watch_free(d->watch);
	d->watch = NULL;
}

/* How far back the detectors remember: the long floors' reach (20 windows of 6 windows at
 * the default: 20 h) and one window more. */
static int64_t replay_horizon_s(const struct lw_thresholds *th)
{
	return (int64_t)th->v[LW_TH_LEAK_WINDOW] *
	       (LW_DETECT_LONG_WINDOWS * LW_DETECT_LONG_FLOORS + 1);
}

int lw_detect_stage_run(struct lw_detect_stage *d, const struct lw_stage_input *in, char *notice,
			size_t notice_cap, struct lw_error *err)
{
	struct lw_snapshot *c = in->cycle;
	struct lw_watch_mcast mcast[LW_CONFIG_MAX_MCAST_IFACES];
	struct lw_watch_input w = { .now = in->now };
	const struct lw_alarms *a;

	if (d->history != NULL && !d->replayed) {
		d->replayed = true;
		if (lw_history_replay(d->history, in->now - replay_horizon_s(in->thresholds),
				      lw_watch_replay_point, d->watch, err) != 0)
			snprintf(notice, notice_cap, "detectors learning again: %s", err->text);
		lw_error_clear(err);
	}
	w.procs = lw_stage_ok(in, LW_COL_PROCESSES) ? &c->procs : NULL;
	w.slabs = lw_stage_ok(in, LW_COL_SLABINFO) ? &c->kmem.slabs : NULL;
	w.slabs_fresh = in->ran[LW_COL_SLABINFO];
	w.meminfo = lw_stage_ok(in, LW_COL_MEMINFO) ? &c->sys.meminfo : NULL;
	w.sockstat = lw_stage_ok(in, LW_COL_SOCKSTAT) ? &c->sys.sock.sockstat : NULL;
	w.limits = lw_stage_ok(in, LW_COL_TCP_LIMITS) ? &c->sys.sock.limits : NULL;
	/* The cycle works the percentages out before the stages, from the same two statuses. */
	w.pct = w.sockstat != NULL && w.limits != NULL ? &c->sys.sock.pct : NULL;
	w.loadavg = lw_stage_ok(in, LW_COL_LOADAVG) ? &c->sys.loadavg : NULL;
	w.cpus = lw_stage_ok(in, LW_COL_CPUS) ? c->sys.cpus : 0;
	for (size_t i = 0; i < in->nmcast; i++) {
		const struct lw_mcast_summary *s = &in->mcast[i];

		/* A capture that is not running has no rate to judge: its alarm keeps still. */
		if (s->ifindex == 0 || s->state != LW_MCAST_RUNNING)
			continue;
		memcpy(mcast[w.nmcast].ifname, s->ifname, sizeof(mcast[0].ifname));
		mcast[w.nmcast].ifindex = s->ifindex;
		mcast[w.nmcast].pps10 = s->pps10;
		w.nmcast++;
	}
	w.mcast = mcast;
	lw_watch_cycle(d->watch, in->thresholds, &w, c->trends);
	/* The stage's second output: the alarms as the agent serves them, owned by the cycle. */
	a = lw_watch_alarms(d->watch);
	lw_alarm_table_release(&c->alarms);
	if (lw_alarm_table_copy(&c->alarms, a) != 0)
		return lw_error_set(err, ENOMEM, "detector: out of memory for the alarm table");
	if (a->dropped > 0)
		snprintf(notice, notice_cap, "%llu alarms not raised: %d were active",
			 (unsigned long long)a->dropped, LW_ALARMS_MAX);
	return 0;
}
