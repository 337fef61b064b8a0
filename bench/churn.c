/* churn.c: process churn at a steady rate (forks per second), each child living a set time. */
/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * A child that exits at once is rarely in /proc when a collector lists it, so it churns the
 * kernel, not the collector. Each child here lives LIFE_MS (default 200), so at RATE per second
 * RATE * LIFE_MS / 1000 of them are alive at any moment and each is sampled about once per
 * second of its life: new pids, new identities, new series every cycle, as on a build host.
 * Children take one of NAMES names (default 16: "churn-0" ... "churn-15"), set with
 * PR_SET_NAME, so the per-name groups are a fixed set while the pids keep changing. On a busy
 * host one fork() can take milliseconds: run several, each at a share of the rate.
 */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "usage: churn [-r RATE_PER_S] [-l LIFE_MS] [-n NAMES] [-t SECONDS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	double rate = 1500, seconds = 0, start, next;
	long life_ms = 200, names = 16;
	unsigned long long spawned = 0, failed = 0, reaped = 0;
	struct sigaction sa;
	int opt;

	while ((opt = getopt(argc, argv, "r:l:n:t:")) != -1) {
		switch (opt) {
		case 'r': rate = atof(optarg); break;
		case 'l': life_ms = atol(optarg); break;
		case 'n': names = atol(optarg); break;  /* at most 1e6: "churn-999999" */
		case 't': seconds = atof(optarg); break;
		default: usage();
		}
	}
	if (rate <= 0 || life_ms < 0 || names < 1 || names > 1000000)
		usage();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	start = next = now_s();
	while (!stop && (seconds <= 0 || now_s() - start < seconds)) {
		double t = now_s();
		pid_t pid;

		/* Reap whoever is done: zombies are not the load this program is for. */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			reaped++;
		if (t < next) {
			struct timespec d = { 0, (long)((next - t) * 1e9) };

			nanosleep(&d, NULL);
			continue;
		}
		/* Paced on the clock: a slow fork makes the next ones come sooner, up to 1 s late. */
		next += 1.0 / rate;
		if (next < t - 1.0)
			next = t;
		pid = fork();
		if (pid == 0) {
			char name[32];  /* PR_SET_NAME keeps the first 15 bytes */
			struct timespec d = { life_ms / 1000, (life_ms % 1000) * 1000000L };

			snprintf(name, sizeof(name), "churn-%u",
				 (unsigned)(spawned % (unsigned long long)names));
			prctl(PR_SET_NAME, name, 0, 0, 0);
			nanosleep(&d, NULL);
			_exit(0);
		}
		if (pid < 0)
			failed++;
		else
			spawned++;
	}
	while (waitpid(-1, NULL, 0) > 0)
		reaped++;
	printf("spawned: %llu\nfailed: %llu\nreaped: %llu\nseconds: %.1f\nrate_per_s: %.0f\n",
	       spawned, failed, reaped, now_s() - start, (double)spawned / (now_s() - start));
	return failed ? 1 : 0;
}
