/* fdtypes.c: descriptor classification from the fd links ("socket:[…]", "pipe:[…]", paths). */
/* SPDX-License-Identifier: ISC */
#include "proc/fdtypes.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

/* Sockets, pipes and anon inodes are told by their link text; paths need a stat. */
static int is_special(const char *link, size_t len)
{
	return starts_with(link, len, "socket:") || starts_with(link, len, "pipe:") ||
	       starts_with(link, len, "anon_inode:");
}

void lw_fd_types_add(struct lw_fd_types *t, const char *link, size_t len, mode_t mode)
{
	if (starts_with(link, len, "socket:") || S_ISSOCK(mode))
		t->sockets++;
	else if (starts_with(link, len, "pipe:") || S_ISFIFO(mode))
		t->pipes++;  /* named FIFOs show as paths */
	else if (starts_with(link, len, "anon_inode:"))
		t->anon++;
	else if (S_ISREG(mode) || S_ISDIR(mode))
		t->files++;
	else
		t->other++;
}

int lw_fd_types_read(int at, const char *path, struct lw_fd_types *out, struct lw_error *err)
{
	struct lw_fd_types t = { 0 };
	struct dirent *de;
	DIR *dir;
	int refused = 0;
	int fd = openat(at, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return lw_error_set(err, errno, "open %s: %s", path, strerror(errno));
	dir = fdopendir(fd);
	if (dir == NULL) {
		int e = errno;
		close(fd);
		return lw_error_set(err, e, "fdopendir %s: %s", path, strerror(e));
	}
	while ((de = readdir(dir)) != NULL) {
		char link[256];
		ssize_t n;
		mode_t mode = 0;

		if (de->d_name[0] == '.')
			continue;
		n = readlinkat(dirfd(dir), de->d_name, link, sizeof(link));
		if (n < 0) {
			/* Not ours to read (no CAP_SYS_PTRACE over it): the types are unknown. */
			if (errno == EACCES || errno == EPERM)
				refused = errno;
			continue;  /* otherwise closed since readdir: it no longer counts */
		}
		if (!is_special(link, (size_t)n)) {
			struct stat st;

			/* Follows the fd's magic link, so deleted files still classify. */
			if (fstatat(dirfd(dir), de->d_name, &st, 0) == 0)
				mode = st.st_mode;
		}
		lw_fd_types_add(&t, link, (size_t)n, mode);
	}
	closedir(dir);
	if (refused)
		return lw_error_set(err, refused, "readlink %s/*: %s", path, strerror(refused));
	*out = t;
	return 0;
}
