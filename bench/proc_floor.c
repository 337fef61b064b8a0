/* proc_floor.c: a helper process that times the bare reads a process sample needs, as a floor. */
/* SPDX-License-Identifier: ISC */
#include "proc_floor.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchutil.h"

#define FLOOR_FD_RESERVE 512

struct kept {
	char name[16];
	int stat_fd, statm_fd;
};

struct ready {
	unsigned processes, kept;
	double null_syscall_us;
};

static double cpu_us(void)
{
	double user, sys;

	bench_self_cpu_us(&user, &sys);
	return user + sys;
}

static size_t budget(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	getrlimit(RLIMIT_NOFILE, &rl);
	return rl.rlim_cur > 2 * FLOOR_FD_RESERVE ? (size_t)(rl.rlim_cur - FLOOR_FD_RESERVE) / 2 : 0;
}

static int is_pid(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static void read_by_path(int procfd, const char *pid, const char *file, char *buf, size_t cap)
{
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pid, file);
	fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, buf, cap) < 0)
			buf[0] = '\0';
		close(fd);
	}
}

static void round_once(DIR *proc, const struct kept *k, size_t n)
{
	char buf[4096];

	rewinddir(proc);
	while (readdir(proc) != NULL)
		;  /* the collector's walk of /proc */
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		char p[32];

		if (k[i].stat_fd >= 0 && k[i].statm_fd >= 0) {
			if (pread(k[i].stat_fd, buf, sizeof(buf), 0) < 0 ||
			    pread(k[i].statm_fd, buf, sizeof(buf), 0) < 0)
				buf[0] = '\0';  /* exited: costs the same call */
		} else {
			read_by_path(dirfd(proc), k[i].name, "stat", buf, sizeof(buf));
			read_by_path(dirfd(proc), k[i].name, "statm", buf, sizeof(buf));
		}
		snprintf(p, sizeof(p), "%s/fd", k[i].name);
		(void)fstatat(dirfd(proc), p, &st, 0);
	}
}

static struct kept *open_all(DIR *proc, size_t *n, size_t *nkept)
{
	size_t cap = 0, limit = budget();
	struct kept *k = NULL;
	struct dirent *de;

	*n = *nkept = 0;
	while ((de = readdir(proc)) != NULL) {
		char p[32];

		if (!is_pid(de->d_name) || strlen(de->d_name) >= sizeof(k->name))
			continue;
		if (*n == cap) {
			struct kept *nk = realloc(k, (cap = cap ? cap * 2 : 4096) * sizeof(*k));

			if (nk == NULL)
				break;
			k = nk;
		}
		strcpy(k[*n].name, de->d_name);
		k[*n].stat_fd = k[*n].statm_fd = -1;
		if (*nkept < limit) {
			snprintf(p, sizeof(p), "%s/stat", de->d_name);
			k[*n].stat_fd = openat(dirfd(proc), p, O_RDONLY | O_CLOEXEC);
			snprintf(p, sizeof(p), "%s/statm", de->d_name);
			k[*n].statm_fd = openat(dirfd(proc), p, O_RDONLY | O_CLOEXEC);
			*nkept += k[*n].stat_fd >= 0 && k[*n].statm_fd >= 0;
		}
		(*n)++;
	}
	return k;
}

static void child(const char *root, int in, int out)
{
	struct ready r = { 0 };
	char path[4096], cmd;
	size_t n, nkept;
	struct kept *k;
	double t0;
	DIR *proc;

	snprintf(path, sizeof(path), "%s/proc", root);
	proc = opendir(path);
	if (proc == NULL)
		_exit(1);
	k = open_all(proc, &n, &nkept);
	t0 = cpu_us();
	for (int i = 0; i < 100000; i++)
		(void)getppid();
	r.null_syscall_us = (cpu_us() - t0) / 100000;
	r.processes = (unsigned)n;
	r.kept = (unsigned)nkept;
	if (write(out, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	while (read(in, &cmd, 1) == 1) {
		double per;

		t0 = cpu_us();
		round_once(proc, k, n);
		per = n ? (cpu_us() - t0) / (double)n : 0;
		if (write(out, &per, sizeof(per)) != sizeof(per))
			_exit(1);
	}
	_exit(0);
}

int proc_floor_start(const char *root, struct proc_floor *f)
{
	int down[2], up[2];
	struct ready r;

	if (pipe(down) || pipe(up))
		return -1;
	f->pid = fork();
	if (f->pid < 0)
		return -1;
	if (f->pid == 0) {
		/* Only the pipes: the parent's descriptors would eat the child's budget. */
		for (int fd = 3; fd < 65536; fd++)
			if (fd != down[0] && fd != up[1])
				close(fd);
		child(root, down[0], up[1]);
	}
	close(down[0]);
	close(up[1]);
	f->to_child = down[1];
	f->from_child = up[0];
	if (read(f->from_child, &r, sizeof(r)) != sizeof(r)) {
		proc_floor_stop(f);
		return -1;
	}
	f->processes = r.processes;
	f->kept = r.kept;
	f->null_syscall_us = r.null_syscall_us;
	return 0;
}

int proc_floor_round(struct proc_floor *f, double *cpu_us_per_process)
{
	char cmd = 'r';

	if (write(f->to_child, &cmd, 1) != 1 ||
	    read(f->from_child, cpu_us_per_process, sizeof(*cpu_us_per_process)) !=
		    sizeof(*cpu_us_per_process))
		return -1;
	return 0;
}

void proc_floor_stop(struct proc_floor *f)
{
	close(f->to_child);
	close(f->from_child);
	waitpid(f->pid, NULL, 0);
}
