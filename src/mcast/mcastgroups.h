/* mcastgroups.h: one interface's multicast traffic by group, in memory fixed at init, with rates. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_MCASTGROUPS_H
#define LW_MCASTGROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcast/mcastpkt.h"

/* Distinct sources counted exactly per group; past this the count stops and is flagged. */
#define LW_MCAST_SOURCES_MAX 64
/* Samples kept: one per tick, 61 so the newest and the one 60 ticks older are both held. */
#define LW_MCAST_IFACE_SAMPLES 61
/* Per group only the 10 s window: 11 samples (176 bytes a group). */
#define LW_MCAST_GROUP_SAMPLES 11

struct lw_mcast_group {
	uint8_t family;            /* 1 IPv4, 2 IPv6 */
	uint8_t group[16];
	uint16_t nsources;         /* distinct sources held, <= LW_MCAST_SOURCES_MAX */
	bool sources_capped;       /* another source came past the cap: nsources is a floor */
	uint8_t last_source;       /* index of the last matched source: streams repeat it */
	uint64_t packets, octets;
	uint64_t first_seen_ns, last_seen_ns;
	uint64_t sample_packets[LW_MCAST_GROUP_SAMPLES];  /* counters at the last ticks (ring) */
	uint64_t sample_octets[LW_MCAST_GROUP_SAMPLES];
	uint8_t sources[LW_MCAST_SOURCES_MAX][16];        /* 1 KiB: the exact source set */
};

/*
 * One interface's accounting. Memory is fixed at lw_mcast_groups_init: max_groups rows of
 * sizeof(struct lw_mcast_group) (about 1.3 KiB, the source set being most of it) plus a hash of
 * 2-4 slots (uint32_t) a row; adding a packet never allocates. Groups are never evicted:
 * once max_groups are held a packet of another group counts in the totals and overflow only.
 *
 * Not thread-safe: the caller serialises add, tick and snapshot (e.g. under one mutex; the
 * capture thread adds packets, and a timer, or the capture thread itself when now crosses
 * the next second, calls lw_mcast_rates_tick once a second).
 */
struct lw_mcast_groups {
	size_t max_groups, n;
	struct lw_mcast_group *rows;    /* n in use, in order of first packet */
	uint32_t *hash;                 /* slot -> row + 1, 0 = empty (open addressing) */
	size_t nhash;                   /* power of two >= 2 * max_groups */
	/* Interface totals: every multicast packet added, groups held or not. */
	uint64_t packets, octets;
	uint64_t overflow_packets, overflow_octets;  /* packets of groups refused (table full) */
	uint64_t last_seen_ns;
	/* Rate windows: samples of packets/octets taken by lw_mcast_rates_tick (a ring). */
	uint64_t ticks;                 /* samples taken so far */
	uint64_t sample_ns[LW_MCAST_IFACE_SAMPLES];
	uint64_t sample_packets[LW_MCAST_IFACE_SAMPLES];
	uint64_t sample_octets[LW_MCAST_IFACE_SAMPLES];
};

/* 0, or -1 when max_groups is 0, above 2^24, or memory is short. */
int lw_mcast_groups_init(struct lw_mcast_groups *g, size_t max_groups);
void lw_mcast_groups_free(struct lw_mcast_groups *g);

/* No groups, every counter and sample back to 0, memory kept (a new interface, same name). */
void lw_mcast_groups_reset(struct lw_mcast_groups *g);

/*
 * Counts one multicast packet (p from lw_mcast_pkt_parse returning 1) at now_ns: in the
 * interface totals always, and in its group's row (created on its first packet) if the group
 * is held or a row is free. Returns 1 when counted in a group, 0 when refused (overflow), -1
 * for a packet of no family (not a parsed multicast packet: nothing counted).
 */
int lw_mcast_groups_add(struct lw_mcast_groups *g, const struct lw_mcast_pkt *p,
			uint64_t now_ns);

/*
 * Takes one sample of every counter at now_ns; meant to be called once a second. Cost: O(n).
 * A group created between ticks had counted 0 before, so its older samples are 0.
 */
void lw_mcast_rates_tick(struct lw_mcast_groups *g, uint64_t now_ns);

/*
 * Second boundaries of packet timestamps. The sample of boundary B (seconds since the epoch)
 * holds every packet stamped before B, so the rate over 1 s is what was stamped in the last
 * whole second, however late the capture thread read it. next is the next boundary to sample.
 */
struct lw_mcast_clock {
	int64_t next;
};

/* Counting starts at now_s: the first sample is the next boundary (a partial second before
 * it is in the counters, never in a rate). */
void lw_mcast_clock_start(struct lw_mcast_clock *c, int64_t now_s);

/*
 * Takes the samples of every boundary from c->next up to upto_s inclusive, at B * 10^9 ns, and
 * returns how many. Called with a packet's second before counting it, and with the wall clock
 * (less the capture's delivery delay) when no packet came. Boundaries more than 60 s before
 * upto_s are not sampled one by one: no packet came between them, so the counters were those of
 * the oldest sample kept. upto_s before c->next (a clock stepped back, a packet delivered late)
 * takes nothing: that packet counts in the current second.
 */
unsigned lw_mcast_clock_advance(struct lw_mcast_clock *c, struct lw_mcast_groups *g,
				int64_t upto_s);

/*
 * A rate over a window: the difference of two samples and the time between them.
 * Definition: the rate over N s uses the newest sample and the one N ticks older, or, with
 * fewer than N + 1 samples taken, the oldest there is; packets added since the last tick are
 * not in it. Per second = delta * 10^9 / span_ns, rounded down; 0 with span_ns 0 (fewer than
 * two samples). With one tick a second, span_ns is N s and pps = delta / N exactly.
 */
struct lw_mcast_rate {
	uint64_t packets, octets;  /* deltas over the window */
	uint64_t span_ns;          /* time between the two samples; 0: no rate yet */
	uint32_t seconds;          /* ticks spanned (N, or fewer with short history) */
};

uint64_t lw_mcast_rate_pps(const struct lw_mcast_rate *r);
uint64_t lw_mcast_rate_bps(const struct lw_mcast_rate *r);  /* bits: octets * 8 */

/* The interface's rate over the last seconds (1..60) ticks; other values are clamped. */
void lw_mcast_iface_rate(const struct lw_mcast_groups *g, unsigned seconds,
			 struct lw_mcast_rate *out);
/* A group row's rate over the last seconds (1..10) ticks. */
void lw_mcast_group_rate(const struct lw_mcast_groups *g, const struct lw_mcast_group *row,
			 unsigned seconds, struct lw_mcast_rate *out);

/* The held row of a group, or NULL (family 1/2, group bytes as in struct lw_mcast_pkt). */
const struct lw_mcast_group *lw_mcast_groups_find(const struct lw_mcast_groups *g,
						  uint8_t family, const uint8_t group[16]);

/* An immutable copy for a reader (SNMP table), sorted by (family, group bytes). */
struct lw_mcast_group_row {
	uint8_t family, group[16];
	uint64_t packets, octets;
	uint32_t sources;          /* distinct sources, <= LW_MCAST_SOURCES_MAX */
	bool sources_capped;
	uint64_t first_seen_ns, last_seen_ns;
	struct lw_mcast_rate rate10;  /* over the last 10 ticks */
};

struct lw_mcast_snapshot {
	uint64_t packets, octets, overflow_packets, overflow_octets, last_seen_ns;
	uint32_t groups;              /* distinct groups held */
	struct lw_mcast_rate rate1, rate10, rate60;
	struct lw_mcast_group_row *rows;  /* n of cap; cap is max_groups from init */
	size_t n, cap;
};

int lw_mcast_snapshot_init(struct lw_mcast_snapshot *s, size_t max_groups);
void lw_mcast_snapshot_free(struct lw_mcast_snapshot *s);

/* Copies g into out (no allocation; at most out->cap rows, which init made max_groups). */
void lw_mcast_groups_snapshot(const struct lw_mcast_groups *g, struct lw_mcast_snapshot *out);

#endif
