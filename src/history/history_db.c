/* history_db.c: opening and closing the history file, its PRAGMAs, and what a failure means. */
/* SPDX-License-Identifier: ISC */
#include "history/history_db.h"

#include "history/history_schema.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Another process holding the write lock (an operator's sqlite3 in a transaction): wait this
 * long, then count the cycle as dropped; the writer thread is the only one that waits. */
#define BUSY_TIMEOUT_MS 2000

#define KIB 1024ull
#define MIB (1024ull * 1024ull)

void lw_hwriter_init(struct lw_hwriter *w, const struct lw_history_settings *cfg)
{
	uint64_t max_bytes = (uint64_t)cfg->max_mb * MIB;

	memset(w, 0, sizeof(*w));
	w->cfg = *cfg;
	snprintf(w->wal_path, sizeof(w->wal_path), "%s-wal", cfg->path);
	lw_hidmap_init(&w->ids);
	lw_hvecs_init(&w->last[LW_HT_FULL], LW_HFULL_WIDTH);
	lw_hvecs_init(&w->last[LW_HT_WIN], LW_HWIN_WIDTH);
	lw_hvecs_init(&w->cur, LW_HFULL_WIDTH);
	for (int t = 0; t < LW_HT_COUNT; t++)
		w->oldest[t] = w->newest[t] = LW_HTIME_NONE;
	/* A sixteenth of the bound, 64 KiB..16 MiB: small files checkpoint often, large ones
	 * rarely (each checkpoint is the only fsync the writer does). */
	w->wal_limit = max_bytes / 16;
	if (w->wal_limit < 64 * KIB)
		w->wal_limit = 64 * KIB;
	if (w->wal_limit > 16 * MIB)
		w->wal_limit = 16 * MIB;
	w->st.ok = true;
}

void lw_hwriter_free(struct lw_hwriter *w)
{
	lw_hdb_close(w);
	lw_hidmap_free(&w->ids);
	for (int t = 0; t < LW_HT_COUNT; t++)
		lw_hvecs_free(&w->last[t]);
	lw_hvecs_free(&w->cur);
}

void lw_hdb_reset_state(struct lw_hwriter *w)
{
	lw_hidmap_clear(&w->ids);
	for (int t = 0; t < LW_HT_COUNT; t++) {
		lw_hvecs_clear(&w->last[t]);
		w->last_valid[t] = false;
	}
}

int lw_hdb_run(struct lw_hwriter *w, enum lw_hstmt s)
{
	int rc = sqlite3_step(w->stmt[s]);

	sqlite3_reset(w->stmt[s]);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

int lw_hdb_int(struct lw_hwriter *w, enum lw_hstmt s, int64_t none, int64_t *out)
{
	sqlite3_stmt *st = w->stmt[s];
	int rc = sqlite3_step(st);

	*out = none;
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

int lw_hdb_load_bounds(struct lw_hwriter *w)
{
	for (int t = 0; t < LW_HT_COUNT; t++) {
		sqlite3_stmt *st = w->stmt[lw_htier_stmt((enum lw_htier)t, LW_HS_FULL_BOUNDS)];
		int rc = sqlite3_step(st);

		w->oldest[t] = w->newest[t] = LW_HTIME_NONE;
		if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
			w->oldest[t] = sqlite3_column_int64(st, 0);
			w->newest[t] = sqlite3_column_int64(st, 1);
		}
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return rc;
	}
	return SQLITE_OK;
}

static uint64_t size_of(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

uint64_t lw_hdb_file_bytes(const struct lw_hwriter *w)
{
	return size_of(w->cfg.path) + size_of(w->wal_path);
}

int lw_hdb_pages(struct lw_hwriter *w, uint64_t *used, uint64_t *total)
{
	int64_t pages, free_pages;
	int rc;

	if ((rc = lw_hdb_int(w, LW_HS_PAGE_COUNT, 0, &pages)) != SQLITE_OK ||
	    (rc = lw_hdb_int(w, LW_HS_FREELIST_COUNT, 0, &free_pages)) != SQLITE_OK)
		return rc;
	*total = (uint64_t)pages * w->page_size;
	*used = (uint64_t)(pages - free_pages) * w->page_size;
	return SQLITE_OK;
}

int lw_hdb_checkpoint(struct lw_hwriter *w, bool always)
{
	uint64_t wal = size_of(w->wal_path);
	int rc;

	if (wal > w->wal_peak)
		w->wal_peak = wal;
	if (!always && wal <= w->wal_limit)
		return SQLITE_OK;
	lw_hwriter_doing(w, "checkpointing the WAL");
	rc = lw_hdb_run(w, LW_HS_CHECKPOINT);
	/* A reader (an operator's sqlite3) keeping the WAL busy is no failure: next time. */
	return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED ? SQLITE_OK : rc;
}

/*
 * journal_mode = WAL: a cycle's transaction appends its pages to the -wal file and readers
 * (an operator's sqlite3) never block the writer.
 *
 * synchronous = NORMAL: in WAL mode a commit is a write() into the -wal file, fsynced only at
 * checkpoints. kill -9 ends the process, not the kernel: every write() it made is in the page
 * cache and reaches the file; a transaction whose commit frame was not written is ignored at the
 * next open (WAL frames carry checksums and the commit mark), so the cycle in flight is lost and
 * nothing is corrupted. FULL would add an fsync per cycle for durability against power loss
 * only, where NORMAL can lose the last cycles but still never corrupts the file.
 *
 * secure_delete = OFF: Debian builds SQLite with SECURE_DELETE, which overwrites every deleted
 * row with zeros; retention would write freed pages for nothing secret.
 *
 * wal_autocheckpoint and journal_size_limit follow the size bound (wal_limit), so the WAL never
 * holds more than about that plus one transaction.
 *
 * cache_size = 1 MiB (SQLite's default is 2): a cycle appends at the right edge of the b-trees
 * and retention reads them once in order, so a larger cache would only be resident memory.
 */
static int set_pragmas(struct lw_hwriter *w)
{
	char sql[256];
	sqlite3_stmt *st;
	int rc;

	lw_hwriter_doing(w, "switching to WAL");
	if ((rc = sqlite3_prepare_v2(w->db, "PRAGMA journal_mode = WAL", -1, &st, NULL)) != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *mode = (const char *)sqlite3_column_text(st, 0);

		rc = SQLITE_OK;
		if (mode == NULL || strcmp(mode, "wal") != 0) {
			lw_hwriter_doing(w, "the file system does not allow WAL (journal mode %s)",
				     mode != NULL ? mode : "unknown");
			rc = LW_HRC_REFUSED;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return rc;
	lw_hwriter_doing(w, "setting PRAGMAs");
	snprintf(sql, sizeof(sql),
		 "PRAGMA synchronous = NORMAL; PRAGMA secure_delete = OFF; PRAGMA cache_size = -1024;"
		 " PRAGMA wal_autocheckpoint = %llu; PRAGMA journal_size_limit = %llu;",
		 (unsigned long long)(w->wal_limit / 4096), (unsigned long long)w->wal_limit);
	if ((rc = sqlite3_exec(w->db, sql, NULL, NULL, NULL)) != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_prepare_v2(w->db, "PRAGMA page_size", -1, &st, NULL)) != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	w->page_size = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 4096;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int open_once(struct lw_hwriter *w)
{
	int rc, fd;

	lw_hwriter_doing(w, "opening");
	/*
	 * Made here first so that it is private whatever the umask: SQLite creates a new file
	 * 0644 (SQLITE_DEFAULT_FILE_PERMISSIONS) and gives the -wal and -shm files the database
	 * file's mode (findCreateFileMode and unixOpenSharedMemory in os_unix.c). An empty file
	 * is a new database to SQLite; an existing file keeps its mode. A failure here shows at
	 * sqlite3_open_v2 just below.
	 */
	fd = open(w->cfg.path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd >= 0)
		close(fd);
	/* NOMUTEX: one thread at a time uses the handle (the writer, or a caller of replay while
	 * the writer is paused), so SQLite's own locking of the connection would be wasted. */
	rc = sqlite3_open_v2(w->cfg.path, &w->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_extended_result_codes(w->db, 1);
	sqlite3_busy_timeout(w->db, BUSY_TIMEOUT_MS);
	/* SQLite falls back to read-only when it cannot open for writing (EROFS, EACCES). */
	if (sqlite3_db_readonly(w->db, "main") == 1) {
		lw_hwriter_doing(w, "opening for writing");
		return SQLITE_READONLY;
	}
	if ((rc = lw_hschema_setup(w)) != SQLITE_OK || (rc = set_pragmas(w)) != SQLITE_OK ||
	    (rc = lw_hschema_prepare(w)) != SQLITE_OK)
		return rc;
	lw_hwriter_doing(w, "reading the bounds");
	if ((rc = lw_hdb_load_bounds(w)) != SQLITE_OK)
		return rc;
	lw_hdb_reset_state(w);
	w->st.ok = true;
	w->st.error[0] = '\0';
	return SQLITE_OK;
}

int lw_hdb_open(struct lw_hwriter *w)
{
	int rc = SQLITE_OK;

	if (w->db != NULL)
		return SQLITE_OK;
	/* A corrupt file is moved aside by lw_hdb_fail: then one more try, on a new file. */
	for (int attempt = 0; attempt < 2; attempt++) {
		rc = open_once(w);
		if (rc == SQLITE_OK || !lw_hdb_fail(w, rc))
			break;
	}
	return rc;
}

void lw_hdb_close(struct lw_hwriter *w)
{
	if (w->db == NULL)
		return;
	lw_hschema_finalize(w);
	/* The last connection to close checkpoints and removes the -wal file (a transaction left
	 * open by a failure is rolled back). */
	sqlite3_close_v2(w->db);
	w->db = NULL;
	lw_hdb_reset_state(w);
	/* A transaction rolled back may have held the run's row, or the file may be moved aside:
	 * the next open checks the row is there and writes it again if not. */
	if (w->run.id != 0)
		w->run.check = w->run.dirty = true;
	w->run.ncoll = 0;  /* the collector rows too: written again with the next cycle */
	for (int t = 0; t < LW_HT_COUNT; t++)
		w->oldest[t] = w->newest[t] = LW_HTIME_NONE;
}

static bool is_corrupt(int rc)
{
	return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

/* What an operator should look at, from SQLite's code and the system call that failed. */
static const char *reason_of(int rc, int sys_errno)
{
	int primary = rc & 0xff;

	if (is_corrupt(rc))
		return "corrupt";
	if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
		return "locked by another process";
	if (primary == SQLITE_NOMEM)
		return "out of memory";
	if (primary == SQLITE_FULL || sys_errno == ENOSPC || sys_errno == EDQUOT)
		return "disk full";
	if (sys_errno == EROFS)
		return "read-only file system";
	if (primary == SQLITE_READONLY)
		return "read-only";
	if (sys_errno == EACCES || sys_errno == EPERM)
		return "permission denied";
	if (primary == SQLITE_CANTOPEN)
		return "cannot open";
	if (primary == SQLITE_IOERR)
		return "I/O error";
	return "error";
}

bool lw_hdb_move_aside(struct lw_hwriter *w, const char *why, char *moved_to, size_t cap)
{
	static const char *const companions[] = { "-wal", "-shm" };
	long long now = (long long)time(NULL);
	char from[sizeof(w->cfg.path) + 8], to[sizeof(w->cfg.path) + 48];

	lw_hdb_close(w);
	for (int i = 0; i < 100; i++) {
		if (i == 0)
			snprintf(moved_to, cap, "%s.%s-%lld", w->cfg.path, why, now);
		else
			snprintf(moved_to, cap, "%s.%s-%lld-%d", w->cfg.path, why, now, i);
		if (access(moved_to, F_OK) != 0 && errno == ENOENT)
			break;
	}
	if (rename(w->cfg.path, moved_to) != 0)
		return false;
	for (size_t i = 0; i < sizeof(companions) / sizeof(companions[0]); i++) {
		snprintf(from, sizeof(from), "%s%s", w->cfg.path, companions[i]);
		snprintf(to, sizeof(to), "%s%s", moved_to, companions[i]);
		/* The -shm is only an index of the -wal: removing it is as good as moving it. */
		if (rename(from, to) != 0 && errno != ENOENT)
			unlink(from);
	}
	return true;
}

bool lw_hdb_fail(struct lw_hwriter *w, int rc)
{
	int sys_errno = w->db != NULL ? sqlite3_system_errno(w->db) : 0;
	char detail[128] = "";
	char moved_to[sizeof(w->cfg.path) + 48];

	if (rc != LW_HRC_REFUSED) {
		const char *msg = w->db != NULL ? sqlite3_errmsg(w->db) : sqlite3_errstr(rc);

		if (sys_errno != 0)
			snprintf(detail, sizeof(detail), "%s; %s", msg, strerror(sys_errno));
		else
			snprintf(detail, sizeof(detail), "%s", msg);
	}
	if (rc == LW_HRC_REFUSED)
		lw_htext(w->st.error, sizeof(w->st.error), "%s: %s", w->cfg.path, w->doing);
	else
		lw_htext(w->st.error, sizeof(w->st.error), "%s: %s while %s (%s)", w->cfg.path,
			 reason_of(rc, sys_errno), w->doing, detail);
	w->st.ok = false;
	w->st.errors++;
	lw_hdb_close(w);
	if (!is_corrupt(rc))
		return false;
	if (!lw_hdb_move_aside(w, "corrupt", moved_to, sizeof(moved_to))) {
		size_t len = strlen(w->st.error);

		lw_htext(w->st.error + len, sizeof(w->st.error) - len, "; cannot move it aside: %s",
			 strerror(errno));
		return false;
	}
	lw_htext(w->st.notice, sizeof(w->st.notice),
		 "%s was corrupt (%s while %s): moved to %s, a new history started", w->cfg.path,
		 detail, w->doing, moved_to);
	return true;
}
