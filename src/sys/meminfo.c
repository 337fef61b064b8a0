/* meminfo.c: table-driven /proc/meminfo parser ("Name:   123 kB" lines) and its collector. */
/* SPDX-License-Identifier: ISC */
#include "sys/meminfo.h"

#include <errno.h>
#include <string.h>

#include "base/readfile.h"
#include "base/scan.h"
#include "cycle/collector.h"

static const char *const field_names[LW_MI_COUNT] = {
	[LW_MI_MEM_TOTAL] = "MemTotal",
	[LW_MI_MEM_FREE] = "MemFree",
	[LW_MI_MEM_AVAILABLE] = "MemAvailable",
	[LW_MI_BUFFERS] = "Buffers",
	[LW_MI_CACHED] = "Cached",
	[LW_MI_SWAP_TOTAL] = "SwapTotal",
	[LW_MI_SWAP_FREE] = "SwapFree",
	[LW_MI_COMMITTED_AS] = "Committed_AS",
	[LW_MI_SLAB] = "Slab",
	[LW_MI_SRECLAIMABLE] = "SReclaimable",
	[LW_MI_SUNRECLAIM] = "SUnreclaim",
	[LW_MI_KERNEL_STACK] = "KernelStack",
	[LW_MI_PAGE_TABLES] = "PageTables",
	[LW_MI_SEC_PAGE_TABLES] = "SecPageTables",
	[LW_MI_VMALLOC_USED] = "VmallocUsed",
	[LW_MI_PERCPU] = "Percpu",
	[LW_MI_ANON_PAGES] = "AnonPages",
	[LW_MI_SHMEM] = "Shmem",
	[LW_MI_MAPPED] = "Mapped",
	[LW_MI_HUGEPAGES_TOTAL] = "HugePages_Total",
	[LW_MI_HUGEPAGES_FREE] = "HugePages_Free",
	[LW_MI_HUGETLB] = "Hugetlb",
	[LW_MI_ACTIVE] = "Active",
	[LW_MI_INACTIVE] = "Inactive",
	[LW_MI_UNEVICTABLE] = "Unevictable",
};

const char *lw_meminfo_name(enum lw_meminfo_field f)
{
	return (unsigned)f < LW_MI_COUNT ? field_names[f] : "?";
}

static int field_by_name(const char *name, size_t len)
{
	for (int f = 0; f < LW_MI_COUNT; f++)
		if (lw_token_is(name, len, field_names[f]))
			return f;
	return -1;
}

int lw_meminfo_parse(const char *buf, size_t len, struct lw_meminfo *out, struct lw_error *err)
{
	struct lw_scan s;
	struct lw_meminfo m;
	unsigned line = 0;

	memset(&m, 0, sizeof(m));
	lw_scan_init(&s, buf, len);
	while (!lw_scan_eof(&s)) {
		const char *name;
		size_t nlen;
		uint64_t value;
		int f;

		line++;
		if (lw_scan_at_eol(&s)) {
			lw_scan_next_line(&s);
			continue;
		}
		nlen = lw_scan_token(&s, ':', &name);
		if (nlen == 0 || !lw_scan_char(&s, ':'))
			return lw_error_set(err, EINVAL, "meminfo line %u: expected 'Name:'", line);
		lw_scan_blanks(&s);
		if (!lw_scan_u64(&s, &value))
			return lw_error_set(err, EINVAL, "meminfo line %u: expected a number", line);
		lw_scan_blanks(&s);
		if (s.p < s.end && *s.p == 'k') {
			const char *unit;
			size_t ulen = lw_scan_token(&s, 0, &unit);

			if (ulen != 2 || unit[1] != 'B')
				return lw_error_set(err, EINVAL, "meminfo line %u: unknown unit", line);
		}
		if (!lw_scan_at_eol(&s))
			return lw_error_set(err, EINVAL, "meminfo line %u: trailing data", line);
		f = field_by_name(name, nlen);
		if (f >= 0) {
			m.kb[f] = value;
			m.present |= UINT64_C(1) << f;
		}
		lw_scan_next_line(&s);
	}
	if (!lw_meminfo_has(&m, LW_MI_MEM_TOTAL))
		return lw_error_set(err, EINVAL, "meminfo: no MemTotal field");
	*out = m;
	return 0;
}

/* The figures subtracted from MemTotal; meminfo.h says why each is there. */
static const enum lw_meminfo_field accounted[] = {
	LW_MI_MEM_FREE,    LW_MI_ACTIVE,          LW_MI_INACTIVE,      LW_MI_UNEVICTABLE,
	LW_MI_SLAB,        LW_MI_KERNEL_STACK,    LW_MI_PAGE_TABLES,   LW_MI_SEC_PAGE_TABLES,
	LW_MI_PERCPU,      LW_MI_VMALLOC_USED,    LW_MI_HUGETLB,
};

bool lw_meminfo_unaccounted_kb(const struct lw_meminfo *m, uint64_t *out)
{
	uint64_t used = 0;

	if (!lw_meminfo_has(m, LW_MI_MEM_TOTAL) || !lw_meminfo_has(m, LW_MI_MEM_FREE))
		return false;
	for (size_t i = 0; i < sizeof(accounted) / sizeof(accounted[0]); i++) {
		enum lw_meminfo_field f = accounted[i];

		/* Saturating: hostile figures must clamp to 0, not wrap to a huge leak. */
		if (lw_meminfo_has(m, f) && __builtin_add_overflow(used, m->kb[f], &used))
			used = UINT64_MAX;
	}
	*out = used < m->kb[LW_MI_MEM_TOTAL] ? m->kb[LW_MI_MEM_TOTAL] - used : 0;
	return true;
}

/* Large enough for meminfo on hosts with thousands of CPUs and every optional field. */
#define MEMINFO_FILE_CAP 16384

static int collect(const struct lw_collector_ctx *ctx, struct lw_error *err)
{
	char buf[MEMINFO_FILE_CAP];
	size_t len;

	if (lw_read_file_at(ctx->rootfd, "proc/meminfo", buf, sizeof(buf), &len, err))
		return -1;
	return lw_meminfo_parse(buf, len, ctx->part, err);
}

const struct lw_collector lw_meminfo_collector = { sizeof(struct lw_meminfo), collect, NULL };
