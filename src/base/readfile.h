/* readfile.h: reading small kernel files relative to the collectors' root directory. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_READFILE_H
#define LW_READFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/lw_error.h"

/* Opens root (default "/") as a directory fd that collectors resolve paths against. */
int lw_root_open(const char *root, int *fd, struct lw_error *err);

/*
 * Reads relpath (relative to rootfd) into buf, at most cap bytes. A file that does not fit is
 * an error rather than a silent truncation, since a parser would see half a record.
 */
int lw_read_file_at(int rootfd, const char *relpath, char *buf, size_t cap, size_t *len,
		    struct lw_error *err);

/*
 * lw_read_file_at for a file some kernels lack (no IPv6, a child network namespace): a missing
 * file sets *missing and succeeds; any other failure is an error.
 */
int lw_read_optional_at(int rootfd, const char *relpath, char *buf, size_t cap, size_t *len,
			bool *missing, struct lw_error *err);

/*
 * A growing buffer for files whose size depends on the host (slabinfo, zoneinfo on many nodes).
 * Kept between reads so a steady file costs no allocation.
 */
struct lw_filebuf {
	char *data;
	size_t len, cap;
};

void lw_filebuf_free(struct lw_filebuf *b);

/* Reads the whole of relpath into b, growing it up to max bytes (larger is an error). */
int lw_read_file_grow_at(int rootfd, const char *relpath, struct lw_filebuf *b, size_t max,
			 struct lw_error *err);

/* Reads at most cap bytes of relpath: for files where the start is all that is wanted. */
int lw_read_prefix_at(int dirfd, const char *relpath, char *buf, size_t cap, size_t *len,
		      struct lw_error *err);

#endif
