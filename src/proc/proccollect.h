/* proccollect.h: the /proc/[pid]/ collector: every process each cycle, identity-keyed caches. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_PROCCOLLECT_H
#define LW_PROCCOLLECT_H

#include <stddef.h>
#include <stdint.h>

#include "config/lw_config.h"
#include "base/lw_error.h"
#include "proc/proctable.h"

struct lw_proc_collector;

int lw_proc_collector_new(int rootfd, struct lw_proc_collector **out, struct lw_error *err);
void lw_proc_collector_free(struct lw_proc_collector *pc);

/*
 * One sample of every process. Fills out (caller releases it), *all with every process seen
 * before filters, and notice with a condition worth showing (row cap) or "". host_has_swap
 * decides whether status (VmSwap) is read. Processes that vanish mid-read are skipped.
 */
int lw_proc_collect(struct lw_proc_collector *pc, const struct lw_proc_config *cfg,
		    int host_has_swap, struct lw_proc_table *out, uint32_t *all, char *notice,
		    size_t notice_cap, struct lw_error *err);

/*
 * Work done since the collector was made, for tests and benchmarks. A process's fd directory
 * is listed (for types and sockets) on first sight and when its descriptor count moves; our
 * own only when descriptors other than the kept stat/statm ones come or go.
 */
struct lw_proc_collector_stats {
	uint64_t fd_lists;
	uint64_t own_fd_lists;
	uint64_t kept;          /* processes whose stat and statm are open now */
	uint64_t kept_budget;   /* how many may be (from the descriptor limit) */
};

void lw_proc_collector_stats(const struct lw_proc_collector *pc,
			     struct lw_proc_collector_stats *out);

struct lw_collector;

/*
 * The collector of /proc/[pid]/ (stat, statm, fd...): fills a struct lw_proc_table (its seen
 * is the processes count) and reads this cycle's struct lw_meminfo (is any page swapped out?).
 */
extern const struct lw_collector lw_proc_pids_collector;

#endif
