/* proc_floor.c: times the bare reads a process sample needs, with no parsing, as a floor. */
#include "proc_floor.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define FLOOR_FD_RESERVE 512

struct kept {
	char name[16];
	int stat_fd, statm_fd;
};

static double cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec * 1e6 + (double)ru.ru_utime.tv_usec +
	       (double)ru.ru_stime.tv_sec * 1e6 + (double)ru.ru_stime.tv_usec;
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

static void close_all(struct kept *k, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (k[i].stat_fd >= 0)
			close(k[i].stat_fd);
		if (k[i].statm_fd >= 0)
			close(k[i].statm_fd);
	}
	free(k);
}

int proc_floor_measure(const char *root, int rounds, struct proc_floor *out)
{
	char path[4096], buf[4096];
	size_t n = 0, cap = 0, nkept = 0, limit = budget();
	struct kept *k = NULL;
	struct dirent *de;
	double t0, total = 0;
	DIR *proc;

	snprintf(path, sizeof(path), "%s/proc", root);
	proc = opendir(path);
	if (proc == NULL)
		return -1;
	while ((de = readdir(proc)) != NULL) {
		char p[32];

		if (!is_pid(de->d_name) || strlen(de->d_name) >= sizeof(k->name))
			continue;
		if (n == cap) {
			struct kept *nk = realloc(k, (cap = cap ? cap * 2 : 4096) * sizeof(*k));

			if (nk == NULL)
				break;
			k = nk;
		}
		strcpy(k[n].name, de->d_name);
		k[n].stat_fd = k[n].statm_fd = -1;
		if (nkept < limit) {
			snprintf(p, sizeof(p), "%s/stat", de->d_name);
			k[n].stat_fd = openat(dirfd(proc), p, O_RDONLY | O_CLOEXEC);
			snprintf(p, sizeof(p), "%s/statm", de->d_name);
			k[n].statm_fd = openat(dirfd(proc), p, O_RDONLY | O_CLOEXEC);
			nkept += k[n].stat_fd >= 0 && k[n].statm_fd >= 0;
		}
		n++;
	}
	for (int r = 0; r < rounds; r++) {
		t0 = cpu_us();
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
		total += cpu_us() - t0;
	}
	t0 = cpu_us();
	for (int i = 0; i < 100000; i++)
		(void)getppid();
	out->null_syscall_us = (cpu_us() - t0) / 100000;
	out->processes = (unsigned)n;
	out->kept = (unsigned)nkept;
	out->cpu_us_per_process = n ? total / rounds / (double)n : 0;
	close_all(k, n);
	closedir(proc);
	return 0;
}
