/* detect.c: a series' steps, windows and long windows, its resets, verdicts and states. */
/* SPDX-License-Identifier: ISC */
#include "detect/detect.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "detect/detecttest.h"
#include "detect/trendstat.h"

_Static_assert(sizeof(struct lw_series) <= 320,
	       "10k processes carry two series each: a series stays within 320 bytes");
_Static_assert(sizeof(struct lw_series) == offsetof(struct lw_series, spare) + 2,
	       "no padding at the end: a copied series has no undefined byte");
_Static_assert(LW_DETECT_MAX_FLOORS <= LW_TREND_MAX_POINTS &&
	       LW_DETECT_LONG_FLOORS <= LW_TREND_MAX_POINTS &&
	       LW_DETECT_WINDOWS <= LW_TREND_MAX_POINTS,
	       "the statistics take at most LW_TREND_MAX_POINTS points");

#define MISSING LW_TREND_MISSING
#define VALUE_MAX (UINT32_MAX - 1u)
#define STEPS_PER_LONG (LW_DETECT_STEPS * LW_DETECT_LONG_WINDOWS)
#define LONG_MIN_FLOORS 6     /* long floors present before the long test says anything */
#define LONG_CONFIRM 2        /* consecutive long windows whose test found the leak */
#define LONG_RECENT 4         /* the last long floors whose slope says a slow leak goes on */
#define HISTORY_MIN_CEILINGS 9 /* windows of history the short test needs: over a tooth */
#define NEW_HIGH_SWING_SHARE 0.5  /* of the swing, how far above its ceilings a new high */
#define TAIL_SLOPE_SHARE (1.0 / 3)  /* of the span's slope, the last window's samples' */
#define SHORT_RISE_BANDS 1.5  /* in detrended window bands, the least rise of a fast leak */
#define LONG_RISE_SWING 0.5   /* of the recent swing, the least rise of a slow leak */
#define LONG_RISE_BANDS 1.5   /* in window bands, the least rise of a slow leak */
#define OLD_CEILING_FADE 36   /* windows over which an old peak fades (6 h at the default) */
#define FLAG_FOUND_LONG 1u    /* the long test found the leak: it clears by the long floors */

void lw_detect_params_default(struct lw_detect_params *p)
{
	*p = (struct lw_detect_params){
		.window_s = 600,
		.span = 18,
		.min_floors = 12,
		.warmup_s = 7200,
		.alpha_permille = 10,
		.min_slope = 1024,          /* 1 MiB an hour, 24 MiB a day */
		.min_pct_day = 100,         /* 1 % of the current size a day */
		.clear_steps = 30,
		.dir = LW_TREND_UP,
		.confirm_steps = 3,
		.reset_pct = 50,
	};
}

int lw_detect_params_check(const struct lw_detect_params *p, struct lw_error *err)
{
	if (p->window_s < LW_DETECT_STEPS || p->window_s % LW_DETECT_STEPS != 0)
		return lw_error_set(err, EINVAL, "window %u s: not a positive multiple of %d",
				    p->window_s, LW_DETECT_STEPS);
	if (p->min_floors < 6 || p->min_floors > LW_DETECT_MAX_FLOORS)
		return lw_error_set(err, EINVAL, "min_floors %u: out of range 6..%d", p->min_floors,
				    LW_DETECT_MAX_FLOORS);
	if (p->span < p->min_floors || p->span > LW_DETECT_MAX_FLOORS)
		return lw_error_set(err, EINVAL, "span %u: out of range %u..%d", p->span,
				    p->min_floors, LW_DETECT_MAX_FLOORS);
	if (p->alpha_permille < 1 || p->alpha_permille > 200)
		return lw_error_set(err, EINVAL, "alpha %u permille: out of range 1..200",
				    p->alpha_permille);
	if (p->clear_steps < 1 || p->clear_steps > UINT16_MAX)
		return lw_error_set(err, EINVAL, "clear_steps %u: out of range 1..65535",
				    p->clear_steps);
	if (p->confirm_steps < 1 || p->confirm_steps > UINT8_MAX)
		return lw_error_set(err, EINVAL, "confirm_steps %u: out of range 1..255",
				    p->confirm_steps);
	if (p->dir != LW_TREND_UP && p->dir != LW_TREND_DOWN)
		return lw_error_set(err, EINVAL, "direction %d: neither up nor down", (int)p->dir);
	if (p->reset_pct > 1000)
		return lw_error_set(err, EINVAL, "reset_pct %u: out of range 0..1000",
				    p->reset_pct);
	return 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* The slot of an absolute index in a ring of size slots (indices may be negative). */
static size_t ring(int64_t index, size_t size)
{
	int64_t r = index % (int64_t)size;

	return (size_t)(r < 0 ? r + (int64_t)size : r);
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static uint32_t window_ceiling(const uint32_t *steps);
static uint32_t window_band(const uint32_t *steps);
static double detrended_band(const uint32_t *steps, int64_t k, double slope);

/* Seconds per step; the parameters are checked by the caller, this only keeps it positive. */
static int64_t step_seconds(const struct lw_detect_params *p)
{
	return p->window_s >= LW_DETECT_STEPS ? p->window_s / LW_DETECT_STEPS : 1;
}

static size_t short_span(const struct lw_detect_params *p)
{
	size_t span = p->span;

	return span < 6 ? 6 : span > LW_DETECT_MAX_FLOORS ? LW_DETECT_MAX_FLOORS : span;
}

/* Inside, a series always leaks upward: a downward one is mirrored. */
static uint32_t to_inside(const struct lw_detect_params *p, uint32_t value)
{
	return p->dir == LW_TREND_DOWN ? VALUE_MAX - value : value;
}

static uint32_t to_outside(const struct lw_detect_params *p, uint32_t x)
{
	return p->dir == LW_TREND_DOWN ? VALUE_MAX - x : x;
}

static uint32_t clamp_value(uint64_t value)
{
	return value > VALUE_MAX ? VALUE_MAX : (uint32_t)value;
}

static int64_t outside_slope(const struct lw_detect_params *p, double per_h)
{
	int64_t v = per_h >= 9.2e18 ? INT64_MAX : (int64_t)(per_h + 0.5);

	return p->dir == LW_TREND_DOWN ? -v : v;
}

/* Forgets every sample, keeps the start and the state. */
static void clear_history(struct lw_series *s)
{
	s->slope_per_h = 0;
	s->step_min = s->long_min = s->old_ceiling = MISSING;
	memset(s->steps, 0xff, sizeof(s->steps));
	memset(s->floors, 0xff, sizeof(s->floors));
	memset(s->ceilings, 0xff, sizeof(s->ceilings));
	memset(s->long_floors, 0xff, sizeof(s->long_floors));
	s->quiet = 0;
	s->streak = s->long_streak = s->flags = 0;
}

void lw_series_init(struct lw_series *s, int64_t start_s)
{
	memset(s, 0, sizeof(*s));
	s->start_s = start_s;
	s->step = INT64_MIN;
	s->last = 0;
	s->state = LW_LEAK_LEARNING;
	clear_history(s);
}

static int set_state(struct lw_series *s, enum lw_leak_state state)
{
	int changed = s->state != state;

	s->state = (uint8_t)state;
	if (state == LW_LEAK_LEARNING || state == LW_LEAK_NORMAL) {
		s->slope_per_h = 0;
		s->streak = 0;
		s->quiet = 0;
		s->flags = 0;
	}
	return changed;
}

/* out[0..n-1] = the ring's entries for indices last - n + 1 .. last (n <= size). */
static void gather(const uint32_t *slots, size_t size, int64_t last, size_t n, uint32_t *out)
{
	size_t at = ring(last - (int64_t)n + 1, size);

	for (size_t i = 0; i < n; i++) {
		out[i] = slots[at];
		if (++at == size)
			at = 0;
	}
}

static double material_per_h(const struct lw_series *s, const struct lw_detect_params *p)
{
	return lw_material_per_h(p->min_slope, p->min_pct_day, s->last);
}

static struct lw_trend_rule rule_for(const struct lw_series *s, const struct lw_detect_params *p,
				     int64_t seconds_per_point, size_t min_points)
{
	return (struct lw_trend_rule){
		.points_per_hour = 3600.0 / (double)seconds_per_point,
		.material_per_h = material_per_h(s, p),
		.alpha = p->alpha_permille / 1000.0,
		.min_points = min_points,
	};
}

/*
 * The window ceilings from before every sample the short span's floors at step k were taken
 * from, oldest first (the newest is window *newest), then the old ceiling, into hist; how
 * many (at most LW_DETECT_WINDOWS).
 */
static size_t history_ceilings(const struct lw_series *s, const struct lw_detect_params *p,
			       int64_t k, uint32_t *hist, int64_t *newest)
{
	int64_t closed = floor_div(k + 1, LW_DETECT_STEPS) - 1;       /* last closed window */
	int64_t first_sample = k - (int64_t)short_span(p) + 1 - (LW_DETECT_STEPS - 1);
	int64_t before = floor_div(first_sample, LW_DETECT_STEPS) - 1;
	int64_t n = before - (closed - LW_DETECT_WINDOWS + 1) + 1;

	*newest = before;
	if (n <= 0)
		return 0;
	gather(s->ceilings, LW_DETECT_WINDOWS, before, (size_t)n, hist);
	hist[n] = s->old_ceiling;
	return (size_t)n + 1;
}

/*
 * How far the series swings, its own trend taken out: the highest window ceiling of the
 * history (hist[0..n-1], the newest window `newest`) less the lowest floor held (the short
 * span's y, the last LONG_RECENT long floors, the open long window's minimum), each less the
 * history's Theil-Sen slope times its time. A sawtooth or a collected heap swings by its
 * teeth; a series rising steadily, even since its start, only by its noise.
 */
static double history_amplitude(const struct lw_series *s, int64_t k, const uint32_t *hist,
				size_t n, int64_t newest, const uint32_t *y, size_t span)
{
	double per_step = lw_theil_sen(hist, n) / LW_DETECT_STEPS, high = -1e300, low = 1e300;
	int64_t h = floor_div(k + 1, STEPS_PER_LONG) - 1;

	for (size_t i = 0; i < n; i++) {
		int64_t w = newest - (int64_t)(n - 1 - i);   /* at its last step */
		double d = (double)hist[i] - per_step * (double)((w + 1) * LW_DETECT_STEPS - 1 - k);

		if (hist[i] != MISSING && d > high)
			high = d;
	}
	for (size_t j = 0; j < span; j++) {
		double d = (double)y[j] - per_step * (double)((int64_t)j - (int64_t)span + 1);

		if (y[j] != MISSING && d < low)
			low = d;
	}
	for (int64_t i = 0; i < LONG_RECENT; i++) {
		uint32_t v = s->long_floors[ring(h - i, LW_DETECT_LONG_FLOORS)];
		double d = (double)v - per_step * (double)((h - i) * STEPS_PER_LONG - k);

		if (v != MISSING && d < low)
			low = d;
	}
	if (s->long_min != MISSING) {
		double d = (double)s->long_min - per_step * (double)((h + 1) * STEPS_PER_LONG - k);

		if (d < low)
			low = d;
	}
	return high > low ? high - low : 0;
}

/*
 * The short test at the close of step k: the last floor must be a new high over the
 * history's ceilings, then the span must pass the trend rule and have risen by more than
 * the band the samples of a window fill (noise, a sawtooth's teeth). Not ready until the
 * history holds HISTORY_MIN_CEILINGS windows after the warm-up.
 */
static enum lw_trend_verdict short_test(const struct lw_series *s,
					const struct lw_detect_params *p, int64_t k,
					double *slope_per_h)
{
	uint32_t y[LW_DETECT_MAX_FLOORS], hist[LW_DETECT_WINDOWS + 1];
	size_t span = short_span(p), nhist;
	struct lw_trend_rule rule;
	int64_t newest;
	double slope;

	nhist = history_ceilings(s, p, k, hist, &newest);
	gather(s->floors, LW_DETECT_MAX_FLOORS, k, span, y);
	if (lw_trend_present(y, span) < p->min_floors ||
	    nhist == 0 || lw_trend_present(hist, nhist - 1) < HISTORY_MIN_CEILINGS)
		return LW_TREND_NOT_READY;
	/* most verdicts end here, at the cheapest question: above every ceiling? */
	if (!lw_new_high(y[span - 1], hist, nhist, 0) ||
	    !lw_new_high(y[span - 1], hist, nhist,
			 NEW_HIGH_SWING_SHARE *
			 history_amplitude(s, k, hist, nhist - 1, newest, y, span)))
		return LW_TREND_NONE;
	rule = rule_for(s, p, step_seconds(p), p->min_floors);
	if (lw_trend_rule_test(&rule, y, span, slope_per_h) != LW_TREND_LEAK)
		return LW_TREND_NONE;
	slope = *slope_per_h / rule.points_per_hour;
	if (slope * (double)(span - 1) < SHORT_RISE_BANDS * detrended_band(s->steps, k, slope))
		return LW_TREND_NONE;
	/*
	 * The floors lag the samples by a window: a ramp that ended in a plateau still lifts
	 * them. The samples of the last window must themselves still be rising.
	 */
	gather(s->steps, LW_DETECT_STEPS, k, LW_DETECT_STEPS, y);
	if (lw_theil_sen(y, LW_DETECT_STEPS) < slope * TAIL_SLOPE_SHARE)
		return LW_TREND_NONE;
	return LW_TREND_LEAK;
}

static struct lw_trend_rule long_rule(const struct lw_series *s,
				      const struct lw_detect_params *p)
{
	return rule_for(s, p, step_seconds(p) * STEPS_PER_LONG, LONG_MIN_FLOORS);
}

/*
 * At the close of long window h: the long test, counted in long_streak. It runs on the last
 * 6, 10, 15 and 20 long floors, so that a slow leak that started within the floors held
 * passes on the suffix it fills, without waiting to fill all of them.
 */
static void long_test(struct lw_series *s, const struct lw_detect_params *p, int64_t h)
{
	static const size_t suffix[] = { 6, 10, 15, LW_DETECT_LONG_FLOORS };
	uint32_t y[LW_DETECT_LONG_FLOORS], highest = 0, lowest = MISSING;
	struct lw_trend_rule rule = long_rule(s, p);
	double slope;

	gather(s->long_floors, LW_DETECT_LONG_FLOORS, h, LW_DETECT_LONG_FLOORS, y);
	/*
	 * A floor may creep within the series' own swing without a leak: a sawtooth of k
	 * samples a tooth whose period drifts against the sampling lifts every sample by up
	 * to 1/k of its amplitude over hours, then drops back; a heap parked between
	 * collections lifts an hour's floor. A slow leak must lift the long floors by more:
	 * half the swing of the last hours (the highest window ceiling less the lowest recent
	 * long floor) and half again the band of the last window.
	 */
	for (size_t i = 0; i < LW_DETECT_WINDOWS; i++)
		if (s->ceilings[i] != MISSING && s->ceilings[i] > highest)
			highest = s->ceilings[i];
	for (size_t i = LW_DETECT_LONG_FLOORS - LONG_RECENT; i < LW_DETECT_LONG_FLOORS; i++)
		lowest = min_u32(lowest, y[i]);
	if (lowest != MISSING && highest > lowest)
		rule.min_rise = LONG_RISE_SWING * (double)(highest - lowest);
	if (rule.min_rise < LONG_RISE_BANDS * (double)window_band(s->steps))
		rule.min_rise = LONG_RISE_BANDS * (double)window_band(s->steps);
	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		size_t n = suffix[i];

		if (lw_trend_rule_test(&rule, y + LW_DETECT_LONG_FLOORS - n, n, &slope) ==
		    LW_TREND_LEAK) {
			if (s->long_streak < UINT8_MAX)
				s->long_streak++;
			return;
		}
	}
	s->long_streak = 0;
}

/* Theil-Sen of the long floors held (or of the last few), per hour. */
static double long_slope(const struct lw_series *s, const struct lw_detect_params *p, int64_t k,
			 size_t n)
{
	uint32_t y[LW_DETECT_LONG_FLOORS];
	int64_t h = floor_div(k + 1, STEPS_PER_LONG) - 1;

	gather(s->long_floors, LW_DETECT_LONG_FLOORS, h, n, y);
	if (lw_trend_present(y, n) < 3)
		return 0;
	return lw_theil_sen(y, n) * long_rule(s, p).points_per_hour;
}

/*
 * While leaking: does the trend go on? In the short span (the slope between its first and
 * last thirds), or, for a leak the long test found, in the last long floors. A verdict that
 * sees it go on halves the count of those that did not, so noise on a plateau cannot hold a
 * leak up forever; clear_steps of them clear it.
 */
static int leaking_verdict(struct lw_series *s, const struct lw_detect_params *p, int64_t k)
{
	uint32_t y[LW_DETECT_MAX_FLOORS], hist[LW_DETECT_WINDOWS + 1];
	int64_t newest;
	size_t span = short_span(p), nhist = history_ceilings(s, p, k, hist, &newest);
	double half = material_per_h(s, p) / 2, points_per_hour = 3600.0 / step_seconds(p);
	int short_going, long_going = 0;

	gather(s->floors, LW_DETECT_MAX_FLOORS, k, span, y);
	/* still rising, and still above where the series was before (not back down) */
	short_going = lw_new_high(y[span - 1], hist, nhist, 0) &&
		      lw_thirds_slope_per_h(y, span, points_per_hour) >= half;
	if (s->flags & FLAG_FOUND_LONG)
		long_going = long_slope(s, p, k, LONG_RECENT) >= half;
	if (!short_going && !long_going) {
		if (s->quiet < UINT16_MAX)
			s->quiet++;
		return s->quiet >= p->clear_steps ? set_state(s, LW_LEAK_NORMAL) : 0;
	}
	s->quiet /= 2;
	/*
	 * The forecast's slope, refreshed: a fast leak's once a window from the short span
	 * (Tukey's resistant line, O(span)), a slow one's once a long window (Theil-Sen).
	 */
	if (short_going && ring(k + 1, LW_DETECT_STEPS) == 0)
		s->slope_per_h = outside_slope(p, lw_thirds_slope_per_h(y, span, points_per_hour));
	else if (!short_going && ring(k + 1, STEPS_PER_LONG) == 0)
		s->slope_per_h = outside_slope(p, long_slope(s, p, k, LW_DETECT_LONG_FLOORS));
	return 0;
}

/* The verdict at the close of step k, which had a sample. */
static int verdict(struct lw_series *s, const struct lw_detect_params *p, int64_t k)
{
	uint32_t longs[LW_DETECT_LONG_FLOORS];
	enum lw_trend_verdict shortv;
	double slope = 0;
	int long_leak;

	if ((k + 1) * step_seconds(p) < s->start_s + (int64_t)p->warmup_s)
		return set_state(s, LW_LEAK_LEARNING);
	if (s->state == LW_LEAK_LEAKING)
		return leaking_verdict(s, p, k);

	shortv = short_test(s, p, k, &slope);
	long_leak = s->long_streak >= LONG_CONFIRM;
	if (shortv == LW_TREND_NOT_READY && !long_leak) {
		gather(s->long_floors, LW_DETECT_LONG_FLOORS, floor_div(k + 1, STEPS_PER_LONG) - 1,
		       LW_DETECT_LONG_FLOORS, longs);
		if (lw_trend_present(longs, LW_DETECT_LONG_FLOORS) < LONG_MIN_FLOORS)
			return 0;   /* nothing to judge on yet (or after a gap): as it was */
	}
	if (shortv != LW_TREND_LEAK && !long_leak)
		return set_state(s, LW_LEAK_NORMAL);
	if (shortv != LW_TREND_LEAK)
		slope = long_slope(s, p, k, LW_DETECT_LONG_FLOORS);
	s->slope_per_h = outside_slope(p, slope);
	s->streak = s->state == LW_LEAK_SUSPECT && s->streak < UINT8_MAX ? s->streak + 1 : 1;
	if (s->streak >= p->confirm_steps) {
		s->quiet = 0;
		s->flags = shortv == LW_TREND_LEAK ? 0 : FLAG_FOUND_LONG;
		return set_state(s, LW_LEAK_LEAKING);
	}
	return set_state(s, LW_LEAK_SUSPECT);
}

/* Does step k begin before the warm-up ends? */
static int in_warmup(const struct lw_series *s, const struct lw_detect_params *p, int64_t k)
{
	return k * step_seconds(p) < s->start_s + (int64_t)p->warmup_s;
}

/*
 * A window's ceiling: the third highest of its step minima (MISSING below three), high
 * enough to see a sawtooth's teeth, even one sample wide, blind to two lone spikes.
 */
static uint32_t window_ceiling(const uint32_t *steps)
{
	uint32_t top[3] = { 0, 0, 0 };
	size_t present = 0;

	for (size_t i = 0; i < LW_DETECT_STEPS; i++) {
		uint32_t v = steps[i];

		if (v == MISSING)
			continue;
		present++;
		if (v > top[0]) {
			top[2] = top[1];
			top[1] = top[0];
			top[0] = v;
		} else if (v > top[1]) {
			top[2] = top[1];
			top[1] = v;
		} else if (v > top[2]) {
			top[2] = v;
		}
	}
	return present >= 3 ? top[2] : MISSING;
}

/*
 * How thick the band of the last window's step minima is once the trend is taken out
 * (slope per step, the ring's slot of step k being the newest): the third highest less
 * the lowest. Noise, or a sawtooth's teeth; not the leak's own rise within the window.
 */
static double detrended_band(const uint32_t *steps, int64_t k, double slope)
{
	double top[3] = { -1e300, -1e300, -1e300 }, low = 1e300;
	size_t present = 0;

	for (size_t age = 0; age < LW_DETECT_STEPS; age++) {
		uint32_t v = steps[ring(k - (int64_t)age, LW_DETECT_STEPS)];
		double x;

		if (v == MISSING)
			continue;
		present++;
		x = (double)v + slope * (double)age;   /* back to the level of step k */
		if (x < low)
			low = x;
		if (x > top[0]) {
			top[2] = top[1];
			top[1] = top[0];
			top[0] = x;
		} else if (x > top[1]) {
			top[2] = top[1];
			top[1] = x;
		} else if (x > top[2]) {
			top[2] = x;
		}
	}
	return present >= 3 ? top[2] - low : 0;
}

/* How thick the band of the window's samples is: its ceiling less its floor. */
static uint32_t window_band(const uint32_t *steps)
{
	uint32_t ceiling = window_ceiling(steps), floor = MISSING;

	for (size_t i = 0; i < LW_DETECT_STEPS; i++)
		floor = min_u32(floor, steps[i]);
	return ceiling == MISSING ? 0 : ceiling - floor;
}

/*
 * A ceiling leaving the ring joins the old ceiling: a higher one replaces it, a lower one
 * pulls it down by 1/OLD_CEILING_FADE of the gap, so a peak is remembered for hours (a heap
 * idle below its usual collections is not a new high) and a flat series' is its own level.
 */
static void fold_old_ceiling(struct lw_series *s, uint32_t leaving)
{
	if (leaving == MISSING)
		return;
	if (s->old_ceiling == MISSING || leaving >= s->old_ceiling)
		s->old_ceiling = leaving;
	else
		s->old_ceiling -= (s->old_ceiling - leaving) / OLD_CEILING_FADE;
}

/* Closes step k with the open step's minimum (MISSING: no sample); 1 if the state changed. */
static int close_step(struct lw_series *s, const struct lw_detect_params *p, int64_t k)
{
	uint32_t floor = MISSING;

	s->steps[ring(k, LW_DETECT_STEPS)] = s->step_min;
	for (size_t i = 0; i < LW_DETECT_STEPS; i++)
		floor = min_u32(floor, s->steps[i]);
	s->floors[ring(k, LW_DETECT_MAX_FLOORS)] = floor;
	s->long_min = min_u32(s->long_min, s->step_min);
	if (ring(k + 1, LW_DETECT_STEPS) == 0) {
		int64_t w = floor_div(k, LW_DETECT_STEPS);
		uint32_t *slot = &s->ceilings[ring(w, LW_DETECT_WINDOWS)];

		fold_old_ceiling(s, *slot);   /* the window leaving the ring */
		*slot = in_warmup(s, p, w * LW_DETECT_STEPS) ? MISSING : window_ceiling(s->steps);
	}
	if (ring(k + 1, STEPS_PER_LONG) == 0) {
		int64_t h = floor_div(k, STEPS_PER_LONG);

		/* a window begun in the warm-up holds its ramp, not the series' level */
		s->long_floors[ring(h, LW_DETECT_LONG_FLOORS)] =
			in_warmup(s, p, h * STEPS_PER_LONG) ? MISSING : s->long_min;
		s->long_min = MISSING;
		long_test(s, p, h);
	}
	return s->step_min != MISSING ? verdict(s, p, k) : 0;
}

/* Closes the open step and the empty ones up to k (excluded), opens k. */
static int advance(struct lw_series *s, const struct lw_detect_params *p, int64_t k)
{
	int changed = 0;

	if (k - s->step > (int64_t)STEPS_PER_LONG * LW_DETECT_LONG_FLOORS) {
		/* away longer than the long floors reach: nothing held is worth keeping */
		clear_history(s);
		changed = set_state(s, LW_LEAK_LEARNING);
	} else {
		for (int64_t i = s->step; i < k; i++) {
			changed |= close_step(s, p, i);
			s->step_min = MISSING;
		}
	}
	s->step = k;
	s->step_min = MISSING;
	return changed;
}

/* The lowest floor of the last hour or two: steps, sliding floors, long windows. */
static uint32_t recent_floor(const struct lw_series *s)
{
	uint32_t low = min_u32(s->step_min, s->long_min);
	int64_t h = floor_div(s->step, STEPS_PER_LONG) - 1;

	for (size_t i = 0; i < LW_DETECT_STEPS; i++)
		low = min_u32(low, s->steps[i]);
	for (size_t i = 0; i < LW_DETECT_MAX_FLOORS; i++)
		low = min_u32(low, s->floors[i]);
	return min_u32(low, s->long_floors[ring(h, LW_DETECT_LONG_FLOORS)]);
}

/* A restart or a counter reset: the value falls reset_pct % below the recent floor. */
static int far_past_floors(const struct lw_series *s, const struct lw_detect_params *p,
			   uint32_t value)
{
	uint64_t level, pct = p->reset_pct > 1000 ? 1000 : p->reset_pct;
	uint32_t low;

	if (pct == 0 || (p->dir == LW_TREND_UP && pct >= 100))
		return 0;
	/* the last sample is never past the floors: near it, no need to look at them */
	if (p->dir == LW_TREND_DOWN ? (uint64_t)value * 100 <= (uint64_t)s->last * (100 + pct)
				    : (uint64_t)value * 100 >= (uint64_t)s->last * (100 - pct))
		return 0;
	low = recent_floor(s);
	if (low == MISSING)
		return 0;
	level = to_outside(p, low);   /* downward: the highest value, mirrored back */
	if (p->dir == LW_TREND_DOWN)
		return (uint64_t)value * 100 > level * (100 + pct);
	return (uint64_t)value * 100 < level * (100 - pct);
}

/* Starts the series' floors over at step k with a first sample x. */
static int restart_at(struct lw_series *s, int64_t k, uint32_t x, uint32_t value)
{
	clear_history(s);
	s->step = k;
	s->step_min = x;
	s->last = value;
	return set_state(s, LW_LEAK_LEARNING);
}

int lw_series_add(struct lw_series *s, const struct lw_detect_params *p, int64_t t_s,
		  uint64_t value)
{
	uint32_t v = clamp_value(value), x = to_inside(p, v);
	int64_t k = floor_div(t_s, step_seconds(p));
	int changed = 0;

	if (s->step == INT64_MIN)
		return restart_at(s, k, x, v);
	if (k < s->step) {
		if (s->step - k <= LW_DETECT_STEPS)
			return 0;     /* a small step back: this sample is simply late */
		return restart_at(s, k, x, v);
	}
	if (far_past_floors(s, p, v)) {
		s->start_s = t_s;   /* a new process (or counter): its warm-up starts now */
		return restart_at(s, k, x, v);
	}
	if (k > s->step)
		changed = advance(s, p, k);
	s->step_min = min_u32(s->step_min, x);
	s->last = v;
	return changed;
}

int lw_series_idle(struct lw_series *s, const struct lw_detect_params *p, int64_t t_s)
{
	int64_t k = floor_div(t_s, step_seconds(p));

	if (s->step == INT64_MIN || k <= s->step)
		return 0;
	return advance(s, p, k);
}

uint64_t lw_series_time_to_limit(const struct lw_series *s, uint64_t current, uint64_t limit)
{
	unsigned __int128 distance, rate, seconds;

	if (s->state != LW_LEAK_LEAKING || s->slope_per_h == 0)
		return 0;
	if (s->slope_per_h > 0 && limit > current) {
		distance = limit - current;
		rate = (uint64_t)s->slope_per_h;
	} else if (s->slope_per_h < 0 && limit < current) {
		distance = current - limit;
		rate = (uint64_t)0 - (uint64_t)s->slope_per_h;
	} else {
		return 0;
	}
	seconds = (distance * 3600 + rate - 1) / rate;   /* rounded up: never 0 when forecast */
	return seconds > UINT64_MAX ? UINT64_MAX : (uint64_t)seconds;
}
