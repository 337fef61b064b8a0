/* slabinfo.c: /proc/slabinfo 2.1, one cache per line, into a caller-owned growable list. */
/* SPDX-License-Identifier: ISC */
#include "kmem/slabinfo.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "proc/proctable.h"
#include "base/rows.h"
#include "base/satmath.h"
#include "base/scan.h"

/* Column names of the header, for error texts. */
static const char *const head_cols[] = { "active_objs", "num_objs", "objsize", "objperslab",
					 "pagesperslab" };
static const char *const tunable_cols[] = { "limit", "batchcount", "sharedfactor" };
static const char *const slabdata_cols[] = { "active_slabs", "num_slabs", "sharedavail" };

LW_ROW_LIST_DEFINE(lw_slab_list, 256)  /* a desktop kernel has 150-300 caches */

/* Where the parser is, for error texts. */
struct sl_line {
	unsigned no;
	bool cut;          /* the last line, without its newline: a truncated read */
	const char *name;  /* the cache, once known */
	int nlen;
};

#define CUT_NOTE(ln) ((ln)->cut ? " (truncated last line)" : "")

/* A number ends at a blank or the line's end: "12x" is not 12. */
static bool at_field_end(const struct lw_scan *s)
{
	return lw_scan_eof(s) || *s->p == ' ' || *s->p == '\t' || *s->p == '\n';
}

/* One column's number. */
static int take_number(struct lw_scan *s, const struct sl_line *ln, const char *col, uint64_t *v,
		       struct lw_error *err)
{
	if (lw_scan_at_eol(s))  /* skips the blanks before the number too */
		return lw_error_set(err, EINVAL, "slabinfo line %u (%.*s): too few fields, no <%s>%s",
				    ln->no, ln->nlen, ln->name, col, CUT_NOTE(ln));
	if (!lw_scan_u64(s, v) || !at_field_end(s))
		return lw_error_set(err, EINVAL, "slabinfo line %u (%.*s): <%s> is not a number%s",
				    ln->no, ln->nlen, ln->name, col, CUT_NOTE(ln));
	return 0;
}

static int take_numbers(struct lw_scan *s, const struct sl_line *ln, const char *const *cols,
			size_t n, uint64_t *v, struct lw_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (take_number(s, ln, cols[i], &v[i], err))
			return -1;
	return 0;
}

/* ": word": the separator before the tunables and the slabdata columns. */
static int take_section(struct lw_scan *s, const struct sl_line *ln, const char *word,
			struct lw_error *err)
{
	if (lw_scan_word(s, ":") && lw_scan_word(s, word))
		return 0;
	return lw_error_set(err, EINVAL, "slabinfo line %u (%.*s): expected ': %s'%s", ln->no,
			    ln->nlen, ln->name, word, CUT_NOTE(ln));
}

/* The index hashes the whole name, however long: it must not change when the cut does. */
static int full_name_index(const char *name, size_t len, uint32_t *index)
{
	char local[256];
	char *full = len < sizeof(local) ? local : malloc(len + 1);

	if (full == NULL)
		return -1;
	memcpy(full, name, len);
	full[len] = '\0';
	*index = lw_proc_group_index(full);
	if (full != local)
		free(full);
	return 0;
}

static int parse_cache(struct lw_scan *s, struct sl_line *ln, struct lw_slab *row,
		       struct lw_error *err)
{
	const char *name;
	size_t nlen;
	uint64_t head[5], tunables[3], slabdata[3];

	lw_scan_blanks(s);
	nlen = lw_scan_token(s, 0, &name);
	ln->name = name;
	ln->nlen = nlen > 32 ? 32 : (int)nlen;
	/* A C string would end at the NUL, and the index with it. */
	if (memchr(name, '\0', nlen) != NULL)
		return lw_error_set(err, EINVAL, "slabinfo line %u: NUL byte in the cache name%s",
				    ln->no, CUT_NOTE(ln));
	if (take_numbers(s, ln, head_cols, 5, head, err) || take_section(s, ln, "tunables", err) ||
	    take_numbers(s, ln, tunable_cols, 3, tunables, err) ||
	    take_section(s, ln, "slabdata", err) ||
	    take_numbers(s, ln, slabdata_cols, 3, slabdata, err))
		return -1;
	if (!lw_scan_at_eol(s))
		return lw_error_set(err, EINVAL, "slabinfo line %u (%.*s): too many fields%s", ln->no,
				    ln->nlen, ln->name, CUT_NOTE(ln));
	if (full_name_index(name, nlen, &row->index))
		return lw_error_set(err, ENOMEM, "slabinfo line %u: out of memory", ln->no);
	if (nlen > LW_SLAB_NAME_MAX - 1)
		nlen = LW_SLAB_NAME_MAX - 1;
	memcpy(row->name, name, nlen);
	row->name[nlen] = '\0';
	row->line = ln->no;
	row->active_objs = head[0];
	row->num_objs = head[1];
	row->objsize = head[2];
	row->objperslab = head[3];
	row->pagesperslab = head[4];
	row->active_slabs = slabdata[0];
	row->num_slabs = slabdata[1];
	return 0;
}

/* Line 1, "slabinfo - version: 2.1"; 2.0 lacks columns, "2.1 (statistics)" has more. */
static int parse_version(struct lw_scan *s, struct lw_error *err)
{
	const char *v;
	size_t vlen;

	if (!lw_scan_word(s, "slabinfo") || !lw_scan_word(s, "-") || !lw_scan_word(s, "version:"))
		return lw_error_set(err, EINVAL, "slabinfo line 1: expected 'slabinfo - version: 2.1'");
	lw_scan_blanks(s);
	vlen = lw_scan_token(s, 0, &v);
	if (lw_token_is(v, vlen, "2.1") && lw_scan_at_eol(s))
		return 0;
	/* The whole rest of the line: "2.1 (statistics)" is not 2.1. */
	lw_scan_next_line(s);
	vlen = (size_t)(s->p - v);
	while (vlen > 0 && (v[vlen - 1] == '\n' || v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	return lw_error_set(err, EINVAL, "slabinfo line 1: unsupported version '%.*s' (not 2.1)",
			    (int)(vlen > 32 ? 32 : vlen), v);
}

static int parse_lines(const char *buf, size_t len, struct lw_slab_list *out,
		       struct lw_error *err)
{
	struct sl_line ln = { 1, false, "", 0 };
	struct lw_scan s;

	lw_scan_init(&s, buf, len);
	if (parse_version(&s, err))
		return -1;
	lw_scan_next_line(&s);
	ln.no = 2;
	if (!lw_scan_word(&s, "#") || !lw_scan_word(&s, "name"))
		return lw_error_set(err, EINVAL, "slabinfo line 2: expected the '# name' header");
	lw_scan_next_line(&s);
	while (!lw_scan_eof(&s)) {
		ln.no++;
		if (lw_scan_at_eol(&s)) {
			lw_scan_next_line(&s);
			continue;
		}
		ln.cut = memchr(s.p, '\n', (size_t)(s.end - s.p)) == NULL;
		ln.name = "";
		ln.nlen = 0;
		if (out->n == out->cap && lw_slab_list_grow(out))
			return lw_error_set(err, ENOMEM, "slabinfo line %u: out of memory", ln.no);
		if (parse_cache(&s, &ln, &out->rows[out->n], err))
			return -1;
		out->n++;
		lw_scan_next_line(&s);
	}
	return 0;
}

int lw_slabinfo_parse(const char *buf, size_t len, struct lw_slab_list *out,
		      struct lw_error *err)
{
	lw_slab_list_reset(out);
	if (parse_lines(buf, len, out, err)) {
		lw_slab_list_reset(out);
		return -1;
	}
	return 0;
}

/* Slab figures multiply three kernel numbers: a hostile file must clamp, not wrap. */
uint64_t lw_slab_total_bytes(const struct lw_slab *s, uint64_t page_size)
{
	/* The first product clamps only when both are non-zero, so a 0 page size still gives 0. */
	return lw_mul_sat(lw_mul_sat(s->num_slabs, s->pagesperslab), page_size);
}

uint64_t lw_slab_active_bytes(const struct lw_slab *s)
{
	return lw_mul_sat(s->active_objs, s->objsize);
}

static int by_index_then_line(const void *a, const void *b)
{
	const struct lw_slab *x = a, *y = b;

	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

size_t lw_slab_list_sort_by_index(struct lw_slab_list *l)
{
	size_t kept = 0, dropped;

	if (l->n == 0)
		return 0;
	/* Ties by line, so the first of a colliding run is the one earliest in the file. */
	qsort(l->rows, l->n, sizeof(l->rows[0]), by_index_then_line);
	for (size_t i = 0; i < l->n; i++) {
		if (kept > 0 && l->rows[kept - 1].index == l->rows[i].index)
			continue;
		if (kept != i)
			l->rows[kept] = l->rows[i];
		kept++;
	}
	dropped = l->n - kept;
	l->n = kept;
	return dropped;
}
