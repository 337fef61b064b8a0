/* watchset.c: a sorted set of watched objects merged with each cycle's rows, hashed in a replay. */
/* SPDX-License-Identifier: ISC */
#include "detect/watchset.h"

#include <stdlib.h>
#include <string.h>

#include "base/rows.h"

void lw_watchset_init(struct lw_watchset *w)
{
	memset(w, 0, sizeof(*w));
}

void lw_watchset_free(struct lw_watchset *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	for (size_t i = 0; i < w->nnext; i++)
		free(w->next[i]);
	free(w->v);
	free(w->next);
	free(w->hash);
	lw_watchset_init(w);
}

static int cmp(uint32_t id, int64_t start, const struct lw_watched *b)
{
	if (id != b->id)
		return id < b->id ? -1 : 1;
	return start < b->start ? -1 : start > b->start;
}

static int by_key(const void *x, const void *y)
{
	const struct lw_watched *a = *(const struct lw_watched *const *)x;

	return cmp(a->id, a->start, *(const struct lw_watched *const *)y);
}

/* Room for one more pointer in *v (n of them held). */
static int reserve_one(struct lw_watched ***v, size_t *cap, size_t n)
{
	void *p = *v;
	int rc;

	if (n < *cap)
		return 0;
	rc = lw_rows_grow(&p, cap, sizeof(**v), 256);
	*v = p;
	return rc;
}

static struct lw_watched *fresh(uint32_t id, int64_t start, int64_t start_s)
{
	struct lw_watched *o = calloc(1, sizeof(*o));

	if (o == NULL)
		return NULL;
	o->id = id;
	o->start = start;
	lw_series_init(&o->s[0], start_s);
	lw_series_init(&o->s[1], start_s);
	return o;
}

void lw_watchset_begin(struct lw_watchset *w)
{
	/* A replay appended in hash order: the merge needs the set sorted. */
	if (w->unsorted) {
		qsort(w->v, w->n, sizeof(*w->v), by_key);
		w->unsorted = false;
	}
	free(w->hash);
	w->hash = NULL;
	w->nhash = 0;
	w->pos = 0;
	w->nnext = 0;
}

struct lw_watched *lw_watchset_match(struct lw_watchset *w, uint32_t id, int64_t start,
				     int64_t start_s)
{
	struct lw_watched *out;

	/* Objects before this row's have no row: they are gone. */
	while (w->pos < w->n && cmp(id, start, w->v[w->pos]) > 0) {
		free(w->v[w->pos]);
		w->v[w->pos++] = NULL;
	}
	if (reserve_one(&w->next, &w->cap_next, w->nnext) != 0)
		return NULL;
	if (w->pos < w->n && cmp(id, start, w->v[w->pos]) == 0) {
		out = w->v[w->pos];
		w->v[w->pos++] = NULL;
	} else {
		out = fresh(id, start, start_s);
		if (out == NULL)
			return NULL;
	}
	w->next[w->nnext++] = out;
	return out;
}

void lw_watchset_end(struct lw_watchset *w)
{
	struct lw_watched **v = w->v;
	size_t cap = w->cap;

	/* What no row matched is gone. */
	for (size_t i = w->pos; i < w->n; i++)
		free(v[i]);
	/* Swap: the merge's output becomes the set, the old array the next merge's output. */
	w->v = w->next;
	w->cap = w->cap_next;
	w->n = w->nnext;
	w->next = v;
	w->cap_next = cap;
	w->nnext = 0;
}

static uint32_t hash_of(uint32_t id, int64_t start)
{
	uint64_t k = ((uint64_t)start << 22) ^ id;

	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (uint32_t)k;
}

static int rehash(struct lw_watchset *w, size_t nhash)
{
	uint32_t *h = calloc(nhash, sizeof(*h));

	if (h == NULL)
		return -1;
	for (size_t i = 0; i < w->n; i++) {
		size_t s = hash_of(w->v[i]->id, w->v[i]->start) & (nhash - 1);

		while (h[s] != 0)
			s = (s + 1) & (nhash - 1);
		h[s] = (uint32_t)i + 1;
	}
	free(w->hash);
	w->hash = h;
	w->nhash = nhash;
	return 0;
}

struct lw_watched *lw_watchset_replay(struct lw_watchset *w, uint32_t id, int64_t start,
				      int64_t start_s)
{
	size_t s;
	struct lw_watched *out;

	if ((w->hash == NULL || 2 * (w->n + 1) > w->nhash) &&
	    rehash(w, w->nhash ? 2 * w->nhash : 1024) != 0)
		return NULL;
	for (s = hash_of(id, start) & (w->nhash - 1); w->hash[s] != 0;
	     s = (s + 1) & (w->nhash - 1))
		if (cmp(id, start, w->v[w->hash[s] - 1]) == 0)
			return w->v[w->hash[s] - 1];
	if (reserve_one(&w->v, &w->cap, w->n) != 0)
		return NULL;
	out = fresh(id, start, start_s);
	if (out == NULL)
		return NULL;
	w->v[w->n] = out;
	w->hash[s] = (uint32_t)++w->n;
	w->unsorted = true;
	return out;
}
