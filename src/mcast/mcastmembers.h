/* mcastmembers.h: the mcast-members collector: multicast groups this host joined, per interface. */
#ifndef LW_MCASTMEMBERS_H
#define LW_MCASTMEMBERS_H

#include "cycle/collector.h"

/*
 * Reads proc/net/igmp and proc/net/igmp6 (optional: a kernel without IPv6 has none, which is a
 * notice) into ctx->members_out, sorted in lwMcastMemberTable's index order.
 */
int lw_run_mcast_members(const struct lw_collect_ctx *ctx, struct lw_system *sys,
			 struct lw_error *err);

#endif
