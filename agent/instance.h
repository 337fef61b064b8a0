/* instance.h: one daemon per state directory and pid file: both locked before anything starts. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_INSTANCE_H
#define LW_INSTANCE_H

#include "base/lockfile.h"
#include "base/lw_error.h"

/* Exit status of a daemon that found another one holding its state directory or pid file. */
#define LW_EXIT_ANOTHER_INSTANCE 3

/* The lock file inside state_dir; the state files themselves stay free for sqlite3(1). */
#define LW_STATE_LOCK_NAME "leakwatchd.lock"

struct lw_instance {
	struct lw_lockfile state;    /* STATE_DIR/leakwatchd.lock */
	struct lw_lockfile pidfile;  /* -p; fd -1 without it */
};

enum lw_instance_result {
	LW_INSTANCE_OK,
	LW_INSTANCE_HELD,     /* another daemon holds one of them: err names path and pid */
	LW_INSTANCE_FAILED,   /* the pid file cannot be opened: err says why */
};

/*
 * Makes state_dir (0750) if missing and locks its lock file, then the pid file (NULL: none).
 * A state directory that cannot be made or locked (a read-only file system) is not fatal,
 * since the daemon runs without history then: *warning says so ("" when all is well).
 */
enum lw_instance_result lw_instance_take(struct lw_instance *in, const char *state_dir,
					 const char *pidfile, char *warning, size_t warning_size,
					 struct lw_error *err);

/* Writes the daemon's pid into both files: after daemonizing, which changes it. */
int lw_instance_write_pids(struct lw_instance *in, struct lw_error *err);

/* Removes the pid file (which this daemon holds) and releases both locks. */
void lw_instance_release(struct lw_instance *in);

#endif
