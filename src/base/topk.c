/* topk.c: Space-Saving heavy hitters over addresses with a hash index and a min-heap. */
/* SPDX-License-Identifier: ISC */
#include "base/topk.h"

#include <stdlib.h>
#include <string.h>

int lw_addr_cmp(const struct lw_addr *a, const struct lw_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, sizeof(a->bytes));
}

static uint32_t addr_hash(const struct lw_addr *a)
{
	uint32_t h = 2166136261u;  /* FNV-1a */

	h = (h ^ a->family) * 16777619u;
	for (size_t i = 0; i < sizeof(a->bytes); i++)
		h = (h ^ a->bytes[i]) * 16777619u;
	return h;
}

int lw_topk_init(struct lw_topk *t, size_t k)
{
	memset(t, 0, sizeof(*t));
	if (k == 0 || k > (1u << 24))
		return -1;
	t->k = k;
	for (t->nhash = 4; t->nhash < 2 * k; t->nhash *= 2)
		;
	t->heap = calloc(k, sizeof(*t->heap));
	t->slot_of = calloc(k, sizeof(*t->slot_of));
	t->hash = calloc(t->nhash, sizeof(*t->hash));
	if (t->heap == NULL || t->slot_of == NULL || t->hash == NULL) {
		lw_topk_free(t);
		return -1;
	}
	return 0;
}

void lw_topk_free(struct lw_topk *t)
{
	free(t->heap);
	free(t->slot_of);
	free(t->hash);
	memset(t, 0, sizeof(*t));
}

void lw_topk_reset(struct lw_topk *t)
{
	memset(t->hash, 0, t->nhash * sizeof(*t->hash));
	t->n = 0;
	t->total = 0;
}

/* Swaps two heap entries, keeping the hash pointing at them. */
static void heap_swap(struct lw_topk *t, size_t i, size_t j)
{
	struct lw_topk_entry e = t->heap[i];
	uint32_t s = t->slot_of[i];

	t->heap[i] = t->heap[j];
	t->slot_of[i] = t->slot_of[j];
	t->heap[j] = e;
	t->slot_of[j] = s;
	t->hash[t->slot_of[i]] = (uint32_t)i + 1;
	t->hash[t->slot_of[j]] = (uint32_t)j + 1;
}

/* A count only grows, so an entry only moves down. */
static void sift_down(struct lw_topk *t, size_t i)
{
	for (;;) {
		size_t m = i, l = 2 * i + 1, r = l + 1;

		if (l < t->n && t->heap[l].count < t->heap[m].count)
			m = l;
		if (r < t->n && t->heap[r].count < t->heap[m].count)
			m = r;
		if (m == i)
			return;
		heap_swap(t, i, m);
		i = m;
	}
}

/* The slot holding a, or the empty slot where it would go. */
static size_t find_slot(const struct lw_topk *t, const struct lw_addr *a)
{
	size_t mask = t->nhash - 1, s = addr_hash(a) & mask;

	while (t->hash[s] != 0 && lw_addr_cmp(&t->heap[t->hash[s] - 1].addr, a) != 0)
		s = (s + 1) & mask;
	return s;
}

/* Linear-probing deletion by backward shift, so lookups never need tombstones. */
static void hash_remove(struct lw_topk *t, size_t s)
{
	size_t mask = t->nhash - 1, j = s;

	t->hash[s] = 0;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (t->hash[j] == 0)
			return;
		home = addr_hash(&t->heap[t->hash[j] - 1].addr) & mask;
		/* Move j back into the hole unless its home lies cyclically in (s, j]. */
		if ((j > s && (home <= s || home > j)) || (j < s && home <= s && home > j)) {
			t->hash[s] = t->hash[j];
			t->slot_of[t->hash[s] - 1] = (uint32_t)s;
			t->hash[j] = 0;
			s = j;
		}
	}
}

void lw_topk_add(struct lw_topk *t, const struct lw_addr *a)
{
	size_t s = find_slot(t, a), i;

	t->total++;
	if (t->hash[s] != 0) {
		i = t->hash[s] - 1;
		if (t->heap[i].count < UINT32_MAX)
			t->heap[i].count++;
		sift_down(t, i);
		return;
	}
	if (t->n < t->k) {
		/* A new entry with count 1 is never above its parent in a min-heap of counts >= 1:
		 * insert at the end, then move it up past any larger parent. */
		i = t->n++;
		t->heap[i] = (struct lw_topk_entry){ .addr = *a, .count = 1, .error = 0 };
		t->slot_of[i] = (uint32_t)s;
		t->hash[s] = (uint32_t)i + 1;
		while (i > 0 && t->heap[(i - 1) / 2].count > t->heap[i].count) {
			heap_swap(t, i, (i - 1) / 2);
			i = (i - 1) / 2;
		}
		return;
	}
	/* Full: the smallest counter (the root) is handed to a, which inherits its count. */
	hash_remove(t, t->slot_of[0]);
	s = find_slot(t, a);
	t->heap[0].addr = *a;
	t->heap[0].error = t->heap[0].count;
	if (t->heap[0].count < UINT32_MAX)
		t->heap[0].count++;
	t->slot_of[0] = (uint32_t)s;
	t->hash[s] = 1;
	sift_down(t, 0);
}

static int best_first(const void *x, const void *y)
{
	const struct lw_topk_entry *a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return lw_addr_cmp(&a->addr, &b->addr);
}

size_t lw_topk_best(struct lw_topk *t, struct lw_topk_entry *out, size_t n)
{
	size_t m = t->n < n ? t->n : n;

	/* Sorting in place ends the stream (the heap and hash no longer agree): no allocation. */
	qsort(t->heap, t->n, sizeof(*t->heap), best_first);
	memcpy(out, t->heap, m * sizeof(*out));
	t->n = 0;
	memset(t->hash, 0, t->nhash * sizeof(*t->hash));
	return m;
}
