/* instance.c: locks the state directory and the pid file so that only one daemon uses them. */
/* SPDX-License-Identifier: ISC */
#include "instance.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The state files (history, thresholds) are private: 0600 files in a 0750 directory. */
#define STATE_DIR_MODE 0750
#define STATE_FILE_MODE 0600
/* A pid file is read by scripts and monitors that need no other access. */
#define PIDFILE_MODE 0644
/* Missing parents of state_dir: searchable by all, as /var/lib is. */
#define PARENT_DIR_MODE 0755

static void state_dir_warning(const char *dir, char *warning, size_t size)
{
	struct stat st;

	if (stat(dir, &st) == 0 && (st.st_mode & (S_IWGRP | S_IWOTH)))
		snprintf(warning, size, "state_dir %s is writable by %s (mode %04o): they can "
			 "replace the history and the thresholds; 0750 is advised", dir,
			 (st.st_mode & S_IWOTH) ? "every user" : "its group",
			 (unsigned)(st.st_mode & 07777));
}

/*
 * Makes the missing parents of dir (a state_dir under a fresh prefix: /usr/local/var/lib) with
 * 0755, the mode install -d and Debian give such directories; dir itself is left to the caller,
 * which makes it 0750. Returns 0, or -1 with errno from the mkdir that failed.
 */
static int make_parents(const char *dir)
{
	char path[4096];
	size_t n = strlen(dir);

	if (n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, n + 1);
	/* Each '/' after the first character ends a parent: make it if missing. */
	for (char *p = path + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, PARENT_DIR_MODE) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

/* Makes and locks the state directory; a failure other than another holder only warns. */
static enum lw_instance_result take_state(struct lw_instance *in, const char *state_dir,
					  char *warning, size_t warning_size, struct lw_error *err)
{
	char path[4200];
	long holder;

	/* leakwatchd.conf(5): state_dir is made with its parents when missing. */
	if (mkdir(state_dir, STATE_DIR_MODE) == 0 ||
	    (errno == ENOENT && make_parents(state_dir) == 0 &&
	     mkdir(state_dir, STATE_DIR_MODE) == 0)) {
		/* mkdir's mode passes through the umask: set it exactly on a directory made here. */
		chmod(state_dir, STATE_DIR_MODE);
	} else if (errno == EEXIST) {
		state_dir_warning(state_dir, warning, warning_size);
	} else {
		snprintf(warning, warning_size, "state_dir %s: %s; another leakwatchd using it "
			 "would not be noticed", state_dir, strerror(errno));
		return LW_INSTANCE_OK;
	}
	snprintf(path, sizeof(path), "%s/%s", state_dir, LW_STATE_LOCK_NAME);
	if (lw_lockfile_take(&in->state, path, STATE_FILE_MODE, &holder, err) == 0)
		return LW_INSTANCE_OK;
	if (err->code == EWOULDBLOCK) {
		lw_error_set(err, EWOULDBLOCK, "state_dir %s is in use by another leakwatchd "
			     "(pid %ld holds %s)", state_dir, holder, path);
		return LW_INSTANCE_HELD;
	}
	snprintf(warning, warning_size, "cannot lock state_dir: %s; another leakwatchd using it "
		 "would not be noticed", err->text);
	return LW_INSTANCE_OK;
}

enum lw_instance_result lw_instance_take(struct lw_instance *in, const char *state_dir,
					 const char *pidfile, char *warning, size_t warning_size,
					 struct lw_error *err)
{
	struct lw_error e;
	long holder;

	in->state.fd = -1;
	in->pidfile.fd = -1;
	warning[0] = '\0';
	if (take_state(in, state_dir, warning, warning_size, err) != LW_INSTANCE_OK)
		return LW_INSTANCE_HELD;
	if (pidfile == NULL)
		return LW_INSTANCE_OK;
	if (lw_lockfile_take(&in->pidfile, pidfile, PIDFILE_MODE, &holder, &e) == 0) {
		if (in->pidfile.writable)
			return LW_INSTANCE_OK;
		lw_lockfile_release(&in->pidfile, false);
		e.code = EACCES;
		snprintf(e.text, sizeof(e.text), "%s: cannot be written", pidfile);
	}
	lw_lockfile_release(&in->state, false);
	if (e.code == EWOULDBLOCK) {
		lw_error_set(err, EWOULDBLOCK, "pid file %s is held by another leakwatchd (pid %ld)",
			     pidfile, holder);
		return LW_INSTANCE_HELD;
	}
	lw_error_set(err, e.code, "pid file %s", e.text);
	return LW_INSTANCE_FAILED;
}

int lw_instance_write_pids(struct lw_instance *in, struct lw_error *err)
{
	/* The state lock's pid only names the holder in a second daemon's message. */
	if (in->state.fd >= 0 && in->state.writable)
		(void)lw_lockfile_write_pid(&in->state, err);
	if (in->pidfile.fd >= 0 && lw_lockfile_write_pid(&in->pidfile, err) != 0)
		return -1;
	return 0;
}

void lw_instance_release(struct lw_instance *in)
{
	lw_lockfile_release(&in->pidfile, true);
	/* The lock file stays with the state files; only its lock says the directory is in use. */
	lw_lockfile_release(&in->state, false);
}
