/* buddyinfo.c: the "Node N, zone NAME c0 c1 ..." lines of /proc/buddyinfo; its collector. */
/* SPDX-License-Identifier: ISC */
#include "kmem/buddyinfo.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/readfile.h"
#include "base/rows.h"
#include "base/satmath.h"
#include "base/scan.h"
#include "cycle/collector.h"

LW_ROW_LIST_DEFINE(lw_buddy_list, 8)  /* up to 4 populated zones a node */

/* The counts after the zone name, each ending at a blank or the line's end. */
static int parse_counts(struct lw_scan *s, unsigned line, struct lw_buddy *b, bool cut,
			struct lw_error *err)
{
	const char *note = cut ? " (truncated last line)" : "";

	while (!lw_scan_at_eol(s)) {
		uint64_t v;

		if (b->orders == LW_BUDDY_ORDERS_MAX)
			return lw_error_set(err, EINVAL, "buddyinfo line %u: more than %d orders%s",
					    line, LW_BUDDY_ORDERS_MAX, note);
		/* A number ends at a blank or the line's end: "12x" is not 12. */
		if (!lw_scan_u64(s, &v) ||
		    !(lw_scan_eof(s) || *s->p == ' ' || *s->p == '\t' || *s->p == '\n'))
			return lw_error_set(err, EINVAL, "buddyinfo line %u: order %u is not a number%s",
					    line, b->orders, note);
		b->free[b->orders++] = v;
	}
	if (b->orders == 0)
		return lw_error_set(err, EINVAL, "buddyinfo line %u: no free counts%s", line, note);
	return 0;
}

/* Nodes in order, each zone once, every line with the first line's number of orders. */
static int check_row(const struct lw_buddy_list *l, const struct lw_buddy *b, unsigned line,
		     bool cut, struct lw_error *err)
{
	const struct lw_buddy *prev = l->n > 0 ? &l->rows[l->n - 1] : NULL;

	if (prev == NULL)
		return 0;
	if (b->orders != l->rows[0].orders)
		return lw_error_set(err, EINVAL, "buddyinfo line %u: %u orders, the first line has %u%s",
				    line, b->orders, l->rows[0].orders,
				    cut ? " (truncated last line)" : "");
	if (b->node < prev->node)
		return lw_error_set(err, EINVAL, "buddyinfo line %u: node %u after node %u", line,
				    b->node, prev->node);
	for (size_t i = l->n; i-- > 0 && l->rows[i].node == b->node;)
		if (strcmp(l->rows[i].name, b->name) == 0)
			return lw_error_set(err, EINVAL, "buddyinfo line %u: node %u zone %s twice",
					    line, b->node, b->name);
	return 0;
}

static int parse_lines(const char *buf, size_t len, struct lw_buddy_list *out,
		       struct lw_error *err)
{
	struct lw_scan s;
	unsigned line = 0;

	lw_scan_init(&s, buf, len);
	while (!lw_scan_eof(&s)) {
		struct lw_buddy b;
		bool cut;

		line++;
		if (lw_scan_at_eol(&s)) {
			lw_scan_next_line(&s);
			continue;
		}
		cut = memchr(s.p, '\n', (size_t)(s.end - s.p)) == NULL;
		memset(&b, 0, sizeof(b));
		if (lw_zone_header_parse(&s, "buddyinfo", line, &b.node, b.name, err) ||
		    parse_counts(&s, line, &b, cut, err) || check_row(out, &b, line, cut, err))
			return -1;
		if (out->n == out->cap && lw_buddy_list_grow(out))
			return lw_error_set(err, ENOMEM, "buddyinfo line %u: out of memory", line);
		out->rows[out->n++] = b;
		lw_scan_next_line(&s);
	}
	if (out->n == 0)
		return lw_error_set(err, EINVAL, "buddyinfo: no zones");
	return 0;
}

int lw_buddyinfo_parse(const char *buf, size_t len, struct lw_buddy_list *out,
		       struct lw_error *err)
{
	lw_buddy_list_reset(out);
	if (parse_lines(buf, len, out, err)) {
		lw_buddy_list_reset(out);
		return -1;
	}
	return 0;
}

/* pages * page_size / 1024, exact: the KiB may fit where the bytes do not. */
static uint64_t pages_to_kb(uint64_t pages, uint64_t page_size)
{
	uint64_t whole = page_size / 1024, rest = page_size % 1024;

	/* pages = 1024a + b: pages * rest / 1024 = a * rest + b * rest / 1024, each in range. */
	return lw_add_sat(lw_mul_sat(pages, whole),
			  pages / 1024 * rest + pages % 1024 * rest / 1024);
}

uint64_t lw_buddy_free_kb(const struct lw_buddy *b, unsigned min_order, uint64_t page_size)
{
	uint64_t pages = 0;

	for (unsigned o = min_order; o < b->orders && o < LW_BUDDY_ORDERS_MAX; o++) {
		uint64_t blocks = b->free[o];

		pages = lw_add_sat(pages, blocks > UINT64_MAX >> o ? UINT64_MAX : blocks << o);
	}
	return pages_to_kb(pages, page_size);
}

const struct lw_zone *lw_buddy_zone(const struct lw_buddy *b, const struct lw_zone_list *zones)
{
	return lw_zone_list_find(zones, b->node, b->name);
}

/* One short line per zone: far above any host. */
#define BUDDYINFO_MAX (64u << 20)

static int collect(const struct lw_collector_ctx *ctx, struct lw_error *err)
{
	struct lw_filebuf *b = ctx->filebuf;

	lw_buddy_list_reset(ctx->part);  /* the parser empties it too when it fails: never stale */
	return lw_read_file_grow_at(ctx->rootfd, "proc/buddyinfo", b, BUDDYINFO_MAX, err) ||
	       lw_buddyinfo_parse(b->data, b->len, ctx->part, err) ? -1 : 0;
}

const struct lw_collector lw_buddyinfo_collector = { sizeof(struct lw_buddy_list), collect,
						     NULL };
