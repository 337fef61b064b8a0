/* collector.h: the interface a collector implements; it includes this, never the registry. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_COLLECTOR_H
#define LW_COLLECTOR_H

#include <stddef.h>

#include "base/lw_error.h"
#include "base/readfile.h"
#include "config/lw_config.h"

/*
 * What one run of one collector gets, and nothing more. The cycle (cycle/collect.c) builds it
 * from the collector's row of the registry (cycle/registry_table.c): part and in point into the
 * cycle's working snapshot at the places the row names, so a collector never sees the rest.
 */
struct lw_collector_ctx {
	int rootfd;                     /* the root its paths are relative to ("/" in production) */
	const struct lw_config *cfg;    /* the settings in force (process_*, tcp_*) */
	struct lw_filebuf *filebuf;     /* scratch for files of host-dependent size, reused */
	void *part;                     /* the part of the snapshot it fills: of its part_size */
	const void *in;                 /* the part it reads that a collector before it filled; or NULL */
	void **state;                   /* its own state across cycles: NULL until it makes one */
	char *notice;                   /* a condition that limits what is published; "" if none */
	size_t notice_cap;
};

/*
 * A collector: defined beside the parser of the source it reads, and named after that source.
 * run fills ctx->part from the source, or fails with err (the cycle records it; lwCollector-
 * LastError). A collector that fails leaves its part as its own comment says (a table is
 * emptied, never served stale across a failure; scalars keep their last values, which the agent
 * hides while the collector is not ok).
 */
struct lw_collector {
	size_t part_size;               /* sizeof its part: the registry's row must name one as big */
	int (*run)(const struct lw_collector_ctx *ctx, struct lw_error *err);
	void (*free_state)(void *state);  /* NULL: it keeps no state */
};

#endif
