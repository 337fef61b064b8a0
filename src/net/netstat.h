/* netstat.h: TCP counters of /proc/net/snmp ("Tcp:") and netstat ("TcpExt:"); collector. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_NETSTAT_H
#define LW_NETSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"

/* Counters leakwatch publishes; add a name here and in netstat.c's table to collect another. */
enum lw_netstat_field {
	/* /proc/net/snmp, "Tcp:" */
	LW_NS_TCP_ACTIVE_OPENS,
	LW_NS_TCP_PASSIVE_OPENS,
	LW_NS_TCP_ATTEMPT_FAILS,
	LW_NS_TCP_ESTAB_RESETS,
	LW_NS_TCP_CURR_ESTAB,              /* a gauge, the others are counters */
	LW_NS_TCP_RETRANS_SEGS,
	/* /proc/net/netstat, "TcpExt:" */
	LW_NS_TCPEXT_LISTEN_OVERFLOWS,
	LW_NS_TCPEXT_LISTEN_DROPS,
	LW_NS_TCPEXT_TCP_ABORT_ON_MEMORY,
	LW_NS_TCPEXT_TCP_MEMORY_PRESSURES,
	LW_NS_COUNT
};

struct lw_netstat {
	uint64_t v[LW_NS_COUNT];
	uint64_t present;  /* bit (1 << field) set when the kernel printed the field */
};

static inline bool lw_netstat_has(const struct lw_netstat *n, enum lw_netstat_field f)
{
	return (n->present >> f) & 1u;
}

/* The kernel's line prefix and column name of a field ("Tcp", "ActiveOpens"). */
const char *lw_netstat_prefix(enum lw_netstat_field f);
const char *lw_netstat_name(enum lw_netstat_field f);

/*
 * Both files are "Prefix: Name Name ..." header lines each followed by "Prefix: 1 -1 ..." value
 * lines, matched by position. Each parser replaces only the fields of its own prefix, so one
 * zeroed struct can take both; lines of other prefixes are skipped. A header without its value
 * line, a name/value count mismatch, a malformed or overflowing number, a negative wanted value,
 * or no line of the prefix at all is an error and leaves *out unchanged.
 */
int lw_net_snmp_parse(const char *buf, size_t len, struct lw_netstat *out, struct lw_error *err);
int lw_netstat_parse(const char *buf, size_t len, struct lw_netstat *out, struct lw_error *err);

struct lw_collector;

/* The collector of /proc/net/snmp and /proc/net/netstat: fills a struct lw_netstat. */
extern const struct lw_collector lw_net_snmp_collector;

#endif
