/* history_retention.c: folding old cycles into windows, dropping old windows, the size bound. */
/* SPDX-License-Identifier: ISC */
#include "history/history_retention.h"

#include "history/history_db.h"
#include "history/history_expand.h"
#include "history/history_rows.h"
#include "history/history_run.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* A slow disk after a long outage, or full_hours lowered: fold at most this many chunks (of
 * slack_s() each) per cycle, so one cycle's upkeep stays short; the rest follows. */
#define FOLD_CHUNKS_PER_CYCLE 4
/* Steps of the size bound per cycle, each deleting an eighth of the oldest tier's span. */
#define SIZE_STEPS_MAX 64

#define MIB (1024ull * 1024ull)

static int64_t floor_to(int64_t t, int64_t step)
{
	int64_t q = t / step;

	if (t % step != 0 && t < 0)
		q--;
	return q * step;
}

/*
 * Retention runs when data are this much past their limit: about hourly, so the keyframe each
 * cut rewrites (every live series, whole) is paid once an hour rather than once a window.
 * A whole number of windows, at least one.
 */
static int64_t slack_s(const struct lw_hwriter *w)
{
	int64_t ws = w->cfg.window_s, s = ws > 3600 ? ws : 3600;

	return (s + ws - 1) / ws * ws;
}

static int run_t(struct lw_hwriter *w, enum lw_hstmt s, int64_t t)
{
	sqlite3_bind_int64(w->stmt[s], 1, t);
	return lw_hdb_run(w, s);
}

static int first_at_or_after(struct lw_hwriter *w, enum lw_htier tier, int64_t t, int64_t *out)
{
	enum lw_hstmt s = lw_htier_stmt(tier, LW_HS_FULL_FIRST_AT_OR_AFTER);

	sqlite3_bind_int64(w->stmt[s], 1, t);
	return lw_hdb_int(w, s, LW_HTIME_NONE, out);
}

/* Ident rows no stored sample refers to (see LW_HS_PRUNE_IDENTS and ident.seen_t), and the
 * alarm events and runs from before the oldest sample kept. */
static int prune_idents(struct lw_hwriter *w)
{
	sqlite3_stmt *st = w->stmt[LW_HS_PRUNE_IDENTS];
	int64_t oldest = w->oldest[LW_HT_FULL];
	int rc;

	if (w->oldest[LW_HT_WIN] != LW_HTIME_NONE &&
	    (oldest == LW_HTIME_NONE || w->oldest[LW_HT_WIN] < oldest))
		oldest = w->oldest[LW_HT_WIN];
	if (oldest == LW_HTIME_NONE)
		return SQLITE_OK;
	sqlite3_bind_int64(st, 1, oldest);
	sqlite3_bind_int64(st, 2, w->oldest[LW_HT_FULL]);
	sqlite3_bind_int64(st, 3, w->oldest[LW_HT_WIN]);
	if ((rc = lw_hdb_run(w, LW_HS_PRUNE_IDENTS)) != SQLITE_OK)
		return rc;
	return lw_hrun_prune(w, oldest);
}

/*
 * The expansion x stands at point t0 of the tier: rewrite t0 whole (every live series, a
 * keyframe), then delete every point before it. The roll-forward that lets change-only rows be
 * cut anywhere: what t0 inherited from older rows is now in its own.
 */
static int cut_at(struct lw_hwriter *w, enum lw_htier tier, const struct lw_hexp *x, int64_t t0)
{
	sqlite3_stmt *mark = w->stmt[lw_htier_stmt(tier, LW_HS_FULL_SET_KEYFRAME)];
	size_t rows = 0;
	int rc;

	if ((rc = run_t(w, lw_htier_stmt(tier, LW_HS_FULL_DEL_ROWS_AT), t0)) != SQLITE_OK)
		return rc;
	for (size_t i = 0; i < x->n; i++) {
		const struct lw_hexp_entry *e = &x->e[i];

		if (!e->live || e->kind == 0)
			continue;
		rc = lw_hwrite_row(w, tier, t0, e->id, e->kind, lw_hexp_values(x, i), e->nvals,
				   UINT32_MAX);
		if (rc != SQLITE_OK)
			return rc;
		rows++;
	}
	sqlite3_bind_int64(mark, 1, t0);
	sqlite3_bind_int64(mark, 2, (sqlite3_int64)rows);
	if ((rc = lw_hdb_run(w, lw_htier_stmt(tier, LW_HS_FULL_SET_KEYFRAME))) != SQLITE_OK ||
	    (rc = run_t(w, lw_htier_stmt(tier, LW_HS_FULL_DEL_ROWS_BEFORE), t0)) != SQLITE_OK ||
	    (rc = run_t(w, lw_htier_stmt(tier, LW_HS_FULL_DEL_POINTS_BEFORE), t0)) != SQLITE_OK)
		return rc;
	w->oldest[tier] = t0;
	return prune_idents(w);
}

static int stop_at_last(void *arg, struct lw_hexp *x, int64_t t, uint32_t sampled)
{
	const int64_t *t0 = arg;

	(void)x;
	(void)sampled;
	return t >= *t0 ? LW_HEXP_STOP : SQLITE_OK;
}

/*
 * One transaction: expands the tier from its oldest point up to t0 (a point of it), handing
 * each point to fn (want: lw_hexp_init's), then deletes every point before t0.
 */
static int expand_then_cut(struct lw_hwriter *w, enum lw_htier tier, unsigned want, int64_t t0,
			   lw_hexp_point_fn fn, void *arg)
{
	struct lw_hexp x;
	int rc;

	if ((rc = lw_hdb_run(w, LW_HS_BEGIN_WRITE)) != SQLITE_OK)
		return rc;
	lw_hexp_init(&x, w, tier, want);
	rc = lw_hexp_run(&x, w->oldest[tier], t0, fn, arg);
	/* The rewrite waits until the reading statements are reset: no table changes under them. */
	if (rc == LW_HEXP_STOP)
		rc = cut_at(w, tier, &x, t0);
	else if (rc == SQLITE_OK)
		rc = SQLITE_INTERNAL;  /* t0 was not a point of the tier */
	lw_hexp_free(&x);
	if (rc == SQLITE_OK)
		rc = lw_hdb_run(w, LW_HS_COMMIT);
	w->upkeep_passes++;
	return rc;
}

/* Deletes every point of the tier before t0 (a point of it), one transaction. */
static int cut_tier(struct lw_hwriter *w, enum lw_htier tier, int64_t t0)
{
	return expand_then_cut(w, tier, 0, t0, stop_at_last, &t0);
}

/* Deletes every window (the size bound when one window is left). */
static int drop_windows(struct lw_hwriter *w)
{
	int rc;

	if ((rc = lw_hdb_run(w, LW_HS_BEGIN_WRITE)) != SQLITE_OK ||
	    (rc = run_t(w, LW_HS_WIN_DEL_ROWS_BEFORE, INT64_MAX)) != SQLITE_OK ||
	    (rc = run_t(w, LW_HS_WIN_DEL_POINTS_BEFORE, INT64_MAX)) != SQLITE_OK)
		return rc;
	w->oldest[LW_HT_WIN] = LW_HTIME_NONE;
	w->last_valid[LW_HT_WIN] = false;
	lw_hvecs_clear(&w->last[LW_HT_WIN]);
	if ((rc = prune_idents(w)) != SQLITE_OK)
		return rc;
	return lw_hdb_run(w, LW_HS_COMMIT);
}

/* --- folding cycles into windows ------------------------------------------------------------ */

struct fold {
	struct lw_hwriter *w;
	int64_t end;                /* cycles before this are folded */
	int64_t window;             /* start of the window being summed; LW_HTIME_NONE: none */
	uint32_t sampled;           /* kinds sampled in some cycle of that window */
	struct lw_hvecs items;      /* the window's vectors; then swapped with last[WIN] */
};

static void acc_add(struct lw_hexp *x, size_t e)
{
	unsigned k = lw_hkind_width(x->e[e].kind);
	const int64_t *values = lw_hexp_values(x, e);
	struct lw_hacc *a = &x->acc[e];

	for (unsigned i = 0; i < k; i++) {
		uint64_t v = (uint64_t)values[i];

		if (lw_hkind_unknowable(x->e[e].kind) & (1u << i) && v == LW_HIST_UNKNOWN)
			a->unknown |= 1u << i;
		if (a->n == 0 || v < a->min[i])
			a->min[i] = v;
		if (a->n == 0 || v > a->max[i])
			a->max[i] = v;
		a->sum[i] += v;
	}
	a->n++;
}

/*
 * Writes the window being summed: n, min, max and avg (rounded, halves up) of each value; of a
 * counter only max (lw_hwin_unstored): its min and avg stay 0 in memory, so they never differ.
 */
static int emit_window(struct fold *f, struct lw_hexp *x)
{
	struct lw_hwriter *w = f->w;
	struct lw_hrow_sink sink = { w, LW_HT_WIN, f->window };
	bool keyframe = !w->last_valid[LW_HT_WIN];
	size_t rows;
	int rc;

	/* After window_s changed, an aligned start can fall at or before the last window's. */
	if (w->newest[LW_HT_WIN] != LW_HTIME_NONE && sink.t <= w->newest[LW_HT_WIN])
		sink.t = w->newest[LW_HT_WIN] + 1;
	lw_hvecs_clear(&f->items);
	for (size_t i = 0; i < x->n; i++) {
		const struct lw_hexp_entry *e = &x->e[i];
		struct lw_hacc *a = &x->acc[i];
		unsigned k = lw_hkind_width(e->kind);
		int64_t v[LW_HWIN_WIDTH];

		if (a->n == 0 || k == 0)
			continue;
		v[0] = a->n;
		for (unsigned j = 0; j < k; j++) {
			bool counter = lw_hkind_counters(e->kind) & (1u << j);

			v[1 + 3 * j] = counter ? 0 : (int64_t)a->min[j];
			v[2 + 3 * j] = (int64_t)a->max[j];
			v[3 + 3 * j] = counter ? 0 : (int64_t)(uint64_t)((a->sum[j] + a->n / 2) / a->n);
			/* A window over an unknown value is unknown: a min, max or avg over the
			 * known cycles only would pass for the whole window's. */
			if (a->unknown & (1u << j))
				v[1 + 3 * j] = v[2 + 3 * j] = v[3 + 3 * j] = LW_HIST_UNKNOWN;
		}
		if (lw_hvecs_push(&f->items, e->id, e->kind, 1 + 3 * k, v) != 0)
			return SQLITE_NOMEM;
		memset(a, 0, sizeof(*a));
	}
	lw_hexp_purge(x);
	if ((rc = lw_hvecs_diff(&w->last[LW_HT_WIN], w->last_valid[LW_HT_WIN], &f->items,
				f->sampled, lw_hput_row, &sink, &rows)) != SQLITE_OK ||
	    (rc = lw_hwrite_point(w, LW_HT_WIN, sink.t, keyframe, f->sampled, rows)) != SQLITE_OK)
		return rc;
	/* In memory before the commit: a failed commit closes the handle, which forgets it. */
	if (lw_hvecs_carry(&w->last[LW_HT_WIN], w->last_valid[LW_HT_WIN], f->sampled, &f->items) != 0)
		return SQLITE_NOMEM;
	lw_hvecs_swap(&w->last[LW_HT_WIN], &f->items);
	w->last_valid[LW_HT_WIN] = true;
	w->newest[LW_HT_WIN] = sink.t;
	if (w->oldest[LW_HT_WIN] == LW_HTIME_NONE)
		w->oldest[LW_HT_WIN] = sink.t;
	f->window = LW_HTIME_NONE;
	f->sampled = 0;
	return SQLITE_OK;
}

static int fold_point(void *arg, struct lw_hexp *x, int64_t t, uint32_t sampled)
{
	struct fold *f = arg;
	int64_t window = floor_to(t, f->w->cfg.window_s);
	int rc;

	if (f->window != LW_HTIME_NONE && (t >= f->end || window != f->window) &&
	    (rc = emit_window(f, x)) != SQLITE_OK)
		return rc;
	if (t >= f->end)
		return LW_HEXP_STOP;  /* the first cycle kept: cut_at rewrites it */
	f->window = window;
	f->sampled |= sampled;
	for (size_t i = 0; i < x->n; i++)
		if (x->e[i].live && (sampled & (1u << x->e[i].kind)))
			acc_add(x, i);
	return SQLITE_OK;
}

/* Folds one chunk of full-resolution data past full_hours; *more: another chunk is due. */
static int fold_chunk(struct lw_hwriter *w, bool *more)
{
	int64_t ws = w->cfg.window_s, slack = slack_s(w);
	int64_t horizon = w->newest[LW_HT_FULL] - (int64_t)w->cfg.full_hours * 3600;
	int64_t end, chunk_end, c0;
	struct fold f = { .w = w, .window = LW_HTIME_NONE };
	int rc;

	*more = false;
	if (w->oldest[LW_HT_FULL] == LW_HTIME_NONE || w->oldest[LW_HT_FULL] >= horizon - slack)
		return SQLITE_OK;
	end = floor_to(horizon, ws);
	chunk_end = floor_to(w->oldest[LW_HT_FULL], ws) + slack;
	if (end > chunk_end) {
		end = chunk_end;
		*more = true;
	}
	lw_hwriter_doing(w, "folding cycles before t=%lld into windows", (long long)end);
	if ((rc = first_at_or_after(w, LW_HT_FULL, end, &c0)) != SQLITE_OK)
		return rc;
	if (c0 == LW_HTIME_NONE || end <= w->oldest[LW_HT_FULL])
		return SQLITE_OK;
	f.end = end;
	lw_hvecs_init(&f.items, LW_HWIN_WIDTH);
	/* c0 was read above: the expansion reaches it */
	rc = expand_then_cut(w, LW_HT_FULL, LW_HEXP_ACC, c0, fold_point, &f);
	lw_hvecs_free(&f.items);
	return rc;
}

/* --- windows older than days ---------------------------------------------------------------- */

static int drop_old_windows(struct lw_hwriter *w)
{
	int64_t horizon = w->newest[LW_HT_FULL] - (int64_t)w->cfg.days * 86400, w0;
	int rc;

	if (w->oldest[LW_HT_WIN] == LW_HTIME_NONE || w->oldest[LW_HT_WIN] >= horizon - slack_s(w))
		return SQLITE_OK;
	lw_hwriter_doing(w, "dropping windows before t=%lld", (long long)horizon);
	if ((rc = first_at_or_after(w, LW_HT_WIN, horizon, &w0)) != SQLITE_OK)
		return rc;
	return w0 == LW_HTIME_NONE ? drop_windows(w) : cut_tier(w, LW_HT_WIN, w0);
}

/* --- the size bound ------------------------------------------------------------------------- */

/* Deletes the oldest eighth of the oldest tier (windows first). *none: nothing left to delete. */
static int shed_oldest(struct lw_hwriter *w, bool *none)
{
	enum lw_htier tier = w->oldest[LW_HT_WIN] != LW_HTIME_NONE ? LW_HT_WIN : LW_HT_FULL;
	int64_t span = w->newest[tier] - w->oldest[tier], step, t0;
	int rc;

	*none = false;
	if (tier == LW_HT_WIN && span <= 0)
		return drop_windows(w);
	if (w->oldest[tier] == LW_HTIME_NONE || span <= 0) {
		*none = true;  /* one cycle is left: never deleted */
		return SQLITE_OK;
	}
	step = span / 8 > 0 ? span / 8 : 1;
	if ((rc = first_at_or_after(w, tier, w->oldest[tier] + step, &t0)) != SQLITE_OK)
		return rc;
	if (t0 == LW_HTIME_NONE)
		t0 = w->newest[tier];
	return cut_tier(w, tier, t0);
}

static void utc_text(int64_t t, char *buf, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == LW_HTIME_NONE || gmtime_r(&tt, &tm) == NULL)
		snprintf(buf, cap, "-");
	else
		strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * The file (database + WAL) stays under max_mb: the WAL gets a reserve (twice wal_limit, or
 * the largest WAL seen, at most half the bound) and the database the rest. Past it, the oldest
 * data are deleted down to 7/8 of the database's share (so this does not run every cycle),
 * then free pages beyond the share go back to the file system (auto_vacuum = INCREMENTAL).
 */
static int enforce_size(struct lw_hwriter *w)
{
	uint64_t max_bytes = (uint64_t)w->cfg.max_mb * MIB, reserve = 2 * w->wal_limit;
	uint64_t budget, used, total;
	bool shed = false, none = false;
	int rc;

	if (w->wal_peak > reserve)
		reserve = w->wal_peak;
	if (reserve > max_bytes / 2)
		reserve = max_bytes / 2;
	budget = max_bytes - reserve;
	lw_hwriter_doing(w, "measuring the file");
	if ((rc = lw_hdb_pages(w, &used, &total)) != SQLITE_OK)
		return rc;
	for (int i = 0; i < SIZE_STEPS_MAX && used > budget - budget / 8 && (shed || used > budget);
	     i++) {
		lw_hwriter_doing(w, "deleting the oldest data to stay under max_mb %u", w->cfg.max_mb);
		if ((rc = shed_oldest(w, &none)) != SQLITE_OK)
			return rc;
		if (none)
			break;
		shed = true;
		if ((rc = lw_hdb_pages(w, &used, &total)) != SQLITE_OK)
			return rc;
	}
	if (shed || none) {
		char from[32];

		utc_text(w->oldest[LW_HT_WIN] != LW_HTIME_NONE ? w->oldest[LW_HT_WIN] :
								  w->oldest[LW_HT_FULL],
			 from, sizeof(from));
		if (none)
			snprintf(w->st.notice, sizeof(w->st.notice),
				 "max_mb %u is too small for one cycle: %llu bytes in use", w->cfg.max_mb,
				 (unsigned long long)used);
		else
			snprintf(w->st.notice, sizeof(w->st.notice),
				 "max_mb %u reached: the oldest data were deleted, history kept from %s",
				 w->cfg.max_mb, from);
	}
	/* Give back what the database's share cannot hold, a WAL-sized chunk at a time (each
	 * moved page goes through the WAL), checkpointing between chunks. */
	while (total > budget && total > used) {
		uint64_t pages = (total - budget + w->page_size - 1) / w->page_size;
		uint64_t chunk = w->wal_limit / w->page_size / 2;
		char sql[64];

		if (pages > (total - used) / w->page_size)
			pages = (total - used) / w->page_size;
		if (pages > chunk)
			pages = chunk;
		if (pages == 0)
			break;
		lw_hwriter_doing(w, "giving %llu free pages back", (unsigned long long)pages);
		snprintf(sql, sizeof(sql), "PRAGMA incremental_vacuum(%llu)", (unsigned long long)pages);
		if ((rc = sqlite3_exec(w->db, sql, NULL, NULL, NULL)) != SQLITE_OK ||
		    (rc = lw_hdb_checkpoint(w, true)) != SQLITE_OK ||
		    (rc = lw_hdb_pages(w, &used, &total)) != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

int lw_hretain(struct lw_hwriter *w)
{
	bool more = true;
	int rc = SQLITE_OK;

	for (int i = 0; i < FOLD_CHUNKS_PER_CYCLE && more && rc == SQLITE_OK; i++)
		rc = fold_chunk(w, &more);
	if (rc == SQLITE_OK)
		rc = drop_old_windows(w);
	if (rc == SQLITE_OK)
		rc = enforce_size(w);
	/* A pass's arrays (about 4 MB at 10k processes, once an hour) are freed into this
	 * thread's malloc arena, which glibc keeps resident: lw_hwrite_cycle gives the pages back
	 * once SQLite's page cache is emptied too (history_write.c, release_memory). */
	return rc;
}
