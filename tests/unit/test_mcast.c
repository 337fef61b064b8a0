/* test_mcast.c: multicast frame parsing, per-group accounting and rates, /proc/net/igmp{,6}. */
/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fixture.h"
#include "mcast/igmp.h"
#include "mcast/mcastgroups.h"
#include "mcast/mcastpkt.h"
#include "base/readfile.h"

#define NS 1000000000ull
#define WIRE 1000u

/* --- frame builders: big-endian fields written byte by byte ------------------------------ */

static size_t put16(uint8_t *b, size_t o, uint16_t v)
{
	b[o] = (uint8_t)(v >> 8);
	b[o + 1] = (uint8_t)v;
	return o + 2;
}

static const uint8_t mac_mc4[6] = { 0x01, 0x00, 0x5e, 0x01, 0x02, 0x03 };
static const uint8_t mac_uni[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* Ethernet header with ntags tags (outer 802.1ad VID 200 when two, else 802.1Q VID 100;
 * inner 802.1Q VID 300), ending in type. Returns the offset of the L3 header. */
static size_t eth(uint8_t *b, const uint8_t dst[6], int ntags, uint16_t type)
{
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	size_t o = 12;

	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	if (ntags == 1) {
		o = put16(b, o, 0x8100);
		o = put16(b, o, 0x2000 | 100);  /* PCP 1: only the 12 VID bits count */
	} else if (ntags >= 2) {
		o = put16(b, o, 0x88a8);
		o = put16(b, o, 200);
		for (int i = 1; i < ntags; i++) {
			o = put16(b, o, 0x8100);
			o = put16(b, o, 300);
		}
	}
	return put16(b, o, type);
}

/* IPv4 header with optwords 32-bit words of options, then 8 payload bytes; returns the end. */
static size_t ipv4(uint8_t *b, size_t o, const uint8_t src[4], const uint8_t dst[4],
		   int optwords)
{
	size_t ihl = 20 + 4 * (size_t)optwords;

	memset(b + o, 0, ihl + 8);
	b[o] = (uint8_t)(0x40 | (ihl / 4));
	put16(b, o + 2, (uint16_t)(ihl + 8));
	b[o + 8] = 7;   /* TTL */
	b[o + 9] = 17;  /* UDP */
	memcpy(b + o + 12, src, 4);
	memcpy(b + o + 16, dst, 4);
	for (int i = 0; i < optwords; i++)
		b[o + 20 + 4 * (size_t)i] = 1;  /* NOP options */
	return o + ihl + 8;
}

static size_t ipv6(uint8_t *b, size_t o, const uint8_t src[16], const uint8_t dst[16])
{
	memset(b + o, 0, 48);
	b[o] = 0x60;
	put16(b, o + 4, 8);
	b[o + 6] = 17;
	b[o + 7] = 64;
	memcpy(b + o + 8, src, 16);
	memcpy(b + o + 24, dst, 16);
	return o + 48;
}

static const uint8_t src4[4] = { 10, 77, 0, 1 };
static const uint8_t grp4[4] = { 239, 1, 2, 3 };
static const uint8_t src6[16] = { 0xfe, 0x80, [15] = 1 };
static const uint8_t grp6[16] = { 0xff, 0x15, [14] = 0x12, [15] = 0x34 };

/* Parses a copy in an allocation of exactly len bytes, so ASan catches any overread. */
static int parse_exact(int dlt, const uint8_t *frame, size_t len, uint32_t wire,
		       struct lw_mcast_pkt *p, struct lw_error *err)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, frame, len);
	rc = lw_mcast_pkt_parse(dlt, len ? copy : NULL, len, wire, p, err);
	free(copy);
	return rc;
}

/* --- frames -------------------------------------------------------------------------------- */

static void ipv4_multicast_tags_and_options(void **state)
{
	static const struct { int tags, optwords; uint16_t vlan, inner; } cases[] = {
		{ 0, 0, 0, 0 }, { 1, 0, 100, 0 }, { 2, 0, 200, 300 }, { 0, 1, 0, 0 },
		{ 2, 10, 200, 300 },  /* IHL 15: the longest header */
	};
	uint8_t b[128];
	struct lw_mcast_pkt p;
	struct lw_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = ipv4(b, eth(b, mac_mc4, cases[i].tags, 0x0800), src4, grp4,
				cases[i].optwords);
		uint8_t g[16] = { 239, 1, 2, 3 }, s[16] = { 10, 77, 0, 1 };

		assert_int_equal(parse_exact(LW_DLT_EN10MB, b, n, WIRE, &p, &err), 1);
		assert_int_equal(p.family, 1);
		assert_memory_equal(p.group, g, 16);
		assert_memory_equal(p.source, s, 16);
		assert_int_equal(p.wire_len, WIRE);
		assert_int_equal(p.vlan_tags, cases[i].tags);
		assert_int_equal(p.vlan, cases[i].vlan);
		assert_int_equal(p.inner_vlan, cases[i].inner);
		assert_int_equal(p.ip_proto, 17);
		assert_int_equal(p.ttl, 7);
		assert_int_equal(p.ifindex, 0);
	}
}

static void ipv6_multicast(void **state)
{
	uint8_t b[128];
	struct lw_mcast_pkt p;
	struct lw_error err;
	size_t n = ipv6(b, eth(b, mac_mc4, 1, 0x86dd), src6, grp6);

	(void)state;
	assert_int_equal(parse_exact(LW_DLT_EN10MB, b, n, 1514, &p, &err), 1);
	assert_int_equal(p.family, 2);
	assert_memory_equal(p.group, grp6, 16);
	assert_memory_equal(p.source, src6, 16);
	assert_int_equal(p.wire_len, 1514);
	assert_int_equal(p.vlan, 100);
	assert_int_equal(p.ttl, 64);
	/* Payload cut by the snaplen: the 40-byte header is all that must be there. */
	assert_int_equal(parse_exact(LW_DLT_EN10MB, b, n - 8, 1514, &p, &err), 1);
}

static void not_multicast(void **state)
{
	static const uint8_t uni4[4] = { 10, 77, 0, 2 }, bcast[4] = { 255, 255, 255, 255 };
	static const uint8_t below[4] = { 223, 255, 255, 255 }, above[4] = { 240, 0, 0, 1 };
	static const uint8_t uni6[16] = { 0xfe, 0x80, [15] = 2 };
	uint8_t b[128];
	struct lw_mcast_pkt p;
	struct lw_error err;
	size_t n;

	(void)state;
	n = ipv4(b, eth(b, mac_uni, 0, 0x0800), src4, uni4, 0);
	assert_int_equal(parse_exact(LW_DLT_EN10MB, b, n, WIRE, &p, &err), 0);
	n = ipv4(b, eth(b, mac_bcast, 0, 0x0800), src4, bcast, 0);
	assert_int_equal(parse_exact(LW_DLT_EN10MB, b, n, WIRE, &p, &err), 0);
	n = ipv4(b, eth(b, mac_mc4, 0, 0x0800), src4, below, 0);
	assert_int_equal(parse_exact(LW_DLT_EN10MB, b, n, WIRE, &p, &err), 0);
	n = ipv4(b, eth(b, mac_mc4, 0, 0x0800), src4, above, 0);
	assert_int_equal(parse_exact(LW_DLT_EN10MB, b, n, WIRE, &p, &err), 0);
	/* A multicast MAC with a unicast IP: the IP destination decides. */
	n = ipv4(b, eth(b, mac_mc4, 1, 0x0800), src4, uni4, 0);
	assert_int_equal(parse_exact(LW_DLT_EN10MB, b, n, WIRE, &p, &err), 0);
	n = ipv6(b, eth(b, mac_uni, 0, 0x86dd), src6, uni6);
	assert_int_equal(parse_exact(LW_DLT_EN10MB, b, n, WIRE, &p, &err), 0);
	/* ARP request, 28 bytes after the header. */
	n = eth(b, mac_bcast, 0, 0x0806);
	memset(b + n, 0, 28);
	assert_int_equal(parse_exact(LW_DLT_EN10MB, b, n + 28, 60, &p, &err), 0);
	/* 802.3 length field (LLC, STP): not an EtherType. */
	n = eth(b, mac_mc4, 0, 0x0026);
	memset(b + n, 0x42, 38);
	assert_int_equal(parse_exact(LW_DLT_EN10MB, b, n + 38, 60, &p, &err), 0);
	/* A third tag is past what is accounted. */
	n = ipv4(b, eth(b, mac_mc4, 3, 0x0800), src4, grp4, 0);
	assert_int_equal(parse_exact(LW_DLT_EN10MB, b, n, WIRE, &p, &err), 0);
}

/* Every cut inside the headers is -1 (or 0), never a read past the allocation. */
static void truncated_at_every_offset(void **state)
{
	uint8_t b[128];
	struct lw_mcast_pkt p;
	struct lw_error err;
	size_t ends[3], hdrs[3];
	uint8_t frames[3][128];

	(void)state;
	/* 2 tags + IPv4 with 3 option words; 1 tag + IPv6; untagged IPv4. */
	ends[0] = ipv4(frames[0], eth(frames[0], mac_mc4, 2, 0x0800), src4, grp4, 3);
	hdrs[0] = 22 + 32;
	ends[1] = ipv6(frames[1], eth(frames[1], mac_mc4, 1, 0x86dd), src6, grp6);
	hdrs[1] = 18 + 40;
	ends[2] = ipv4(frames[2], eth(frames[2], mac_mc4, 0, 0x0800), src4, grp4, 0);
	hdrs[2] = 14 + 20;
	for (int f = 0; f < 3; f++) {
		memcpy(b, frames[f], ends[f]);
		for (size_t cut = 0; cut < hdrs[f]; cut++) {
			err.text[0] = '\0';
			assert_int_equal(parse_exact(LW_DLT_EN10MB, b, cut, WIRE, &p, &err), -1);
			assert_true(strstr(err.text, " cut at ") != NULL);
		}
		for (size_t cut = hdrs[f]; cut <= ends[f]; cut++)
			assert_int_equal(parse_exact(LW_DLT_EN10MB, b, cut, WIRE, &p, &err), 1);
	}
	/* The error says where: a cut inside the outer tag, inside the IPv4 options. */
	assert_int_equal(parse_exact(LW_DLT_EN10MB, frames[0], 15, WIRE, &p, &err), -1);
	assert_string_equal(err.text, "mcast: VLAN tag 1 cut at 1 of 4 bytes");
	assert_int_equal(parse_exact(LW_DLT_EN10MB, frames[0], 50, WIRE, &p, &err), -1);
	assert_string_equal(err.text, "mcast: IPv4 header cut at 28 of 32 bytes");
	assert_int_equal(parse_exact(LW_DLT_EN10MB, frames[1], 57, WIRE, &p, &err), -1);
	assert_string_equal(err.text, "mcast: IPv6 header cut at 39 of 40 bytes");
	assert_int_equal(parse_exact(LW_DLT_EN10MB, frames[2], 13, WIRE, &p, &err), -1);
	assert_string_equal(err.text, "mcast: Ethernet header cut at 13 of 14 bytes");
	/* ARP cut short is no concern of ours: 0. */
	eth(b, mac_bcast, 0, 0x0806);
	assert_int_equal(parse_exact(LW_DLT_EN10MB, b, 15, 60, &p, &err), 0);
}

static void malformed(void **state)
{
	uint8_t b[128];
	struct lw_mcast_pkt p;
	struct lw_error err;
	size_t o = eth(b, mac_mc4, 0, 0x0800), n = ipv4(b, o, src4, grp4, 0);

	(void)state;
	b[o] = 0x44;  /* IHL 4 */
	assert_int_equal(parse_exact(LW_DLT_EN10MB, b, n, WIRE, &p, &err), -1);
	assert_string_equal(err.text, "mcast: IPv4 header length 16 below 20");
	b[o] = 0x40;
	assert_int_equal(parse_exact(LW_DLT_EN10MB, b, n, WIRE, &p, &err), -1);
	assert_string_equal(err.text, "mcast: IPv4 header length 0 below 20");
	b[o] = 0x65;  /* IPv6 version under the IPv4 EtherType */
	assert_int_equal(parse_exact(LW_DLT_EN10MB, b, n, WIRE, &p, &err), -1);
	assert_string_equal(err.text, "mcast: IP version 6 in an IPv4 frame");
	b[o] = 0x45;
	put16(b, o + 2, 19);
	assert_int_equal(parse_exact(LW_DLT_EN10MB, b, n, WIRE, &p, &err), -1);
	assert_string_equal(err.text, "mcast: IPv4 total length 19 below header 20");
	put16(b, o + 2, 28);
	assert_int_equal(parse_exact(LW_DLT_EN10MB, b, n, (uint32_t)n - 1, &p, &err), -1);
	assert_string_equal(err.text, "mcast: wire length 41 below captured 42");
	assert_int_equal(parse_exact(LW_DLT_EN10MB, b, n, (uint32_t)n, &p, &err), 1);
	assert_int_equal(parse_exact(105, b, n, WIRE, &p, &err), -1);
	assert_string_equal(err.text, "mcast: link type 105 not supported");
	n = ipv6(b, o = eth(b, mac_mc4, 0, 0x86dd), src6, grp6);
	b[o] = 0x40;
	assert_int_equal(parse_exact(LW_DLT_EN10MB, b, n, WIRE, &p, &err), -1);
	assert_string_equal(err.text, "mcast: IP version 4 in an IPv6 frame");
}

static void cooked_captures(void **state)
{
	uint8_t b[128];
	struct lw_mcast_pkt p;
	struct lw_error err;
	size_t n;

	(void)state;
	/* SLL: pkttype 2 (multicast), ARPHRD_ETHER, 6-byte address, protocol IPv4. */
	memset(b, 0, 16);
	put16(b, 0, 2);
	put16(b, 2, 1);
	put16(b, 4, 6);
	put16(b, 14, 0x0800);
	n = ipv4(b, 16, src4, grp4, 0);
	assert_int_equal(parse_exact(LW_DLT_LINUX_SLL, b, n, 60, &p, &err), 1);
	assert_int_equal(p.family, 1);
	assert_int_equal(p.group[0], 239);
	assert_int_equal(p.ifindex, 0);
	assert_int_equal(parse_exact(LW_DLT_LINUX_SLL, b, 15, 60, &p, &err), -1);
	assert_string_equal(err.text, "mcast: SLL header cut at 15 of 16 bytes");
	/* SLL2: protocol 802.1Q (a tag the kernel left in), ifindex 3. */
	memset(b, 0, 20);
	put16(b, 0, 0x8100);
	b[7] = 3;
	put16(b, 20, 42);
	put16(b, 22, 0x86dd);
	n = ipv6(b, 24, src6, grp6);
	assert_int_equal(parse_exact(LW_DLT_LINUX_SLL2, b, n, 90, &p, &err), 1);
	assert_int_equal(p.family, 2);
	assert_int_equal(p.ifindex, 3);
	assert_int_equal(p.vlan, 42);
	assert_memory_equal(p.group, grp6, 16);
	assert_int_equal(parse_exact(LW_DLT_LINUX_SLL2, b, 19, 90, &p, &err), -1);
	assert_string_equal(err.text, "mcast: SLL2 header cut at 19 of 20 bytes");
	/* Raw IP (tun, GRE): the version nibble picks the header; anything else is not IP. */
	n = ipv4(b, 0, src4, grp4, 0);
	assert_int_equal(parse_exact(LW_DLT_RAW, b, n, 28, &p, &err), 1);
	assert_int_equal(p.family, 1);
	assert_memory_equal(p.group, grp4, 4);
	n = ipv6(b, 0, src6, grp6);
	assert_int_equal(parse_exact(LW_DLT_RAW, b, n, 48, &p, &err), 1);
	assert_int_equal(p.family, 2);
	assert_memory_equal(p.source, src6, 16);
	b[0] = 0x50;
	assert_int_equal(parse_exact(LW_DLT_RAW, b, n, 48, &p, &err), 0);
	assert_int_equal(parse_exact(LW_DLT_RAW, b, 0, 48, &p, &err), -1);
	assert_string_equal(err.text, "mcast: raw IP frame is empty");
}

/* Every seed of the fuzz target is what its name says. */
static void fuzz_seeds_parse(void **state)
{
	static const struct { const char *name; int dlt, rc; } seeds[] = {
		{ "eth_ipv4_udp.bin", LW_DLT_EN10MB, 1 },
		{ "eth_vlan_ipv4_options.bin", LW_DLT_EN10MB, 1 },
		{ "eth_qinq_ipv6.bin", LW_DLT_EN10MB, 1 },
		{ "eth_ipv4_unicast.bin", LW_DLT_EN10MB, 0 },
		{ "eth_arp.bin", LW_DLT_EN10MB, 0 },
		{ "sll_ipv4.bin", LW_DLT_LINUX_SLL, 1 },
		{ "sll2_ipv6.bin", LW_DLT_LINUX_SLL2, 1 },
		{ "eth_ipv4_broadcast.bin", LW_DLT_EN10MB, 0 },
		{ "eth_three_tags.bin", LW_DLT_EN10MB, 0 },
		{ "raw_ipv4.bin", LW_DLT_RAW, 1 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		char name[256], path[4096];
		uint8_t buf[256];
		struct lw_mcast_pkt p;
		struct lw_error err;
		FILE *f;
		size_t n;

		snprintf(name, sizeof(name), "mcastpkt/%s", seeds[i].name);
		f = fopen(lw_fixture_path(name, path, sizeof(path)), "rb");
		assert_non_null(f);
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		assert_int_equal(parse_exact(seeds[i].dlt, buf, n, (uint32_t)n, &p, &err), seeds[i].rc);
	}
}

/* --- group accounting ---------------------------------------------------------------------- */

static struct lw_mcast_pkt pkt4(uint8_t g3, uint8_t s3, uint32_t wire)
{
	struct lw_mcast_pkt p = { .family = 1, .group = { 239, 1, 1, g3 },
				  .source = { 10, 0, 0, s3 }, .wire_len = wire };
	return p;
}

static struct lw_mcast_pkt pkt6(uint8_t g15, uint8_t s15, uint32_t wire)
{
	struct lw_mcast_pkt p = { .family = 2, .group = { 0xff, 0x15, [15] = g15 },
				  .source = { 0xfe, 0x80, [15] = s15 }, .wire_len = wire };
	return p;
}

static void groups_counts_and_sources(void **state)
{
	struct lw_mcast_groups g;
	struct lw_mcast_pkt a1 = pkt4(1, 1, 100), a2 = pkt4(1, 2, 150), b = pkt6(1, 9, 200);
	const struct lw_mcast_group *ra, *rb;
	struct lw_mcast_pkt none = { .family = 0 };

	(void)state;
	assert_int_equal(lw_mcast_groups_init(&g, 8), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(lw_mcast_groups_add(&g, &a1, 10 + (uint64_t)i), 1);
	for (int i = 0; i < 2; i++)
		assert_int_equal(lw_mcast_groups_add(&g, &a2, 20 + (uint64_t)i), 1);
	for (int i = 0; i < 4; i++)
		assert_int_equal(lw_mcast_groups_add(&g, &b, 30 + (uint64_t)i), 1);
	assert_int_equal(lw_mcast_groups_add(&g, &a1, 40), 1);
	assert_int_equal(lw_mcast_groups_add(&g, &none, 50), -1);
	ra = lw_mcast_groups_find(&g, 1, a1.group);
	rb = lw_mcast_groups_find(&g, 2, b.group);
	assert_non_null(ra);
	assert_non_null(rb);
	assert_null(lw_mcast_groups_find(&g, 2, a1.group));  /* same bytes, other family */
	assert_int_equal(ra->packets, 6);
	assert_int_equal(ra->octets, 4 * 100 + 2 * 150);
	assert_int_equal(ra->nsources, 2);
	assert_false(ra->sources_capped);
	assert_int_equal(ra->first_seen_ns, 10);
	assert_int_equal(ra->last_seen_ns, 40);
	assert_int_equal(rb->packets, 4);
	assert_int_equal(rb->octets, 800);
	assert_int_equal(rb->nsources, 1);
	assert_int_equal(rb->last_seen_ns, 33);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.packets, 10);
	assert_int_equal(g.octets, 1500);
	assert_int_equal(g.last_seen_ns, 40);
	assert_int_equal(g.overflow_packets, 0);
	lw_mcast_groups_free(&g);
}

static void groups_cap_and_overflow(void **state)
{
	struct lw_mcast_groups g;
	struct lw_mcast_pkt p;

	(void)state;
	assert_int_equal(lw_mcast_groups_init(&g, 0), -1);
	assert_int_equal(lw_mcast_groups_init(&g, 2), 0);
	p = pkt4(1, 1, 100);
	assert_int_equal(lw_mcast_groups_add(&g, &p, 1), 1);
	p = pkt6(1, 1, 200);
	assert_int_equal(lw_mcast_groups_add(&g, &p, 2), 1);
	/* Full: two other groups, three packets, counted in the totals and overflow only. */
	p = pkt4(2, 1, 300);
	assert_int_equal(lw_mcast_groups_add(&g, &p, 3), 0);
	assert_int_equal(lw_mcast_groups_add(&g, &p, 4), 0);
	p = pkt4(3, 1, 50);
	assert_int_equal(lw_mcast_groups_add(&g, &p, 5), 0);
	assert_null(lw_mcast_groups_find(&g, 1, p.group));
	/* A held group still counts. */
	p = pkt4(1, 2, 100);
	assert_int_equal(lw_mcast_groups_add(&g, &p, 6), 1);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.overflow_packets, 3);
	assert_int_equal(g.overflow_octets, 650);
	assert_int_equal(g.packets, 6);
	assert_int_equal(g.octets, 1050);
	assert_int_equal(lw_mcast_groups_find(&g, 1, p.group)->packets, 2);
	lw_mcast_groups_free(&g);
}

static void groups_source_cap(void **state)
{
	struct lw_mcast_groups g;
	const struct lw_mcast_group *r;
	struct lw_mcast_pkt p;

	(void)state;
	assert_int_equal(lw_mcast_groups_init(&g, 1), 0);
	for (int s = 0; s < 70; s++) {
		p = pkt6(7, (uint8_t)s, 1);
		assert_int_equal(lw_mcast_groups_add(&g, &p, (uint64_t)s), 1);
		r = lw_mcast_groups_find(&g, 2, p.group);
		assert_int_equal(r->nsources, s < 64 ? s + 1 : 64);
		assert_int_equal(r->sources_capped, s >= 64);
	}
	/* Sources already held, in any order, change nothing. */
	for (int s = 63; s >= 0; s--) {
		p = pkt6(7, (uint8_t)s, 1);
		lw_mcast_groups_add(&g, &p, 100);
	}
	assert_int_equal(r->nsources, 64);
	assert_int_equal(r->packets, 134);
	lw_mcast_groups_free(&g);
}

/*
 * A synthetic clock: tick k at k seconds. In second s (between ticks s-1 and s), group A
 * (239.1.1.1) gets 10 packets of 100 octets while s <= 30, and group B (ff15::1) 2 packets
 * of 50 octets from s = 5 on.
 */
static void run_seconds(struct lw_mcast_groups *g, int from, int to)
{
	for (int s = from; s <= to; s++) {
		struct lw_mcast_pkt a = pkt4(1, 1, 100), b = pkt6(1, 1, 50);

		if (s <= 30)
			for (int i = 0; i < 10; i++)
				lw_mcast_groups_add(g, &a, (uint64_t)s * NS - NS / 2);
		if (s >= 5)
			for (int i = 0; i < 2; i++)
				lw_mcast_groups_add(g, &b, (uint64_t)s * NS - NS / 2);
		lw_mcast_rates_tick(g, (uint64_t)s * NS);
	}
}

static void expect_rate(const struct lw_mcast_rate *r, uint64_t packets, uint64_t octets,
			uint32_t seconds, uint64_t pps, uint64_t bps)
{
	assert_int_equal(r->packets, packets);
	assert_int_equal(r->octets, octets);
	assert_int_equal(r->seconds, seconds);
	assert_int_equal(r->span_ns, (uint64_t)seconds * NS);
	assert_int_equal(lw_mcast_rate_pps(r), pps);
	assert_int_equal(lw_mcast_rate_bps(r), bps);
}

static void rates_synthetic_clock(void **state)
{
	static const uint8_t ga[16] = { 239, 1, 1, 1 }, gb[16] = { 0xff, 0x15, [15] = 1 };
	struct lw_mcast_groups g;
	struct lw_mcast_rate r;

	(void)state;
	assert_int_equal(lw_mcast_groups_init(&g, 4), 0);
	/* No sample, then one: no rate yet. */
	lw_mcast_iface_rate(&g, 1, &r);
	expect_rate(&r, 0, 0, 0, 0, 0);
	lw_mcast_rates_tick(&g, 0);
	lw_mcast_iface_rate(&g, 10, &r);
	expect_rate(&r, 0, 0, 0, 0, 0);

	run_seconds(&g, 1, 1);
	lw_mcast_iface_rate(&g, 1, &r);
	expect_rate(&r, 10, 1000, 1, 10, 8000);
	lw_mcast_iface_rate(&g, 60, &r);   /* one second of history is all there is */
	expect_rate(&r, 10, 1000, 1, 10, 8000);

	run_seconds(&g, 2, 5);
	lw_mcast_iface_rate(&g, 1, &r);
	expect_rate(&r, 12, 1100, 1, 12, 8800);
	lw_mcast_iface_rate(&g, 10, &r);   /* 5 s: 52 packets, 5100 octets */
	expect_rate(&r, 52, 5100, 5, 10, 8160);
	/* B came in second 5: its samples before are the 0 it had. */
	lw_mcast_group_rate(&g, lw_mcast_groups_find(&g, 2, gb), 10, &r);
	expect_rate(&r, 2, 100, 5, 0, 160);

	/* Packets after the last tick are not in any rate until the next tick. */
	{
		struct lw_mcast_pkt a = pkt4(1, 1, 100);

		lw_mcast_groups_add(&g, &a, 5 * NS + 1);
		lw_mcast_iface_rate(&g, 1, &r);
		expect_rate(&r, 12, 1100, 1, 12, 8800);
		/* Second 6 then has one packet more than run_seconds gives it. */
	}
	run_seconds(&g, 6, 40);
	lw_mcast_iface_rate(&g, 1, &r);
	expect_rate(&r, 2, 100, 1, 2, 800);
	lw_mcast_iface_rate(&g, 10, &r);
	expect_rate(&r, 20, 1000, 10, 2, 800);
	/* 40 s: A 300 (+1) packets, 30100 octets; B 36 s x 2 = 72 packets, 3600 octets. */
	lw_mcast_iface_rate(&g, 60, &r);
	expect_rate(&r, 373, 33700, 40, 9, 6740);
	lw_mcast_group_rate(&g, lw_mcast_groups_find(&g, 1, ga), 10, &r);
	expect_rate(&r, 0, 0, 10, 0, 0);
	lw_mcast_group_rate(&g, lw_mcast_groups_find(&g, 2, gb), 10, &r);
	expect_rate(&r, 20, 1000, 10, 2, 800);

	/* Past 60 s of history the window slides: seconds 11..70. */
	run_seconds(&g, 41, 70);
	lw_mcast_iface_rate(&g, 60, &r);
	expect_rate(&r, 320, 26000, 60, 5, 3466);
	lw_mcast_iface_rate(&g, 600, &r);  /* clamped to 60 */
	expect_rate(&r, 320, 26000, 60, 5, 3466);
	lw_mcast_iface_rate(&g, 0, &r);    /* clamped to 1 */
	expect_rate(&r, 2, 100, 1, 2, 800);
	lw_mcast_group_rate(&g, lw_mcast_groups_find(&g, 2, gb), 60, &r);  /* clamped to 10 */
	expect_rate(&r, 20, 1000, 10, 2, 800);

	/* A late tick: the rate divides by the time the samples really span. */
	lw_mcast_rates_tick(&g, 72 * NS);
	lw_mcast_iface_rate(&g, 1, &r);
	assert_int_equal(r.span_ns, 2 * NS);
	assert_int_equal(r.packets, 0);
	lw_mcast_groups_free(&g);
}

static void snapshot_sorted_copy(void **state)
{
	static const uint8_t order[4][2] = { { 1, 224 }, { 1, 239 }, { 2, 0x01 }, { 2, 0x02 } };
	struct lw_mcast_pkt p[4] = {
		{ .family = 1, .group = { 239, 9, 9, 9 }, .wire_len = 10 },
		{ .family = 2, .group = { 0xff, 0x02, [15] = 1 }, .wire_len = 20 },
		{ .family = 1, .group = { 224, 0, 0, 251 }, .wire_len = 30 },
		{ .family = 2, .group = { 0xff, 0x01, [15] = 1 }, .wire_len = 40 },
	};
	struct lw_mcast_groups g;
	struct lw_mcast_snapshot s;

	(void)state;
	assert_int_equal(lw_mcast_groups_init(&g, 3), 0);
	assert_int_equal(lw_mcast_snapshot_init(&s, 3), 0);
	lw_mcast_rates_tick(&g, 0);
	for (int i = 0; i < 4; i++)
		lw_mcast_groups_add(&g, &p[i], 100 + (uint64_t)i);
	lw_mcast_groups_add(&g, &p[0], 200);
	lw_mcast_rates_tick(&g, NS);
	/* ff01::1 came fourth: refused, in overflow. */
	lw_mcast_groups_snapshot(&g, &s);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.groups, 3);
	assert_int_equal(s.packets, 5);
	assert_int_equal(s.octets, 110);
	assert_int_equal(s.overflow_packets, 1);
	assert_int_equal(s.overflow_octets, 40);
	assert_int_equal(s.rate1.packets, 5);
	assert_int_equal(s.rate60.seconds, 1);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(s.rows[i].family, order[i < 2 ? i : 3][0]);
		assert_int_equal(s.rows[i].group[i < 2 ? 0 : 1], order[i < 2 ? i : 3][1]);
	}
	assert_int_equal(s.rows[1].packets, 2);
	assert_int_equal(s.rows[1].octets, 20);
	assert_int_equal(s.rows[1].first_seen_ns, 100);
	assert_int_equal(s.rows[1].last_seen_ns, 200);
	assert_int_equal(s.rows[1].sources, 1);
	assert_int_equal(s.rows[1].rate10.packets, 2);
	assert_int_equal(s.rows[0].octets, 30);
	assert_int_equal(s.rows[2].octets, 20);
	/* A copy: later packets leave it as it was. */
	lw_mcast_groups_add(&g, &p[2], 300);
	assert_int_equal(s.rows[0].packets, 1);
	lw_mcast_snapshot_free(&s);
	lw_mcast_groups_free(&g);
}

/* --- /proc/net/igmp{,6} -------------------------------------------------------------------- */

static void expect_row(const struct lw_mcast_membership *m, uint32_t ifindex, const char *name,
		       uint8_t family, const char *group, uint32_t users)
{
	uint8_t want[16] = { 0 };

	assert_int_equal(inet_pton(family == 1 ? AF_INET : AF_INET6, group, want), 1);
	assert_int_equal(m->ifindex, ifindex);
	assert_string_equal(m->ifname, name);
	assert_int_equal(m->family, family);
	assert_memory_equal(m->group, want, 16);
	assert_int_equal(m->users, users);
}

/* One expected membership: its row number in the parsed list and what the row holds. */
struct want_member {
	size_t at;
	uint32_t ifindex;
	const char *name;
	const char *group;
	uint32_t users;
};

#define MEMBERS_MAX 11  /* 10 rows and the end */

/* What one fixture tree's igmp files hold. */
struct want_igmp {
	const char *tree;
	size_t n4, n6;                         /* rows parsed from igmp, igmp6 */
	struct want_member v4[MEMBERS_MAX], v6[MEMBERS_MAX];  /* a name of NULL ends a list */
};

/* A parsed list of n rows holding at least the wanted ones. */
static void expect_members(const struct lw_membership_list *l, size_t n, uint8_t family,
			   const struct want_member *want)
{
	assert_int_equal(l->n, n);
	for (const struct want_member *w = want; w->name != NULL; w++)
		expect_row(&l->rows[w->at], w->ifindex, w->name, family, w->group, w->users);
}

/* Parses the tree's proc/net/igmp and igmp6 and checks them against want. */
static void check_igmp_tree(const struct want_igmp *want)
{
	static char buf[65536];
	struct lw_membership_list l;
	struct lw_error err;
	size_t len;

	lw_membership_list_init(&l);
	len = lw_fixture_read(want->tree, "proc/net/igmp", buf, sizeof(buf));
	assert_int_equal(lw_igmp_parse(buf, len, &l, &err), 0);
	expect_members(&l, want->n4, 1, want->v4);

	len = lw_fixture_read(want->tree, "proc/net/igmp6", buf, sizeof(buf));
	assert_int_equal(lw_igmp6_parse(buf, len, &l, &err), 0);
	expect_members(&l, want->n6, 2, want->v6);
	lw_membership_list_free(&l);
}

/* What each kernel root's igmp files hold (one row per lw_fixture_kernels[] entry). */
static const struct want_igmp host_roots[LW_FIXTURE_NKERNELS] = {
	{ LW_FIXTURE_KERNEL, 2, 10,
	  { { 0, 1, "lo", "224.0.0.1", 1 }, { 1, 4, "eth0", "224.0.0.1", 1 } },
	  { { 0, 1, "lo", "ff02::1", 1 }, { 1, 1, "lo", "ff01::1", 1 },
	    { 2, 2, "ifb0", "ff02::1", 1 }, { 3, 2, "ifb0", "ff01::1", 1 },
	    { 4, 3, "ifb1", "ff02::1", 1 }, { 5, 3, "ifb1", "ff01::1", 1 },
	    { 6, 4, "eth0", "ff02::1:ff00:2", 1 }, { 7, 4, "eth0", "ff02::1:ff00:1", 1 },
	    { 8, 4, "eth0", "ff02::1", 1 }, { 9, 4, "eth0", "ff01::1", 1 } } },
	/* A 49-device blade (3.x capture, same format): IPv4 on lo and eth0 only (lo's V3 and
	 * eth0's V2 querier columns), no ff01::1 yet; eth0's solicited-node group has 2 users. */
	{ "linux-4.x", 2, 51,
	  { { 0, 1, "lo", "224.0.0.1", 1 }, { 1, 2, "eth0", "224.0.0.1", 1 } },
	  { { 0, 1, "lo", "ff02::1", 1 }, { 1, 2, "eth0", "ff02::202", 1 },
	    { 2, 2, "eth0", "ff02::1:ff35:d438", 2 }, { 3, 2, "eth0", "ff02::1", 1 },
	    { 4, 3, "eth1", "ff02::1", 1 }, { 50, 49, "eth47", "ff02::1", 1 } } },
	{ "linux-5.x", 5, 8,
	  { { 0, 1, "lo", "224.0.0.1", 1 }, { 1, 2, "enp0s31f6", "224.0.0.251", 1 },
	    { 2, 2, "enp0s31f6", "239.1.2.3", 2 }, { 3, 2, "enp0s31f6", "224.0.0.1", 1 },
	    { 4, 3, "wlp4s0", "224.0.0.1", 1 } },
	  { { 0, 1, "lo", "ff02::1", 1 }, { 1, 1, "lo", "ff01::1", 1 },
	    { 2, 2, "enp0s31f6", "ff02::1:ff4c:2a10", 1 }, { 3, 2, "enp0s31f6", "ff02::fb", 1 },
	    { 4, 2, "enp0s31f6", "ff02::1", 1 }, { 5, 2, "enp0s31f6", "ff01::1", 1 },
	    { 6, 3, "wlp4s0", "ff02::1", 1 }, { 7, 3, "wlp4s0", "ff01::1", 1 } } },
};

static void igmp_host_fixture(void **state)
{
	(void)state;
	for (size_t r = 0; r < LW_FIXTURE_NKERNELS; r++) {
		assert_string_equal(host_roots[r].tree, lw_fixture_kernels[r]);
		check_igmp_tree(&host_roots[r]);
	}
}

/* The mcast-joined capture: the groups a test host joined on purpose (SSM, scoped v6). */
static const struct want_igmp joined = {
	"mcast-joined", 6, 11,
	{ { 0, 1, "lo", "224.0.1.129", 1 }, { 1, 1, "lo", "224.0.0.1", 1 },
	  { 2, 2, "veth-mc1", "224.0.0.1", 1 }, { 3, 3, "veth-mc0", "232.10.20.30", 1 },
	  { 4, 3, "veth-mc0", "239.1.2.3", 2 }, { 5, 3, "veth-mc0", "224.0.0.1", 1 } },
	{ { 0, 1, "lo", "ff02::fb", 1 }, { 3, 2, "veth-mc1", "ff02::1:ffd4:d1c", 1 },
	  { 6, 3, "veth-mc0", "ff3e::8000:1", 1 }, { 7, 3, "veth-mc0", "ff15::1234", 1 },
	  { 8, 3, "veth-mc0", "ff02::1:ff69:f3cb", 1 }, { 10, 3, "veth-mc0", "ff01::1", 1 } },
};

static void igmp_joined_fixture(void **state)
{
	(void)state;
	check_igmp_tree(&joined);
}

#define HDR "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n"

static void igmp_malformed(void **state)
{
	static const struct { int v6; const char *text, *error; } cases[] = {
		{ 0, "", "igmp: no \"Idx\" header line" },
		{ 0, "1\tlo : 1 V3\n", "igmp: no \"Idx\" header line" },
		{ 0, HDR "\t\t\t\t010000E0     1 0:00000000\t\t0\n",
		  "igmp line 2: group before any device" },
		{ 0, HDR "x\tlo        :     1      V3\n", "igmp line 2: bad interface index" },
		{ 0, HDR "1\tlo        1      V3\n", "igmp line 2: no ':' after the device" },
		{ 0, HDR "1\tabcdefghijklmnop:     1      V3\n",
		  "igmp line 2: bad interface name of 16 bytes" },
		{ 0, HDR "1\tlo        :     1      V3\n\t\t\t\t010000E     1 0:0\t\t0\n",
		  "igmp line 3: group is not 8 hex digits" },
		{ 0, HDR "1\tlo        :     1      V3\n\t\t\t\t010000EG     1 0:0\t\t0\n",
		  "igmp line 3: group is not 8 hex digits" },
		{ 0, HDR "1\tlo        :     1      V3\n\t\t\t\t010000E0     x 0:0\t\t0\n",
		  "igmp line 3: bad users count" },
		{ 0, HDR "1\tlo        :     1      V3\n\t\t\t\t010000E0     99999999999 0:0\n",
		  "igmp line 3: bad users count" },
		{ 1, "1    lo              ff02000000000000000000000000001     1 0000000C 0\n",
		  "igmp6 line 1: group is not 32 hex digits" },
		{ 1, "\n1    lo              ff02000000000000000000000000001z     1 0000000C 0\n",
		  "igmp6 line 2: group is not 32 hex digits" },
		{ 1, "1    lo              ff020000000000000000000000000001     - 0000000C 0\n",
		  "igmp6 line 1: bad users count" },
		{ 1, "lo   1               ff020000000000000000000000000001     1 0000000C 0\n",
		  "igmp6 line 1: bad interface index" },
		{ 1, "1\n", "igmp6 line 1: bad interface name of 0 bytes" },
	};
	struct lw_membership_list l;
	struct lw_error err;
	/* Good rows first: a failed parse must leave the list empty, not half-filled. */
	static const char ok4[] = HDR "1\tlo        :     1      V3\n\t\t\t\t010000E0     1 0:00000000\t\t0\n";
	static const char ok6[] = "7    a-fifteen-char1 ff020000000000000000000000000001     3 0000000C 0";

	(void)state;
	lw_membership_list_init(&l);
	assert_int_equal(lw_igmp_parse(ok4, strlen(ok4), &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(lw_igmp6_parse(ok6, strlen(ok6), &l, &err), 0);  /* no final newline */
	assert_int_equal(l.n, 1);
	expect_row(&l.rows[0], 7, "a-fifteen-char1", 2, "ff02::1", 3);
	assert_int_equal(lw_igmp6_parse("", 0, &l, &err), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(lw_igmp_parse(HDR, strlen(HDR), &l, &err), 0);
	assert_int_equal(l.n, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].text);

		assert_int_equal(lw_igmp_parse(ok4, strlen(ok4), &l, &err), 0);
		assert_int_equal(cases[i].v6 ? lw_igmp6_parse(cases[i].text, len, &l, &err)
					     : lw_igmp_parse(cases[i].text, len, &l, &err), -1);
		assert_string_equal(err.text, cases[i].error);
		assert_int_equal(l.n, 0);
	}
	lw_membership_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv4_multicast_tags_and_options),
		cmocka_unit_test(ipv6_multicast),
		cmocka_unit_test(not_multicast),
		cmocka_unit_test(truncated_at_every_offset),
		cmocka_unit_test(malformed),
		cmocka_unit_test(cooked_captures),
		cmocka_unit_test(fuzz_seeds_parse),
		cmocka_unit_test(groups_counts_and_sources),
		cmocka_unit_test(groups_cap_and_overflow),
		cmocka_unit_test(groups_source_cap),
		cmocka_unit_test(rates_synthetic_clock),
		cmocka_unit_test(snapshot_sorted_copy),
		cmocka_unit_test(igmp_host_fixture),
		cmocka_unit_test(igmp_joined_fixture),
		cmocka_unit_test(igmp_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
