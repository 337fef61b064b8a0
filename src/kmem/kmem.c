/* kmem.c: the kernel-memory tables' life and copies, and the /proc/slabinfo collector. */
/* SPDX-License-Identifier: ISC */
#include "kmem/kmem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/readfile.h"
#include "base/rows.h"
#include "cycle/collector.h"

void lw_kmem_init(struct lw_kmem *k)
{
	memset(k, 0, sizeof(*k));
	lw_slab_list_init(&k->slabs);
	lw_zone_list_init(&k->zones);
	lw_buddy_list_init(&k->buddies);
	k->page_size = (uint64_t)sysconf(_SC_PAGESIZE);
}

void lw_kmem_free(struct lw_kmem *k)
{
	lw_slab_list_free(&k->slabs);
	lw_zone_list_free(&k->zones);
	lw_buddy_list_free(&k->buddies);
}

int lw_kmem_copy(struct lw_kmem *dst, const struct lw_kmem *src)
{
	bool oom = false;
	struct lw_slab *slabs = lw_rows_dup(src->slabs.rows, src->slabs.n, sizeof(*slabs), &oom);
	struct lw_zone *zones = lw_rows_dup(src->zones.rows, src->zones.n, sizeof(*zones), &oom);
	struct lw_buddy *buddies =
		lw_rows_dup(src->buddies.rows, src->buddies.n, sizeof(*buddies), &oom);

	if (oom) {
		free(slabs);
		free(zones);
		free(buddies);
		return -1;
	}
	*dst = *src;
	dst->slabs.rows = slabs;
	dst->slabs.cap = src->slabs.n;
	dst->zones.rows = zones;
	dst->zones.cap = src->zones.n;
	dst->buddies.rows = buddies;
	dst->buddies.cap = src->buddies.n;
	return 0;
}

/* Far above any real file (slabinfo with per-memcg caches on old kernels reaches a few MiB). */
#define KMEM_FILE_MAX (64u << 20)

static int collect_slabinfo(const struct lw_collector_ctx *ctx, struct lw_error *err)
{
	struct lw_kmem *k = ctx->part;

	k->slabs_dropped = 0;
	/* Root-only (0400, mm/slab_common.c): without the right the table is empty and the error
	 * says which capability would read it (README.md, "Privileges"). */
	if (lw_read_file_grow_at(ctx->rootfd, "proc/slabinfo", ctx->filebuf, KMEM_FILE_MAX, err)) {
		char text[LW_ERROR_TEXT_MAX];

		if (err->code == EACCES || err->code == EPERM) {
			memcpy(text, err->text, sizeof(text));
			lw_error_set(err, err->code, "%.200s (needs CAP_DAC_READ_SEARCH)", text);
		}
		lw_slab_list_reset(&k->slabs);
		return -1;
	}
	if (lw_slabinfo_parse(ctx->filebuf->data, ctx->filebuf->len, &k->slabs, err)) {
		lw_slab_list_reset(&k->slabs);
		return -1;
	}
	k->slabs_dropped = lw_slab_list_sort_by_index(&k->slabs);
	if (k->slabs_dropped > 0)
		snprintf(ctx->notice, ctx->notice_cap,
			 "%zu caches left out of lwSlabTable: their name's index collided with an "
			 "earlier cache's", k->slabs_dropped);
	return 0;
}

const struct lw_collector lw_slabinfo_collector = { sizeof(struct lw_kmem), collect_slabinfo,
						    NULL };
