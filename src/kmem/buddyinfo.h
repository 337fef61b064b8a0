/* buddyinfo.h: parser and collector of /proc/buddyinfo: free blocks per order per zone. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_BUDDYINFO_H
#define LW_BUDDYINFO_H

#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"
#include "base/rows.h"
#include "kmem/zoneinfo.h"

/* Orders a line may have: the kernel prints NR_PAGE_ORDERS, 11 on x86_64 (up to 4 MiB). */
#define LW_BUDDY_ORDERS_MAX 16

struct lw_buddy {
	uint32_t node;
	char name[LW_ZONE_NAME_MAX];           /* NUL-terminated zone name, as printed */
	uint32_t orders;                       /* how many counts the line had, 1 to the max */
	uint64_t free[LW_BUDDY_ORDERS_MAX];    /* free blocks of 2^order pages; 0 past orders */
};

/* Caller-owned; rows grow as needed and are kept across parses (reset, not freed). */
struct lw_buddy_list {
	struct lw_buddy *rows;
	size_t n, cap;
};

LW_ROW_LIST_DECLARE(lw_buddy_list);  /* _init, _free, _reset: base/rows.h */

/*
 * Replaces the list's rows with one per "Node N, zone NAME c0 c1 ..." line, in the file's
 * order. Only populated zones are printed, so rows are matched to zoneinfo by node and name
 * (lw_buddy_zone), not by position. Errors, naming the line, leave the list empty: a malformed
 * start or count, no counts or more than LW_BUDDY_ORDERS_MAX, a line with another number of
 * orders than the first (the kernel prints the same for every zone: a cut last line shows
 * so), nodes out of order, a zone twice in a node, or no line at all.
 */
int lw_buddyinfo_parse(const char *buf, size_t len, struct lw_buddy_list *out,
		       struct lw_error *err);

/*
 * KiB free in blocks of order min_order and up (blocks * 2^order * page_size / 1024),
 * saturating: what an allocation of 2^min_order contiguous pages could still get without
 * compaction. 0 when min_order is past the row's orders.
 */
uint64_t lw_buddy_free_kb(const struct lw_buddy *b, unsigned min_order, uint64_t page_size);

/* The zoneinfo row of the same node and zone name, or NULL. */
const struct lw_zone *lw_buddy_zone(const struct lw_buddy *b, const struct lw_zone_list *zones);

struct lw_collector;

/* The collector of /proc/buddyinfo: fills a struct lw_buddy_list (emptied when it fails). */
extern const struct lw_collector lw_buddyinfo_collector;

#endif
