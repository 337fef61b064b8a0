/* zoneinfo.h: parser and collector of /proc/zoneinfo: free pages, watermarks, sizes. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_ZONEINFO_H
#define LW_ZONEINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"
#include "base/rows.h"

/* Room for a zone name and its NUL ("DMA32", "Normal", "Movable", "Device"); longer is an error. */
#define LW_ZONE_NAME_MAX 32

/* The per-zone lines kept, all in pages. */
enum lw_zone_field {
	LW_ZONE_FREE,     /* "pages free" */
	LW_ZONE_MIN,      /* watermarks: allocations below min reclaim directly, */
	LW_ZONE_LOW,      /* kswapd wakes below low */
	LW_ZONE_HIGH,     /* and sleeps again above high */
	LW_ZONE_SPANNED,  /* pfn range of the zone, holes included */
	LW_ZONE_PRESENT,  /* pages of RAM in it */
	LW_ZONE_MANAGED,  /* present less what the kernel reserved at boot: the buddy allocator's */
	LW_ZONE_FIELDS
};

struct lw_zone {
	uint32_t node;
	uint32_t position;              /* 0-based within the node, in the kernel's zone order */
	char name[LW_ZONE_NAME_MAX];    /* NUL-terminated, as printed ("Normal") */
	uint64_t pages[LW_ZONE_FIELDS];
	uint32_t have;                  /* bit (1 << field) per line printed; FREE always set */
};

static inline bool lw_zone_has(const struct lw_zone *z, enum lw_zone_field f)
{
	return (z->have >> f) & 1u;
}

/* Caller-owned; rows grow as needed and are kept across parses (reset, not freed). */
struct lw_zone_list {
	struct lw_zone *rows;
	size_t n, cap;
};

LW_ROW_LIST_DECLARE(lw_zone_list);  /* _init, _free, _reset: base/rows.h */

/*
 * Replaces the list's rows with one per "Node N, zone NAME" block, in the file's order, empty
 * zones ("present 0") included. The kernel's own lines before "pagesets" are read, the per-node
 * and per-zone stats and everything from "pagesets" to the next block skipped; the first
 * occurrence of a line counts. Errors, naming the line, leave the list empty: text before the
 * first block, a malformed block header or number, a block without "pages free", nodes out of
 * order, a zone twice in a node, or no block at all.
 */
int lw_zoneinfo_parse(const char *buf, size_t len, struct lw_zone_list *out,
		      struct lw_error *err);

/* The zone of that node and name, or NULL: how buddyinfo rows find theirs. */
const struct lw_zone *lw_zone_list_find(const struct lw_zone_list *l, uint32_t node,
					const char *name);

/*
 * For buddyinfo.c, which prints the same "Node N, zone NAME" start: parses it at s (leading
 * blanks allowed) and leaves s after the name. file and line are for the error text.
 */
struct lw_scan;
int lw_zone_header_parse(struct lw_scan *s, const char *file, unsigned line, uint32_t *node,
			 char name[LW_ZONE_NAME_MAX], struct lw_error *err);

struct lw_collector;

/* The collector of /proc/zoneinfo: fills a struct lw_zone_list (emptied when it fails). */
extern const struct lw_collector lw_zoneinfo_collector;

#endif
