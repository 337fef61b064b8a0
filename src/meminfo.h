/* meminfo.h: parser for /proc/meminfo into a fixed set of fields with a presence mask. */
#ifndef LW_MEMINFO_H
#define LW_MEMINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lw_error.h"

/* Fields leakwatch publishes; add a name here and in meminfo.c's table to collect another. */
enum lw_meminfo_field {
	LW_MI_MEM_TOTAL,
	LW_MI_MEM_FREE,
	LW_MI_MEM_AVAILABLE,
	LW_MI_BUFFERS,
	LW_MI_CACHED,
	LW_MI_SWAP_TOTAL,
	LW_MI_SWAP_FREE,
	LW_MI_COMMITTED_AS,
	LW_MI_COUNT
};

struct lw_meminfo {
	uint64_t kb[LW_MI_COUNT];  /* KiB (counts for fields without a unit) */
	uint64_t present;          /* bit (1 << field) set when the kernel printed the field */
};

static inline bool lw_meminfo_has(const struct lw_meminfo *m, enum lw_meminfo_field f)
{
	return (m->present >> f) & 1u;
}

/* The kernel's name of a field ("MemTotal"). */
const char *lw_meminfo_name(enum lw_meminfo_field f);

/* Fails on a malformed line or when MemTotal is missing; unknown fields are skipped. */
int lw_meminfo_parse(const char *buf, size_t len, struct lw_meminfo *out, struct lw_error *err);

#endif
