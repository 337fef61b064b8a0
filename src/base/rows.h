/* rows.h: growing the row arrays of the parsers' lists (slab caches, zones, buddy lines). */
#ifndef LW_ROWS_H
#define LW_ROWS_H

#include <stddef.h>

/*
 * Doubles *rows (elements of size bytes, *cap of them; first when empty) with realloc.
 * Returns -1, leaving the array as it was, on overflow or out of memory.
 */
int lw_rows_grow(void **rows, size_t *cap, size_t size, size_t first);

#endif
