/* watch.c: feeds each cycle to the detectors, annotates the rows and evaluates the alarms. */
/* SPDX-License-Identifier: ISC */
#include "detect/watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect/watchset.h"

struct lw_watch {
	struct lw_watchset procs;     /* (pid, start time): RSS KiB, descriptors */
	struct lw_watchset groups;    /* group index: RSS KiB, descriptors */
	struct lw_watchset slabs;     /* slab index: KiB */
	struct lw_series sys[LW_TREND_COUNT];
	struct lw_alarms alarms;
	uint64_t page_size;
	/* The detector settings of the last cycle's thresholds (a replay uses them too). */
	struct lw_detect_params mem;     /* processes' and groups' RSS */
	struct lw_detect_params fds;     /* descriptors, and the TCP orphans */
	struct lw_detect_params kernel;  /* slab caches and the host's upward series */
	struct lw_detect_params down;    /* MemAvailable */
};

/* Where each system series goes, and in which unit it is kept. */
static const enum lw_trend_dir sys_dir[LW_TREND_COUNT] = {
	[LW_TREND_SUNRECLAIM] = LW_TREND_UP,
	[LW_TREND_MEM_AVAILABLE] = LW_TREND_DOWN,
	[LW_TREND_TCP_ORPHANS] = LW_TREND_UP,
	[LW_TREND_TCP_MEM] = LW_TREND_UP,
};

/* The detector settings a threshold set gives, per kind of series. */
static void set_params(struct lw_watch *w, const struct lw_thresholds *th)
{
	struct lw_detect_params *mem = &w->mem;

	lw_detect_params_default(mem);
	mem->window_s = th->v[LW_TH_LEAK_WINDOW];
	mem->alpha_permille = th->v[LW_TH_LEAK_SIGNIFICANCE];
	mem->min_slope = th->v[LW_TH_LEAK_MIN_SLOPE];
	mem->min_pct_day = th->v[LW_TH_LEAK_MIN_PCT_DAY];
	mem->warmup_s = th->v[LW_TH_LEAK_WARMUP];
	mem->dir = LW_TREND_UP;
	w->fds = *mem;
	w->fds.min_slope = th->v[LW_TH_FD_MIN_SLOPE];
	w->fds.min_pct_day = 0;  /* a descriptor count has no "share of its size" to speak of */
	/* Kernel figures shrink when memory is reclaimed: that is no restart of the series. */
	w->kernel = *mem;
	w->kernel.reset_pct = 0;
	w->down = w->kernel;
	w->down.dir = LW_TREND_DOWN;
}

/* The settings of a system series. */
static const struct lw_detect_params *sys_params(const struct lw_watch *w, enum lw_trend_id id)
{
	if (sys_dir[id] == LW_TREND_DOWN)
		return &w->down;
	return id == LW_TREND_TCP_ORPHANS ? &w->fds : &w->kernel;
}

int lw_watch_new(struct lw_watch **out, const struct lw_thresholds *th)
{
	struct lw_watch *w = calloc(1, sizeof(*w));
	long page = sysconf(_SC_PAGESIZE);

	if (w == NULL)
		return -1;
	if (lw_alarms_init(&w->alarms) != 0) {
		free(w);
		return -1;
	}
	lw_watchset_init(&w->procs);
	lw_watchset_init(&w->groups);
	lw_watchset_init(&w->slabs);
	w->page_size = page > 0 ? (uint64_t)page : 4096;
	/* The host's series are as old as the boot: no warm-up. */
	for (int id = 0; id < LW_TREND_COUNT; id++)
		lw_series_init(&w->sys[id], 0);
	set_params(w, th);
	*out = w;
	return 0;
}

void lw_watch_free(struct lw_watch *w)
{
	if (w == NULL)
		return;
	lw_watchset_free(&w->procs);
	lw_watchset_free(&w->groups);
	lw_watchset_free(&w->slabs);
	lw_alarms_free(&w->alarms);
	free(w);
}

const struct lw_alarms *lw_watch_alarms(const struct lw_watch *w)
{
	return &w->alarms;
}

/* The sooner of two forecasts; 0 means none. */
static uint64_t sooner(uint64_t a, uint64_t b)
{
	if (a == 0)
		return b;
	if (b == 0)
		return a;
	return a < b ? a : b;
}

/* A trend alarm's severity: critical when the forecast is under an hour. */
static uint8_t trend_severity(uint64_t tte)
{
	return tte > 0 && tte <= 3600 ? LW_SEV_CRITICAL : LW_SEV_MAJOR;
}

/*
 * A series' alarm: in condition while it is leaking; otherwise, if it is active, its figures
 * still move, so its clear carries the value at the end. Most series are neither: they cost
 * one look-up. The object reads "NAME (pid N)" for a process (pid > 0), NAME otherwise.
 */
static void observe_trend(struct lw_alarms *a, enum lw_alarm_type type, uint64_t key,
			  uint32_t instance, int64_t start, const char *name, uint32_t pid,
			  uint64_t value, const struct lw_series *s, uint64_t tte)
{
	bool leaking = lw_series_state(s) == LW_LEAK_LEAKING;
	struct lw_alarm c;

	if (!leaking && !lw_alarm_active(a, type, key))
		return;
	memset(&c, 0, sizeof(c));
	c.type = (uint8_t)type;
	c.key = key;
	c.instance = instance;
	c.start_time = start;
	c.value = value;
	c.slope = lw_series_slope(s);
	c.time_to_exhaustion = tte;
	c.severity = trend_severity(tte);
	if (pid > 0)
		snprintf(c.object, sizeof(c.object), "%s (pid %u)", name, pid);
	else
		snprintf(c.object, sizeof(c.object), "%s", name);
	snprintf(c.name, sizeof(c.name), "%s", name);
	if (leaking)
		lw_alarm_observe(a, &c);
	else
		lw_alarm_refresh(a, &c);
}

static uint64_t mem_available(const struct lw_watch_input *in)
{
	if (in->meminfo == NULL || !lw_meminfo_has(in->meminfo, LW_MI_MEM_AVAILABLE))
		return 0;
	return in->meminfo->kb[LW_MI_MEM_AVAILABLE];
}

static void watch_procs(struct lw_watch *w, const struct lw_watch_input *in,
			const struct lw_detect_params *mem, const struct lw_detect_params *fdp)
{
	struct lw_proc_table *t = in->procs;
	uint64_t avail = mem_available(in);

	lw_watchset_begin(&w->procs);
	for (size_t i = 0; i < t->count; i++) {
		struct lw_proc *p = &t->rows[i];
		int64_t start = (int64_t)p->start_time;
		struct lw_watched *o = lw_watchset_match(&w->procs, p->pid, start, start);
		bool fds_known = !(p->unknown & LW_PROC_FDS_UNKNOWN);
		uint64_t tte_mem = 0, tte_fds = 0;

		p->leak_state = p->fd_leak_state = LW_LEAK_LEARNING;
		p->rss_slope_kb_h = p->fd_slope_h = 0;
		p->time_to_exhaustion = 0;
		if (o == NULL)
			continue;
		lw_series_add(&o->s[0], mem, in->now, p->rss_kb);
		/* An unknown count is a missing sample, never a 0 (a drop to 0 then a "leak"). */
		if (fds_known)
			lw_series_add(&o->s[1], fdp, in->now, p->fds);
		else
			lw_series_idle(&o->s[1], fdp, in->now);
		/* RSS against what the host can still give; descriptors against the soft limit. */
		if (avail > 0)
			tte_mem = lw_series_time_to_limit(&o->s[0], p->rss_kb, p->rss_kb + avail);
		if (p->fd_limit != UINT32_MAX && fds_known)
			tte_fds = lw_series_time_to_limit(&o->s[1], p->fds, p->fd_limit);
		p->leak_state = (uint8_t)lw_series_state(&o->s[0]);
		p->fd_leak_state = (uint8_t)lw_series_state(&o->s[1]);
		p->rss_slope_kb_h = lw_series_slope(&o->s[0]);
		p->fd_slope_h = lw_series_slope(&o->s[1]);
		p->time_to_exhaustion = sooner(tte_mem, tte_fds);
		/* The identity is the key: a reused pid is another process, another alarm. */
		observe_trend(&w->alarms, LW_ALARM_PROC_MEM_LEAK, (uint64_t)start << 22 | p->pid,
			      p->pid, start, lw_proc_str(t, p->name), p->pid, p->rss_kb, &o->s[0],
			      tte_mem);
		/* Unknown now: an active alarm keeps its last known figure (no news is no clear). */
		observe_trend(&w->alarms, LW_ALARM_PROC_FD_LEAK, (uint64_t)start << 22 | p->pid,
			      p->pid, start, lw_proc_str(t, p->name), p->pid,
			      fds_known ? p->fds : o->s[1].last, &o->s[1], tte_fds);
	}
	lw_watchset_end(&w->procs);
}

static void watch_groups(struct lw_watch *w, const struct lw_watch_input *in,
			 const struct lw_detect_params *mem, const struct lw_detect_params *fdp)
{
	struct lw_proc_table *t = in->procs;
	uint64_t avail = mem_available(in);

	lw_watchset_begin(&w->groups);
	for (size_t i = 0; i < t->ngroups; i++) {
		struct lw_proc_group *g = &t->groups[i];
		/* A name has no start of its own: no warm-up (its members' starts vary). */
		struct lw_watched *o = lw_watchset_match(&w->groups, g->index, 0, 0);

		g->leak_state = g->fd_leak_state = LW_LEAK_LEARNING;
		g->rss_slope_kb_h = g->fd_slope_h = 0;
		g->time_to_exhaustion = 0;
		if (o == NULL)
			continue;
		lw_series_add(&o->s[0], mem, in->now, g->rss_kb);
		if (g->fds_unknown)
			lw_series_idle(&o->s[1], fdp, in->now);  /* a partial sum is no sample */
		else
			lw_series_add(&o->s[1], fdp, in->now, g->fds);
		g->leak_state = (uint8_t)lw_series_state(&o->s[0]);
		g->fd_leak_state = (uint8_t)lw_series_state(&o->s[1]);
		g->rss_slope_kb_h = lw_series_slope(&o->s[0]);
		g->fd_slope_h = lw_series_slope(&o->s[1]);
		if (avail > 0)
			g->time_to_exhaustion = lw_series_time_to_limit(
				&o->s[0], g->rss_kb, g->rss_kb + avail);
		observe_trend(&w->alarms, LW_ALARM_GROUP_MEM_LEAK, g->index, g->index, 0,
			      lw_proc_str(t, g->name), 0, g->rss_kb, &o->s[0],
			      g->time_to_exhaustion);
	}
	lw_watchset_end(&w->groups);
}

static void watch_slabs(struct lw_watch *w, const struct lw_watch_input *in,
			const struct lw_detect_params *kernel)
{
	uint64_t total = in->meminfo && lw_meminfo_has(in->meminfo, LW_MI_MEM_TOTAL)
				 ? in->meminfo->kb[LW_MI_MEM_TOTAL] : 0;

	lw_watchset_begin(&w->slabs);
	for (size_t i = 0; i < in->slabs->n; i++) {
		struct lw_slab *s = &in->slabs->rows[i];
		/* A cache exists since boot: no warm-up. */
		struct lw_watched *o = lw_watchset_match(&w->slabs, s->index, 0, 0);
		uint64_t kb = lw_slab_total_bytes(s, w->page_size) / 1024;

		if (o == NULL)
			continue;
		/* Between slabinfo runs (kernel_interval) the rows are the last run's: no sample. */
		if (in->slabs_fresh)
			lw_series_add(&o->s[0], kernel, in->now, kb);
		s->leak_state = (uint8_t)lw_series_state(&o->s[0]);
		s->slope_kb_h = lw_series_slope(&o->s[0]);
		s->time_to_exhaustion = total ? lw_series_time_to_limit(&o->s[0], kb, total) : 0;
		observe_trend(&w->alarms, LW_ALARM_SLAB_LEAK, s->index, s->index, 0, s->name, 0, kb,
			      &o->s[0], s->time_to_exhaustion);
	}
	lw_watchset_end(&w->slabs);
}

/* The system series' samples and their limits; false when the source failed this cycle. */
static bool sys_sample(const struct lw_watch *w, const struct lw_watch_input *in,
		       enum lw_trend_id id, uint64_t *value, uint64_t *limit)
{
	const struct lw_meminfo *m = in->meminfo;
	const struct lw_sockstat *ss = in->sockstat;
	const struct lw_tcp_limits *l = in->limits;

	*limit = 0;
	switch (id) {
	case LW_TREND_SUNRECLAIM:
		if (m == NULL || !lw_meminfo_has(m, LW_MI_SUNRECLAIM))
			return false;
		*value = m->kb[LW_MI_SUNRECLAIM];
		*limit = m->kb[LW_MI_MEM_TOTAL];
		return true;
	case LW_TREND_MEM_AVAILABLE:
		if (m == NULL || !lw_meminfo_has(m, LW_MI_MEM_AVAILABLE))
			return false;
		*value = m->kb[LW_MI_MEM_AVAILABLE];
		return true;
	case LW_TREND_TCP_ORPHANS:
		if (ss == NULL || !lw_sockstat_has(ss, LW_SS_TCP_ORPHAN))
			return false;
		*value = ss->v[LW_SS_TCP_ORPHAN];
		if (l != NULL && lw_tcp_limits_has(l, LW_TL_MAX_ORPHANS))
			*limit = l->v[LW_TL_MAX_ORPHANS];
		return true;
	case LW_TREND_TCP_MEM:
		if (ss == NULL || !lw_sockstat_has(ss, LW_SS_TCP_MEM))
			return false;
		*value = ss->v[LW_SS_TCP_MEM] * w->page_size / 1024;
		if (l != NULL && lw_tcp_limits_has(l, LW_TL_MEM_MAX))
			*limit = l->v[LW_TL_MEM_MAX] * w->page_size / 1024;
		return true;
	case LW_TREND_COUNT:
		break;
	}
	return false;
}

const char *lw_trend_name(enum lw_trend_id id)
{
	static const char *const names[LW_TREND_COUNT] = {
		[LW_TREND_SUNRECLAIM] = "SUnreclaim",
		[LW_TREND_MEM_AVAILABLE] = "MemAvailable",
		[LW_TREND_TCP_ORPHANS] = "TCP orphans",
		[LW_TREND_TCP_MEM] = "TCP memory",
	};

	return (unsigned)id < LW_TREND_COUNT ? names[id] : "";
}

static void watch_system(struct lw_watch *w, const struct lw_watch_input *in,
			 struct lw_trend trends[])
{
	for (int id = 0; id < LW_TREND_COUNT; id++) {
		struct lw_trend *out = &trends[id];
		uint64_t value, limit;

		memset(out, 0, sizeof(*out));
		if (!sys_sample(w, in, (enum lw_trend_id)id, &value, &limit)) {
			if (id <= LW_TREND_MEM_AVAILABLE)
				lw_alarms_keep_type(&w->alarms, LW_ALARM_KERNEL_MEM_LEAK);
			continue;
		}
		lw_series_add(&w->sys[id], sys_params(w, (enum lw_trend_id)id), in->now, value);
		out->known = true;
		out->value = value;
		out->state = (uint8_t)lw_series_state(&w->sys[id]);
		out->slope = lw_series_slope(&w->sys[id]);
		out->time_to_limit = lw_series_time_to_limit(&w->sys[id], value, limit);
		if (id <= LW_TREND_MEM_AVAILABLE)
			observe_trend(&w->alarms, LW_ALARM_KERNEL_MEM_LEAK, (uint64_t)id + 1,
				      (uint32_t)id + 1, 0, lw_trend_name((enum lw_trend_id)id), 0, value,
				      &w->sys[id], out->time_to_limit);
	}
}

/*
 * A threshold alarm with hysteresis: raised at the threshold, cleared below clear_pct of it.
 * value and threshold in the same unit; threshold 0 means off.
 */
static void threshold_alarm(struct lw_alarms *a, const struct lw_thresholds *th,
			    enum lw_alarm_type type, uint64_t key, uint32_t instance,
			    const char *object, uint64_t value, uint64_t threshold, uint64_t limit)
{
	uint64_t bar = threshold;
	struct lw_alarm c = { .type = (uint8_t)type, .key = key, .instance = instance,
			      .value = value, .threshold = threshold, .severity = LW_SEV_MAJOR };

	if (threshold == 0)
		return;
	if (lw_alarm_active(a, type, key))
		bar = threshold * th->v[LW_TH_CLEAR_PCT] / 100;
	if (limit > 0 && value >= limit)
		c.severity = LW_SEV_CRITICAL;
	snprintf(c.object, sizeof(c.object), "%s", object);
	if (value >= bar)
		lw_alarm_observe(a, &c);
	else
		lw_alarm_refresh(a, &c);
}

static void watch_thresholds(struct lw_watch *w, const struct lw_thresholds *th,
			     const struct lw_watch_input *in)
{
	struct lw_alarms *a = &w->alarms;

	if (in->pct != NULL && lw_sockmem_pct_known(in->pct, LW_PCT_TCP_ORPHAN))
		threshold_alarm(a, th, LW_ALARM_TCP_ORPHANS, 1, 0, "TCP orphans",
				in->pct->v[LW_PCT_TCP_ORPHAN], th->v[LW_TH_ORPHAN_PCT], 10000);
	else
		lw_alarms_keep_type(a, LW_ALARM_TCP_ORPHANS);
	if (in->pct != NULL && lw_sockmem_pct_known(in->pct, LW_PCT_TCP_MEM_MAX))
		threshold_alarm(a, th, LW_ALARM_TCP_MEM, 1, 0, "TCP memory",
				in->pct->v[LW_PCT_TCP_MEM_MAX], th->v[LW_TH_TCP_MEM_PCT], 10000);
	else
		lw_alarms_keep_type(a, LW_ALARM_TCP_MEM);
	for (size_t i = 0; i < in->nmcast; i++)
		threshold_alarm(a, th, LW_ALARM_MCAST_RATE, in->mcast[i].ifindex,
				in->mcast[i].ifindex, in->mcast[i].ifname, in->mcast[i].pps10,
				th->v[LW_TH_MCAST_PPS], 0);
	if (in->loadavg != NULL && in->cpus > 0)
		threshold_alarm(a, th, LW_ALARM_LOAD, 1, 0, "load",
				in->loadavg->load1 / in->cpus, th->v[LW_TH_LOAD_PER_CPU], 0);
	else
		lw_alarms_keep_type(a, LW_ALARM_LOAD);
}

void lw_watch_cycle(struct lw_watch *w, const struct lw_thresholds *th,
		    const struct lw_watch_input *in, struct lw_trend trends[LW_TREND_COUNT])
{
	set_params(w, th);
	lw_alarms_begin(&w->alarms, in->now, th->v[LW_TH_HOLDDOWN]);
	if (in->procs != NULL) {
		watch_procs(w, in, &w->mem, &w->fds);
		watch_groups(w, in, &w->mem, &w->fds);
	} else {
		lw_alarms_keep_type(&w->alarms, LW_ALARM_PROC_MEM_LEAK);
		lw_alarms_keep_type(&w->alarms, LW_ALARM_PROC_FD_LEAK);
		lw_alarms_keep_type(&w->alarms, LW_ALARM_GROUP_MEM_LEAK);
	}
	if (in->slabs != NULL)
		watch_slabs(w, in, &w->kernel);
	else
		lw_alarms_keep_type(&w->alarms, LW_ALARM_SLAB_LEAK);
	watch_system(w, in, trends);
	watch_thresholds(w, th, in);
	lw_alarms_end(&w->alarms);
}

/* The system series a stored field feeds; -1: none. */
static int sys_trend_of(int field)
{
	return field == LW_HSYS_SUNRECLAIM_KB ? LW_TREND_SUNRECLAIM :
	       field == LW_HSYS_MEM_AVAILABLE_KB ? LW_TREND_MEM_AVAILABLE :
	       field == LW_HSYS_TCP_ORPHANS ? LW_TREND_TCP_ORPHANS :
	       field == LW_HSYS_TCP_MEM_PAGES ? LW_TREND_TCP_MEM : -1;
}

int lw_watch_replay_state(struct lw_watch *w, const struct lw_hist_point *p, uint8_t *state,
			  int64_t *slope_per_h)
{
	const struct lw_series *s = NULL;
	struct lw_watched *o;
	int id;

	switch (p->series) {
	case LW_HS_PROC_RSS:
	case LW_HS_PROC_FDS:
		o = lw_watchset_replay(&w->procs, p->pid, p->start_time, p->start_time);
		s = o != NULL ? &o->s[p->series == LW_HS_PROC_FDS] : NULL;
		break;
	case LW_HS_GROUP_RSS:
	case LW_HS_GROUP_FDS:
		o = lw_watchset_replay(&w->groups, lw_proc_group_index(p->name), 0, 0);
		s = o != NULL ? &o->s[p->series == LW_HS_GROUP_FDS] : NULL;
		break;
	case LW_HS_SLAB_KB:
		o = lw_watchset_replay(&w->slabs, lw_proc_group_index(p->name), 0, 0);
		s = o != NULL ? &o->s[0] : NULL;
		break;
	case LW_HS_SYS:
		id = sys_trend_of(p->field);
		s = id >= 0 ? &w->sys[id] : NULL;
		break;
	}
	if (s == NULL)
		return -1;
	*state = (uint8_t)lw_series_state(s);
	*slope_per_h = lw_series_slope(s);
	return 0;
}

int lw_watch_replay_point(void *watch, const struct lw_hist_point *p)
{
	struct lw_watch *w = watch;
	struct lw_watched *o = NULL;
	int id;

	switch (p->series) {
	case LW_HS_PROC_RSS:
	case LW_HS_PROC_FDS:
		o = lw_watchset_replay(&w->procs, p->pid, p->start_time, p->start_time);
		if (o != NULL)
			lw_series_add(&o->s[p->series == LW_HS_PROC_FDS], p->series == LW_HS_PROC_FDS
					      ? &w->fds : &w->mem, p->t, p->value);
		break;
	case LW_HS_GROUP_RSS:
	case LW_HS_GROUP_FDS:
		o = lw_watchset_replay(&w->groups, lw_proc_group_index(p->name), 0, 0);
		if (o != NULL)
			lw_series_add(&o->s[p->series == LW_HS_GROUP_FDS], p->series ==
					      LW_HS_GROUP_FDS ? &w->fds : &w->mem, p->t, p->value);
		break;
	case LW_HS_SLAB_KB:
		o = lw_watchset_replay(&w->slabs, lw_proc_group_index(p->name), 0, 0);
		if (o != NULL)
			lw_series_add(&o->s[0], &w->kernel, p->t, p->value);
		break;
	case LW_HS_SYS:
		id = sys_trend_of(p->field);
		if (id < 0)
			break;
		lw_series_add(&w->sys[id], sys_params(w, (enum lw_trend_id)id), p->t,
			      id == LW_TREND_TCP_MEM ? p->value * w->page_size / 1024 : p->value);
		break;
	}
	return 0;
}
