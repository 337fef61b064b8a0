/* sockstat.h: /proc/net/sockstat{,6}: parsers, collector, TCP socket-memory percentages. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_SOCKSTAT_H
#define LW_SOCKSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"
#include "net/sysctlnum.h"

/* Figures of both files; add a name here and in sockstat.c's table to collect another. */
enum lw_sockstat_field {
	/* /proc/net/sockstat */
	LW_SS_SOCKETS_USED,    /* "sockets: used" */
	LW_SS_TCP_INUSE,
	LW_SS_TCP_ORPHAN,
	LW_SS_TCP_TW,
	LW_SS_TCP_ALLOC,
	LW_SS_TCP_MEM,         /* pages, the unit of tcp_mem */
	LW_SS_UDP_INUSE,
	LW_SS_UDP_MEM,         /* pages */
	LW_SS_UDPLITE_INUSE,
	LW_SS_RAW_INUSE,
	LW_SS_FRAG_INUSE,
	LW_SS_FRAG_MEMORY,     /* bytes */
	/* /proc/net/sockstat6 */
	LW_SS_TCP6_INUSE,
	LW_SS_UDP6_INUSE,
	LW_SS_UDPLITE6_INUSE,
	LW_SS_RAW6_INUSE,
	LW_SS_FRAG6_INUSE,
	LW_SS_FRAG6_MEMORY,    /* bytes */
	LW_SS_COUNT
};

struct lw_sockstat {
	uint64_t v[LW_SS_COUNT];
	uint64_t present;  /* bit (1 << field) set when the kernel printed the field */
};

static inline bool lw_sockstat_has(const struct lw_sockstat *s, enum lw_sockstat_field f)
{
	return (s->present >> f) & 1u;
}

/* "TCP orphan": the line prefix and key the kernel prints for a field. */
const char *lw_sockstat_prefix(enum lw_sockstat_field f);
const char *lw_sockstat_key(enum lw_sockstat_field f);

/*
 * Each parser replaces only the fields of its own file, so one zeroed struct can take both.
 * Unknown lines and keys are skipped; a malformed number, or a file without any known field,
 * is an error and leaves *out unchanged.
 */
int lw_sockstat_parse(const char *buf, size_t len, struct lw_sockstat *out, struct lw_error *err);
int lw_sockstat6_parse(const char *buf, size_t len, struct lw_sockstat *out,
		       struct lw_error *err);

/* Hundredths of a percent (10000 = 100%) of usage against a limit. */
enum lw_sockmem_pct_field {
	LW_PCT_TCP_ORPHAN,        /* TCP orphan / tcp_max_orphans */
	LW_PCT_TCP_MEM_PRESSURE,  /* TCP mem / tcp_mem pressure */
	LW_PCT_TCP_MEM_MAX,       /* TCP mem / tcp_mem max */
	LW_PCT_TCP_TW,            /* TCP tw / tcp_max_tw_buckets */
	LW_PCT_COUNT
};

struct lw_sockmem_pct {
	uint32_t v[LW_PCT_COUNT];  /* clamped to UINT32_MAX */
	uint64_t known;            /* bit (1 << field) set when both figures were there and limit > 0 */
};

static inline bool lw_sockmem_pct_known(const struct lw_sockmem_pct *p, enum lw_sockmem_pct_field f)
{
	return (p->known >> f) & 1u;
}

/* num * 10000 / den without overflow, clamped to UINT32_MAX; false (unknown) when den is 0. */
bool lw_ratio_hundredths(uint64_t num, uint64_t den, uint32_t *out);

void lw_sockmem_percents(const struct lw_sockstat *ss, const struct lw_tcp_limits *lim,
			 struct lw_sockmem_pct *out);

struct lw_collector;

/* The collector of /proc/net/sockstat and /proc/net/sockstat6: fills a struct lw_sockstat. */
extern const struct lw_collector lw_sockstat_collector;

#endif
