/* mcastmembers.c: the collector of /proc/net/igmp{,6}: one sorted membership list. */
/* SPDX-License-Identifier: ISC */
#include "mcast/mcastmembers.h"

#include <errno.h>
#include <stdio.h>

#include "base/readfile.h"
#include "cycle/collector.h"
#include "mcast/igmp.h"

/* A group line is about 40 bytes: this is millions of memberships. */
#define IGMP_FILE_MAX (64u << 20)

static int collect(const struct lw_collector_ctx *ctx, struct lw_error *err)
{
	struct lw_membership_list *out = ctx->part, v6;
	int rc;

	lw_membership_list_reset(out);  /* last cycle's rows: this run reads them anew */
	if (lw_read_file_grow_at(ctx->rootfd, "proc/net/igmp", ctx->filebuf, IGMP_FILE_MAX, err) ||
	    lw_igmp_parse(ctx->filebuf->data, ctx->filebuf->len, out, err))
		return -1;
	if (lw_read_file_grow_at(ctx->rootfd, "proc/net/igmp6", ctx->filebuf, IGMP_FILE_MAX,
				 err)) {
		if (err->code != ENOENT)
			return -1;
		lw_error_clear(err);
		snprintf(ctx->notice, ctx->notice_cap, "no /proc/net/igmp6 (kernel without IPv6)");
	} else {
		lw_membership_list_init(&v6);
		rc = lw_igmp6_parse(ctx->filebuf->data, ctx->filebuf->len, &v6, err);
		if (rc == 0 && lw_membership_list_append(out, &v6) != 0)
			rc = lw_error_set(err, ENOMEM, "igmp6: out of memory for %zu groups",
					  out->n + v6.n);
		lw_membership_list_free(&v6);
		if (rc != 0) {
			lw_membership_list_reset(out);
			return -1;
		}
	}
	lw_membership_list_sort(out);
	return 0;
}

const struct lw_collector lw_igmp_collector = { sizeof(struct lw_membership_list), collect, NULL };
