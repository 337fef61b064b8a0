/* fuzz_mcastpkt.c: libFuzzer target for the multicast frame parser and the group accounting. */
/* SPDX-License-Identifier: ISC */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcast/mcastgroups.h"
#include "mcast/mcastpkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The first byte picks the link type; an unknown one must be refused, not parsed. */
static const int dlts[] = { LW_DLT_EN10MB, LW_DLT_LINUX_SLL, LW_DLT_LINUX_SLL2, LW_DLT_RAW, 0 };

/* Our invariants: totals are the groups' sums plus overflow, no row past its caps. */
static void check(const struct lw_mcast_groups *g)
{
	uint64_t packets = g->overflow_packets, octets = g->overflow_octets;

	if (g->n > g->max_groups)
		__builtin_trap();
	for (size_t i = 0; i < g->n; i++) {
		const struct lw_mcast_group *r = &g->rows[i];

		if (r->nsources == 0 || r->nsources > LW_MCAST_SOURCES_MAX ||
		    (r->sources_capped && r->nsources != LW_MCAST_SOURCES_MAX) ||
		    lw_mcast_groups_find(g, r->family, r->group) != r)
			__builtin_trap();
		packets += r->packets;
		octets += r->octets;
	}
	if (packets != g->packets || octets != g->octets)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lw_mcast_groups groups;
	static struct lw_mcast_snapshot snap;
	static uint64_t now;
	static int ready;
	struct lw_mcast_pkt p;
	struct lw_error err;
	uint32_t wire;
	int rc, dlt;

	if (!ready) {
		/* Small: the overflow path and a full table are reached within a run. */
		if (lw_mcast_groups_init(&groups, 4) || lw_mcast_snapshot_init(&snap, 4))
			abort();
		ready = 1;
	}
	if (size == 0)
		return 0;
	dlt = dlts[data[0] % (sizeof(dlts) / sizeof(dlts[0]))];
	/* The second byte, when odd, makes the wire length a little above the capture. */
	wire = (uint32_t)(size - 1) + (size > 1 && (data[1] & 1) ? data[1] : 0);
	/* The frame is copied to its own allocation so ASan sees any read past it. */
	uint8_t *frame = malloc(size - 1 ? size - 1 : 1);
	if (frame == NULL)
		abort();
	memcpy(frame, data + 1, size - 1);
	rc = lw_mcast_pkt_parse(dlt, frame, size - 1, wire, &p, &err);
	if (rc == 1) {
		if ((p.family != 1 && p.family != 2) || p.wire_len != wire ||
		    lw_mcast_groups_add(&groups, &p, now) < 0)
			__builtin_trap();
		check(&groups);
	}
	if (rc == -1 && memchr(err.text, '\0', sizeof(err.text)) == NULL)
		__builtin_trap();
	free(frame);
	now += 250000000u;
	if (now % 1000000000u == 0) {
		lw_mcast_rates_tick(&groups, now);
		lw_mcast_groups_snapshot(&groups, &snap);
		for (size_t i = 1; i < snap.n; i++)
			if (snap.rows[i - 1].family > snap.rows[i].family ||
			    (snap.rows[i - 1].family == snap.rows[i].family &&
			     memcmp(snap.rows[i - 1].group, snap.rows[i].group, 16) >= 0))
				__builtin_trap();
	}
	return 0;
}
