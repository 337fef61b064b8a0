/* watchset.h: the detector series of one kind of object (processes, groups, slab caches). */
/* SPDX-License-Identifier: ISC */
#ifndef LW_WATCHSET_H
#define LW_WATCHSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/detect.h"

/* One watched object: a process identity, a process name, a slab cache. */
struct lw_watched {
	uint32_t id;                /* pid, group index or slab index: the rows' sort key */
	int64_t start;              /* a process's start time; 0 for the other kinds */
	struct lw_series s[2];      /* processes and groups: RSS, descriptors; slabs: KiB */
};

/*
 * Kept sorted by (id, start) between cycles. Each cycle merges the rows of the cycle into it
 * (lw_watchset_begin, lw_watchset_match for every row in row order, lw_watchset_end): a row
 * whose object is held keeps its series, a new one starts learning, and objects without a row
 * are dropped. During a replay objects are found through a hash instead, in any order.
 */
struct lw_watchset {
	struct lw_watched **v, **next;  /* each object allocated once: merges move pointers */
	size_t n, cap, nnext, cap_next, pos;
	uint32_t *hash;               /* replay only: slot -> index + 1 */
	size_t nhash;
	bool unsorted;                /* replay appended out of order */
};

void lw_watchset_init(struct lw_watchset *w);
void lw_watchset_free(struct lw_watchset *w);

void lw_watchset_begin(struct lw_watchset *w);

/*
 * The object of this row (rows given in increasing (id, start)), a fresh one when it is new,
 * started at start_s (a process's start time; the first sight for the others); NULL when out
 * of memory (the row goes unwatched this cycle).
 */
struct lw_watched *lw_watchset_match(struct lw_watchset *w, uint32_t id, int64_t start,
				     int64_t start_s);

void lw_watchset_end(struct lw_watchset *w);

/* The object of (id, start) for a replayed point, created when absent; NULL out of memory. */
struct lw_watched *lw_watchset_replay(struct lw_watchset *w, uint32_t id, int64_t start,
				      int64_t start_s);

#endif
