/* history_vecs.h: the values of every series at one point in time, and the rows between two. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_HISTORY_VECS_H
#define LW_HISTORY_VECS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A set of vectors, one per series id, sorted by id after lw_hvecs_sort: what one cycle (or
 * one window) holds, or what was last stored for each live series. Each entry is a flat run of
 * int64: the id, a tag (kind | nvals << 8) and `width` values, of which the first nvals are
 * used (a group has 3 values in a 5-wide set). Values are uint64 figures kept as their bits.
 */
struct lw_hvecs {
	size_t width;
	int64_t *a;
	size_t n, cap;
};

static inline size_t lw_hvecs_stride(const struct lw_hvecs *s)
{
	return 2 + s->width;
}

static inline int64_t *lw_hvecs_at(const struct lw_hvecs *s, size_t i)
{
	return s->a + i * lw_hvecs_stride(s);
}

static inline int lw_hvecs_kind(const int64_t *e)
{
	return (int)(e[1] & 0xff);
}

static inline unsigned lw_hvecs_nvals(const int64_t *e)
{
	return (unsigned)((e[1] >> 8) & 0xff);
}

void lw_hvecs_init(struct lw_hvecs *s, size_t width);
void lw_hvecs_free(struct lw_hvecs *s);

static inline void lw_hvecs_clear(struct lw_hvecs *s)
{
	s->n = 0;
}

/* Appends an entry (values beyond nvals are zero). Returns -1 when out of memory. */
int lw_hvecs_push(struct lw_hvecs *s, int64_t id, int kind, unsigned nvals, const int64_t *v);

/* Sorts by id; of entries with the same id only the first pushed is kept. -1: out of memory. */
int lw_hvecs_sort(struct lw_hvecs *s);

static inline void lw_hvecs_swap(struct lw_hvecs *a, struct lw_hvecs *b)
{
	struct lw_hvecs t = *a;

	*a = *b;
	*b = t;
}

/*
 * One stored row: values[i] is stored where bit i of mask is set and NULL elsewhere; mask 0 is
 * the row that ends a series (every value NULL). Returns 0 or an error code that stops the diff.
 */
typedef int (*lw_hvecs_put_fn)(void *ctx, int64_t id, int kind, const int64_t *values,
			       unsigned nvals, uint32_t mask);

/*
 * The change-only rows that take the store from `prev` (what the last point stored, ignored
 * when !prev_valid) to `cur` (this point, sorted), calling put once per row in id order:
 *   - a series new in cur, or every series when !prev_valid (a keyframe): a whole row;
 *   - a series in both: the values that changed, nothing when none did;
 *   - a series in prev only: an ending row when its kind is in `sampled` (bit 1 << kind),
 *     else nothing: its kind was not sampled at this point, so it is carried over.
 * Returns 0, or put's error code; *rows counts the rows put.
 */
int lw_hvecs_diff(const struct lw_hvecs *prev, bool prev_valid, const struct lw_hvecs *cur,
		  uint32_t sampled, lw_hvecs_put_fn put, void *ctx, size_t *rows);

/*
 * Makes cur what is stored after the point: adds the series of prev whose kind is not in
 * `sampled` (carried), keeping cur sorted. The caller then swaps it with prev: no third set.
 * -1: out of memory.
 */
int lw_hvecs_carry(const struct lw_hvecs *prev, bool prev_valid, uint32_t sampled,
		   struct lw_hvecs *cur);

#endif
