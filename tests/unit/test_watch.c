/* test_watch.c: the watcher over synthetic cycles: leaks raise and clear, pids, thresholds, replay. */
/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "detect/watch.h"
#include "detect/watchset.h"

#define T0 INT64_C(1764800000)
#define MiB 1024u

/* A process table of up to 4 rows, names in its own arena. */
struct fake_table {
	struct lw_proc_table t;
	struct lw_proc rows[4];
	char arena[256];
};

static void set_rows(struct fake_table *f, const struct lw_proc *rows, const char *const *names,
		     size_t n)
{
	size_t off = 0;

	memset(&f->t, 0, sizeof(f->t));
	for (size_t i = 0; i < n; i++) {
		f->rows[i] = rows[i];
		f->rows[i].name = (uint32_t)off;
		off += (size_t)sprintf(f->arena + off, "%s", names[i]) + 1;
	}
	f->t.rows = f->rows;
	f->t.count = n;
	f->t.arena = f->arena;
	f->t.arena_len = off;
}

static struct lw_thresholds fast(void)
{
	struct lw_thresholds th;

	lw_thresholds_default(&th);
	th.v[LW_TH_LEAK_WINDOW] = 10;   /* steps of 1 s: the cycles below are 1 s apart */
	th.v[LW_TH_LEAK_WARMUP] = 10;
	return th;
}

static void cycle(struct lw_watch *w, const struct lw_thresholds *th, struct fake_table *f,
		  int64_t now)
{
	struct lw_watch_input in = { .now = now, .procs = f ? &f->t : NULL };
	struct lw_trend trends[LW_TREND_COUNT];

	lw_watch_cycle(w, th, &in, trends);
}

static size_t events(const struct lw_watch *w, uint64_t after, struct lw_alarm_event *out)
{
	return lw_alarm_events_since(lw_watch_alarms(w), after, out, LW_ALARM_EVENTS);
}

/* One process growing 1 MiB/s from 10 MiB for 300 cycles from T0: long enough to be leaking. */
static void leak_for_300_s(struct lw_watch *w, const struct lw_thresholds *th,
			   struct fake_table *f, struct lw_proc *row, const char *const *names)
{
	for (int64_t s = 0; s < 300; s++) {
		row->rss_kb = 10 * MiB + (uint64_t)s * MiB;
		set_rows(f, row, names, 1);
		cycle(w, th, f, T0 + s);
	}
}

/* 1 MiB/s from process start against a 64 MiB sawtooth: one leaks, one does not; exit clears. */
static void leak_raised_sawtooth_not_exit_clears(void **state)
{
	struct lw_thresholds th = fast();
	struct fake_table f;
	struct lw_watch *w;
	struct lw_alarm_event ev[LW_ALARM_EVENTS];
	const char *names[] = { "leaky", "saw" };
	int64_t found = 0;

	(void)state;
	assert_int_equal(lw_watch_new(&w, &th), 0);
	for (int64_t s = 0; s < 400; s++) {
		struct lw_proc rows[2] = {
			{ .pid = 100, .start_time = T0, .rss_kb = 20 * MiB + (uint64_t)s * MiB,
			  .fds = 10, .fd_limit = 1024 },
			{ .pid = 200, .start_time = T0, .rss_kb = 30 * MiB + (s % 4 < 2 ? 64 * MiB : 0),
			  .fds = 10, .fd_limit = 1024 },
		};

		set_rows(&f, rows, names, 2);
		cycle(w, &th, &f, T0 + s);
		if (found == 0 && f.rows[0].leak_state == LW_LEAK_LEAKING)
			found = s;
		assert_int_not_equal(f.rows[1].leak_state, LW_LEAK_LEAKING);
		assert_int_not_equal(f.rows[1].leak_state, LW_LEAK_SUSPECT);
	}
	assert_true(found > 0 && found < 200);
	assert_true(f.rows[0].rss_slope_kb_h > 3000 * MiB && f.rows[0].rss_slope_kb_h < 4200 * MiB);
	assert_int_equal(events(w, 0, ev), 1);
	assert_true(ev[0].raise);
	assert_int_equal(ev[0].alarm.type, LW_ALARM_PROC_MEM_LEAK);
	assert_int_equal(ev[0].alarm.instance, 100);
	assert_int_equal(ev[0].alarm.start_time, T0);
	assert_string_equal(ev[0].alarm.object, "leaky (pid 100)");
	assert_string_equal(ev[0].alarm.name, "leaky");
	assert_int_equal(ev[0].alarm.raised, T0 + found);
	/* the leaking process is gone: cleared once, with its last figures */
	set_rows(&f, &f.rows[1], &names[1], 1);
	cycle(w, &th, &f, T0 + 400);
	cycle(w, &th, &f, T0 + 401);
	assert_int_equal(events(w, 1, ev), 1);
	assert_false(ev[0].raise);
	assert_int_equal(ev[0].alarm.index, 1);
	assert_int_equal(ev[0].alarm.value, 20 * MiB + 399 * MiB);
	lw_watch_free(w);
}

/* A pid reused by another process is another identity: its alarm is not the old one's. */
static void reused_pid_is_a_new_series(void **state)
{
	struct lw_thresholds th = fast();
	struct fake_table f;
	struct lw_watch *w;
	struct lw_alarm_event ev[LW_ALARM_EVENTS];
	const char *names[] = { "first" };
	struct lw_proc row = { .pid = 7, .start_time = T0, .fds = 3, .fd_limit = 1024 };

	(void)state;
	assert_int_equal(lw_watch_new(&w, &th), 0);
	leak_for_300_s(w, &th, &f, &row, names);
	assert_int_equal(f.rows[0].leak_state, LW_LEAK_LEAKING);
	/* same pid, a later start: learning from scratch, and the old identity's alarm clears */
	row.start_time = T0 + 300;
	row.rss_kb = 10 * MiB;
	set_rows(&f, &row, names, 1);
	cycle(w, &th, &f, T0 + 300);
	assert_int_equal(f.rows[0].leak_state, LW_LEAK_LEARNING);
	assert_int_equal(events(w, 0, ev), 2);
	assert_false(ev[1].raise);
	assert_int_equal(ev[1].alarm.start_time, T0);
	lw_watch_free(w);
}

/* A cycle whose processes collector failed keeps the process alarms as they are. */
static void failed_source_keeps_alarms(void **state)
{
	struct lw_thresholds th = fast();
	struct fake_table f;
	struct lw_watch *w;
	const char *names[] = { "leaky" };
	struct lw_proc row = { .pid = 9, .start_time = T0, .fds = 3, .fd_limit = 1024 };

	(void)state;
	assert_int_equal(lw_watch_new(&w, &th), 0);
	leak_for_300_s(w, &th, &f, &row, names);
	assert_int_equal(lw_watch_alarms(w)->n, 1);
	cycle(w, &th, NULL, T0 + 300);
	cycle(w, &th, NULL, T0 + 301);
	assert_int_equal(lw_watch_alarms(w)->n, 1);
	assert_int_equal(lw_watch_alarms(w)->next_seq, 2);   /* only the raise */
	lw_watch_free(w);
}

/*
 * A descriptor count that could not be read (lw_proc.unknown) is no sample: a leaking count
 * stays leaking and its alarm active with the last known figure, where a 0 taken for a value
 * would have reset the series and cleared the alarm.
 */
static void unknown_fds_are_no_samples(void **state)
{
	struct lw_thresholds th = fast();
	struct fake_table f;
	struct lw_watch *w;
	struct lw_alarm_event ev[LW_ALARM_EVENTS];
	const char *names[] = { "fdleak" };
	struct lw_proc row = { .pid = 11, .start_time = T0, .rss_kb = 10 * MiB,
			       .fd_limit = 1000000 };

	(void)state;
	assert_int_equal(lw_watch_new(&w, &th), 0);
	for (int64_t s = 0; s < 300; s++) {
		row.fds = 100 + 10 * (uint32_t)s;
		set_rows(&f, &row, names, 1);
		cycle(w, &th, &f, T0 + s);
	}
	assert_int_equal(f.rows[0].fd_leak_state, LW_LEAK_LEAKING);
	assert_int_equal(events(w, 0, ev), 1);
	assert_int_equal(ev[0].alarm.type, LW_ALARM_PROC_FD_LEAK);
	for (int64_t s = 300; s < 330; s++) {
		row.fds = 0;
		row.unknown = LW_PROC_FDS_UNKNOWN | LW_PROC_TYPES_UNKNOWN;
		set_rows(&f, &row, names, 1);
		cycle(w, &th, &f, T0 + s);
		assert_int_equal(f.rows[0].fd_leak_state, LW_LEAK_LEAKING);
	}
	assert_int_equal(events(w, 0, ev), 1);  /* no clear */
	assert_int_equal(lw_watch_alarms(w)->n, 1);
	assert_int_equal(lw_watch_alarms(w)->active[0].value, 100 + 10 * 299);
	lw_watch_free(w);
}

/* Thresholds: raised at the value, kept above the clear share, cleared below it. */
static void load_threshold_hysteresis(void **state)
{
	struct lw_thresholds th = fast();
	struct lw_watch *w;
	struct lw_loadavg load = { 0 };
	struct lw_watch_input in = { .loadavg = &load, .cpus = 2 };
	struct lw_trend trends[LW_TREND_COUNT];
	struct lw_alarm_event ev[LW_ALARM_EVENTS];
	static const struct { uint64_t load1; size_t active; } steps[] = {
		{ 100, 0 }, { 420, 1 }, { 370, 1 }, { 361, 1 }, { 359, 0 }, { 410, 1 },
	};

	(void)state;
	th.v[LW_TH_HOLDDOWN] = 0;
	assert_int_equal(lw_watch_new(&w, &th), 0);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		load.load1 = steps[i].load1;      /* per CPU: half of it, against 200 (clear 180) */
		in.now = T0 + (int64_t)i;
		lw_watch_cycle(w, &th, &in, trends);
		assert_int_equal(lw_watch_alarms(w)->n, steps[i].active);
	}
	assert_int_equal(events(w, 0, ev), 3);
	assert_int_equal(ev[0].alarm.value, 210);
	assert_int_equal(ev[0].alarm.threshold, 200);
	assert_false(ev[1].raise);
	assert_int_equal(ev[1].alarm.value, 179);  /* the clear carries the value that ended it */
	/* off (0): a raised alarm clears */
	th.v[LW_TH_LOAD_PER_CPU] = 0;
	in.now++;
	lw_watch_cycle(w, &th, &in, trends);
	assert_int_equal(lw_watch_alarms(w)->n, 0);
	lw_watch_free(w);
}

static int collect_point(void *arg, const struct lw_hist_point *p)
{
	return lw_watch_replay_point(arg, p);
}

/* Replayed history puts a series back where it was: leaking at the first cycle. */
static void replay_resumes(void **state)
{
	struct lw_thresholds th = fast();
	struct fake_table f;
	struct lw_watch *w;
	const char *names[] = { "leaky" };
	struct lw_proc row = { .pid = 42, .start_time = T0, .fds = 3, .fd_limit = 1024 };
	int64_t s;

	(void)state;
	assert_int_equal(lw_watch_new(&w, &th), 0);
	for (s = 0; s < 250; s++) {
		struct lw_hist_point p = { .series = LW_HS_PROC_RSS, .pid = 42, .start_time = T0,
					   .name = "leaky", .t = T0 + s,
					   .value = 10 * MiB + (uint64_t)s * MiB };

		assert_int_equal(collect_point(w, &p), 0);
		p.series = LW_HS_PROC_FDS;
		p.value = 3;
		assert_int_equal(collect_point(w, &p), 0);
	}
	row.rss_kb = 10 * MiB + (uint64_t)s * MiB;
	set_rows(&f, &row, names, 1);
	cycle(w, &th, &f, T0 + s);
	assert_int_equal(f.rows[0].leak_state, LW_LEAK_LEAKING);
	assert_int_equal(f.rows[0].fd_leak_state, LW_LEAK_NORMAL);
	assert_int_equal(lw_watch_alarms(w)->n, 1);
	lw_watch_free(w);
}

/*
 * Issue 14, item 7 (leakwatchd's own memory under churn): the series of processes that exited
 * are dropped at the cycle that no longer lists them, so under churn the set holds the processes
 * of the last cycle and no more, and its arrays stay at the size the largest cycle needed:
 * 2,000 cycles of 20 long-lived processes and 100 new ones each (200,000 identities).
 */
static void watchset_bounded_under_churn(void **state)
{
	struct lw_watchset w;
	size_t cap_after_first = 0;

	(void)state;
	lw_watchset_init(&w);
	for (uint32_t cycle = 0; cycle < 2000; cycle++) {
		int64_t t = T0 + cycle;

		lw_watchset_begin(&w);
		/* rows in increasing (id, start): the long-lived first, at low pids */
		for (uint32_t pid = 1; pid <= 20; pid++)
			assert_non_null(lw_watchset_match(&w, pid, T0 - 100, T0 - 100));
		for (uint32_t k = 0; k < 100; k++)
			assert_non_null(lw_watchset_match(&w, 1000 + cycle * 100 + k, t, t));
		lw_watchset_end(&w);
		assert_int_equal(w.n, 120);
		if (cycle == 1)
			cap_after_first = w.cap > w.cap_next ? w.cap : w.cap_next;
		assert_true(w.cap <= cap_after_first || cycle < 1);
		assert_true(w.cap_next <= cap_after_first || cycle < 1);
	}
	/* the long-lived kept their series (the same objects, their start unchanged) */
	assert_int_equal(w.v[0]->id, 1);
	assert_int_equal(w.v[0]->start, T0 - 100);
	lw_watchset_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(leak_raised_sawtooth_not_exit_clears),
		cmocka_unit_test(reused_pid_is_a_new_series),
		cmocka_unit_test(failed_source_keeps_alarms),
		cmocka_unit_test(unknown_fds_are_no_samples),
		cmocka_unit_test(load_threshold_hysteresis),
		cmocka_unit_test(replay_resumes),
		cmocka_unit_test(watchset_bounded_under_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
