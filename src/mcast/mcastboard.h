/* mcastboard.h: what each capture thread publishes once a second, and the slots that hand it over. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_MCASTBOARD_H
#define LW_MCASTBOARD_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mcast/igmp.h"
#include "config/lw_config.h"
#include "base/lw_error.h"
#include "mcast/mcastgroups.h"

/* lwMcastIfCaptureState */
enum lw_mcast_state {
	LW_MCAST_RUNNING = 1,  /* the handle is open and the interface up */
	LW_MCAST_DOWN = 2,     /* the interface is missing, down, or disappeared */
	LW_MCAST_ERROR = 3,    /* anything else: permissions, link type, filter... */
};

/* One interface's capture as one second's publication left it: immutable once published. */
struct lw_mcast_if_snap {
	char ifname[LW_IFNAME_MAX];
	uint32_t ifindex;              /* when the capture last opened; 0: never (no row) */
	enum lw_mcast_state state;
	char last_error[LW_ERROR_TEXT_MAX];  /* why down or error; "" while running */
	char ring[64];                 /* while running: the ring as the kernel set it up */
	struct timespec counter_start; /* CLOCK_REALTIME: counters restart with a new ifindex */
	uint64_t pcap_drops;           /* ps_drop, summed over the handles opened */
	uint64_t if_drops;             /* rx_missed_errors + rx_fifo_errors since counter_start */
	uint64_t malformed;            /* frames the filter passed that did not parse */
	struct lw_mcast_snapshot traffic;  /* totals, rates and group rows (owned) */
};

void lw_mcast_if_snap_free(struct lw_mcast_if_snap *s);

/*
 * One slot per capture thread and one eventfd, as the sampler's mailbox: a thread exchanges
 * its slot with its new publication (freeing an unread older one) and writes the eventfd; the
 * agent thread drains the eventfd, then exchanges each slot with NULL.
 */
struct lw_mcast_board {
	size_t n;
	_Atomic(struct lw_mcast_if_snap *) slot[LW_CONFIG_MAX_MCAST_IFACES];
	int eventfd;
};

/* n slots (at most LW_CONFIG_MAX_MCAST_IFACES). */
int lw_mcast_board_init(struct lw_mcast_board *b, size_t n, struct lw_error *err);
void lw_mcast_board_publish(struct lw_mcast_board *b, size_t i, struct lw_mcast_if_snap *s);
/* Clears the eventfd; then lw_mcast_board_take on each slot. */
void lw_mcast_board_drain(struct lw_mcast_board *b);
/* The slot's newest unread publication (caller owns it), or NULL. */
struct lw_mcast_if_snap *lw_mcast_board_take(struct lw_mcast_board *b, size_t i);
void lw_mcast_board_destroy(struct lw_mcast_board *b);

#endif
