/* procpid.h: parsers for one process's /proc/PID files (stat, statm, status, limits) and btime. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_PROCPID_H
#define LW_PROCPID_H

#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"

/* The kernel's comm is 15 bytes, but workqueue workers show up to 64 in stat. */
#define LW_COMM_MAX 64

struct lw_pid_stat {
	char comm[LW_COMM_MAX];   /* raw bytes between the first '(' and the last ')' */
	size_t comm_len;
	char state;               /* R S D T t Z X I ... */
	uint32_t ppid;
	uint64_t utime, stime;    /* clock ticks */
	uint64_t threads;
	uint64_t starttime;       /* clock ticks after boot */
};

/* "pid (comm) S ppid ..." : the comm may hold spaces, parentheses and newlines. */
int lw_pid_stat_parse(const char *buf, size_t len, struct lw_pid_stat *out, struct lw_error *err);

struct lw_pid_statm {
	uint64_t size, resident, shared;  /* pages */
};

int lw_pid_statm_parse(const char *buf, size_t len, struct lw_pid_statm *out,
		       struct lw_error *err);

/* VmSwap in KiB from /proc/PID/status; 0 when the line is absent (kernel threads). */
int lw_pid_status_swap_parse(const char *buf, size_t len, uint64_t *swap_kb,
			     struct lw_error *err);

/* Real uid (first field of "Uid:") from /proc/PID/status. */
int lw_pid_status_uid_parse(const char *buf, size_t len, uint32_t *uid, struct lw_error *err);

/* Soft "Max open files" from /proc/PID/limits; UINT64_MAX for unlimited. */
int lw_pid_limits_nofile_parse(const char *buf, size_t len, uint64_t *soft, struct lw_error *err);

/* "btime N" from /proc/stat: boot time in seconds since the epoch. */
int lw_stat_btime_parse(const char *buf, size_t len, uint64_t *btime, struct lw_error *err);

#endif
