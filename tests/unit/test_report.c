/* test_report.c: the report's figures from a history the real writer made: a leak, a sawtooth, a flat process, a counter, the detector's verdict, a restart, the collector tables. */
/* SPDX-License-Identifier: ISC */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "history/history.h"
#include "history/history_kinds.h"
#include "report/report.h"
#include "report/report_int.h"
#include "report/report_out.h"

#define T0 1800000000LL            /* a multiple of 600: windows and steps line up */
#define CYCLES 360                 /* 6 hours at 60 s */
#define LEAK_KB 1024               /* per cycle: 61440 KiB/h */

static char dir[64];
static char db[128];

#define TCP_ERROR "tcp: cannot read /proc/net/tcp6: Permission denied"

static void one_cycle(struct lw_history *h, int k)
{
	struct lw_hist_proc procs[3];
	struct lw_hist_collector coll[2];
	struct lw_history_cycle c;

	memset(&c, 0, sizeof(c));
	memset(procs, 0, sizeof(procs));
	c.t = T0 + 60LL * k;
	procs[0] = (struct lw_hist_proc){ .pid = 100, .start_time = T0 - 60, .rss_kb = 10000 +
					  (uint64_t)LEAK_KB * (uint64_t)k, .anon_kb = 8000, .vsz_kb = 90000,
					  .fds = 10, .cpu_ticks = 6ull * (uint64_t)k };
	procs[1] = (struct lw_hist_proc){ .pid = 200, .start_time = T0 - 60,
					  .rss_kb = 20000 + (uint64_t)(k % 30) * 1000, .anon_kb = 100,
					  .vsz_kb = 90000, .fds = 5 };
	procs[2] = (struct lw_hist_proc){ .pid = 300, .start_time = T0 - 60, .rss_kb = 5000,
					  .anon_kb = 100, .vsz_kb = 9000, .fds = 3 };
	snprintf(procs[0].name, sizeof(procs[0].name), "leaky");
	snprintf(procs[1].name, sizeof(procs[1].name), "saw");
	snprintf(procs[2].name, sizeof(procs[2].name), "flat");
	c.procs = procs;
	c.nprocs = 3;
	c.sys[LW_HSYS_MEM_TOTAL_KB] = 8000000;
	c.sys[LW_HSYS_MEM_AVAILABLE_KB] = 4000000;
	c.sys_present = (1ull << LW_HSYS_MEM_TOTAL_KB) | (1ull << LW_HSYS_MEM_AVAILABLE_KB);
	/* Two collectors; tcp fails from cycle 300 on (in the second run). */
	memset(coll, 0, sizeof(coll));
	for (int i = 0; i < 2; i++) {
		snprintf(coll[i].name, sizeof(coll[i].name), "%s", i ? "tcp" : "meminfo");
		snprintf(coll[i].source, sizeof(coll[i].source), "%s", i ? "/proc/net/tcp" :
			 "/proc/meminfo");
		coll[i].interval_s = 60;
		coll[i].runs = (uint32_t)k + 1;
		coll[i].ok = true;
		coll[i].last_duration_us = 250;
		coll[i].total_duration_us = 250ull * ((uint64_t)k + 1);
	}
	if (k >= 300) {
		coll[1].ok = false;
		coll[1].errors = (uint32_t)k - 299;
		snprintf(coll[1].last_error, sizeof(coll[1].last_error), "%s", TCP_ERROR);
	}
	c.collectors = coll;
	c.ncollectors = 2;
	assert_int_equal(lw_history_submit(h, &c), 0);
	lw_history_flush(h);
}

/* Cycles [k0, k1) written by one run of the writer into path; stop: a clean close.
 * full_hours 0: the default. */
static void write_run_to(const char *path, uint32_t full_hours, int k0, int k1)
{
	struct lw_history_settings cfg;
	struct lw_history_run_info run = { "leakwatchd", "test", 60, "interval 60\n" };
	struct lw_history *h;
	struct lw_error err;

	lw_history_settings_default(&cfg);
	snprintf(cfg.path, sizeof(cfg.path), "%s", path);
	if (full_hours)
		cfg.full_hours = full_hours;
	assert_int_equal(lw_history_open(&h, &cfg, &err), 0);
	assert_int_equal(lw_history_set_run(h, &run, &err), 0);
	for (int k = k0; k < k1; k++)
		one_cycle(h, k);
	lw_history_close(h);
}

static void write_run(int k0, int k1)
{
	write_run_to(db, 0, k0, k1);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/lw-test-report-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(db, sizeof(db), "%s/history.db", dir);
	write_run(0, 200);
	write_run(210, CYCLES);   /* 10 cycles missed: a stop and a start */
	/* The runs' times are the real clock's; the cycles are simulated: put the runs where
	 * their cycles are (the first stopped cleanly after cycle 199, the second started
	 * before cycle 210). */
	{
		sqlite3 *d;
		char sql[256];

		snprintf(sql, sizeof(sql), "UPDATE run SET start_t = %lld, stop_t = %lld WHERE id = 1;"
			 "UPDATE run SET start_t = %lld, stop_t = %lld WHERE id = 2;",
			 T0 - 5, T0 + 60 * 199 + 30, T0 + 60 * 209 + 50, T0 + 60 * CYCLES);
		if (sqlite3_open(db, &d) != SQLITE_OK ||
		    sqlite3_exec(d, sql, NULL, NULL, NULL) != SQLITE_OK)
			return -1;
		sqlite3_close(d);
	}
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static const struct lw_report_series *find(const struct lw_report *r, uint32_t pid,
					   const char *metric)
{
	for (size_t i = 0; i < r->nseries; i++)
		if (r->series[i].pid == pid && strcmp(r->series[i].metric, metric) == 0 &&
		    r->series[i].kind == LW_HK_PROC)
			return &r->series[i];
	fail_msg("no series %u %s", pid, metric);
	return NULL;
}

static struct lw_report *build(int64_t from, int64_t to)
{
	struct lw_report_opts o = { .db_path = db, .from = from, .to = to };
	struct lw_report *r;
	struct lw_error err;

	if (lw_report_build(&r, &o, &err) != 0)
		fail_msg("%s", err.text);
	return r;
}

static void test_leak_figures(void **state)
{
	struct lw_report *r = build(0, 0);
	const struct lw_report_series *s = find(r, 100, "rss_kb");
	int last = CYCLES - 1;

	(void)state;
	assert_int_equal(r->cycles, CYCLES - 10);
	assert_true(s->start == 10000 && s->end == 10000 + LEAK_KB * last);
	assert_true(s->delta == LEAK_KB * last);
	assert_true(fabs(s->slope_per_h - LEAK_KB * 60) < 1e-6 * LEAK_KB * 60);
	assert_true(s->growing_share == 1.0);
	assert_true(s->rising);
	assert_string_equal(s->limit_name, "MemAvailable");
	assert_int_equal(s->exhaustion_s, (int64_t)(4000000.0 / (LEAK_KB * 60) * 3600));
	/* the detector's verdict, replayed as leakwatchd would have judged it */
	assert_int_equal(s->verdict, LW_RV_LEAKING);
	assert_true(r->nsuspects >= 1);
	assert_ptr_equal(&r->series[r->suspects[0]], s);
	assert_int_equal(s->samples, CYCLES - 10);
	lw_report_free(r);
}

static void test_sawtooth_and_flat(void **state)
{
	struct lw_report *r = build(0, 0);
	const struct lw_report_series *saw = find(r, 200, "rss_kb");
	const struct lw_report_series *flat = find(r, 300, "rss_kb");

	(void)state;
	assert_false(saw->rising);
	assert_int_not_equal(saw->verdict, LW_RV_LEAKING);
	for (size_t k = 0; k < r->nsuspects; k++)
		assert_int_not_equal(r->series[r->suspects[k]].pid, 200);
	/* flat: its two runs (before and after the gap) kept as their ends */
	assert_int_equal(flat->npts, 4);
	assert_int_equal(flat->samples, CYCLES - 10);
	assert_true(flat->slope_per_h == 0 && flat->growing_share == 0);
	assert_true(flat->pts[0].t == T0 && flat->pts[3].t == T0 + 60 * (CYCLES - 1));
	lw_report_free(r);
}

static void test_counter_rate_and_runs(void **state)
{
	struct lw_report *r = build(0, 0);
	const struct lw_report_series *cpu = find(r, 100, "cpu_ticks");

	(void)state;
	assert_true(cpu->counter);
	/* 6 ticks a minute: 0.1 a second; no rate across the gap */
	assert_true(fabs(cpu->start - 0.1) < 1e-9 && fabs(cpu->end - 0.1) < 1e-9);
	assert_int_equal(cpu->samples, CYCLES - 10 - 2);
	assert_int_equal(r->nruns, 2);
	assert_int_equal(r->restarts, 1);
	assert_int_equal(r->crashes, 0);
	assert_int_equal(r->ngaps, 1);
	assert_int_equal(r->gaps[0].from, T0 + 60 * 199);
	assert_int_equal(r->gaps[0].to, T0 + 60 * 210);
	assert_string_equal(r->gaps[0].why, "leakwatchd not running");
	assert_int_equal(r->interval_s, 60);
	lw_report_free(r);
}

static void test_window(void **state)
{
	struct lw_report *r = build(T0 + 60 * 250, T0 + 60 * 260);
	const struct lw_report_series *s = find(r, 100, "rss_kb");

	(void)state;
	assert_int_equal(r->cycles, 11);
	assert_true(s->start == 10000 + LEAK_KB * 250 && s->end == 10000 + LEAK_KB * 260);
	assert_int_equal(s->npts, 11);
	lw_report_free(r);
}

/* Older than full_hours, the history keeps windows (min, max, average of 10 cycles): the
 * report reads them where the full resolution does not reach, one series across both. */
static void test_window_tier(void **state)
{
	struct lw_report_opts o = { 0 };
	const struct lw_report_series *s;
	struct lw_report *r;
	struct lw_error err;
	char path[160];

	(void)state;
	snprintf(path, sizeof(path), "%s/win.db", dir);
	write_run_to(path, 1, 0, CYCLES);
	o.db_path = path;
	if (lw_report_build(&r, &o, &err) != 0)
		fail_msg("%s", err.text);
	s = find(r, 100, "rss_kb");
	assert_true(r->windows > 0 && r->cycles > 0 && r->cycles < CYCLES);
	assert_int_equal(r->window_s, 600);
	assert_int_equal(r->cycles + r->windows * 10, CYCLES);
	assert_int_equal(s->samples, CYCLES);
	assert_true(s->min == 10000 && s->max == 10000 + LEAK_KB * (CYCLES - 1));
	assert_true(fabs(s->slope_per_h - LEAK_KB * 60) < 1e-3 * LEAK_KB * 60);
	assert_int_equal(r->ngaps, 0);
	/* a window's point carries its ten samples' min, max and average */
	assert_true(s->pts[0].n == 10 && s->pts[0].min == 10000 &&
		    s->pts[0].max == 10000 + LEAK_KB * 9 && s->pts[0].avg == 10000 + LEAK_KB * 4.5);
	lw_report_free(r);
}

/* A copy of the test's history at path (dir/name), made an older version by running downgrade. */
static void older_copy(const char *name, const char *downgrade, char *path, size_t cap)
{
	char sql[512];
	sqlite3 *d;

	snprintf(path, cap, "%s/%s", dir, name);
	snprintf(sql, sizeof(sql), "VACUUM INTO '%s'", path);
	assert_int_equal(sqlite3_open(db, &d), SQLITE_OK);
	assert_int_equal(sqlite3_exec(d, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(d);
	assert_int_equal(sqlite3_open(path, &d), SQLITE_OK);
	assert_int_equal(sqlite3_exec(d, downgrade, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(d);
}

/* A version 1 history (before runs and alarm events) still makes a report; the header says
 * what it cannot know. Made from the version 2 file as version 1 had it. */
static void test_version_1(void **state)
{
	char v1[160];
	struct lw_report *r;

	(void)state;
	older_copy("v1.db", "DROP TABLE run; DROP TABLE alarm_event;"
		   " DELETE FROM sample WHERE id IN (SELECT id FROM ident WHERE kind > 5);"
		   " DELETE FROM ident WHERE kind > 5; DELETE FROM kind WHERE kind > 5;"
		   " PRAGMA user_version = 1;", v1, sizeof(v1));
	{
		struct lw_report_opts o = { .db_path = v1 };
		struct lw_error err;

		if (lw_report_build(&r, &o, &err) != 0)
			fail_msg("%s", err.text);
	}
	assert_int_equal(r->schema_version, 1);
	assert_int_equal(r->nruns, 0);
	assert_int_equal(r->cycles, CYCLES - 10);
	assert_true(r->nnotes >= 1 && strstr(r->notes[0], "version 1") != NULL);
	assert_true(find(r, 100, "rss_kb")->verdict == LW_RV_LEAKING);
	assert_int_equal(r->ngaps, 1);
	assert_string_equal(r->gaps[0].why, "no samples (no run table to say why)");
	lw_report_free(r);
}

/* A small text file's whole content (the test's buffer), or fail. */
static const char *slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		fail_msg("%s: cannot open", path);
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* The line of `file` that starts with `name`, or fail. */
static const char *line_of(const char *text, const char *name, char *out, size_t cap)
{
	for (const char *p = text; p != NULL && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		size_t len = strcspn(p, "\n");

		if (strncmp(p, name, strlen(name)) == 0 && p[strlen(name)] == ' ') {
			snprintf(out, cap, "%.*s", (int)len, p);
			return out;
		}
	}
	fail_msg("no line for %s in:\n%s", name, text);
	return NULL;
}

static void test_collector_tables(void **state)
{
	struct lw_report_opts o = { .db_path = db };
	char out[160], path[224], text[8192], line[1024];
	struct lw_report *r = build(0, 0);
	struct lw_error err;

	(void)state;
	assert_true(r->has_collectors);
	assert_int_equal(r->nruns, 2);
	snprintf(out, sizeof(out), "%s/out-coll", dir);
	assert_int_equal(mkdir(out, 0755), 0);
	if (lw_rsys_write(r, &o, out, &err) != 0)
		fail_msg("%s", err.text);
	/* The first run: both collectors fine. */
	snprintf(path, sizeof(path), "%s/system/collectors-run-1.txt", out);
	slurp(path, text, sizeof(text));
	line_of(text, "meminfo", line, sizeof(line));
	assert_non_null(strstr(line, " yes "));
	assert_non_null(strstr(line, "/proc/meminfo"));
	line_of(text, "tcp", line, sizeof(line));
	assert_non_null(strstr(line, " yes "));
	assert_null(strstr(line, "error"));
	/* The second: tcp failing, with its error text; meminfo fine. */
	snprintf(path, sizeof(path), "%s/system/collectors-run-2.txt", out);
	slurp(path, text, sizeof(text));
	line_of(text, "tcp", line, sizeof(line));
	assert_non_null(strstr(line, " NO "));
	assert_non_null(strstr(line, "error: " TCP_ERROR));
	line_of(text, "meminfo", line, sizeof(line));
	assert_non_null(strstr(line, " yes "));
	/* Runs as written at the error (cycle 300: its 301st run), durations averaged. */
	assert_int_equal(r->runs[1].ncoll, 2);
	assert_string_equal(r->runs[1].coll[1].name, "tcp");
	assert_true(r->runs[1].coll[1].runs >= 301 && r->runs[1].coll[1].runs <= CYCLES);
	assert_int_equal(r->runs[1].coll[1].total_duration_us, 250ull * r->runs[1].coll[1].runs);
	assert_string_equal(r->runs[1].coll[1].last_error, TCP_ERROR);
	snprintf(path, sizeof(path), "%s/system/system.txt", out);
	assert_non_null(strstr(slurp(path, text, sizeof(text)), "collector table: collectors-run-N.txt"));
	lw_report_free(r);
}

/* A version 2 history (before the collector table): the report says it was not recorded. */
static void test_collectors_version_2(void **state)
{
	char v2[160], out[160], path[224], text[8192];
	struct lw_report *r;
	struct lw_error err;

	(void)state;
	older_copy("v2.db", "DROP TABLE collector; PRAGMA user_version = 2;", v2, sizeof(v2));
	{
		struct lw_report_opts o = { .db_path = v2 };

		if (lw_report_build(&r, &o, &err) != 0)
			fail_msg("%s", err.text);
		assert_false(r->has_collectors);
		assert_int_equal(r->nruns, 2);
		snprintf(out, sizeof(out), "%s/out-v2", dir);
		assert_int_equal(mkdir(out, 0755), 0);
		if (lw_rsys_write(r, &o, out, &err) != 0)
			fail_msg("%s", err.text);
	}
	snprintf(path, sizeof(path), "%s/system/system.txt", out);
	assert_non_null(strstr(slurp(path, text, sizeof(text)),
			       "collector table: not recorded: a history of schema version 2"));
	snprintf(path, sizeof(path), "%s/system/collectors-run-1.txt", out);
	assert_int_equal(access(path, F_OK), -1);
	lw_report_free(r);
}

static void test_theil_sen(void **state)
{
	double x[] = { 0, 1, 2, 3, 4, 5, 6 }, y[] = { 0, 2, 4, 100, 8, 10, 12 };

	(void)state;
	/* one outlier does not move it */
	assert_true(lw_rtheil_sen(x, y, 7) == 2.0);
	assert_true(lw_rtheil_sen(x, y, 1) == 0.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leak_figures),
		cmocka_unit_test(test_sawtooth_and_flat),
		cmocka_unit_test(test_counter_rate_and_runs),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_window_tier),
		cmocka_unit_test(test_version_1),
		cmocka_unit_test(test_collector_tables),
		cmocka_unit_test(test_collectors_version_2),
		cmocka_unit_test(test_theil_sen),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
