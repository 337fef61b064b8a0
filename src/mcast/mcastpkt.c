/* mcastpkt.c: Ethernet / cooked-capture header walk to the IP addresses of a multicast frame. */
/* SPDX-License-Identifier: ISC */
#include "mcast/mcastpkt.h"

#include <errno.h>
#include <string.h>

/* Network-order fields read byte by byte: frames sit at any alignment. */
static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

enum {
	ETH_IPV4 = 0x0800,
	ETH_IPV6 = 0x86dd,
	ETH_VLAN = 0x8100,   /* 802.1Q C-tag */
	ETH_QINQ = 0x88a8,   /* 802.1ad S-tag */
	ETH_QINQ_OLD = 0x9100,  /* pre-standard S-tag, still sent by some switches */
};

static int parse_ipv4(const uint8_t *p, size_t len, struct lw_mcast_pkt *out,
		      struct lw_error *err)
{
	size_t ihl;

	if (len < 20)
		return lw_error_set(err, EPROTO, "mcast: IPv4 header cut at %zu of 20 bytes", len);
	if (p[0] >> 4 != 4)
		return lw_error_set(err, EPROTO, "mcast: IP version %u in an IPv4 frame", p[0] >> 4);
	ihl = (size_t)(p[0] & 0x0f) * 4;
	if (ihl < 20)
		return lw_error_set(err, EPROTO, "mcast: IPv4 header length %zu below 20", ihl);
	/* Options are headers too: a parser reading on (UDP ports) must find them whole. */
	if (len < ihl)
		return lw_error_set(err, EPROTO, "mcast: IPv4 header cut at %zu of %zu bytes", len,
				    ihl);
	if (be16(p + 2) < ihl)
		return lw_error_set(err, EPROTO, "mcast: IPv4 total length %u below header %zu",
				    be16(p + 2), ihl);
	if ((p[16] & 0xf0) != 0xe0)
		return 0;
	out->family = 1;
	memcpy(out->group, p + 16, 4);
	memcpy(out->source, p + 12, 4);
	out->ip_proto = p[9];
	out->ttl = p[8];
	return 1;
}

static int parse_ipv6(const uint8_t *p, size_t len, struct lw_mcast_pkt *out,
		      struct lw_error *err)
{
	if (len < 40)
		return lw_error_set(err, EPROTO, "mcast: IPv6 header cut at %zu of 40 bytes", len);
	if (p[0] >> 4 != 6)
		return lw_error_set(err, EPROTO, "mcast: IP version %u in an IPv6 frame", p[0] >> 4);
	if (p[24] != 0xff)
		return 0;
	out->family = 2;
	memcpy(out->group, p + 24, 16);
	memcpy(out->source, p + 8, 16);
	out->ip_proto = p[6];  /* the first next header: extension headers are not walked */
	out->ttl = p[7];
	return 1;
}

/* From an EtherType at p[-2..-1] (already read as type): VLAN tags, then IP. */
static int parse_from_type(uint16_t type, const uint8_t *p, size_t len, struct lw_mcast_pkt *out,
			   struct lw_error *err)
{
	while (type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ_OLD) {
		uint16_t vid;

		if (out->vlan_tags == 2)
			return 0;  /* deeper stacks are not multicast we account */
		if (len < 4)
			return lw_error_set(err, EPROTO, "mcast: VLAN tag %u cut at %zu of 4 bytes",
					    out->vlan_tags + 1u, len);
		vid = be16(p) & 0x0fff;
		if (out->vlan_tags++ == 0)
			out->vlan = vid;
		else
			out->inner_vlan = vid;
		type = be16(p + 2);
		p += 4;
		len -= 4;
	}
	if (type == ETH_IPV4)
		return parse_ipv4(p, len, out, err);
	if (type == ETH_IPV6)
		return parse_ipv6(p, len, out, err);
	return 0;
}

static int start(const void *frame, size_t caplen, uint32_t wire_len, struct lw_mcast_pkt *out,
		 struct lw_error *err)
{
	memset(out, 0, sizeof(*out));
	out->wire_len = wire_len;
	if (frame == NULL && caplen > 0)
		return lw_error_set(err, EINVAL, "mcast: no frame");
	if (wire_len < caplen)
		return lw_error_set(err, EPROTO, "mcast: wire length %u below captured %zu",
				    wire_len, caplen);
	return 0;
}

int lw_mcast_pkt_parse_ether(const void *frame, size_t caplen, uint32_t wire_len,
			     struct lw_mcast_pkt *out, struct lw_error *err)
{
	const uint8_t *p = frame;

	if (start(frame, caplen, wire_len, out, err))
		return -1;
	if (caplen < 14)
		return lw_error_set(err, EPROTO, "mcast: Ethernet header cut at %zu of 14 bytes",
				    caplen);
	/* Below 0x0600 the field is an 802.3 length (LLC follows): never IP. */
	return parse_from_type(be16(p + 12), p + 14, caplen - 14, out, err);
}

/* LINUX_SLL: pkttype(2) hatype(2) halen(2) addr(8) protocol(2). */
static int parse_sll(const uint8_t *p, size_t caplen, struct lw_mcast_pkt *out,
		     struct lw_error *err)
{
	if (caplen < 16)
		return lw_error_set(err, EPROTO, "mcast: SLL header cut at %zu of 16 bytes", caplen);
	return parse_from_type(be16(p + 14), p + 16, caplen - 16, out, err);
}

/* LINUX_SLL2: protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8). */
static int parse_sll2(const uint8_t *p, size_t caplen, struct lw_mcast_pkt *out,
		      struct lw_error *err)
{
	if (caplen < 20)
		return lw_error_set(err, EPROTO, "mcast: SLL2 header cut at %zu of 20 bytes",
				    caplen);
	out->ifindex = be32(p + 4);
	return parse_from_type(be16(p), p + 20, caplen - 20, out, err);
}

/* Raw IP: the version nibble of the first byte is the only link information there is. */
static int parse_raw(const uint8_t *p, size_t caplen, struct lw_mcast_pkt *out,
		     struct lw_error *err)
{
	if (caplen < 1)
		return lw_error_set(err, EPROTO, "mcast: raw IP frame is empty");
	if (p[0] >> 4 == 4)
		return parse_ipv4(p, caplen, out, err);
	if (p[0] >> 4 == 6)
		return parse_ipv6(p, caplen, out, err);
	return 0;
}

int lw_mcast_pkt_parse(int dlt, const void *frame, size_t caplen, uint32_t wire_len,
		       struct lw_mcast_pkt *out, struct lw_error *err)
{
	if (dlt == LW_DLT_EN10MB)
		return lw_mcast_pkt_parse_ether(frame, caplen, wire_len, out, err);
	if (start(frame, caplen, wire_len, out, err))
		return -1;
	if (dlt == LW_DLT_LINUX_SLL)
		return parse_sll(frame, caplen, out, err);
	if (dlt == LW_DLT_LINUX_SLL2)
		return parse_sll2(frame, caplen, out, err);
	if (dlt == LW_DLT_RAW)
		return parse_raw(frame, caplen, out, err);
	return lw_error_set(err, EINVAL, "mcast: link type %d not supported", dlt);
}
