/* history_write.h: storing one cycle, then its upkeep. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_HISTORY_WRITE_H
#define LW_HISTORY_WRITE_H

#include "history/history_types.h"
#include "history/history_writer.h"

/* Stores one cycle (one transaction), then the upkeep; the status says how it went. */
void lw_hwrite_cycle(struct lw_hwriter *w, const struct lw_history_cycle *c);

#endif
