/* histpoint.h: a sample of a stored series, as the history replays it and the detector resumes from it. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_HISTPOINT_H
#define LW_HISTPOINT_H

#include <stdint.h>

/*
 * Here in base/ because two subsystems share it and neither may include the other: history/
 * stores and replays these points, detect/ (lw_watch_replay_point) consumes them, and cycle/
 * joins the two at start.
 */

/*
 * System-wide figures; a field of a collector that failed in the cycle is absent (bit clear).
 * Stored by name (history_kinds.c), so the numbers may change between versions but a name
 * never does; at most 64 (the cycle's sys_present mask).
 */
enum lw_hist_sys_field {
	LW_HSYS_MEM_TOTAL_KB,
	LW_HSYS_MEM_AVAILABLE_KB,
	LW_HSYS_MEM_FREE_KB,
	LW_HSYS_SLAB_KB,
	LW_HSYS_SUNRECLAIM_KB,
	LW_HSYS_LOAD1,              /* hundredths */
	LW_HSYS_FILES_ALLOCATED,
	LW_HSYS_TCP_INUSE,
	LW_HSYS_TCP_ORPHANS,
	LW_HSYS_TCP_TIME_WAIT,
	LW_HSYS_TCP_MEM_PAGES,
	LW_HSYS_TCP_ESTABLISHED,    /* TCP-MIB state counts of the tcp collector */
	LW_HSYS_TCP_SYN_RECV,
	LW_HSYS_TCP_CLOSE_WAIT,
	LW_HSYS_TCP_TIME_WAIT_SOCKETS,
	/* schema version 2: meminfo, KiB */
	LW_HSYS_BUFFERS_KB,
	LW_HSYS_CACHED_KB,
	LW_HSYS_SWAP_TOTAL_KB,
	LW_HSYS_SWAP_FREE_KB,
	LW_HSYS_SHMEM_KB,
	LW_HSYS_SRECLAIMABLE_KB,
	LW_HSYS_KERNEL_STACK_KB,
	LW_HSYS_PAGE_TABLES_KB,
	LW_HSYS_VMALLOC_USED_KB,
	LW_HSYS_COMMITTED_AS_KB,
	LW_HSYS_ANON_PAGES_KB,
	/* sockstat */
	LW_HSYS_SOCKETS_USED,
	LW_HSYS_TCP_ALLOC,
	LW_HSYS_UDP_INUSE,
	LW_HSYS_UDP_MEM_PAGES,
	/* TCP limits (pages, sockets) */
	LW_HSYS_TCP_MEM_MIN_PAGES,
	LW_HSYS_TCP_MEM_PRESSURE_PAGES,
	LW_HSYS_TCP_MEM_MAX_PAGES,
	LW_HSYS_TCP_MAX_ORPHANS,
	/* the other TCP-MIB states of the tcp collector */
	LW_HSYS_TCP_SYN_SENT,
	LW_HSYS_TCP_FIN_WAIT1,
	LW_HSYS_TCP_FIN_WAIT2,
	LW_HSYS_TCP_CLOSE,
	LW_HSYS_TCP_LAST_ACK,
	LW_HSYS_TCP_LISTEN,
	LW_HSYS_TCP_CLOSING,
	/* file-nr's maximum */
	LW_HSYS_FILES_MAX,
	/* buddyinfo over every zone: KiB free in blocks of order >= 4, and per order 0..10 */
	LW_HSYS_BUDDY_HIGH_ORDER_FREE_KB,
	LW_HSYS_BUDDY_ORDER0_FREE_KB,
	LW_HSYS_BUDDY_ORDER10_FREE_KB = LW_HSYS_BUDDY_ORDER0_FREE_KB + 10,
	LW_HSYS_COUNT
};

/* A sample of a series, delivered by lw_history_replay. */
enum lw_hist_series {
	LW_HS_PROC_RSS,             /* key: pid, start_time, name */
	LW_HS_PROC_FDS,
	LW_HS_GROUP_RSS,            /* key: name */
	LW_HS_GROUP_FDS,
	LW_HS_SLAB_KB,              /* key: name */
	LW_HS_SYS,                  /* key: field (enum lw_hist_sys_field) */
};

struct lw_hist_point {
	enum lw_hist_series series;
	uint32_t pid;
	int64_t start_time;
	const char *name;           /* valid during the callback */
	int field;
	int64_t t;
	uint64_t value;
};

#endif
