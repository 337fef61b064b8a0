/* rows.h: growing and copying the row arrays of tables (slab caches, zones, processes...). */
#ifndef LW_ROWS_H
#define LW_ROWS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Doubles *rows (elements of size bytes, *cap of them; first when empty) with realloc.
 * Returns -1, leaving the array as it was, on overflow or out of memory.
 */
int lw_rows_grow(void **rows, size_t *cap, size_t size, size_t first);

/* A malloc'd copy of n rows of size bytes: NULL for n == 0, and (setting *oom) out of memory. */
void *lw_rows_dup(const void *src, size_t n, size_t size, bool *oom);

#endif
