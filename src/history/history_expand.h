/* history_expand.h: change-only rows of a tier expanded back to every live series at each point. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_HISTORY_EXPAND_H
#define LW_HISTORY_EXPAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "history/history_writer.h"

/* Per-window accumulation of a full-resolution series (history_retention.c's fold). */
struct lw_hacc {
	uint32_t n;
	uint32_t unknown;           /* bit i: value i was LW_HIST_UNKNOWN in some cycle */
	uint64_t min[LW_HFULL_WIDTH], max[LW_HFULL_WIDTH];
	unsigned __int128 sum[LW_HFULL_WIDTH];
};

struct lw_hexp_entry {
	int64_t id;
	int64_t start_time;
	uint32_t pid;
	uint8_t kind;               /* 0: an id missing from ident (never written so): ignored */
	uint8_t nvals;
	bool live;                  /* false: ended, kept until lw_hexp_purge (its acc) */
};

/*
 * The series of a tier as of the last point read, sorted by id. A keyframe point ends every
 * series before its rows are applied; a row with every value NULL ends one; other NULLs keep
 * the value before. The tier's oldest point is always a keyframe (the first point of a file,
 * the first after each open, and the point every cut rewrites whole), so an expansion started
 * at any keyframe is exact.
 *
 * Parallel arrays, not one struct, so that 10k processes cost what each use needs: the values
 * at the tier's width, accumulators only for a fold, names only for a replay.
 */
struct lw_hexp {
	struct lw_hwriter *w;
	enum lw_htier tier;
	size_t width;               /* values per series: LW_HFULL_WIDTH or LW_HWIN_WIDTH */
	struct lw_hexp_entry *e;
	int64_t *v;                 /* width values per entry */
	struct lw_hacc *acc;        /* LW_HEXP_ACC */
	char (*name)[64];           /* LW_HEXP_NAMES */
	size_t n, cap;
	size_t dead;
	bool want_acc, want_names;
	bool auto_purge;            /* drop ended series now and then (not while a fold needs them) */
};

#define LW_HEXP_ACC 1u
#define LW_HEXP_NAMES 2u

static inline int64_t *lw_hexp_values(const struct lw_hexp *x, size_t i)
{
	return x->v + i * x->width;
}

/* Called after each point's rows are applied; non-zero stops the run and is returned. */
typedef int (*lw_hexp_point_fn)(void *arg, struct lw_hexp *x, int64_t t, uint32_t sampled);

#define LW_HEXP_STOP (-1)           /* a callback's "stop", not an error */

/* `want`: LW_HEXP_ACC, LW_HEXP_NAMES. Room for the series live at the tier's last point. */
void lw_hexp_init(struct lw_hexp *x, struct lw_hwriter *w, enum lw_htier tier, unsigned want);
void lw_hexp_free(struct lw_hexp *x);

/* Reads the points with from_t <= t <= to_t (from_t must be a keyframe). SQLite rc or fn's. */
int lw_hexp_run(struct lw_hexp *x, int64_t from_t, int64_t to_t, lw_hexp_point_fn fn, void *arg);

/* Removes the ended series. */
void lw_hexp_purge(struct lw_hexp *x);

#endif
