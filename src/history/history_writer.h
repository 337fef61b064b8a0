/* history_writer.h: the writer's context and its status text helpers, shared by the history_*.c parts. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_HISTORY_WRITER_H
#define LW_HISTORY_WRITER_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/history_settings.h"
#include "history/history_idmap.h"
#include "history/history_kinds.h"
#include "history/history_types.h"
#include "history/history_vecs.h"

/* PRAGMA user_version of the schema this code writes (history_schema.c has its history). */
#define LW_HIST_SCHEMA_VERSION 3

/* Every statement, prepared once per open (history_schema.c holds the SQL). */
enum lw_hstmt {
	LW_HS_BEGIN_WRITE,
	LW_HS_BEGIN_READ,
	LW_HS_COMMIT,
	LW_HS_IDENT_UPSERT,
	LW_HS_IDENT_GET,
	LW_HS_PRUNE_IDENTS,
	LW_HS_PAGE_COUNT,
	LW_HS_FREELIST_COUNT,
	LW_HS_CHECKPOINT,
	LW_HS_LAST_KEYFRAME_AT,
	LW_HS_RUN_INSERT,
	LW_HS_RUN_FIND,
	LW_HS_RUN_UPDATE,
	LW_HS_RUN_STOP,
	LW_HS_EVENT_PUT,
	LW_HS_PRUNE_EVENTS,
	LW_HS_PRUNE_RUNS,
	LW_HS_COLLECTOR_PUT,
	LW_HS_PRUNE_COLLECTORS,
	/* per tier, in this order, full tier first (see lw_htier_stmt) */
	LW_HS_FULL_PUT_ROW,
	LW_HS_FULL_PUT_POINT,
	LW_HS_FULL_POINTS,
	LW_HS_FULL_ROWS,
	LW_HS_FULL_DEL_ROWS_AT,
	LW_HS_FULL_SET_KEYFRAME,
	LW_HS_FULL_DEL_ROWS_BEFORE,
	LW_HS_FULL_DEL_POINTS_BEFORE,
	LW_HS_FULL_FIRST_AT_OR_AFTER,
	LW_HS_FULL_BOUNDS,
	LW_HS_WIN_PUT_ROW,
	LW_HS_WIN_PUT_POINT,
	LW_HS_WIN_POINTS,
	LW_HS_WIN_ROWS,
	LW_HS_WIN_DEL_ROWS_AT,
	LW_HS_WIN_SET_KEYFRAME,
	LW_HS_WIN_DEL_ROWS_BEFORE,
	LW_HS_WIN_DEL_POINTS_BEFORE,
	LW_HS_WIN_FIRST_AT_OR_AFTER,
	LW_HS_WIN_BOUNDS,
	LW_HS_COUNT
};

#define LW_HS_TIER_SPAN (LW_HS_WIN_PUT_ROW - LW_HS_FULL_PUT_ROW)

/* The statement `full_stmt` (a LW_HS_FULL_*) stands for in `tier`. */
static inline enum lw_hstmt lw_htier_stmt(enum lw_htier tier, enum lw_hstmt full_stmt)
{
	return (enum lw_hstmt)(full_stmt + (tier == LW_HT_WIN ? LW_HS_TIER_SPAN : 0));
}

#define LW_HTIME_NONE INT64_MIN

/* A result beside SQLite's: the file is refused (a newer schema, not a history); w->doing says why. */
#define LW_HRC_REFUSED 0x10000

/* What the owner of the history says of the run (lw_history_set_run). */
struct lw_hrun_info {
	char program[64], version[64];
	char *config;                      /* malloc'ed; NULL: none */
	uint32_t interval_s;
};

/* The writer's run (table run): who it is, and its row in the open file. */
struct lw_hrun {
	struct lw_hrun_info info;
	uint32_t pid;
	int64_t start_t;                   /* lw_history_open's time */
	char boot_id[40];                  /* /proc/sys/kernel/random/boot_id; "" unreadable */
	int64_t boot_t;                    /* start_t - /proc/uptime; 0 unreadable */
	int64_t id;                        /* run.id in the file; 0: not written yet */
	bool check;                        /* the file was reopened: is row `id` still ours? */
	bool dirty;                        /* set again after the row was written: update it */
	/* The collector rows as last written under `id` (table collector), and when (cycle t):
	 * nothing stored yet when ncoll is 0. */
	struct lw_hist_collector *coll;
	size_t ncoll;
	int64_t coll_t;
};

struct lw_hwriter {
	struct lw_history_settings cfg;    /* a copy: fixed for the life of the file */
	struct lw_hrun run;
	char wal_path[sizeof(((struct lw_history_settings *)0)->path) + 8];
	sqlite3 *db;                       /* NULL while the file is not open */
	sqlite3_stmt *stmt[LW_HS_COUNT];
	struct lw_hidmap ids;              /* series live at the last cycle: key -> ident.id */
	struct lw_hvecs last[LW_HT_COUNT]; /* what the last point of each tier stored, by id */
	bool last_valid[LW_HT_COUNT];      /* false: the next point of the tier is a keyframe */
	struct lw_hvecs cur;               /* the cycle being written; swapped into last[FULL] */
	int64_t oldest[LW_HT_COUNT];       /* bounds of each tier; LW_HTIME_NONE when empty */
	int64_t newest[LW_HT_COUNT];
	uint64_t page_size;
	uint64_t wal_limit;                /* checkpoint (TRUNCATE) when the WAL passes this */
	uint64_t wal_peak;                 /* the largest WAL seen after a transaction */
	uint64_t upkeep_passes;            /* transactions retention ran (folds, cuts, vacuums) */
	char doing[96];                    /* what failed, for the status text */
	struct lw_history_status st;       /* the writer's copy; history.c publishes it */
};

/*
 * Each part of the store declares what it exports in its own header (history_db.h,
 * history_schema.h, history_rows.h, history_write.h, history_retention.h, history_replay.h);
 * their includes form a DAG, which tests/check-layering.sh checks.
 */

/* Formats a status text, cut at its size (the file's name comes first, so it always shows);
 * the cut is meant, which snprintf would have -Wformat-truncation refuse at compile time. */
void lw_htext(char *dst, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Sets w->doing (what the next step is, for the error text). */
void lw_hwriter_doing(struct lw_hwriter *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
