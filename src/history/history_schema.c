/* history_schema.c: the history file's schema, its version, and every statement the writer runs. */
/* SPDX-License-Identifier: ISC */
#include "history/history_schema.h"

#include <stdio.h>
#include <string.h>

/*
 * Schema version 3 (version 1 plus run, alarm_event and the kinds 6 and 7 in version 2, plus
 * collector in version 3; an older file is migrated in place at open, one version a step, see
 * migrate). Design for bounded disk (a 10k-process host,
 * most processes idle):
 *
 *   ident      one row per series: kind, and (pid, start_time, name) for a process (a reused
 *              pid or an execve is a new series), the name for the other kinds. seen_t is when
 *              its current run of samples started, so pruning knows which ids nothing refers to.
 *   cycle      one row per cycle stored at full resolution: keyframe (1: every series live at
 *              this point has a whole row here), sampled (bit 1 << kind: kinds sampled in the
 *              cycle) and rows (how many sample rows it has: a crash check).
 *   sample     WITHOUT ROWID, key (t, id): the values of a series at a cycle, stored only
 *              when one changed since the series' last stored row. Unchanged values are NULL
 *              (one header byte), a row with every value NULL ends the series, a series
 *              absent from a row-less cycle keeps its values. Replay expands that back to one
 *              point per cycle per live series, from the cycle table and a keyframe. The key
 *              starts with t, not id: a cycle's rows are appended at the right edge of the
 *              b-tree (pages fill to ~90% and a cycle dirties a handful of pages instead of one
 *              per changed series), and retention deletes a contiguous range.
 *   win_cycle  one row per window (t = its start, span_s its length), same columns as cycle.
 *   win        WITHOUT ROWID, key (t, id): per window, n (cycles the series was sampled in),
 *              then min, max, avg of each value; stored change-only the same way, so an idle
 *              process costs nothing after its first window. A counter (cpu_ticks, packets,
 *              octets) keeps only max, its value at the window's end: min and avg are NULL.
 *   kind       what v0..v4 mean for each kind, so the file explains itself to sqlite3.
 *              Kind 6 (process_ext) has the identity of kind 1 (pid, start_time, name): the
 *              process's swap_kb, sockets, fd_limit (the soft RLIMIT_NOFILE) and threads, apart
 *              from kind 1 so that version-1 readers of kind 1 are unchanged. Kind 7
 *              (mcast_group) is one multicast group on one interface, name "IFNAME GROUP",
 *              pps10 and bps10 (the record's mgroups; the daemon does not fill them yet: the
 *              capture threads' group tables are not in the cycle's input).
 *   run        (version 2) one row per start of a writer (leakwatchd, or "leakwatch collect"):
 *              start_t, stop_t (set at a clean close; NULL when the writer was killed, crashed,
 *              or still runs), its pid, program and version, the host's boot (boot_id from
 *              /proc/sys/kernel/random/boot_id, boot_t = start - /proc/uptime: a new boot_id
 *              between two runs is a reboot), its sampling interval and configuration text.
 *   alarm_event (version 2) every raise and clear of an alarm, key (run_id, seq): seq is the
 *              daemon's event sequence (lwAlarmTable's), restarting with each run. t is when it
 *              happened, is_raise 1 for a raise and 0 for a clear (not "raise": a keyword in
 *              SQLite's expressions, RAISE()); the other columns are the alarm as its
 *              notification carried it:
 *              alarm_index (lwAlarmIndex), type and type_name (lwAlarmType's number and label),
 *              severity (lwAlarmSeverity), object, name (a process's name), instance (the MIB
 *              row), start_time (a process's), value, threshold, slope (per hour),
 *              exhaustion_s (0: none forecast). Indexed by t for the report's window.
 *   collector  (version 3) lwCollectorTable per run, key (run_id, name): per collector or stage
 *              its source, interval_s, runs, errors, ok (the last run succeeded), last_error,
 *              notice, last_duration_us, total_duration_us, and t (the cycle that wrote the row).
 *              All rows are written every LW_HRUN_COLLECTOR_REFRESH_S, a row in between only
 *              when its ok, errors, last_error or notice changed (history_run.c): runs and
 *              durations lag by up to that much.
 *   Retention deletes alarm events older than the oldest sample kept, and runs that ended
 *   before it (a killed run ends when the next one starts) with their collector rows.
 *   A process's or group's fds, or a process's sockets, of 4294967295 (LW_HIST_UNKNOWN) in
 *   sample or win means "not readable" (leakwatchd without the capabilities over that
 *   process), never a count.
 *
 * auto_vacuum = INCREMENTAL is set before the first table: it cannot be turned on later
 * without a VACUUM, and the size bound needs it to give freed pages back to the file system.
 */
static const char schema_v1_sql[] =
	"CREATE TABLE kind (kind INTEGER PRIMARY KEY, name TEXT NOT NULL, v0 TEXT, v1 TEXT,"
	" v2 TEXT, v3 TEXT, v4 TEXT);"
	"INSERT INTO kind VALUES"
	" (1, 'process', 'rss_kb', 'anon_kb', 'vsz_kb', 'fds', 'cpu_ticks'),"
	" (2, 'group', 'count', 'fds', 'rss_kb', NULL, NULL),"
	" (3, 'slab', 'total_bytes', 'active_bytes', NULL, NULL, NULL),"
	" (4, 'mcast', 'packets', 'octets', 'pps10', 'bps10', NULL),"
	" (5, 'system', 'value', NULL, NULL, NULL, NULL);"
	"CREATE TABLE ident (id INTEGER PRIMARY KEY, kind INTEGER NOT NULL,"
	" pid INTEGER NOT NULL, start_time INTEGER NOT NULL, name TEXT NOT NULL,"
	" seen_t INTEGER NOT NULL, UNIQUE (kind, pid, start_time, name));"
	"CREATE TABLE cycle (t INTEGER PRIMARY KEY, keyframe INTEGER NOT NULL,"
	" sampled INTEGER NOT NULL, rows INTEGER NOT NULL);"
	"CREATE TABLE sample (t INTEGER NOT NULL, id INTEGER NOT NULL, v0 INTEGER, v1 INTEGER,"
	" v2 INTEGER, v3 INTEGER, v4 INTEGER, PRIMARY KEY (t, id)) WITHOUT ROWID;"
	"CREATE TABLE win_cycle (t INTEGER PRIMARY KEY, keyframe INTEGER NOT NULL,"
	" sampled INTEGER NOT NULL, rows INTEGER NOT NULL, span_s INTEGER NOT NULL);"
	"CREATE TABLE win (t INTEGER NOT NULL, id INTEGER NOT NULL, n INTEGER,"
	" min0 INTEGER, max0 INTEGER, avg0 INTEGER, min1 INTEGER, max1 INTEGER, avg1 INTEGER,"
	" min2 INTEGER, max2 INTEGER, avg2 INTEGER, min3 INTEGER, max3 INTEGER, avg3 INTEGER,"
	" min4 INTEGER, max4 INTEGER, avg4 INTEGER, PRIMARY KEY (t, id)) WITHOUT ROWID;";

/* What version 2 adds to version 1: run by a new file and by the migration alike. */
static const char schema_v2_sql[] =
	"INSERT INTO kind VALUES"
	" (6, 'process_ext', 'swap_kb', 'sockets', 'fd_limit', 'threads', NULL),"
	" (7, 'mcast_group', 'pps10', 'bps10', NULL, NULL, NULL);"
	"CREATE TABLE run (id INTEGER PRIMARY KEY, start_t INTEGER NOT NULL, stop_t INTEGER,"
	" pid INTEGER NOT NULL, program TEXT NOT NULL, version TEXT NOT NULL,"
	" boot_id TEXT NOT NULL, boot_t INTEGER NOT NULL, interval_s INTEGER NOT NULL,"
	" config TEXT);"
	"CREATE TABLE alarm_event (run_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" t INTEGER NOT NULL, is_raise INTEGER NOT NULL, alarm_index INTEGER NOT NULL,"
	" type INTEGER NOT NULL, type_name TEXT NOT NULL, severity INTEGER NOT NULL,"
	" object TEXT NOT NULL, name TEXT NOT NULL, instance INTEGER NOT NULL,"
	" start_time INTEGER NOT NULL, value INTEGER NOT NULL, threshold INTEGER NOT NULL,"
	" slope INTEGER NOT NULL, exhaustion_s INTEGER NOT NULL,"
	" PRIMARY KEY (run_id, seq)) WITHOUT ROWID;"
	"CREATE INDEX alarm_event_t ON alarm_event (t);";

/* What version 3 adds to version 2. */
static const char schema_v3_sql[] =
	"CREATE TABLE collector (run_id INTEGER NOT NULL, name TEXT NOT NULL, source TEXT NOT NULL,"
	" interval_s INTEGER NOT NULL, runs INTEGER NOT NULL, errors INTEGER NOT NULL,"
	" ok INTEGER NOT NULL, last_error TEXT NOT NULL, notice TEXT NOT NULL,"
	" last_duration_us INTEGER NOT NULL, total_duration_us INTEGER NOT NULL,"
	" t INTEGER NOT NULL, PRIMARY KEY (run_id, name)) WITHOUT ROWID;";

#define WIN_COLUMNS "n, min0, max0, avg0, min1, max1, avg1, min2, max2, avg2, min3, max3, avg3," \
	" min4, max4, avg4"

static const char *const stmt_sql[LW_HS_COUNT] = {
	[LW_HS_BEGIN_WRITE] = "BEGIN IMMEDIATE",
	[LW_HS_BEGIN_READ] = "BEGIN",
	[LW_HS_COMMIT] = "COMMIT",
	[LW_HS_IDENT_UPSERT] =
		"INSERT INTO ident (kind, pid, start_time, name, seen_t) VALUES (?1, ?2, ?3, ?4, ?5)"
		" ON CONFLICT (kind, pid, start_time, name) DO UPDATE SET seen_t = excluded.seen_t"
		" RETURNING id",
	[LW_HS_IDENT_GET] = "SELECT kind, pid, start_time, name FROM ident WHERE id = ?1",
	[LW_HS_PRUNE_IDENTS] =
		"DELETE FROM ident WHERE seen_t < ?1 AND id NOT IN (SELECT id FROM sample WHERE t = ?2)"
		" AND id NOT IN (SELECT id FROM win WHERE t = ?3)",
	[LW_HS_PAGE_COUNT] = "PRAGMA page_count",
	[LW_HS_FREELIST_COUNT] = "PRAGMA freelist_count",
	[LW_HS_CHECKPOINT] = "PRAGMA wal_checkpoint(TRUNCATE)",
	[LW_HS_LAST_KEYFRAME_AT] = "SELECT max(t) FROM cycle WHERE keyframe = 1 AND t <= ?1",
	[LW_HS_RUN_INSERT] =
		"INSERT INTO run (start_t, stop_t, pid, program, version, boot_id, boot_t, interval_s,"
		" config) VALUES (?1, NULL, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
	[LW_HS_RUN_FIND] = "SELECT id FROM run WHERE id = ?1 AND pid = ?2 AND start_t = ?3"
			   " AND stop_t IS NULL",
	[LW_HS_RUN_UPDATE] = "UPDATE run SET program = ?2, version = ?3, interval_s = ?4,"
			     " config = ?5 WHERE id = ?1",
	[LW_HS_RUN_STOP] = "UPDATE run SET stop_t = ?2 WHERE id = ?1",
	/* seq restarts only with a new run: a duplicate is the same event, kept once. */
	[LW_HS_EVENT_PUT] =
		"INSERT INTO alarm_event (run_id, seq, t, is_raise, alarm_index, type, type_name,"
		" severity, object, name, instance, start_time, value, threshold, slope,"
		" exhaustion_s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
		" ?15, ?16) ON CONFLICT (run_id, seq) DO NOTHING",
	[LW_HS_PRUNE_EVENTS] = "DELETE FROM alarm_event WHERE t < ?1",
	/* Ended before ?1: stopped then, or killed before a later run started by then; never
	 * the writer's own run (?2). */
	[LW_HS_PRUNE_RUNS] =
		"DELETE FROM run WHERE id <> ?2 AND (stop_t < ?1 OR (stop_t IS NULL AND EXISTS"
		" (SELECT 1 FROM run AS later WHERE later.id > run.id AND later.start_t < ?1)))",
	[LW_HS_COLLECTOR_PUT] =
		"INSERT INTO collector (run_id, name, source, interval_s, runs, errors, ok, last_error,"
		" notice, last_duration_us, total_duration_us, t) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
		" ?8, ?9, ?10, ?11, ?12) ON CONFLICT (run_id, name) DO UPDATE SET"
		" source = excluded.source, interval_s = excluded.interval_s, runs = excluded.runs,"
		" errors = excluded.errors, ok = excluded.ok, last_error = excluded.last_error,"
		" notice = excluded.notice, last_duration_us = excluded.last_duration_us,"
		" total_duration_us = excluded.total_duration_us, t = excluded.t",
	/* After LW_HS_PRUNE_RUNS: the rows of the runs it deleted (a handful of runs, ~16 rows
	 * each: the scan is cheap). */
	[LW_HS_PRUNE_COLLECTORS] = "DELETE FROM collector WHERE run_id NOT IN (SELECT id FROM run)",

	[LW_HS_FULL_PUT_ROW] = "INSERT INTO sample (t, id, v0, v1, v2, v3, v4)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[LW_HS_FULL_PUT_POINT] = "INSERT INTO cycle (t, keyframe, sampled, rows)"
				 " VALUES (?1, ?2, ?3, ?4)",
	[LW_HS_FULL_POINTS] = "SELECT t, keyframe, sampled FROM cycle WHERE t >= ?1 AND t <= ?2"
			      " ORDER BY t",
	[LW_HS_FULL_ROWS] = "SELECT t, id, v0, v1, v2, v3, v4 FROM sample"
			    " WHERE t >= ?1 AND t <= ?2 ORDER BY t, id",
	[LW_HS_FULL_DEL_ROWS_AT] = "DELETE FROM sample WHERE t = ?1",
	[LW_HS_FULL_SET_KEYFRAME] = "UPDATE cycle SET keyframe = 1, rows = ?2 WHERE t = ?1",
	[LW_HS_FULL_DEL_ROWS_BEFORE] = "DELETE FROM sample WHERE t < ?1",
	[LW_HS_FULL_DEL_POINTS_BEFORE] = "DELETE FROM cycle WHERE t < ?1",
	[LW_HS_FULL_FIRST_AT_OR_AFTER] = "SELECT min(t) FROM cycle WHERE t >= ?1",
	[LW_HS_FULL_BOUNDS] = "SELECT min(t), max(t) FROM cycle",

	[LW_HS_WIN_PUT_ROW] = "INSERT INTO win (t, id, " WIN_COLUMNS ") VALUES (?1, ?2, ?3, ?4,"
			      " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
	[LW_HS_WIN_PUT_POINT] = "INSERT INTO win_cycle (t, keyframe, sampled, rows, span_s)"
				" VALUES (?1, ?2, ?3, ?4, ?5)",
	[LW_HS_WIN_POINTS] = "SELECT t, keyframe, sampled FROM win_cycle WHERE t >= ?1 AND t <= ?2"
			     " ORDER BY t",
	[LW_HS_WIN_ROWS] = "SELECT t, id, " WIN_COLUMNS " FROM win WHERE t >= ?1 AND t <= ?2"
			   " ORDER BY t, id",
	[LW_HS_WIN_DEL_ROWS_AT] = "DELETE FROM win WHERE t = ?1",
	[LW_HS_WIN_SET_KEYFRAME] = "UPDATE win_cycle SET keyframe = 1, rows = ?2 WHERE t = ?1",
	[LW_HS_WIN_DEL_ROWS_BEFORE] = "DELETE FROM win WHERE t < ?1",
	[LW_HS_WIN_DEL_POINTS_BEFORE] = "DELETE FROM win_cycle WHERE t < ?1",
	[LW_HS_WIN_FIRST_AT_OR_AFTER] = "SELECT min(t) FROM win_cycle WHERE t >= ?1",
	[LW_HS_WIN_BOUNDS] = "SELECT min(t), max(t) FROM win_cycle",
};

static int query_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		*out = 0;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

static int create_schema(struct lw_hwriter *w)
{
	char sql[sizeof(schema_v1_sql) + sizeof(schema_v2_sql) + sizeof(schema_v3_sql) + 96];
	int rc;

	lw_hwriter_doing(w, "creating the schema");
	rc = sqlite3_exec(w->db, "PRAGMA auto_vacuum = INCREMENTAL", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return rc;
	snprintf(sql, sizeof(sql), "BEGIN IMMEDIATE;%s%s%sPRAGMA user_version = %d;COMMIT;",
		 schema_v1_sql, schema_v2_sql, schema_v3_sql, LW_HIST_SCHEMA_VERSION);
	rc = sqlite3_exec(w->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK && !sqlite3_get_autocommit(w->db))
		sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* What each version adds to the one before: steps[v] takes a version-v file to v + 1. */
static const char *const steps[LW_HIST_SCHEMA_VERSION] = {
	[1] = schema_v2_sql,
	[2] = schema_v3_sql,
};

/*
 * Version `from` -> from + 1, in place and in one transaction: the new tables (and kinds), then
 * the version. Nothing older changes, so the samples stay as they are, and a failure (a full
 * disk) rolls back to a file of version `from` that the next open migrates again. BEGIN
 * IMMEDIATE takes the write lock first: another writer cannot migrate the same file at the same
 * time, and the version is read again under the lock.
 */
static int migrate(struct lw_hwriter *w, int64_t from)
{
	char sql[sizeof(schema_v2_sql) + sizeof(schema_v3_sql) + 64];
	int64_t version;
	int rc;

	lw_hwriter_doing(w, "migrating the schema from version %lld to %lld", (long long)from,
			 (long long)from + 1);
	if ((rc = sqlite3_exec(w->db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK)
		return rc;
	if ((rc = query_int(w->db, "PRAGMA user_version", &version)) != SQLITE_OK)
		goto fail;
	if (version != from) {
		sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
		return SQLITE_OK;  /* migrated meanwhile */
	}
	snprintf(sql, sizeof(sql), "%sPRAGMA user_version = %lld;COMMIT;", steps[from],
		 (long long)from + 1);
	if ((rc = sqlite3_exec(w->db, sql, NULL, NULL, NULL)) == SQLITE_OK)
		return SQLITE_OK;
fail:
	if (!sqlite3_get_autocommit(w->db))
		sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int lw_hschema_setup(struct lw_hwriter *w)
{
	int64_t version, tables;
	int rc;

	lw_hwriter_doing(w, "reading the schema version");
	if ((rc = query_int(w->db, "PRAGMA user_version", &version)) != SQLITE_OK)
		return rc;
	if (version > LW_HIST_SCHEMA_VERSION) {
		lw_hwriter_doing(w, "schema version %lld is newer than this leakwatchd's (%d); the file is"
			     " left as it is", (long long)version, LW_HIST_SCHEMA_VERSION);
		return LW_HRC_REFUSED;
	}
	if (version == LW_HIST_SCHEMA_VERSION)
		return SQLITE_OK;
	/* Each older version is migrated in place, one transaction per step. */
	if (version >= 1) {
		for (; version < LW_HIST_SCHEMA_VERSION; version++)
			if ((rc = migrate(w, version)) != SQLITE_OK)
				return rc;
		return SQLITE_OK;
	}
	if ((rc = query_int(w->db, "SELECT count(*) FROM sqlite_master", &tables)) != SQLITE_OK)
		return rc;
	if (tables > 0) {
		lw_hwriter_doing(w, "a SQLite file with tables but no schema version is not a leakwatch"
			     " history; it is left as it is");
		return LW_HRC_REFUSED;
	}
	return create_schema(w);
}

int lw_hschema_prepare(struct lw_hwriter *w)
{
	for (int i = 0; i < LW_HS_COUNT; i++) {
		int rc;

		lw_hwriter_doing(w, "preparing statement %d", i);
		rc = sqlite3_prepare_v3(w->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
					&w->stmt[i], NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

void lw_hschema_finalize(struct lw_hwriter *w)
{
	for (int i = 0; i < LW_HS_COUNT; i++) {
		sqlite3_finalize(w->stmt[i]);
		w->stmt[i] = NULL;
	}
}
