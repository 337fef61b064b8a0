/* mcastgroups.c: open-addressing group table, exact bounded source sets, sampled rate rings. */
/* SPDX-License-Identifier: ISC */
#include "mcast/mcastgroups.h"

#include <stdlib.h>
#include <string.h>

static uint32_t key_hash(uint8_t family, const uint8_t group[16])
{
	uint32_t h = 2166136261u;  /* FNV-1a, as topk.c */

	h = (h ^ family) * 16777619u;
	for (int i = 0; i < 16; i++)
		h = (h ^ group[i]) * 16777619u;
	return h;
}

int lw_mcast_groups_init(struct lw_mcast_groups *g, size_t max_groups)
{
	memset(g, 0, sizeof(*g));
	if (max_groups == 0 || max_groups > (1u << 24))
		return -1;
	g->max_groups = max_groups;
	for (g->nhash = 4; g->nhash < 2 * max_groups; g->nhash *= 2)
		;
	g->rows = calloc(max_groups, sizeof(*g->rows));
	g->hash = calloc(g->nhash, sizeof(*g->hash));
	if (g->rows == NULL || g->hash == NULL) {
		lw_mcast_groups_free(g);
		return -1;
	}
	return 0;
}

void lw_mcast_groups_free(struct lw_mcast_groups *g)
{
	free(g->rows);
	free(g->hash);
	memset(g, 0, sizeof(*g));
}

void lw_mcast_groups_reset(struct lw_mcast_groups *g)
{
	struct lw_mcast_group *rows = g->rows;
	uint32_t *hash = g->hash;
	size_t max_groups = g->max_groups, nhash = g->nhash;

	memset(hash, 0, nhash * sizeof(*hash));
	memset(g, 0, sizeof(*g));
	g->rows = rows;
	g->hash = hash;
	g->max_groups = max_groups;
	g->nhash = nhash;
}

/* The slot holding the group, or the empty slot where it would go (the hash is never full:
 * at most max_groups of >= 2 * max_groups slots are used). */
static size_t find_slot(const struct lw_mcast_groups *g, uint8_t family, const uint8_t group[16])
{
	size_t mask = g->nhash - 1, s = key_hash(family, group) & mask;

	while (g->hash[s] != 0) {
		const struct lw_mcast_group *r = &g->rows[g->hash[s] - 1];

		if (r->family == family && memcmp(r->group, group, 16) == 0)
			break;
		s = (s + 1) & mask;
	}
	return s;
}

const struct lw_mcast_group *lw_mcast_groups_find(const struct lw_mcast_groups *g,
						  uint8_t family, const uint8_t group[16])
{
	size_t s = find_slot(g, family, group);

	return g->hash[s] ? &g->rows[g->hash[s] - 1] : NULL;
}

static void add_source(struct lw_mcast_group *r, const uint8_t src[16])
{
	if (r->nsources > 0 && memcmp(r->sources[r->last_source], src, 16) == 0)
		return;
	for (unsigned i = 0; i < r->nsources; i++)
		if (memcmp(r->sources[i], src, 16) == 0) {
			r->last_source = (uint8_t)i;
			return;
		}
	if (r->nsources == LW_MCAST_SOURCES_MAX) {
		r->sources_capped = true;
		return;
	}
	memcpy(r->sources[r->nsources], src, 16);
	r->last_source = (uint8_t)r->nsources++;
}

int lw_mcast_groups_add(struct lw_mcast_groups *g, const struct lw_mcast_pkt *p, uint64_t now_ns)
{
	struct lw_mcast_group *r;
	size_t s;

	if (p->family != 1 && p->family != 2)
		return -1;
	g->packets++;
	g->octets += p->wire_len;
	g->last_seen_ns = now_ns;
	s = find_slot(g, p->family, p->group);
	if (g->hash[s] == 0) {
		if (g->n == g->max_groups) {
			g->overflow_packets++;
			g->overflow_octets += p->wire_len;
			return 0;
		}
		r = &g->rows[g->n];
		/* Zeroed whole: its rate samples are the 0 it counted before existing. */
		memset(r, 0, sizeof(*r));
		r->family = p->family;
		memcpy(r->group, p->group, 16);
		r->first_seen_ns = now_ns;
		g->hash[s] = (uint32_t)++g->n;
	} else {
		r = &g->rows[g->hash[s] - 1];
	}
	r->packets++;
	r->octets += p->wire_len;
	r->last_seen_ns = now_ns;
	add_source(r, p->source);
	return 1;
}

void lw_mcast_rates_tick(struct lw_mcast_groups *g, uint64_t now_ns)
{
	size_t i = g->ticks % LW_MCAST_IFACE_SAMPLES, j = g->ticks % LW_MCAST_GROUP_SAMPLES;

	g->sample_ns[i] = now_ns;
	g->sample_packets[i] = g->packets;
	g->sample_octets[i] = g->octets;
	for (size_t k = 0; k < g->n; k++) {
		g->rows[k].sample_packets[j] = g->rows[k].packets;
		g->rows[k].sample_octets[j] = g->rows[k].octets;
	}
	g->ticks++;
}

void lw_mcast_clock_start(struct lw_mcast_clock *c, int64_t now_s)
{
	c->next = now_s + 1;
}

unsigned lw_mcast_clock_advance(struct lw_mcast_clock *c, struct lw_mcast_groups *g,
				int64_t upto_s)
{
	int64_t from = c->next;
	unsigned n = 0;

	if (upto_s < from)
		return 0;
	/* The 60 s window needs the last 61 samples; older ones would be overwritten anyway. */
	if (upto_s - from >= LW_MCAST_IFACE_SAMPLES)
		from = upto_s - (LW_MCAST_IFACE_SAMPLES - 1);
	for (int64_t b = from; b <= upto_s; b++, n++)
		lw_mcast_rates_tick(g, (uint64_t)b * 1000000000u);
	c->next = upto_s + 1;
	return n;
}

static uint64_t per_second(uint64_t delta, uint64_t span_ns)
{
	if (span_ns == 0)
		return 0;
	/* 128 bits: octets * 8 * 10^9 passes 2^64 after about 2 GB in a window. */
	unsigned __int128 v = (unsigned __int128)delta * 1000000000u / span_ns;

	return v > UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

uint64_t lw_mcast_rate_pps(const struct lw_mcast_rate *r)
{
	return per_second(r->packets, r->span_ns);
}

uint64_t lw_mcast_rate_bps(const struct lw_mcast_rate *r)
{
	unsigned __int128 bits = (unsigned __int128)r->octets * 8;

	if (r->span_ns == 0)
		return 0;
	bits = bits * 1000000000u / r->span_ns;
	return bits > UINT64_MAX ? UINT64_MAX : (uint64_t)bits;
}

/* Ticks back from the newest sample that a window of seconds may use, given the history. */
static unsigned window(uint64_t ticks, unsigned seconds, unsigned max)
{
	if (seconds < 1)
		seconds = 1;
	if (seconds > max)
		seconds = max;
	if (ticks == 0)
		return 0;
	return ticks - 1 < seconds ? (unsigned)(ticks - 1) : seconds;
}

/*
 * The deltas between the newest sample and the one m ticks older of counters kept in a ring of
 * ring samples. Times come from the interface ring, which holds every sample's time.
 */
static void ring_rate(const struct lw_mcast_groups *g, const uint64_t *packets,
		      const uint64_t *octets, size_t ring, unsigned m, struct lw_mcast_rate *out)
{
	memset(out, 0, sizeof(*out));
	if (m == 0)
		return;
	out->packets = packets[(g->ticks - 1) % ring] - packets[(g->ticks - 1 - m) % ring];
	out->octets = octets[(g->ticks - 1) % ring] - octets[(g->ticks - 1 - m) % ring];
	out->span_ns = g->sample_ns[(g->ticks - 1) % LW_MCAST_IFACE_SAMPLES] -
		       g->sample_ns[(g->ticks - 1 - m) % LW_MCAST_IFACE_SAMPLES];
	out->seconds = m;
}

void lw_mcast_iface_rate(const struct lw_mcast_groups *g, unsigned seconds,
			 struct lw_mcast_rate *out)
{
	ring_rate(g, g->sample_packets, g->sample_octets, LW_MCAST_IFACE_SAMPLES,
		  window(g->ticks, seconds, LW_MCAST_IFACE_SAMPLES - 1), out);
}

void lw_mcast_group_rate(const struct lw_mcast_groups *g, const struct lw_mcast_group *row,
			 unsigned seconds, struct lw_mcast_rate *out)
{
	ring_rate(g, row->sample_packets, row->sample_octets, LW_MCAST_GROUP_SAMPLES,
		  window(g->ticks, seconds, LW_MCAST_GROUP_SAMPLES - 1), out);
}

int lw_mcast_snapshot_init(struct lw_mcast_snapshot *s, size_t max_groups)
{
	memset(s, 0, sizeof(*s));
	s->rows = calloc(max_groups ? max_groups : 1, sizeof(*s->rows));
	if (s->rows == NULL)
		return -1;
	s->cap = max_groups;
	return 0;
}

void lw_mcast_snapshot_free(struct lw_mcast_snapshot *s)
{
	free(s->rows);
	memset(s, 0, sizeof(*s));
}

static int row_order(const void *x, const void *y)
{
	const struct lw_mcast_group_row *a = x, *b = y;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->group, b->group, 16);
}

void lw_mcast_groups_snapshot(const struct lw_mcast_groups *g, struct lw_mcast_snapshot *out)
{
	size_t n = g->n < out->cap ? g->n : out->cap;

	out->packets = g->packets;
	out->octets = g->octets;
	out->overflow_packets = g->overflow_packets;
	out->overflow_octets = g->overflow_octets;
	out->last_seen_ns = g->last_seen_ns;
	out->groups = (uint32_t)g->n;
	lw_mcast_iface_rate(g, 1, &out->rate1);
	lw_mcast_iface_rate(g, 10, &out->rate10);
	lw_mcast_iface_rate(g, 60, &out->rate60);
	for (size_t i = 0; i < n; i++) {
		const struct lw_mcast_group *r = &g->rows[i];
		struct lw_mcast_group_row *o = &out->rows[i];

		o->family = r->family;
		memcpy(o->group, r->group, 16);
		o->packets = r->packets;
		o->octets = r->octets;
		o->sources = r->nsources;
		o->sources_capped = r->sources_capped;
		o->first_seen_ns = r->first_seen_ns;
		o->last_seen_ns = r->last_seen_ns;
		lw_mcast_group_rate(g, r, 10, &o->rate10);
	}
	out->n = n;
	qsort(out->rows, n, sizeof(*out->rows), row_order);
}
