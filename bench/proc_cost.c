/* proc_cost.c: one collection cycle per process (cold, steady) vs `ps -eo ...` and the syscall floor. */
/* SPDX-License-Identifier: ISC */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "benchutil.h"
#include "cycle/collect.h"
#include "proc_floor.h"

#define GOAL_PS_RATIO 5.0      /* leakwatch at least this many times cheaper than ps */
#define GOAL_US_PER_PROC 10.0  /* CPU per process per cycle */

struct cost {
	double wall_us, user_us, sys_us;
};

/* One lw_collect_cycle, timed; the previous snapshot is freed outside the timing. */
static struct lw_snapshot *timed_cycle(struct lw_collect_state *st, struct cost *c)
{
	double u0, s0, u1, s1, t0;
	struct lw_snapshot *snap;

	bench_self_cpu_us(&u0, &s0);
	t0 = bench_now_us();
	snap = lw_collect_cycle(st, NULL);
	c->wall_us = bench_now_us() - t0;
	bench_self_cpu_us(&u1, &s1);
	c->user_us = u1 - u0;
	c->sys_us = s1 - s0;
	return snap;
}

/* `ps -eo pid,ppid,rss,vsz,nlwp,comm > /dev/null`: wall from spawn to reap, CPU from wait4. */
static int timed_ps(struct cost *c)
{
	char *argv[] = { "ps", "-eo", "pid,ppid,rss,vsz,nlwp,comm", NULL };
	struct rusage ru;
	double t0 = bench_now_us();

	if (bench_run_quiet(argv, &ru) != 0)
		return -1;
	c->wall_us = bench_now_us() - t0;
	c->user_us = bench_tv_us(ru.ru_utime);
	c->sys_us = bench_tv_us(ru.ru_stime);
	return 0;
}

static void print_cost(const char *key, const struct cost *c)
{
	printf("%s.wall_us: %.0f\n%s.cpu_us: %.0f\n%s.user_us: %.0f\n%s.sys_us: %.0f\n", key,
	       c->wall_us, key, c->user_us + c->sys_us, key, c->user_us, key, c->sys_us);
}

/* Descriptors this process holds (the collector may keep files of other processes open). */
static long open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	long n = -1;  /* the directory's own descriptor */

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n - 2;  /* . and .. */
}

static int check(const struct lw_snapshot *snap)
{
	const struct lw_collector_stats *p;

	if (!snap) {
		fprintf(stderr, "proc_cost: lw_collect_cycle: out of memory\n");
		return -1;
	}
	p = &snap->collectors[LW_COL_PROCESSES];
	if (!p->ok) {
		fprintf(stderr, "proc_cost: processes collector failed: %s\n", p->last_error);
		return -1;
	}
	return 0;
}

/*
 * Rounds interleave one steady leakwatch cycle, one ps run and one floor round, so the three
 * see the same machine (a VM's speed drifts by tens of percent within minutes); the figures
 * are medians over the rounds.
 */
int main(int argc, char **argv)
{
	const char *root = "/";
	int rounds = 11, opt;
	struct cost cold, c;
	double *lw_cpu, *lw_wall, *ps_cpu, *ps_wall, *floor_cpu, n;
	double lw_med, ps_med, floor_med;
	struct lw_collect_state *st;
	struct lw_snapshot *snap;
	struct proc_floor floor;
	struct lw_config *cfg;
	struct lw_error err;
	struct rlimit nofile;
	struct rusage self;
	uint32_t cold_proc_us;

	while ((opt = getopt(argc, argv, "r:m:")) != -1) {
		if (opt == 'r')
			root = optarg;
		else if (opt == 'm')
			rounds = atoi(optarg);
		else {
			fprintf(stderr, "usage: proc_cost [-r ROOT] [-m ROUNDS]\n");
			return 2;
		}
	}
	if (rounds < 1) {
		fprintf(stderr, "proc_cost: -m must be at least 1\n");
		return 2;
	}
	lw_cpu = calloc((size_t)rounds, sizeof(double));
	lw_wall = calloc((size_t)rounds, sizeof(double));
	ps_cpu = calloc((size_t)rounds, sizeof(double));
	ps_wall = calloc((size_t)rounds, sizeof(double));
	floor_cpu = calloc((size_t)rounds, sizeof(double));
	if (!lw_cpu || !lw_wall || !ps_cpu || !ps_wall || !floor_cpu)
		return 1;
	if (proc_floor_start(root, &floor)) {
		fprintf(stderr, "proc_cost: the floor helper could not read %s/proc\n", root);
		return 1;
	}
	if ((cfg = lw_config_new()) == NULL)
		return 1;
	if (lw_collect_state_new(root, cfg, &st, &err)) {
		fprintf(stderr, "proc_cost: %s\n", err.text);
		return 1;
	}
	snap = timed_cycle(st, &cold); /* first sight of every identity: cmdline and limits */
	if (check(snap))
		return 1;
	cold_proc_us = snap->collectors[LW_COL_PROCESSES].last_duration_us;
	n = snap->sys.processes;
	printf("processes: %u\nrows_published: %zu\nprocs_dropped: %u\n", snap->sys.processes,
	       snap->procs.count, snap->procs.dropped);
	for (int i = 0; i < rounds; i++) {
		lw_snapshot_free(snap);
		snap = timed_cycle(st, &c);
		if (check(snap))
			return 1;
		lw_wall[i] = c.wall_us / n;
		lw_cpu[i] = (c.user_us + c.sys_us) / n;
		if (timed_ps(&c)) {
			fprintf(stderr, "proc_cost: ps failed\n");
			return 1;
		}
		ps_wall[i] = c.wall_us / n;
		ps_cpu[i] = (c.user_us + c.sys_us) / n;
		if (proc_floor_round(&floor, &floor_cpu[i])) {
			fprintf(stderr, "proc_cost: the floor helper failed\n");
			return 1;
		}
	}
	printf("rounds: %d\nprocesses_last_cycle: %u\nrows_published_last_cycle: %zu\n", rounds,
	       snap->sys.processes, snap->procs.count);
	lw_snapshot_free(snap);
	getrlimit(RLIMIT_NOFILE, &nofile);
	printf("self.open_fds: %ld\nself.nofile_soft: %llu\n", open_fds(),
	       (unsigned long long)nofile.rlim_cur);
	print_cost("cold", &cold);
	printf("cold.collector_processes_us: %u\n", cold_proc_us);
	printf("cold.cpu_us_per_process: %.2f\n", (cold.user_us + cold.sys_us) / n);
	lw_med = bench_median(lw_cpu, rounds);
	ps_med = bench_median(ps_cpu, rounds);
	floor_med = bench_median(floor_cpu, rounds);
	printf("steady.cpu_us_per_process.median: %.2f\n", lw_med);
	printf("steady.cpu_us_per_process.min: %.2f\n", lw_cpu[0]);
	printf("steady.wall_us_per_process.median: %.2f\n", bench_median(lw_wall, rounds));
	printf("ps.cpu_us_per_process.median: %.2f\n", ps_med);
	printf("ps.cpu_us_per_process.min: %.2f\n", ps_cpu[0]);
	printf("ps.wall_us_per_process.median: %.2f\n", bench_median(ps_wall, rounds));
	printf("floor.processes: %u\nfloor.kept_open: %u\n", floor.processes, floor.kept);
	printf("floor.cpu_us_per_process.median: %.2f\n", floor_med);
	printf("floor.null_syscall_us: %.3f\n", floor.null_syscall_us);
	printf("ratio_ps_over_leakwatch.cpu: %.1f\n", ps_med / lw_med);
	printf("ratio_leakwatch_over_floor.cpu: %.2f\n", lw_med / floor_med);
	printf("ratio_ps_over_leakwatch_cold.cpu: %.1f\n",
	       ps_med * n / (cold.user_us + cold.sys_us));
	getrusage(RUSAGE_SELF, &self);
	printf("self.maxrss_kib: %ld\n", self.ru_maxrss);
	printf("goal.ratio_ps_over_leakwatch_cpu_min: %.0f %s\n", GOAL_PS_RATIO,
	       ps_med / lw_med >= GOAL_PS_RATIO ? "ok" : "MISSED");
	printf("goal.cpu_us_per_process_max: %.0f %s (this machine's floor: %.2f)\n",
	       GOAL_US_PER_PROC, lw_med <= GOAL_US_PER_PROC ? "ok" : "MISSED", floor_med);
	lw_collect_state_free(st);
	lw_config_unref(cfg);
	proc_floor_stop(&floor);
	free(lw_cpu);
	free(lw_wall);
	free(ps_cpu);
	free(ps_wall);
	free(floor_cpu);
	return 0;
}
