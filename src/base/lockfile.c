/* lockfile.c: takes, fills and releases a pid-carrying lock file (flock(2), never waiting). */
/* SPDX-License-Identifier: ISC */
#include "lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The pid the holder wrote, 0 when the content is not one (still empty, or not ours). */
static long read_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	char *end;
	long pid;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || pid <= 0 || (*end != '\n' && *end != '\0'))
		return 0;
	return pid;
}

/* The descriptor still names the file at path: a holder that was leaving may have unlinked it
 * between our open and our flock, and a lock on an unlinked file excludes nobody. */
static bool still_at_path(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int lw_lockfile_take(struct lw_lockfile *lf, const char *path, mode_t mode, long *holder,
		     struct lw_error *err)
{
	lf->fd = -1;
	*holder = 0;
	/* Kept absolute: the daemon changes to / when it detaches, and removes the file later. */
	if (path[0] != '/') {
		char cwd[2048];

		if (getcwd(cwd, sizeof(cwd)) == NULL ||
		    (size_t)snprintf(lf->path, sizeof(lf->path), "%s/%s", cwd, path) >=
			    sizeof(lf->path))
			return lw_error_set(err, ENAMETOOLONG, "%s: name too long", path);
	} else if ((size_t)snprintf(lf->path, sizeof(lf->path), "%s", path) >= sizeof(lf->path)) {
		return lw_error_set(err, ENAMETOOLONG, "%s: name too long", path);
	}
	path = lf->path;
	for (int attempt = 0; attempt < 10; attempt++) {
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, mode);
		bool writable = fd >= 0;

		/* A read-only state directory: an existing file still locks, without a pid. */
		if (fd < 0 && (errno == EROFS || errno == EACCES))
			fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return lw_error_set(err, errno, "%s: %s", path, strerror(errno));
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			int e = errno;

			if (e == EWOULDBLOCK)
				*holder = read_pid(fd);
			close(fd);
			if (e == EWOULDBLOCK)
				return lw_error_set(err, e, "%s is locked by another process (pid %ld)",
						    path, *holder);
			return lw_error_set(err, e, "%s: flock: %s", path, strerror(e));
		}
		if (!still_at_path(fd, path)) {
			close(fd);
			continue;
		}
		lf->fd = fd;
		lf->writable = writable;
		return 0;
	}
	return lw_error_set(err, EAGAIN, "%s: replaced while it was being locked", path);
}

int lw_lockfile_write_pid(struct lw_lockfile *lf, struct lw_error *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (lf->fd < 0 || !lf->writable)
		return lw_error_set(err, EBADF, "%s: not open for writing", lf->path);
	/* Written over the old content, then cut: a reader sees the new pid on the first line
	 * throughout, never an empty file. */
	if (pwrite(lf->fd, buf, (size_t)n, 0) != n || ftruncate(lf->fd, n) != 0)
		return lw_error_set(err, errno, "%s: %s", lf->path, strerror(errno));
	return 0;
}

void lw_lockfile_release(struct lw_lockfile *lf, bool remove)
{
	if (lf->fd < 0)
		return;
	/* Unlinked before the lock is dropped, so no process can lock the old file afterwards
	 * and believe it holds the path (still_at_path catches one that opened it before). */
	if (remove)
		unlink(lf->path);
	close(lf->fd);
	lf->fd = -1;
}
