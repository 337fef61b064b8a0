/* trendstat.h: Mann-Kendall trend test with the Hamed-Rao correction, Theil-Sen slopes. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_TRENDSTAT_H
#define LW_TRENDSTAT_H

#include <stddef.h>
#include <stdint.h>

/*
 * The points are y[0..n-1] at times 0..n-1 (one unit apart); LW_TREND_MISSING marks a point
 * that was not observed, and every statistic skips it while keeping the others' times. Pure
 * functions on the caller's array; the scratch space lives on the stack, so n is bounded.
 */
#define LW_TREND_MISSING UINT32_MAX
#define LW_TREND_MAX_POINTS 64

/* Mann-Kendall S: the sum over pairs i < j of sign(y[j] - y[i]). */
int32_t lw_mk_s(const uint32_t *y, size_t n);

/* Variance of S under "no trend, independent points", corrected for tied values. */
double lw_mk_variance(const uint32_t *y, size_t n);

/*
 * Hamed and Rao (1998): n / n*, by which the variance of S grows when the points are serially
 * correlated. Computed on the ranks of the points less slope * t (slope: Theil-Sen), from the
 * rank autocorrelations significant at 5 %. Never below 1: the correction only makes the test
 * stricter, never looser than for independent points.
 */
double lw_hamed_rao_factor(const uint32_t *y, size_t n, double slope);

/* Theil-Sen: the median of the slopes (y[j] - y[i]) / (j - i) of every pair; 0 below 2 points. */
double lw_theil_sen(const uint32_t *y, size_t n);

/* Points present (not missing). */
size_t lw_trend_present(const uint32_t *y, size_t n);

/* One-sided p-value of a standard normal z: P(Z >= z). */
double lw_normal_upper_tail(double z);

/* Square root without libm (Newton's iteration): 0 for x <= 0. */
double lw_trend_sqrt(double x);

#endif
