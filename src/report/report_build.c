/* report_build.c: lw_report_build: the window's series from both tiers, the detector's replay, the figures. */
/* SPDX-License-Identifier: ISC */
#include "report/report_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/lw_config.h"
#include "config/thresholds.h"
#include "detect/watch.h"
#include "history/history_kinds.h"
#include "history/history_types.h"

/* A tier's points in the window, in order. */
struct tier {
	bool win;
	int64_t *t, *span;
	int64_t *tsum;              /* prefix sums of t: n + 1 */
	uint32_t *sampled;
	uint32_t *gapc;             /* steps longer than a gap up to each point */
	uint32_t *uns[LW_RKIND_MAX]; /* points without the kind sampled, before each: n + 1 */
	int32_t *bidx;              /* the point's bucket; -1: none (windows) */
	size_t n, cap;
	bool nobulk;                /* lw_racc_const cannot be used in this tier */
};

struct build {
	struct lw_rbuild b;
	struct lw_rdb *d;
	struct lw_watch *watch;
	struct lw_rreplay *rq;      /* the detector's thread */
	int64_t replay_from;
	struct tier full, win;
	int32_t *bfirst, *blast;    /* each bucket's first and last full-resolution point; -1 */
	struct lw_rpts pts;
	int64_t win_span;
};

int lw_report_note(struct lw_report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nnotes >= sizeof(r->notes) / sizeof(r->notes[0]))
		return -1;
	va_start(ap, fmt);
	vsnprintf(r->notes[r->nnotes++], sizeof(r->notes[0]), fmt, ap);
	va_end(ap);
	return 0;
}

static bool is_counter(const char *metric)
{
	return strcmp(metric, "cpu_ticks") == 0 || strcmp(metric, "packets") == 0 ||
	       strcmp(metric, "octets") == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static const char *unit_of(const char *metric, const char *name)
{
	const char *m = strcmp(metric, "value") == 0 ? name : metric;

	if (ends_with(m, "_kb"))
		return "KiB";
	if (ends_with(m, "_bytes"))
		return "bytes";
	if (strcmp(m, "cpu_ticks") == 0)
		return "ticks/s";
	if (strcmp(m, "packets") == 0)
		return "packets/s";
	if (strcmp(m, "octets") == 0)
		return "bytes/s";
	if (ends_with(m, "_pages"))
		return "pages";
	if (ends_with(m, "_hundredths"))
		return "hundredths";
	if (strcmp(m, "pps10") == 0)
		return "pps/10";
	if (strcmp(m, "bps10") == 0)
		return "bps/10";
	return "count";
}

/* The detector's series a stored value feeds, as history_replay.c delivers it. */
static bool replay_key(int kind, const char *metric, const char *name, struct lw_hist_point *p)
{
	if (kind == LW_HK_PROC && strcmp(metric, "rss_kb") == 0)
		p->series = LW_HS_PROC_RSS;
	else if (kind == LW_HK_PROC && strcmp(metric, "fds") == 0)
		p->series = LW_HS_PROC_FDS;
	else if (kind == LW_HK_GROUP && strcmp(metric, "rss_kb") == 0)
		p->series = LW_HS_GROUP_RSS;
	else if (kind == LW_HK_GROUP && strcmp(metric, "fds") == 0)
		p->series = LW_HS_GROUP_FDS;
	else if (kind == LW_HK_SLAB && strcmp(metric, "total_bytes") == 0)
		p->series = LW_HS_SLAB_KB;
	else if (kind == LW_HK_SYS && (p->field = lw_hsys_field(name)) >= 0)
		p->series = LW_HS_SYS;
	else
		return false;
	return true;
}

/* The model's series of value j of e, made at its first sample. */
static int32_t series_of(struct build *bd, struct lw_rident *e, unsigned j)
{
	struct lw_rnames *nm = bd->b.r->names;
	struct lw_report_series *s;
	int32_t i;

	if (e->series[j] >= 0)
		return e->series[j];
	if ((i = lw_rseries_new(&bd->b)) < 0)
		return -1;
	s = &bd->b.r->series[i];
	/* process_ext (version 2) is more of the process: one kind in the report */
	s->kind = e->kind == 6 ? LW_HK_PROC : e->kind;
	s->kind_name = nm->kind_name[s->kind][0] ? nm->kind_name[s->kind] : nm->kind_name[e->kind];
	s->pid = e->pid;
	s->start_time = e->start_time;
	snprintf(s->name, sizeof(s->name), "%s", e->name);
	s->metric = nm->metric[e->kind][j];
	s->counter = is_counter(s->metric);
	s->unit = unit_of(s->metric, s->name);
	e->series[j] = i;
	/* what a sample needs to know, beside its accumulator */
	{
		struct lw_racc *a = &bd->b.acc[i];
		struct lw_hist_point p;

		memset(&p, 0, sizeof(p));
		a->counter = s->counter;
		a->rseries = replay_key(s->kind, s->metric, s->name, &p) ? (int8_t)p.series : -1;
		a->field = (int16_t)p.field;
		/* the detector's thread reads the name while series[] may be moved by a realloc */
		if (a->rseries >= 0 && (a->rname = strdup(s->name)) == NULL)
			return -1;
	}
	return i;
}

static int grow_times(int64_t **a, size_t *n, size_t *cap, int64_t t)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 4096;
		void *p = realloc(*a, nc * sizeof(**a));

		if (p == NULL)
			return -1;
		*a = p;
		*cap = nc;
	}
	(*a)[(*n)++] = t;
	return 0;
}

static void *grow(void *p, size_t n, size_t size, bool *bad)
{
	void *q = realloc(p, n * size);

	if (q == NULL)
		*bad = true;
	return q != NULL ? q : p;
}

/* Records point number tp->n (its time, sampled kinds, span; and for lw_racc_const the
 * prefix sums, the bucket, the gaps and unsampled kinds so far). */
static int tier_push(struct build *bd, struct tier *tp, int64_t t, uint32_t sampled, int64_t span)
{
	size_t n = tp->n;
	int64_t wspan = bd->b.to - bd->b.from + 1, idx;

	if (n + 1 >= tp->cap) {
		size_t nc = tp->cap ? tp->cap * 2 : 4096;
		bool bad = false;

		tp->t = grow(tp->t, nc, sizeof(*tp->t), &bad);
		tp->span = grow(tp->span, nc, sizeof(*tp->span), &bad);
		tp->tsum = grow(tp->tsum, nc, sizeof(*tp->tsum), &bad);
		tp->sampled = grow(tp->sampled, nc, sizeof(*tp->sampled), &bad);
		tp->gapc = grow(tp->gapc, nc, sizeof(*tp->gapc), &bad);
		tp->bidx = grow(tp->bidx, nc, sizeof(*tp->bidx), &bad);
		for (int k = 0; k < LW_RKIND_MAX; k++)
			tp->uns[k] = grow(tp->uns[k], nc, sizeof(*tp->uns[k]), &bad);
		if (bad)
			return -1;
		tp->cap = nc;
	}
	if (n == 0) {
		tp->tsum[0] = 0;
		for (int k = 0; k < LW_RKIND_MAX; k++)
			tp->uns[k][0] = 0;
	}
	tp->t[n] = t;
	tp->span[n] = span;
	tp->sampled[n] = sampled;
	tp->tsum[n + 1] = tp->tsum[n] + t;
	tp->gapc[n] = (n ? tp->gapc[n - 1] : 0) + (n && t - tp->t[n - 1] > bd->b.gap_full_s);
	for (int k = 0; k < LW_RKIND_MAX; k++)
		tp->uns[k][n + 1] = tp->uns[k][n] + !(sampled & (1u << k));
	/* the bucket lw_racc_add gives a sample at t (full resolution only: a window's time is
	 * its middle or its end) */
	idx = wspan > 0 ? (t - bd->b.from) * (int64_t)bd->b.nbuckets / wspan : 0;
	if (tp->win || idx < 0 || idx >= (int64_t)bd->b.nbuckets) {
		tp->nobulk = true;
		tp->bidx[n] = -1;
	} else {
		tp->bidx[n] = (int32_t)idx;
		if (bd->bfirst[idx] < 0)
			bd->bfirst[idx] = (int32_t)n;
		bd->blast[idx] = (int32_t)n;
	}
	tp->n++;
	return 0;
}

static void tier_free(struct tier *tp)
{
	free(tp->t);
	free(tp->span);
	free(tp->tsum);
	free(tp->sampled);
	free(tp->gapc);
	free(tp->bidx);
	for (int k = 0; k < LW_RKIND_MAX; k++)
		free(tp->uns[k]);
}

/* The detector's sample of series i at t (the minimum: it follows step minima, and a
 * window's minimum is its floor). */
static int replay(struct build *bd, int32_t i, int64_t t, int64_t mn)
{
	struct lw_report_series *s = &bd->b.r->series[i];
	struct lw_racc *a = &bd->b.acc[i];
	struct lw_hist_point p;

	if (a->rseries < 0 || t < bd->replay_from || bd->watch == NULL)
		return 0;
	memset(&p, 0, sizeof(p));
	p.series = (enum lw_hist_series)a->rseries;
	p.field = a->field;
	p.pid = s->pid;
	p.start_time = s->start_time;
	p.name = a->rname;
	p.t = t;
	p.value = p.series == LW_HS_SLAB_KB ? (uint64_t)mn / 1024 : (uint64_t)mn;
	return lw_rreplay_add(bd->rq, &p) != 0 ? SQLITE_NOMEM : 0;
}

/* Value j of e (its values v) at point q of tier tp. 1: not readable (no sample). */
static int feed_one(struct build *bd, const struct tier *tp, struct lw_rident *e, unsigned j,
		    const int64_t *v, size_t q)
{
	bool win = tp->win;
	int64_t t = tp->t[q], span = tp->span[q];
	int64_t gap = win ? bd->b.gap_win_s : bd->b.gap_full_s;
	int64_t mn = win ? v[1 + 3 * j] : v[j];
	int64_t mx = win ? v[2 + 3 * j] : v[j];
	int64_t avg = win ? v[3 + 3 * j] : v[j];
	uint32_t n = win ? (uint32_t)v[0] : 1;
	struct lw_racc *a;
	int32_t i;

	/* not readable (LW_HIST_UNKNOWN): no sample */
	if ((uint64_t)mx == LW_HIST_UNKNOWN && (uint64_t)mn == LW_HIST_UNKNOWN)
		return 1;
	if ((i = series_of(bd, e, j)) < 0)
		return SQLITE_NOMEM;
	a = &bd->b.acc[i];
	/* A window's counter is its value at the window's end; its average is the level at its
	 * middle. */
	if (a->counter)
		return lw_racc_counter(&bd->b, (size_t)i, win ? t + span : t, (uint64_t)mx, gap) != 0
		       ? SQLITE_NOMEM : 0;
	if (lw_racc_add(&bd->b, (size_t)i, win ? t + span / 2 : t, (double)(uint64_t)mn,
			(double)(uint64_t)mx, (double)(uint64_t)avg, n ? n : 1, gap) != 0)
		return SQLITE_NOMEM;
	return replay(bd, i, t, mn);
}

static bool sampled_at(const struct tier *tp, size_t q, int kind)
{
	return (tp->sampled[q] & (1u << kind)) != 0;
}

/*
 * e held its values v at the points qa..qb-1 (no row changed it there): what each would have
 * given. One at a time until a sample is in; then, at full resolution, the rest at once when
 * nothing breaks the run (no gap, the kind sampled at every point): lw_racc_const, and the
 * detector still point by point (its steps need every sample).
 */
static int catch_up(struct build *bd, const struct tier *tp, struct lw_rident *e,
		    const int64_t *v, size_t qa, size_t qb)
{
	unsigned width = bd->d->width[e->kind];

	for (unsigned j = 0; j < width; j++) {
		for (size_t q = qa; q < qb; q++) {
			struct lw_racc *a;
			int32_t i;
			double cv;
			int rc;

			if (!sampled_at(tp, q, e->kind))
				continue;
			if ((rc = feed_one(bd, tp, e, j, v, q)) == 1)
				break;  /* not readable: at none of these points */
			if (rc != 0)
				return rc;
			if (tp->win || tp->nobulk || q + 1 >= qb)
				continue;
			i = e->series[j];
			a = &bd->b.acc[i];
			cv = a->counter ? 0.0 : (double)(uint64_t)v[j];
			if (!a->has_last || a->end_t != tp->t[q] || a->last_v != cv ||
			    tp->gapc[qb - 1] != tp->gapc[q] ||
			    tp->uns[e->kind][qb] != tp->uns[e->kind][q + 1])
				continue;
			if (lw_racc_const(&bd->b, (size_t)i, &bd->pts, q + 1, qb, cv) != 0)
				return SQLITE_NOMEM;
			if (a->counter) {
				a->last_t = tp->t[qb - 1];
			} else if (a->rseries >= 0 && bd->watch != NULL) {
				for (size_t k = q + 1; k < qb; k++)
					if (replay(bd, i, tp->t[k], v[j]) != 0)
						return SQLITE_NOMEM;
			}
			break;
		}
	}
	return 0;
}

/* e at point p: what it held since it was last looked at, then its row's values. */
static int visit(struct build *bd, const struct tier *tp, struct lw_rident *e, const int64_t *before,
		 size_t p)
{
	unsigned width;
	int rc;

	if (e->kind <= 0 || e->kind >= LW_RKIND_MAX) {
		e->fed = -1;
		return 0;
	}
	if (e->fed >= 0 && (size_t)e->fed + 1 < p &&
	    (rc = catch_up(bd, tp, e, before, (size_t)e->fed + 1, p)) != 0)
		return rc;
	e->fed = e->live ? (int64_t)p : -1;
	if (!e->live || !sampled_at(tp, p, e->kind))
		return 0;
	width = bd->d->width[e->kind];
	for (unsigned j = 0; j < width; j++)
		if ((rc = feed_one(bd, tp, e, j, e->v, p)) < 0 || rc > 1)
			return rc;
	return 0;
}

/*
 * A point: only the series a row changed are visited (rows are change-only: the others hold
 * their value, and are caught up when they next change or at the tier's end); every series
 * at a keyframe and at the first point.
 */
static int on_point(void *arg, struct lw_rexp *x, int64_t t, uint32_t sampled, int64_t span)
{
	struct build *bd = arg;
	struct tier *tp = x->win ? &bd->win : &bd->full;
	size_t p = tp->n;
	int rc;

	if (x->win) {
		if (span > bd->win_span)
			bd->win_span = span;
		bd->b.r->windows++;
	} else {
		bd->b.r->cycles++;
	}
	if (tier_push(bd, tp, t, sampled, span) != 0)
		return SQLITE_NOMEM;
	bd->pts.t = bd->full.t;
	bd->pts.tsum = bd->full.tsum;
	bd->pts.bidx = bd->full.bidx;
	if (x->all) {
		for (size_t k = 0; k < x->n; k++)
			if ((rc = visit(bd, tp, &x->e[k], x->e[k].pv, p)) != 0)
				return rc;
		return 0;
	}
	for (size_t k = 0; k < x->ntouched; k++) {
		struct lw_rident *e = &x->e[x->touched[k]];

		if ((rc = visit(bd, tp, e, e->pv, p)) != 0)
			return rc;
	}
	return 0;
}

/* The tier's end: every live series holds its value to the last point. */
static int tier_end(struct build *bd, struct lw_rexp *x)
{
	struct tier *tp = x->win ? &bd->win : &bd->full;
	int rc;

	for (size_t k = 0; k < x->n; k++) {
		struct lw_rident *e = &x->e[k];

		if (e->fed >= 0 && (size_t)e->fed + 1 < tp->n &&
		    (rc = catch_up(bd, tp, e, e->v, (size_t)e->fed + 1, tp->n)) != 0)
			return rc;
		e->fed = -1;
	}
	return 0;
}

static void verdicts(struct build *bd)
{
	struct lw_report *r = bd->b.r;

	for (size_t i = 0; bd->watch != NULL && i < r->nseries; i++) {
		struct lw_report_series *s = &r->series[i];
		struct lw_hist_point p;
		uint8_t state;
		int64_t slope;

		memset(&p, 0, sizeof(p));
		if (!replay_key(s->kind, s->metric, s->name, &p) || s->last_t < bd->replay_from)
			continue;
		p.pid = s->pid;
		p.start_time = s->start_time;
		p.name = s->name;
		if (lw_watch_replay_state(bd->watch, &p, &state, &slope) != 0)
			continue;
		s->verdict = state == LW_LEAK_LEAKING ? LW_RV_LEAKING :
			     state == LW_LEAK_SUSPECT ? LW_RV_SUSPECT :
			     state == LW_LEAK_LEARNING ? LW_RV_LEARNING : LW_RV_NONE;
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The usual spacing of full-resolution samples: the runs' interval, else the median step. */
static uint32_t usual_interval(struct lw_rdb *d, int64_t from, int64_t to)
{
	sqlite3_stmt *st;
	int64_t *t = NULL, prev = 0, v = 0;
	size_t n = 0, cap = 0;
	uint32_t res = 0;

	if (d->has_runs && lw_rdb_int(d, "SELECT interval_s FROM run WHERE start_t <= ?1 ORDER BY"
				      " start_t DESC LIMIT 1", to, 0, 0, &v) == SQLITE_OK && v > 0)
		return (uint32_t)v;
	if (sqlite3_prepare_v2(d->db, "SELECT t FROM cycle WHERE t >= ?1 AND t <= ?2 ORDER BY t", -1,
			       &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	for (bool first = true; sqlite3_step(st) == SQLITE_ROW; first = false) {
		int64_t x = sqlite3_column_int64(st, 0);

		if (!first && grow_times(&t, &n, &cap, x - prev) != 0)
			break;
		prev = x;
	}
	sqlite3_finalize(st);
	if (n > 0) {
		qsort(t, n, sizeof(*t), cmp_i64);
		res = (uint32_t)t[n / 2];
	}
	free(t);
	return res;
}

/* The thresholds the daemon had: the configuration's (--config, else the last run's), then the
 * thresholds file (SNMP SETs persisted) on top. */
static void thresholds_in_force(struct lw_report *r, const struct lw_report_opts *o,
				struct lw_thresholds *th)
{
	struct lw_error err;

	lw_thresholds_default(th);
	if (o->config_path != NULL) {
		struct lw_config *cfg;

		if (lw_config_load(o->config_path, &cfg, &err) == 0) {
			*th = cfg->thresholds;
			lw_config_unref(cfg);
		} else {
			lw_report_note(r, "the detector replay uses the default thresholds: %s",
				       err.text);
		}
	} else {
		for (size_t i = r->nruns; i-- > 0;) {
			struct lw_config cfg;

			if (r->runs[i].config == NULL)
				continue;
			lw_config_defaults(&cfg);
			if (lw_config_parse("run configuration", r->runs[i].config,
					    strlen(r->runs[i].config), &cfg, &err) == 0)
				*th = cfg.thresholds;
			else
				lw_report_note(r, "the detector replay uses the default thresholds:"
					       " the recorded configuration does not parse: %s",
					       err.text);
			break;
		}
	}
	if (o->thresholds_path != NULL && lw_thresholds_load(o->thresholds_path, th, &err) != 0)
		lw_report_note(r, "thresholds file not used: %s", err.text);
}

static int bounds(struct lw_report *r, struct lw_rdb *d, const struct lw_report_opts *o,
		  int64_t *full_lo, int64_t *full_hi, int64_t *win_lo, int64_t *win_hi,
		  struct lw_error *err)
{
	const int64_t none = INT64_MIN;

	if (lw_rdb_int(d, "SELECT min(t) FROM cycle", 0, 0, none, full_lo) != SQLITE_OK ||
	    lw_rdb_int(d, "SELECT max(t) FROM cycle", 0, 0, none, full_hi) != SQLITE_OK ||
	    lw_rdb_int(d, "SELECT min(t) FROM win_cycle", 0, 0, none, win_lo) != SQLITE_OK ||
	    lw_rdb_int(d, "SELECT max(t) FROM win_cycle", 0, 0, none, win_hi) != SQLITE_OK)
		return lw_error_set(err, EIO, "%s: %s", r->db_path, sqlite3_errmsg(d->db));
	if (*full_lo == none && *win_lo == none)
		return lw_error_set(err, ENODATA, "%s: the history holds no sample yet", r->db_path);
	r->data_from = *win_lo != none ? *win_lo : *full_lo;
	r->data_to = *full_hi != none ? *full_hi : *win_hi;
	r->from = o->from;
	r->to = o->to;
	if (o->last_s > 0) {
		r->to = r->data_to;
		r->from = r->data_to - o->last_s;
	}
	if (r->from == 0 || r->from < r->data_from)
		r->from = r->data_from;
	if (r->to == 0 || r->to > r->data_to)
		r->to = r->data_to;
	return 0;
}

static int build(struct lw_report *r, const struct lw_report_opts *o, struct lw_rdb *d,
		 struct lw_error *err)
{
	struct build bd = { .d = d };
	int64_t full_lo, full_hi, win_lo, win_hi, n;
	struct lw_thresholds th;
	struct lw_rexp x;
	int rc = 0;

	if (bounds(r, d, o, &full_lo, &full_hi, &win_lo, &win_hi, err) != 0)
		return -1;
	r->schema_version = d->version;
	if ((r->names = calloc(1, sizeof(struct lw_rnames))) == NULL)
		return lw_error_set(err, ENOMEM, "out of memory");
	memcpy(((struct lw_rnames *)r->names)->kind_name, d->kind_name, sizeof(d->kind_name));
	memcpy(((struct lw_rnames *)r->names)->metric, d->metric, sizeof(d->metric));
	r->immutable = d->immutable;
	if (lw_rdb_int(d, "SELECT (SELECT count(*) FROM cycle WHERE t >= ?1 AND t <= ?2) +"
		       " (SELECT count(*) FROM win_cycle WHERE t >= ?1 AND t <= ?2)", r->from, r->to, 0,
		       &n) != SQLITE_OK || n == 0 || r->from > r->to)
		return lw_error_set(err, ENODATA, "%s: no sample in the window asked (the history holds"
				    " %lld to %lld)", r->db_path, (long long)r->data_from,
				    (long long)r->data_to);
	if (d->immutable)
		lw_report_note(r, "the database was opened with immutable=1 (its directory or file is"
			       " read-only): samples still in its -wal file are not in this report");
	if (!d->has_runs)
		lw_report_note(r, "schema version %d history: no run or alarm event table (restarts,"
			       " reboots and the alarm history are not known)", d->version);
	if (d->has_runs && (lw_rmeta_runs(r, d, err) != 0 || lw_rmeta_events(r, d, err) != 0))
		return -1;
	r->has_collectors = d->has_collectors;
	if (d->has_collectors && lw_rmeta_collectors(r, d, err) != 0)
		return -1;
	r->interval_s = usual_interval(d, r->from, r->to);
	thresholds_in_force(r, o, &th);
	bd.b.r = r;
	bd.b.from = r->from;
	bd.b.to = r->to;
	bd.b.nbuckets = o->chart_width_px ? o->chart_width_px : 900;
	bd.b.gap_full_s = 2 * (int64_t)(r->interval_s ? r->interval_s : 60);
	if (lw_rdb_int(d, "SELECT max(span_s) FROM win_cycle", 0, 0, 600, &n) != SQLITE_OK)
		n = 600;
	bd.b.gap_win_s = 2 * n;
	/* The daemon replays what its detectors remember at a start (stage_detect.c): the long
	 * floors' reach and a window; the verdict is the one it had at the window's end. */
	bd.replay_from = r->to - (int64_t)th.v[LW_TH_LEAK_WINDOW] *
				 (LW_DETECT_LONG_WINDOWS * LW_DETECT_LONG_FLOORS + 1);
	if (lw_watch_new(&bd.watch, &th) != 0)
		return lw_error_set(err, ENOMEM, "out of memory");
	if (lw_rreplay_start(&bd.rq, bd.watch) != 0) {
		lw_watch_free(bd.watch);
		return lw_error_set(err, ENOMEM, "out of memory");
	}
	bd.win.win = true;
	bd.bfirst = malloc(bd.b.nbuckets * sizeof(*bd.bfirst));
	bd.blast = malloc(bd.b.nbuckets * sizeof(*bd.blast));
	if (bd.bfirst == NULL || bd.blast == NULL) {
		rc = SQLITE_NOMEM;
		memset(&x, 0, sizeof(x));
		goto fail;
	}
	for (unsigned k = 0; k < bd.b.nbuckets; k++)
		bd.bfirst[k] = bd.blast[k] = -1;
	bd.pts.bfirst = bd.bfirst;
	bd.pts.blast = bd.blast;
	if ((rc = lw_rexp_init(&x, d->db, true)) == SQLITE_OK) {
		/* windows only where the full resolution does not reach */
		int64_t wto = full_lo != INT64_MIN && full_lo <= r->to ? full_lo - 1 : r->to;

		if (win_lo != INT64_MIN && r->from <= wto &&
		    (rc = lw_rexp_run(&x, r->from, r->from, wto, on_point, &bd)) == SQLITE_OK)
			rc = tier_end(&bd, &x);
		x.win = false;
		if (rc == SQLITE_OK && full_lo != INT64_MIN &&
		    (rc = lw_rexp_run(&x, r->from, r->from, r->to, on_point, &bd)) == SQLITE_OK)
			rc = tier_end(&bd, &x);
	}
fail:
	lw_rreplay_finish(bd.rq, true);  /* before the names it reads go */
	bd.rq = NULL;
	lw_rexp_free(&x);
	if (rc == SQLITE_OK && lw_racc_finish(&bd.b) != 0)
		rc = SQLITE_NOMEM;
	if (rc != SQLITE_OK) {
		lw_error_set(err, rc == SQLITE_NOMEM ? ENOMEM : EIO, "%s: %s", r->db_path,
			     rc == SQLITE_NOMEM ? "out of memory" : sqlite3_errmsg(d->db));
		goto out;
	}
	verdicts(&bd);
	r->full_from = bd.full.n ? bd.full.t[0] : 0;
	r->window_s = (uint32_t)bd.win_span;
	if (lw_rmeta_gaps(r, bd.win.t, bd.win.n, bd.b.gap_win_s, err) != 0 ||
	    lw_rmeta_gaps(r, bd.full.t, bd.full.n, bd.b.gap_full_s, err) != 0 ||
	    lw_rfigures(r, &bd.b, th.v[LW_TH_LEAK_MIN_SLOPE], th.v[LW_TH_FD_MIN_SLOPE], err) != 0) {
		rc = -1;
		goto out;
	}
	lw_rmeta_self(r);
out:
	lw_racc_free(&bd.b);
	lw_watch_free(bd.watch);
	tier_free(&bd.full);
	tier_free(&bd.win);
	free(bd.bfirst);
	free(bd.blast);
	return rc == SQLITE_OK ? 0 : -1;
}

int lw_report_build(struct lw_report **out, const struct lw_report_opts *o, struct lw_error *err)
{
	struct lw_report *r = calloc(1, sizeof(*r));
	struct lw_rdb d;
	int rc;

	*out = NULL;
	if (r == NULL)
		return lw_error_set(err, ENOMEM, "out of memory");
	snprintf(r->db_path, sizeof(r->db_path), "%s", o->db_path);
	r->generated_t = (int64_t)time(NULL);
	if (lw_rdb_open(&d, o->db_path, err) != 0) {
		free(r);
		return -1;
	}
	rc = build(r, o, &d, err);
	lw_rdb_close(&d);
	if (rc != 0) {
		lw_report_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

void lw_report_free(struct lw_report *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nseries; i++)
		free(r->series[i].pts);
	for (size_t i = 0; i < r->nruns; i++) {
		free(r->runs[i].config);
		free(r->runs[i].coll);
	}
	free(r->series);
	free(r->runs);
	free(r->gaps);
	free(r->events);
	free(r->suspects);
	free(r->names);
	free(r);
}
