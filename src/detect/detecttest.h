/* detecttest.h: the verdicts on a series' floors: trend test, new-high gate, ongoing trend. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_DETECTTEST_H
#define LW_DETECTTEST_H

#include <stddef.h>
#include <stdint.h>

/* Points are as in trendstat.h: one a time unit, UINT32_MAX when missing. */
struct lw_trend_rule {
	double points_per_hour;    /* converts a slope per point into one per hour */
	double material_per_h;     /* the least slope a leak has, units per hour */
	double alpha;              /* one-sided significance, 0..1 */
	size_t min_points;         /* points present before the test says anything */
	double min_rise;           /* the least rise over the points (slope times their span) */
};

enum lw_trend_verdict { LW_TREND_NOT_READY, LW_TREND_NONE, LW_TREND_LEAK };

/*
 * Is y[0..n-1] rising like a leak? All of:
 *  - Mann-Kendall S significant at alpha (one-sided), its variance corrected for ties and,
 *    by Hamed and Rao, for serial correlation (sliding floors share samples);
 *  - a Theil-Sen slope of at least material_per_h, and a rise over the points (slope times
 *    the time from the first present point to the last) of at least min_rise;
 *  - the rise spread over the points: cut in three groups of equal count, each group's own
 *    Theil-Sen slope at least a quarter of the whole one, and each group's median above
 *    the previous one by at least a quarter of the rise from the first to the last. A step
 *    or a short ramp leaves a group flat; a warm-up ending in a plateau, the last one.
 * *slope_per_h gets the slope when the verdict is a leak. Cheapest questions first: most
 * calls end at S, few reach the O(n^2) slope.
 */
enum lw_trend_verdict lw_trend_rule_test(const struct lw_trend_rule *r, const uint32_t *y,
					 size_t n, double *slope_per_h);

/*
 * Is current (a floor) a new high: above every ceiling of the history (ceilings[0..n-1],
 * missing ones skipped; none present: no) by more than margin?
 */
int lw_new_high(uint32_t current, const uint32_t *ceilings, size_t n, double margin);

/*
 * The cheap slope while leaking (Tukey's resistant line): the median of the last third of
 * the present points less the median of the first third, over the time between the
 * thirds' centres; per hour. 0 with fewer than 3 points.
 */
double lw_thirds_slope_per_h(const uint32_t *y, size_t n, double points_per_hour);

/* The least slope a leak has: min_slope, and min_pct_day hundredths of % of current a day. */
double lw_material_per_h(uint64_t min_slope, uint32_t min_pct_day, uint32_t current);

#endif
