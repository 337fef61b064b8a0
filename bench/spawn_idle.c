/* spawn_idle.c: keep N idle processes (default 10000) alive until told to stop, then reap them. */
/* SPDX-License-Identifier: ISC */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchutil.h"

static long read_long(const char *path, const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!key || (strncmp(line, key, strlen(key)) == 0 && line[strlen(key)] == ':')) {
			v = strtol(line + (key ? strlen(key) + 1 : 0), NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static long count_processes(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] >= '1' && e->d_name[0] <= '9';
	closedir(d);
	return n;
}

/* One idle process: asleep in read() until the leader, the only writer of the pipe, is gone. */
static void idle_child(const int lifeline[2], pid_t pgid)
{
	char c;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	setpgid(0, pgid); /* the leader does it too: whichever runs first wins */
	for (int fd = 0; fd < 3; fd++)
		close(fd); /* hold no end of a driver's pipes */
	close(lifeline[1]);
	while (read(lifeline[0], &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

static void usage(void)
{
	fputs("usage: spawn_idle [-n COUNT] [-t SECONDS] [-e]\n"
	      "  -n COUNT    idle processes (default 10000)\n"
	      "  -t SECONDS  stop after this long (default: only on SIGINT/SIGTERM/SIGHUP)\n"
	      "  -e          also stop at EOF on stdin (a driving script holds the pipe)\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	long count = 10000, pid_max, threads_max, before, avail0, avail1;
	double hold = 0, t0, spawn_s, end;
	int lifeline[2], opt, until_eof = 0;
	long spawned = 0, reaped = 0;
	pid_t pgid = 0, *pids;

	while ((opt = getopt(argc, argv, "n:t:eh")) != -1) {
		if (opt == 'n')
			count = strtol(optarg, NULL, 10);
		else if (opt == 't')
			hold = strtod(optarg, NULL);
		else if (opt == 'e')
			until_eof = 1;
		else
			usage();
	}
	if (count < 1 || optind != argc)
		usage();
	pid_max = read_long("/proc/sys/kernel/pid_max", NULL);
	threads_max = read_long("/proc/sys/kernel/threads-max", NULL);
	before = count_processes();
	printf("pid_max: %ld\nthreads_max: %ld\nprocesses_before: %ld\n", pid_max, threads_max, before);
	fflush(stdout);
	if (before + count + 100 > pid_max || before + count + 100 > threads_max) {
		fprintf(stderr, "spawn_idle: %ld more processes would exceed pid_max or threads-max\n",
			count);
		return 2;
	}
	/* drop descriptors inherited from whoever started us: the children would inherit them */
	bench_close_inherited();
	pids = calloc((size_t)count, sizeof(*pids));
	if (!pids || pipe(lifeline) != 0) {
		perror("spawn_idle");
		return 1;
	}
	bench_catch_stop(); /* poll() returns EINTR */
	avail0 = read_long("/proc/meminfo", "MemAvailable");
	t0 = bench_now_s();
	while (spawned < count && !bench_stop_sig) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("spawn_idle: fork");
			break;
		}
		if (pid == 0)
			idle_child(lifeline, pgid);
		if (!pgid)
			pgid = pid;
		setpgid(pid, pgid);
		pids[spawned++] = pid;
	}
	spawn_s = bench_now_s() - t0;
	close(lifeline[0]); /* keep the write end only: our exit, however it happens, frees them */
	usleep(500000);     /* let the last children reach read() */
	avail1 = read_long("/proc/meminfo", "MemAvailable");
	printf("spawned: %ld\nspawn_s: %.1f\nspawn_us_per_process: %.0f\npgid: %d\nleader_pid: %d\n"
	       "mem_used_kib: %ld\nmem_kib_per_process: %.1f\n%s\n",
	       spawned, spawn_s, spawned ? spawn_s * 1e6 / (double)spawned : 0.0, (int)pgid,
	       (int)getpid(), avail0 - avail1,
	       spawned ? (double)(avail0 - avail1) / (double)spawned : 0.0,
	       spawned == count ? "ready" : "incomplete");
	fflush(stdout);
	end = hold > 0 ? bench_now_s() + hold : 0;
	while (spawned == count && !bench_stop_sig && (end == 0 || bench_now_s() < end)) {
		struct pollfd pfd = { .fd = 0, .events = POLLIN };
		char buf[512];

		if (poll(&pfd, until_eof ? 1 : 0, 1000) > 0 && read(0, buf, sizeof(buf)) <= 0)
			break; /* EOF (or error): the driving script is done, or gone */
	}
	t0 = bench_now_s();
	if (pgid)
		kill(-pgid, SIGKILL);
	for (long i = 0; i < spawned; i++)
		kill(pids[i], SIGKILL); /* a child the group missed; ESRCH for the others */
	while (reaped < spawned) {
		pid_t r = waitpid(-1, NULL, 0);

		if (r > 0)
			reaped++;
		else if (errno != EINTR)
			break;
	}
	printf("reaped: %ld\nreap_s: %.1f\n", reaped, bench_now_s() - t0);
	free(pids);
	return spawned == count ? 0 : 1;
}
