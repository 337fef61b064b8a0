/* igmp.h: parsers for /proc/net/igmp and /proc/net/igmp6, the groups this host joined per device. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_IGMP_H
#define LW_IGMP_H

#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"
#include "base/rows.h"

#define LW_IFNAME_MAX 16  /* IFNAMSIZ: 15 characters and the NUL */

struct lw_mcast_membership {
	uint32_t ifindex;
	char ifname[LW_IFNAME_MAX];
	uint8_t family;      /* 1 IPv4, 2 IPv6 (InetAddressType) */
	uint8_t group[16];   /* network order; IPv4 in the first 4 bytes, the rest zero */
	uint32_t users;      /* sockets (and kernel users) holding the membership */
};

struct lw_membership_list {
	struct lw_mcast_membership *rows;
	size_t n, cap;
};

LW_ROW_LIST_DECLARE(lw_membership_list);  /* _init, _free, _reset: base/rows.h */

/* Appends every row of from to l; -1 (l unchanged) when out of memory. */
int lw_membership_list_append(struct lw_membership_list *l,
			      const struct lw_membership_list *from);

/*
 * Sorts l into lwMcastMemberTable's index order (ifindex, family, group bytes) and removes
 * rows whose key repeats (the kernel lists a group once per device; a torn read might not).
 */
void lw_membership_list_sort(struct lw_membership_list *l);

/* The row of (ifindex, family, group) in a sorted list, or NULL. */
const struct lw_mcast_membership *lw_membership_find(const struct lw_membership_list *l,
						     uint32_t ifindex, uint8_t family,
						     const uint8_t group[16]);

/*
 * /proc/net/igmp: a header line "Idx\tDevice    : Count Querier\t...", then per device
 * "IDX\tNAME      : COUNT QUERIER" followed by one tab-indented line per group
 * "\t\t\t\tGROUP USERS TIMER\t\tREPORTER". The kernel prints GROUP with %08X of the __be32
 * taken as a host integer, so on little-endian hosts the hex reads reversed (224.0.0.1 is
 * 010000E0); the parser stores that integer in host order, which gives back the network
 * bytes on either endianness (fixtures from x86 parse as such only on little-endian hosts).
 * Replaces l's rows with the file's groups in file order. A missing header, a group line
 * before any device line, a bad number, a group that is not 8 hex digits or a device name
 * longer than 15 characters is an error and leaves l empty.
 */
int lw_igmp_parse(const char *buf, size_t len, struct lw_membership_list *l,
		  struct lw_error *err);

/*
 * /proc/net/igmp6: one line per group, "IDX NAME GROUP32HEX USERS FLAGS TIMER" (the group
 * printed in network order, no colons). Fields after USERS are not read. No header; an empty
 * file is no groups. Errors as lw_igmp_parse; l is left empty on error.
 */
int lw_igmp6_parse(const char *buf, size_t len, struct lw_membership_list *l,
		   struct lw_error *err);

#endif
