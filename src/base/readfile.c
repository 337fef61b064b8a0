/* readfile.c: whole-file reads under a root directory fd, with errors that name the file. */
/* SPDX-License-Identifier: ISC */
#include "base/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int lw_root_open(const char *root, int *fd, struct lw_error *err)
{
	int d = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (d < 0)
		return lw_error_set(err, errno, "cannot open root directory %s: %s", root,
				    strerror(errno));
	*fd = d;
	return 0;
}

/* Reads until EOF or until cap bytes are in; errno-style code on failure. */
static int read_into(int fd, char *buf, size_t cap, size_t *have)
{
	*have = 0;
	while (*have < cap) {
		ssize_t n = read(fd, buf + *have, cap - *have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			break;
		*have += (size_t)n;
	}
	return 0;
}

int lw_read_file_at(int rootfd, const char *relpath, char *buf, size_t cap, size_t *len,
		    struct lw_error *err)
{
	char probe;
	int e;
	int fd = openat(rootfd, relpath, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return lw_error_set(err, errno, "open %s: %s", relpath, strerror(errno));
	e = read_into(fd, buf, cap, len);
	/* A full buffer: one more byte tells a file of exactly cap from a longer one. */
	if (e == 0 && *len == cap && read(fd, &probe, 1) != 0)
		e = EFBIG;
	close(fd);
	if (e == EFBIG)
		return lw_error_set(err, EFBIG, "%s is larger than %zu bytes", relpath, cap);
	if (e != 0)
		return lw_error_set(err, e, "read %s: %s", relpath, strerror(e));
	return 0;
}

int lw_read_optional_at(int rootfd, const char *relpath, char *buf, size_t cap, size_t *len,
			bool *missing, struct lw_error *err)
{
	*missing = false;
	if (lw_read_file_at(rootfd, relpath, buf, cap, len, err) == 0)
		return 0;
	if (err->code != ENOENT)
		return -1;
	lw_error_clear(err);
	*missing = true;
	return 0;
}

int lw_read_prefix_at(int dirfd, const char *relpath, char *buf, size_t cap, size_t *len,
		      struct lw_error *err)
{
	int e;
	int fd = openat(dirfd, relpath, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return lw_error_set(err, errno, "open %s: %s", relpath, strerror(errno));
	e = read_into(fd, buf, cap, len);
	close(fd);
	if (e != 0)
		return lw_error_set(err, e, "read %s: %s", relpath, strerror(e));
	return 0;
}

void lw_filebuf_free(struct lw_filebuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int lw_read_file_grow_at(int rootfd, const char *relpath, struct lw_filebuf *b, size_t max,
			 struct lw_error *err)
{
	int e = 0;
	int fd = openat(rootfd, relpath, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return lw_error_set(err, errno, "open %s: %s", relpath, strerror(errno));
	b->len = 0;
	for (;;) {
		size_t got;

		if (b->len == b->cap) {
			size_t cap = b->cap ? b->cap * 2 : 65536;
			char *p;

			if (b->cap >= max) {
				e = EFBIG;
				break;
			}
			if (cap > max)
				cap = max;
			p = realloc(b->data, cap);
			if (p == NULL) {
				e = ENOMEM;
				break;
			}
			b->data = p;
			b->cap = cap;
		}
		e = read_into(fd, b->data + b->len, b->cap - b->len, &got);
		b->len += got;
		/* /proc files are generated per read(): a short fill means the end was reached. */
		if (e != 0 || b->len < b->cap)
			break;
	}
	close(fd);
	if (e == EFBIG)
		return lw_error_set(err, EFBIG, "%s is larger than %zu bytes", relpath, max);
	if (e != 0)
		return lw_error_set(err, e, "read %s: %s", relpath, strerror(e));
	return 0;
}
