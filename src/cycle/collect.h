/* collect.h: one cycle over every collector and stage, with the state kept between cycles. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_COLLECT_H
#define LW_COLLECT_H

#include <stdatomic.h>

#include "config/lw_config.h"
#include "base/lw_error.h"
#include "cycle/snapshot.h"

struct lw_collect_state;

/* Opens root and takes a reference to cfg, a shared configuration (config/lw_config.h). */
int lw_collect_state_new(const char *root, const struct lw_config *cfg,
			 struct lw_collect_state **out, struct lw_error *err);

struct lw_history;
struct lw_mcast_capture;

/* What the detector and history stages use beyond the cycle: both may be NULL. */
void lw_collect_attach(struct lw_collect_state *st, struct lw_history *history,
		       struct lw_mcast_capture *mcast);

/* New settings for the following cycles: takes a reference to cfg, drops the old one. Between
 * cycles, on the thread that runs them. */
void lw_collect_set_config(struct lw_collect_state *st, const struct lw_config *cfg);

/*
 * Runs every due collector once, then the detector and history stages, and returns a new
 * snapshot (caller frees; snapshot.h says what it owns), or NULL when out of memory. running,
 * when given, holds the id of the collector or stage being run, -1 between runs.
 */
struct lw_snapshot *lw_collect_cycle(struct lw_collect_state *st, atomic_int *running);

void lw_collect_state_free(struct lw_collect_state *st);

#endif
