/* fdtypes.h: classifying a process's open descriptors (sockets, pipes, files, anon inodes). */
/* SPDX-License-Identifier: ISC */
#ifndef LW_FDTYPES_H
#define LW_FDTYPES_H

#include <stdint.h>
#include <sys/types.h>

#include "base/lw_error.h"
#include "proc/proctable.h"

/*
 * Classifies every entry of the fd directory at path (relative to the directory at, e.g. "1234/fd" under
 * /proc). Listing it takes one descriptor, which shows in the caller's own directory. Fails
 * (err->code EACCES or EPERM) when the directory or any of its links may not be read: the
 * types are then unknown, never guessed.
 */
int lw_fd_types_read(int at, const char *path, struct lw_fd_types *out, struct lw_error *err);

static inline uint32_t lw_fd_types_total(const struct lw_fd_types *t)
{
	return t->sockets + t->pipes + t->files + t->anon + t->other;
}

/* Classifies one readlink() text of /proc/PID/fd/N; mode is what a path's fstatat gave (or 0). */
void lw_fd_types_add(struct lw_fd_types *t, const char *link, size_t len, mode_t mode);

#endif
