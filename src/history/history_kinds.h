/* history_kinds.h: what the series of each kind store, and the two tiers' widths. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_HISTORY_KINDS_H
#define LW_HISTORY_KINDS_H

#include <stdint.h>

#include "base/histpoint.h"

/* What a series is: ident.kind, and bit (1 << kind) of a point's `sampled` mask. */
enum lw_hkind {
	LW_HK_PROC = 1,             /* rss_kb, anon_kb, vsz_kb, fds, cpu_ticks */
	LW_HK_GROUP = 2,            /* count, fds, rss_kb */
	LW_HK_SLAB = 3,             /* total_bytes, active_bytes */
	LW_HK_MCAST = 4,            /* packets, octets, pps10, bps10 */
	LW_HK_SYS = 5,              /* value (the name says which enum lw_hist_sys_field) */
	LW_HK_PROC_EXT = 6,         /* swap_kb, sockets, fd_limit, threads (schema version 2) */
	LW_HK_MCAST_GROUP = 7,      /* pps10, bps10; name "IFNAME GROUP" (schema version 2) */
};

/* Values of a kind per full-resolution sample (0 for an unknown kind). */
unsigned lw_hkind_width(int kind);

/* Bit i: value i of the kind is a counter (cpu_ticks, packets, octets), not a gauge. */
uint32_t lw_hkind_counters(int kind);

/* Bit i: value i of the kind may be LW_HIST_UNKNOWN (history_types.h): a process's or a
 * group's fds, a process's sockets. */
uint32_t lw_hkind_unknowable(int kind);

/*
 * Window columns never stored for a kind: min and avg of its counters. A counter's min/max/avg
 * over a window say nothing its value at the window's end (max) does not, and would cost an
 * idle process a second row in the window after each tick of CPU.
 */
uint32_t lw_hwin_unstored(int kind);

/* The two tiers: every cycle, and windows of n, then min, max, avg of each value. */
enum lw_htier { LW_HT_FULL, LW_HT_WIN, LW_HT_COUNT };
#define LW_HFULL_WIDTH 5
#define LW_HWIN_WIDTH (1 + 3 * LW_HFULL_WIDTH)

/* Values per point of a kind in a tier. */
static inline unsigned lw_htier_nvals(enum lw_htier tier, int kind)
{
	unsigned k = lw_hkind_width(kind);

	return tier == LW_HT_FULL ? k : (k ? 1 + 3 * k : 0);
}

/* The stored name of a system field ("mem_available_kb"), and back (-1: unknown). */
const char *lw_hsys_name(int field);
int lw_hsys_field(const char *name);

#endif
