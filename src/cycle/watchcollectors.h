/* watchcollectors.h: the detector and history collectors, run after every other collector. */
#ifndef LW_WATCHCOLLECTORS_H
#define LW_WATCHCOLLECTORS_H

#include "cycle/collector.h"

/*
 * Collector 15 "detector": at its first run replays the history into the detectors (so they
 * resume instead of learning again), then every cycle feeds the cycle's tables to the
 * detectors and evaluates the alarms (src/detect/watch.c).
 */
int lw_run_detector(const struct lw_collect_ctx *ctx, struct lw_system *sys,
		    struct lw_error *err);

/*
 * Collector 16 "history": hands the cycle to the history writer and reports the writer's state:
 * the run fails (lwCollectorLastError) while the writer cannot write (a full disk, a read-only
 * file...), and succeeds again once it can; a notice says what the writer did on its own (a
 * corrupt file moved aside) or that the history is off.
 */
int lw_run_history(const struct lw_collect_ctx *ctx, struct lw_system *sys, struct lw_error *err);

#endif
