/* report_dbcopy.c: history.db in the report: a consistent copy (SQLite's backup API) cut to the window the way retention cuts (a keyframe at the first point kept). */
/* SPDX-License-Identifier: ISC */
#include "report/report_out.h"
#include "report/report_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int exec1(sqlite3 *db, const char *sql, int64_t a)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, a);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static int no_point(void *arg, struct lw_rexp *x, int64_t t, uint32_t sampled, int64_t span)
{
	(void)arg, (void)x, (void)t, (void)sampled, (void)span;
	return 0;
}

/*
 * Keeps the tier's points within [from, to]. Rows are change-only: the first point kept, c0,
 * is rewritten whole (every live series, a keyframe), as history_retention.c's cut_at does,
 * before the points before it are deleted; the points after `to` go without more ado.
 */
static int cut_tier(struct lw_rdb *d, bool win, int64_t from, int64_t to)
{
	const char *pts = win ? "win_cycle" : "cycle", *rows = win ? "win" : "sample";
	char sql[512];
	struct lw_rexp x;
	sqlite3_stmt *ins = NULL;
	int64_t c0, nrows = 0;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT min(t) FROM %s WHERE t >= ?1", pts);
	if ((rc = lw_rdb_int(d, sql, from, 0, INT64_MIN, &c0)) != SQLITE_OK)
		return rc;
	if (c0 != INT64_MIN && c0 <= to) {
		int64_t first, kf, after;

		/* The window holds the whole tier (the usual report of everything): its first point
		 * is a keyframe already and nothing is cut; rewriting it would change nothing. */
		snprintf(sql, sizeof(sql), "SELECT min(t) FROM %s", pts);
		if ((rc = lw_rdb_int(d, sql, 0, 0, INT64_MIN, &first)) != SQLITE_OK)
			return rc;
		snprintf(sql, sizeof(sql), "SELECT keyframe FROM %s WHERE t = ?1", pts);
		if ((rc = lw_rdb_int(d, sql, c0, 0, 0, &kf)) != SQLITE_OK)
			return rc;
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM (SELECT 1 FROM %s WHERE t > ?1"
			 " LIMIT 1)", pts);
		if ((rc = lw_rdb_int(d, sql, to, 0, 0, &after)) != SQLITE_OK)
			return rc;
		if (first == c0 && kf == 1 && after == 0)
			return SQLITE_OK;
	}
	if (c0 == INT64_MIN || c0 > to) {  /* nothing of this tier in the window */
		snprintf(sql, sizeof(sql), "DELETE FROM %s", rows);
		if ((rc = exec1(d->db, sql, 0)) != SQLITE_OK)
			return rc;
		snprintf(sql, sizeof(sql), "DELETE FROM %s", pts);
		return exec1(d->db, sql, 0);
	}
	if ((rc = lw_rexp_init(&x, d->db, win)) != SQLITE_OK)
		goto out;
	if ((rc = lw_rexp_run(&x, c0, c0, c0, no_point, NULL)) != SQLITE_OK)
		goto out;
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE t = ?1", rows);
	if ((rc = exec1(d->db, sql, c0)) != SQLITE_OK)
		goto out;
	snprintf(sql, sizeof(sql), "INSERT INTO %s VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7%s)", rows,
		 win ? ", ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18" : "");
	if ((rc = sqlite3_prepare_v2(d->db, sql, -1, &ins, NULL)) != SQLITE_OK)
		goto out;
	for (size_t i = 0; i < x.n; i++) {
		const struct lw_rident *e = &x.e[i];
		unsigned width = e->kind > 0 && e->kind < LW_RKIND_MAX ? d->width[e->kind] : 0;
		unsigned nv = win ? 1 + 3 * width : width;

		if (!e->live || width == 0)
			continue;
		sqlite3_reset(ins);
		sqlite3_clear_bindings(ins);
		sqlite3_bind_int64(ins, 1, c0);
		sqlite3_bind_int64(ins, 2, e->id);
		for (unsigned k = 0; k < nv; k++)
			sqlite3_bind_int64(ins, 3 + (int)k, e->v[k]);
		if ((rc = sqlite3_step(ins)) != SQLITE_DONE)
			goto out;
		nrows++;
	}
	rc = SQLITE_OK;
	snprintf(sql, sizeof(sql), "UPDATE %s SET keyframe = 1, rows = %lld WHERE t = ?1", pts,
		 (long long)nrows);
	if ((rc = exec1(d->db, sql, c0)) != SQLITE_OK)
		goto out;
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE t < ?1 OR t > %lld", rows, (long long)to);
	if ((rc = exec1(d->db, sql, c0)) != SQLITE_OK)
		goto out;
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE t < ?1 OR t > %lld", pts, (long long)to);
	rc = exec1(d->db, sql, c0);
out:
	sqlite3_finalize(ins);
	lw_rexp_free(&x);
	return rc;
}

static int cut(struct lw_rdb *d, const struct lw_report *r)
{
	int rc;

	if ((rc = exec1(d->db, "BEGIN IMMEDIATE", 0)) != SQLITE_OK ||
	    (rc = cut_tier(d, false, r->from, r->to)) != SQLITE_OK ||
	    (rc = cut_tier(d, true, r->from, r->to)) != SQLITE_OK ||
	    (rc = exec1(d->db, "DELETE FROM ident WHERE id NOT IN (SELECT id FROM sample) AND id NOT"
			" IN (SELECT id FROM win)", 0)) != SQLITE_OK)
		return rc;
	if (d->has_runs) {
		if ((rc = exec1(d->db, "DELETE FROM alarm_event WHERE t < ?1", r->from)) != SQLITE_OK)
			return rc;
		if ((rc = exec1(d->db, "DELETE FROM alarm_event WHERE t > ?1", r->to)) != SQLITE_OK)
			return rc;
		if ((rc = exec1(d->db, "DELETE FROM run WHERE start_t > ?1", r->to)) != SQLITE_OK)
			return rc;
		if ((rc = exec1(d->db, "DELETE FROM run WHERE stop_t IS NOT NULL AND stop_t < ?1",
				r->from)) != SQLITE_OK)
			return rc;
	}
	/* The collector rows of the runs kept, no others. */
	if (d->has_collectors &&
	    (rc = exec1(d->db, "DELETE FROM collector WHERE run_id NOT IN (SELECT id FROM run)",
			0)) != SQLITE_OK)
		return rc;
	return exec1(d->db, "COMMIT", 0);
}

int lw_rdbcopy_write(const struct lw_report *r, const char *path, struct lw_error *err)
{
	char tmp[PATH_MAX + 8];
	struct lw_rdb src, dst;
	sqlite3_backup *bk;
	int64_t nfree = 0;
	int rc;

	if (lw_rdb_open(&src, r->db_path, err) != 0)
		return -1;
	lw_rpath(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);
	memset(&dst, 0, sizeof(dst));
	rc = sqlite3_open_v2(tmp, &dst.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK && (bk = sqlite3_backup_init(dst.db, "main", src.db, "main")) != NULL) {
		/* In one step, inside the source's read transaction: one snapshot. */
		rc = sqlite3_backup_step(bk, -1);
		sqlite3_backup_finish(bk);
		rc = rc == SQLITE_DONE ? sqlite3_errcode(dst.db) : rc;
	} else if (rc == SQLITE_OK) {
		rc = sqlite3_errcode(dst.db);
	}
	memcpy(dst.kind_name, src.kind_name, sizeof(dst.kind_name));
	memcpy(dst.metric, src.metric, sizeof(dst.metric));
	memcpy(dst.width, src.width, sizeof(dst.width));
	dst.has_runs = src.has_runs;
	dst.has_collectors = src.has_collectors;
	lw_rdb_close(&src);
	/* A file of its own: no WAL beside it in the tarball. */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(dst.db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	/* staged for the tarball: read back and removed, its syncs would be for nothing */
	if (rc == SQLITE_OK && !lw_rfile_is_durable())
		rc = sqlite3_exec(dst.db, "PRAGMA synchronous = OFF", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = cut(&dst, r);
	/* VACUUM gives back the pages the cut freed (and any the source had free); without free
	 * pages (the window is the whole history) it would only rewrite the file. */
	if (rc == SQLITE_OK && lw_rdb_int(&dst, "PRAGMA freelist_count", 0, 0, 0, &nfree) == SQLITE_OK &&
	    nfree > 0)
		rc = sqlite3_exec(dst.db, "VACUUM", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		lw_error_set(err, EIO, "copying the history to %s: %s", path,
			     dst.db ? sqlite3_errmsg(dst.db) : sqlite3_errstr(rc));
		sqlite3_close(dst.db);
		unlink(tmp);
		return -1;
	}
	sqlite3_close(dst.db);
	if (rename(tmp, path) != 0) {
		int e = errno;

		unlink(tmp);
		return lw_error_set(err, e, "cannot rename %s: %s", tmp, strerror(e));
	}
	return 0;
}
