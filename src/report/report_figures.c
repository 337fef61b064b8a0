/* report_figures.c: each series' limit and time to exhaustion, and the suspects: leaking, suspect, then rising series by slope relative to size. */
/* SPDX-License-Identifier: ISC */
#include "report/report_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "history/history_kinds.h"

/* The last value of a system field in the window; NAN when absent. */
static double sys_end(const struct lw_report *r, const char *name)
{
	for (size_t i = 0; i < r->nseries; i++)
		if (r->series[i].kind == LW_HK_SYS && strcmp(r->series[i].name, name) == 0 &&
		    r->series[i].samples > 0)
			return r->series[i].end;
	return NAN;
}

/* The fd_limit series of the processes, by (pid, start_time): a process's own limit. */
struct limits {
	const struct lw_report *r;
	size_t *fdl;
	size_t n;
	double avail, total, tcp_mem_max, max_orphans;
};

static int cmp_ident(const struct lw_report_series *x, uint32_t pid, int64_t start)
{
	if (x->pid != pid)
		return x->pid < pid ? -1 : 1;
	return x->start_time < start ? -1 : x->start_time > start;
}

static const struct lw_report *sort_r;

static int cmp_fdl(const void *a, const void *b)
{
	const struct lw_report_series *y = &sort_r->series[*(const size_t *)b];

	return cmp_ident(&sort_r->series[*(const size_t *)a], y->pid, y->start_time);
}

static double fd_limit_of(const struct limits *l, const struct lw_report_series *s)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_ident(&l->r->series[l->fdl[mid]], s->pid, s->start_time) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < l->n && cmp_ident(&l->r->series[l->fdl[lo]], s->pid, s->start_time) == 0)
		return l->r->series[l->fdl[lo]].end;
	return NAN;
}

static bool is(const struct lw_report_series *s, int kind, const char *metric)
{
	return s->kind == kind && strcmp(s->metric, metric) == 0;
}

static bool is_sys(const struct lw_report_series *s, const char *name)
{
	return s->kind == LW_HK_SYS && strcmp(s->name, name) == 0;
}

/* The series the suspects panel ranks (the detector's and their kin), and their unit's
 * smallest slope worth a rank: the detector's min_slope (KiB/h) or fd_min_slope (count/h). */
static double rank_floor(const struct lw_report_series *s, double kb_h, double count_h)
{
	if (is(s, LW_HK_PROC, "rss_kb") || is(s, LW_HK_GROUP, "rss_kb") ||
	    is_sys(s, "slab_kb") || is_sys(s, "sunreclaim_kb") || is_sys(s, "mem_available_kb"))
		return kb_h;
	if (is(s, LW_HK_SLAB, "total_bytes"))
		return kb_h * 1024;
	if (is_sys(s, "tcp_mem_pages"))
		return kb_h / 4;
	if (is(s, LW_HK_PROC, "fds") || is(s, LW_HK_GROUP, "fds") || is(s, LW_HK_PROC, "sockets") ||
	    is_sys(s, "tcp_orphans") || is_sys(s, "files_allocated"))
		return count_h;
	return -1;
}

/* limit - current at the slope, in seconds; -1 when none forecast. */
static int64_t to_limit(double current, double limit, double slope_per_h)
{
	if (!(slope_per_h > 0) || !isfinite(limit) || limit <= current)
		return -1;
	return (int64_t)((limit - current) / slope_per_h * 3600.0);
}

static void exhaustion(const struct limits *l, struct lw_report_series *s)
{
	double avail = l->avail, total = l->total;

	if ((s->kind == LW_HK_PROC || s->kind == LW_HK_GROUP) &&
	    (!strcmp(s->metric, "rss_kb") || !strcmp(s->metric, "anon_kb"))) {
		/* what it takes grows into what the host can still give (watch.c) */
		s->limit_name = "MemAvailable";
		s->exhaustion_s = to_limit(s->end, s->end + avail, s->slope_per_h);
	} else if (is(s, LW_HK_PROC, "fds")) {
		s->limit_name = "RLIMIT_NOFILE";
		s->exhaustion_s = to_limit(s->end, fd_limit_of(l, s), s->slope_per_h);
	} else if (is(s, LW_HK_SLAB, "total_bytes")) {
		s->limit_name = "MemTotal";
		s->exhaustion_s = to_limit(s->end, total * 1024, s->slope_per_h);
	} else if (is_sys(s, "slab_kb") || is_sys(s, "sunreclaim_kb")) {
		s->limit_name = "MemTotal";
		s->exhaustion_s = to_limit(s->end, total, s->slope_per_h);
	} else if (is_sys(s, "mem_available_kb")) {
		s->limit_name = "MemAvailable";
		/* downward, to 0 */
		s->exhaustion_s = to_limit(-s->end, 0, -s->slope_per_h);
	} else if (is_sys(s, "tcp_mem_pages")) {
		s->limit_name = "tcp_mem";
		s->exhaustion_s = to_limit(s->end, l->tcp_mem_max, s->slope_per_h);
	} else if (is_sys(s, "tcp_orphans")) {
		s->limit_name = "tcp_max_orphans";
		s->exhaustion_s = to_limit(s->end, l->max_orphans, s->slope_per_h);
	}
}

static int rank(const struct lw_report_series *s)
{
	return s->verdict == LW_RV_LEAKING ? 0 : s->verdict == LW_RV_SUSPECT ? 1 : 2;
}

static int cmp_suspects(const void *a, const void *b)
{
	const struct lw_report_series *x = &sort_r->series[*(const size_t *)a];
	const struct lw_report_series *y = &sort_r->series[*(const size_t *)b];
	double rx = fabs(x->rel_slope_per_h), ry = fabs(y->rel_slope_per_h);

	if (rank(x) != rank(y))
		return rank(x) - rank(y);
	if (rx != ry)
		return rx > ry ? -1 : 1;
	/* a process before its group of the same growth */
	if (x->kind != y->kind)
		return x->kind - y->kind;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

int lw_rfigures(struct lw_report *r, const struct lw_rbuild *b, uint32_t min_slope_kb_h,
		uint32_t min_slope_count_h, struct lw_error *err)
{
	struct limits l = { .r = r };

	(void)b;
	l.avail = sys_end(r, "mem_available_kb");
	l.total = sys_end(r, "mem_total_kb");
	l.tcp_mem_max = sys_end(r, "tcp_mem_max_pages");
	l.max_orphans = sys_end(r, "tcp_max_orphans");
	l.fdl = malloc((r->nseries ? r->nseries : 1) * sizeof(*l.fdl));
	if (l.fdl == NULL)
		return lw_error_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < r->nseries; i++)
		if (is(&r->series[i], LW_HK_PROC, "fd_limit") && r->series[i].samples)
			l.fdl[l.n++] = i;
	sort_r = r;
	qsort(l.fdl, l.n, sizeof(*l.fdl), cmp_fdl);
	r->suspects = malloc((r->nseries ? r->nseries : 1) * sizeof(*r->suspects));
	if (r->suspects == NULL) {
		free(l.fdl);
		return lw_error_set(err, ENOMEM, "out of memory");
	}
	r->nsuspects = 0;
	for (size_t i = 0; i < r->nseries; i++) {
		struct lw_report_series *s = &r->series[i];
		double floor = rank_floor(s, min_slope_kb_h, min_slope_count_h);
		bool down = is_sys(s, "mem_available_kb");
		double slope = down ? -s->slope_per_h : s->slope_per_h;

		exhaustion(&l, s);
		if (!(floor >= 0))
			continue;
		/* Ranked: the detector's leaking and suspect series, and the series whose level
		 * rose through the window (the last quarter's averages all above the first
		 * quarter's: a sawtooth's floors come back down) at the detector's material
		 * slope at least, over a quarter of the window at least and 10 samples: a
		 * process's start-up is no leak. */
		if (s->verdict == LW_RV_LEAKING || s->verdict == LW_RV_SUSPECT ||
		    (s->rising && slope >= floor && slope > 0 && s->samples >= 10 &&
		     (s->last_t - s->first_t) * 4 >= r->to - r->from))
			r->suspects[r->nsuspects++] = i;
	}
	qsort(r->suspects, r->nsuspects, sizeof(*r->suspects), cmp_suspects);
	sort_r = NULL;
	free(l.fdl);
	return 0;
}
