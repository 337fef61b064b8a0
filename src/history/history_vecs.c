/* history_vecs.c: sets of per-series vectors and the change-only rows between two of them. */
/* SPDX-License-Identifier: ISC */
#include "history/history_vecs.h"

#include <stdlib.h>
#include <string.h>

void lw_hvecs_init(struct lw_hvecs *s, size_t width)
{
	memset(s, 0, sizeof(*s));
	s->width = width;
}

void lw_hvecs_free(struct lw_hvecs *s)
{
	free(s->a);
	s->a = NULL;
	s->n = s->cap = 0;
}

static int reserve(struct lw_hvecs *s, size_t need)
{
	size_t cap = s->cap ? s->cap : 64;
	int64_t *a;

	if (need <= s->cap)
		return 0;
	/* 1.5x: 10k processes should not hold room for 16k. */
	while (cap < need)
		cap += cap / 2;
	a = realloc(s->a, cap * lw_hvecs_stride(s) * sizeof(*a));
	if (a == NULL)
		return -1;
	s->a = a;
	s->cap = cap;
	return 0;
}

static int push_entry(struct lw_hvecs *s, const int64_t *entry)
{
	if (reserve(s, s->n + 1) != 0)
		return -1;
	memcpy(lw_hvecs_at(s, s->n), entry, lw_hvecs_stride(s) * sizeof(*entry));
	s->n++;
	return 0;
}

int lw_hvecs_push(struct lw_hvecs *s, int64_t id, int kind, unsigned nvals, const int64_t *v)
{
	int64_t *e;

	if (nvals > s->width || reserve(s, s->n + 1) != 0)
		return -1;
	e = lw_hvecs_at(s, s->n);
	e[0] = id;
	e[1] = (int64_t)((unsigned)kind & 0xff) | (int64_t)nvals << 8;
	memset(e + 2, 0, s->width * sizeof(*e));
	memcpy(e + 2, v, nvals * sizeof(*v));
	s->n++;
	return 0;
}

/* qsort is not stable: sort (id, position) pairs so the first pushed of a duplicate wins. */
struct order {
	int64_t id;
	size_t pos;
};

static int by_id_then_pos(const void *a, const void *b)
{
	const struct order *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static bool is_sorted_unique(const struct lw_hvecs *s)
{
	for (size_t i = 1; i < s->n; i++)
		if (lw_hvecs_at(s, i - 1)[0] >= lw_hvecs_at(s, i)[0])
			return false;
	return true;
}

int lw_hvecs_sort(struct lw_hvecs *s)
{
	size_t stride = lw_hvecs_stride(s), kept = 0;
	struct order *ord;
	int64_t *a;

	/* A cycle's ids mostly arrive in order (identities are met in the same order each cycle). */
	if (is_sorted_unique(s))
		return 0;
	ord = malloc(s->n * sizeof(*ord));
	a = malloc(s->n * stride * sizeof(*a));
	if (ord == NULL || a == NULL) {
		free(ord);
		free(a);
		return -1;
	}
	for (size_t i = 0; i < s->n; i++)
		ord[i] = (struct order){ lw_hvecs_at(s, i)[0], i };
	qsort(ord, s->n, sizeof(*ord), by_id_then_pos);
	for (size_t i = 0; i < s->n; i++) {
		if (kept > 0 && a[(kept - 1) * stride] == ord[i].id)
			continue;
		memcpy(a + kept * stride, lw_hvecs_at(s, ord[i].pos), stride * sizeof(*a));
		kept++;
	}
	free(ord);
	free(s->a);
	s->a = a;
	s->cap = s->n;
	s->n = kept;
	return 0;
}

static uint32_t all_values(unsigned nvals)
{
	return nvals >= 32 ? UINT32_MAX : (1u << nvals) - 1;
}

static uint32_t changed_values(const int64_t *was, const int64_t *now)
{
	unsigned nvals = lw_hvecs_nvals(now);
	uint32_t mask = 0;

	/* A series whose width changed (it cannot, short of a schema change) is stored whole. */
	if (lw_hvecs_nvals(was) != nvals)
		return all_values(nvals);
	for (unsigned i = 0; i < nvals; i++)
		if (was[2 + i] != now[2 + i])
			mask |= 1u << i;
	return mask;
}

int lw_hvecs_diff(const struct lw_hvecs *prev, bool prev_valid, const struct lw_hvecs *cur,
		  uint32_t sampled, lw_hvecs_put_fn put, void *ctx, size_t *rows)
{
	size_t i = 0, j = 0, np = prev_valid ? prev->n : 0;
	int rc;

	*rows = 0;
	while (i < np || j < cur->n) {
		const int64_t *p = i < np ? lw_hvecs_at(prev, i) : NULL;
		const int64_t *c = j < cur->n ? lw_hvecs_at(cur, j) : NULL;
		uint32_t mask;

		if (c == NULL || (p != NULL && p[0] < c[0])) {
			i++;
			if (!(sampled & (1u << lw_hvecs_kind(p))))
				continue;  /* carried: lw_hvecs_carry keeps it */
			if ((rc = put(ctx, p[0], lw_hvecs_kind(p), p + 2, lw_hvecs_nvals(p), 0)) != 0)
				return rc;
			(*rows)++;
			continue;
		}
		if (p != NULL && p[0] == c[0]) {
			mask = changed_values(p, c);
			i++;
		} else {
			mask = all_values(lw_hvecs_nvals(c));
		}
		j++;
		/* A series with no value at all (nvals 0) has nothing to store. */
		if (mask == 0)
			continue;
		if ((rc = put(ctx, c[0], lw_hvecs_kind(c), c + 2, lw_hvecs_nvals(c), mask)) != 0)
			return rc;
		(*rows)++;
	}
	return 0;
}

int lw_hvecs_carry(const struct lw_hvecs *prev, bool prev_valid, uint32_t sampled,
		   struct lw_hvecs *cur)
{
	size_t before = cur->n;

	for (size_t i = 0; prev_valid && i < prev->n; i++) {
		const int64_t *p = lw_hvecs_at(prev, i);

		if (!(sampled & (1u << lw_hvecs_kind(p))) && push_entry(cur, p) != 0)
			return -1;
	}
	/* cur holds no series of a kind it did not sample: the ids are distinct. */
	return cur->n == before ? 0 : lw_hvecs_sort(cur);
}
