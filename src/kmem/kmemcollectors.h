/* kmemcollectors.h: the slabinfo, zoneinfo, buddyinfo and vmstat collectors (lwKernel subtree). */
#ifndef LW_KMEMCOLLECTORS_H
#define LW_KMEMCOLLECTORS_H

#include "cycle/collector.h"

int lw_run_slabinfo(const struct lw_collect_ctx *ctx, struct lw_system *sys, struct lw_error *err);
int lw_run_zoneinfo(const struct lw_collect_ctx *ctx, struct lw_system *sys, struct lw_error *err);
int lw_run_buddyinfo(const struct lw_collect_ctx *ctx, struct lw_system *sys,
		     struct lw_error *err);
int lw_run_vmstat(const struct lw_collect_ctx *ctx, struct lw_system *sys, struct lw_error *err);

#endif
