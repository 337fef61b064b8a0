/* detect.h: leak detection on one sampled series: sliding window floors, a trend test, a slope. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_DETECT_H
#define LW_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"

/*
 * A series is one gauge sampled over time (a process's RSS in KiB, its descriptors, a slab
 * cache's KiB, MemAvailable in KiB...). Everything here is pure: time is passed in (seconds),
 * nothing is read or allocated, and the state of a series is one fixed-size struct.
 *
 * Time. A step is window_s / LW_DETECT_STEPS (60 s at the default window of 600 s), steps are
 * aligned to multiples of their length in absolute time (a series restored from history
 * lines up), a window is LW_DETECT_STEPS steps, a long window LW_DETECT_LONG_WINDOWS windows
 * (an hour). Sample at least once a step: window_s at least ten times the interval.
 *
 * What a series holds, besides the open step's minimum:
 *  - the minima of the last LW_DETECT_STEPS steps: the window;
 *  - sliding floors, one a step: the minimum of the window as the step closes. A sawtooth or
 *    collections shorter than the window leave them flat;
 *  - window ceilings, one a window, for 3 hours: the third highest step minimum of the
 *    window (a sawtooth's teeth count, even one sample wide; two lone spikes do not), and an
 *    old ceiling into which each ceiling leaving the ring is folded: a higher one replaces
 *    it, a lower one pulls it down by 1/36 of the gap (an old peak fades over about 6 h);
 *  - long floors, one a long window, for 20 hours: the minimum of its samples.
 * Steps without a sample (lw_series_idle: the series was not seen, the daemon was down) are
 * missing and the statistics skip them. Windows begun in the warm-up leave no ceiling and
 * no long floor: they hold the ramp, not the series' level.
 *
 * Verdicts run at the close of each step that had a sample, once the warm-up is over
 * (warmup_s after the series' start).
 *
 * Short test, for fast leaks. The last `span` sliding floors must:
 *  1. end above every window ceiling from before the samples they were taken from (and the
 *     old ceiling), by more than half the series' swing: the highest of those ceilings less
 *     the lowest floor held (span, last 4 long floors), both less the history's own trend.
 *     A sawtooth with a stable floor, or a heap between two collections, never lifts its
 *     floors above its own peaks; a steady rise, even one since the series' start, swings
 *     only by its noise. The test waits for 9 such windows after the warm-up (1.5 h: more
 *     than a tooth of a 60 min sawtooth);
 *  2. pass the trend rule (detecttest.h): Mann-Kendall significant at alpha_permille with
 *     the Hamed-Rao correction (sliding floors share samples), a Theil-Sen slope of at least
 *     min_slope per hour and min_pct_day of the current value a day, and the rise spread
 *     over the three thirds of the span: a step, or a ramp shorter than the span, leaves a
 *     third flat; a warm-up ending in a plateau, the last one;
 *  3. have risen by more than 1.5 bands of the last window (its third highest step minimum
 *     less its lowest, the trend taken out): noise, or teeth, cannot do it;
 *  4. still rise in the samples of the last window (Theil-Sen, at least a third of the
 *     span's slope): the floors lag the samples by a window, and a ramp that ended in a
 *     plateau still lifts them.
 * Long test, for slow leaks, at each long window's close: the trend rule on the last 6, 10,
 * 15 and 20 long floors (a leak passes on the part it fills), with a rise of at least half
 * the swing of the last hours (highest window ceiling less the lowest of the last 4 long
 * floors) and 1.5 window bands: a sawtooth whose period slips against the sampling lets
 * its sampled floor creep by up to 1/k of its amplitude (k samples a tooth), then drop
 * back. It counts once it found the leak at two long-window closes in a row.
 *
 * States. Learning: in the warm-up, then until a test is ready. Normal. Suspect: a verdict
 * found a leak. Leaking: confirm_steps verdicts in a row found it; this is what raises an
 * alarm. While leaking, a verdict only asks whether the trend goes on: in the short span
 * (Tukey's resistant slope at least half the material slope, its last floor above the
 * history's ceilings) or, for a leak the long test found, in the last 4 long floors
 * (Theil-Sen, at least half the material slope). Each verdict that says no counts, one that
 * says yes halves the count, and clear_steps of them clear the leak back to normal: it
 * clears when the trend ends, not at the first noisy step (an hour after a 1 MiB/min leak
 * stops, in the unit test).
 *
 * Restarts and resets. A sample reset_pct % below the lowest floor of the last hour or two
 * (above the highest, for a downward series) is a new process or a counter reset: the
 * series forgets everything, its start becomes that sample's time (a new warm-up) and it is
 * learning. A gap longer than the long floors reach (20 h) forgets everything too, as does a
 * clock stepped back by more than a window; both keep the start.
 *
 * A downward series (MemAvailable) is mirrored inside (UINT32_MAX - 1 - value): its floors
 * are the value's ceilings, and its slope is reported below 0.
 *
 * Cost: a sample is O(1); a step's close O(span + LW_DETECT_WINDOWS), the O(span^2) slopes
 * only for the few floors past the new-high gate; a long window's close
 * O(LW_DETECT_LONG_FLOORS^2). bench/detect_quality.c measures false positives per class,
 * delays per slope and the cost (docs/PERFORMANCE.md, "Leak detection quality").
 */

#define LW_DETECT_STEPS 10          /* steps per window: a floor every window_s / 10 */
#define LW_DETECT_MAX_FLOORS 20     /* sliding floors held: the longest short span */
#define LW_DETECT_WINDOWS 18        /* window ceilings held: the new-high gate's history */
#define LW_DETECT_LONG_WINDOWS 6    /* windows per long window (an hour at the default) */
#define LW_DETECT_LONG_FLOORS 20    /* long floors held: the long test's span */

enum lw_leak_state {
	LW_LEAK_LEARNING = 1,
	LW_LEAK_NORMAL = 2,
	LW_LEAK_SUSPECT = 3,
	LW_LEAK_LEAKING = 4,
};

/* Which way a leak goes: up for RSS, descriptors, slab; down for MemAvailable. */
enum lw_trend_dir { LW_TREND_UP = 1, LW_TREND_DOWN = 2 };

/* Defaults in brackets: lw_detect_params_default. */
struct lw_detect_params {
	uint32_t window_s;         /* floor window, a multiple of LW_DETECT_STEPS [600] */
	uint32_t span;             /* floors in the short test, ..LW_DETECT_MAX_FLOORS [18] */
	uint32_t min_floors;       /* of them present before it runs, 6.. [12] */
	uint32_t warmup_s;         /* after the series' start, no verdict [7200] */
	uint32_t alpha_permille;   /* one-sided significance of the trend tests, 1..200 [10] */
	uint64_t min_slope;        /* units per hour a leak grows at least [1024: 1 MiB/h] */
	uint32_t min_pct_day;      /* and hundredths of % of the current value a day; 0 off [100] */
	uint32_t clear_steps;      /* verdicts without the trend that clear leaking, 1.. [30] */
	enum lw_trend_dir dir;     /* [LW_TREND_UP] */
	uint32_t confirm_steps;    /* verdicts in a row from suspect to leaking, 1..255 [3] */
	uint32_t reset_pct;        /* % past the recent floor that restarts the series, 0 off,
				      at most 1000 [50] */
};

/*
 * Defaults for memory in KiB at a 60 s interval (window 600 s). For other series the caller
 * scales min_slope to their unit; for an interval longer than 60 s, window_s = 10 x it.
 */
void lw_detect_params_default(struct lw_detect_params *p);

/* 0 when p is usable, else -1 and err says which field is out of range. */
int lw_detect_params_check(const struct lw_detect_params *p, struct lw_error *err);

/*
 * The whole state of a series: fixed size (at most 320 bytes: 10k processes carry two series
 * each), no pointers, so a copy is a whole series (a restart does not load one: it replays the
 * history's samples into fresh series). Rings are indexed by the absolute step, window or long
 * window number, so they need no head.
 */
struct lw_series {
	int64_t start_s;           /* the series' start (a process's start time): warm-up from it */
	int64_t step;              /* index of the open step (t / step length); INT64_MIN: none */
	int64_t slope_per_h;       /* the leak's slope, units per hour: lw_series_slope */
	uint32_t step_min;         /* minimum of the open step so far; UINT32_MAX: no sample */
	uint32_t long_min;         /* minimum of the open long window; UINT32_MAX: none */
	uint32_t old_ceiling;      /* ceilings older than the ring, fading; UINT32_MAX: none */
	uint32_t last;             /* the last sample, as given (clamped) */
	uint32_t steps[LW_DETECT_STEPS];         /* minima of the last steps: the window */
	uint32_t floors[LW_DETECT_MAX_FLOORS];   /* sliding floors, one a step */
	uint32_t ceilings[LW_DETECT_WINDOWS];    /* each window's third highest step minimum */
	uint32_t long_floors[LW_DETECT_LONG_FLOORS];  /* the minimum of each long window */
	uint16_t quiet;            /* leaking: verdicts without the trend (one with it halves) */
	uint8_t state;             /* enum lw_leak_state */
	uint8_t streak;            /* consecutive leak verdicts, while suspect */
	uint8_t long_streak;       /* consecutive long windows whose test found a leak */
	uint8_t flags;             /* internal: which test found the leak */
	uint8_t spare[2];          /* 0: no padding, so that a copy compares equal byte for byte */
};

/* Values are clamped to 0..UINT32_MAX - 1 (KiB: 4 TiB; UINT32_MAX marks "no sample"). */
void lw_series_init(struct lw_series *s, int64_t start_s);

/*
 * Adds a sample taken at t_s. Returns 1 when the state changed, else 0. Several samples in
 * a step count by their minimum. A sample older than the open step is ignored (a clock
 * stepping back a little, a late sample); one more than a window older starts the series'
 * history over (learning), its start kept. A sample reset_pct % past the floors restarts the
 * series from t_s (see "Restarts and resets").
 */
int lw_series_add(struct lw_series *s, const struct lw_detect_params *p, int64_t t_s,
		  uint64_t value);

/*
 * Closes the steps up to t_s without a sample (the series was not seen): they are missing.
 * Returns 1 when the state changed (a gap of more than 20 h: learning), else 0.
 */
int lw_series_idle(struct lw_series *s, const struct lw_detect_params *p, int64_t t_s);

static inline enum lw_leak_state lw_series_state(const struct lw_series *s)
{
	return (enum lw_leak_state)s->state;
}

/*
 * The slope of the leak found, units per hour (positive: growing; a downward series'
 * negative), 0 unless suspect or leaking: Theil-Sen over the floors of the test that found
 * it, then refreshed while leaking, once a window for a fast leak (the short span's
 * resistant line) and once a long window for a slow one (Theil-Sen of the long floors).
 */
static inline int64_t lw_series_slope(const struct lw_series *s)
{
	return s->slope_per_h;
}

/*
 * Seconds until current reaches limit at the series' slope (for a downward series, until it
 * reaches limit from above); 0 when no exhaustion is forecast (not leaking, slope toward no
 * limit, or limit already passed).
 */
uint64_t lw_series_time_to_limit(const struct lw_series *s, uint64_t current, uint64_t limit);

#endif
