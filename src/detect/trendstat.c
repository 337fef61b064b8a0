/* trendstat.c: Mann-Kendall S and variance, Hamed-Rao correction, Theil-Sen, normal tail. */
/* SPDX-License-Identifier: ISC */
#include "detect/trendstat.h"

#define MAX_PAIRS (LW_TREND_MAX_POINTS * (LW_TREND_MAX_POINTS - 1) / 2)

/* 1/d for the distances between points: a multiplication is cheaper than a division. */
#define INV4(d) 1.0 / (d), 1.0 / ((d) + 1), 1.0 / ((d) + 2), 1.0 / ((d) + 3)
#define INV16(d) INV4(d), INV4((d) + 4), INV4((d) + 8), INV4((d) + 12)
static const double inverse[LW_TREND_MAX_POINTS + 1] = {
	0, INV16(1), INV16(17), INV16(33), INV4(49), INV4(53), INV4(57), INV4(61),
};
_Static_assert(LW_TREND_MAX_POINTS == 64, "the table of inverses runs to 64");

/* libleakwatch links no libm: the few real functions needed are computed here. */
double lw_trend_sqrt(double x)
{
	double scale = 1, g = 1.5;

	if (!(x > 0))
		return 0;
	/* Bring x into [1, 4) by powers of 4, so that a fixed number of steps converges. */
	while (x >= 4) {
		x /= 4;
		scale *= 2;
	}
	while (x < 1) {
		x *= 4;
		scale /= 2;
	}
	for (int i = 0; i < 6; i++)
		g = (g + x / g) / 2;
	return g * scale;
}

/* e^-x for x >= 0: 2^-k * e^-r with x = k ln 2 + r, r in [0, ln 2), and a Taylor series. */
static double exp_neg(double x)
{
	static const double ln2 = 0.69314718055994530942;
	double term = 1, sum = 1, r;
	int k;

	if (x > 700)
		return 0;
	k = (int)(x / ln2);
	r = x - k * ln2;
	for (int i = 1; i <= 16; i++) {
		term *= -r / i;
		sum += term;
	}
	while (k-- > 0)
		sum /= 2;
	return sum;
}

/* Abramowitz and Stegun 26.2.17: absolute error below 7.5e-8, plenty for a significance. */
double lw_normal_upper_tail(double z)
{
	static const double b[5] = { 0.319381530, -0.356563782, 1.781477937, -1.821255978,
				     1.330274429 };
	double a = z < 0 ? -z : z, t = 1 / (1 + 0.2316419 * a), poly = 0, q;

	for (int i = 4; i >= 0; i--)
		poly = (poly + b[i]) * t;
	q = 0.39894228040143267794 * exp_neg(a * a / 2) * poly;
	return z < 0 ? 1 - q : q;
}

size_t lw_trend_present(const uint32_t *y, size_t n)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		m += y[i] != LW_TREND_MISSING;
	return m;
}

int32_t lw_mk_s(const uint32_t *y, size_t n)
{
	int32_t s = 0;

	for (size_t i = 0; i < n; i++) {
		if (y[i] == LW_TREND_MISSING)
			continue;
		for (size_t j = i + 1; j < n; j++)
			if (y[j] != LW_TREND_MISSING)
				s += (y[j] > y[i]) - (y[j] < y[i]);
	}
	return s;
}

double lw_mk_variance(const uint32_t *y, size_t n)
{
	uint32_t v[LW_TREND_MAX_POINTS];
	size_t m = 0;
	double var;

	if (n > LW_TREND_MAX_POINTS)
		n = LW_TREND_MAX_POINTS;
	for (size_t i = 0; i < n; i++) {
		if (y[i] == LW_TREND_MISSING)
			continue;
		/* insertion sort: at most 64 values */
		size_t j = m++;

		for (; j > 0 && v[j - 1] > y[i]; j--)
			v[j] = v[j - 1];
		v[j] = y[i];
	}
	var = (double)m * (m - 1) * (2.0 * m + 5);
	for (size_t i = 0; i < m;) {
		size_t t = 1;

		while (i + t < m && v[i + t] == v[i])
			t++;
		var -= (double)t * (t - 1) * (2.0 * t + 5);
		i += t;
	}
	return var / 18;
}

/*
 * The k-th smallest of a[0..n-1] (0-based). a is reordered so that a[0..k-1] <= a[k]:
 * quickselect with a three-way partition (slopes tie often), median-of-three pivot.
 */
static double select_kth(double *a, size_t n, size_t k)
{
	ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, want = (ptrdiff_t)k;

	while (lo < hi) {
		double x = a[lo], y = a[lo + (hi - lo) / 2], z = a[hi], pivot, tmp;
		ptrdiff_t lt = lo, i = lo, gt = hi;

		pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
		while (i <= gt) {
			if (a[i] < pivot) {
				tmp = a[lt];
				a[lt++] = a[i];
				a[i++] = tmp;
			} else if (a[i] > pivot) {
				tmp = a[gt];
				a[gt--] = a[i];
				a[i] = tmp;
			} else {
				i++;
			}
		}
		/* now [lo, lt) < pivot, [lt, gt] == pivot, (gt, hi] > pivot */
		if (want < lt)
			hi = lt - 1;
		else if (want > gt)
			lo = gt + 1;
		else
			return pivot;
	}
	return a[want];
}

double lw_theil_sen(const uint32_t *y, size_t n)
{
	double slopes[MAX_PAIRS];
	size_t np = 0;
	double upper, lower;

	if (n > LW_TREND_MAX_POINTS)
		n = LW_TREND_MAX_POINTS;
	for (size_t i = 0; i < n; i++) {
		if (y[i] == LW_TREND_MISSING)
			continue;
		for (size_t j = i + 1; j < n; j++)
			if (y[j] != LW_TREND_MISSING)
				slopes[np++] = ((double)y[j] - (double)y[i]) * inverse[j - i];
	}
	if (np == 0)
		return 0;
	upper = select_kth(slopes, np, np / 2);
	if (np % 2)
		return upper;
	/* even count: the lower middle is the largest of the part select_kth left below */
	lower = slopes[0];
	for (size_t i = 1; i < np / 2; i++)
		if (slopes[i] > lower)
			lower = slopes[i];
	return (lower + upper) / 2;
}

double lw_hamed_rao_factor(const uint32_t *y, size_t n, double slope)
{
	double resid[LW_TREND_MAX_POINTS], rank[LW_TREND_MAX_POINTS];
	double mean, denom = 0, sum = 0, bound, factor;
	size_t m = 0;

	if (n > LW_TREND_MAX_POINTS)
		n = LW_TREND_MAX_POINTS;
	/* Missing points are left out and the others taken as consecutive: an approximation. */
	for (size_t i = 0; i < n; i++)
		if (y[i] != LW_TREND_MISSING)
			resid[m++] = (double)y[i] - slope * (double)i;
	if (m < 4)
		return 1;
	for (size_t i = 0; i < m; i++) {
		double below = 0, equal = 0;

		for (size_t j = 0; j < m; j++) {
			below += resid[j] < resid[i];
			equal += j != i && resid[j] == resid[i];
		}
		rank[i] = 1 + below + equal / 2;
	}
	mean = (m + 1) / 2.0;
	for (size_t i = 0; i < m; i++)
		denom += (rank[i] - mean) * (rank[i] - mean);
	if (denom <= 0)
		return 1;
	bound = 1.96 / lw_trend_sqrt((double)m);
	for (size_t k = 1; k + 2 < m; k++) {
		double c = 0, rho;

		for (size_t i = 0; i + k < m; i++)
			c += (rank[i] - mean) * (rank[i + k] - mean);
		rho = c / denom;
		if (rho > bound || rho < -bound)
			sum += (double)(m - k) * (m - k - 1) * (m - k - 2) * rho;
	}
	factor = 1 + 2 * sum / ((double)m * (m - 1) * (m - 2));
	return factor < 1 ? 1 : factor;
}
