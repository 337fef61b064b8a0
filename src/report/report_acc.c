/* report_acc.c: one series' samples reduced to points (a bucket per pixel, flat runs kept as their ends) and its running figures. */
/* SPDX-License-Identifier: ISC */
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

	/* Capacity: 4, then the next power of two; grown when npts reaches it. Most series of a
	 * large host hold their value (2 points: a flat run's ends): a larger first capacity was
	 * most of the model's memory (140,000 series x 32 points of 40 bytes). */
	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
		size_t cap = n == 0 ? 4 : n * 2;
		void *q = realloc(s->pts, cap * sizeof(*s->pts));

		if (q == NULL)
			return -1;
		s->pts = q;
	}
	s->pts[s->npts++] = *p;
	return 0;
}

static bool flat_at(const struct lw_report_point *p, double v)
{
	return p->min == v && p->max == v && p->avg == v;
}

/* A point after the last: a flat run (three points of one value, no gap between them) keeps
 * only its ends, its samples counted in the last. The last point waits in the accumulator
 * (pend) so that a run's middle never reaches the array. */
static int add_point(struct lw_racc *a, struct lw_report_series *s, const struct lw_report_point *p)
{
	double v = p->min;

	if (a->has_pend && !a->brk && a->joined && flat_at(p, v) && flat_at(&a->pend, v) &&
	    a->before_flat && a->before_v == v) {
		uint32_t n = a->pend.n + p->n;

		a->pend = *p;
		a->pend.n = n;
		return 0;
	}
	if (a->has_pend) {
		if (push_point(s, &a->pend) != 0)
			return -1;
		a->before_flat = flat_at(&a->pend, a->pend.min);
		a->before_v = a->pend.min;
	}
	a->joined = !a->brk && a->has_pend;
	a->brk = false;
	a->pend = *p;
	a->has_pend = true;
	return 0;
}

/* The bucket being filled becomes a point. */
static int flush(struct lw_rbuild *b, size_t i)
{
	struct lw_racc *a = &b->acc[i];
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
	return add_point(a, &b->r->series[i], &p);
}

/* The slot being filled into the slots; they double in width when the span outgrows them. */
static void slot_commit(struct lw_racc *a)
{
	if (a->cur_n == 0)
		return;
	a->slot_sum[a->cur_k] += a->cur_sum;
	a->slot_n[a->cur_k] += (uint32_t)a->cur_n;
	a->cur_sum = 0;
	a->cur_n = 0;
}

static void slot_add(struct lw_racc *a, int64_t t, double v, uint32_t n)
{
	int64_t k;

	if (a->cur_n > 0 && t >= a->cur_end - a->slot_w && t < a->cur_end) {
		a->cur_sum += v * n;
		a->cur_n += n;
		return;
	}
	slot_commit(a);
	k = (t - a->slot_t0) / a->slot_w;
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
	a->cur_k = k;
	a->cur_end = a->slot_t0 + (k + 1) * a->slot_w;
	a->cur_sum = v * n;
	a->cur_n = n;
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

/* Opens bucket idx if none is open, and widens its range to [mn, mx]. */
static void bucket_take(struct lw_racc *a, int64_t idx, double mn, double mx)
{
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
}

int lw_racc_add(struct lw_rbuild *b, size_t i, int64_t t, double mn, double mx, double avg,
		uint32_t n, int64_t gap_s)
{
	struct lw_racc *a = &b->acc[i];
	int64_t span = b->to - b->from + 1;
	int64_t idx = span > 0 ? (t - b->from) * (int64_t)b->nbuckets / span : 0;

	if (a->has_last && t - a->last_t > gap_s) {
		if (flush(b, i) != 0)
			return -1;
		a->brk = true;
	}
	if (a->b_open && idx != a->b_idx && flush(b, i) != 0)
		return -1;
	bucket_take(a, idx, mn, mx);
	a->b_sum += avg * n;
	a->b_tsum += t;
	a->b_n++;       /* points in the bucket: its time is theirs on average */
	a->b_ns += n;   /* samples behind them */
	if (a->samples == 0) {
		a->mn = mn;
		a->mx = mx;
		a->first_t = t;
		a->first_v = avg;
	}
	if (mn < a->mn)
		a->mn = mn;
	if (mx > a->mx)
		a->mx = mx;
	a->samples += n;
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
	a->end_t = t;
	a->last_v = avg;
	a->has_last = true;
	return 0;
}

/* slot_add of v at each of t[qa..qb-1]: a slot's samples in one step (integer values, or a
 * counter's rate 0: the sums are exact either way, so the same as one at a time). */
static void slot_bulk(struct lw_racc *a, const int64_t *t, size_t qa, size_t qb, double v)
{
	size_t q = qa;

	while (q < qb) {
		if (a->cur_n > 0 && t[q] >= a->cur_end - a->slot_w && t[q] < a->cur_end) {
			size_t lo = q, hi = qb;

			while (lo < hi) {  /* the first point at or past the slot's end */
				size_t mid = lo + (hi - lo) / 2;

				if (t[mid] < a->cur_end)
					lo = mid + 1;
				else
					hi = mid;
			}
			a->cur_sum += v * (double)(lo - q);
			a->cur_n += lo - q;
			q = lo;
		} else {
			slot_add(a, t[q], v, 1);
			q++;
		}
	}
}

/* add_point would fold a flat bucket at v into pend (the middle of a flat run). */
static bool folding(const struct lw_racc *a, double v)
{
	return a->has_pend && !a->brk && a->joined && flat_at(&a->pend, v) && a->before_flat &&
	       a->before_v == v;
}

int lw_racc_const(struct lw_rbuild *b, size_t i, const struct lw_rpts *p, size_t qa, size_t qb,
		  double v)
{
	struct lw_racc *a = &b->acc[i];
	size_t q = qa;

	if (qa >= qb)
		return 0;
	a->samples += qb - qa;
	a->steps += qb - qa;  /* none up: the value holds */
	if (a->varied)
		slot_bulk(a, p->t, qa, qb, v);
	else
		a->const_n += qb - qa;
	while (q < qb) {
		int32_t idx = p->bidx[q];
		size_t end = (size_t)p->blast[idx] + 1, c;

		if (a->b_open && idx != a->b_idx) {
			if (flush(b, i) != 0)
				return -1;
			/* Every whole bucket from here to the last one holds v alone, and each
			 * would fold into pend: fold them at once. pend takes the last one's time. */
			if (folding(a, v)) {
				size_t last = (size_t)p->bfirst[p->bidx[qb - 1]], s0;

				if (last > q) {
					s0 = (size_t)p->bfirst[p->bidx[last - 1]];
					if (s0 < q)
						s0 = q;
					a->pend.t = (p->tsum[last] - p->tsum[s0]) / (int64_t)(last - s0);
					a->pend.n += (uint32_t)(last - q);
					q = last;
					continue;
				}
			}
		}
		if (end > qb)
			end = qb;
		c = end - q;
		bucket_take(a, idx, v, v);
		a->b_sum += v * (double)c;
		a->b_tsum += p->tsum[end] - p->tsum[q];
		a->b_n += (uint32_t)c;
		a->b_ns += (uint32_t)c;
		q = end;
	}
	a->last_t = p->t[qb - 1];
	a->end_t = a->last_t;
	a->last_v = v;
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

static void swap_d(double *a, double *b)
{
	double t = *a;

	*a = *b;
	*b = t;
}

/* The k-th smallest of v[0..n-1], reordering v so that every element before k is at most it:
 * quickselect with a three-way partition (slopes tie often: steps, flat stretches). */
static double select_k(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		double p = v[lo + (hi - lo) / 2];
		size_t lt = lo, i = lo, gt = hi;

		/* [lo, lt) < p, [lt, i) == p, (gt, hi] > p */
		while (i <= gt) {
			if (v[i] < p) {
				swap_d(&v[lt++], &v[i++]);
			} else if (v[i] > p) {
				swap_d(&v[i], &v[gt]);
				if (gt == 0)
					break;
				gt--;
			} else {
				i++;
			}
		}
		if (k < lt)
			hi = lt - 1;
		else if (k > gt)
			lo = gt + 1;
		else
			return p;
	}
	return v[k];
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
	if (m % 2) {
		med = select_k(sl, m, m / 2);
	} else {
		double hi = select_k(sl, m, m / 2), lo = sl[0];

		/* after the selection every slope before m / 2 is at most hi: the largest of
		 * them is the other middle one */
		for (size_t k = 1; k < m / 2; k++)
			if (sl[k] > lo)
				lo = sl[k];
		med = (lo + hi) / 2;
	}
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
		if (a->has_pend && push_point(s, &a->pend) != 0)
			return -1;
		a->has_pend = false;
		if (a->varied)
			slot_commit(a);
		s->samples = a->samples;
		s->min = a->mn;
		s->max = a->mx;
		s->first_t = a->first_t;
		s->last_t = a->end_t;
		s->start = a->first_v;
		s->end = a->last_v;
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
			free(b->acc[i].rname);
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
		free(b->acc[i].rname);
	}
	free(b->acc);
	b->acc = NULL;
}
