/* collect_progress.h: leakwatch collect's one-line progress on a terminal, and the top suspect. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_CLI_COLLECT_PROGRESS_H
#define LW_CLI_COLLECT_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cycle/snapshot.h"

/*
 * The series the detector thinks most likely to leak in s, as words ("lw-leaky (pid 1234):
 * RSS +3.4 GiB/h, leaking"): leaking before suspect; a process before its group, a group
 * before a slab cache or a system series; then the steeper slope. "none so far" without one.
 */
void collect_top_suspect(const struct lw_snapshot *s, char *buf, size_t cap);

struct collect_progress {
	int64_t elapsed_s, duration_s;
	uint64_t samples;
	const char *suspect;         /* collect_top_suspect's words */
	const char *note;            /* "stopping: writing the report", ...; NULL: none */
};

/* Rewrites the terminal's current line (carriage return, the line cut to the terminal's width,
 * erase to its end): one line that stays in place. f must be a terminal. */
void collect_progress_show(FILE *f, const struct collect_progress *p);

/* Ends the progress line so that what follows starts on a line of its own. */
void collect_progress_end(FILE *f);

#endif
