/* report_html_cost.c: the report's two steps timed apart on one history: the model (lw_report_build), then index.html (lw_report_write_html). */
/* SPDX-License-Identifier: ISC */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/report.h"

/*
 * `leakwatch report` does more than these two (CSV, report.json, the database copy, checksums);
 * bench/run-report.py times the whole command, and this program says how much of it is the
 * model and how much the page. The page is written RUNS times into a stream that counts its
 * bytes (fopencookie), the median time kept: it must stay a small part of the whole.
 */
#define RUNS 5

static double now_s(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long status_kib(const char *key)
{
	char line[256];
	size_t len = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, len) == 0 && line[len] == ':')
			v = strtol(line + len + 1, NULL, 10);
	if (f != NULL)
		fclose(f);
	return v;
}

static ssize_t count_write(void *cookie, const char *buf, size_t size)
{
	(void)buf;
	*(long *)cookie += (long)size;
	return (ssize_t)size;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct lw_report_opts o = { 0 };
	struct lw_error err = { 0 };
	struct lw_report *r = NULL;
	double w0, c0, wall[RUNS], cpu[RUNS], build_wall, build_cpu;
	long bytes = 0, hwm_build;

	if (argc != 2) {
		fprintf(stderr, "usage: report_html_cost HISTORY.db\n");
		return 2;
	}
	o.db_path = argv[1];
	w0 = now_s(CLOCK_MONOTONIC);
	c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	if (lw_report_build(&r, &o, &err) != 0) {
		fprintf(stderr, "report_html_cost: %s\n", err.text);
		return 1;
	}
	build_wall = now_s(CLOCK_MONOTONIC) - w0;
	build_cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	hwm_build = status_kib("VmHWM");
	for (int i = 0; i < RUNS; i++) {
		/* Bytes counted and dropped: the page's own cost, not the disk's. */
		cookie_io_functions_t io = { .write = count_write };
		FILE *f;

		bytes = 0;
		f = fopencookie(&bytes, "w", io);
		if (f == NULL) {
			perror("report_html_cost: fopencookie");
			return 1;
		}
		w0 = now_s(CLOCK_MONOTONIC);
		c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
		if (lw_report_write_html(r, &o, f, &err) != 0) {
			fprintf(stderr, "report_html_cost: %s\n", err.text);
			return 1;
		}
		wall[i] = now_s(CLOCK_MONOTONIC) - w0;
		cpu[i] = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
		fclose(f);
	}
	qsort(wall, RUNS, sizeof(wall[0]), cmp_double);
	qsort(cpu, RUNS, sizeof(cpu[0]), cmp_double);
	printf("model.series: %zu\n", r->nseries);
	printf("model.samples: %zu\n", r->cycles + r->windows);
	printf("model.suspects: %zu\n", r->nsuspects);
	printf("build.wall_s: %.2f\n", build_wall);
	printf("build.cpu_s: %.2f\n", build_cpu);
	printf("build.vmhwm_mib: %.0f\n", (double)hwm_build / 1024);
	printf("html.wall_ms: %.1f\n", wall[RUNS / 2] * 1e3);
	printf("html.cpu_ms: %.1f\n", cpu[RUNS / 2] * 1e3);
	printf("html.bytes: %ld\n", bytes);
	printf("html.vmhwm_growth_mib: %.1f\n", (double)(status_kib("VmHWM") - hwm_build) / 1024);
	lw_report_free(r);
	return 0;
}
