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

#include "cycle/collect.h"
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

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), by_value);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
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
	lw_med = median(lw_cpu, rounds);
	ps_med = median(ps_cpu, rounds);
	floor_med = median(floor_cpu, rounds);
	printf("steady.cpu_us_per_process.median: %.2f\n", lw_med);
	printf("steady.cpu_us_per_process.min: %.2f\n", lw_cpu[0]);
	printf("steady.wall_us_per_process.median: %.2f\n", median(lw_wall, rounds));
	printf("ps.cpu_us_per_process.median: %.2f\n", ps_med);
	printf("ps.cpu_us_per_process.min: %.2f\n", ps_cpu[0]);
	printf("ps.wall_us_per_process.median: %.2f\n", median(ps_wall, rounds));
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
