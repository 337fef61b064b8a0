/* zoneinfo.c: the "Node N, zone NAME" blocks of /proc/zoneinfo into a list; its collector. */
/* SPDX-License-Identifier: ISC */
#include "kmem/zoneinfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/readfile.h"
#include "base/rows.h"
#include "base/scan.h"
#include "cycle/collector.h"

/* The kernel's key of each field, one token before the number ("pages free" is two). */
static const char *const keys[LW_ZONE_FIELDS] = {
	[LW_ZONE_FREE] = "free",  /* after "pages" */
	[LW_ZONE_MIN] = "min",
	[LW_ZONE_LOW] = "low",
	[LW_ZONE_HIGH] = "high",
	[LW_ZONE_SPANNED] = "spanned",
	[LW_ZONE_PRESENT] = "present",
	[LW_ZONE_MANAGED] = "managed",
};

LW_ROW_LIST_DEFINE(lw_zone_list, 8)  /* up to 5 zones a node */

int lw_zone_header_parse(struct lw_scan *s, const char *file, unsigned line, uint32_t *node,
			 char name[LW_ZONE_NAME_MAX], struct lw_error *err)
{
	const char *tok;
	size_t n;
	uint64_t v;

	if (!lw_scan_word(s, "Node"))
		return lw_error_set(err, EINVAL, "%s line %u: expected 'Node N, zone NAME'", file,
				    line);
	lw_scan_blanks(s);
	if (!lw_scan_u64(s, &v) || v > UINT32_MAX || !lw_scan_char(s, ','))
		return lw_error_set(err, EINVAL, "%s line %u: bad node number", file, line);
	if (!lw_scan_word(s, "zone"))
		return lw_error_set(err, EINVAL, "%s line %u: expected 'zone' after the node", file,
				    line);
	lw_scan_blanks(s);
	n = lw_scan_token(s, 0, &tok);
	if (n == 0 || n > LW_ZONE_NAME_MAX - 1 || memchr(tok, '\0', n) != NULL)
		return lw_error_set(err, EINVAL, "%s line %u: bad zone name '%.*s'", file, line,
				    (int)(n > 32 ? 32 : n), tok);
	memcpy(name, tok, n);
	name[n] = '\0';
	*node = (uint32_t)v;
	return 0;
}

/* A number ending the line: "min 27". */
static bool take_value(struct lw_scan *s, uint64_t *v)
{
	lw_scan_blanks(s);
	return lw_scan_u64(s, v) && lw_scan_at_eol(s);
}

/* Where the parser is, for error texts. */
struct zi_pos {
	unsigned line;
	unsigned block_line;  /* of the current block's header */
};

/* The previous block is complete: "pages free" is printed for every zone, populated or not. */
static int close_block(const struct lw_zone_list *l, const struct zi_pos *pos,
		       struct lw_error *err)
{
	const struct lw_zone *z = &l->rows[l->n - 1];

	if (lw_zone_has(z, LW_ZONE_FREE))
		return 0;
	return lw_error_set(err, EINVAL, "zoneinfo line %u: node %u zone %s has no 'pages free'",
			    pos->block_line, z->node, z->name);
}

/* Starts the row of a "Node N, zone NAME" line; nodes come in order, each zone once. */
static int open_block(struct lw_scan *s, struct lw_zone_list *l, const struct zi_pos *pos,
		      struct lw_error *err)
{
	const struct lw_zone *prev = l->n > 0 ? &l->rows[l->n - 1] : NULL;
	struct lw_zone z;

	memset(&z, 0, sizeof(z));
	if (lw_zone_header_parse(s, "zoneinfo", pos->line, &z.node, z.name, err))
		return -1;
	if (!lw_scan_at_eol(s))
		return lw_error_set(err, EINVAL, "zoneinfo line %u: trailing data after the zone name",
				    pos->line);
	if (prev != NULL && z.node < prev->node)
		return lw_error_set(err, EINVAL, "zoneinfo line %u: node %u after node %u", pos->line,
				    z.node, prev->node);
	for (size_t i = l->n; i-- > 0 && l->rows[i].node == z.node;)
		if (strcmp(l->rows[i].name, z.name) == 0)
			return lw_error_set(err, EINVAL, "zoneinfo line %u: node %u zone %s twice",
					    pos->line, z.node, z.name);
	z.position = prev != NULL && prev->node == z.node ? prev->position + 1 : 0;
	if (l->n == l->cap && lw_zone_list_grow(l))
		return lw_error_set(err, ENOMEM, "zoneinfo line %u: out of memory", pos->line);
	l->rows[l->n++] = z;
	return 0;
}

/* A line inside a block, s after its first token: ours are "key number", others skipped. */
static int block_line(struct lw_scan *s, const char *tok, size_t n, struct lw_zone *z,
		      const struct zi_pos *pos, struct lw_error *err)
{
	int f;

	if (lw_token_is(tok, n, "pages")) {
		lw_scan_blanks(s);
		n = lw_scan_token(s, 0, &tok);
		if (!lw_token_is(tok, n, keys[LW_ZONE_FREE]))
			return 0;
		f = LW_ZONE_FREE;
	} else {
		for (f = LW_ZONE_MIN; f < LW_ZONE_FIELDS; f++)
			if (lw_token_is(tok, n, keys[f]))
				break;
		if (f == LW_ZONE_FIELDS)
			return 0;
	}
	if (lw_zone_has(z, (enum lw_zone_field)f))
		return 0;
	if (!take_value(s, &z->pages[f]))
		return lw_error_set(err, EINVAL, "zoneinfo line %u: node %u zone %s: bad number after '%s'",
				    pos->line, z->node, z->name, keys[f]);
	z->have |= UINT32_C(1) << f;
	return 0;
}

static int parse_blocks(const char *buf, size_t len, struct lw_zone_list *out,
			struct lw_error *err)
{
	struct zi_pos pos = { 0, 0 };
	bool skipping = false;  /* from "pagesets" to the next block: per-CPU lists, not the zone */
	struct lw_scan s;

	lw_scan_init(&s, buf, len);
	while (!lw_scan_eof(&s)) {
		struct lw_scan t;
		const char *tok;
		size_t n;

		pos.line++;
		if (lw_scan_at_eol(&s)) {
			lw_scan_next_line(&s);
			continue;
		}
		t = s;
		n = lw_scan_token(&t, 0, &tok);
		if (lw_token_is(tok, n, "Node")) {
			if (out->n > 0 && close_block(out, &pos, err))
				return -1;
			pos.block_line = pos.line;
			if (open_block(&s, out, &pos, err))
				return -1;
			skipping = false;
		} else if (out->n == 0) {
			return lw_error_set(err, EINVAL, "zoneinfo line %u: expected 'Node N, zone NAME'",
					    pos.line);
		} else if (lw_token_is(tok, n, "pagesets") && lw_scan_at_eol(&t)) {
			skipping = true;
		} else if (!skipping &&
			   block_line(&t, tok, n, &out->rows[out->n - 1], &pos, err)) {
			return -1;
		}
		lw_scan_next_line(&s);
	}
	if (out->n == 0)
		return lw_error_set(err, EINVAL, "zoneinfo: no zones");
	return close_block(out, &pos, err);
}

int lw_zoneinfo_parse(const char *buf, size_t len, struct lw_zone_list *out,
		      struct lw_error *err)
{
	lw_zone_list_reset(out);
	if (parse_blocks(buf, len, out, err)) {
		lw_zone_list_reset(out);
		return -1;
	}
	return 0;
}

const struct lw_zone *lw_zone_list_find(const struct lw_zone_list *l, uint32_t node,
					const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->rows[i].node == node && strcmp(l->rows[i].name, name) == 0)
			return &l->rows[i];
	return NULL;
}

/* Some KiB per zone: far above a host with hundreds of NUMA nodes. */
#define ZONEINFO_MAX (64u << 20)

static int collect(const struct lw_collector_ctx *ctx, struct lw_error *err)
{
	struct lw_filebuf *b = ctx->filebuf;

	lw_zone_list_reset(ctx->part);  /* the parser empties it too when it fails: never stale */
	return lw_read_file_grow_at(ctx->rootfd, "proc/zoneinfo", b, ZONEINFO_MAX, err) ||
	       lw_zoneinfo_parse(b->data, b->len, ctx->part, err) ? -1 : 0;
}

const struct lw_collector lw_zoneinfo_collector = { sizeof(struct lw_zone_list), collect, NULL };
