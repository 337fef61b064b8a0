/* report_int.h: what the parts of lw_report_build share: the read-only database, its tiers' expansion, the series' accumulators. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_REPORT_INT_H
#define LW_REPORT_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"
#include "report/report.h"

/* --- report_db.c: the history opened read-only ---------------------------------------------- */

#define LW_RKIND_MAX 16            /* kinds 1..15 */
#define LW_RVALS 5                 /* v0..v4 */

/* The kind table's names, owned by the report (struct lw_report.names). */
struct lw_rnames {
	char kind_name[LW_RKIND_MAX][32];
	char metric[LW_RKIND_MAX][LW_RVALS][32];
};

struct lw_rdb {
	sqlite3 *db;
	bool immutable;             /* opened with immutable=1 */
	int version;                /* user_version */
	bool has_runs;              /* the run and alarm_event tables (version 2) */
	bool has_collectors;        /* the collector table (version 3) */
	/* The kind table: its name and its values' names (NULL: unused). */
	char kind_name[LW_RKIND_MAX][32];
	char metric[LW_RKIND_MAX][LW_RVALS][32];
	unsigned width[LW_RKIND_MAX];
};

/*
 * Opens path read-only, never blocking a writer (WAL: readers and one writer coexist), and
 * begins the one read transaction the whole report is read in. Where the -shm file cannot be
 * made (a read-only file or directory) it opens again with immutable=1.
 */
int lw_rdb_open(struct lw_rdb *d, const char *path, struct lw_error *err);
void lw_rdb_close(struct lw_rdb *d);

/* One integer of a query with up to two int64 parameters; *out = dflt when NULL or no row. */
int lw_rdb_int(struct lw_rdb *d, const char *sql, int64_t a, int64_t b, int64_t dflt,
	       int64_t *out);

/* --- report_expand.c: change-only rows back to every live series at each point ------------- */

struct lw_rident {
	int64_t id;
	int kind;
	uint32_t pid;
	int64_t start_time;
	char *name;
	bool live;
	int64_t v[1 + 3 * LW_RVALS];  /* full: v0..v4; windows: n, then min, max, avg of each */
	int32_t series[LW_RVALS];     /* the model's series of each value; -1 none yet */
	/* Change-only rows: a series without a row at a point holds its value. These let the
	 * report visit only the series that changed (report_build.c's catch-up). */
	int64_t pv[1 + 3 * LW_RVALS];  /* v before this point's row (valid when touch_t is t) */
	int64_t touch_t;              /* the point whose row or keyframe last touched it */
	int64_t fed;                  /* the caller's: the last point index it took; -1 none */
};

struct lw_rexp {
	sqlite3 *db;
	bool win;                   /* the window tier (win, win_cycle) */
	struct lw_rident *e;        /* every ident row, sorted by id */
	size_t n;
	/* At each point given to the callback: the idents whose row (or the keyframe) changed
	 * them, in id order, their values before in pv; `all`: a keyframe or the first point
	 * given, when every ident must be looked at. */
	size_t *touched;
	size_t ntouched, captouched;
	bool all;
};

/* Loads the ident table (both tiers share it). */
int lw_rexp_init(struct lw_rexp *x, sqlite3 *db, bool win);
void lw_rexp_free(struct lw_rexp *x);

/* Called after each point's rows are applied; non-zero stops and is returned. */
typedef int (*lw_rexp_fn)(void *arg, struct lw_rexp *x, int64_t t, uint32_t sampled,
			  int64_t span_s);

/* Expands the points with from <= t <= to (starting at the keyframe at or before from);
 * fn sees only those at or after `deliver_from`. SQLite rc, or fn's. */
int lw_rexp_run(struct lw_rexp *x, int64_t from, int64_t deliver_from, int64_t to,
		lw_rexp_fn fn, void *arg);

/* --- report_acc.c: one series' points, reduced, and its running figures -------------------- */

#define LW_RSLOTS 64

struct lw_racc {
	/* Everything a sample touches is here, in one place: a cycle visits every live series,
	 * and the points and slots arrays are written only when something changes. */
	int64_t b_idx, b_tsum;      /* the bucket being filled */
	double b_min, b_max, b_sum;
	uint32_t b_n, b_ns;
	bool b_open;
	bool brk;                   /* a gap before the bucket: the next point starts a new run */
	bool joined;                /* pend follows the point before it without a gap */
	bool has_pend;              /* pend: the last point, not yet in the series' array */
	bool before_flat;           /* the last point in the array is flat, at before_v */
	bool has_last, has_raw, varied;
	uint8_t counter;            /* a counter: rates */
	int8_t rseries;             /* the detector's series (enum lw_hist_series), -1 none */
	char *rname;                /* its name for the detector, where the series' own may move */
	int16_t field;              /* a system series' field */
	double before_v;
	struct lw_report_point pend;
	/* the last sample, and the running figures (copied into the series at the end) */
	int64_t last_t, first_t, end_t;  /* end_t: the last sample added (a counter's last rate) */
	double last_v, first_v, mn, mx;
	uint64_t last_raw;          /* a counter's stored value */
	uint64_t steps, ups, samples;
	/* the slot being filled, then the slots for the robust slope: LW_RSLOTS of slot_w
	 * seconds from slot_t0, doubled as needed; allocated at the first change (a constant
	 * series has slope 0) */
	int64_t cur_k, cur_end;
	double cur_sum;
	uint64_t cur_n;
	uint64_t const_n;           /* samples before the first change */
	double *slot_sum;
	uint32_t *slot_n;
	int64_t slot_t0, slot_w;
};

struct lw_rbuild {
	struct lw_report *r;
	struct lw_racc *acc;        /* one per series */
	size_t cap;
	int64_t from, to;
	unsigned nbuckets;
	int64_t gap_full_s, gap_win_s;
};

/* A new series of the model (its identity filled in by the caller); -1: out of memory. */
int32_t lw_rseries_new(struct lw_rbuild *b);

/* One sample of series i: min, max, avg over n samples at t (full resolution: all three the
 * sample). A counter's raw value goes through lw_racc_counter instead. gap_s: a larger step
 * from the last sample is a gap. */
int lw_racc_add(struct lw_rbuild *b, size_t i, int64_t t, double mn, double mx, double avg,
		uint32_t n, int64_t gap_s);
int lw_racc_counter(struct lw_rbuild *b, size_t i, int64_t t, uint64_t raw, int64_t gap_s);

/* The full-resolution points seen so far, for lw_racc_const: times, their prefix sums
 * (tsum[q]: t[0] + ... + t[q - 1]), each one's bucket, and each bucket's first and last point. */
struct lw_rpts {
	const int64_t *t, *tsum;
	const int32_t *bidx, *bfirst, *blast;
};

/* Samples of one value v at the points qa..qb-1 of series i, which took its last sample, of
 * the same value, at point qa - 1: no gap between them. The same as lw_racc_add at each point
 * (a counter: v is its rate, 0), in time proportional to the buckets and slots they touch, not
 * to the points: a series that holds its value costs little. */
int lw_racc_const(struct lw_rbuild *b, size_t i, const struct lw_rpts *p, size_t qa, size_t qb,
		  double v);

/* Flushes the open buckets, computes start, end, delta, slope, growing share. */
int lw_racc_finish(struct lw_rbuild *b);
void lw_racc_free(struct lw_rbuild *b);

/* Theil-Sen over (x, y) pairs: the median of every pair's slope (x distinct). */
double lw_rtheil_sen(const double *x, const double *y, size_t n);

/* --- report_replay.c: the detector replay on a thread of its own -------------------------- */

struct lw_watch;
struct lw_hist_point;
struct lw_rreplay;

/* Starts the thread (inline replay if it cannot); -1: out of memory. */
int lw_rreplay_start(struct lw_rreplay **out, struct lw_watch *w);
/* A sample for lw_watch_replay_point, copied: p->name must live until lw_rreplay_finish. */
int lw_rreplay_add(struct lw_rreplay *q, const struct lw_hist_point *p);
/* Every sample given replayed and the thread gone (the detector is the caller's again);
 * free_too: q freed as well. */
void lw_rreplay_finish(struct lw_rreplay *q, bool free_too);

/* --- report_figures.c ---------------------------------------------------------------------- */

/* Limits and exhaustion, the rising test, the suspects' ranking. */
int lw_rfigures(struct lw_report *r, const struct lw_rbuild *b, uint32_t min_slope_kb_h,
		uint32_t min_slope_count_h, struct lw_error *err);

/* --- report_meta.c: runs, alarm events, gaps ----------------------------------------------- */

int lw_rmeta_runs(struct lw_report *r, struct lw_rdb *d, struct lw_error *err);
int lw_rmeta_events(struct lw_report *r, struct lw_rdb *d, struct lw_error *err);
/* The collector rows of the runs kept (after lw_rmeta_runs; d->has_collectors). */
int lw_rmeta_collectors(struct lw_report *r, struct lw_rdb *d, struct lw_error *err);
/* Gaps from the points' times (sorted), explained by the runs. */
int lw_rmeta_gaps(struct lw_report *r, const int64_t *t, size_t n, int64_t gap_s,
		  struct lw_error *err);
void lw_rmeta_self(struct lw_report *r);
int lw_report_note(struct lw_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
