/* mcastpkt.h: recognising a captured frame as an IPv4/IPv6 multicast datagram (group, source, size). */
/* SPDX-License-Identifier: ISC */
#ifndef LW_MCASTPKT_H
#define LW_MCASTPKT_H

#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"

/* libpcap link-layer types (pcap_datalink()), numbered as DLT_*: no pcap header needed here. */
enum {
	LW_DLT_EN10MB = 1,        /* Ethernet */
	LW_DLT_RAW = 12,          /* raw IP, no link header (tun, GRE, WireGuard): the version decides */
	LW_DLT_LINUX_SLL = 113,   /* cooked capture v1 ("any" before libpcap 1.10) */
	LW_DLT_LINUX_SLL2 = 276,  /* cooked capture v2 ("any", carries the ifindex) */
};

struct lw_mcast_pkt {
	uint8_t family;       /* 1 IPv4, 2 IPv6 (InetAddressType, as LW_ADDR_IPV4/6) */
	uint8_t group[16];    /* IP destination, network order; IPv4 in the first 4, rest zero */
	uint8_t source[16];   /* IP source, same layout */
	uint32_t wire_len;    /* octets on the wire (pcap header len), counted for rates */
	uint16_t vlan;        /* VLAN ID of the first (outer) tag; 0 untagged */
	uint16_t inner_vlan;  /* VLAN ID of the second tag of a QinQ frame; 0 none */
	uint8_t vlan_tags;    /* tags seen: 0, 1 or 2 */
	uint8_t ip_proto;     /* IPv4 protocol / IPv6 next header (17 UDP, 2 IGMP, 58 ICMPv6...) */
	uint8_t ttl;          /* IPv4 TTL / IPv6 hop limit */
	uint32_t ifindex;     /* from a LINUX_SLL2 header; 0 otherwise */
};

/*
 * Parses one frame of caplen captured bytes whose wire length was wire_len. Returns 1 for a
 * multicast datagram (IPv4 destination in 224.0.0.0/4, IPv6 in ff00::/8; *out filled), 0 for
 * any other frame (unicast, broadcast, ARP, non-IP, LLC, a third VLAN tag) and -1 with err
 * for a malformed one: link or VLAN header cut short (raw IP: no first byte), an IP header that is not all captured
 * (IPv4: IHL * 4 bytes, options included; IPv6: the 40-byte fixed header), an IP version
 * other than the EtherType's, IHL < 5, an IPv4 total length below the header length, or
 * wire_len below caplen. The payload may be cut (small snaplen): only headers are read.
 * Only the IP destination decides: a multicast MAC carrying a unicast IP is 0.
 * No alignment is assumed: fields are copied out of frame byte by byte.
 */
int lw_mcast_pkt_parse(int dlt, const void *frame, size_t caplen, uint32_t wire_len,
		       struct lw_mcast_pkt *out, struct lw_error *err);

/* The same for Ethernet frames (LW_DLT_EN10MB). */
int lw_mcast_pkt_parse_ether(const void *frame, size_t caplen, uint32_t wire_len,
			     struct lw_mcast_pkt *out, struct lw_error *err);

#endif
