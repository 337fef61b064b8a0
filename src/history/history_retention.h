/* history_retention.h: folding, dropping and bounding what the file keeps. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_HISTORY_RETENTION_H
#define LW_HISTORY_RETENTION_H

#include "history/history_writer.h"

/*
 * After a cycle: folds full-resolution data older than full_hours into windows, drops windows
 * older than days, keeps the file under max_mb. Each step is its own transaction.
 */
int lw_hretain(struct lw_hwriter *w);

#endif
