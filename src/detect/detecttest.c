/* detecttest.c: the verdicts on a series' floors: trend test, new-high gate, ongoing trend. */
/* SPDX-License-Identifier: ISC */
#include "detect/detecttest.h"

#include "detect/trendstat.h"

/* Median of v[0..n-1], n >= 1, sorted in place (n is small: insertion sort). */
static double median_of(double *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		double x = v[i];
		size_t j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Indices of the present points of y, in order; how many. */
static size_t present_indices(const uint32_t *y, size_t n, size_t *idx)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		if (y[i] != LW_TREND_MISSING)
			idx[m++] = i;
	return m;
}

/* Time from the first present point to the last. */
static double present_extent(const uint32_t *y, size_t n)
{
	size_t first = 0, last = n;

	while (first < n && y[first] == LW_TREND_MISSING)
		first++;
	while (last > first && y[last - 1] == LW_TREND_MISSING)
		last--;
	return last > first ? (double)(last - 1 - first) : 0;
}

/*
 * The present points cut in three groups of equal count. The rise must be spread over them:
 * each group's own Theil-Sen slope at least a quarter of the whole one, and from each
 * group's median to the next at least a quarter of the rise from the first to the last. A
 * step, or a ramp shorter than the span, leaves a group flat or one increment short; a
 * warm-up ending in a plateau leaves the last group flat; a leak rises all through.
 */
static int thirds_rising(const uint32_t *y, size_t n, double slope)
{
	size_t idx[LW_TREND_MAX_POINTS], m = present_indices(y, n, idx);
	double median[3], rise;

	if (m < 6)
		return 0;
	for (size_t g = 0; g < 3; g++) {
		size_t from = g * m / 3, to = (g + 1) * m / 3;
		double part = lw_theil_sen(y + idx[from], idx[to - 1] - idx[from] + 1);
		double v[LW_TREND_MAX_POINTS];

		if (!(part > 0) || part < slope / 4)
			return 0;
		for (size_t i = from; i < to; i++)
			v[i - from] = y[idx[i]];
		median[g] = median_of(v, to - from);
	}
	rise = median[2] - median[0];
	return rise > 0 && median[1] - median[0] >= rise / 4 && median[2] - median[1] >= rise / 4;
}

double lw_material_per_h(uint64_t min_slope, uint32_t min_pct_day, uint32_t current)
{
	double by_share = (double)current * min_pct_day / 10000.0 / 24.0;

	return by_share > (double)min_slope ? by_share : (double)min_slope;
}

enum lw_trend_verdict lw_trend_rule_test(const struct lw_trend_rule *r, const uint32_t *y,
					 size_t n, double *slope_per_h)
{
	double var, slope, factor;
	int32_t s;

	if (n > LW_TREND_MAX_POINTS)
		n = LW_TREND_MAX_POINTS;
	if (lw_trend_present(y, n) < r->min_points || lw_trend_present(y, n) < 4)
		return LW_TREND_NOT_READY;
	/* cheapest first: most verdicts stop at S, few reach the O(n^2) slope */
	s = lw_mk_s(y, n);
	if (s <= 1)
		return LW_TREND_NONE;
	var = lw_mk_variance(y, n);
	if (var <= 0 || lw_normal_upper_tail((s - 1) / lw_trend_sqrt(var)) >= r->alpha)
		return LW_TREND_NONE;
	slope = lw_theil_sen(y, n);
	if (!(slope > 0) || slope * r->points_per_hour < r->material_per_h ||
	    slope * present_extent(y, n) < r->min_rise)
		return LW_TREND_NONE;
	if (!thirds_rising(y, n, slope))
		return LW_TREND_NONE;
	factor = lw_hamed_rao_factor(y, n, slope);
	if (lw_normal_upper_tail((s - 1) / lw_trend_sqrt(var * factor)) >= r->alpha)
		return LW_TREND_NONE;
	*slope_per_h = slope * r->points_per_hour;
	return LW_TREND_LEAK;
}

int lw_new_high(uint32_t current, const uint32_t *ceilings, size_t n, double margin)
{
	uint32_t highest = 0;
	size_t present = 0;

	if (current == LW_TREND_MISSING)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (ceilings[i] != LW_TREND_MISSING) {
			present++;
			if (ceilings[i] > highest)
				highest = ceilings[i];
		}
	return present > 0 && current > highest && (double)(current - highest) > margin;
}

double lw_thirds_slope_per_h(const uint32_t *y, size_t n, double points_per_hour)
{
	double first[LW_TREND_MAX_POINTS], last[LW_TREND_MAX_POINTS];
	double centre_first = 0, centre_last = 0;
	size_t idx[LW_TREND_MAX_POINTS], m, third;

	if (n > LW_TREND_MAX_POINTS)
		n = LW_TREND_MAX_POINTS;
	m = present_indices(y, n, idx);
	if (m < 3)
		return 0;
	third = m / 3;
	for (size_t i = 0; i < third; i++) {
		first[i] = y[idx[i]];
		last[i] = y[idx[m - third + i]];
		centre_first += (double)idx[i];
		centre_last += (double)idx[m - third + i];
	}
	centre_first /= (double)third;
	centre_last /= (double)third;
	return (median_of(last, third) - median_of(first, third)) / (centre_last - centre_first) *
	       points_per_hour;
}
