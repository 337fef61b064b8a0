/* history_run.h: the writer's run row (who writes, since when, stopped cleanly or not) and the alarm events. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_HISTORY_RUN_H
#define LW_HISTORY_RUN_H

#include <stdint.h>

#include "history/history_types.h"
#include "history/history_writer.h"

/* How old the stored collector rows may get before an unchanged table is written again (their
 * runs and durations): a few minutes, at most one write per this many seconds on a steady host. */
#define LW_HRUN_COLLECTOR_REFRESH_S 300

/* Fills w->run's identity: pid, start time, the host's boot; program "unknown". */
void lw_hrun_init(struct lw_hrun *r);
void lw_hrun_free(struct lw_hrun *r);

/* Copies what the caller says of the run into *out (emptied first); -1 when out of memory. */
int lw_hrun_info_set(struct lw_hrun_info *out, const struct lw_history_run_info *info);
void lw_hrun_info_free(struct lw_hrun_info *i);

/* The run is now described by *info, which is taken (left empty); its row is updated with the
 * next cycle if it was written already. */
void lw_hrun_adopt(struct lw_hrun *r, struct lw_hrun_info *info);

/* Inside the cycle's transaction: writes the run's row if the open file has none of ours yet,
 * updates it after lw_hrun_set, and stores the cycle's alarm events under it, and its
 * collector rows when they changed or have grown old (LW_HRUN_COLLECTOR_REFRESH_S). */
int lw_hrun_write(struct lw_hwriter *w, const struct lw_history_cycle *c);

/* A clean stop: sets the row's stop_t (opening the file if a failure had closed it). */
void lw_hrun_stop(struct lw_hwriter *w);

/* Retention: alarm events before `oldest` (the oldest sample kept), runs that ended before it
 * and their collector rows. */
int lw_hrun_prune(struct lw_hwriter *w, int64_t oldest);

#endif
