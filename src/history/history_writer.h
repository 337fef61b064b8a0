/* history_writer.h: the writer's context, shared by the history_*.c parts of the store. */
#ifndef LW_HISTORY_WRITER_H
#define LW_HISTORY_WRITER_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "history/history.h"
#include "history/history_idmap.h"
#include "history/history_vecs.h"

/* PRAGMA user_version of the schema this code writes (history_schema.c has its history). */
#define LW_HIST_SCHEMA_VERSION 1

/* What a series is: ident.kind, and bit (1 << kind) of a point's `sampled` mask. */
enum lw_hkind {
	LW_HK_PROC = 1,             /* rss_kb, anon_kb, vsz_kb, fds, cpu_ticks */
	LW_HK_GROUP = 2,            /* count, fds, rss_kb */
	LW_HK_SLAB = 3,             /* total_bytes, active_bytes */
	LW_HK_MCAST = 4,            /* packets, octets, pps10, bps10 */
	LW_HK_SYS = 5,              /* value (the name says which enum lw_hist_sys_field) */
};

/* Values of a kind per full-resolution sample (0 for an unknown kind). */
unsigned lw_hkind_width(int kind);

/* Bit i: value i of the kind is a counter (cpu_ticks, packets, octets), not a gauge. */
uint32_t lw_hkind_counters(int kind);

/*
 * Window columns never stored for a kind: min and avg of its counters. A counter's min/max/avg
 * over a window say nothing its value at the window's end (max) does not, and would cost an
 * idle process a second row in the window after each tick of CPU.
 */
uint32_t lw_hwin_unstored(int kind);

/* The two tiers: every cycle, and windows of n, then min, max, avg of each value. */
enum lw_htier { LW_HT_FULL, LW_HT_WIN, LW_HT_COUNT };
#define LW_HFULL_WIDTH 5
#define LW_HWIN_WIDTH (1 + 3 * LW_HFULL_WIDTH)

/* Values per point of a kind in a tier. */
static inline unsigned lw_htier_nvals(enum lw_htier tier, int kind)
{
	unsigned k = lw_hkind_width(kind);

	return tier == LW_HT_FULL ? k : (k ? 1 + 3 * k : 0);
}

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

struct lw_hwriter {
	struct lw_history_config cfg;
	char wal_path[sizeof(((struct lw_history_config *)0)->path) + 8];
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

/* --- history_schema.c ---------------------------------------------------------------------- */

/*
 * Checks PRAGMA user_version and creates the schema in a new file. A newer version, or tables
 * without a version (not a history file), fail with LW_HRC_REFUSED and the reason in w->doing;
 * nothing in the file is changed then.
 */
int lw_hschema_setup(struct lw_hwriter *w);

int lw_hschema_prepare(struct lw_hwriter *w);
void lw_hschema_finalize(struct lw_hwriter *w);

/* The stored name of a system field ("mem_available_kb"), and back (-1: unknown). */
const char *lw_hsys_name(int field);
int lw_hsys_field(const char *name);

/* --- history_db.c -------------------------------------------------------------------------- */

void lw_hwriter_init(struct lw_hwriter *w, const struct lw_history_config *cfg);
void lw_hwriter_free(struct lw_hwriter *w);

/* Opens the file if it is not open (a corrupt one is moved aside and a new one started). */
int lw_hdb_open(struct lw_hwriter *w);
void lw_hdb_close(struct lw_hwriter *w);

/*
 * Records a failure (rc, while w->doing) in the status, naming the file, and closes the handle,
 * so the next cycle reopens. A corrupt file is renamed aside (PATH.corrupt-EPOCH, with its
 * -wal and -shm): returns true then, and the caller may open a new file at once.
 */
bool lw_hdb_fail(struct lw_hwriter *w, int rc);

/*
 * Closes the file and renames it (with its -wal and -shm) to PATH.WHY-EPOCH, so the next open
 * starts a new one; false (errno set) when the rename failed.
 */
bool lw_hdb_move_aside(struct lw_hwriter *w, const char *why, char *moved_to, size_t cap);

/* Forgets what the last points stored: the next point of each tier is a keyframe. */
void lw_hdb_reset_state(struct lw_hwriter *w);

/* Formats a status text, cut at its size (the file's name comes first, so it always shows);
 * the cut is meant, which snprintf would have -Wformat-truncation refuse at compile time. */
void lw_htext(char *dst, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Sets w->doing (what the next step is, for the error text). */
void lw_hdb_doing(struct lw_hwriter *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Steps a statement that returns no row (or ignores them), then resets it. */
int lw_hdb_run(struct lw_hwriter *w, enum lw_hstmt s);

/* Steps a statement whose first row's first column is one integer; NULL or no row: `none`. */
int lw_hdb_int(struct lw_hwriter *w, enum lw_hstmt s, int64_t none, int64_t *out);

/* Loads the tiers' bounds from the file. */
int lw_hdb_load_bounds(struct lw_hwriter *w);

/* Size of the database file and of its WAL. */
uint64_t lw_hdb_file_bytes(const struct lw_hwriter *w);

/* Bytes of pages in use (page_count - freelist_count) and of the whole file. */
int lw_hdb_pages(struct lw_hwriter *w, uint64_t *used, uint64_t *total);

/* PRAGMA wal_checkpoint(TRUNCATE) when the WAL is past w->wal_limit; a reader holding it is fine. */
int lw_hdb_checkpoint(struct lw_hwriter *w, bool always);

/* --- history_write.c ----------------------------------------------------------------------- */

/* Stores one cycle (one transaction), then the upkeep; the status says how it went. */
void lw_hwrite_cycle(struct lw_hwriter *w, const struct lw_history_cycle *c);

/* Binds the row `values` (mask: which are stored, the rest NULL) to a tier's put statement. */
int lw_hwrite_row(struct lw_hwriter *w, enum lw_htier tier, int64_t t, int64_t id, int kind,
		  const int64_t *values, unsigned nvals, uint32_t mask);
/* Where the expanded rows of one cycle or one window go: a tier at a time t. */
struct lw_hrow_sink {
	struct lw_hwriter *w;
	enum lw_htier tier;
	int64_t t;
};
/* An lw_hexp row callback: lw_hwrite_row into the sink ctx (a struct lw_hrow_sink). */
int lw_hput_row(void *ctx, int64_t id, int kind, const int64_t *values, unsigned nvals,
		uint32_t mask);

/* Inserts a tier's point (cycle or window) row. */
int lw_hwrite_point(struct lw_hwriter *w, enum lw_htier tier, int64_t t, bool keyframe,
		    uint32_t sampled, size_t rows);

/* --- history_retention.c ------------------------------------------------------------------- */

/*
 * After a cycle: folds full-resolution data older than full_hours into windows, drops windows
 * older than days, keeps the file under max_mb. Each step is its own transaction.
 */
int lw_hretain(struct lw_hwriter *w);

/* --- history_replay.c ---------------------------------------------------------------------- */

int lw_hreplay(struct lw_hwriter *w, int64_t since_s,
	       int (*cb)(void *arg, const struct lw_hist_point *p), void *arg,
	       struct lw_error *err);

#endif
