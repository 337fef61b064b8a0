/* test_parsers.c: /proc parsers against every kernel fixture root and hand-made edge cases. */
/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sys/cpus.h"
#include "base/dateandtime.h"
#include "sys/filenr.h"
#include "fixture.h"
#include "sys/loadavg.h"
#include "sys/meminfo.h"
#include "base/readfile.h"

/* What each kernel root's files hold (one row per lw_fixture_kernels[] entry, same order). */
static const struct {
	const char *tree;
	uint32_t load[3], running, tasks;  /* loadavg, hundredths */
	uint64_t mi[8];                    /* meminfo MemTotal .. Committed_AS, KiB */
	uint64_t mi_absent;                /* meminfo fields the kernel does not print */
	uint64_t file_nr[3];
	uint32_t cpus;
} roots[LW_FIXTURE_NKERNELS] = {
	{ LW_FIXTURE_KERNEL, { 5, 11, 8 }, 1, 87,
	  { 24683620, 24432128, 24391244, 2284, 107464, 0, 0, 63220 }, 0,
	  { 447, 0, 2466160 }, 2 },
	/* 4.13-4.15 meminfo: no SecPageTables (6.0) or Percpu (4.16) line. */
	{ "linux-4.x", { 12, 9, 3 }, 2, 311,
	  { 3871596, 2524972, 2879076, 3164, 708152, 3145724, 3145724, 570444 },
	  (UINT64_C(1) << LW_MI_SEC_PAGE_TABLES) | (UINT64_C(1) << LW_MI_PERCPU),
	  { 10784, 0, 1598938 }, 2 },
	/* 5.9+ meminfo: everything but SecPageTables; file-max at its LONG_MAX maximum. */
	{ "linux-5.x", { 58, 71, 66 }, 3, 1187,
	  { 8141728, 4211712, 7202848, 1668, 3194544, 8140796, 8140796, 491624 },
	  UINT64_C(1) << LW_MI_SEC_PAGE_TABLES,
	  { 14112, 0, UINT64_C(9223372036854775807) }, 8 },
};

static void loadavg_fixture(void **state)
{
	(void)state;
	for (size_t r = 0; r < LW_FIXTURE_NKERNELS; r++) {
		char buf[256];
		struct lw_loadavg la;
		struct lw_error err;
		size_t len;

		assert_string_equal(roots[r].tree, lw_fixture_kernels[r]);
		len = lw_fixture_read(roots[r].tree, "proc/loadavg", buf, sizeof(buf));
		assert_int_equal(lw_loadavg_parse(buf, len, &la, &err), 0);
		assert_int_equal(la.load1, roots[r].load[0]);
		assert_int_equal(la.load5, roots[r].load[1]);
		assert_int_equal(la.load15, roots[r].load[2]);
		assert_int_equal(la.running, roots[r].running);
		assert_int_equal(la.tasks, roots[r].tasks);
	}
}

static void loadavg_edges(void **state)
{
	struct lw_loadavg la;
	struct lw_error err;

	(void)state;
	assert_int_equal(PARSE_STR(lw_loadavg_parse, "123.45 7.5 0.999 12/34567 1\n", &la, &err), 0);
	assert_int_equal(la.load1, 12345);
	assert_int_equal(la.load5, 750);
	assert_int_equal(la.load15, 99);  /* extra digits are cut, not rounded */
	assert_int_equal(la.tasks, 34567);
	assert_int_equal(PARSE_STR(lw_loadavg_parse, "", &la, &err), -1);
	assert_non_null(strstr(err.text, "1-minute"));
	assert_int_equal(PARSE_STR(lw_loadavg_parse, "0.1 0.2 0.3 1-2 4", &la, &err), -1);
	assert_non_null(strstr(err.text, "task"));
	assert_int_equal(PARSE_STR(lw_loadavg_parse, "0. 0.2 0.3 1/2 4", &la, &err), -1);
	assert_int_equal(PARSE_STR(lw_loadavg_parse, "99999999999999999999.00 0 0 1/2 3", &la, &err),
			 -1);
}

static void meminfo_fixture(void **state)
{
	(void)state;
	for (size_t r = 0; r < LW_FIXTURE_NKERNELS; r++) {
		char buf[16384];
		struct lw_meminfo m;
		struct lw_error err;
		size_t len = lw_fixture_read(roots[r].tree, "proc/meminfo", buf, sizeof(buf));

		assert_int_equal(lw_meminfo_parse(buf, len, &m, &err), 0);
		for (int f = LW_MI_MEM_TOTAL; f <= LW_MI_COMMITTED_AS; f++)
			assert_true(m.kb[f] == roots[r].mi[f]);
		/* Fields an older kernel does not print read as absent, not as a present 0. */
		for (int f = 0; f < LW_MI_COUNT; f++)
			assert_int_equal(lw_meminfo_has(&m, (enum lw_meminfo_field)f),
					 !(roots[r].mi_absent & (UINT64_C(1) << f)));
	}
}

static void meminfo_edges(void **state)
{
	struct lw_meminfo m;
	struct lw_error err;
	/* A 4 TiB host: MemTotal is 2^32 KiB, one more than an Unsigned32 holds. */
	const char *big = "MemTotal:       4294967296 kB\nHugePages_Total:       7\n"
			  "Weird_Field(x):  1 kB\n\n";

	(void)state;
	assert_int_equal(PARSE_STR(lw_meminfo_parse, big, &m, &err), 0);
	assert_true(m.kb[LW_MI_MEM_TOTAL] == UINT64_C(4294967296));
	/* Absent fields are marked absent, not zero-filled as if present. */
	assert_false(lw_meminfo_has(&m, LW_MI_MEM_AVAILABLE));
	assert_int_equal(PARSE_STR(lw_meminfo_parse, "MemFree: 1 kB\n", &m, &err), -1);
	assert_non_null(strstr(err.text, "MemTotal"));
	assert_int_equal(PARSE_STR(lw_meminfo_parse, "MemTotal: 1 kB\nMemFree 2 kB\n", &m, &err), -1);
	assert_non_null(strstr(err.text, "line 2"));
	assert_int_equal(PARSE_STR(lw_meminfo_parse, "MemTotal: x kB\n", &m, &err), -1);
	assert_int_equal(PARSE_STR(lw_meminfo_parse, "MemTotal: 1 MB\n", &m, &err), -1);
	assert_int_equal(PARSE_STR(lw_meminfo_parse, "MemTotal: 1 kB junk\n", &m, &err), -1);
	/* A truncated last line without its newline still parses. */
	assert_int_equal(PARSE_STR(lw_meminfo_parse, "MemTotal: 10 kB\nMemFree: 3", &m, &err), 0);
	assert_int_equal(m.kb[LW_MI_MEM_FREE], 3);
}

static void filenr_fixture_and_edges(void **state)
{
	char buf[256];
	struct lw_filenr f;
	struct lw_error err;

	(void)state;
	for (size_t r = 0; r < LW_FIXTURE_NKERNELS; r++) {
		size_t len = lw_fixture_read(roots[r].tree, "proc/sys/fs/file-nr", buf, sizeof(buf));

		assert_int_equal(lw_filenr_parse(buf, len, &f, &err), 0);
		assert_true(f.allocated == roots[r].file_nr[0]);
		assert_true(f.unused == roots[r].file_nr[1]);
		assert_true(f.max == roots[r].file_nr[2]);
	}
	/* LONG_MAX, the default file-max on recent kernels, needs 64 bits. */
	assert_int_equal(PARSE_STR(lw_filenr_parse, "1\t0\t9223372036854775807\n", &f, &err), 0);
	assert_true(f.max == UINT64_C(9223372036854775807));
	assert_int_equal(PARSE_STR(lw_filenr_parse, "1\t0\n", &f, &err), -1);
	assert_int_equal(PARSE_STR(lw_filenr_parse, "1 2 3 4\n", &f, &err), -1);
}

static void cpulist(void **state)
{
	char buf[256];
	uint32_t n;
	struct lw_error err;

	(void)state;
	for (size_t r = 0; r < LW_FIXTURE_NKERNELS; r++) {
		size_t len = lw_fixture_read(roots[r].tree, "sys/devices/system/cpu/online", buf,
					     sizeof(buf));

		assert_int_equal(lw_cpulist_parse(buf, len, &n, &err), 0);
		assert_int_equal(n, roots[r].cpus);
	}
	assert_int_equal(PARSE_STR(lw_cpulist_parse, "0-3,5,7-8\n", &n, &err), 0);
	assert_int_equal(n, 7);
	assert_int_equal(PARSE_STR(lw_cpulist_parse, "0\n", &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(PARSE_STR(lw_cpulist_parse, "3-1\n", &n, &err), -1);
	assert_int_equal(PARSE_STR(lw_cpulist_parse, "0,\n", &n, &err), -1);
	assert_int_equal(PARSE_STR(lw_cpulist_parse, "\n", &n, &err), -1);
	assert_int_equal(PARSE_STR(lw_cpulist_parse, "0-99999999\n", &n, &err), -1);
}

static void read_file_limits(void **state)
{
	char buf[8];
	size_t len;
	struct lw_error err;
	int root = lw_fixture_root(LW_FIXTURE_KERNEL);

	(void)state;
	assert_int_equal(lw_read_file_at(root, "proc/meminfo", buf, sizeof(buf), &len, &err), -1);
	assert_non_null(strstr(err.text, "larger than 8 bytes"));
	assert_int_equal(lw_read_file_at(root, "proc/nonexistent", buf, sizeof(buf), &len, &err), -1);
	assert_non_null(strstr(err.text, "proc/nonexistent"));
	close(root);
}

static void dateandtime(void **state)
{
	/* 2026-11-24 23:05:09.7 UTC */
	struct timespec t = { .tv_sec = 1795561509, .tv_nsec = 700000000 };
	uint8_t d[LW_DATEANDTIME_LEN];
	const uint8_t want[LW_DATEANDTIME_LEN] = { 0x07, 0xea, 11, 24, 23, 5, 9, 7, '+', 0, 0 };

	(void)state;
	lw_dateandtime_encode(&t, d);
	assert_memory_equal(d, want, sizeof(want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loadavg_fixture),
		cmocka_unit_test(loadavg_edges),
		cmocka_unit_test(meminfo_fixture),
		cmocka_unit_test(meminfo_edges),
		cmocka_unit_test(filenr_fixture_and_edges),
		cmocka_unit_test(cpulist),
		cmocka_unit_test(read_file_limits),
		cmocka_unit_test(dateandtime),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
