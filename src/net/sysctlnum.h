/* sysctlnum.h: numeric sysctl files (tcp_mem, tcp_max_orphans, ...): parsers, collector. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_SYSCTLNUM_H
#define LW_SYSCTLNUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"

/* The TCP limits socket usage is measured against. */
enum lw_tcp_limit {
	LW_TL_MEM_MIN,         /* tcp_mem, pages */
	LW_TL_MEM_PRESSURE,    /* tcp_mem, pages */
	LW_TL_MEM_MAX,         /* tcp_mem, pages */
	LW_TL_MAX_ORPHANS,     /* tcp_max_orphans */
	LW_TL_MAX_TW_BUCKETS,  /* tcp_max_tw_buckets */
	LW_TL_COUNT
};

struct lw_tcp_limits {
	uint64_t v[LW_TL_COUNT];
	uint64_t present;  /* bit (1 << limit) set once its file was parsed */
};

static inline bool lw_tcp_limits_has(const struct lw_tcp_limits *l, enum lw_tcp_limit f)
{
	return (l->present >> f) & 1u;
}

/* The file under /proc/sys/net/ipv4 a limit comes from ("tcp_mem"). */
const char *lw_tcp_limit_name(enum lw_tcp_limit f);

/* One unsigned integer and an optional newline; name only labels the error text. */
int lw_sysctl_u64_parse(const char *buf, size_t len, const char *name, uint64_t *out,
			struct lw_error *err);

/* "min pressure max": sets the three LW_TL_MEM_* limits, leaving the others alone. */
int lw_tcp_mem_parse(const char *buf, size_t len, struct lw_tcp_limits *out, struct lw_error *err);

/* A single-integer limit file (LW_TL_MAX_ORPHANS, LW_TL_MAX_TW_BUCKETS) into its slot. */
int lw_tcp_limit_parse(const char *buf, size_t len, enum lw_tcp_limit f,
		       struct lw_tcp_limits *out, struct lw_error *err);

struct lw_collector;

/*
 * The collector of /proc/sys/net/ipv4/tcp_{mem,max_orphans,max_tw_buckets}: fills a struct
 * lw_tcp_limits (a child network namespace has only the last: a notice, not an error).
 */
extern const struct lw_collector lw_tcp_sysctl_collector;

#endif
