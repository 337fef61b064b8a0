/* mcastmembers.h: the collector of /proc/net/igmp{,6}: the groups joined, per interface. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_MCASTMEMBERS_H
#define LW_MCASTMEMBERS_H

struct lw_collector;

/*
 * Reads proc/net/igmp and proc/net/igmp6 (optional: a kernel without IPv6 has none, which is a
 * notice) into a struct lw_membership_list, sorted in lwMcastMemberTable's index order; the
 * list is emptied when it fails.
 */
extern const struct lw_collector lw_igmp_collector;

#endif
