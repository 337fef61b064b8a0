/*
 * collect_cost.c: cost of one leakwatch collection cycle (loadavg, meminfo, file-nr, cpus,
 * the process table) against what an operator runs for the same numbers (`uptime`, `free`,
 * `cat /proc/sys/fs/file-nr`, `nproc`), measured in the same run, as a ratio.
 */
/* SPDX-License-Identifier: ISC */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "benchutil.h"
#include "cycle/collect.h"

int main(int argc, char **argv)
{
	char *uptime[] = { "uptime", NULL };
	char *free_cmd[] = { "free", NULL };
	char *filenr[] = { "cat", "/proc/sys/fs/file-nr", NULL };
	char *nproc[] = { "nproc", NULL };
	char *const *tools[] = { uptime, free_cmd, filenr, nproc };
	const char *root = argc > 1 ? argv[1] : "/";
	int cycles = argc > 2 ? atoi(argv[2]) : 2000;
	int tool_runs = argc > 3 ? atoi(argv[3]) : 100;
	struct lw_collect_state *st;
	struct lw_snapshot *work;
	struct lw_config *cfg;
	struct lw_error err;
	double t0, u0, s0, u1, s1, lw_wall, lw_cpu, tools_wall;

	if ((cfg = lw_config_new()) == NULL)
		return 1;
	if (lw_collect_state_new(root, cfg, &st, &err)) {
		fprintf(stderr, "collect_cost: %s\n", err.text);
		return 1;
	}
	work = lw_collect_cycle(st, NULL); /* warm-up: first sight of every process */
	t0 = bench_now_us();
	bench_self_cpu_us(&u0, &s0);
	for (int i = 0; i < cycles; i++) {
		lw_snapshot_free(work);
		work = lw_collect_cycle(st, NULL);
	}
	lw_wall = (bench_now_us() - t0) / cycles;
	bench_self_cpu_us(&u1, &s1);
	lw_cpu = (u1 - u0 + s1 - s0) / cycles;
	for (int i = 0; i < LW_COL_COUNT; i++)
		if (!work->collectors[i].ok) {
			fprintf(stderr, "collect_cost: collector %s failed: %s\n",
				lw_collector_def((enum lw_collector_id)i)->name,
				work->collectors[i].last_error);
			return 1;
		}
	t0 = bench_now_us();
	for (int i = 0; i < tool_runs; i++)
		for (size_t t = 0; t < sizeof(tools) / sizeof(tools[0]); t++)
			if (bench_run_quiet(tools[t], NULL) != 0) {
				fprintf(stderr, "collect_cost: %s failed\n", tools[t][0]);
				return 1;
			}
	tools_wall = (bench_now_us() - t0) / tool_runs;
	printf("leakwatch_system_cycle_wall_us: %.1f\n", lw_wall);
	printf("leakwatch_system_cycle_cpu_us: %.1f\n", lw_cpu);
	for (int i = 0; i < LW_COL_COUNT; i++)
		printf("collector_%s_last_us: %u\n", lw_collector_def((enum lw_collector_id)i)->name,
		       work->collectors[i].last_duration_us);
	printf("tools_uptime_free_filenr_nproc_wall_us: %.1f\n", tools_wall);
	printf("ratio_tools_over_leakwatch: %.1f\n", tools_wall / lw_wall);
	printf("cpu_share_at_60s_interval_percent: %.6f\n", lw_cpu / 60e6 * 100.0);
	printf("processes: %u\n", work->sys.processes);
	lw_snapshot_free(work);
	lw_collect_state_free(st);
	lw_config_unref(cfg);
	return 0;
}
