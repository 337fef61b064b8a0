/* meminfo.h: parser and collector of /proc/meminfo: fixed fields with a presence mask. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_MEMINFO_H
#define LW_MEMINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"

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
	/* Kernel memory: the terms of lw_meminfo_unaccounted_kb() and the figures beside it. */
	LW_MI_SLAB,
	LW_MI_SRECLAIMABLE,
	LW_MI_SUNRECLAIM,
	LW_MI_KERNEL_STACK,
	LW_MI_PAGE_TABLES,
	LW_MI_SEC_PAGE_TABLES,    /* 6.0+: IOMMU and KVM secondary page tables */
	LW_MI_VMALLOC_USED,
	LW_MI_PERCPU,
	LW_MI_ANON_PAGES,
	LW_MI_SHMEM,
	LW_MI_MAPPED,
	LW_MI_HUGEPAGES_TOTAL,    /* a count of default-size huge pages, not KiB: no unit printed */
	LW_MI_HUGEPAGES_FREE,     /* a count of default-size huge pages, not KiB */
	LW_MI_HUGETLB,            /* KiB of all hugetlb pools, every huge page size */
	LW_MI_ACTIVE,
	LW_MI_INACTIVE,
	LW_MI_UNEVICTABLE,
	LW_MI_COUNT
};

struct lw_meminfo {
	uint64_t kb[LW_MI_COUNT];  /* KiB (counts for fields without a unit); 0 when absent */
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

/*
 * KiB of RAM no meminfo figure explains:
 *
 *   MemTotal - (MemFree + Active + Inactive + Unevictable + Slab + KernelStack + PageTables
 *               + SecPageTables + Percpu + VmallocUsed + Hugetlb), clamped at 0.
 *
 * Active, Inactive and Unevictable are every page on an LRU list: anonymous memory, file cache,
 * buffers, shmem/tmpfs and the swap cache, so AnonPages, Cached, Buffers and Shmem are already
 * in them and must not be added again. Slab is the slab allocator's pages (reclaimable and
 * not), KernelStack the thread stacks, PageTables and SecPageTables the process and
 * IOMMU/KVM page tables, Percpu the per-CPU allocator's chunks, VmallocUsed the pages behind
 * vmalloc() and Hugetlb the reserved huge page pools, free or not (they leave the LRU and
 * MemFree when reserved). What is left is memory the kernel took with alloc_pages() and keeps
 * outside all of these: driver and DMA buffers, network page pools, the zswap pool, balloon
 * pages, the free pages parked on per-CPU lists. A leak there grows nothing but this figure,
 * which is what a kernel leak outside slab looks like.
 *
 * The terms overlap a little, so the figure is a lower bound: with CONFIG_VMAP_STACK (the
 * x86_64 and arm64 default) thread stacks are vmalloc() pages and so count in both KernelStack
 * and VmallocUsed. Watch its growth, not its level.
 *
 * Fields a kernel lacks (SecPageTables before 6.0, Percpu and Hugetlb before 4.16) count as 0,
 * so there the figure takes in what they would have shown; so does vmalloc on 4.4 to 5.2, which
 * print VmallocUsed as 0. False, *out untouched, when MemTotal or MemFree is missing.
 */
bool lw_meminfo_unaccounted_kb(const struct lw_meminfo *m, uint64_t *out);

struct lw_collector;

/* The collector of /proc/meminfo: fills a struct lw_meminfo. */
extern const struct lw_collector lw_meminfo_collector;

#endif
