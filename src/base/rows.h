/* rows.h: growing and copying the row arrays of tables (slab caches, zones, processes...). */
/* SPDX-License-Identifier: ISC */
#ifndef LW_ROWS_H
#define LW_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

/*
 * Doubles *rows (elements of size bytes, *cap of them; first when empty) with realloc.
 * Returns -1, leaving the array as it was, on overflow or out of memory.
 */
int lw_rows_grow(void **rows, size_t *cap, size_t size, size_t first);

/*
 * A caller-owned row list, struct list { ROW *rows; size_t n, cap; }, has the same functions
 * whatever its rows: list_init (empty, no memory), list_free, and list_reset (empty, the memory
 * kept for the next parse). Its header declares them with LW_ROW_LIST_DECLARE; its source
 * defines them with LW_ROW_LIST_DEFINE, together with its own static list_grow, which doubles
 * the rows from first (-1, the list unchanged, when out of memory).
 */
#define LW_ROW_LIST_DECLARE(list)                                                              \
	void list##_init(struct list *l);                                                      \
	void list##_free(struct list *l);                                                      \
	void list##_reset(struct list *l)


#define LW_ROW_LIST_DEFINE(list, first)                                                        \
	void list##_init(struct list *l)                                                       \
	{                                                                                      \
		l->rows = NULL;                                                                \
		l->n = 0;                                                                      \
		l->cap = 0;                                                                    \
	}                                                                                      \
	void list##_free(struct list *l)                                                       \
	{                                                                                      \
		free(l->rows);                                                                 \
		list##_init(l);                                                                \
	}                                                                                      \
	void list##_reset(struct list *l)                                                      \
	{                                                                                      \
		l->n = 0;                                                                      \
	}                                                                                      \
	static int list##_grow(struct list *l)                                                 \
	{                                                                                      \
		void *rows = l->rows;  /* realloc's void *, never a cast of the typed pointer */ \
		int rc = lw_rows_grow(&rows, &l->cap, sizeof(*l->rows), first);                \
		l->rows = rows;                                                                \
		return rc;                                                                     \
	}

/* A malloc'd copy of n rows of size bytes: NULL for n == 0, and (setting *oom) out of memory. */
void *lw_rows_dup(const void *src, size_t n, size_t size, bool *oom);

#endif
