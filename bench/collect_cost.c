/*
 * collect_cost.c: cost of one leakwatch collection cycle (loadavg, meminfo, file-nr, cpus,
 * the process table) against what an operator runs for the same numbers (`uptime`, `free`,
 * `cat /proc/sys/fs/file-nr`, `nproc`), measured in the same run, as a ratio.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cycle/collect.h"

extern char **environ;

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static double cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static int run_quietly(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return 0;
}

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
	double t0, c0, lw_wall, lw_cpu, tools_wall;

	if ((cfg = lw_config_new()) == NULL)
		return 1;
	if (lw_collect_state_new(root, cfg, &st, &err)) {
		fprintf(stderr, "collect_cost: %s\n", err.text);
		return 1;
	}
	work = lw_collect_cycle(st, NULL); /* warm-up: first sight of every process */
	t0 = now_us();
	c0 = cpu_us();
	for (int i = 0; i < cycles; i++) {
		lw_snapshot_free(work);
		work = lw_collect_cycle(st, NULL);
	}
	lw_wall = (now_us() - t0) / cycles;
	lw_cpu = (cpu_us() - c0) / cycles;
	for (int i = 0; i < LW_COL_COUNT; i++)
		if (!work->collectors[i].ok) {
			fprintf(stderr, "collect_cost: collector %s failed: %s\n",
				lw_collector_def((enum lw_collector_id)i)->name,
				work->collectors[i].last_error);
			return 1;
		}
	t0 = now_us();
	for (int i = 0; i < tool_runs; i++)
		for (size_t t = 0; t < sizeof(tools) / sizeof(tools[0]); t++)
			if (run_quietly(tools[t]) != 0) {
				fprintf(stderr, "collect_cost: %s failed\n", tools[t][0]);
				return 1;
			}
	tools_wall = (now_us() - t0) / tool_runs;
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
