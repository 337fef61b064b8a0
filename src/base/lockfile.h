/* lockfile.h: a file locked for a process's life, holding its pid: one daemon per path. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_LOCKFILE_H
#define LW_LOCKFILE_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/lw_error.h"

struct lw_lockfile {
	int fd;               /* -1: not held */
	bool writable;        /* false: locked through a read-only descriptor, no pid written */
	char path[4096];
};

/*
 * Opens PATH (created with MODE if missing) and takes an exclusive flock(2) on it, without
 * waiting. The lock belongs to the open file description, so it survives fork(2) (the daemon
 * takes it before daemonizing) and is released only when the last descriptor closes: at exit,
 * also after kill -9. Returns 0 when held; -1 with err->code EWOULDBLOCK when another process
 * holds it (*holder: the pid it wrote, 0 if unknown), another errno when the file cannot be
 * opened or locked.
 */
int lw_lockfile_take(struct lw_lockfile *lf, const char *path, mode_t mode, long *holder,
		     struct lw_error *err);

/* Replaces the file's content with the calling process's pid and a newline. */
int lw_lockfile_write_pid(struct lw_lockfile *lf, struct lw_error *err);

/* Removes the file (when remove is true) while still holding it, then releases it. */
void lw_lockfile_release(struct lw_lockfile *lf, bool remove);

#endif
