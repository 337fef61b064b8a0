/* history_rows.h: a tier's sample rows and points, bound to its prepared statements. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_HISTORY_ROWS_H
#define LW_HISTORY_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "history/history_writer.h"

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

#endif
