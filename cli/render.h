/* render.h: a table read from an agent as text with named columns and human units, JSON or CSV. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_CLI_RENDER_H
#define LW_CLI_RENDER_H

#include <stdio.h>

#include "snmp_client.h"

enum lw_format { LW_FMT_TEXT, LW_FMT_JSON, LW_FMT_CSV };

#define LW_INDEX_TEXT_MAX 48
/* The index of row R decoded by G's INDEX clause (numbers, enumeration values, addresses as
 * text) into OUT; returns how many components (at most G->nindex). */
size_t lw_index_decode(const struct lw_obj_group *g, const struct lw_row *r,
		       char out[][LW_INDEX_TEXT_MAX], size_t max);

/*
 * Writes T to F. Text: the index columns and the columns of TEXT_COLS (MIB names; NULL for
 * every column), headers without the table's prefix, values in human units, padded to align.
 * JSON: an array of objects keyed by the MIB names (index objects included), values raw. CSV:
 * a header row of MIB names, then raw values (RFC 4180 quoting).
 */
void lw_render_table(FILE *f, const struct lw_table *t, enum lw_format fmt,
		     const char *const *text_cols);
/* A scalar group's values (one row of T, index-less) as name/value lines, one JSON object or
 * a two-line CSV. */
void lw_render_scalars(FILE *f, const struct lw_table *t, enum lw_format fmt);
/* The column's header: the name without the table's prefix and unit suffix ("lwProcRssKB" in
 * lwProcTable: "rss"). */
void lw_short_name(char *buf, size_t size, const struct lw_obj_group *g, const char *name);
void lw_json_string(FILE *f, const char *s);

#endif
