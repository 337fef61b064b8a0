/* history_rows.c: binding a tier's sample rows and points to its prepared statements. */
/* SPDX-License-Identifier: ISC */
#include "history/history_rows.h"

int lw_hwrite_row(struct lw_hwriter *w, enum lw_htier tier, int64_t t, int64_t id, int kind,
		  const int64_t *values, unsigned nvals, uint32_t mask)
{
	sqlite3_stmt *st = w->stmt[lw_htier_stmt(tier, LW_HS_FULL_PUT_ROW)];
	unsigned width = tier == LW_HT_FULL ? LW_HFULL_WIDTH : LW_HWIN_WIDTH;
	int rc;

	if (tier == LW_HT_WIN)
		mask &= ~lw_hwin_unstored(kind);

	sqlite3_bind_int64(st, 1, t);
	sqlite3_bind_int64(st, 2, id);
	for (unsigned i = 0; i < width; i++) {
		if (i < nvals && (mask & (1u << i)))
			sqlite3_bind_int64(st, (int)(3 + i), values[i]);
		else
			sqlite3_bind_null(st, (int)(3 + i));
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int lw_hwrite_point(struct lw_hwriter *w, enum lw_htier tier, int64_t t, bool keyframe,
		    uint32_t sampled, size_t rows)
{
	sqlite3_stmt *st = w->stmt[lw_htier_stmt(tier, LW_HS_FULL_PUT_POINT)];
	int rc;

	sqlite3_bind_int64(st, 1, t);
	sqlite3_bind_int(st, 2, keyframe);
	sqlite3_bind_int64(st, 3, sampled);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)rows);
	if (tier == LW_HT_WIN)
		sqlite3_bind_int64(st, 5, w->cfg.window_s);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int lw_hput_row(void *ctx, int64_t id, int kind, const int64_t *values, unsigned nvals,
		uint32_t mask)
{
	struct lw_hrow_sink *sink = ctx;

	return lw_hwrite_row(sink->w, sink->tier, sink->t, id, kind, values, nvals, mask);
}
