/* history_expand.c: reading a tier's change-only rows back as the value of every live series. */
/* SPDX-License-Identifier: ISC */
#include "history/history_expand.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* With auto_purge (replay), ended series are dropped in bulk, not one by one: a purge is O(n).
 * A fold keeps them until their window is written (their sums are in them). */
#define AUTO_PURGE_MIN 256

void lw_hexp_init(struct lw_hexp *x, struct lw_hwriter *w, enum lw_htier tier, unsigned want)
{
	memset(x, 0, sizeof(*x));
	x->w = w;
	x->tier = tier;
	x->width = tier == LW_HT_FULL ? LW_HFULL_WIDTH : LW_HWIN_WIDTH;
	/* The arrays are allocated at the first series, sized for what the tier holds now. */
	x->cap = w->last[tier].n + w->last[tier].n / 16;
	x->want_acc = (want & LW_HEXP_ACC) != 0;
	x->want_names = (want & LW_HEXP_NAMES) != 0;
}

void lw_hexp_free(struct lw_hexp *x)
{
	free(x->e);
	free(x->v);
	free(x->acc);
	free(x->name);
	memset(x, 0, sizeof(*x));
}

static void move_entry(struct lw_hexp *x, size_t to, size_t from, size_t count)
{
	memmove(&x->e[to], &x->e[from], count * sizeof(*x->e));
	memmove(lw_hexp_values(x, to), lw_hexp_values(x, from), count * x->width * sizeof(*x->v));
	if (x->acc != NULL)
		memmove(&x->acc[to], &x->acc[from], count * sizeof(*x->acc));
	if (x->name != NULL)
		memmove(&x->name[to], &x->name[from], count * sizeof(*x->name));
}

void lw_hexp_purge(struct lw_hexp *x)
{
	size_t kept = 0;

	if (x->dead == 0)
		return;
	for (size_t i = 0; i < x->n; i++)
		if (x->e[i].live) {
			if (kept != i)
				move_entry(x, kept, i, 1);
			kept++;
		}
	x->n = kept;
	x->dead = 0;
}

/* Position of id, or where it would go. */
static size_t search(const struct lw_hexp *x, int64_t id, bool *found)
{
	size_t lo = 0, hi = x->n;

	/* Ids mostly arrive in increasing order: try the end first. */
	if (x->n == 0 || x->e[x->n - 1].id < id) {
		*found = false;
		return x->n;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (x->e[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < x->n && x->e[lo].id == id;
	return lo;
}

static void *grow(void *p, size_t cap, size_t size)
{
	return realloc(p, cap * size);
}

/* Room for one more series in every array in use. */
static int reserve_one(struct lw_hexp *x)
{
	size_t cap = x->cap;
	void *p;

	if (x->e != NULL && x->n < x->cap)
		return SQLITE_OK;
	if (x->e != NULL || cap < 64)
		cap = cap < 64 ? 64 : cap + cap / 2;
	if ((p = grow(x->e, cap, sizeof(*x->e))) == NULL)
		return SQLITE_NOMEM;
	x->e = p;
	if ((p = grow(x->v, cap, x->width * sizeof(*x->v))) == NULL)
		return SQLITE_NOMEM;
	x->v = p;
	if (x->want_acc) {
		if ((p = grow(x->acc, cap, sizeof(*x->acc))) == NULL)
			return SQLITE_NOMEM;
		x->acc = p;
	}
	if (x->want_names) {
		if ((p = grow(x->name, cap, sizeof(*x->name))) == NULL)
			return SQLITE_NOMEM;
		x->name = p;
	}
	x->cap = cap;
	return SQLITE_OK;
}

static int load_ident(struct lw_hexp *x, size_t i)
{
	sqlite3_stmt *st = x->w->stmt[LW_HS_IDENT_GET];
	struct lw_hexp_entry *e = &x->e[i];
	int rc;

	sqlite3_bind_int64(st, 1, e->id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *name = sqlite3_column_text(st, 3);
		int kind = sqlite3_column_int(st, 0);

		e->kind = (uint8_t)(lw_hkind_width(kind) > 0 ? kind : 0);
		e->pid = (uint32_t)sqlite3_column_int64(st, 1);
		e->start_time = sqlite3_column_int64(st, 2);
		if (x->name != NULL)
			snprintf(x->name[i], sizeof(x->name[i]), "%s",
				 name != NULL ? (const char *)name : "");
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	sqlite3_reset(st);
	e->nvals = (uint8_t)lw_htier_nvals(x->tier, e->kind);
	return rc;
}

static int insert_at(struct lw_hexp *x, size_t pos, int64_t id)
{
	int rc;

	if ((rc = reserve_one(x)) != SQLITE_OK)
		return rc;
	if (pos < x->n)
		move_entry(x, pos + 1, pos, x->n - pos);
	x->n++;
	x->e[pos] = (struct lw_hexp_entry){ .id = id, .live = true };
	memset(lw_hexp_values(x, pos), 0, x->width * sizeof(*x->v));
	if (x->acc != NULL)
		memset(&x->acc[pos], 0, sizeof(*x->acc));
	if (x->name != NULL)
		x->name[pos][0] = '\0';
	return load_ident(x, pos);
}

static int apply_row(struct lw_hexp *x, sqlite3_stmt *rows)
{
	int64_t id = sqlite3_column_int64(rows, 1), *v;
	bool ends = true, found;
	size_t pos = search(x, id, &found);
	int rc;

	for (size_t i = 0; i < x->width && ends; i++)
		ends = sqlite3_column_type(rows, (int)(2 + i)) == SQLITE_NULL;
	if (ends) {
		if (found && x->e[pos].live) {
			x->e[pos].live = false;
			x->dead++;
		}
		return SQLITE_OK;
	}
	if (!found) {
		if ((rc = insert_at(x, pos, id)) != SQLITE_OK)
			return rc;
	} else if (!x->e[pos].live) {
		x->e[pos].live = true;
		x->dead--;
	}
	v = lw_hexp_values(x, pos);
	for (size_t i = 0; i < x->width; i++)
		if (sqlite3_column_type(rows, (int)(2 + i)) != SQLITE_NULL)
			v[i] = sqlite3_column_int64(rows, (int)(2 + i));
	return SQLITE_OK;
}

static void end_all(struct lw_hexp *x)
{
	for (size_t i = 0; i < x->n; i++) {
		if (x->e[i].live) {
			x->e[i].live = false;
			x->dead++;
		}
	}
}

static bool stepped_ok(int rc)
{
	return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

int lw_hexp_run(struct lw_hexp *x, int64_t from_t, int64_t to_t, lw_hexp_point_fn fn, void *arg)
{
	sqlite3_stmt *points = x->w->stmt[lw_htier_stmt(x->tier, LW_HS_FULL_POINTS)];
	sqlite3_stmt *rows = x->w->stmt[lw_htier_stmt(x->tier, LW_HS_FULL_ROWS)];
	int rc = SQLITE_OK, prc, rrc;

	sqlite3_bind_int64(points, 1, from_t);
	sqlite3_bind_int64(points, 2, to_t);
	sqlite3_bind_int64(rows, 1, from_t);
	sqlite3_bind_int64(rows, 2, to_t);
	rrc = sqlite3_step(rows);
	while ((prc = sqlite3_step(points)) == SQLITE_ROW) {
		int64_t t = sqlite3_column_int64(points, 0);
		bool keyframe = sqlite3_column_int(points, 1) != 0;
		uint32_t sampled = (uint32_t)sqlite3_column_int64(points, 2);

		if (keyframe)
			end_all(x);
		/* Rows of no point cannot be written (one transaction holds a point and its rows). */
		while (rrc == SQLITE_ROW && sqlite3_column_int64(rows, 0) < t)
			rrc = sqlite3_step(rows);
		while (rc == SQLITE_OK && rrc == SQLITE_ROW && sqlite3_column_int64(rows, 0) == t) {
			rc = apply_row(x, rows);
			rrc = sqlite3_step(rows);
		}
		if (rc == SQLITE_OK && !stepped_ok(rrc))
			rc = rrc;
		if (rc == SQLITE_OK)
			rc = fn(arg, x, t, sampled);
		if (rc != SQLITE_OK)
			break;
		if (x->auto_purge && x->dead >= AUTO_PURGE_MIN && x->dead * 8 >= x->n)
			lw_hexp_purge(x);
	}
	if (rc == SQLITE_OK && !stepped_ok(prc))
		rc = prc;
	sqlite3_reset(points);
	sqlite3_reset(rows);
	return rc;
}
