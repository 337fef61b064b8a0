/* slabinfo.h: parser for /proc/slabinfo (version 2.1) into a growable list of caches. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_SLABINFO_H
#define LW_SLABINFO_H

#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"
#include "base/rows.h"

/* Room for a cache name and its NUL; longer names are stored cut (the index is not). */
#define LW_SLAB_NAME_MAX 64

struct lw_slab {
	char name[LW_SLAB_NAME_MAX];   /* NUL-terminated, cut to LW_SLAB_NAME_MAX - 1 bytes */
	uint32_t index;                /* lw_proc_group_index() of the full name: never 0 */
	uint32_t line;                 /* 1-based line in the file: index ties keep file order */
	uint64_t active_objs, num_objs, objsize, objperslab, pagesperslab;
	uint64_t active_slabs, num_slabs;
	/* The leak detector's verdicts (src/detect/watch.c), kept with the row between slabinfo runs. */
	uint8_t leak_state;
	int64_t slope_kb_h;
	uint64_t time_to_exhaustion;  /* seconds until it holds MemTotal; 0 none */
};

/* Caller-owned; rows grow as needed and are kept across parses (reset, not freed). */
struct lw_slab_list {
	struct lw_slab *rows;
	size_t n, cap;
};

LW_ROW_LIST_DECLARE(lw_slab_list);  /* _init, _free, _reset: base/rows.h */

/*
 * Replaces the list's rows with the caches of buf, in the file's order. Needs the line
 * "slabinfo - version: 2.1" and then the "# name" header; each further line is
 * "name 5 numbers : tunables 3 numbers : slabdata 3 numbers". An unsupported version, a line
 * with the wrong field count, a non-number, a missing ':' section or a NUL in a name is an error
 * naming the line, and leaves the list empty. The last line may lack its newline when complete.
 */
int lw_slabinfo_parse(const char *buf, size_t len, struct lw_slab_list *out,
		      struct lw_error *err);

/* Bytes of the cache's slabs (num_slabs * pagesperslab * page_size), saturating. */
uint64_t lw_slab_total_bytes(const struct lw_slab *s, uint64_t page_size);

/* Bytes of its allocated objects (active_objs * objsize), saturating. */
uint64_t lw_slab_active_bytes(const struct lw_slab *s);

/*
 * Sorts the rows by index for an SNMP table. Two names with the same index (an FNV-1a
 * collision) cannot both be rows: the one earlier in the file stays, the others are dropped.
 * Returns how many were dropped.
 */
size_t lw_slab_list_sort_by_index(struct lw_slab_list *l);

#endif
