/* history_schema.h: the schema's version check and creation, and the prepared statements. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_HISTORY_SCHEMA_H
#define LW_HISTORY_SCHEMA_H

#include "history/history_writer.h"

/*
 * Checks PRAGMA user_version and creates the schema in a new file. A newer version, or tables
 * without a version (not a history file), fail with LW_HRC_REFUSED and the reason in w->doing;
 * nothing in the file is changed then.
 */
int lw_hschema_setup(struct lw_hwriter *w);

int lw_hschema_prepare(struct lw_hwriter *w);
void lw_hschema_finalize(struct lw_hwriter *w);

#endif
