/* procsummary.h: turning sampled processes into the published tables (top-N, groups, row cap). */
/* SPDX-License-Identifier: ISC */
#ifndef LW_PROCSUMMARY_H
#define LW_PROCSUMMARY_H

#include <stddef.h>

#include "config/lw_config.h"
#include "base/lw_error.h"
#include "proc/proctable.h"

struct lw_summary_builder {
	struct lw_proc *rows;
	size_t n, cap;
	char *arena;
	size_t alen, acap;
};

int lw_summary_begin(struct lw_summary_builder *b, struct lw_error *err);

/* Copies row, storing name and cmdline in the arena. */
int lw_summary_add(struct lw_summary_builder *b, const struct lw_proc *row, const char *name,
		   const char *cmdline);

/*
 * Consumes b into out: rows by pid, top-N per metric and groups over every row, the descriptor
 * types of the top-N by fds (from the rows: no I/O), then the row cap. notice says when the cap
 * bit or group indexes collided.
 */
int lw_summary_finish(struct lw_summary_builder *b, const struct lw_proc_config *cfg,
		      struct lw_proc_table *out, char *notice, size_t notice_cap,
		      struct lw_error *err);

void lw_summary_abort(struct lw_summary_builder *b);

#endif
