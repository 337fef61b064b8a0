/* netcollectors.h: the TCP socket and socket-memory collectors of the registry (lwTcp subtree). */
#ifndef LW_NETCOLLECTORS_H
#define LW_NETCOLLECTORS_H

#include "cycle/collector.h"

int lw_run_tcp(const struct lw_collect_ctx *ctx, struct lw_system *sys, struct lw_error *err);
int lw_run_sockstat(const struct lw_collect_ctx *ctx, struct lw_system *sys, struct lw_error *err);
int lw_run_tcp_limits(const struct lw_collect_ctx *ctx, struct lw_system *sys,
		      struct lw_error *err);
int lw_run_tcp_counters(const struct lw_collect_ctx *ctx, struct lw_system *sys,
			struct lw_error *err);

#endif
