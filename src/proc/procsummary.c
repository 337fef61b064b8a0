/* procsummary.c: ranks, groups and caps the sampled processes into an immutable table. */
/* SPDX-License-Identifier: ISC */
#include "proc/procsummary.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lw_summary_begin(struct lw_summary_builder *b, struct lw_error *err)
{
	memset(b, 0, sizeof(*b));
	b->acap = 65536;
	b->arena = malloc(b->acap);
	if (b->arena == NULL)
		return lw_error_set(err, ENOMEM, "processes: out of memory");
	b->arena[0] = '\0';  /* offset 0: the empty string */
	b->alen = 1;
	return 0;
}

void lw_summary_abort(struct lw_summary_builder *b)
{
	free(b->rows);
	free(b->arena);
	memset(b, 0, sizeof(*b));
}

static int arena_put(struct lw_summary_builder *b, const char *s, uint32_t *off)
{
	size_t n = strlen(s) + 1;

	if (n == 1) {
		*off = 0;
		return 0;
	}
	if (b->alen + n > b->acap) {
		size_t ncap = b->acap * 2 + n;
		char *na = ncap > UINT32_MAX ? NULL : realloc(b->arena, ncap);

		if (na == NULL)
			return -1;
		b->arena = na;
		b->acap = ncap;
	}
	memcpy(b->arena + b->alen, s, n);
	*off = (uint32_t)b->alen;
	b->alen += n;
	return 0;
}

int lw_summary_add(struct lw_summary_builder *b, const struct lw_proc *row, const char *name,
		   const char *cmdline)
{
	struct lw_proc r = *row;

	if (arena_put(b, name, &r.name) || arena_put(b, cmdline, &r.cmdline))
		return -1;
	if (b->n == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 1024;
		struct lw_proc *nr = realloc(b->rows, ncap * sizeof(*nr));

		if (nr == NULL)
			return -1;
		b->rows = nr;
		b->cap = ncap;
	}
	b->rows[b->n++] = r;
	return 0;
}

static int by_rss_desc(const void *a, const void *b)
{
	const struct lw_proc *x = a, *y = b;

	if (x->rss_kb != y->rss_kb)
		return x->rss_kb < y->rss_kb ? 1 : -1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static uint64_t metric_value(const struct lw_proc *p, int metric, int *qualifies)
{
	*qualifies = 1;
	switch (metric) {
	case LW_TOP_RSS:
		return p->rss_kb;
	case LW_TOP_CPU:
		return p->cpu_hundredths;
	case LW_TOP_FDS:
		*qualifies = !(p->unknown & LW_PROC_FDS_UNKNOWN);  /* no rank for an unknown */
		return p->fds;
	default:
		*qualifies = p->rss_growth_kb > 0;
		return p->rss_growth_kb > 0 ? (uint64_t)p->rss_growth_kb : 0;
	}
}

static int top_cmp(const void *a, const void *b)
{
	const struct lw_proc_top *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? 1 : -1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Restores the heap (worst-ranked entry at the root) below i. */
static void sift_down(struct lw_proc_top *h, size_t n, size_t i)
{
	for (;;) {
		size_t worst = i, l = 2 * i + 1, r = l + 1;
		struct lw_proc_top t;

		if (l < n && top_cmp(&h[l], &h[worst]) > 0)
			worst = l;
		if (r < n && top_cmp(&h[r], &h[worst]) > 0)
			worst = r;
		if (worst == i)
			return;
		t = h[i];
		h[i] = h[worst];
		h[worst] = t;
		i = worst;
	}
}

static void sift_up(struct lw_proc_top *h, size_t i)
{
	while (i > 0 && top_cmp(&h[i], &h[(i - 1) / 2]) > 0) {
		struct lw_proc_top t = h[i];

		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

/*
 * The n best rows for metric, best first. A heap of n holds the best so far with the worst at
 * its root, so ranking 10k rows costs 10k comparisons, not a sort of all of them.
 */
static int build_top(const struct lw_summary_builder *b, unsigned n, int metric,
		     struct lw_proc_table *out)
{
	struct lw_proc_top *h = malloc((n ? n : 1) * sizeof(*h));
	size_t k = 0;

	if (h == NULL)
		return -1;
	for (size_t i = 0; i < b->n && n > 0; i++) {
		int q;
		uint64_t v = metric_value(&b->rows[i], metric, &q);
		struct lw_proc_top c = { b->rows[i].pid, b->rows[i].name, v };

		if (!q)
			continue;
		if (k < n) {
			h[k] = c;
			sift_up(h, k++);
		} else if (top_cmp(&c, &h[0]) < 0) {
			h[0] = c;
			sift_down(h, k, 0);
		}
	}
	qsort(h, k, sizeof(*h), top_cmp);
	out->ntop[metric] = k;
	out->top[metric] = h;
	return 0;
}

/* Marks the top-N processes by descriptor count: lwProcFdTable publishes their types. */
static void mark_fd_top(struct lw_summary_builder *b, const struct lw_proc_table *out)
{
	for (size_t i = 0; i < out->ntop[LW_TOP_FDS]; i++) {
		struct lw_proc *row = bsearch(&(struct lw_proc){ .pid = out->top[LW_TOP_FDS][i].pid },
					      b->rows, b->n, sizeof(*row), lw_proc_pid_cmp);

		row->in_fd_top = 1;
	}
}

static int by_name(const void *a, const void *b, void *arena)
{
	const struct lw_proc *const *x = a, *const *y = b;

	return strcmp((const char *)arena + (*x)->name, (const char *)arena + (*y)->name);
}

static int group_by_name(const void *a, const void *b, void *arena)
{
	const struct lw_proc_group *x = a, *y = b;

	return strcmp((const char *)arena + x->name, (const char *)arena + y->name);
}

static int group_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct lw_proc_group *)a)->index;
	uint32_t y = ((const struct lw_proc_group *)b)->index;

	return (x > y) - (x < y);
}

static int index_taken(const struct lw_proc_group *g, size_t n, uint32_t index)
{
	for (size_t i = 0; i < n; i++)
		if (g[i].index == index)
			return 1;
	return 0;
}

/* Collisions are rare: detect them in O(n log n), resolve (in name order) only when present. */
static void resolve_collisions(struct lw_proc_group *g, size_t ng, const char *arena,
			       unsigned *collisions)
{
	int dup = 0;

	qsort(g, ng, sizeof(*g), group_cmp);
	for (size_t i = 1; i < ng && !dup; i++)
		dup = g[i].index == g[i - 1].index;
	if (!dup)
		return;
	qsort_r(g, ng, sizeof(*g), group_by_name, (void *)arena);
	for (size_t i = 0; i < ng; i++) {
		g[i].index = lw_proc_group_index(arena + g[i].name);
		while (index_taken(g, i, g[i].index)) {
			g[i].index = g[i].index == 0x7fffffffu ? 1 : g[i].index + 1;
			(*collisions)++;
		}
	}
	qsort(g, ng, sizeof(*g), group_cmp);
}

/* Groups rows by name; returns the number of index collisions resolved. */
static int build_groups(const struct lw_summary_builder *b, struct lw_proc_table *out,
			unsigned *collisions)
{
	const struct lw_proc **order = malloc((b->n ? b->n : 1) * sizeof(*order));
	struct lw_proc_group *g = calloc(b->n ? b->n : 1, sizeof(*g));
	size_t ng = 0;

	if (order == NULL || g == NULL) {
		free(order);
		free(g);
		return -1;
	}
	for (size_t i = 0; i < b->n; i++)
		order[i] = &b->rows[i];
	qsort_r(order, b->n, sizeof(*order), by_name, b->arena);
	for (size_t i = 0; i < b->n; i++) {
		const struct lw_proc *p = order[i];

		if (ng == 0 || strcmp(b->arena + g[ng - 1].name, b->arena + p->name) != 0)
			g[ng++] = (struct lw_proc_group){ .index = lw_proc_group_index(b->arena + p->name),
							  .name = p->name };
		g[ng - 1].count++;
		/* A sum over a member whose count is unknown would be too low: no sum at all. */
		g[ng - 1].fds += p->fds;
		g[ng - 1].fds_unknown |= (p->unknown & LW_PROC_FDS_UNKNOWN) != 0;
		g[ng - 1].cpu_hundredths += p->cpu_hundredths;
		g[ng - 1].rss_kb += p->rss_kb;
		g[ng - 1].vsz_kb += p->vsz_kb;
		if (p->rss_kb > g[ng - 1].max_rss_kb)
			g[ng - 1].max_rss_kb = p->rss_kb;
	}
	free(order);
	resolve_collisions(g, ng, b->arena, collisions);
	out->groups = g;
	out->ngroups = ng;
	return 0;
}

static void apply_cap(struct lw_summary_builder *b, uint32_t max_rows, struct lw_proc_table *out)
{
	if (b->n <= max_rows)
		return;
	/* The largest processes are the ones a leak hunt needs. */
	qsort(b->rows, b->n, sizeof(*b->rows), by_rss_desc);
	out->dropped = (uint32_t)(b->n - max_rows);
	b->n = max_rows;
	qsort(b->rows, b->n, sizeof(*b->rows), lw_proc_pid_cmp);
}

int lw_summary_finish(struct lw_summary_builder *b, const struct lw_proc_config *cfg,
		      struct lw_proc_table *out, char *notice, size_t notice_cap,
		      struct lw_error *err)
{
	unsigned collisions = 0;
	size_t total = b->n;

	memset(out, 0, sizeof(*out));
	notice[0] = '\0';
	if (b->n > 0)
		qsort(b->rows, b->n, sizeof(*b->rows), lw_proc_pid_cmp);
	out->top_n = cfg->top_n;
	for (int m = 1; m <= LW_TOP_COUNT; m++)
		if (build_top(b, cfg->top_n, m, out))
			goto oom;
	mark_fd_top(b, out);
	if (build_groups(b, out, &collisions))
		goto oom;
	apply_cap(b, cfg->max_rows, out);
	if (out->dropped > 0)
		snprintf(notice, notice_cap,
			 "row cap %u reached: %zu processes, %u not published in lwProcTable",
			 cfg->max_rows, total, out->dropped);
	else if (collisions > 0)
		snprintf(notice, notice_cap, "%u group index collisions resolved by name order",
			 collisions);
	out->rows = b->rows;
	out->count = b->n;
	out->arena = b->arena;
	out->arena_len = b->alen;
	memset(b, 0, sizeof(*b));
	return 0;
oom:
	lw_proc_table_release(out);
	lw_summary_abort(b);
	return lw_error_set(err, ENOMEM, "processes: out of memory");
}
