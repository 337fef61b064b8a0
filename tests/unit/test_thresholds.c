/* test_thresholds.c: threshold ranges and consistency, and the file that keeps SNMP SETs. */
/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/thresholds.h"

static void table_is_whole(void **state)
{
	struct lw_thresholds t;

	(void)state;
	lw_thresholds_default(&t);
	assert_int_equal(t.set_mask, 0);
	for (int i = 0; i < LW_TH_COUNT; i++) {
		const struct lw_threshold_def *d = lw_threshold_def((enum lw_threshold_id)i);
		struct lw_error err;

		assert_non_null(d);
		assert_true(d->lo <= d->def && d->def <= d->hi);
		assert_int_equal(t.v[i], d->def);
		assert_int_equal(lw_threshold_by_directive(d->directive), i);
		assert_int_equal(lw_threshold_check((enum lw_threshold_id)i, d->lo, &err), 0);
		assert_int_equal(lw_threshold_check((enum lw_threshold_id)i, d->hi, &err), 0);
		assert_int_equal(strncmp(d->object, "lw", 2), 0);
	}
	assert_null(lw_threshold_def(LW_TH_COUNT));
	assert_int_equal(lw_threshold_by_directive("leak_windowx"), -1);
}

static void ranges_and_consistency(void **state)
{
	struct lw_thresholds t;
	struct lw_error err;
	enum lw_threshold_id bad;

	(void)state;
	assert_int_equal(lw_threshold_check(LW_TH_LEAK_WINDOW, 9, &err), -1);
	assert_string_equal(err.text, "lwLeakWindow: 9 is out of range 10..86400 seconds");
	assert_int_equal(lw_threshold_check(LW_TH_CLEAR_PCT, 101, &err), -1);
	assert_string_equal(err.text, "lwAlarmClearPercent: 101 is out of range 50..100 percent");
	lw_thresholds_default(&t);
	assert_int_equal(lw_thresholds_consistent(&t, &bad, &err), 0);
	t.v[LW_TH_LEAK_WINDOW] = 605;
	assert_int_equal(lw_thresholds_consistent(&t, &bad, &err), -1);
	assert_int_equal(bad, LW_TH_LEAK_WINDOW);
	assert_string_equal(err.text, "lwLeakWindow: 605 is not a multiple of 10 seconds");
	/* A warm-up shorter than a window: the object the SET gave is the one at fault. */
	t.v[LW_TH_LEAK_WINDOW] = 9000;
	assert_int_equal(lw_thresholds_consistent(&t, &bad, &err), -1);
	assert_int_equal(bad, LW_TH_LEAK_WINDOW);
	assert_string_equal(err.text, "lwLeakWarmup 7200 s is shorter than lwLeakWindow 9000 s (0 "
				      "or at least one window)");
	t.set_mask = 1u << LW_TH_LEAK_WARMUP;
	assert_int_equal(lw_thresholds_consistent(&t, &bad, &err), -1);
	assert_int_equal(bad, LW_TH_LEAK_WARMUP);
	t.v[LW_TH_LEAK_WARMUP] = 0;  /* no warm-up at all is allowed */
	assert_int_equal(lw_thresholds_consistent(&t, &bad, &err), 0);
}

static char *temp_dir(void)
{
	static char dir[64];

	snprintf(dir, sizeof(dir), "/tmp/lw-th-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return dir;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Only SET values are written; loading them marks them and leaves the others as they were. */
static void save_and_load(void **state)
{
	char path[128], *dir = temp_dir();
	struct lw_thresholds t, back;
	struct lw_error err;
	FILE *f;
	char text[512];
	size_t n;

	(void)state;
	snprintf(path, sizeof(path), "%s/thresholds", dir);
	lw_thresholds_default(&t);
	t.v[LW_TH_LEAK_MIN_SLOPE] = 4096;
	t.v[LW_TH_MCAST_PPS] = 123;
	t.v[LW_TH_ORPHAN_PCT] = 7000;        /* changed but not SET: not written */
	t.set_mask = 1u << LW_TH_LEAK_MIN_SLOPE | 1u << LW_TH_MCAST_PPS;
	assert_int_equal(lw_thresholds_save(path, &t, &err), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	assert_non_null(strstr(text, "\nleak_min_slope 4096\nalarm_mcast_pps 123\n"));
	assert_null(strstr(text, "alarm_tcp_orphans"));
	snprintf(text, sizeof(text), "%s.tmp", path);
	assert_int_equal(access(text, F_OK), -1);   /* renamed, not left behind */

	lw_thresholds_default(&back);
	back.v[LW_TH_HOLDDOWN] = 42;                /* a value from the config file */
	assert_int_equal(lw_thresholds_load(path, &back, &err), 0);
	assert_int_equal(back.v[LW_TH_LEAK_MIN_SLOPE], 4096);
	assert_int_equal(back.v[LW_TH_MCAST_PPS], 123);
	assert_int_equal(back.v[LW_TH_HOLDDOWN], 42);
	assert_int_equal(back.v[LW_TH_ORPHAN_PCT], 8000);
	assert_int_equal(back.set_mask, t.set_mask);
	unlink(path);
	/* No file: nothing changes, no error. */
	assert_int_equal(lw_thresholds_load(path, &back, &err), 0);
	assert_int_equal(back.v[LW_TH_MCAST_PPS], 123);
	rmdir(dir);
}

/* A bad file names itself and the line, and changes nothing. */
static void bad_files(void **state)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "# x\nleak_window 600\nbogus 1\n", ":3: unknown threshold 'bogus'" },
		{ "leak_window 9\n", ":1: leak_window: 9 is out of range 10..86400 seconds" },
		{ "leak_window six\n", ":1: leak_window: not a number" },
		{ "leak_window 600 700\n", ":1: leak_window: one value expected" },
		{ "leak_window 3600\nleak_warmup 1800\n",
		  ": leak_warmup 1800 s is shorter than leak_window 3600 s (0 or at least one "
		  "window)" },
		{ "leak_window 99999999999\n", ":1: leak_window: not a number" },
	};
	char path[128], *dir = temp_dir();

	(void)state;
	snprintf(path, sizeof(path), "%s/thresholds", dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lw_thresholds t;
		struct lw_error err;
		char want[512];

		write_text(path, cases[i].text);
		lw_thresholds_default(&t);
		t.v[LW_TH_LEAK_WINDOW] = 1200;
		assert_int_equal(lw_thresholds_load(path, &t, &err), -1);
		snprintf(want, sizeof(want), "%s%s", path, cases[i].want);
		assert_string_equal(err.text, want);
		assert_int_equal(t.v[LW_TH_LEAK_WINDOW], 1200);
		assert_int_equal(t.set_mask, 0);
	}
	unlink(path);
	/* A directory that cannot take the file: the error names it. */
	{
		struct lw_thresholds t;
		struct lw_error err;

		lw_thresholds_default(&t);
		t.set_mask = 1;
		snprintf(path, sizeof(path), "%s/missing/thresholds", dir);
		assert_int_equal(lw_thresholds_save(path, &t, &err), -1);
		assert_non_null(strstr(err.text, "missing/thresholds.tmp"));
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_is_whole),
		cmocka_unit_test(ranges_and_consistency),
		cmocka_unit_test(save_and_load),
		cmocka_unit_test(bad_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
