/* benchutil.c: clocks, CPU accounting, medians, child tools and stop signals the benches share. */
/* SPDX-License-Identifier: ISC */
#include "benchutil.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

volatile sig_atomic_t bench_stop_sig;

double bench_clock_s(clockid_t clk)
{
	struct timespec t;

	clock_gettime(clk, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

double bench_now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

double bench_now_s(void)
{
	return bench_clock_s(CLOCK_MONOTONIC);
}

double bench_tv_us(struct timeval tv)
{
	return (double)tv.tv_sec * 1e6 + (double)tv.tv_usec;
}

void bench_self_cpu_us(double *user_us, double *sys_us)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*user_us = bench_tv_us(ru.ru_utime);
	*sys_us = bench_tv_us(ru.ru_stime);
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), by_value);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Waits for pid; 0 when it exited 0. */
static int reap(pid_t pid, struct rusage *ru)
{
	int status;

	if (wait4(pid, &status, 0, ru) != pid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int bench_run_quiet(char *const argv[], struct rusage *ru)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return rc != 0 ? rc : reap(pid, ru);
}

int bench_run_read(char *const argv[], char *buf, size_t cap, bench_chunk_fn *chunk, void *arg,
		   struct rusage *ru)
{
	posix_spawn_file_actions_t fa;
	int p[2], rc;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		return rc;
	}
	while ((n = read(p[0], buf, cap)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && chunk)
			chunk(arg, buf, (size_t)n);
	close(p[0]);
	return reap(pid, ru);
}

static void on_stop(int sig)
{
	bench_stop_sig = sig;
}

void bench_catch_stop(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop; /* no SA_RESTART: poll(), fgets() and pause() return */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

void bench_close_inherited(void)
{
	if (close_range(3, ~0U, 0) != 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
}
