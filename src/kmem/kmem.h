/* kmem.h: the kernel-memory tables a snapshot carries: slab caches, zones, buddy free lists. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_KMEM_H
#define LW_KMEM_H

#include <stddef.h>
#include <stdint.h>

#include "kmem/buddyinfo.h"
#include "kmem/slabinfo.h"
#include "kmem/zoneinfo.h"

/*
 * Filled by the slabinfo, zoneinfo and buddyinfo collectors at kernel_interval; every snapshot
 * carries a copy, so the tables serve the data of each collector's last run in between.
 * A collector that fails empties its list: a table is never served stale across a failure.
 */
struct lw_kmem {
	struct lw_slab_list slabs;   /* sorted by index, unique */
	size_t slabs_dropped;        /* caches whose index collided with an earlier one */
	struct lw_zone_list zones;   /* file order: node, then zone position */
	struct lw_buddy_list buddies;
	uint64_t page_size;          /* bytes, for the *Bytes and *KB columns */
};

void lw_kmem_init(struct lw_kmem *k);
void lw_kmem_free(struct lw_kmem *k);

/* A deep copy of src into dst (an initialised, empty lw_kmem); -1 when out of memory. */
int lw_kmem_copy(struct lw_kmem *dst, const struct lw_kmem *src);

struct lw_collector;

/*
 * The collector of /proc/slabinfo: fills the slabs and slabs_dropped of a struct lw_kmem. It is
 * here, not in slabinfo.c beside the parser, because it fills two fields of this struct, and
 * slabinfo.c cannot include this header (this header includes slabinfo.h).
 */
extern const struct lw_collector lw_slabinfo_collector;

#endif
