/* proc_cost.c: one collection cycle per process (cold, steady) vs `ps -eo ...` and the syscall floor. */
#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect.h"
#include "proc_floor.h"

#define GOAL_PS_RATIO 5.0      /* leakwatch at least this many times cheaper than ps */
#define GOAL_US_PER_PROC 10.0  /* CPU per process per cycle */

extern char **environ;

struct cost {
	double wall_us, user_us, sys_us;
};

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static double tv_us(struct timeval tv)
{
	return (double)tv.tv_sec * 1e6 + (double)tv.tv_usec;
}

static void self_cpu(double *user, double *sys)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*user = tv_us(ru.ru_utime);
	*sys = tv_us(ru.ru_stime);
}

/* One lw_collect_cycle, timed; the previous snapshot is freed outside the timing. */
static struct lw_snapshot *timed_cycle(struct lw_collect_state *st, struct cost *c)
{
	double u0, s0, u1, s1, t0;
	struct lw_snapshot *snap;

	self_cpu(&u0, &s0);
	t0 = now_us();
	snap = lw_collect_cycle(st, NULL);
	c->wall_us = now_us() - t0;
	self_cpu(&u1, &s1);
	c->user_us = u1 - u0;
	c->sys_us = s1 - s0;
	return snap;
}

/* `ps -eo pid,ppid,rss,vsz,nlwp,comm > /dev/null`: wall from spawn to reap, CPU from wait4. */
static int timed_ps(struct cost *c)
{
	char *argv[] = { "ps", "-eo", "pid,ppid,rss,vsz,nlwp,comm", NULL };
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	int status, rc;
	double t0;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	t0 = now_us();
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0 || wait4(pid, &status, 0, &ru) != pid)
		return -1;
	c->wall_us = now_us() - t0;
	c->user_us = tv_us(ru.ru_utime);
	c->sys_us = tv_us(ru.ru_stime);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
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

int main(int argc, char **argv)
{
	const char *root = "/";
	int cycles = 20, ps_runs = 5, opt;
	struct cost cold, c, steady = { 0 }, ps = { 0 }, ps_best = { 1e18, 0, 0 };
	double steady_proc_us = 0, steady_proc_max_us = 0, cpu, ps_cpu, n;
	struct lw_collect_state *st;
	struct lw_snapshot *snap;
	struct lw_config cfg;
	struct lw_error err;
	struct rlimit nofile;
	struct rusage self;
	struct proc_floor floor;
	uint32_t cold_proc_us;

	while ((opt = getopt(argc, argv, "r:m:p:")) != -1) {
		if (opt == 'r')
			root = optarg;
		else if (opt == 'm')
			cycles = atoi(optarg);
		else if (opt == 'p')
			ps_runs = atoi(optarg);
		else {
			fprintf(stderr, "usage: proc_cost [-r ROOT] [-m CYCLES] [-p PS_RUNS]\n");
			return 2;
		}
	}
	if (cycles < 1 || ps_runs < 1) {
		fprintf(stderr, "proc_cost: -m and -p must be at least 1\n");
		return 2;
	}
	lw_config_defaults(&cfg);
	if (lw_collect_state_new(root, &cfg, &st, &err)) {
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
	for (int i = 0; i < cycles; i++) {
		lw_snapshot_free(snap);
		snap = timed_cycle(st, &c);
		if (check(snap))
			return 1;
		steady.wall_us += c.wall_us / cycles;
		steady.user_us += c.user_us / cycles;
		steady.sys_us += c.sys_us / cycles;
		steady_proc_us += (double)snap->collectors[LW_COL_PROCESSES].last_duration_us / cycles;
		if (snap->collectors[LW_COL_PROCESSES].last_duration_us > steady_proc_max_us)
			steady_proc_max_us = snap->collectors[LW_COL_PROCESSES].last_duration_us;
	}
	printf("steady_cycles: %d\nprocesses_last_cycle: %u\nrows_published_last_cycle: %zu\n",
	       cycles, snap->sys.processes, snap->procs.count);
	lw_snapshot_free(snap);
	getrlimit(RLIMIT_NOFILE, &nofile);
	printf("self.open_fds: %ld\nself.nofile_soft: %llu\n", open_fds(),
	       (unsigned long long)nofile.rlim_cur);
	for (int i = 0; i < ps_runs; i++) {
		if (timed_ps(&c)) {
			fprintf(stderr, "proc_cost: ps failed\n");
			return 1;
		}
		ps.wall_us += c.wall_us / ps_runs;
		ps.user_us += c.user_us / ps_runs;
		ps.sys_us += c.sys_us / ps_runs;
		if (c.wall_us < ps_best.wall_us)
			ps_best = c;
	}
	/* After the collector is gone, so the floor can keep as many files open as it did. */
	lw_collect_state_free(st);
	if (proc_floor_measure(root, cycles, &floor)) {
		fprintf(stderr, "proc_cost: cannot open %s/proc for the floor\n", root);
		return 1;
	}
	print_cost("cold", &cold);
	printf("cold.collector_processes_us: %u\n", cold_proc_us);
	printf("cold.cpu_us_per_process: %.2f\n", (cold.user_us + cold.sys_us) / n);
	print_cost("steady_mean", &steady);
	printf("steady_mean.collector_processes_us: %.0f\n", steady_proc_us);
	printf("steady_max.collector_processes_us: %.0f\n", steady_proc_max_us);
	printf("steady_mean.wall_us_per_process: %.2f\n", steady.wall_us / n);
	cpu = steady.user_us + steady.sys_us;
	printf("steady_mean.cpu_us_per_process: %.2f\n", cpu / n);
	printf("ps_runs: %d\n", ps_runs);
	print_cost("ps_mean", &ps);
	print_cost("ps_best", &ps_best);
	ps_cpu = ps.user_us + ps.sys_us;
	printf("ps_mean.cpu_us_per_process: %.2f\n", ps_cpu / n);
	printf("ratio_ps_over_leakwatch.wall: %.1f\n", ps.wall_us / steady.wall_us);
	printf("ratio_ps_over_leakwatch.cpu: %.1f\n", ps_cpu / cpu);
	printf("ratio_ps_over_leakwatch_cold.cpu: %.1f\n", ps_cpu / (cold.user_us + cold.sys_us));
	printf("floor.processes: %u\nfloor.kept_open: %u\n", floor.processes, floor.kept);
	printf("floor.cpu_us_per_process: %.2f\n", floor.cpu_us_per_process);
	printf("floor.null_syscall_us: %.3f\n", floor.null_syscall_us);
	printf("ratio_leakwatch_over_floor.cpu: %.2f\n", cpu / n / floor.cpu_us_per_process);
	getrusage(RUSAGE_SELF, &self);
	printf("self.maxrss_kib: %ld\n", self.ru_maxrss);
	printf("goal.ratio_ps_over_leakwatch_cpu_min: %.0f %s\n", GOAL_PS_RATIO,
	       ps_cpu / cpu >= GOAL_PS_RATIO ? "ok" : "MISSED");
	printf("goal.cpu_us_per_process_max: %.0f %s\n", GOAL_US_PER_PROC,
	       cpu / n <= GOAL_US_PER_PROC ? "ok" : "MISSED");
	return 0;
}
