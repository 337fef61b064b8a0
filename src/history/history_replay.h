/* history_replay.h: replaying stored full-resolution samples in time order. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_HISTORY_REPLAY_H
#define LW_HISTORY_REPLAY_H

#include <stdint.h>

#include "base/histpoint.h"
#include "base/lw_error.h"
#include "history/history_writer.h"

/* lw_history_replay's work (history.h says what it delivers), on the writer's handle while
 * the writer thread is paused. */
int lw_hreplay(struct lw_hwriter *w, int64_t since_s,
	       int (*cb)(void *arg, const struct lw_hist_point *p), void *arg,
	       struct lw_error *err);

#endif
