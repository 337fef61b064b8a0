/* test_nagios_range.c: check_leakwatch's threshold ranges, threshold specs, states and perfdata formatting (cmocka). */
/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lwn_range.h"

static lwn_range parse_ok(const char *s)
{
	lwn_range r;
	char err[256] = "";

	assert_int_equal(lwn_range_parse(s, &r, err, sizeof err), 0);
	assert_string_equal(err, "");
	assert_true(r.set);
	return r;
}

static void parse_bad(const char *s)
{
	lwn_range r;
	char err[256] = "";

	assert_int_equal(lwn_range_parse(s, &r, err, sizeof err), -1);
	assert_true(strlen(err) > 0);
	assert_null(strchr(err, '\n'));
}

/* The guidelines' table: 10, 10:, ~:10, 10:20, @10:20. */
static void test_guideline_ranges(void **state)
{
	lwn_range r;

	(void)state;
	r = parse_ok("10");              /* outside 0..10 */
	assert_true(lwn_range_alert(&r, -1));
	assert_false(lwn_range_alert(&r, 0));
	assert_false(lwn_range_alert(&r, 10));
	assert_true(lwn_range_alert(&r, 10.01));
	r = parse_ok("10:");             /* below 10 */
	assert_true(lwn_range_alert(&r, 9.99));
	assert_false(lwn_range_alert(&r, 10));
	assert_false(lwn_range_alert(&r, 1e12));
	r = parse_ok("~:10");            /* above 10 */
	assert_false(lwn_range_alert(&r, -1e12));
	assert_false(lwn_range_alert(&r, 10));
	assert_true(lwn_range_alert(&r, 11));
	r = parse_ok("10:20");           /* outside 10..20 */
	assert_true(lwn_range_alert(&r, 9));
	assert_false(lwn_range_alert(&r, 10));
	assert_false(lwn_range_alert(&r, 20));
	assert_true(lwn_range_alert(&r, 21));
	r = parse_ok("@10:20");          /* inside 10..20, inclusive */
	assert_false(lwn_range_alert(&r, 9));
	assert_true(lwn_range_alert(&r, 10));
	assert_true(lwn_range_alert(&r, 20));
	assert_false(lwn_range_alert(&r, 20.5));
	r = parse_ok("@0");              /* exactly 0 */
	assert_true(lwn_range_alert(&r, 0));
	assert_false(lwn_range_alert(&r, 1));
	r = parse_ok("0");               /* anything above 0 */
	assert_false(lwn_range_alert(&r, 0));
	assert_true(lwn_range_alert(&r, 1));
	r = parse_ok("-5:-1.5");         /* negatives and decimals */
	assert_true(lwn_range_alert(&r, -1));
	assert_false(lwn_range_alert(&r, -2));
	assert_string_equal(r.text, "-5:-1.5");
	r = parse_ok("1e3");
	assert_true(lwn_range_alert(&r, 1001));
}

static void test_bad_ranges(void **state)
{
	lwn_range unset;

	(void)state;
	parse_bad("");
	parse_bad("@");
	parse_bad("20:10");              /* start above end */
	parse_bad("abc");
	parse_bad("10:x");
	parse_bad("inf");
	parse_bad("nan");
	parse_bad("0x10");
	parse_bad("1,2");
	parse_bad("~");
	parse_bad("10::20");
	parse_bad("01234567890123456789012345678901234567890123456789");
	memset(&unset, 0, sizeof unset);
	assert_false(lwn_range_alert(&unset, 1e300));
}

static const char *const group_labels[] = { "rss", "fds", "procs", NULL };

static void test_threshold_specs(void **state)
{
	lwn_thresholds th;
	const lwn_threshold *t;
	char err[256];

	(void)state;
	memset(&th, 0, sizeof th);
	assert_int_equal(lwn_thresholds_add(&th, "4000000", 0, group_labels, err, sizeof err), 0);
	assert_int_equal(lwn_thresholds_add(&th, "rss=6000000,fds=@0:10", 1, group_labels, err,
					    sizeof err), 0);
	assert_int_equal(lwn_thresholds_add(&th, "fds=800", 0, group_labels, err, sizeof err), 0);
	assert_int_equal(th.n, 2);
	t = lwn_thresholds_get(&th, "rss");
	assert_non_null(t);
	assert_string_equal(t->warn.text, "4000000");
	assert_string_equal(t->crit.text, "6000000");
	assert_int_equal(lwn_check(t, 100), LWN_OK);
	assert_int_equal(lwn_check(t, 4000001), LWN_WARNING);
	assert_int_equal(lwn_check(t, 6000001), LWN_CRITICAL);
	t = lwn_thresholds_get(&th, "fds");
	assert_int_equal(lwn_check(t, 5), LWN_CRITICAL);     /* inside @0:10 */
	assert_int_equal(lwn_check(t, 500), LWN_OK);
	assert_int_equal(lwn_check(t, 801), LWN_WARNING);
	assert_null(lwn_thresholds_get(&th, "procs"));
	assert_int_equal(lwn_check(NULL, 1e9), LWN_OK);

	assert_int_equal(lwn_thresholds_add(&th, "cpu=5", 0, group_labels, err, sizeof err), -1);
	assert_non_null(strstr(err, "unknown threshold label 'cpu'"));
	assert_non_null(strstr(err, "rss, fds, procs"));
	assert_int_equal(lwn_thresholds_add(&th, "rss=", 0, group_labels, err, sizeof err), -1);
	assert_int_equal(lwn_thresholds_add(&th, "", 1, group_labels, err, sizeof err), -1);
	assert_int_equal(lwn_thresholds_add(&th, "rss=1,fds=x", 0, group_labels, err, sizeof err), -1);
	assert_non_null(strstr(err, "'x'"));
}

static void test_states(void **state)
{
	(void)state;
	assert_int_equal(lwn_worse(LWN_OK, LWN_WARNING), LWN_WARNING);
	assert_int_equal(lwn_worse(LWN_CRITICAL, LWN_WARNING), LWN_CRITICAL);
	assert_int_equal(lwn_worse(LWN_UNKNOWN, LWN_OK), LWN_UNKNOWN);
	assert_int_equal(lwn_worse(LWN_UNKNOWN, LWN_WARNING), LWN_WARNING);
	assert_int_equal(lwn_worse(LWN_UNKNOWN, LWN_CRITICAL), LWN_CRITICAL);
	assert_string_equal(lwn_state_name(LWN_OK), "OK");
	assert_string_equal(lwn_state_name(LWN_WARNING), "WARNING");
	assert_string_equal(lwn_state_name(LWN_CRITICAL), "CRITICAL");
	assert_string_equal(lwn_state_name(LWN_UNKNOWN), "UNKNOWN");
}

static void test_perfdata(void **state)
{
	lwn_thresholds th;
	lwn_buf b;
	char err[256], num[32];
	static const char *const labels[] = { "rss", "cpu", NULL };

	(void)state;
	memset(&th, 0, sizeof th);
	assert_int_equal(lwn_thresholds_add(&th, "rss=10:,cpu=80", 0, labels, err, sizeof err), 0);
	assert_int_equal(lwn_thresholds_add(&th, "cpu=@90:", 1, labels, err, sizeof err), 0);
	lwn_buf_init(&b);
	lwn_perf_add(&b, "rss", "123456", "KB", lwn_thresholds_get(&th, "rss"), "0", "");
	lwn_fmt_hundredths(num, sizeof num, 1234);
	lwn_perf_add(&b, "cpu", num, "%", lwn_thresholds_get(&th, "cpu"), "0", "100");
	lwn_perf_add(&b, "eth1_pps", "0", "", NULL, "0", "");
	lwn_perf_add(&b, "meminfo_errors", "3", "c", NULL, "", "");
	lwn_perf_add(&b, "we'ird=name x", "1", "", NULL, "", "");
	assert_string_equal(b.buf, "'rss'=123456KB;10:;;0 'cpu'=12.34%;80;@90:;0;100 "
				   "'eth1_pps'=0;;;0 'meminfo_errors'=3c 'we_ird_name x'=1");
}

static void test_number_formats(void **state)
{
	char s[32];

	(void)state;
	lwn_fmt_hundredths(s, sizeof s, 0);
	assert_string_equal(s, "0.00");
	lwn_fmt_hundredths(s, sizeof s, 5);
	assert_string_equal(s, "0.05");
	lwn_fmt_hundredths(s, sizeof s, -5);
	assert_string_equal(s, "-0.05");
	lwn_fmt_hundredths(s, sizeof s, 10000);
	assert_string_equal(s, "100.00");
	lwn_fmt_hundredths(s, sizeof s, 4294967295LL);
	assert_string_equal(s, "42949672.95");
	lwn_fmt_duration(s, sizeof s, 45);
	assert_string_equal(s, "45s");
	lwn_fmt_duration(s, sizeof s, 3599);
	assert_string_equal(s, "59m 59s");
	lwn_fmt_duration(s, sizeof s, 7500);
	assert_string_equal(s, "2h 5m");
	lwn_fmt_duration(s, sizeof s, 3 * 86400 + 4 * 3600 + 59);
	assert_string_equal(s, "3d 4h");
}

/* A full buffer cuts, never overflows, and stays a string. */
static void test_buffer_bound(void **state)
{
	lwn_buf b;
	int i;

	(void)state;
	lwn_buf_init(&b);
	for (i = 0; i < 2000; i++)
		lwn_perf_add(&b, "label", "1234567890", "", NULL, "", "");
	assert_int_equal(b.len, sizeof b.buf - 1);
	assert_int_equal(strlen(b.buf), b.len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guideline_ranges),
		cmocka_unit_test(test_bad_ranges),
		cmocka_unit_test(test_threshold_specs),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_perfdata),
		cmocka_unit_test(test_number_formats),
		cmocka_unit_test(test_buffer_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
