/* kmemcollectors.c: slabinfo, zoneinfo and buddyinfo into the kmem tables; vmstat counters. */
#include "kmem/kmemcollectors.h"

#include <stdio.h>

#include "kmem/kmem.h"
#include "base/readfile.h"

/* Far above any real file (slabinfo with per-memcg caches on old kernels reaches a few MiB). */
#define KMEM_FILE_MAX (64u << 20)

int lw_run_slabinfo(const struct lw_collect_ctx *ctx, struct lw_system *sys, struct lw_error *err)
{
	struct lw_kmem *k = ctx->kmem;

	(void)sys;
	k->slabs_dropped = 0;
	/* Usually root-only (0400): without the right the table is empty and the error says so. */
	if (lw_read_file_grow_at(ctx->rootfd, "proc/slabinfo", ctx->filebuf, KMEM_FILE_MAX, err) ||
	    lw_slabinfo_parse(ctx->filebuf->data, ctx->filebuf->len, &k->slabs, err)) {
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

int lw_run_zoneinfo(const struct lw_collect_ctx *ctx, struct lw_system *sys, struct lw_error *err)
{
	struct lw_kmem *k = ctx->kmem;

	(void)sys;
	if (lw_read_file_grow_at(ctx->rootfd, "proc/zoneinfo", ctx->filebuf, KMEM_FILE_MAX, err) ||
	    lw_zoneinfo_parse(ctx->filebuf->data, ctx->filebuf->len, &k->zones, err)) {
		lw_zone_list_reset(&k->zones);
		return -1;
	}
	return 0;
}

int lw_run_buddyinfo(const struct lw_collect_ctx *ctx, struct lw_system *sys,
		     struct lw_error *err)
{
	struct lw_kmem *k = ctx->kmem;

	(void)sys;
	if (lw_read_file_grow_at(ctx->rootfd, "proc/buddyinfo", ctx->filebuf, KMEM_FILE_MAX,
				 err) ||
	    lw_buddyinfo_parse(ctx->filebuf->data, ctx->filebuf->len, &k->buddies, err)) {
		lw_buddy_list_reset(&k->buddies);
		return -1;
	}
	return 0;
}

int lw_run_vmstat(const struct lw_collect_ctx *ctx, struct lw_system *sys, struct lw_error *err)
{
	struct lw_vmstat vm = { 0 };

	if (lw_read_file_grow_at(ctx->rootfd, "proc/vmstat", ctx->filebuf, KMEM_FILE_MAX, err) ||
	    lw_vmstat_parse(ctx->filebuf->data, ctx->filebuf->len, &vm, err))
		return -1;
	sys->vmstat = vm;
	return 0;
}
