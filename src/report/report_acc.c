/* report_acc.c: one series' samples reduced to points (a bucket per pixel, flat runs kept as their ends) and its running figures. */
#include "report/report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int32_t lw_rseries_new(struct lw_rbuild *b)
{
	struct lw_report *r = b->r;

	if (r->nseries == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 1024;
		void *p = realloc(r->series, nc * sizeof(*r->series)), *q;

		if (p == NULL)
			return -1;
		r->series = p;
		if ((q = realloc(b->acc, nc * sizeof(*b->acc))) == NULL)
			return -1;
		b->acc = q;
		b->cap = nc;
	}
	if (r->nseries >= INT32_MAX)
		return -1;
	memset(&r->series[r->nseries], 0, sizeof(r->series[0]));
	memset(&b->acc[r->nseries], 0, sizeof(b->acc[0]));
	r->series[r->nseries].exhaustion_s = -1;
	return (int32_t)r->nseries++;
}

static int push_point(struct lw_report_series *s, const struct lw_report_point *p)
{
	size_t n = s->npts;

	/* Capacity: 32, then the next power of two; grown when npts reaches it. */
	if (n == 0 || (n >= 32 && (n & (n - 1)) == 0)) {
		size_t cap = n == 0 ? 32 : n * 2;
		void *q = realloc(s->pts, cap * sizeof(*s->pts));

		if (q == NULL)
			return -1;
		s->pts = q;
	}
	s->pts[s->npts++] = *p;
	return 0;
}

static bool flat_eq(const struct lw_report_point *p, double v)
{
	return p->min == v && p->max == v && p->avg == v;
}

/* The bucket being filled becomes a point; a flat run (three points of one value, no gap
 * between them) keeps only its ends, its samples counted in the last. */
static int flush(struct lw_rbuild *b, size_t i)
{
	struct lw_racc *a = &b->acc[i];
	struct lw_report_series *s = &b->r->series[i];
	struct lw_report_point p;

	if (!a->b_open)
		return 0;
	a->b_open = false;
	p.t = a->b_tsum / (int64_t)a->b_n;
	p.min = a->b_min;
	p.max = a->b_max;
	p.avg = a->b_sum / (double)a->b_ns;
	p.n = a->b_ns;
	if (p.min == p.max)
		p.avg = p.min;  /* no rounding residue on a flat bucket */
	if (!a->brk && a->joined && s->npts >= 2 && flat_eq(&p, p.min) &&
	    flat_eq(&s->pts[s->npts - 1], p.min) && flat_eq(&s->pts[s->npts - 2], p.min)) {
		struct lw_report_point *last = &s->pts[s->npts - 1];

		p.n += last->n;
		*last = p;
		return 0;
	}
	a->joined = !a->brk && s->npts > 0;
	a->brk = false;
	return push_point(s, &p);
}

/* The slots of the robust slope: LW_RSLOTS averages over the series' span, each slot twice
 * as wide when the span outgrows them. */
static void slot_add(struct lw_racc *a, int64_t t, double v, uint32_t n)
{
	int64_t k = (t - a->slot_t0) / a->slot_w;

	while (k >= LW_RSLOTS) {
		for (int j = 0; j < LW_RSLOTS / 2; j++) {
			a->slot_sum[j] = a->slot_sum[2 * j] + a->slot_sum[2 * j + 1];
			a->slot_n[j] = a->slot_n[2 * j] + a->slot_n[2 * j + 1];
		}
		memset(a->slot_sum + LW_RSLOTS / 2, 0, LW_RSLOTS / 2 * sizeof(*a->slot_sum));
		memset(a->slot_n + LW_RSLOTS / 2, 0, LW_RSLOTS / 2 * sizeof(*a->slot_n));
		a->slot_w *= 2;
		k = (t - a->slot_t0) / a->slot_w;
	}
	if (k < 0)
		k = 0;
	a->slot_sum[k] += v * n;
	a->slot_n[k] += n;
}

static int vary(struct lw_racc *a, int64_t unit)
{
	a->slot_sum = calloc(LW_RSLOTS, sizeof(*a->slot_sum));
	a->slot_n = calloc(LW_RSLOTS, sizeof(*a->slot_n));
	if (a->slot_sum == NULL || a->slot_n == NULL)
		return -1;
	a->slot_t0 = a->first_t;
	a->slot_w = unit > 0 ? unit : 1;
	a->varied = true;
	/* The samples before the first change were all first_v: spread them evenly over
	 * their span (their mean is exact whatever their times were). */
	for (uint64_t k = 0; k < a->const_n; k++) {
		int64_t t = a->const_n > 1 ? a->first_t + (int64_t)((double)(a->last_t - a->first_t) *
							       (double)k / (double)(a->const_n - 1))
					   : a->first_t;

		slot_add(a, t, a->first_v, 1);
	}
	return 0;
}

int lw_racc_add(struct lw_rbuild *b, size_t i, int64_t t, double mn, double mx, double avg,
		uint32_t n, int64_t gap_s)
{
	struct lw_racc *a = &b->acc[i];
	struct lw_report_series *s = &b->r->series[i];
	int64_t span = b->to - b->from + 1;
	int64_t idx = span > 0 ? (t - b->from) * (int64_t)b->nbuckets / span : 0;

	if (a->has_last && t - a->last_t > gap_s) {
		if (flush(b, i) != 0)
			return -1;
		a->brk = true;
	}
	if (a->b_open && idx != a->b_idx && flush(b, i) != 0)
		return -1;
	if (!a->b_open) {
		a->b_open = true;
		a->b_idx = idx;
		a->b_tsum = 0;
		a->b_n = 0;
		a->b_ns = 0;
		a->b_sum = 0;
		a->b_min = mn;
		a->b_max = mx;
	}
	if (mn < a->b_min)
		a->b_min = mn;
	if (mx > a->b_max)
		a->b_max = mx;
	a->b_sum += avg * n;
	a->b_tsum += t;
	a->b_n++;       /* points in the bucket: its time is theirs on average */
	a->b_ns += n;   /* samples behind them */
	if (s->samples == 0) {
		s->min = mn;
		s->max = mx;
		s->first_t = t;
		s->start = avg;
		a->first_v = avg;
		a->first_t = t;
	}
	if (mn < s->min)
		s->min = mn;
	if (mx > s->max)
		s->max = mx;
	s->samples += n;
	s->last_t = t;
	s->end = avg;
	if (a->has_last) {
		a->steps++;
		if (avg > a->last_v)
			a->ups++;
	}
	if (!a->varied && avg != a->first_v && vary(a, b->gap_full_s / 2) != 0)
		return -1;
	if (a->varied)
		slot_add(a, t, avg, n);
	else
		a->const_n++;
	a->last_t = t;
	a->last_v = avg;
	a->has_last = true;
	return 0;
}

int lw_racc_counter(struct lw_rbuild *b, size_t i, int64_t t, uint64_t raw, int64_t gap_s)
{
	struct lw_racc *a = &b->acc[i];
	int rc = 0;

	/* A rate needs the value before, close enough; a counter that went back restarted. */
	if (a->has_raw && t > a->last_t && raw >= a->last_raw && t - a->last_t <= gap_s) {
		double rate = (double)(raw - a->last_raw) / (double)(t - a->last_t);

		rc = lw_racc_add(b, i, t, rate, rate, rate, 1, gap_s);
	}
	a->last_raw = raw;
	a->has_raw = true;
	a->last_t = t;
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double lw_rtheil_sen(const double *x, const double *y, size_t n)
{
	size_t m = 0;
	double *sl, med;

	if (n < 2)
		return 0;
	sl = malloc(n * (n - 1) / 2 * sizeof(*sl));
	if (sl == NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (x[j] != x[i])
				sl[m++] = (y[j] - y[i]) / (x[j] - x[i]);
	if (m == 0) {
		free(sl);
		return 0;
	}
	qsort(sl, m, sizeof(*sl), cmp_double);
	med = m % 2 ? sl[m / 2] : (sl[m / 2 - 1] + sl[m / 2]) / 2;
	free(sl);
	return med;
}

/* Theil-Sen over the slots' averages, per hour; and whether every slot of the last quarter
 * of the span stands above every slot of the first (a sawtooth's floors do not). */
static void slope_of(struct lw_racc *a, struct lw_report_series *s)
{
	double x[LW_RSLOTS], y[LW_RSLOTS];
	size_t n = 0;

	if (!a->varied)
		return;
	for (int k = 0; k < LW_RSLOTS; k++) {
		if (a->slot_n[k] == 0)
			continue;
		x[n] = ((double)a->slot_t0 + ((double)k + 0.5) * (double)a->slot_w) / 3600.0;
		y[n] = a->slot_sum[k] / a->slot_n[k];
		n++;
	}
	s->slope_per_h = lw_rtheil_sen(x, y, n);
	if (n >= 4) {
		size_t q = n / 4;
		double first_max = -INFINITY, last_min = INFINITY;

		for (size_t k = 0; k < q; k++)
			first_max = fmax(first_max, y[k]);
		for (size_t k = n - q; k < n; k++)
			last_min = fmin(last_min, y[k]);
		s->rising = last_min > first_max;
		/* MemAvailable leaks downward: the mirror test */
		if (s->slope_per_h < 0) {
			double first_min = INFINITY, last_max = -INFINITY;

			for (size_t k = 0; k < q; k++)
				first_min = fmin(first_min, y[k]);
			for (size_t k = n - q; k < n; k++)
				last_max = fmax(last_max, y[k]);
			s->rising = last_max < first_min;
		}
	}
}

int lw_racc_finish(struct lw_rbuild *b)
{
	for (size_t i = 0; i < b->r->nseries; i++) {
		struct lw_racc *a = &b->acc[i];
		struct lw_report_series *s = &b->r->series[i];
		double sum = 0;
		uint64_t n = 0;

		if (flush(b, i) != 0)
			return -1;
		s->delta = s->end - s->start;
		s->growing_share = a->steps ? (double)a->ups / (double)a->steps : 0;
		slope_of(a, s);
		for (size_t k = 0; k < s->npts; k++) {
			sum += s->pts[k].avg * s->pts[k].n;
			n += s->pts[k].n;
		}
		s->rel_slope_per_h = n ? s->slope_per_h / fmax(fabs(sum / (double)n), 1.0) : 0;
	}
	/* A counter seen once has no rate: no series. */
	for (size_t i = 0, k = 0, n = b->r->nseries; i < n; i++) {
		if (b->r->series[i].samples == 0) {
			free(b->r->series[i].pts);
			free(b->acc[i].slot_sum);
			free(b->acc[i].slot_n);
			b->r->nseries--;
			continue;
		}
		b->r->series[k] = b->r->series[i];
		b->acc[k++] = b->acc[i];
	}
	return 0;
}

void lw_racc_free(struct lw_rbuild *b)
{
	for (size_t i = 0; b->acc != NULL && i < b->r->nseries; i++) {
		free(b->acc[i].slot_sum);
		free(b->acc[i].slot_n);
	}
	free(b->acc);
	b->acc = NULL;
}
