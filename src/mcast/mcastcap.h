/* mcastcap.h: one libpcap capture thread per mcast_interface, publishing its counts every second. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_MCASTCAP_H
#define LW_MCASTCAP_H

#include "config/lw_config.h"
#include "base/lw_error.h"
#include "mcast/mcastboard.h"

struct lw_mcast_capture;

/*
 * Starts one thread per cfg->interfaces[i], each publishing into slot i of board (initialised
 * with cfg->ninterfaces slots) once a second. rootfd is where sys/class/net is read (it is
 * duplicated). Every thread's group table is allocated here, so a start has all its memory or
 * fails; nothing about the interfaces fails it: a missing, down or unopenable interface is the
 * state of its row, retried by its thread. With no interface configured, starts nothing.
 */
int lw_mcast_capture_start(struct lw_mcast_capture **out, const struct lw_mcast_config *cfg,
			   int rootfd, struct lw_mcast_board *board, struct lw_error *err);

/* Stops every thread (pcap_breakloop on open handles), joins them and frees all but the
 * board. NULL is a no-op. */
void lw_mcast_capture_stop(struct lw_mcast_capture *c);

/* One capture's figures as of its last publication, for the sampler's alarms and history. */
struct lw_mcast_summary {
	char ifname[LW_IFNAME_MAX];
	uint32_t ifindex;            /* 0: the interface has not been seen */
	enum lw_mcast_state state;
	uint64_t packets, octets, pps10, bps10;
};

/* Copies the summaries of the first cap captures into out; returns how many. Any thread. */
size_t lw_mcast_capture_summaries(struct lw_mcast_capture *c, struct lw_mcast_summary *out,
				  size_t cap);

/* The kernel filter compiled for a link type (pcap_datalink): VLAN-tagged too on Ethernet. */
const char *lw_mcast_filter(int dlt);

#endif
