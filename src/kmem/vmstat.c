/* vmstat.c: table-driven /proc/vmstat parser, summing split counters; its collector. */
/* SPDX-License-Identifier: ISC */
#include "kmem/vmstat.h"

#include <errno.h>
#include <string.h>

#include "base/readfile.h"
#include "base/scan.h"
#include "cycle/collector.h"

/* Each kernel line feeding a field; kernels split some counters per zone or LRU type. */
static const struct {
	const char *line;
	enum lw_vmstat_field field;
} sources[] = {
	{ "pgfault", LW_VM_PGFAULT },
	{ "pgmajfault", LW_VM_PGMAJFAULT },
	{ "pswpin", LW_VM_PSWPIN },
	{ "pswpout", LW_VM_PSWPOUT },
	{ "oom_kill", LW_VM_OOM_KILL },
	{ "allocstall", LW_VM_ALLOCSTALL },
	{ "allocstall_dma", LW_VM_ALLOCSTALL },
	{ "allocstall_dma32", LW_VM_ALLOCSTALL },
	{ "allocstall_normal", LW_VM_ALLOCSTALL },
	{ "allocstall_movable", LW_VM_ALLOCSTALL },
	{ "allocstall_device", LW_VM_ALLOCSTALL },
	{ "compact_stall", LW_VM_COMPACT_STALL },
	{ "pgscan_kswapd", LW_VM_PGSCAN_KSWAPD },
	{ "pgscan_direct", LW_VM_PGSCAN_DIRECT },
	{ "pgsteal_kswapd", LW_VM_PGSTEAL_KSWAPD },
	{ "pgsteal_direct", LW_VM_PGSTEAL_DIRECT },
	{ "workingset_refault", LW_VM_WORKINGSET_REFAULT },
	{ "workingset_refault_anon", LW_VM_WORKINGSET_REFAULT },
	{ "workingset_refault_file", LW_VM_WORKINGSET_REFAULT },
};

#define NSOURCES (sizeof(sources) / sizeof(sources[0]))
_Static_assert(NSOURCES <= 32, "lw_vmstat_parse keeps one bit per source in a uint32_t");

static const char *const field_names[LW_VM_COUNT] = {
	[LW_VM_PGFAULT] = "pgfault",
	[LW_VM_PGMAJFAULT] = "pgmajfault",
	[LW_VM_PSWPIN] = "pswpin",
	[LW_VM_PSWPOUT] = "pswpout",
	[LW_VM_OOM_KILL] = "oom_kill",
	[LW_VM_ALLOCSTALL] = "allocstall",
	[LW_VM_COMPACT_STALL] = "compact_stall",
	[LW_VM_PGSCAN_KSWAPD] = "pgscan_kswapd",
	[LW_VM_PGSCAN_DIRECT] = "pgscan_direct",
	[LW_VM_PGSTEAL_KSWAPD] = "pgsteal_kswapd",
	[LW_VM_PGSTEAL_DIRECT] = "pgsteal_direct",
	[LW_VM_WORKINGSET_REFAULT] = "workingset_refault",
};

const char *lw_vmstat_name(enum lw_vmstat_field f)
{
	return (unsigned)f < LW_VM_COUNT ? field_names[f] : "?";
}

static int source_by_name(const char *name, size_t len)
{
	for (size_t i = 0; i < NSOURCES; i++)
		if (lw_token_is(name, len, sources[i].line))
			return (int)i;
	return -1;
}

int lw_vmstat_parse(const char *buf, size_t len, struct lw_vmstat *out, struct lw_error *err)
{
	uint64_t value[NSOURCES];
	uint32_t seen = 0;  /* bit per source line */
	struct lw_vmstat m;
	struct lw_scan s;
	unsigned line = 0;

	lw_scan_init(&s, buf, len);
	while (!lw_scan_eof(&s)) {
		const char *name;
		size_t nlen;
		uint64_t v;
		int src;

		line++;
		if (lw_scan_at_eol(&s)) {
			lw_scan_next_line(&s);
			continue;
		}
		nlen = lw_scan_token(&s, 0, &name);
		lw_scan_blanks(&s);
		if (!lw_scan_u64(&s, &v) || !lw_scan_at_eol(&s))
			return lw_error_set(err, EINVAL, "vmstat line %u (%.*s): expected 'name number'",
					    line, (int)(nlen > 32 ? 32 : nlen), name);
		src = source_by_name(name, nlen);
		if (src >= 0) {
			value[src] = v;
			seen |= UINT32_C(1) << src;
		}
		lw_scan_next_line(&s);
	}
	if (seen == 0)
		return lw_error_set(err, EINVAL, "vmstat: no known counter");
	/* Summed after the file, so a repeated line replaces its value instead of adding twice. */
	memset(&m, 0, sizeof(m));
	for (size_t i = 0; i < NSOURCES; i++) {
		enum lw_vmstat_field f = sources[i].field;

		if (!((seen >> i) & 1u))
			continue;
		if (__builtin_add_overflow(m.v[f], value[i], &m.v[f]))
			m.v[f] = UINT64_MAX;
		m.present |= UINT64_C(1) << f;
	}
	*out = m;
	return 0;
}

/* A few hundred lines on 6.x kernels; far above any. */
#define VMSTAT_FILE_MAX (64u << 20)

static int collect(const struct lw_collector_ctx *ctx, struct lw_error *err)
{
	struct lw_vmstat vm = { 0 };

	if (lw_read_file_grow_at(ctx->rootfd, "proc/vmstat", ctx->filebuf, VMSTAT_FILE_MAX, err) ||
	    lw_vmstat_parse(ctx->filebuf->data, ctx->filebuf->len, &vm, err))
		return -1;
	*(struct lw_vmstat *)ctx->part = vm;
	return 0;
}

const struct lw_collector lw_vmstat_collector = { sizeof(struct lw_vmstat), collect, NULL };
