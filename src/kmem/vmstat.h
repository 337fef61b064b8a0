/* vmstat.h: /proc/vmstat counters of memory pressure and reclaim: parser and collector. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_VMSTAT_H
#define LW_VMSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"

/* Counters leakwatch publishes; add one here and its kernel names in vmstat.c's table. */
enum lw_vmstat_field {
	LW_VM_PGFAULT,
	LW_VM_PGMAJFAULT,
	LW_VM_PSWPIN,
	LW_VM_PSWPOUT,
	LW_VM_OOM_KILL,            /* 4.13+ */
	LW_VM_ALLOCSTALL,          /* allocstall_{dma,dma32,normal,movable,device} summed (4.10+),
				    * or the single allocstall of older kernels */
	LW_VM_COMPACT_STALL,
	LW_VM_PGSCAN_KSWAPD,
	LW_VM_PGSCAN_DIRECT,
	LW_VM_PGSTEAL_KSWAPD,
	LW_VM_PGSTEAL_DIRECT,
	LW_VM_WORKINGSET_REFAULT,  /* workingset_refault_{anon,file} summed (5.9+), or the single
				    * workingset_refault of older kernels */
	LW_VM_COUNT
};

struct lw_vmstat {
	uint64_t v[LW_VM_COUNT];  /* sums saturate at UINT64_MAX */
	uint64_t present;         /* bit (1 << field) set when any of its kernel lines was there */
};

static inline bool lw_vmstat_has(const struct lw_vmstat *m, enum lw_vmstat_field f)
{
	return (m->present >> f) & 1u;
}

/* leakwatch's name of a field: the kernel's, or the common prefix of summed ones ("allocstall"). */
const char *lw_vmstat_name(enum lw_vmstat_field f);

/*
 * Every line must be "name number"; unknown names are skipped. A field summed from several
 * lines adds those printed (a line printed twice counts once, the last). A malformed line, or a
 * file without any known counter, is an error and leaves *out unchanged.
 */
int lw_vmstat_parse(const char *buf, size_t len, struct lw_vmstat *out, struct lw_error *err);

struct lw_collector;

/* The collector of /proc/vmstat: fills a struct lw_vmstat. */
extern const struct lw_collector lw_vmstat_collector;

#endif
