/* test_detect.c: the leak detector on seeded synthetic series, its forecast, gaps and clocks. */
/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "detect/detect.h"
#include "detect/trendstat.h"

#define MIB 1024.0                  /* values are KiB */
#define MINUTES_7D (7 * 24 * 60)
#define T0 INT64_C(1764800000)      /* the series' start, seconds since the epoch */
#define NEVER -1.0

/* --- a seeded series: base, noise, sawtooth, warm-up, step, leak, restart ---------------- */

struct shape {
	double base, noise;               /* KiB; noise: the spread of the uniform-sum noise */
	double saw_period, saw_amp;       /* minutes, KiB */
	double warm_from, warm_len;       /* a warm-up from warm_from, easing in over warm_len */
	double step_at, step_by;          /* minute, KiB */
	double leak_from, leak_to, leak_rate;   /* minutes (leak_to < 0: to the end), KiB/min */
	double restart_at;                /* minute the process restarts (warm-up again); 0: no */
};

static uint64_t rng_state;

static double uniform01(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double)((rng_state * 0x2545f4914f6cdd1dull) >> 11) / 9007199254740992.0;
}

/* Nearly normal, standard deviation 1: twelve uniforms (no libm in the unit tests). */
static double noise1(void)
{
	double sum = 0;

	for (int i = 0; i < 12; i++)
		sum += uniform01();
	return sum - 6;
}

/* A warm-up that eases into its plateau (quadratic), from `from` to `to` over len minutes. */
static double warm(double from, double to, double len, double since)
{
	double x = since >= len ? 1 : since / len;

	return from + (to - from) * (1 - (1 - x) * (1 - x));
}

static double value_at(const struct shape *sh, double m)
{
	double v = sh->base, since_start = m;

	if (sh->restart_at > 0 && m >= sh->restart_at)
		since_start = m - sh->restart_at;
	if (sh->warm_len > 0)
		v = warm(sh->warm_from, sh->base, sh->warm_len, since_start);
	if (sh->step_by != 0 && m >= sh->step_at)
		v += sh->step_by;
	if (sh->saw_period > 0) {
		double x = m / sh->saw_period;

		v += sh->saw_amp * (x - (double)(int64_t)x);
	}
	if (sh->leak_rate != 0 && m > sh->leak_from) {
		double until = sh->leak_to >= 0 && m > sh->leak_to ? sh->leak_to : m;

		v += sh->leak_rate * (until - sh->leak_from);
	}
	v += sh->noise * noise1();
	return v < 0 ? 0 : v;
}

/* --- the run and what it records --------------------------------------------------------- */

struct run {
	int first_leaking, first_leaking_after, first_normal_after_stop;   /* minutes; -1 none */
	int leaking_before, judged_in_warmup, changes_unreported;
	int leaking_not_after_suspect;    /* entries into leaking straight from normal */
	int64_t slope_when_leaking;
	enum lw_leak_state last_state;
};

/*
 * Runs sh for `minutes` at 60 s samples from T0 through a series with params p, its noise
 * seeded with seed. Before the leak starts (or without a leak), leaking is a false alarm.
 */
static void run_shape(const struct shape *sh, const struct lw_detect_params *p, uint64_t seed,
		      int minutes, struct run *r)
{
	struct lw_series s;
	enum lw_leak_state prev = LW_LEAK_LEARNING;
	double after = sh->leak_rate != 0 ? sh->leak_from : 1e18;
	double stop = sh->leak_rate != 0 && sh->leak_to >= 0 ? sh->leak_to : 1e18;

	memset(r, 0, sizeof(*r));
	r->first_leaking = r->first_leaking_after = r->first_normal_after_stop = -1;
	rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
	lw_series_init(&s, T0);
	for (int m = 0; m < minutes; m++) {
		double v = value_at(sh, m);
		int changed = lw_series_add(&s, p, T0 + (int64_t)m * 60, (uint64_t)(v + 0.5));
		enum lw_leak_state st = lw_series_state(&s);

		if (changed != (st != prev))
			r->changes_unreported++;
		if (st == LW_LEAK_LEAKING && prev != LW_LEAK_LEAKING && prev != LW_LEAK_SUSPECT)
			r->leaking_not_after_suspect++;
		if (st == LW_LEAK_LEAKING && r->first_leaking < 0)
			r->first_leaking = m;
		if (st == LW_LEAK_LEAKING && m < after)
			r->leaking_before++;
		if (st == LW_LEAK_LEAKING && m >= after && r->first_leaking_after < 0) {
			r->first_leaking_after = m;
			r->slope_when_leaking = lw_series_slope(&s);
		}
		if (st == LW_LEAK_NORMAL && m >= stop && r->first_normal_after_stop < 0)
			r->first_normal_after_stop = m;
		if (st != LW_LEAK_LEARNING && (double)m * 60 < p->warmup_s)
			r->judged_in_warmup = 1;
		prev = st;
	}
	r->last_state = prev;
}

/* --- table-driven detector cases --------------------------------------------------------- */

struct detect_case {
	const char *name;
	struct shape shape;
	double leaking_within;        /* minutes after the leak starts; NEVER: no leak to find */
	double normal_within;         /* minutes after the leak stops; 0: not checked */
	double slope_kib_h;           /* expected slope when found (within 25 %); 0: not checked */
};

#define FLAT(b, n) .base = (b), .noise = (n)

static const struct detect_case cases[] = {
	{ "flat with noise", { FLAT(800 * MIB, 600) }, NEVER, 0, 0 },
	{ "flat, large and noisy", { FLAT(2048 * MIB, 4000) }, NEVER, 0, 0 },
	{ "sawtooth 7 min, stable floor", { FLAT(400 * MIB, 300), .saw_period = 7,
					    .saw_amp = 80 * MIB }, NEVER, 0, 0 },
	{ "sawtooth 45 min, stable floor", { FLAT(400 * MIB, 300), .saw_period = 45,
					     .saw_amp = 120 * MIB }, NEVER, 0, 0 },
	{ "warm-up then plateau", { FLAT(1200 * MIB, 500), .warm_from = 200 * MIB,
				    .warm_len = 50 }, NEVER, 0, 0 },
	{ "step up then flat", { FLAT(600 * MIB, 400), .step_at = 3000, .step_by = 150 * MIB },
	  NEVER, 0, 0 },
	{ "linear leak 4 MiB/min", { FLAT(300 * MIB, 400), .leak_from = 1500, .leak_to = -1,
				     .leak_rate = 4096 }, 30, 0, 4096 * 60 },
	{ "linear leak 1 MiB/min", { FLAT(800 * MIB, 600), .leak_from = 1500, .leak_to = -1,
				     .leak_rate = 1024 }, 30, 0, 1024 * 60 },
	{ "linear leak 256 KiB/min", { FLAT(200 * MIB, 300), .leak_from = 1500, .leak_to = -1,
				       .leak_rate = 256 }, 45, 0, 256 * 60 },
	{ "linear leak 64 KiB/min", { FLAT(100 * MIB, 200), .leak_from = 1500, .leak_to = -1,
				      .leak_rate = 64 }, 8 * 60, 0, 0 },
	{ "leak that stops", { FLAT(500 * MIB, 400), .leak_from = 1500, .leak_to = 1500 + 240,
			       .leak_rate = 1024 }, 30, 90, 0 },
	{ "leak from the process's start", { FLAT(150 * MIB, 300), .leak_from = 0,
					     .leak_to = -1, .leak_rate = 2048 }, 300, 0, 2048 * 60 },
	{ "slow leak hidden under a sawtooth", { FLAT(500 * MIB, 300), .saw_period = 5,
						 .saw_amp = 40 * MIB, .leak_from = 1500,
						 .leak_to = -1, .leak_rate = 128 }, 12 * 60, 0, 0 },
	{ "process restarts", { FLAT(900 * MIB, 500), .warm_from = 50 * MIB, .warm_len = 20,
				.restart_at = 4000 }, NEVER, 0, 0 },
};

static void detector_cases(void **state)
{
	struct lw_detect_params p;

	(void)state;
	lw_detect_params_default(&p);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct detect_case *c = &cases[i];

		for (uint64_t seed = 1; seed <= 3; seed++) {
			struct run r;

			run_shape(&c->shape, &p, seed * 100 + i, MINUTES_7D, &r);
			if (r.changes_unreported)
				fail_msg("%s (seed %d): lw_series_add's return missed %d changes",
					 c->name, (int)seed, r.changes_unreported);
			if (r.judged_in_warmup)
				fail_msg("%s (seed %d): a verdict during the warm-up", c->name,
					 (int)seed);
			if (r.leaking_before)
				fail_msg("%s (seed %d): leaking at minute %d where nothing leaks",
					 c->name, (int)seed, r.first_leaking);
			if (c->leaking_within == NEVER)
				continue;
			if (r.first_leaking_after < 0 ||
			    r.first_leaking_after - c->shape.leak_from > c->leaking_within)
				fail_msg("%s (seed %d): leaking at minute %d, leak from %.0f, "
					 "bound %.0f min", c->name, (int)seed,
					 r.first_leaking_after, c->shape.leak_from,
					 c->leaking_within);
			if (r.leaking_not_after_suspect)
				fail_msg("%s (seed %d): leaking without suspect first", c->name,
					 (int)seed);
			if (c->slope_kib_h > 0 &&
			    (r.slope_when_leaking < 0.75 * c->slope_kib_h ||
			     r.slope_when_leaking > 1.25 * c->slope_kib_h))
				fail_msg("%s (seed %d): slope %lld KiB/h, expected %.0f",
					 c->name, (int)seed, (long long)r.slope_when_leaking,
					 c->slope_kib_h);
			if (c->normal_within > 0 &&
			    (r.first_normal_after_stop < 0 ||
			     r.first_normal_after_stop - c->shape.leak_to > c->normal_within))
				fail_msg("%s (seed %d): normal at minute %d, the leak stopped at "
					 "%.0f, bound %.0f min", c->name, (int)seed,
					 r.first_normal_after_stop, c->shape.leak_to,
					 c->normal_within);
		}
	}
}

/* --- the states a series goes through ---------------------------------------------------- */

static enum lw_leak_state feed(struct lw_series *s, const struct lw_detect_params *p,
			       const struct shape *sh, int from, int to)
{
	for (int m = from; m < to; m++)
		lw_series_add(s, p, T0 + (int64_t)m * 60, (uint64_t)value_at(sh, m));
	return lw_series_state(s);
}

/* Learning through the warm-up and until the history is long enough, then normal. */
static void learning_then_normal(void **state)
{
	struct shape flat = { FLAT(500 * MIB, 400) };
	struct lw_detect_params p;
	struct lw_series s;

	(void)state;
	lw_detect_params_default(&p);
	rng_state = 7;
	lw_series_init(&s, T0);
	assert_int_equal(lw_series_state(&s), LW_LEAK_LEARNING);
	assert_int_equal(feed(&s, &p, &flat, 0, (int)p.warmup_s / 60), LW_LEAK_LEARNING);
	assert_int_equal(lw_series_slope(&s), 0);
	assert_int_equal(feed(&s, &p, &flat, (int)p.warmup_s / 60, 6 * 60), LW_LEAK_NORMAL);
}

/*
 * A restart (the value falls to a tenth) or a counter reset (descriptors back to a few):
 * learning again at once, its warm-up counted from the fall, never leaking on the way up.
 */
static void restart_and_counter_reset_learn_again(void **state)
{
	struct shape rss = { FLAT(900 * MIB, 500), .warm_from = 90 * MIB, .warm_len = 30,
			     .restart_at = 8 * 60 };
	struct lw_detect_params p;
	struct lw_series s;

	(void)state;
	lw_detect_params_default(&p);
	rng_state = 11;
	lw_series_init(&s, T0);
	assert_int_equal(feed(&s, &p, &rss, 0, 8 * 60), LW_LEAK_NORMAL);
	assert_int_equal(feed(&s, &p, &rss, 8 * 60, 8 * 60 + 1), LW_LEAK_LEARNING);
	assert_int_equal(s.start_s, T0 + 8 * 3600);
	assert_int_equal(feed(&s, &p, &rss, 8 * 60 + 1, 8 * 60 + (int)p.warmup_s / 60),
			 LW_LEAK_LEARNING);
	assert_int_equal(feed(&s, &p, &rss, 8 * 60 + (int)p.warmup_s / 60, 16 * 60),
			 LW_LEAK_NORMAL);

	/* descriptors: 5000 open, then the process restarts with 12 */
	lw_series_init(&s, T0);
	p.min_slope = 10;
	p.min_pct_day = 500;
	for (int m = 0; m < 6 * 60; m++)
		lw_series_add(&s, &p, T0 + m * 60, 5000 + (m % 7));
	assert_int_equal(lw_series_state(&s), LW_LEAK_NORMAL);
	assert_int_equal(lw_series_add(&s, &p, T0 + 6 * 3600, 12), 1);
	assert_int_equal(lw_series_state(&s), LW_LEAK_LEARNING);

	/* reset_pct 0: no reset, the fall is only a dip */
	lw_detect_params_default(&p);
	p.reset_pct = 0;
	rng_state = 11;
	lw_series_init(&s, T0);
	assert_int_equal(feed(&s, &p, &rss, 0, 8 * 60 + 1), LW_LEAK_NORMAL);
}

/* --- a downward series: MemAvailable falling --------------------------------------------- */

static void downward_series_finds_falling_memavailable(void **state)
{
	struct lw_detect_params p;
	struct lw_series s;
	int found = -1;
	uint64_t current = 0;

	(void)state;
	lw_detect_params_default(&p);
	p.dir = LW_TREND_DOWN;
	rng_state = 5;
	lw_series_init(&s, T0);
	for (int m = 0; m < 2 * 24 * 60 && found < 0; m++) {
		/* 8 GiB available with page-cache noise, falling 1 MiB/min from minute 1500 */
		double v = 8192 * MIB - (m > 1500 ? 1024.0 * (m - 1500) : 0) + 2000 * noise1();

		/* a burst of allocations: MemAvailable dips below its level for a sample */
		if (m % 37 == 0)
			v -= 300 * MIB;
		current = (uint64_t)v;
		lw_series_add(&s, &p, T0 + (int64_t)m * 60, current);
		assert_true(lw_series_state(&s) != LW_LEAK_LEAKING || m > 1500);
		if (lw_series_state(&s) == LW_LEAK_LEAKING)
			found = m;
	}
	if (found <= 1500 || found - 1500 > 40)
		fail_msg("MemAvailable falling from minute 1500: leaking at %d", found);
	assert_true(lw_series_slope(&s) < -40 * 1024 && lw_series_slope(&s) > -80 * 1024);
	/* exhaustion: from current down to 0 at about 1 MiB/min */
	uint64_t eta = lw_series_time_to_limit(&s, current, 0);

	assert_true(eta > current / 1024 * 60 * 3 / 4 && eta < current / 1024 * 60 * 5 / 4);
	assert_int_equal(lw_series_time_to_limit(&s, current, current + 1), 0);
}

/* --- forecasts ------------------------------------------------------------------------------- */

static void time_to_limit_cases(void **state)
{
	struct lw_series s;

	(void)state;
	lw_series_init(&s, T0);
	/* not leaking: no forecast, whatever the slope */
	s.slope_per_h = 3600;
	assert_int_equal(lw_series_time_to_limit(&s, 100, 200), 0);
	s.state = LW_LEAK_SUSPECT;
	assert_int_equal(lw_series_time_to_limit(&s, 100, 200), 0);

	s.state = LW_LEAK_LEAKING;
	assert_int_equal(lw_series_time_to_limit(&s, 100, 200), 100);      /* 1 a second */
	assert_int_equal(lw_series_time_to_limit(&s, 100, 101), 1);
	assert_int_equal(lw_series_time_to_limit(&s, 200, 100), 0);        /* passed */
	assert_int_equal(lw_series_time_to_limit(&s, 200, 200), 0);        /* reached */
	s.slope_per_h = 7;
	assert_int_equal(lw_series_time_to_limit(&s, 0, 1), 515);          /* 514.3, up */
	s.slope_per_h = 1;
	assert_int_equal(lw_series_time_to_limit(&s, 0, UINT64_MAX), UINT64_MAX);
	/* falling: toward a limit below */
	s.slope_per_h = -7200;
	assert_int_equal(lw_series_time_to_limit(&s, 1000, 0), 500);
	assert_int_equal(lw_series_time_to_limit(&s, 1000, 2000), 0);
	s.slope_per_h = 0;
	assert_int_equal(lw_series_time_to_limit(&s, 0, 10), 0);
}

/* --- gaps, clocks, saving -------------------------------------------------------------------- */

/* Steps without a sample are missing: a short gap keeps the state, a day away learns again. */
static void missing_steps(void **state)
{
	struct shape flat = { FLAT(700 * MIB, 500) };
	struct lw_detect_params p;
	struct lw_series s;

	(void)state;
	lw_detect_params_default(&p);
	rng_state = 3;
	lw_series_init(&s, T0);
	assert_int_equal(lw_series_idle(&s, &p, T0 + 600), 0);    /* nothing seen yet */
	assert_int_equal(feed(&s, &p, &flat, 0, 6 * 60), LW_LEAK_NORMAL);
	/* 45 min unseen: the steps close empty, the state stays */
	assert_int_equal(lw_series_idle(&s, &p, T0 + 6 * 3600 + 45 * 60), 0);
	assert_int_equal(lw_series_state(&s), LW_LEAK_NORMAL);
	assert_int_equal(s.floors[0] == UINT32_MAX || s.floors[1] == UINT32_MAX, 1);
	assert_int_equal(feed(&s, &p, &flat, 6 * 60 + 45, 12 * 60), LW_LEAK_NORMAL);
	/* a leak seen through a gap in its middle is still found */
	struct shape leak = { FLAT(700 * MIB, 500), .leak_from = 12 * 60, .leak_to = -1,
			      .leak_rate = 2048 };

	feed(&s, &p, &leak, 12 * 60, 12 * 60 + 10);
	lw_series_idle(&s, &p, T0 + (12 * 60 + 15) * 60);
	assert_int_equal(feed(&s, &p, &leak, 12 * 60 + 15, 13 * 60), LW_LEAK_LEAKING);
	/* away for a day: everything held is older than the long floors, learning again */
	assert_int_equal(lw_series_idle(&s, &p, T0 + 37 * 3600), 1);
	assert_int_equal(lw_series_state(&s), LW_LEAK_LEARNING);
	for (size_t i = 0; i < LW_DETECT_LONG_FLOORS; i++)
		assert_int_equal(s.long_floors[i], UINT32_MAX);
}

/* A sample in the past is late (ignored); a clock stepped back by hours starts the floors over. */
static void clock_stepping_back(void **state)
{
	struct shape flat = { FLAT(700 * MIB, 500) };
	struct lw_detect_params p;
	struct lw_series s, before;
	int64_t now = T0 + 6 * 3600;

	(void)state;
	lw_detect_params_default(&p);
	rng_state = 9;
	lw_series_init(&s, T0);
	assert_int_equal(feed(&s, &p, &flat, 0, 6 * 60), LW_LEAK_NORMAL);
	before = s;
	assert_int_equal(lw_series_add(&s, &p, now - 90, 1), 0);        /* late: ignored */
	assert_memory_equal(&s, &before, sizeof(s));
	assert_int_equal(lw_series_add(&s, &p, now - 3 * 3600, 700 * 1024), 1);
	assert_int_equal(lw_series_state(&s), LW_LEAK_LEARNING);
	assert_int_equal(s.start_s, T0);                                  /* the start is kept */
	assert_int_equal(s.step, (now - 3 * 3600) / 60);
}

/* The struct is saved byte for byte; a copy continues exactly as the original. */
static void save_and_restore_by_copy(void **state)
{
	struct shape leak = { FLAT(600 * MIB, 500), .saw_period = 4, .saw_amp = 30 * MIB,
			      .leak_from = 600, .leak_to = -1, .leak_rate = 512 };
	struct lw_detect_params p;
	struct lw_series original, restored;
	unsigned char saved[sizeof(struct lw_series)];
	uint64_t noise_state;

	(void)state;
	assert_true(sizeof(struct lw_series) <= 320);
	lw_detect_params_default(&p);
	rng_state = 13;
	lw_series_init(&original, T0);
	feed(&original, &p, &leak, 0, 500);
	memcpy(saved, &original, sizeof(saved));             /* copied out ... */
	memcpy(&restored, saved, sizeof(restored));          /* ... and back */
	noise_state = rng_state;
	for (int m = 500; m < 3 * 24 * 60; m++) {
		uint64_t v;

		rng_state = noise_state;
		v = (uint64_t)value_at(&leak, m);
		noise_state = rng_state;
		assert_int_equal(lw_series_add(&original, &p, T0 + m * 60, v),
				 lw_series_add(&restored, &p, T0 + m * 60, v));
		assert_int_equal(lw_series_state(&original), lw_series_state(&restored));
	}
	assert_memory_equal(&original, &restored, sizeof(original));
	assert_int_equal(lw_series_state(&restored), LW_LEAK_LEAKING);
}

/* --- parameters and statistics --------------------------------------------------------------- */

static void params_checked(void **state)
{
	struct lw_detect_params p;
	struct lw_error err;

	(void)state;
	lw_detect_params_default(&p);
	assert_int_equal(lw_detect_params_check(&p, &err), 0);
	assert_int_equal(p.window_s, 600);
	p.window_s = 605;
	assert_int_equal(lw_detect_params_check(&p, &err), -1);
	assert_non_null(strstr(err.text, "window"));
	lw_detect_params_default(&p);
	p.span = LW_DETECT_MAX_FLOORS + 1;
	assert_int_equal(lw_detect_params_check(&p, &err), -1);
	lw_detect_params_default(&p);
	p.alpha_permille = 0;
	assert_int_equal(lw_detect_params_check(&p, &err), -1);
}

static void statistics(void **state)
{
	const uint32_t rising[] = { 1, 2, 3, 4, 5, 6 }, tied[] = { 5, 5, 5, 5 };
	const uint32_t gappy[] = { 10, UINT32_MAX, 30, 40, UINT32_MAX, 60 };
	const uint32_t outlier[] = { 0, 10, 20, 30, 1000, 50, 60 };

	(void)state;
	assert_int_equal(lw_mk_s(rising, 6), 15);
	assert_int_equal(lw_mk_s(tied, 4), 0);
	assert_true(lw_mk_variance(rising, 6) > 28.33 && lw_mk_variance(rising, 6) < 28.34);
	assert_true(lw_mk_variance(tied, 4) == 0);
	assert_int_equal(lw_mk_s(gappy, 6), 6);
	assert_true(lw_theil_sen(gappy, 6) == 10);     /* the times of the points are kept */
	assert_true(lw_theil_sen(outlier, 7) == 10);   /* robust to one wild point */
	assert_true(lw_theil_sen(tied, 4) == 0);
	assert_true(lw_hamed_rao_factor(rising, 6, 1) >= 1);
	assert_true(lw_normal_upper_tail(0) > 0.4999 && lw_normal_upper_tail(0) < 0.5001);
	assert_true(lw_normal_upper_tail(2.326) > 0.0099 && lw_normal_upper_tail(2.326) < 0.0101);
	assert_true(lw_normal_upper_tail(-1.645) > 0.949 && lw_normal_upper_tail(-1.645) < 0.951);
	assert_true(lw_trend_sqrt(2) > 1.41421356 && lw_trend_sqrt(2) < 1.41421357);
	assert_true(lw_trend_sqrt(1e12) > 999999.999 && lw_trend_sqrt(1e12) < 1000000.001);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(detector_cases),
		cmocka_unit_test(learning_then_normal),
		cmocka_unit_test(restart_and_counter_reset_learn_again),
		cmocka_unit_test(downward_series_finds_falling_memavailable),
		cmocka_unit_test(time_to_limit_cases),
		cmocka_unit_test(missing_steps),
		cmocka_unit_test(clock_stepping_back),
		cmocka_unit_test(save_and_restore_by_copy),
		cmocka_unit_test(params_checked),
		cmocka_unit_test(statistics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
