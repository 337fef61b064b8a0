/* history_db.h: opening, closing and failing the history file; small statement helpers. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_HISTORY_DB_H
#define LW_HISTORY_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/history_settings.h"
#include "history/history_writer.h"

void lw_hwriter_init(struct lw_hwriter *w, const struct lw_history_settings *cfg);
void lw_hwriter_free(struct lw_hwriter *w);

/* Opens the file if it is not open (a corrupt one is moved aside and a new one started). */
int lw_hdb_open(struct lw_hwriter *w);
void lw_hdb_close(struct lw_hwriter *w);

/*
 * Records a failure (rc, while w->doing) in the status, naming the file, and closes the handle,
 * so the next cycle reopens. A corrupt file is renamed aside (PATH.corrupt-EPOCH, with its
 * -wal and -shm): returns true then, and the caller may open a new file at once.
 */
bool lw_hdb_fail(struct lw_hwriter *w, int rc);

/*
 * Closes the file and renames it (with its -wal and -shm) to PATH.WHY-EPOCH, so the next open
 * starts a new one; false (errno set) when the rename failed.
 */
bool lw_hdb_move_aside(struct lw_hwriter *w, const char *why, char *moved_to, size_t cap);

/* Forgets what the last points stored: the next point of each tier is a keyframe. */
void lw_hdb_reset_state(struct lw_hwriter *w);

/* Steps a statement that returns no row (or ignores them), then resets it. */
int lw_hdb_run(struct lw_hwriter *w, enum lw_hstmt s);

/* Steps a statement whose first row's first column is one integer; NULL or no row: `none`. */
int lw_hdb_int(struct lw_hwriter *w, enum lw_hstmt s, int64_t none, int64_t *out);

/* Loads the tiers' bounds from the file. */
int lw_hdb_load_bounds(struct lw_hwriter *w);

/* Size of the database file and of its WAL. */
uint64_t lw_hdb_file_bytes(const struct lw_hwriter *w);

/* Bytes of pages in use (page_count - freelist_count) and of the whole file. */
int lw_hdb_pages(struct lw_hwriter *w, uint64_t *used, uint64_t *total);

/* PRAGMA wal_checkpoint(TRUNCATE) when the WAL is past w->wal_limit; a reader holding it is fine. */
int lw_hdb_checkpoint(struct lw_hwriter *w, bool always);

#endif
