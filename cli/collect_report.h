/* collect_report.h: the report at the end of leakwatch collect, from the collection's database. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_CLI_COLLECT_REPORT_H
#define LW_CLI_COLLECT_REPORT_H

#include <stddef.h>

#include "base/lw_error.h"

/* Builds the report of everything in db (lw_report_build) and writes it to out (lw_report_write).
 * The configuration and the thresholds are the run row's (collect_run.h), which has the secrets
 * of a --config file left out, so the file itself is not copied in. On success *cycles and
 * *suspects say what it holds. */
int collect_write_report(const char *db, const char *out, size_t *cycles, size_t *suspects,
			 struct lw_error *err);

#endif
