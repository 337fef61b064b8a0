/* report_db.c: the history opened read-only, in one read transaction, whoever else has it open. */
/* SPDX-License-Identifier: ISC */
#include "report/report_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int lw_rdb_int(struct lw_rdb *d, const char *sql, int64_t a, int64_t b, int64_t dflt,
	       int64_t *out)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(d->db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, b);
	*out = dflt;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* A URI for path: file: with '?', '#' and '%' escaped (RFC 3986; sqlite.org/uri.html). */
static char *file_uri(const char *path, const char *params)
{
	size_t len = strlen(path), cap = 16 + 3 * len + strlen(params);
	char *u = malloc(cap), *o = u;

	if (u == NULL)
		return NULL;
	o += sprintf(o, "file:");
	for (const char *p = path; *p; p++) {
		if (*p == '?' || *p == '#' || *p == '%')
			o += sprintf(o, "%%%02X", (unsigned char)*p);
		else
			*o++ = *p;
	}
	sprintf(o, "?%s", params);
	return u;
}

static int try_open(struct lw_rdb *d, const char *path, const char *params)
{
	char *uri = file_uri(path, params);
	int rc;

	if (uri == NULL)
		return SQLITE_NOMEM;
	rc = sqlite3_open_v2(uri, &d->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	free(uri);
	if (rc == SQLITE_OK) {
		/* The daemon's writer holds its lock for a cycle's transaction at most: wait for it
		 * rather than fail (a reader only waits while a checkpoint resets the WAL). */
		sqlite3_busy_timeout(d->db, 10000);
		/* The one read transaction the whole report is read in (a WAL snapshot): BEGIN
		 * then a read, which is when SQLite takes the snapshot. */
		rc = sqlite3_exec(d->db, "BEGIN; SELECT count(*) FROM sqlite_master;", NULL, NULL,
				  NULL);
	}
	if (rc != SQLITE_OK) {
		sqlite3_close(d->db);
		d->db = NULL;
	}
	return rc;
}

static int read_kinds(struct lw_rdb *d)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(d->db, "SELECT kind, name, v0, v1, v2, v3, v4 FROM kind", -1,
				    &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int k = sqlite3_column_int(st, 0);
		const unsigned char *name = sqlite3_column_text(st, 1);

		if (k <= 0 || k >= LW_RKIND_MAX || name == NULL)
			continue;
		snprintf(d->kind_name[k], sizeof(d->kind_name[k]), "%s", name);
		d->width[k] = 0;
		for (int i = 0; i < LW_RVALS; i++) {
			const unsigned char *m = sqlite3_column_text(st, 2 + i);

			if (m == NULL)
				break;
			snprintf(d->metric[k][i], sizeof(d->metric[k][i]), "%s", m);
			d->width[k] = (unsigned)i + 1;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int lw_rdb_open(struct lw_rdb *d, const char *path, struct lw_error *err)
{
	struct stat sb;
	int64_t v, n;
	int rc;

	memset(d, 0, sizeof(*d));
	if (stat(path, &sb) != 0)
		return lw_error_set(err, errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return lw_error_set(err, EINVAL, "%s: not a file", path);
	/* mode=ro: never writes the file; it still makes or maps the -shm file of a WAL database
	 * (sqlite.org/wal.html, "Read-Only Databases"), which a read-only directory refuses. */
	rc = try_open(d, path, "mode=ro");
	if (rc == SQLITE_CANTOPEN || rc == SQLITE_READONLY || rc == SQLITE_IOERR ||
	    (rc & 0xff) == SQLITE_CANTOPEN || (rc & 0xff) == SQLITE_READONLY) {
		/* immutable=1: no lock, no -shm; what the -wal file holds is not seen, and a
		 * writer changing the file meanwhile would not be noticed: the header says so. */
		if (try_open(d, path, "mode=ro&immutable=1") == SQLITE_OK) {
			d->immutable = true;
			rc = SQLITE_OK;
		}
	}
	if (rc != SQLITE_OK)
		return lw_error_set(err, EIO, "%s: cannot be read: %s", path, sqlite3_errstr(rc));
	if ((rc = lw_rdb_int(d, "PRAGMA user_version", 0, 0, 0, &v)) != SQLITE_OK) {
		lw_error_set(err, EINVAL, "%s: not a SQLite database (%s)", path, sqlite3_errstr(rc));
		goto fail;
	}
	d->version = (int)v;
	if ((rc = lw_rdb_int(d, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN"
			     " ('kind', 'ident', 'cycle', 'sample', 'win_cycle', 'win')", 0, 0, 0,
			     &n)) != SQLITE_OK || n != 6 || v < 1) {
		lw_error_set(err, EINVAL, "%s: not a leakwatch history (no schema version or no cycle"
			     " tables)", path);
		goto fail;
	}
	if ((rc = lw_rdb_int(d, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN"
			     " ('run', 'alarm_event')", 0, 0, 0, &n)) != SQLITE_OK)
		goto sqlfail;
	d->has_runs = n == 2;
	if ((rc = lw_rdb_int(d, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND"
			     " name = 'collector'", 0, 0, 0, &n)) != SQLITE_OK)
		goto sqlfail;
	d->has_collectors = d->has_runs && n == 1;
	if ((rc = read_kinds(d)) != SQLITE_OK)
		goto sqlfail;
	return 0;
sqlfail:
	lw_error_set(err, EIO, "%s: %s", path, sqlite3_errmsg(d->db));
fail:
	lw_rdb_close(d);
	return -1;
}

void lw_rdb_close(struct lw_rdb *d)
{
	if (d->db != NULL) {
		sqlite3_exec(d->db, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(d->db);
	}
	d->db = NULL;
}
