/* collect_run.h: what leakwatch collect's history run row says: the program, its settings. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_CLI_COLLECT_RUN_H
#define LW_CLI_COLLECT_RUN_H

#include <stdint.h>

#include "base/lw_error.h"

struct lw_history;

/*
 * Hands the history its run: program "leakwatch collect", the version, the interval, and as its
 * configuration the command's settings and the --config file (NULL: none), its secrets (read
 * communities, trap sinks' communities, v3 passphrases) commented out: the database travels
 * in the report. The text parses as leakwatchd.conf, so the report's detector replay reads
 * the thresholds from it.
 */
int collect_set_run(struct lw_history *h, uint32_t duration_s, uint32_t interval_s,
		    const char *config_path, struct lw_error *err);

#endif
