/* report_expand.c: a tier's change-only rows back to the value of every live series at each point (the rules of history_schema.c). */
/* SPDX-License-Identifier: ISC */
#include "report/report_int.h"

#include <stdlib.h>
#include <string.h>

int lw_rexp_init(struct lw_rexp *x, sqlite3 *db, bool win)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	memset(x, 0, sizeof(*x));
	x->db = db;
	x->win = win;
	rc = sqlite3_prepare_v2(db, "SELECT id, kind, pid, start_time, name FROM ident ORDER BY id",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lw_rident *e;
		const unsigned char *name = sqlite3_column_text(st, 4);

		if (x->n == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			void *p = realloc(x->e, nc * sizeof(*x->e));

			if (p == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			x->e = p;
			cap = nc;
		}
		e = &x->e[x->n];
		memset(e, 0, sizeof(*e));
		e->id = sqlite3_column_int64(st, 0);
		e->kind = sqlite3_column_int(st, 1);
		e->pid = (uint32_t)sqlite3_column_int64(st, 2);
		e->start_time = sqlite3_column_int64(st, 3);
		e->name = strdup(name != NULL ? (const char *)name : "");
		for (int k = 0; k < LW_RVALS; k++)
			e->series[k] = -1;
		if (e->name == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		x->n++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

void lw_rexp_free(struct lw_rexp *x)
{
	for (size_t i = 0; i < x->n; i++) {
		free(x->e[i].name);
	}
	free(x->e);
	free(x->touched);
	memset(x, 0, sizeof(*x));
}

static struct lw_rident *find(struct lw_rexp *x, int64_t id)
{
	size_t lo = 0, hi = x->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (x->e[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->n && x->e[lo].id == id ? &x->e[lo] : NULL;
}

static int touch(struct lw_rexp *x, struct lw_rident *e, int64_t t)
{
	if (e->touch_t == t)
		return 0;
	if (x->ntouched == x->captouched) {
		size_t nc = x->captouched ? x->captouched * 2 : 1024;
		void *p = realloc(x->touched, nc * sizeof(*x->touched));

		if (p == NULL)
			return SQLITE_NOMEM;
		x->touched = p;
		x->captouched = nc;
	}
	x->touched[x->ntouched++] = (size_t)(e - x->e);
	e->touch_t = t;
	memcpy(e->pv, e->v, sizeof(e->pv));
	return 0;
}

/* A row: every value NULL ends the series, other NULLs keep the value before. */
static int apply_row(struct lw_rexp *x, sqlite3_stmt *rows, int width, int64_t t)
{
	struct lw_rident *e = find(x, sqlite3_column_int64(rows, 1));
	bool ends = true;

	if (e == NULL)
		return 0;  /* an id missing from ident: never written so */
	if (touch(x, e, t) != 0)
		return SQLITE_NOMEM;
	for (int i = 0; i < width && ends; i++)
		ends = sqlite3_column_type(rows, 2 + i) == SQLITE_NULL;
	if (ends) {
		e->live = false;
		return 0;
	}
	e->live = true;
	for (int i = 0; i < width; i++)
		if (sqlite3_column_type(rows, 2 + i) != SQLITE_NULL)
			e->v[i] = sqlite3_column_int64(rows, 2 + i);
	return 0;
}

int lw_rexp_run(struct lw_rexp *x, int64_t from, int64_t deliver_from, int64_t to,
		lw_rexp_fn fn, void *arg)
{
	const char *pts_sql = x->win ?
		"SELECT t, keyframe, sampled, span_s FROM win_cycle WHERE t >= ?1 AND t <= ?2 ORDER BY t" :
		"SELECT t, keyframe, sampled, 0 FROM cycle WHERE t >= ?1 AND t <= ?2 ORDER BY t";
	const char *rows_sql = x->win ?
		"SELECT t, id, n, min0, max0, avg0, min1, max1, avg1, min2, max2, avg2, min3, max3,"
		" avg3, min4, max4, avg4 FROM win WHERE t >= ?1 AND t <= ?2 ORDER BY t, id" :
		"SELECT t, id, v0, v1, v2, v3, v4 FROM sample WHERE t >= ?1 AND t <= ?2 ORDER BY t, id";
	const char *key_sql = x->win ?
		"SELECT max(t) FROM win_cycle WHERE keyframe = 1 AND t <= ?1" :
		"SELECT max(t) FROM cycle WHERE keyframe = 1 AND t <= ?1";
	int width = x->win ? 1 + 3 * LW_RVALS : LW_RVALS;
	sqlite3_stmt *pts = NULL, *rows = NULL, *key = NULL;
	int64_t start = from;
	int rc, prc, rrc;
	bool given = false;

	if ((rc = sqlite3_prepare_v2(x->db, key_sql, -1, &key, NULL)) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(key, 1, from);
	/* No keyframe before: the tier's first point is one (history_schema.c). */
	if (sqlite3_step(key) == SQLITE_ROW && sqlite3_column_type(key, 0) != SQLITE_NULL)
		start = sqlite3_column_int64(key, 0);
	else
		start = INT64_MIN;
	if ((rc = sqlite3_prepare_v2(x->db, pts_sql, -1, &pts, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_prepare_v2(x->db, rows_sql, -1, &rows, NULL)) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(pts, 1, start);
	sqlite3_bind_int64(pts, 2, to);
	sqlite3_bind_int64(rows, 1, start);
	sqlite3_bind_int64(rows, 2, to);
	for (size_t i = 0; i < x->n; i++) {
		x->e[i].live = false;
		x->e[i].touch_t = INT64_MIN;
		x->e[i].fed = -1;
	}
	rrc = sqlite3_step(rows);
	while ((prc = sqlite3_step(pts)) == SQLITE_ROW) {
		int64_t t = sqlite3_column_int64(pts, 0);
		bool keyframe = sqlite3_column_int(pts, 1) != 0;
		uint32_t sampled = (uint32_t)sqlite3_column_int64(pts, 2);
		int64_t span = sqlite3_column_int64(pts, 3);

		x->ntouched = 0;
		if (keyframe)
			for (size_t i = 0; i < x->n; i++) {
				x->e[i].touch_t = t;
				memcpy(x->e[i].pv, x->e[i].v, sizeof(x->e[i].pv));
				x->e[i].live = false;
			}
		x->all = keyframe || (!given && t >= deliver_from);
		while (rrc == SQLITE_ROW && sqlite3_column_int64(rows, 0) < t)
			rrc = sqlite3_step(rows);
		while (rrc == SQLITE_ROW && sqlite3_column_int64(rows, 0) == t) {
			if ((rc = apply_row(x, rows, width, t)) != 0)
				goto out;
			rrc = sqlite3_step(rows);
		}
		if (rrc != SQLITE_ROW && rrc != SQLITE_DONE) {
			rc = rrc;
			goto out;
		}
		if (t >= deliver_from) {
			given = true;
			if ((rc = fn(arg, x, t, sampled, span)) != 0)
				goto out;
		}
	}
	rc = prc == SQLITE_DONE ? SQLITE_OK : prc;
out:
	sqlite3_finalize(key);
	sqlite3_finalize(pts);
	sqlite3_finalize(rows);
	return rc;
}
