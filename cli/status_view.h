/* status_view.h: what `leakwatch status` read, and the screen (or JSON) made of it. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_CLI_STATUS_VIEW_H
#define LW_CLI_STATUS_VIEW_H

#include <stdio.h>
#include <time.h>

#include "snmp_client.h"

enum lw_status_scalar {
	LW_S_VERSION, LW_S_INTERVAL, LW_S_START, LW_S_SNAPSHOT, LW_S_LOAD1, LW_S_LOAD5, LW_S_LOAD15,
	LW_S_CPUS, LW_S_MEMTOTAL, LW_S_MEMAVAIL, LW_S_SWAPTOTAL, LW_S_SWAPFREE, LW_S_FILES,
	LW_S_FILESMAX, LW_S_PROCS, LW_S_THREADS, LW_S_TCPSOCKETS, LW_S_ORPHANS, LW_S_TCPMEM,
	LW_S_TCPMEMPRESSURE, LW_S_TCPMEMMAX, LW_S_MAXORPHANS, LW_S_ORPHANPCT, LW_S_TCPMEMPCT,
	LW_S_SLAB, LW_S_SUNRECLAIM, LW_S_ALARMS, LW_S_TOPN,
	LW_S_COUNT
};

#define LW_MAX_PIDS 40     /* distinct processes of the top table (4 rankings x lwProcTopN 10) */
#define LW_PID_COLS 7      /* leak state, RSS slope, fd state, fd slope, exhaustion, RSS, fds */

struct lw_status {
	char peer[256];
	struct lw_val sc[LW_S_COUNT];
	struct lw_table collectors, alarms, trends, top, states, remotes, groups, slabs, mcast;
	unsigned pids[LW_MAX_PIDS];
	size_t npids;
	struct lw_val pidvals[LW_MAX_PIDS][LW_PID_COLS];
};

struct lw_view_opts {
	size_t top;      /* processes per ranking */
	size_t remotes;  /* remotes per TCP state */
	int color;       /* ANSI colours (a terminal, no NO_COLOR) */
	time_t now;
};

/* The screen: at most 80 columns, readable without colour. */
void lw_status_print(FILE *f, const struct lw_status *s, const struct lw_view_opts *o);
/* The same values, raw: one JSON object. */
void lw_status_json(FILE *f, const struct lw_status *s);

#endif
