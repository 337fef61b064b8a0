/* report_html_reduce.c: a series reduced to about two points per pixel column, keeping its spikes and its gaps. */
/* SPDX-License-Identifier: ISC */
#include "report/report_html.h"

#include <math.h>

/*
 * Why min and max per column rather than every k-th point or an average: a chart is read for its
 * peaks (the one cycle a process held 2 GiB) as much as for its trend, and a column of pixels can
 * show both its lowest and its highest value as one vertical stroke. Drawing the two in time order
 * gives the same picture as drawing every point, at 2 points per pixel whatever the input.
 */

struct bucket {
	long col;                   /* -1: empty */
	bool window;                /* holds window-tier points */
	bool newseg;
	struct lw_report_point lo, hi;  /* full resolution: the lowest and highest sample */
	double wmin, wmax, wsum;    /* every point: min, max, sample-weighted sum of averages */
	double wn;
	int64_t wt;                 /* window-tier: the time of the column's first point */
};

static size_t flush(struct bucket *b, struct lw_rh_pt *out, size_t o)
{
	if (b->col < 0)
		return o;
	if (b->window) {
		out[o++] = (struct lw_rh_pt){ .t = b->wt, .min = b->wmin, .max = b->wmax,
					       .avg = b->wn > 0 ? b->wsum / b->wn : b->wmin,
					       .band = true, .newseg = b->newseg };
	} else {
		const struct lw_report_point *first = &b->lo, *second = &b->hi;

		if (b->hi.t < b->lo.t) {
			first = &b->hi;
			second = &b->lo;
		}
		out[o++] = (struct lw_rh_pt){ .t = first->t, .min = first->avg, .max = first->avg,
					       .avg = first->avg, .newseg = b->newseg };
		if (second->t != first->t)
			out[o++] = (struct lw_rh_pt){ .t = second->t, .min = second->avg,
						       .max = second->avg, .avg = second->avg };
	}
	b->col = -1;
	return o;
}

static void add(struct bucket *b, long col, const struct lw_report_point *p, bool newseg)
{
	bool win = p->n > 1;
	double w = p->n > 0 ? (double)p->n : 1.0;
	double lo = win ? p->min : p->avg, hi = win ? p->max : p->avg;

	if (b->col < 0) {
		b->col = col;
		b->window = win;
		b->newseg = newseg;
		b->lo = b->hi = *p;
		b->wmin = lo;
		b->wmax = hi;
		b->wsum = p->avg * w;
		b->wn = w;
		b->wt = p->t;
		return;
	}
	b->window |= win;
	if (p->avg < b->lo.avg)
		b->lo = *p;
	if (p->avg > b->hi.avg)
		b->hi = *p;
	if (lo < b->wmin)
		b->wmin = lo;
	if (hi > b->wmax)
		b->wmax = hi;
	b->wsum += p->avg * w;
	b->wn += w;
}

/* Does one of the report's gaps (stretches without samples) lie between a and b? gaps are in
 * time order; *gi only moves forward as the points do. */
static bool across_gap(const struct lw_report_gap *gaps, size_t ngaps, size_t *gi, int64_t a,
		       int64_t b)
{
	while (*gi < ngaps && gaps[*gi].from < a)
		(*gi)++;
	return *gi < ngaps && gaps[*gi].to <= b && gaps[*gi].to > gaps[*gi].from;
}

size_t lw_rh_reduce(const struct lw_report_point *pts, size_t npts, int64_t t0, int64_t t1,
		    unsigned cols, double gap_s, const struct lw_report_gap *gaps, size_t ngaps,
		    struct lw_rh_pt *out)
{
	struct bucket b = { .col = -1 };
	const struct lw_report_point *prev = NULL;
	double span = t1 > t0 ? (double)(t1 - t0) : 1.0;
	size_t o = 0, gi = 0;

	if (cols == 0)
		cols = 1;
	for (size_t i = 0; i < npts; i++) {
		const struct lw_report_point *p = &pts[i];
		bool newseg = prev == NULL;
		long col;

		if (p->t < t0 || p->t > t1 || !isfinite(p->avg))
			continue;
		if (prev != NULL) {
			double step = (double)(p->t - prev->t);
			uint32_t n = p->n > prev->n ? p->n : prev->n;
			double limit = n > 1 ? 2.0 * gap_s * n : gap_s;

			newseg = step > limit || across_gap(gaps, ngaps, &gi, prev->t, p->t);
		}
		col = (long)((double)(p->t - t0) / span * cols);
		if (col >= (long)cols)
			col = (long)cols - 1;
		if (col != b.col || newseg)
			o = flush(&b, out, o);
		add(&b, col, p, newseg);
		prev = p;
	}
	return flush(&b, out, o);
}
